//! Frames and models. Every WebSocket message is one JSON text frame with a `type` tag.
//!
//! Client → server: [`ClientFrame`], a request with a client-chosen `id`; the server answers each
//! request exactly once with `ok` (same `id`, a [`Reply`]) or `error` (same `id`, an [`ErrorCode`]).
//! Server → client: [`ServerFrame`]: those replies plus pushes (`event`, `message`, `typing`,
//! `presence`) and sync markers. Unknown fields are ignored by both sides and clients must ignore
//! unknown frame types and event kinds, so the protocol can grow without a version bump.
//!
//! Numbers on the wire are integers below 2^53 (JavaScript-safe); times are milliseconds since the
//! Unix epoch (UTC).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    ConversationId, ErrorCode, FileId, GroupInfo, GroupRef, GroupSummary, JoinPolicy,
    JoinRequestInfo, MemberInfo, MessageId, RemovalReason, SessionId, SystemEvent, UserId,
};

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// A request from the client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct ClientFrame {
    /// Client-chosen request id (at most 64 bytes), echoed in the reply.
    pub id: String,
    /// The command, tagged by `type`.
    #[serde(flatten)]
    pub command: Command,
}

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

/// An entry of a user's own event stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserEvent {
    /// Position in your event stream: 1, 2, 3, … with no gaps.
    pub seq: u64,
    /// When it happened.
    pub at: u64,
    /// What happened.
    pub body: EventBody,
}

/// What a user event says, tagged by `kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // see `Reply`
pub enum EventBody {
    /// Someone asked to be your friend.
    FriendRequestReceived {
        /// The request.
        request: FriendRequestInfo,
    },
    /// You (on some device) asked someone to be your friend.
    FriendRequestSent {
        /// The request.
        request: FriendRequestInfo,
    },
    /// A pending request between you and `user_id` ended without friendship (declined by the
    /// addressee or cancelled by the requester).
    FriendRequestClosed {
        /// The other user.
        user_id: UserId,
        /// Whether it was declined (otherwise cancelled).
        declined: bool,
    },
    /// You are now friends.
    FriendAdded {
        /// The new friend.
        friend: Profile,
    },
    /// A friendship ended.
    FriendRemoved {
        /// The former friend.
        user_id: UserId,
    },
    /// You blocked someone.
    Blocked {
        /// The blocked user.
        user: Profile,
    },
    /// You unblocked someone.
    Unblocked {
        /// The user.
        user_id: UserId,
    },
    /// A conversation you are in was created.
    ConversationAdded {
        /// The conversation (as of its creation).
        conversation: ConversationInfo,
    },
    /// Your read marker moved (on any of your devices).
    ReadMarker {
        /// The conversation.
        conversation_id: ConversationId,
        /// The new marker.
        seq: u64,
    },
    /// A conversation left your list (you left or were removed, or the group was dissolved). Its
    /// messages no longer reach you.
    ConversationRemoved {
        /// The conversation.
        conversation_id: ConversationId,
        /// Why.
        reason: RemovalReason,
    },
    /// (Owner and admins) someone asks to join a group.
    JoinRequestReceived {
        /// The group.
        group: GroupRef,
        /// The request.
        request: JoinRequestInfo,
    },
    /// (Owner and admins) a join request was decided by `by`.
    JoinRequestClosed {
        /// The group.
        group: GroupRef,
        /// The requester.
        user_id: UserId,
        /// Whether it was approved.
        approved: bool,
        /// Who decided.
        by: UserId,
    },
    /// (Requester) your request was sent (for your other devices).
    JoinRequestSent {
        /// The group.
        group: GroupRef,
    },
    /// (Requester) your request was decided. When approved, `conversation_added` follows.
    JoinRequestDecided {
        /// The group.
        group: GroupRef,
        /// Whether it was approved.
        approved: bool,
    },
    /// Your profile changed (on any of your devices).
    ProfileUpdated {
        /// The new profile.
        profile: Profile,
    },
}
