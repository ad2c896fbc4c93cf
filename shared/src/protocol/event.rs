//! [`UserEvent`]: an entry of a user's own event stream (friendships, conversations, join
//! requests, read markers, profile), replayed by `sync`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    AccountSettings, ConversationId, ConversationInfo, FriendRequestInfo, GroupRef,
    JoinRequestInfo, MessageId, Profile, RemovalReason, UserId,
};

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
    /// You deleted these messages for yourself (on any of your devices): drop them from view.
    DeletedForMe {
        /// The conversation.
        conversation_id: ConversationId,
        /// The messages.
        message_ids: Vec<MessageId>,
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
    /// Your account settings changed (on any of your devices).
    SettingsChanged {
        /// The settings as they are now.
        settings: AccountSettings,
    },
}
