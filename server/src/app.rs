//! The application: configuration, store, hub, hasher and limits, shared by all connections
//! (`Arc<App>`), plus the publish helpers services use after a commit.

use std::sync::Arc;

use liao_shared::{ConversationId, Message, ServerFrame, SessionId, UserEvent, UserId};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use crate::config::Config;
use crate::error::Result;
use crate::hub::{Hub, Push};
use crate::passwords::Passwords;
use crate::ratelimit::RateLimits;
use crate::store::Store;

/// Everything a request handler needs. Built once per server by [`App::new`].
pub struct App {
    /// Configuration.
    pub config: Config,
    /// The database.
    pub store: Store,
    /// Live connections.
    pub hub: Hub,
    /// Password hashing.
    pub passwords: Passwords,
    /// Server-wide rate limits.
    pub limits: RateLimits,
    /// File bytes.
    pub blobs: crate::files::Blobs,
    /// Key signing file URLs (shared by every node through the database).
    pub url_key: Vec<u8>,
    /// Uploads being written right now.
    pub active_uploads: crate::services::files::ActiveUploads,
    /// Serializes "adopt a blob and record a file pointing at it" against "delete a blob nothing
    /// points at", so deduplication and clean-up never race.
    pub blob_lock: tokio::sync::Mutex<()>,
    /// Keeps each conversation's entries reaching the hub in seq order (see [`PublishOrder`]).
    pub publish_order: PublishOrder,
}

/// One async lock per stripe of conversations, held by a send from before its transaction until
/// its entry is handed to the hub. Commits of one conversation already happen in seq order (the
/// seq is assigned in the transaction); without this, two senders' publishes could still reach
/// the hub in the other order, and every receiving connection would then fill the "gap" from the
/// database, which under concurrent senders in a big group means a database read per member per
/// message. Gap-filling stays as the safety net (entries appended elsewhere do not take the
/// lock). Striped, so memory stays constant; unrelated conversations sharing a stripe only
/// serialize their sends, which SQLite's single writer does anyway.
pub struct PublishOrder {
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

    /// Waits for `conversation`'s turn; publishing happens before the guard drops.
    pub async fn turn(&self, conversation: &ConversationId) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(conversation.as_str());
        self.stripes[(hash % Self::STRIPES as u64) as usize]
            .lock()
            .await
    }
}

/// Who is acting: an authenticated connection.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user.
    pub user: UserId,
    /// Their session.
    pub session: SessionId,
    /// The connection's id in the hub.
    pub conn: u64,
}

/// Serialize a frame once, for sending to one or many connections.
pub fn encode(frame: &ServerFrame) -> Utf8Bytes {
    // Serializing our own plain data types cannot fail (no maps with non-string keys, no
    // fallible Serialize impls); an empty frame would be a visible protocol error, not UB.
    Utf8Bytes::from(serde_json::to_string(frame).unwrap_or_default())
}

impl App {
    /// Build the application around an open store.
    pub async fn new(config: Config, store: Store) -> Result<Arc<App>> {
        let t = &config.tuning;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let passwords = Passwords::new(
            t.argon2_m_kib,
            t.argon2_t,
            t.hash_concurrency.unwrap_or(cores),
            t.hash_queue,
        )?;
        let blobs = crate::files::Blobs::new(&config.data_dir);
        blobs
            .prepare()
            .await
            .map_err(|e| crate::error::Error::Internal(format!("preparing the file store: {e}")))?;
        let key = store
            .secret("file_url_key", &crate::util::new_token())
            .await?;
        Ok(Arc::new(App {
            hub: Hub::new(t.outbound_queue),
            limits: RateLimits::new(t),
            passwords,
            store,
            blobs,
            url_key: key.into_bytes(),
            active_uploads: Default::default(),
            blob_lock: tokio::sync::Mutex::new(()),
            publish_order: PublishOrder::new(),
            config,
        }))
    }

    /// Push committed user events to their owners' live connections.
    pub fn publish_events(&self, events: Vec<(UserId, UserEvent)>) {
        for (user, event) in events {
            let seq = event.seq;
            let frame = encode(&ServerFrame::Event { event });
            self.hub.send(
                std::slice::from_ref(&user),
                Arc::new(Push::Event { seq, frame }),
                None,
            );
        }
    }

    /// Push a committed conversation entry to every member's live connections.
    pub fn publish_message(&self, members: &[UserId], message: &Message) {
        let push = Push::Message {
            conversation: message.conversation_id.clone(),
            seq: message.seq,
            frame: encode(&ServerFrame::Message {
                message: message.clone(),
            }),
        };
        self.hub.send(members, Arc::new(push), None);
    }

    /// Push an ephemeral frame (typing, presence).
    pub fn publish_ephemeral(&self, users: &[UserId], frame: &ServerFrame, except: Option<u64>) {
        let push = Push::Ephemeral {
            frame: encode(frame),
        };
        self.hub.send(users, Arc::new(push), except);
    }
}
