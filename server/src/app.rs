//! The application: one service per domain, composed once per server and shared by every
//! connection and HTTP request (`Arc<App>`).
//!
//! Each service owns its state and reaches the others only through their methods:
//! - [`Accounts`]: registration, login, sessions, profiles, and the token → user step of HTTP;
//! - [`Friends`]: requests, friendships, blocks, contacts and presence;
//! - [`Chat`]: conversations (1:1, temporary), messages, read markers, typing, recall, and the
//!   reads a connection replays from;
//! - [`Groups`]: group governance;
//! - [`Files`]: uploads, the blob store, signed URLs, and which files a user may use;
//! - [`Publisher`]: delivery to live connections after a commit (the seam for more nodes).

use std::sync::Arc;

use liao_shared::{SessionId, UserId};

use crate::config::Config;
use crate::error::Result;
use crate::publish::Publisher;
use crate::ratelimit::RateLimits;
use crate::services::accounts::Accounts;
use crate::services::chat::Chat;
use crate::services::files::{Files, VerifiedSessions};
use crate::services::friends::Friends;
use crate::services::groups::Groups;
use crate::store::Store;

/// Every service of one server. Built once by [`App::new`].
pub struct App {
    /// Configuration.
    pub config: Arc<Config>,
    /// Server-wide rate limits and connection caps.
    pub limits: Arc<RateLimits>,
    /// Delivery to live connections.
    pub publisher: Arc<Publisher>,
    /// Accounts, sessions and profiles.
    pub accounts: Accounts,
    /// Friends, blocks, contacts, presence.
    pub friends: Friends,
    /// Conversations and messages.
    pub chat: Arc<Chat>,
    /// Group governance.
    pub groups: Groups,
    /// Uploads, blobs and file access.
    pub files: Arc<Files>,
    store: Store,
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

impl App {
    /// Compose the services around an open store.
    pub async fn new(config: Config, store: Store) -> Result<Arc<App>> {
        let config = Arc::new(config);
        let t = &config.tuning;
        let limits = Arc::new(RateLimits::new(t));
        let url_sessions = Arc::new(VerifiedSessions::default());
        let publisher = Arc::new(Publisher::new(t, url_sessions.clone()));
        let files = Arc::new(Files::open(config.clone(), store.clone(), url_sessions).await?);
        let chat = Arc::new(Chat::new(store.clone(), publisher.clone(), files.clone()));
        Ok(Arc::new(App {
            accounts: Accounts::new(
                config.clone(),
                store.clone(),
                publisher.clone(),
                files.clone(),
                limits.clone(),
            )?,
            friends: Friends::new(store.clone(), publisher.clone()),
            groups: Groups::new(
                store.clone(),
                publisher.clone(),
                files.clone(),
                chat.clone(),
            ),
            chat,
            files,
            publisher,
            limits,
            config,
            store,
        }))
    }

    /// The database, for operations that span services (start-up, shutdown, tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Close the database (after the last connection ended).
    pub async fn close(&self) {
        self.store.close().await;
    }
}
