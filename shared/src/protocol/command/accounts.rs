//! Accounts, sessions and profiles: the commands of PROTOCOL.md sections 5.1 and 5.2.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{FileId, Password, SessionId, UserId};

/// Version handshake (optional, but recommended as the first frame). Replied with `welcome`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Hello {
    /// The protocol version the client speaks.
    pub protocol: u32,
    /// Free-form client name and version, for logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub client: Option<String>,
}

/// Create an account and log in. Replied with `session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Register {
    /// 3–32 characters: `a-z`, `0-9`, `_`, `.`, `-`; starts with a letter or digit; case-insensitive.
    pub username: String,
    /// At least 8 characters.
    pub password: Password,
    /// Shown instead of the username; defaults to the username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub display_name: Option<String>,
    /// Device label shown in the session list ("Firefox on Linux").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub device: Option<String>,
}

/// Log in with a password. Replied with `session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Login {
    /// Username (case-insensitive).
    pub username: String,
    /// Password.
    pub password: Password,
    /// Device label shown in the session list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub device: Option<String>,
}

/// Authenticate with a session token from an earlier `register`/`login`. Replied with `session`
/// (the same token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Resume {
    /// The session token.
    pub token: String,
}

/// Change the password. Every *other* session of the account is revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChangePassword {
    /// The current password.
    pub old_password: Password,
    /// The new password (at least 8 characters).
    pub new_password: Password,
}

/// Revoke one of this account's sessions; its connections close at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RevokeSession {
    /// The session to revoke.
    pub session_id: SessionId,
}

/// Change your own profile. Replied with `profile`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpdateProfile {
    /// New display name (1–64 characters).
    pub display_name: String,
}

/// Set your avatar to an image you uploaded (as an image), or remove it with `null`. Replied
/// with `profile`; your other devices get `profile_updated`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SetAvatar {
    /// The image, or null to remove.
    pub file_id: Option<FileId>,
}

/// Change your account settings; fields left out stay as they are. Replied with `settings`; your
/// other devices get `settings_changed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpdateSettings {
    /// Send and see read receipts in 1:1 chats (see `AccountSettings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub read_receipts: Option<bool>,
}

/// Get a user's public profile. Replied with `profile`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GetProfile {
    /// The user.
    pub user_id: UserId,
}

/// Search users by username prefix or display-name substring (at least 2 characters).
/// Replied with `users`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SearchUsers {
    /// The search text.
    pub query: String,
    /// How many results to skip (paging).
    #[serde(default)]
    pub offset: u32,
    /// Page size, at most 50 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}
