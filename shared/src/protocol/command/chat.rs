//! Conversations, messages, temporary sessions, files and sync: the commands of PROTOCOL.md
//! sections 5.4 and 5.6–5.8, with what they carry (message content, sync cursors).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConversationId, FileId, MessageId, UserId};

/// Get (creating if needed) the 1:1 conversation with a friend. Replied with `conversation`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OpenDirect {
    /// The friend.
    pub user_id: UserId,
}

/// Send a message. Replied with `sent`, after the message is durably stored. Sending again with
/// the same `client_msg_id` returns the original result and stores nothing new.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SendMessage {
    /// Target conversation.
    pub conversation_id: ConversationId,
    /// Client-chosen idempotency key (at most 64 bytes, unique per sender; a UUID is ideal).
    pub client_msg_id: String,
    /// The content.
    pub body: NewMessageBody,
    /// Reply to (quote) the entry at this seq of the same conversation: a text, file or image
    /// message (recalled or not) that the sender can see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reply_to: Option<u64>,
}

/// Messages before `before_seq` (or the latest), oldest first. Replied with `history`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct History {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Exclusive upper bound; omit for the latest messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before_seq: Option<u64>,
    /// Instead of `before_seq`: the entries around this seq (it included, if visible), about
    /// half older and half newer, to jump to a quoted message or a search result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub around_seq: Option<u64>,
    /// Page size, at most 100 (default 50). Pages are also cut below the outbound frame limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// Move your read marker forward to `seq` (it never moves back). Your other sessions get a
/// `read_marker` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MarkRead {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The last message read.
    pub seq: u64,
}

/// (1:1 and temporary sessions) Tell the sender that one of your devices received the messages
/// up to `seq`, pushed or synced: their "Delivered" mark. Send it for conversations with someone
/// else's new messages, at most once a second per conversation; it never moves back. `mark_read`
/// counts as delivered too. Replied with `done`; in a group it answers `bad_request`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MarkDelivered {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The last message received.
    pub seq: u64,
}

/// How far the others have got with your messages: read receipts, pulled for the messages on
/// screen (PROTOCOL.md 5.9). Replied with `read_receipts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadReceipts {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// (Groups) Your messages to count readers of, at most 100; seqs of entries that are not your
    /// own visible messages are left out of the answer. Ignored in 1:1 chats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<u64>>", optional)]
    pub seqs: Vec<u64>,
}

/// (Groups) Who, of the members who were in the group when your message was sent and still are,
/// has read it and who has not. Replied with `read_by`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadBy {
    /// The group.
    pub conversation_id: ConversationId,
    /// Your message's seq.
    pub seq: u64,
}

/// Tell the other side you are typing. Ephemeral; send at most every few seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Typing {
    /// The conversation.
    pub conversation_id: ConversationId,
}

/// Recall (撤回) your own message within 2 minutes of sending. Its content is deleted on the
/// server; everyone sees a `recall` entry and a recalled placeholder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Recall {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The message to recall.
    pub message_id: MessageId,
}

/// Delete messages for me (删除): they disappear from your view on all your devices and from
/// your history, and stay for everyone else. Any message you can see may be deleted, at any age
/// (1 to 100 at once; an unknown id changes nothing and answers `not_found`). Replied with
/// `done`; your devices get a `deleted_for_me` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeleteForMe {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The messages (each at most once).
    pub message_ids: Vec<MessageId>,
}

/// Open (or get) a temporary session (临时会话) with a member of a group you share that
/// allows them. Replied with `conversation`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OpenTemp {
    /// The other member.
    pub user_id: UserId,
    /// The shared group it comes from.
    pub via: ConversationId,
}

/// Short-lived signed URLs for a file you may see, for `<img>` tags and download links (no
/// token in the URL). Replied with `file_urls`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FileUrls {
    /// The file.
    pub file_id: FileId,
}

/// Catch up: the server sends every user event after `events_after`, then every message after
/// each conversation's cursor (conversations you do not list start at 0), then `sync_done`, and
/// from then on live pushes with no gap and no duplicate. Replied with `ok`/`sync_started`
/// before the backlog.
///
/// The `sync` command; named `SyncRequest` so that it never shadows `std::marker::Sync`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncRequest {
    /// The last user-event `seq` you have processed (0 for none).
    #[serde(default)]
    pub events_after: u64,
    /// The last message `seq` you have per conversation.
    #[serde(default)]
    pub conversations: Vec<ConversationCursor>,
}

/// A client's position in one conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConversationCursor {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The last message `seq` the client has.
    pub seq: u64,
    /// The highest `change_seq` the client has seen in this conversation: changed messages up to
    /// `seq` with a higher one are replayed as `message_changed`. Omit to replay no changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub changes_after: Option<u64>,
}

/// Add (`on`) or take back your reaction `emoji` to a message. Idempotent; reactions change the
/// message (`message_changed`), never the conversation's sequence or unread count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct React {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The message's seq.
    pub seq: u64,
    /// One emoji (a single grapheme cluster).
    pub emoji: String,
    /// Add it (`true`) or take it back (`false`).
    pub on: bool,
}

/// Replace the text of your own text message, within 24 hours of sending it. Everyone sees the
/// new text marked edited (`message_changed`); nobody is notified again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EditMessage {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The message's seq.
    pub seq: u64,
    /// The new text (the rules of `send_message`'s text).
    pub text: String,
}

/// Content a client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NewMessageBody {
    /// Plain text, 1–4,000 Unicode scalar values and at most 16 KiB of UTF-8.
    Text {
        /// The text.
        text: String,
        /// Members mentioned (@name) in a group; they are flagged for highlighting.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<UserId>>", optional)]
        mentions: Vec<UserId>,
        /// @all (owner and admins only).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[ts(as = "Option<bool>", optional)]
        mention_all: bool,
    },
    /// A file you uploaded (or can see in another conversation), sent 1:1 (friends and temporary
    /// sessions).
    File {
        /// The uploaded file.
        file_id: FileId,
    },
    /// An image (PNG, JPEG, GIF or WebP) uploaded as an image, in groups and 1:1.
    Image {
        /// The uploaded image.
        file_id: FileId,
    },
    /// Forward (转发) a text, file or image message you can see, from any of your conversations:
    /// its content is sent again, file or image included without uploading it again, with its
    /// original sender shown (`forwarded_from`).
    Forward {
        /// Where the message is.
        conversation_id: ConversationId,
        /// Its seq there.
        seq: u64,
    },
}

impl NewMessageBody {
    /// Plain text without mentions.
    pub fn text(text: impl Into<String>) -> Self {
        NewMessageBody::Text {
            text: text.into(),
            mentions: Vec::new(),
            mention_all: false,
        }
    }
}
