//! The values frames carry: profiles, friends, sessions, conversations, messages and files, and
//! the password a request carries.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    ConversationId, FileId, GroupInfo, GroupRef, MessageId, SessionId, SystemEvent, UserId,
};

/// A user's public profile. Usernames are public by design: they are how people find each other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Profile {
    /// The user.
    pub user_id: UserId,
    /// Unique, lowercase login name.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Avatar image (fetch its thumbnail via `file_urls`); absent for initials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avatar: Option<FileId>,
}

/// An account's own settings, the same on all its devices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccountSettings {
    /// Read receipts in 1:1 chats (default on). Off, the other member no longer sees when you
    /// read their messages, and you no longer see when they read yours, as in Telegram's and
    /// WhatsApp's switch; "Delivered" and group read counts stay.
    pub read_receipts: bool,
}

/// How many have read one of your group messages (QQ's 已读人数).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadCount {
    /// The message.
    pub seq: u64,
    /// Members whose read marker passed it.
    pub read: u32,
    /// Members who were in the group when it was sent and still are, but you.
    pub of: u32,
}

/// A friend, with presence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Friend {
    /// Their profile.
    pub profile: Profile,
    /// Whether they have at least one connection now.
    pub online: bool,
    /// When the friendship began.
    pub since: u64,
}

/// A pending friend request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FriendRequestInfo {
    /// The other user (the requester for incoming requests, the addressee for outgoing ones).
    pub user: Profile,
    /// The greeting, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
    /// When it was sent.
    pub sent_at: u64,
}

/// One logged-in session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionInfo {
    /// The session.
    pub session_id: SessionId,
    /// Device label given at login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub device: Option<String>,
    /// When it was created.
    pub created_at: u64,
    /// When it last authenticated a connection.
    pub last_seen_at: u64,
    /// Whether this is the session of the connection asking.
    pub current: bool,
}

/// What kind of conversation this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    /// A 1:1 chat between friends.
    Direct,
    /// A group.
    Group,
    /// A temporary session (临时会话) between members of a shared group.
    Temporary,
}

/// A conversation as one member sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConversationInfo {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Its kind.
    pub kind: ConversationKind,
    /// For direct conversations and temporary sessions: the other person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub peer: Option<Profile>,
    /// For groups: the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub group: Option<GroupInfo>,
    /// For temporary sessions: the group it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub via_group: Option<GroupRef>,
    /// The newest seq in the conversation (0 when empty).
    pub last_seq: u64,
    /// Your read marker.
    pub read_seq: u64,
    /// Messages after your read marker.
    pub unread: u64,
    /// The newest message, for previews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_message: Option<Message>,
}

/// An entry of a conversation's sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Message {
    /// Server-assigned id.
    pub message_id: MessageId,
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Position in the conversation: 1, 2, 3, … with no gaps.
    pub seq: u64,
    /// Who sent it.
    pub sender_id: UserId,
    /// The sender's idempotency key; the sender's devices use it to match their pending sends
    /// (other members receive it too and may ignore it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub client_msg_id: Option<String>,
    /// Server time when stored.
    pub sent_at: u64,
    /// The content.
    pub body: MessageBody,
    /// The message this one replies to, as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reply_to: Option<Quote>,
    /// For a forwarded message: who first sent its content, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub forwarded_from: Option<ForwardedFrom>,
    /// Emoji reactions, in the order each emoji was first used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<Reaction>>", optional)]
    pub reactions: Vec<Reaction>,
    /// When its text was last edited (`edit_message`); absent if never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub edited_at: Option<u64>,
    /// The conversation's change counter when this message last changed (a reaction, an edit);
    /// absent if it never did. Of two copies of a message, the one with the higher value is newer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub change_seq: Option<u64>,
}

/// One emoji's reactions to a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Reaction {
    /// The emoji.
    pub emoji: String,
    /// How many reacted with it.
    pub count: u64,
    /// Who, earliest first: all of them up to [`crate::limits::MAX_REACTORS_LISTED`].
    pub user_ids: Vec<UserId>,
}

