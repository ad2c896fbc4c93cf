//! The hub: who is connected, and delivery of pushes to their connections.
//!
//! # Concurrency
//! One `std::sync::Mutex` guards the map from user to live connections. It is never held across
//! an `.await` or a socket write: delivery only `try_send`s into each connection's bounded queue
//! (which never waits) while holding it. A connection whose queue is full cannot keep
//! up; it is killed (`slow_consumer`) rather than buffered without bound, and its client resyncs.
//!
//! A push is serialized once per fan-out and shared (`Arc`) by every recipient; each connection
//! task decides, from the push's stream position, whether to send, skip (already sent) or first
//! fill a gap from the database (see `ws::delivery`).
//!
//! The hub is this node's half of delivery; services reach it only through
//! [`crate::publish::Publisher`], the seam where other nodes join in.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use liao_shared::{ConversationId, ErrorCode, SessionId, UserId};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Utf8Bytes;
use tokio_util::sync::CancellationToken;

/// Something to deliver to a connection: a pre-serialized `ServerFrame` and where it sits.
#[derive(Debug)]
pub enum Push {
    /// An entry of the recipient's own user event stream.
    Event {
        /// Its seq in the recipient's stream.
        seq: u64,
        /// The serialized `event` frame.
        frame: Utf8Bytes,
    },
    /// An entry of a conversation.
    Message {
        /// The conversation.
        conversation: ConversationId,
        /// Its seq there.
        seq: u64,
        /// The serialized `message` frame.
        frame: Utf8Bytes,
    },
    /// Ephemeral (typing, presence): delivered if possible, never replayed.
    Ephemeral {
        /// The serialized frame.
        frame: Utf8Bytes,
    },
}

/// Why a connection is being closed from outside.
#[derive(Debug, Default)]
pub struct Kill {
    token: CancellationToken,
    reason: Mutex<Option<ErrorCode>>,
}

impl Kill {
    /// Ask the connection to close with `reason` (the first reason wins).
    pub fn kill(&self, reason: ErrorCode) {
        let mut r = self.reason.lock().unwrap_or_else(|p| p.into_inner());
        if r.is_none() {
            *r = Some(reason);
        }
        self.token.cancel();
    }

    /// Resolves once killed.
    pub async fn killed(&self) -> ErrorCode {
        self.token.cancelled().await;
        self.reason
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .unwrap_or(ErrorCode::Internal)
    }
}

struct Handle {
    id: u64,
    /// When the connection authenticated (ms).
    since: u64,
    session: SessionId,
    tx: mpsc::Sender<Arc<Push>>,
    kill: Arc<Kill>,
}

/// A connection's registration; unregister with [`Hub::unregister`].
pub struct Registration {
    /// Connection id within the hub.
    pub id: u64,
    /// Pushes for this connection.
    pub rx: mpsc::Receiver<Arc<Push>>,
    /// Signalled when the connection must close.
    pub kill: Arc<Kill>,
    /// Whether this is the user's first live connection (they just came online).
    pub first: bool,
}

/// Live connections by user.
pub struct Hub {
    conns: Mutex<HashMap<UserId, Vec<Handle>>>,
    next_id: AtomicU64,
    queue: usize,
}

impl Hub {
    /// A hub whose connections each queue at most `queue` pushes.
    pub fn new(queue: usize) -> Self {
        Hub {
            conns: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            queue: queue.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, Vec<Handle>>> {
        // Nothing panics while holding this lock; a poisoned map is still consistent.
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Register a connection of `user` authenticated by `session`, unless the user already has
    /// `max` live connections (`None`).
    pub fn register(&self, user: &UserId, session: &SessionId, max: usize) -> Option<Registration> {
        let mut conns = self.lock();
        if conns.get(user).map_or(0, Vec::len) >= max {
            return None;
        }
        let list = conns.entry(user.clone()).or_default();
        let (tx, rx) = mpsc::channel(self.queue);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let kill = Arc::new(Kill::default());
        let first = list.is_empty();
        list.push(Handle {
            id,
            since: crate::util::now_ms(),
            session: session.clone(),
            tx,
            kill: kill.clone(),
        });
        Some(Registration {
            id,
            rx,
            kill,
            first,
        })
    }

    /// Remove a connection; true if it was the user's last (they went offline).
    pub fn unregister(&self, user: &UserId, id: u64) -> bool {
        let mut conns = self.lock();
        let Some(list) = conns.get_mut(user) else {
            return false;
        };
        list.retain(|h| h.id != id);
        if list.is_empty() {
            conns.remove(user);
            true
        } else {
            false
        }
    }

    /// Whether `user` has a live connection.
    pub fn is_online(&self, user: &UserId) -> bool {
        self.lock().contains_key(user)
    }

    /// Number of live connections (for health output).
    pub fn connection_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// Deliver `push` to every connection of every user in `users`, except connection `except`.
    pub fn send(&self, users: &[UserId], push: Arc<Push>, except: Option<u64>) {
        // `try_send` never waits, so it runs under the lock: copying out a thousand handles (an
        // allocation and two reference counts each) cost more than the sends themselves.
        let conns = self.lock();
        for h in users.iter().filter_map(|u| conns.get(u)).flatten() {
            if Some(h.id) == except {
                continue;
            }
            match h.tx.try_send(push.clone()) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => h.kill.kill(ErrorCode::SlowConsumer),
                // The connection is closing; it will unregister itself.
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
    }

    /// Close every connection of `user`'s session `session` (or all of the user's with `None`).
    pub fn kick(&self, user: &UserId, session: Option<&SessionId>, reason: ErrorCode) {
        let conns = self.lock();
        for h in conns.get(user).into_iter().flatten() {
            if session.is_none_or(|s| *s == h.session) {
                h.kill.kill(reason);
            }
        }
    }

    /// Close `user`'s connections that authenticated at or before `before` (ms).
    pub fn kick_authenticated_before(&self, user: &UserId, before: u64, reason: ErrorCode) {
        let conns = self.lock();
        for h in conns.get(user).into_iter().flatten() {
            if h.since <= before {
                h.kill.kill(reason);
            }
        }
    }

    /// The users with live connections.
    pub fn user_ids(&self) -> Vec<UserId> {
        self.lock().keys().cloned().collect()
    }
}
