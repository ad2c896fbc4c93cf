//! Groups: creation, discovery and joining, governance (roles, add/remove, mutes), and temporary
//! sessions. Every command asks [`authorize`] first; every change that members must see is a
//! system entry in the group's own sequence, and every change to someone's list of conversations
//! or pending requests is an event in their own stream, so offline members and other devices
//! learn of it on sync.

use liao_shared::{
    ConversationId, ConversationInfo, ConversationKind, ErrorCode, EventBody, GroupInfo,
    GroupSettings, GroupSettingsPatch, JoinPolicy, JoinRequestInfo, Message, MessageBody, Profile,
    RemovalReason, Reply, Role, SystemEvent, UserId, limits,
};

use super::{clean_display_name, clean_note, paged, search_params};
use crate::app::{Actor, App};
use crate::authz::{Action, MemberState, authorize};
use crate::error::{Error, Result};
use crate::store::groups::{self, GroupChanges, GroupRow, NewGroup};
use crate::store::{Tx, chat, events, social};
use crate::util::now_ms;

/// Longest group description, in characters.
const DESCRIPTION_MAX: usize = 500;
/// Longest mute: 30 days.
const MAX_MUTE_SECS: u64 = 30 * 24 * 3600;

fn clean_group_name(name: &str) -> Result<String> {
    clean_display_name(name)
        .map_err(|_| Error::client(ErrorCode::BadRequest, "group names are 1-64 characters"))
}

fn clean_description(text: &str) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > DESCRIPTION_MAX {
        return Err(Error::client(
            ErrorCode::BadRequest,
            "descriptions are limited to 500 characters",
        ));
    }
    Ok(text.to_owned())
}

/// Work collected during a group transaction: events for users' streams and entries for the
/// group's timeline, published after commit.
#[derive(Default)]
struct Outcome {
    events: Vec<(UserId, EventBody)>,
    entries: Vec<Message>,
    /// Who receives the entries; by default the members after commit.
    audience: Option<Vec<UserId>>,
}

impl App {
    async fn profile_of(&self, user: &UserId) -> Result<Profile> {
        self.store
            .profile(user)
            .await?
            .ok_or_else(|| Error::not_found("no such user"))
    }

    /// Open a transaction and load the group (not_found if it is not one).
    async fn group_tx(&self, conversation: &ConversationId) -> Result<(Tx, GroupRow)> {
        let mut tx = self.store.begin().await?;
        let g = groups::group(&mut tx, self.store.backend(), conversation)
            .await?
            .ok_or_else(|| Error::not_found("no such group"))?;
        Ok((tx, g))
    }

    /// Append a system entry by `actor` to the group's timeline.
    async fn system(
        tx: &mut Tx,
        g: &GroupRow,
        actor: &UserId,
        event: SystemEvent,
    ) -> Result<Message> {
        // What you did yourself is not unread for you.
        chat::append_own(tx, &g.id, actor, None, &MessageBody::System { event }).await
    }

    /// Record one system entry by `actor` and commit (the common ending of a governance command).
    async fn record(
        &self,
        mut tx: Tx,
        g: &GroupRow,
        actor: &UserId,
        event: SystemEvent,
    ) -> Result<()> {
        let entry = Self::system(&mut tx, g, actor, event).await?;
        self.finish(
            tx,
            &g.id,
            Outcome {
                entries: vec![entry],
                ..Outcome::default()
            },
        )
        .await
    }

    /// Commit, then publish the outcome: `conversation_added` events first (so a new member knows
    /// the conversation before its entries arrive), then the timeline entries, then every other
    /// event (so a removed member sees the last entry before the conversation goes away).
    async fn finish(&self, mut tx: Tx, conversation: &ConversationId, out: Outcome) -> Result<()> {
        let appended = events::append(&mut tx, out.events).await?;
        tx.commit().await?;
        let (additions, others): (Vec<_>, Vec<_>) = appended
            .into_iter()
            .partition(|(_, e)| matches!(e.body, EventBody::ConversationAdded { .. }));
        self.publish_events(additions);
        if !out.entries.is_empty() {
            let audience = match out.audience {
                Some(a) => a,
                None => self.store.members(conversation).await?,
            };
            for entry in &out.entries {
                self.publish_message(&audience, entry);
            }
        }
        self.publish_events(others);
        Ok(())
    }

