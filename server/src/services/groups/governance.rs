//! Running a group: its settings and avatar, mutes, admins, ownership, dissolution.

use liao_shared::command::{
    DissolveGroup, MuteAll, MuteMember, SetAdmin, SetGroupAvatar, TransferGroup, UpdateGroup,
};
use liao_shared::{ErrorCode, EventBody, GroupSettingsPatch, RemovalReason, Role, SystemEvent};

use super::{Groups, MAX_MUTE_SECS, Outcome, clean_description, clean_group_name};
use crate::app::Actor;
use crate::authz::Action;
use crate::error::{Error, Result};
use crate::store::files::{self as store_files, AvatarOf};
use crate::store::groups::{self, GroupChanges};
use crate::util::now_ms;

impl Groups {
    /// Change name, description or settings. Only what really changes is applied and recorded.
    pub async fn update_group(&self, actor: &Actor, cmd: UpdateGroup) -> Result<()> {
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        self.authorized(&mut tx, &g, actor, Action::Update).await?;
        let asked = cmd.changes;
        let changes = GroupSettingsPatch {
            name: new_text(asked.name, clean_group_name, &g.name)?,
            description: new_text(asked.description, clean_description, &g.description)?,
            join_policy: asked.join_policy.filter(|p| *p != g.join_policy),
            searchable: asked.searchable.filter(|s| *s != g.searchable),
            allow_temp_sessions: asked.allow_temp_sessions.filter(|a| *a != g.allow_temp),
        };
        if changes == GroupSettingsPatch::default() {
            return Ok(());
        }
        groups::update(&mut tx, &g.id, &GroupChanges::from(changes.clone())).await?;
        self.record(tx, &g, &actor.user, SystemEvent::Updated { changes })
            .await
    }

    /// Set or remove the group's avatar (owner and admins).
    pub async fn set_group_avatar(&self, actor: &Actor, cmd: &SetGroupAvatar) -> Result<()> {
        let file = cmd.file_id.as_ref();
        if let Some(file) = file {
            self.files
                .usable_as_image(&actor.user, file, "avatars are images")
                .await?;
        }
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        self.authorized(&mut tx, &g, actor, Action::Update).await?;
        store_files::set_avatar(&mut tx, AvatarOf::Group(&g.id), file).await?;
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
    pub async fn mute_member(&self, actor: &Actor, cmd: &MuteMember) -> Result<()> {
        let (user, seconds) = (&cmd.user_id, cmd.seconds);
        if seconds > MAX_MUTE_SECS {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "mutes last at most 30 days",
            ));
        }
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
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
    pub async fn mute_all(&self, actor: &Actor, cmd: &MuteAll) -> Result<()> {
        let on = cmd.on;
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
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
    pub async fn set_admin(&self, actor: &Actor, cmd: &SetAdmin) -> Result<()> {
        let (user, admin) = (&cmd.user_id, cmd.admin);
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
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
    pub async fn transfer_group(&self, actor: &Actor, cmd: &TransferGroup) -> Result<()> {
        let user = &cmd.user_id;
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
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
    pub async fn dissolve_group(&self, actor: &Actor, cmd: &DissolveGroup) -> Result<()> {
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
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

/// A text setting's new value, cleaned by `clean`; `None` when absent or equal to `current`.
fn new_text(
    asked: Option<String>,
    clean: fn(&str) -> Result<String>,
    current: &str,
) -> Result<Option<String>> {
    Ok(asked
        .as_deref()
        .map(clean)
        .transpose()?
        .filter(|v| v != current))
}
