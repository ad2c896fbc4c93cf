//! Running a group: its settings and avatar, mutes, admins, ownership, dissolution.

use liao_shared::{
    ConversationId, ErrorCode, EventBody, GroupSettingsPatch, RemovalReason, Role, SystemEvent,
    UserId,
};

use super::{Groups, MAX_MUTE_SECS, Outcome, clean_description, clean_group_name};
use crate::app::Actor;
use crate::authz::Action;
use crate::error::{Error, Result};
use crate::store::groups::{self, GroupChanges};
use crate::util::now_ms;

impl Groups {
    /// Change name, description or settings.
    pub async fn update_group(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        changes: GroupChanges,
    ) -> Result<()> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::Update).await?;
        let name = changes
            .name
            .as_deref()
            .map(clean_group_name)
            .transpose()?
            .filter(|n| *n != g.name);
        let description = changes
            .description
            .as_deref()
            .map(clean_description)
            .transpose()?
            .filter(|d| *d != g.description);
        let join_policy = changes.join_policy.filter(|p| *p != g.join_policy);
        let searchable = changes.searchable.filter(|s| *s != g.searchable);
        let allow_temp = changes.allow_temp.filter(|a| *a != g.allow_temp);
        if name.is_none()
            && description.is_none()
            && join_policy.is_none()
            && searchable.is_none()
            && allow_temp.is_none()
        {
            return Ok(());
        }
        let applied = GroupChanges {
            name: name.clone(),
            description: description.clone(),
            join_policy,
            searchable,
            allow_temp,
            ..GroupChanges::default()
        };
        groups::update(&mut tx, &g.id, &applied).await?;
        self.record(
            tx,
            &g,
            &actor.user,
            SystemEvent::Updated {
                changes: GroupSettingsPatch {
                    name,
                    description,
                    join_policy,
                    searchable,
                    allow_temp_sessions: allow_temp,
                },
            },
        )
        .await
    }

    /// Set or remove the group's avatar (owner and admins).
    pub async fn set_group_avatar(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        file: Option<&liao_shared::FileId>,
    ) -> Result<()> {
        if let Some(file) = file {
            self.files
                .usable_as_image(&actor.user, file, "avatars are images")
                .await?;
        }
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::Update).await?;
        groups::set_avatar(&mut tx, &g.id, file).await?;
        self.record(
            tx,
            &g,
            &actor.user,
            SystemEvent::AvatarChanged {
                avatar: file.cloned(),
            },
        )
        .await?;
        if let Some(previous) = g.avatar.filter(|p| Some(p) != file) {
            self.files.collect_file(&previous).await;
        }
        Ok(())
    }

    /// Mute a member for `seconds` (0 unmutes).
    pub async fn mute_member(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        user: &UserId,
        seconds: u64,
    ) -> Result<()> {
        if seconds > MAX_MUTE_SECS {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "mutes last at most 30 days",
            ));
        }
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized_on(&mut tx, &g, actor, Action::Mute, user)
            .await?;
        let (until, event) = if seconds == 0 {
            (
                None,
                SystemEvent::Unmuted {
                    user_id: user.clone(),
                },
            )
        } else {
            let until = now_ms() + seconds * 1000;
            (
                Some(until),
                SystemEvent::Muted {
                    user_id: user.clone(),
                    until,
                },
            )
        };
        groups::set_mute(&mut tx, &g.id, user, until).await?;
        self.record(tx, &g, &actor.user, event).await
    }

    /// Whole-group mute on or off.
    pub async fn mute_all(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        on: bool,
    ) -> Result<()> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::MuteAll).await?;
        if g.muted_all == on {
            return Ok(());
        }
        groups::update(
            &mut tx,
            &g.id,
            &GroupChanges {
                muted_all: Some(on),
                ..GroupChanges::default()
            },
        )
        .await?;
        self.record(tx, &g, &actor.user, SystemEvent::MutedAll { on })
            .await
    }

    /// Appoint or dismiss an admin (owner only).
    pub async fn set_admin(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        user: &UserId,
        admin: bool,
    ) -> Result<()> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        let (_, target) = self
            .authorized_on(&mut tx, &g, actor, Action::SetAdmin, user)
            .await?;
        let role = if admin { Role::Admin } else { Role::Member };
        if target.role == role {
            return Ok(());
        }
        groups::set_role(&mut tx, &g.id, user, role).await?;
        let event = if admin {
            SystemEvent::AdminAdded {
                user_id: user.clone(),
            }
        } else {
            SystemEvent::AdminRemoved {
                user_id: user.clone(),
            }
        };
        self.record(tx, &g, &actor.user, event).await
    }

    /// Hand the group to another member; the old owner becomes an admin.
    pub async fn transfer_group(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        user: &UserId,
    ) -> Result<()> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized_on(&mut tx, &g, actor, Action::Transfer, user)
            .await?;
        groups::set_role(&mut tx, &g.id, user, Role::Owner).await?;
        groups::set_role(&mut tx, &g.id, &actor.user, Role::Admin).await?;
        groups::update(
            &mut tx,
            &g.id,
            &GroupChanges {
                owner: Some(user.clone()),
                ..GroupChanges::default()
            },
        )
        .await?;
        self.record(
            tx,
            &g,
            &actor.user,
            SystemEvent::OwnerChanged {
                user_id: user.clone(),
            },
        )
        .await
    }

    /// Dissolve a group (owner only): the final entry reaches everyone, then it is gone.
    pub async fn dissolve_group(&self, actor: &Actor, conversation: &ConversationId) -> Result<()> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::Dissolve)
            .await?;
        let members =
            groups::members_with_roles(&mut tx, &g.id, &[Role::Owner, Role::Admin, Role::Member])
                .await?;
        let entry = Self::system(&mut tx, &g, &actor.user, SystemEvent::Dissolved).await?;
        let events = members
            .iter()
            .map(|m| {
                (
                    m.clone(),
                    EventBody::ConversationRemoved {
                        conversation_id: g.id.clone(),
                        reason: RemovalReason::Dissolved,
                    },
                )
            })
            .collect();
        groups::delete_conversation(&mut tx, &g.id).await?;
        self.finish(
            tx,
            &g.id,
            Outcome {
                events,
                entries: vec![entry],
                audience: Some(members),
            },
        )
        .await
    }
}