    /// The conversation as `user` will see it right after joining (built inside `tx`).
    async fn group_conversation(
        tx: &mut Tx,
        g: &GroupRow,
        role: Role,
        seq: u64,
        visible_from: u64,
    ) -> Result<ConversationInfo> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM conversation_members WHERE conversation_id = $1",
        )
        .bind(g.id.as_str())
        .fetch_one(&mut **tx)
        .await?;
        Ok(ConversationInfo {
            conversation_id: g.id.clone(),
            kind: ConversationKind::Group,
            peer: None,
            group: Some(GroupInfo {
                number: g.number,
                settings: g.settings(),
                muted_all: g.muted_all,
                owner_id: g.owner_id.clone(),
                member_count: count.max(0) as u64,
                avatar: g.avatar.clone(),
                my_role: role,
                my_muted_until: None,
            }),
            via_group: None,
            last_seq: seq,
            read_seq: visible_from,
            unread: seq.saturating_sub(visible_from),
            last_message: None,
        })
    }

    /// Add `user` to the group inside `tx`: membership from now on, the `joined` entry, and the
    /// `conversation_added` event for them.
    async fn admit(
        &self,
        tx: &mut Tx,
        g: &GroupRow,
        user: &UserId,
        by: Option<&UserId>,
        out: &mut Outcome,
    ) -> Result<()> {
        let profile = self.profile_of(user).await?;
        let visible_from = groups::last_seq(tx, &g.id).await?;
        groups::add_member(tx, &g.id, user, Role::Member, visible_from).await?;
        let entry = Self::system(
            tx,
            g,
            by.unwrap_or(user),
            SystemEvent::Joined {
                user: profile,
                by: by.cloned(),
            },
        )
        .await?;
        let conversation =
            Self::group_conversation(tx, g, Role::Member, entry.seq, visible_from).await?;
        out.events
            .push((user.clone(), EventBody::ConversationAdded { conversation }));
        out.entries.push(entry);
        Ok(())
    }

    async fn conversation_info(
        &self,
        user: &UserId,
        conversation: &ConversationId,
    ) -> Result<ConversationInfo> {
        self.store
            .conversation_infos(user, Some(conversation))
            .await?
            .pop()
            .ok_or_else(|| Error::not_found("no such conversation"))
    }

    /// Create a group owned by the actor.
    pub async fn create_group(&self, actor: &Actor, s: GroupSettings) -> Result<ConversationInfo> {
        let name = clean_group_name(&s.name)?;
        let description = clean_description(&s.description)?;
        let mut tx = self.store.begin().await?;
        let g = groups::create(
            &mut tx,
            &actor.user,
            &NewGroup {
                name: &name,
                description: &description,
                join_policy: s.join_policy,
                searchable: s.searchable,
                allow_temp: s.allow_temp_sessions,
            },
        )
        .await?;
        let entry = Self::system(&mut tx, &g, &actor.user, SystemEvent::Created { name }).await?;
        chat::advance_read(&mut tx, &g.id, &actor.user, entry.seq).await?;
        let conversation =
            Self::group_conversation(&mut tx, &g, Role::Owner, entry.seq, entry.seq).await?;
        let out = Outcome {
            events: vec![(
                actor.user.clone(),
                EventBody::ConversationAdded { conversation },
            )],
            entries: vec![entry],
            audience: None,
        };
        self.finish(tx, &g.id, out).await?;
        self.conversation_info(&actor.user, &g.id).await
    }

    /// Search searchable groups.
    pub async fn search_groups(
        &self,
        query: &str,
        offset: u32,
        limit: Option<u32>,
    ) -> Result<Reply> {
        let (query, limit) = search_params(query, limit)?;
        let found = self.store.search_groups(query, offset, limit + 1).await?;
        let (groups, next_offset) = paged(found, offset, limit);
        Ok(Reply::Groups {
            groups,
            next_offset,
        })
    }

    /// Join an open group, or ask to join an approval group.
    pub async fn join_group(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        message: Option<&str>,
    ) -> Result<Reply> {
        let message = clean_note(message, limits::MAX_REQUEST_MESSAGE_CHARS)?;
        let (mut tx, g) = self.group_tx(conversation).await?;
        if !g.searchable {
            // Hidden groups are invisible to outsiders; people get in by being added.
            return Err(Error::not_found("no such group"));
        }
        if groups::member_state(&mut *tx, &g.id, &actor.user)
            .await?
            .is_some()
        {
            return Err(Error::client(
                ErrorCode::AlreadyMember,
                "you are already a member",
            ));
        }
        let mut out = Outcome::default();
        match g.join_policy {
            JoinPolicy::InviteOnly => Err(Error::client(
                ErrorCode::InviteOnly,
                "this group takes members by invitation only",
            )),
            JoinPolicy::Open => {
                self.admit(&mut tx, &g, &actor.user, None, &mut out).await?;
                self.finish(tx, &g.id, out).await?;
                Ok(Reply::Conversation {
                    conversation: self.conversation_info(&actor.user, &g.id).await?,
                })
            }
            JoinPolicy::Approval => {
                let Some(sent_at) =
                    groups::insert_join_request(&mut tx, &g.id, &actor.user, message.as_deref())
                        .await?
                else {
                    return Err(Error::client(
                        ErrorCode::RequestPending,
                        "your request is still pending",
                    ));
                };
                let request = JoinRequestInfo {
                    user: self.profile_of(&actor.user).await?,
                    message,
                    sent_at,
                };
                for admin in
                    groups::members_with_roles(&mut tx, &g.id, &[Role::Owner, Role::Admin]).await?
                {
                    out.events.push((
                        admin,
                        EventBody::JoinRequestReceived {
                            group: g.reference(),
                            request: request.clone(),
                        },
                    ));
                }
                out.events.push((
                    actor.user.clone(),
                    EventBody::JoinRequestSent {
                        group: g.reference(),
                    },
                ));
                self.finish(tx, &g.id, out).await?;
                Ok(Reply::JoinRequested)
            }
        }
    }

    /// The caller's membership of a group, checked for `action` (no target).
    async fn authorized(
        &self,
        tx: &mut Tx,
        g: &GroupRow,
        actor: &Actor,
        action: Action,
    ) -> Result<MemberState> {
        let caller = groups::member_state(&mut **tx, &g.id, &actor.user).await?;
        authorize(caller.as_ref(), action, None, g.muted_all, now_ms())?;
        caller.ok_or_else(|| Error::not_found("no such group"))
    }

    /// The caller's and the target's memberships, checked for `action` on the target.
    async fn authorized_on(
        &self,
        tx: &mut Tx,
        g: &GroupRow,
        actor: &Actor,
        action: Action,
        target: &UserId,
    ) -> Result<(MemberState, MemberState)> {
        if *target == actor.user {
            return Err(Error::client(
                ErrorCode::SelfTarget,
                "you cannot do that to yourself",
            ));
        }
        let caller = groups::member_state(&mut **tx, &g.id, &actor.user).await?;
        let other = groups::member_state(&mut **tx, &g.id, target).await?;
        authorize(
            caller.as_ref(),
            action,
            other.as_ref(),
            g.muted_all,
            now_ms(),
        )?;
        match (caller, other) {
            (Some(c), Some(t)) => Ok((c, t)),
            _ => Err(Error::not_found("not a member")),
        }
    }

    /// Pending join requests (owner and admins).
    pub async fn list_join_requests(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
    ) -> Result<Reply> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::ManageJoins)
            .await?;
        drop(tx);
        Ok(Reply::JoinRequests {
            requests: self.store.join_requests(&g.id).await?,
        })
    }

    /// Approve or decline a join request; the first decision wins.
    pub async fn decide_join(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        user: &UserId,
        approve: bool,
    ) -> Result<()> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::ManageJoins)
            .await?;
        if !groups::delete_join_request(&mut tx, &g.id, user).await? {
            return Err(Error::client(
                ErrorCode::NoRequest,
                "no pending request (it may have been decided already)",
            ));
        }
        let mut out = Outcome::default();
        for admin in groups::members_with_roles(&mut tx, &g.id, &[Role::Owner, Role::Admin]).await?
        {
            out.events.push((
                admin,
                EventBody::JoinRequestClosed {
                    group: g.reference(),
                    user_id: user.clone(),
                    approved: approve,
                    by: actor.user.clone(),
                },
            ));
        }
        out.events.push((
            user.clone(),
            EventBody::JoinRequestDecided {
                group: g.reference(),
                approved: approve,
            },
        ));
        if approve && groups::member_state(&mut *tx, &g.id, user).await?.is_none() {
            self.admit(&mut tx, &g, user, Some(&actor.user), &mut out)
                .await?;
        }
        self.finish(tx, &g.id, out).await
    }

    /// Members with roles, mutes and presence.
    pub async fn list_members(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        offset: u32,
        limit: Option<u32>,
    ) -> Result<Reply> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::View).await?;
        drop(tx);
        let limit = limit.unwrap_or(200).clamp(1, 500);
        let mut members = self.store.group_members(&g.id, offset, limit + 1).await?;
        let more = members.len() > limit as usize;
        members.truncate(limit as usize);
        for m in &mut members {
            m.online = self.hub.is_online(&m.profile.user_id);
        }
        Ok(Reply::Members {
            members,
            next_offset: more.then_some(offset + limit),
        })
    }

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
            let row = self
                .store
                .accessible_file(&actor.user, file)
                .await?
                .ok_or_else(|| Error::not_found("no such file"))?;
            if !row.is_image() {
                return Err(Error::client(
                    ErrorCode::UnsupportedImage,
                    "avatars are images",
                ));
            }
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
            self.collect_file(&previous).await;
        }
        Ok(())
    }

    /// Add someone directly.
    pub async fn add_member(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        user: &UserId,
    ) -> Result<()> {
        self.profile_of(user).await?;
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::AddMember)
            .await?;
        if groups::member_state(&mut *tx, &g.id, user).await?.is_some() {
            return Err(Error::client(ErrorCode::AlreadyMember, "already a member"));
        }
        let mut out = Outcome::default();
        if groups::delete_join_request(&mut tx, &g.id, user).await? {
            for admin in
                groups::members_with_roles(&mut tx, &g.id, &[Role::Owner, Role::Admin]).await?
            {
                out.events.push((
                    admin,
                    EventBody::JoinRequestClosed {
                        group: g.reference(),
                        user_id: user.clone(),
                        approved: true,
                        by: actor.user.clone(),
                    },
                ));
            }
            out.events.push((
                user.clone(),
                EventBody::JoinRequestDecided {
                    group: g.reference(),
                    approved: true,
                },
            ));
        }
        self.admit(&mut tx, &g, user, Some(&actor.user), &mut out)
            .await?;
        self.finish(tx, &g.id, out).await
    }

    /// Remove a member: they lose access at once.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        user: &UserId,
    ) -> Result<()> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized_on(&mut tx, &g, actor, Action::Remove, user)
            .await?;
        groups::remove_member(&mut tx, &g.id, user).await?;
        let entry = Self::system(
            &mut tx,
            &g,
            &actor.user,
            SystemEvent::Removed {
                user_id: user.clone(),
            },
        )
        .await?;
        let out = Outcome {
            events: vec![(
                user.clone(),
                EventBody::ConversationRemoved {
                    conversation_id: g.id.clone(),
                    reason: RemovalReason::Removed,
                },
            )],
            entries: vec![entry],
            audience: None,
        };
        self.finish(tx, &g.id, out).await
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

    /// Leave a group.
    pub async fn leave_group(&self, actor: &Actor, conversation: &ConversationId) -> Result<()> {
        let (mut tx, g) = self.group_tx(conversation).await?;
        self.authorized(&mut tx, &g, actor, Action::Leave).await?;
        groups::remove_member(&mut tx, &g.id, &actor.user).await?;
        let entry = Self::system(
            &mut tx,
            &g,
            &actor.user,
            SystemEvent::Left {
                user_id: actor.user.clone(),
            },
        )
        .await?;
        let out = Outcome {
            events: vec![(
                actor.user.clone(),
                EventBody::ConversationRemoved {
                    conversation_id: g.id.clone(),
                    reason: RemovalReason::Left,
                },
            )],
            entries: vec![entry],
            audience: None,
        };
        self.finish(tx, &g.id, out).await
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

    /// Open (or get) a temporary session with a member of a shared group.
    pub async fn open_temp(
        &self,
        actor: &Actor,
        peer: &UserId,
        via: &ConversationId,
    ) -> Result<ConversationInfo> {
        if *peer == actor.user {
            return Err(Error::client(
                ErrorCode::SelfTarget,
                "you cannot chat with yourself",
            ));
        }
        let (mut tx, g) = self.group_tx(via).await?;
        self.authorized(&mut tx, &g, actor, Action::OpenTemp)
            .await?;
        if groups::member_state(&mut *tx, &g.id, peer).await?.is_none() {
            return Err(Error::not_found("not a member of that group"));
        }
        if !g.allow_temp {
            return Err(Error::client(
                ErrorCode::TempSessionUnavailable,
                "this group does not allow temporary sessions",
            ));
        }
        let rel = social::relation(&mut tx, &actor.user, peer).await?;
        if rel.blocked() {
            return Err(Error::client(
                ErrorCode::Blocked,
                "one of you has blocked the other",
            ));
        }
        if rel.friends {
            drop(tx);
            return self.open_direct(actor, peer).await;
        }
        let id = match groups::temp_between(&mut tx, &actor.user, peer).await? {
            Some(id) => {
                groups::set_temp_via(&mut tx, &id, &g.id).await?;
                tx.commit().await?;
                id
            }
            None => {
                let id = groups::create_temp(&mut tx, &actor.user, peer, &g.id).await?;
                let me = self.profile_of(&actor.user).await?;
                let other = self.profile_of(peer).await?;
                let info = |p: Profile| ConversationInfo {
                    conversation_id: id.clone(),
                    kind: ConversationKind::Temporary,
                    peer: Some(p),
                    group: None,
                    via_group: Some(g.reference()),
                    last_seq: 0,
                    read_seq: 0,
                    unread: 0,
                    last_message: None,
                };
                let out = Outcome {
                    events: vec![
                        (
                            actor.user.clone(),
                            EventBody::ConversationAdded {
                                conversation: info(other),
                            },
                        ),
                        (
                            peer.clone(),
                            EventBody::ConversationAdded {
                                conversation: info(me),
                            },
                        ),
                    ],
                    ..Outcome::default()
                };
                match self.finish(tx, &id, out).await {
                    Ok(()) => id,
                    // Both opened it at once: use the other one.
                    Err(e) if e.is_unique_violation() => {
                        return Box::pin(self.open_temp(actor, peer, via)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        self.conversation_info(&actor.user, &id).await
    }

    /// May the actor recall a message by `sender` in this group (in `tx`)? Returns whether the
    /// two-minute window applies.
    pub(crate) async fn group_recall_check(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        conversation: &ConversationId,
        sender: &UserId,
    ) -> Result<bool> {
        let g = groups::group(tx, self.store.backend(), conversation)
            .await?
            .ok_or_else(|| Error::not_found("no such group"))?;
        let caller = groups::member_state(&mut **tx, conversation, &actor.user).await?;
        let is_admin = caller.is_some_and(|c| c.role >= Role::Admin);
        if sender == &actor.user {
            return Ok(!is_admin);
        }
        let target = groups::member_state(&mut **tx, conversation, sender).await?;
        authorize(
            caller.as_ref(),
            Action::RecallOthers,
            target.as_ref(),
            g.muted_all,
            now_ms(),
        )?;
        Ok(false)
    }
}
