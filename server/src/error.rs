//! The server's error type. Client-caused errors carry an [`ErrorCode`] and a message that is safe
//! to show; everything else is internal, logged once at the connection boundary and reported to
//! the client only as `internal`.

use std::borrow::Cow;

use liao_shared::ErrorCode;

/// Result with the server's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Server errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client asked for something it may not have; nothing changed.
    #[error("{code}: {message}")]
    Client {
        /// Machine code sent to the client.
        code: ErrorCode,
        /// English explanation sent to the client.
        message: Cow<'static, str>,
    },
    /// The caller is muted in a group (`until` is absent for a whole-group mute).
    #[error("muted")]
    Muted {
        /// When the mute ends.
        until: Option<u64>,
    },
    /// A rate limit was hit.
    #[error("rate limited")]
    RateLimited {
        /// When the client may retry.
        retry_after_ms: u64,
    },
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Anything else that is our fault.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// A client error with a fixed message.
    pub fn client(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Error::Client {
            code,
            message: message.into(),
        }
    }

    /// `not_found`, the answer for anything missing *or* not visible to the caller.
    pub fn not_found(what: &'static str) -> Self {
        Error::client(ErrorCode::NotFound, what)
    }

    /// The code the client sees.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Client { code, .. } => *code,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::Muted { .. } => ErrorCode::Muted,
            Error::Db(_) | Error::Migrate(_) | Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Whether this is the server's fault (and so worth logging).
    pub fn is_internal(&self) -> bool {
        self.code() == ErrorCode::Internal
    }

    /// Whether a database error is a unique-constraint violation (a lost race on insert).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Error::Db(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }

    /// What the client is told: internal causes are never sent.
    pub fn client_message(&self) -> Cow<'static, str> {
        match self {
            Error::Client { message, .. } => message.clone(),
            Error::RateLimited { .. } => "too many requests".into(),
            Error::Muted { until: Some(_) } => "you are muted in this group".into(),
            Error::Muted { until: None } => {
                "only the owner and admins may speak while the group is muted".into()
            }
            _ => "internal server error".into(),
        }
    }
}
