//! The publisher: the one way anything reaches live connections after a commit.
//!
//! Services commit first and publish after. Everything that crosses connections goes through
//! here: conversation entries, user events, typing and presence, kills (a session revoked, an
//! account disabled or its password reset) and signed-URL revocation, plus the hooks for a
//! connection arriving or leaving and a user joining or leaving a conversation. Today it owns the
//! node's [`Hub`] and the publish order; it is also the seam a second node plugs into (a NATS
//! link behind the same methods), which is why every method is async and can fail.
//!
//! # Failure
//! A publish that fails after its commit loses nothing: the entry is in the database, and every
//! connection fills gaps from there ([`crate::ws`]'s delivery) and every client resyncs on
//! reconnect. Callers therefore log a failed publish ([`Publisher::log_failure`]) and still answer
//! the request with success.

use std::sync::Arc;

use liao_shared::{
    ConversationId, ErrorCode, EventBody, Message, ServerFrame, SessionId, UserEvent, UserId,
};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use crate::config::Tuning;
use crate::error::Result;
use crate::hub::{Hub, Push, Registration};
use crate::services::files::VerifiedSessions;

/// Serialize a frame once, for sending to one or many connections.
pub fn encode(frame: &ServerFrame) -> Utf8Bytes {
    // Serializing our own plain data types cannot fail (no maps with non-string keys, no
    // fallible Serialize impls); an empty frame would be a visible protocol error, not UB.
    Utf8Bytes::from(serde_json::to_string(frame).unwrap_or_default())
}

/// Which of a user's connections a kill closes.
#[derive(Debug, Clone)]
pub enum KillScope {
    /// Every connection of the user.
    All,
    /// The connections authenticated by one session.
    Session(SessionId),
    /// The connections authenticated at or before a time (ms): a password reset, after which
    /// the user may already have logged in again.
    AuthenticatedBefore(u64),
}

/// Delivery to live connections, in commit order per conversation.
pub struct Publisher {
    hub: Hub,
    order: PublishOrder,
    /// Sessions recently checked alive for signed file URLs; shared with the file service,
    /// forgotten here whenever a session ends.
    url_sessions: Arc<VerifiedSessions>,
}

impl Publisher {
    /// A publisher for this node's connections.
    pub fn new(tuning: &Tuning, url_sessions: Arc<VerifiedSessions>) -> Self {
        Publisher {
            hub: Hub::new(tuning.outbound_queue),
            order: PublishOrder::new(),
            url_sessions,
        }
    }

    /// Log a publish that failed after its commit (see the module docs: nothing is lost).
    pub fn log_failure(result: Result<()>) {
        if let Err(e) = result {
            tracing::warn!(error = %e, "publish failed; clients catch up from the database");
        }
    }

