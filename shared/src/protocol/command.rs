//! [`Command`]: everything a client can ask, with the values a request carries.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConversationId, FileId, JoinPolicy, MessageId, SessionId, UserId};

/// Every command a client can send. Before authentication only `hello`, `register`, `login` and
/// `resume` are accepted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Version handshake (optional, but recommended as the first frame). Replied with `welcome`.
    Hello {
        /// The protocol version the client speaks.
        protocol: u32,
        /// Free-form client name and version, for logs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        client: Option<String>,
    },
    /// Create an account and log in. Replied with `session`.
    Register {
        /// 3–32 characters: `a-z`, `0-9`, `_`, `.`, `-`; starts with a letter or digit; case-insensitive.
        username: String,
        /// At least 8 characters.
        password: String,
        /// Shown instead of the username; defaults to the username.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        display_name: Option<String>,
        /// Device label shown in the session list ("Firefox on Linux").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        device: Option<String>,
    },
    /// Log in with a password. Replied with `session`.
    Login {
        /// Username (case-insensitive).
        username: String,
        /// Password.
        password: String,
        /// Device label shown in the session list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        device: Option<String>,
    },
    /// Authenticate with a session token from an earlier `register`/`login`. Replied with `session`
    /// (the same token).
    Resume {
        /// The session token.
        token: String,
    },
    /// End this session: the token stops working and every connection of this session closes.
    Logout,
    /// Change the password. Every *other* session of the account is revoked.
    ChangePassword {
        /// The current password.
        old_password: String,
        /// The new password (at least 8 characters).
        new_password: String,
    },
    /// List this account's sessions. Replied with `sessions`.
    ListSessions,
    /// Revoke one of this account's sessions; its connections close at once.
    RevokeSession {
        /// The session to revoke.
        session_id: SessionId,
    },
    /// Change your own profile. Replied with `profile`.
    UpdateProfile {
        /// New display name (1–64 characters).
        display_name: String,
    },
    /// Set your avatar to an image you uploaded (as an image), or remove it with `null`. Replied
    /// with `profile`; your other devices get `profile_updated`.
    SetAvatar {
        /// The image, or null to remove.
        file_id: Option<FileId>,
    },
    /// Get a user's public profile. Replied with `profile`.
    GetProfile {
        /// The user.
        user_id: UserId,
    },
    /// Search users by username prefix or display-name substring (at least 2 characters).
    /// Replied with `users`.
    SearchUsers {
        /// The search text.
        query: String,
        /// How many results to skip (paging).
        #[serde(default)]
        offset: u32,
        /// Page size, at most 50 (default 20).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        limit: Option<u32>,
    },
    /// Ask someone to be your friend. If they already asked you, this accepts their request.
    FriendRequest {
        /// The user to befriend.
        user_id: UserId,
        /// Optional greeting (at most 200 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        message: Option<String>,
    },
    /// Accept the pending request from `user_id`.
    FriendAccept {
        /// The requester.
        user_id: UserId,
    },
    /// Decline the pending request from `user_id`.
    FriendDecline {
        /// The requester.
        user_id: UserId,
    },
    /// Withdraw your own pending request to `user_id`.
    FriendCancel {
        /// The user you asked.
        user_id: UserId,
    },
    /// End a friendship (both sides).
    FriendRemove {
        /// The friend.
        user_id: UserId,
    },
    /// Block a user: they can no longer send you requests or messages; any friendship and pending
    /// request between you ends.
    Block {
        /// The user to block.
        user_id: UserId,
    },
    /// Lift a block.
    Unblock {
        /// The blocked user.
        user_id: UserId,
    },
    /// Friends, pending requests both ways, and blocked users. Replied with `contacts`.
    ListContacts,
    /// Get (creating if needed) the 1:1 conversation with a friend. Replied with `conversation`.
    OpenDirect {
        /// The friend.
        user_id: UserId,
    },
    /// Your conversations with their latest state. Replied with `conversations`.
    ListConversations,
    /// Send a message. Replied with `sent`, after the message is durably stored. Sending again with
    /// the same `client_msg_id` returns the original result and stores nothing new.
    SendMessage {
        /// Target conversation.
        conversation_id: ConversationId,
        /// Client-chosen idempotency key (at most 64 bytes, unique per sender; a UUID is ideal).
        client_msg_id: String,
        /// The content.
        body: NewMessageBody,
    },
    /// Messages before `before_seq` (or the latest), oldest first. Replied with `history`.
    History {
        /// The conversation.
        conversation_id: ConversationId,
        /// Exclusive upper bound; omit for the latest messages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        before_seq: Option<u64>,
        /// Page size, at most 100 (default 50). Pages are also cut below the outbound frame limit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        limit: Option<u32>,
    },
    /// Move your read marker forward to `seq` (it never moves back). Your other sessions get a
    /// `read_marker` event.
    MarkRead {
        /// The conversation.
        conversation_id: ConversationId,
        /// The last message read.
        seq: u64,
    },
    /// Tell the other side you are typing. Ephemeral; send at most every few seconds.
    Typing {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// Recall (撤回) your own message within 2 minutes of sending. Its content is deleted on the
    /// server; everyone sees a `recall` entry and a recalled placeholder.
    Recall {
        /// The conversation.
        conversation_id: ConversationId,
        /// The message to recall.
        message_id: MessageId,
    },
    /// Create a group; you become its owner. Replied with `conversation`.
    CreateGroup {
        /// 1–64 characters.
        name: String,
        /// Up to 500 characters.
        #[serde(default)]
        description: String,
        /// How people get in.
        join_policy: JoinPolicy,
        /// Whether search finds it (default true).
        #[serde(default = "yes")]
        searchable: bool,
        /// Whether members may open temporary sessions through it (default true).
        #[serde(default = "yes")]
        allow_temp_sessions: bool,
    },
    /// Search searchable groups by name (at least 2 characters) or exact number. Replied with
    /// `groups`.
    SearchGroups {
        /// Name fragment or group number.
        query: String,
        /// How many results to skip.
        #[serde(default)]
        offset: u32,
        /// Page size, at most 50 (default 20).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        limit: Option<u32>,
    },
    /// Join an open group (replied with `conversation`) or ask to join an approval group (replied
    /// with `join_requested`; admins decide).
    JoinGroup {
        /// The group.
        conversation_id: ConversationId,
        /// For approval groups: a note to the admins (at most 200 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        message: Option<String>,
    },
    /// Pending join requests (owner and admins). Replied with `join_requests`.
    ListJoinRequests {
        /// The group.
        conversation_id: ConversationId,
    },
    /// Approve or decline a join request (owner and admins; the first decision wins).
    DecideJoin {
        /// The group.
        conversation_id: ConversationId,
        /// The requester.
        user_id: UserId,
        /// Approve (true) or decline (false).
        approve: bool,
    },
    /// Members with roles, mutes and presence (members only). Replied with `members`.
    ListMembers {
        /// The group.
        conversation_id: ConversationId,
        /// How many to skip.
        #[serde(default)]
        offset: u32,
        /// Page size, at most 500 (default 200).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        limit: Option<u32>,
    },
    /// Change name, description or settings (owner and admins). Only the given fields change.
    UpdateGroup {
        /// The group.
        conversation_id: ConversationId,
        /// New name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        name: Option<String>,
        /// New description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        description: Option<String>,
        /// New join policy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        join_policy: Option<JoinPolicy>,
        /// New searchability.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        searchable: Option<bool>,
        /// New temporary-session setting.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        allow_temp_sessions: Option<bool>,
    },
    /// Set or remove (null) the group's avatar (owner and admins); recorded in the timeline.
    SetGroupAvatar {
        /// The group.
        conversation_id: ConversationId,
        /// An image you can see, or null to remove.
        file_id: Option<FileId>,
    },
    /// Add someone directly (owner and admins); they are told and may leave.
    AddMember {
        /// The group.
        conversation_id: ConversationId,
        /// The user to add.
        user_id: UserId,
    },
    /// Remove a member (owner: anyone; admins: members only). They lose access at once.
    RemoveMember {
        /// The group.
        conversation_id: ConversationId,
        /// The member.
        user_id: UserId,
    },
    /// Mute a member for `seconds` (1 s to 30 days; presets 600, 3600, 43200, 86400, 604800), or
    /// unmute with 0. Same rank rules as removal.
    MuteMember {
        /// The group.
        conversation_id: ConversationId,
        /// The member.
        user_id: UserId,
        /// Duration in seconds; 0 unmutes.
        seconds: u64,
    },
    /// Switch whole-group mute (only the owner and admins may speak while it is on).
    MuteAll {
        /// The group.
        conversation_id: ConversationId,
        /// On or off.
        on: bool,
    },
    /// Appoint (true) or dismiss (false) an admin (owner only).
    SetAdmin {
        /// The group.
        conversation_id: ConversationId,
        /// The member.
        user_id: UserId,
        /// Whether they should be an admin.
        admin: bool,
    },
    /// Hand the group to another member (owner only); you become an admin.
    TransferGroup {
        /// The group.
        conversation_id: ConversationId,
        /// The new owner.
        user_id: UserId,
    },
    /// Leave a group (the owner must transfer first).
    LeaveGroup {
        /// The group.
        conversation_id: ConversationId,
    },
    /// Dissolve the group (owner only): everyone loses it.
    DissolveGroup {
        /// The group.
        conversation_id: ConversationId,
    },
    /// Open (or get) a temporary session (临时会话) with a member of a group you share that
    /// allows them. Replied with `conversation`.
    OpenTemp {
        /// The other member.
        user_id: UserId,
        /// The shared group it comes from.
        via: ConversationId,
    },
    /// Short-lived signed URLs for a file you may see, for `<img>` tags and download links (no
    /// token in the URL). Replied with `file_urls`.
    FileUrls {
        /// The file.
        file_id: FileId,
    },
    /// Catch up: the server sends every user event after `events_after`, then every message after
    /// each conversation's cursor (conversations you do not list start at 0), then `sync_done`, and
    /// from then on live pushes with no gap and no duplicate. Replied with `ok`/`sync_started`
    /// before the backlog.
    Sync {
        /// The last user-event `seq` you have processed (0 for none).
        #[serde(default)]
        events_after: u64,
        /// The last message `seq` you have per conversation.
        #[serde(default)]
        conversations: Vec<ConversationCursor>,
    },
}

fn yes() -> bool {
    true
}

/// A client's position in one conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConversationCursor {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The last message `seq` the client has.
    pub seq: u64,
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
