//! Conversations and messages: open a 1:1 chat, send (idempotently), history, read markers,
//! typing, recall; and the reads a connection replays its streams from.
//!
//! [`send`] holds the send path (the group-commit job and its checks); [`messages`] what is
//! done to messages once sent. Temporary sessions are opened by the group service, which
//! owns their basis.

mod messages;
mod reactions;
mod receipts;
mod send;

use std::sync::Arc;

use liao_shared::{
    ConversationId, ConversationInfo, ConversationKind, ErrorCode, EventBody, Message, UserEvent,
    UserId,
};

pub use send::Sent;

use super::commit_events;
use super::files::Files;
use crate::app::Actor;
use crate::error::{Error, Result};
use crate::publish::Publisher;
use crate::store::Tx;
use crate::store::chat::{self, Membership};
use crate::store::messages::visible_at;
use crate::store::pairs::{self, Pair};
use crate::store::{SeqPage, Store, social};

/// Conversations and their messages.
pub struct Chat {
    store: Store,
    publisher: Arc<Publisher>,
    files: Arc<Files>,
}

impl Chat {
    /// The chat service.
    pub fn new(store: Store, publisher: Arc<Publisher>, files: Arc<Files>) -> Self {
        Chat {
            store,
            publisher,
            files,
        }
    }

    /// What acting on the entry at `seq` needs (read in `tx`): the user's send context in
    /// `conversation` and the entry, which they must be able to see; `not_found` otherwise.
    async fn visible_entry(
        tx: &mut Tx,
        conversation: &ConversationId,
        user: &UserId,
        seq: u64,
    ) -> Result<(chat::SendContext, Message)> {
        let ctx = chat::send_context(tx, conversation, user, "")
            .await?
            .ok_or_else(|| Error::not_found("no such conversation"))?;
        let entry = visible_at(tx, conversation, ctx.membership.visible_from, seq)
            .await?
            .ok_or_else(|| Error::not_found("no such message"))?;
        Ok((ctx, entry))
    }

    /// `actor`'s membership of `conversation`, or `not_found`.
    async fn member(&self, actor: &Actor, conversation: &ConversationId) -> Result<Membership> {
        self.store
            .membership(conversation, &actor.user)
            .await?
            .ok_or_else(|| Error::not_found("no such conversation"))
    }

    /// Get or create the 1:1 conversation with a friend.
    pub async fn open_direct(&self, actor: &Actor, peer: &UserId) -> Result<ConversationInfo> {
        if *peer == actor.user {
            return Err(Error::client(
                ErrorCode::SelfTarget,
                "you cannot chat with yourself",
            ));
        }
        let peer_profile = self.store.profile(peer).await?;
        let me = self.store.profile(&actor.user).await?;
        let mut tx = self.store.begin().await?;
        let id = match pairs::between(&mut tx, Pair::Direct, &actor.user, peer).await? {
            Some(id) => {
                drop(tx);
                id
            }
            None => {
                let rel = social::relation(&mut tx, &actor.user, peer).await?;
                if rel.blocked() {
                    return Err(Error::client(
                        ErrorCode::Blocked,
                        "one of you has blocked the other",
                    ));
                }
                if !rel.friends {
                    return Err(Error::client(
                        ErrorCode::NotFriends,
                        "you can only chat 1:1 with friends",
                    ));
                }
                let id = pairs::create(&mut tx, Pair::Direct, &actor.user, peer).await?;
                let info = |peer: &liao_shared::Profile| ConversationInfo {
                    conversation_id: id.clone(),
                    kind: ConversationKind::Direct,
                    peer: Some(peer.clone()),
                    group: None,
                    via_group: None,
                    last_seq: 0,
                    read_seq: 0,
                    unread: 0,
                    last_message: None,
                };
                let added = commit_events(
                    tx,
                    &self.publisher,
                    vec![
                        (
                            actor.user.clone(),
                            EventBody::ConversationAdded {
                                conversation: info(&peer_profile),
                            },
                        ),
                        (
                            peer.clone(),
                            EventBody::ConversationAdded {
                                conversation: info(&me),
                            },
                        ),
                    ],
                )
                .await;
                match added {
                    Ok(()) => {}
                    // Both opened it at once and the other won: use theirs.
                    Err(e) if e.is_unique_violation() => {
                        return Box::pin(self.open_direct(actor, peer)).await;
                    }
                    Err(e) => return Err(e),
                }
                id
            }
        };
        self.store
            .conversation_infos(&actor.user, Some(&id))
            .await?
            .pop()
            .ok_or_else(|| Error::Internal("conversation vanished".into()))
    }

    /// The user's conversations, newest activity first.
    pub async fn list_conversations(&self, user: &UserId) -> Result<Vec<ConversationInfo>> {
        self.store.conversation_infos(user, None).await
    }

    /// The head of the user's event stream.
    pub async fn event_head(&self, user: &UserId) -> Result<u64> {
        self.store.event_seq(user).await
    }

    /// A page of the user's events.
    pub async fn events_between(&self, user: &UserId, page: SeqPage) -> Result<Vec<UserEvent>> {
        self.store.events_between(user, page).await
    }

    /// `conversation`'s entries with `after < seq <= until`, oldest first, at most `limit`.
    /// Callers bound `after` by the reader's visible start ([`Chat::visible_from`]).
    pub async fn messages_between(
        &self,
        conversation: &ConversationId,
        page: SeqPage,
    ) -> Result<Vec<Message>> {
        self.store.messages_between(conversation, page).await
    }

    /// Where `user`'s view of `conversation` starts (entries after it are visible); `None` when
    /// they are not a member.
    pub async fn visible_from(
        &self,
        conversation: &ConversationId,
        user: &UserId,
    ) -> Result<Option<u64>> {
        Ok(self
            .store
            .membership(conversation, user)
            .await?
            .map(|m| m.visible_from))
    }

    /// Each of the user's conversations with its head seq and the user's visible start.
    pub async fn stream_heads(&self, user: &UserId) -> Result<Vec<(ConversationId, u64, u64)>> {
        self.store.conversation_cursors(user).await
    }
}