    /// Waits for `conversation`'s turn: hold the guard from before the transaction that assigns
    /// an entry's seq until the entry is published, so entries reach connections in seq order.
    pub async fn turn(&self, conversation: &ConversationId) -> tokio::sync::MutexGuard<'_, ()> {
        self.order.turn(conversation).await
    }

    /// A committed conversation entry, to every member's connections.
    pub async fn message(&self, members: &[UserId], message: &Message) -> Result<()> {
        let push = Push::Message {
            conversation: message.conversation_id.clone(),
            seq: message.seq,
            frame: encode(&ServerFrame::Message {
                message: message.clone(),
            }),
        };
        self.hub.send(members, Arc::new(push), None);
        Ok(())
    }

    /// Committed user events, each to its owner's connections. A conversation added to or
    /// removed from someone's list also runs the [`Publisher::joined`] / [`Publisher::left`]
    /// hook, so no service can forget them.
    pub async fn events(&self, events: Vec<(UserId, UserEvent)>) -> Result<()> {
        for (user, event) in events {
            match &event.body {
                EventBody::ConversationAdded { conversation } => {
                    self.joined(&user, &conversation.conversation_id).await?
                }
                EventBody::ConversationRemoved {
                    conversation_id, ..
                } => self.left(&user, conversation_id).await?,
                _ => {}
            }
            let seq = event.seq;
            let frame = encode(&ServerFrame::Event { event });
            self.hub.send(
                std::slice::from_ref(&user),
                Arc::new(Push::Event { seq, frame }),
                None,
            );
        }
        Ok(())
    }

    /// An ephemeral frame (typing, profile changes), never replayed, to `users`' connections
    /// except connection `except`.
    pub async fn ephemeral(
        &self,
        users: &[UserId],
        frame: &ServerFrame,
        except: Option<u64>,
    ) -> Result<()> {
        let push = Push::Ephemeral {
            frame: encode(frame),
        };
        self.hub.send(users, Arc::new(push), except);
        Ok(())
    }

    /// `user` came online or went offline, told to `audience` (their friends).
    pub async fn presence(&self, audience: &[UserId], user: &UserId, online: bool) -> Result<()> {
        let frame = ServerFrame::Presence {
            user_id: user.clone(),
            online,
        };
        self.ephemeral(audience, &frame, None).await
    }

    /// Close `user`'s connections in `scope` with `reason`. Any end of a session also revokes
    /// the user's signed file URLs (see [`Publisher::revoke_urls`]).
    pub async fn kill(&self, user: &UserId, scope: KillScope, reason: ErrorCode) -> Result<()> {
        self.url_sessions.forget_user(user);
        match scope {
            KillScope::All => self.hub.kick(user, None, reason),
            KillScope::Session(session) => self.hub.kick(user, Some(&session), reason),
            KillScope::AuthenticatedBefore(at) => {
                self.hub.kick_authenticated_before(user, at, reason)
            }
        }
        Ok(())
    }

    /// Stop trusting `user`'s sessions for signed file URLs without a fresh database check.
    pub async fn revoke_urls(&self, user: &UserId) -> Result<()> {
        self.url_sessions.forget_user(user);
        Ok(())
    }

    /// Hook: a connection of `user` authenticated by `session` arrives. `None` when the user
    /// already has `max` connections.
    pub async fn connected(
        &self,
        user: &UserId,
        session: &SessionId,
        max: usize,
    ) -> Result<Option<Registration>> {
        Ok(self.hub.register(user, session, max))
    }

    /// Hook: connection `conn` of `user` leaves. True when it was the user's last (they went
    /// offline).
    pub async fn disconnected(&self, user: &UserId, conn: u64) -> Result<bool> {
        Ok(self.hub.unregister(user, conn))
    }

    /// Hook: `user` joined `conversation` (a node subscribes to the conversations of the users
    /// connected to it; a single node delivers by member list and needs nothing).
    pub async fn joined(&self, _user: &UserId, _conversation: &ConversationId) -> Result<()> {
        Ok(())
    }

    /// Hook: `user` left or was removed from `conversation`.
    pub async fn left(&self, _user: &UserId, _conversation: &ConversationId) -> Result<()> {
        Ok(())
    }

    /// Whether `user` has a live connection.
    pub fn is_online(&self, user: &UserId) -> bool {
        self.hub.is_online(user)
    }

    /// Live connections on this node (health output).
    pub fn connection_count(&self) -> usize {
        self.hub.connection_count()
    }

    /// The users with live connections on this node.
    pub fn online_users(&self) -> Vec<UserId> {
        self.hub.user_ids()
    }
}

/// One async lock per stripe of conversations, held by a send from before its transaction until
/// its entry is handed to the hub. Commits of one conversation already happen in seq order (the
/// seq is assigned in the transaction); without this, two senders' publishes could still reach
/// the hub in the other order, and every receiving connection would then fill the "gap" from the
/// database, which under concurrent senders in a big group means a database read per member per
/// message. Gap-filling stays as the safety net (entries appended elsewhere do not take the
/// lock). Striped, so memory stays constant; unrelated conversations sharing a stripe only
/// serialize their sends, which SQLite's single writer does anyway.
struct PublishOrder {
    stripes: Box<[tokio::sync::Mutex<()>]>,
}

impl PublishOrder {
    const STRIPES: usize = 256;

    fn new() -> Self {
        Self {
            stripes: (0..Self::STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
        }
    }

    async fn turn(&self, conversation: &ConversationId) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(conversation.as_str());
        self.stripes[(hash % Self::STRIPES as u64) as usize]
            .lock()
            .await
    }
}
