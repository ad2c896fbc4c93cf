//! [`Reply`]: the result of a successful request.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    AccountSettings, ConversationInfo, Friend, FriendRequestInfo, GroupSummary, JoinRequestInfo,
    MemberInfo, Message, Profile, ReadCount, SessionId, SessionInfo, UserId,
};

/// The result of a successful request, tagged by `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
// Wire values live briefly between parse/serialize and use; boxing the big variants would only
// add allocations.
#[allow(clippy::large_enum_variant)]
pub enum Reply {
    /// Nothing to return.
    Done,
    /// Reply to `hello`.
    Welcome {
        /// The protocol version the server speaks.
        protocol: u32,
        /// Server software version.
        server_version: String,
        /// Limits clients must respect.
        limits: WireLimits,
    },
    /// Reply to `register`, `login` and `resume`.
    Session {
        /// Bearer token for `resume` (and, later, HTTP requests). Keep it secret.
        token: String,
        /// This session's id (as listed by `list_sessions`).
        session_id: SessionId,
        /// Your own profile.
        user: Profile,
    },
    /// Reply to `list_sessions`.
    Sessions {
        /// Every live session of the account.
        sessions: Vec<SessionInfo>,
    },
    /// A single profile.
    Profile {
        /// The profile.
        profile: Profile,
    },
    /// Reply to `get_settings` and `update_settings`.
    Settings {
        /// Your account settings as they are now.
        settings: AccountSettings,
    },
    /// Reply to `search_users`.
    Users {
        /// Matching users' public profiles.
        users: Vec<Profile>,
        /// Offset of the next page, when there may be more.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        next_offset: Option<u32>,
    },
    /// Reply to `list_contacts`.
    Contacts {
        /// Your friends.
        friends: Vec<Friend>,
        /// Requests others sent you.
        incoming: Vec<FriendRequestInfo>,
        /// Requests you sent.
        outgoing: Vec<FriendRequestInfo>,
        /// Users you blocked.
        blocked: Vec<Profile>,
        /// Your user-event seq when this snapshot was taken.
        events_seq: u64,
    },
    /// A single conversation.
    Conversation {
        /// The conversation.
        conversation: ConversationInfo,
    },
    /// Reply to `list_conversations`.
    Conversations {
        /// Your conversations, most recently active first.
        conversations: Vec<ConversationInfo>,
    },
    /// Reply to `send_message`: the stored message (identical when the send is repeated).
    Sent {
        /// The stored message.
        message: Message,
    },
    /// Reply to `history`.
    History {
        /// Messages, oldest first.
        messages: Vec<Message>,
        /// Whether older messages exist.
        has_more: bool,
        /// Whether newer messages exist after the page (only ever true for `around_seq`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[ts(as = "Option<bool>", optional)]
        has_newer: bool,
    },
    /// Reply to `read_receipts`.
    ReadReceipts {
        /// (1:1) The last of your messages that reached one of the other member's devices
        /// (`mark_delivered` or `mark_read`); 0 for none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        delivered_seq: Option<u64>,
        /// (1:1) The other member's read marker. Left out when either of you has switched read
        /// receipts off.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        read_seq: Option<u64>,
        /// (Groups) The counts for the asked seqs that are your own messages, by ascending seq.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<ReadCount>>", optional)]
        counts: Vec<ReadCount>,
    },
    /// Reply to `read_by`: the members who were in the group when the message was sent and still
    /// are, but you. Each list holds at most 3,000 ids; the counts are always whole.
    ReadBy {
        /// Those whose read marker passed the message.
        read: Vec<UserId>,
        /// Those whose read marker has not.
        unread: Vec<UserId>,
        /// How many have read it.
        read_count: u32,
        /// How many have not.
        unread_count: u32,
    },
    /// Reply to `sync`: the backlog follows, ended by `sync_done`.
    SyncStarted,
    /// Reply to `search_groups`.
    Groups {
        /// Matching groups.
        groups: Vec<GroupSummary>,
        /// Offset of the next page, when there may be more.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        next_offset: Option<u32>,
    },
    /// Reply to `join_group` for an approval group: the admins were asked.
    JoinRequested,
    /// Reply to `file_urls`: paths on this server, valid until `expires_at`.
    FileUrls {
        /// The file (original, or EXIF-stripped for images).
        url: String,
        /// The thumbnail, for images.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        thumbnail_url: Option<String>,
        /// When the URLs stop working (ms).
        expires_at: u64,
    },
    /// Reply to `list_join_requests`.
    JoinRequests {
        /// Pending requests, oldest first.
        requests: Vec<JoinRequestInfo>,
    },
    /// Reply to `list_members`.
    Members {
        /// Members: owner, admins, then others.
        members: Vec<MemberInfo>,
        /// Offset of the next page, when there may be more.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        next_offset: Option<u32>,
    },
}

/// Limits announced in `welcome`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WireLimits {
    /// Largest frame the server accepts, in bytes.
    pub max_inbound_frame: u32,
    /// Largest frame the server sends, in bytes.
    pub max_outbound_frame: u32,
    /// Longest message text, in Unicode scalar values.
    pub max_text_chars: u32,
    /// Longest message text, in UTF-8 bytes.
    pub max_text_bytes: u32,
    /// Recall window, in milliseconds.
    pub recall_window_ms: u64,
    /// Sustained commands per second allowed per connection.
    pub commands_per_second: u32,
}
