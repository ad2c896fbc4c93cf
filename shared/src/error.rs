//! The error codes clients see. Codes are stable API: clients switch on them and translate them;
//! the accompanying `message` is English prose for logs and developers only.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable machine-readable error codes carried by every `error` frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame was not valid JSON or did not match the command's shape.
    MalformedFrame,
    /// The frame's `type` names no known command.
    UnknownType,
    /// The frame exceeded the inbound frame limit; the connection is closed (1009).
    FrameTooLarge,
    /// A field had an invalid value (see `message`).
    BadRequest,
    /// The client's protocol version is not supported.
    UnsupportedVersion,
    /// The command needs an authenticated connection; only hello/login/register/resume are allowed.
    NotAuthenticated,
    /// login/register/resume on a connection that is already authenticated.
    AlreadyAuthenticated,
    /// No authentication arrived within the deadline; the connection is closed.
    AuthTimeout,
    /// Unknown username or wrong password (deliberately indistinguishable).
    InvalidCredentials,
    /// The session token is unknown, expired or revoked.
    InvalidSession,
    /// This session was revoked (logout elsewhere, password change); the connection is closed.
    SessionRevoked,
    /// The account is disabled by an administrator.
    AccountDisabled,
    /// Registration is closed on this server; an administrator creates accounts.
    RegistrationClosed,
    /// The username is already in use.
    UsernameTaken,
    /// The username breaks the username rules.
    InvalidUsername,
    /// The password breaks the password rules (at least 8 characters).
    WeakPassword,
    /// The display name breaks the display-name rules.
    InvalidDisplayName,
    /// Too many requests; retry after `retry_after_ms`.
    RateLimited,
    /// The server is momentarily overloaded (e.g. too many logins queued); retry later.
    ServerBusy,
    /// The server's storage (database or disk) is full; nothing was stored. Retryable: resend
    /// later with the same `client_msg_id`.
    StorageFull,
    /// The thing does not exist or is not visible to you (the two are deliberately the same).
    NotFound,
    /// The action needs the two users to be friends.
    NotFriends,
    /// One of the two users has blocked the other.
    Blocked,
    /// The users are already friends.
    AlreadyFriends,
    /// A friend request between these users is already pending.
    RequestPending,
    /// There is no pending friend request to act on.
    NoRequest,
    /// The action cannot target yourself.
    SelfTarget,
    /// The message text is empty.
    EmptyMessage,
    /// The message text exceeds the length or byte limit.
    MessageTooLong,
    /// The message can no longer be recalled (the window has passed).
    RecallWindowPassed,
    /// The message can no longer be edited (24 hours have passed).
    EditWindowPassed,
    /// You may only act on your own message.
    NotYourMessage,
    /// The `client_msg_id` was already used for a different conversation.
    ClientIdReused,
    /// Your role in the group does not allow this (or the target's rank is not below yours).
    Forbidden,
    /// You are muted in this group until `until` (or the whole group is muted).
    Muted,
    /// The user is already a member of the group.
    AlreadyMember,
    /// The owner must transfer ownership before leaving.
    OwnerMustTransfer,
    /// The group takes no join requests or self-joins (invite only).
    InviteOnly,
    /// A temporary session needs a shared group that allows them; you no longer share one.
    TempSessionUnavailable,
    /// The upload exceeds the size limit for its kind (files 1 GiB, images 20 MiB by default).
    FileTooLarge,
    /// The upload would exceed your storage quota.
    QuotaExceeded,
    /// Not a PNG, JPEG, GIF or WebP image, or over the pixel limit.
    UnsupportedImage,
    /// That kind of message is not allowed in this conversation (files are 1:1 only).
    NotAllowedHere,
    /// The request conflicts with the current state (an upload's offset differs, another request
    /// is writing it, or it is already complete).
    Conflict,
    /// The connection could not keep up with its outbound queue and is closed; reconnect and sync.
    SlowConsumer,
    /// The server is shutting down; reconnect shortly.
    ShuttingDown,
    /// An unexpected server-side failure. Details are in the server log, never in the frame.
    Internal,
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A unit variant always serializes to a plain JSON string.
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => f.write_str(&s),
            _ => write!(f, "{self:?}"),
        }
    }
}
