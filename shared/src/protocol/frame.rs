//! The two envelopes: [`ClientFrame`] (a request) and [`ServerFrame`] (replies and pushes).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Command, ConversationId, ErrorCode, Message, Profile, Reply, UserEvent, UserId};

/// A request from the client.
///
/// In TypeScript it is `{ id: string } & Command`, written out here because ts-rs flattens a field
/// by inlining its type, which would spell out every command a second time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(type = "{ id: string } & Command")]
pub struct ClientFrame {
    /// Client-chosen request id (at most 64 bytes), echoed in the reply.
    pub id: String,
    /// The command, tagged by `type`.
    #[serde(flatten)]
    pub command: Command,
}

/// Everything the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Success reply to request `id`.
    Ok {
        /// The request id.
        id: String,
        /// The result.
        result: Reply,
    },
    /// Failure reply to request `id` (absent when the frame could not be parsed far enough to
    /// know it). Nothing was changed by the failed request.
    Error {
        /// The request id, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        id: Option<String>,
        /// What went wrong (stable, machine-readable).
        code: ErrorCode,
        /// English description for developers; clients show a translation of `code` instead.
        message: String,
        /// For `rate_limited`, `server_busy` and `storage_full`: when to retry, in milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        retry_after_ms: Option<u64>,
        /// For `muted`: when your mute ends (absent while the whole group is muted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        until: Option<u64>,
    },
    /// An entry of your user event stream (friendships, conversations, read markers, …).
    Event {
        /// The event.
        event: UserEvent,
    },
    /// An entry of a conversation's sequence (a message, or a recall).
    Message {
        /// The message.
        message: Message,
    },
    /// Someone is typing in a conversation (ephemeral, not replayed).
    Typing {
        /// The conversation.
        conversation_id: ConversationId,
        /// Who is typing.
        user_id: UserId,
    },
    /// Someone you share a friendship or a conversation with changed their display name or avatar
    /// (ephemeral; a reconnecting client gets current profiles from its lists).
    ProfileChanged {
        /// The new profile.
        profile: Profile,
    },
    /// A friend came online or went offline (ephemeral, not replayed).
    Presence {
        /// The friend.
        user_id: UserId,
        /// Whether they now have at least one connection.
        online: bool,
    },
    /// During sync: this conversation is more than 1,000 messages behind. The server skipped its
    /// backlog; fetch what you want with `history` (live messages after `latest_seq` still arrive).
    SyncGap {
        /// The conversation.
        conversation_id: ConversationId,
        /// Its latest seq at sync time.
        latest_seq: u64,
    },
    /// During sync: the user event stream is too far behind to replay; reload friends, requests and
    /// conversations with `list_contacts` / `list_conversations`, then continue from `events_seq`.
    TooFarBehind {
        /// The current user-event seq.
        events_seq: u64,
    },
    /// The sync backlog is complete; everything after this is live.
    SyncDone {
        /// Your user-event seq now.
        events_seq: u64,
    },
}
