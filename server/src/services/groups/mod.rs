//! Groups: creation, discovery and joining, governance (roles, add/remove, mutes), and temporary
//! sessions. Every command asks [`authorize`] first; every change that members must see is a
//! system entry in the group's own sequence, and every change to someone's list of conversations
//! or pending requests is an event in their own stream, so offline members and other devices
//! learn of it on sync.

use liao_shared::{
    ConversationId, ConversationInfo, ConversationKind, ErrorCode, EventBody, GroupInfo, Message,
    MessageBody, Profile, Role, SystemEvent, UserId,
};

mod governance;
mod membership;

use std::sync::Arc;

use super::chat::Chat;
use super::clean_display_name;
use super::files::Files;
use crate::app::Actor;
use crate::authz::{Action, MemberState, authorize};
use crate::error::{Error, Result};
use crate::publish::Publisher;
use crate::store::groups::{self, GroupRow};
use crate::store::{Store, Tx, chat, events};
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

/// How someone came to be a member of a group.
#[derive(Clone, Copy)]
enum Admission<'a> {
    /// They joined an open group themselves.
    Joined,
    /// An owner or admin approved their request to join.
    ApprovedBy(&'a UserId),
    /// An owner or admin added them.
    AddedBy(&'a UserId),
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

/// Group governance: creation, discovery, joining, roles, mutes, temporary sessions.
pub struct Groups {
    store: Store,
    publisher: Arc<Publisher>,
    files: Arc<Files>,
    /// For a temporary session with someone who is a friend: that is the 1:1 chat.
    chat: Arc<Chat>,
}

impl Groups {
    /// The group service.
    pub fn new(
        store: Store,
        publisher: Arc<Publisher>,
        files: Arc<Files>,
        chat: Arc<Chat>,
    ) -> Self {
        Groups {
            store,
            publisher,
            files,
            chat,
        }
    }

    async fn profile_of(&self, user: &UserId) -> Result<Profile> {
        self.store.profile(user).await
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
        let body = MessageBody::System { event };
        chat::append_own(tx, &g.id, actor, chat::NewEntry::plain(&body)).await
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
        Publisher::log_failure(self.publisher.events(additions).await);
        if !out.entries.is_empty() {
            let audience = match out.audience {
                Some(a) => a,
                None => self.store.members(conversation).await?,
            };
            for entry in &out.entries {
                Publisher::log_failure(self.publisher.message(&audience, entry).await);
            }
        }
        Publisher::log_failure(self.publisher.events(others).await);
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
        how: Admission<'_>,
        out: &mut Outcome,
    ) -> Result<()> {
        let profile = self.profile_of(user).await?;
        let visible_from = groups::last_seq(tx, &g.id).await?;
        groups::add_member(tx, &g.id, user, Role::Member, visible_from).await?;
        let (by, approved) = match how {
            Admission::Joined => (None, false),
            Admission::ApprovedBy(by) => (Some(by), true),
            Admission::AddedBy(by) => (Some(by), false),
        };
        let entry = Self::system(
            tx,
            g,
            by.unwrap_or(user),
            SystemEvent::Joined {
                user: profile,
                by: by.cloned(),
                approved,
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
}