/// Where a forwarded message's content first came from (kept when it is forwarded again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ForwardedFrom {
    /// Who first sent it.
    pub sender_id: UserId,
    /// When they sent it.
    pub sent_at: u64,
}

/// The message a reply quotes, as it is now: recalled once recalled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Quote {
    /// Its seq, to jump to it (`history` with `around_seq`).
    pub seq: u64,
    /// Its id.
    pub message_id: MessageId,
    /// Who sent it.
    pub sender_id: UserId,
    /// What it shows.
    pub preview: QuotePreview,
}

/// What a quote shows of the quoted message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuotePreview {
    /// The start of its text: at most [`crate::limits::QUOTE_PREVIEW_CHARS`] characters.
    Text {
        /// The text, cut.
        text: String,
    },
    /// A file, by name.
    File {
        /// Its name.
        name: String,
    },
    /// An image.
    Image,
    /// It was recalled.
    Recalled,
}

impl QuotePreview {
    /// What a quote of a message with `body` shows; `None` for entries that cannot be quoted
    /// (`recall` and `system` entries).
    pub fn of(body: &MessageBody) -> Option<QuotePreview> {
        Some(match body {
            MessageBody::Text { text, .. } => QuotePreview::Text {
                text: text
                    .chars()
                    .take(crate::limits::QUOTE_PREVIEW_CHARS)
                    .collect(),
            },
            MessageBody::File { file } => QuotePreview::File {
                name: file.name.clone(),
            },
            MessageBody::Image { .. } => QuotePreview::Image,
            MessageBody::Recalled { .. } => QuotePreview::Recalled,
            MessageBody::Recall { .. } | MessageBody::System { .. } => return None,
        })
    }
}

/// Message content as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageBody {
    /// Plain text.
    Text {
        /// The text.
        text: String,
        /// Members mentioned.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<UserId>>", optional)]
        mentions: Vec<UserId>,
        /// Whether everyone is mentioned (@all).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[ts(as = "Option<bool>", optional)]
        mention_all: bool,
    },
    /// A file.
    File {
        /// The file.
        file: FileInfo,
    },
    /// An image.
    Image {
        /// The image.
        file: FileInfo,
    },
    /// Group governance (joins, mutes, admin changes, renames…); the sender is who did it.
    System {
        /// What happened.
        event: SystemEvent,
    },
    /// A message that was recalled; its content is gone from the server.
    Recalled {
        /// When it was recalled.
        recalled_at: u64,
    },
    /// Timeline entry saying message `message_id` (at `target_seq`) was recalled by `sender_id`.
    Recall {
        /// The recalled message.
        message_id: MessageId,
        /// Its seq.
        target_seq: u64,
    },
}

/// An uploaded file as messages carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FileInfo {
    /// The file (random, never sequential).
    pub file_id: FileId,
    /// Original file name, for display and downloads only (never used as a path).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// MIME type: detected from the content for images, as declared by the uploader otherwise.
    pub mime: String,
    /// For images: width in pixels (after EXIF orientation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub width: Option<u32>,
    /// For images: height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub height: Option<u32>,
    /// Whether a thumbnail exists (images).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub thumbnail: bool,
}

/// A password, as `register`, `login` and `change_password` carry it: a plain JSON string on the
/// wire. Its `Debug` prints `Password(***)`, so a request logged with `{:?}` (or a test's failure
/// message) never shows one; [`Password::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(type = "string")]
pub struct Password(String);

impl Password {
    /// The password itself, to check, hash or compare; never to log or show.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl From<String> for Password {
    fn from(password: String) -> Self {
        Password(password)
    }
}

impl From<&str> for Password {
    fn from(password: &str) -> Self {
        Password(password.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Password;

    #[test]
    fn debug_shows_no_password() {
        let p = Password::from("correct horse battery");
        assert_eq!(format!("{p:?}"), "Password(***)");
        assert_eq!(format!("{:?}", Some(p.clone())), "Some(Password(***))");
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#""correct horse battery""#
        );
        assert_eq!(p.expose(), "correct horse battery");
    }
}
