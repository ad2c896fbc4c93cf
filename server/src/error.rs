//! The server's error type. Client-caused errors carry an [`ErrorCode`] and a message that is safe
//! to show; everything else is internal, logged once at the connection boundary and reported to
//! the client only as `internal`. Over HTTP an error is a JSON `{code, message}` with the status
//! of [`Error::http_status`] (the `IntoResponse` below).

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
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
    /// Storage is full (a full disk, or a database that cannot grow): nothing was stored and
    /// the client may retry later.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// The database is momentarily unavailable (locked by another process beyond the wait, a
    /// lost PostgreSQL connection) or a commit's outcome is unknown. The client may retry; a
    /// resent message is recognised by its `client_msg_id`.
    #[error("storage busy: {0}")]
    Busy(String),
    /// An I/O error of the server's own files, other than a full disk (that is
    /// [`Error::StorageFull`]).
    #[error("{what}: {source}")]
    Io {
        /// What the server was doing.
        what: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A value that does not encode to JSON, or a stored one that does not decode.
    #[error("{what}: {source}")]
    Json {
        /// Which value.
        what: &'static str,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// A blocking task (hashing, image processing) panicked or was cancelled.
    #[error("{what}: {source}")]
    Join {
        /// Which task.
        what: &'static str,
        /// The cause.
        #[source]
        source: tokio::task::JoinError,
    },
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

    /// An I/O error of the server's own storage (blob store, uploads): a full disk becomes
    /// [`Error::StorageFull`], anything else internal, with `what` for the log.
    pub fn io(what: impl std::fmt::Display, e: std::io::Error) -> Self {
        if is_out_of_space(&e) {
            Error::StorageFull(format!("{what}: {e}"))
        } else {
            Error::Io {
                what: what.to_string(),
                source: e,
            }
        }
    }

    /// For `map_err`: a JSON value `what` failed to encode or decode.
    pub fn json(what: &'static str) -> impl FnOnce(serde_json::Error) -> Error {
        move |source| Error::Json { what, source }
    }

    /// For `map_err`: the blocking task `what` did not finish.
    pub fn join(what: &'static str) -> impl FnOnce(tokio::task::JoinError) -> Error {
        move |source| Error::Join { what, source }
    }

    /// The code the client sees.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Client { code, .. } => *code,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::Muted { .. } => ErrorCode::Muted,
            Error::StorageFull(_) => ErrorCode::StorageFull,
            Error::Busy(_) => ErrorCode::ServerBusy,
            Error::Db(e) => db_code(e),
            Error::Migrate(_)
            | Error::Io { .. }
            | Error::Json { .. }
            | Error::Join { .. }
            | Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Whether this is the server's fault or its storage's (and so worth logging).
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Error::Db(_)
                | Error::Migrate(_)
                | Error::Io { .. }
                | Error::Json { .. }
                | Error::Join { .. }
                | Error::Internal(_)
                | Error::StorageFull(_)
                | Error::Busy(_)
        )
    }

    /// When the client may retry, for the retryable codes.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after_ms } => Some(*retry_after_ms),
            _ => match self.code() {
                ErrorCode::ServerBusy => Some(1000),
                ErrorCode::StorageFull => Some(5000),
                _ => None,
            },
        }
    }

    /// The same failure, told to another caller (a write batch's jobs share its commit's
    /// outcome). Database errors keep their classification; their text goes to the log only.
    pub fn for_another(&self) -> Error {
        match self.code() {
            ErrorCode::StorageFull => Error::StorageFull(self.to_string()),
            ErrorCode::ServerBusy => Error::Busy(self.to_string()),
            _ => Error::Internal(self.to_string()),
        }
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
            _ => match self.code() {
                ErrorCode::StorageFull => "the server's storage is full; nothing was stored".into(),
                ErrorCode::ServerBusy => "the server's database is busy; retry shortly".into(),
                _ => "internal server error".into(),
            },
        }
    }
}

/// A value in the database that this version does not know: the server's problem, reported to
/// the client as `internal` (never guessed into some other value).
impl From<liao_shared::UnknownValue> for Error {
    fn from(e: liao_shared::UnknownValue) -> Self {
        Error::Internal(format!("in the database: {e}"))
    }
}

impl Error {
    /// The HTTP status that goes with this error's code.
    pub fn http_status(&self) -> StatusCode {
        match self.code() {
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::InvalidSession
            | ErrorCode::AccountDisabled
            | ErrorCode::NotAuthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::FileTooLarge | ErrorCode::QuotaExceeded => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedImage => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
            ErrorCode::ServerBusy => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// JSON `{code, message}` with [`Error::http_status`], and `Retry-After` (seconds) for what may be
/// retried; internal causes are logged here, never sent.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if self.is_internal() {
            tracing::error!(error = %self, "HTTP request failed");
        }
        let body = serde_json::json!({ "code": self.code(), "message": self.client_message() });
        let mut res = (
            self.http_status(),
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
        if let Some(ms) = self.retry_after_ms() {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(ms.div_ceil(1000)));
        }
        res
    }
}

/// How the client sees a database failure. What it may retry is said so: storage full, or the
/// database momentarily unavailable (and then a failed commit may have committed, which the
/// client's resend by `client_msg_id` resolves).
fn db_code(e: &sqlx::Error) -> ErrorCode {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or("");
            // SQLite reports its primary result code (extended codes keep it in the low byte).
            if let Ok(n) = code.parse::<i64>() {
                return match n & 0xff {
                    // SQLITE_FULL
                    13 => ErrorCode::StorageFull,
                    // SQLITE_BUSY, SQLITE_LOCKED
                    5 | 6 => ErrorCode::ServerBusy,
                    // SQLITE_IOERR, SQLITE_CANTOPEN: the disk itself failed.
                    10 | 14 => ErrorCode::ServerBusy,
                    _ => ErrorCode::Internal,
                };
            }
            // PostgreSQL SQLSTATEs: 53100 disk_full; 53xxx other resources; 08xxx connection;
            // 57Pxx shutdown / admin termination; serialization failure and deadlock.
            match code {
                "53100" => ErrorCode::StorageFull,
                c if c.starts_with("53")
                    || c.starts_with("08")
                    || c.starts_with("57P")
                    || c == "40001"
                    || c == "40P01" =>
                {
                    ErrorCode::ServerBusy
                }
                _ => ErrorCode::Internal,
            }
        }
        sqlx::Error::Io(io) if is_out_of_space(io) => ErrorCode::StorageFull,
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => ErrorCode::ServerBusy,
        _ => ErrorCode::Internal,
    }
}

/// Whether an I/O error means the disk (or the user's quota on it) is full.
pub fn is_out_of_space(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}
