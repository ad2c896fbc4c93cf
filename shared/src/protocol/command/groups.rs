//! Groups: the commands of PROTOCOL.md section 5.5.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConversationId, FileId, GroupSettings, GroupSettingsPatch, UserId};

/// Create a group; you become its owner. Replied with `conversation`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreateGroup {
    /// The new group's settings (`description`, `searchable` and `allow_temp_sessions` may be left
    /// out).
    #[serde(flatten)]
    pub settings: GroupSettings,
}

/// Search searchable groups by name (at least 2 characters) or exact number. Replied with
/// `groups`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SearchGroups {
    /// Name fragment or group number.
    pub query: String,
    /// How many results to skip.
    #[serde(default)]
    pub offset: u32,
    /// Page size, at most 50 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// Join an open group (replied with `conversation`) or ask to join an approval group (replied
/// with `join_requested`; admins decide).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JoinGroup {
    /// The group.
    pub conversation_id: ConversationId,
    /// For approval groups: a note to the admins (at most 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

/// Pending join requests (owner and admins). Replied with `join_requests`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ListJoinRequests {
    /// The group.
    pub conversation_id: ConversationId,
}

/// Approve or decline a join request (owner and admins; the first decision wins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DecideJoin {
    /// The group.
    pub conversation_id: ConversationId,
    /// The requester.
    pub user_id: UserId,
    /// Approve (true) or decline (false).
    pub approve: bool,
}

/// Members with roles, mutes and presence (members only). Replied with `members`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ListMembers {
    /// The group.
    pub conversation_id: ConversationId,
    /// How many to skip.
    #[serde(default)]
    pub offset: u32,
    /// Page size, at most 500 (default 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// Change name, description or settings (owner and admins). Only the given fields change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpdateGroup {
    /// The group.
    pub conversation_id: ConversationId,
    /// The settings to change.
    #[serde(flatten)]
    pub changes: GroupSettingsPatch,
}

/// Set or remove (null) the group's avatar (owner and admins); recorded in the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SetGroupAvatar {
    /// The group.
    pub conversation_id: ConversationId,
    /// An image you can see, or null to remove.
    pub file_id: Option<FileId>,
}

/// Add someone directly (owner and admins); they are told and may leave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AddMember {
    /// The group.
    pub conversation_id: ConversationId,
    /// The user to add.
    pub user_id: UserId,
}

/// Remove a member (owner: anyone; admins: members only). They lose access at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RemoveMember {
    /// The group.
    pub conversation_id: ConversationId,
    /// The member.
    pub user_id: UserId,
}

/// Mute a member for `seconds` (1 s to 30 days; presets 600, 3600, 43200, 86400, 604800), or
/// unmute with 0. Same rank rules as removal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MuteMember {
    /// The group.
    pub conversation_id: ConversationId,
    /// The member.
    pub user_id: UserId,
    /// Duration in seconds; 0 unmutes.
    pub seconds: u64,
}

/// Switch whole-group mute (only the owner and admins may speak while it is on).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MuteAll {
    /// The group.
    pub conversation_id: ConversationId,
    /// On or off.
    pub on: bool,
}

/// Appoint (true) or dismiss (false) an admin (owner only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SetAdmin {
    /// The group.
    pub conversation_id: ConversationId,
    /// The member.
    pub user_id: UserId,
    /// Whether they should be an admin.
    pub admin: bool,
}

/// Hand the group to another member (owner only); you become an admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TransferGroup {
    /// The group.
    pub conversation_id: ConversationId,
    /// The new owner.
    pub user_id: UserId,
}

/// Leave a group (the owner must transfer first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LeaveGroup {
    /// The group.
    pub conversation_id: ConversationId,
}

/// Dissolve the group (owner only): everyone loses it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DissolveGroup {
    /// The group.
    pub conversation_id: ConversationId,
}
