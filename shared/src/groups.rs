//! Group models: QQ-style groups with an owner, admins and members, join policies, mutes, and the
//! system entries that record governance in the group's timeline.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ConversationId, FileId, Profile, UserId};

/// How people get into a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JoinPolicy {
    /// Anyone who finds the group joins at once.
    Open,
    /// A join request must be approved by the owner or an admin.
    Approval,
    /// Only the owner and admins can add people.
    InviteOnly,
}

/// A name that is none of an enum's values (a stored value this version does not know).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownValue {
    /// Which enum.
    pub kind: &'static str,
    /// The name found.
    pub value: String,
}

impl JoinPolicy {
    /// The policy's name, as on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            JoinPolicy::Open => "open",
            JoinPolicy::Approval => "approval",
            JoinPolicy::InviteOnly => "invite_only",
        }
    }
}

impl TryFrom<&str> for JoinPolicy {
    type Error = UnknownValue;

    fn try_from(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "open" => Ok(JoinPolicy::Open),
            "approval" => Ok(JoinPolicy::Approval),
            "invite_only" => Ok(JoinPolicy::InviteOnly),
            _ => Err(UnknownValue {
                kind: "join policy",
                value: s.to_owned(),
            }),
        }
    }
}

/// A group's settings: chosen by its owner at creation (`create_group`), shown to its members
/// (`GroupInfo`), changed by its owner and admins (`update_group`, with a [`GroupSettingsPatch`]).
/// Flattened wherever it appears: on the wire its fields sit beside the others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GroupSettings {
    /// Group name, 1–64 characters.
    pub name: String,
    /// Description, up to 500 characters (may be empty; default empty).
    #[serde(default)]
    pub description: String,
    /// How people get in.
    pub join_policy: JoinPolicy,
    /// Whether search finds the group (default true).
    #[serde(default = "yes")]
    pub searchable: bool,
    /// Whether members may open temporary sessions with each other through the group (default
    /// true).
    #[serde(default = "yes")]
    pub allow_temp_sessions: bool,
}

/// serde's default for the settings that are on unless a request says otherwise.
fn yes() -> bool {
    true
}

/// Some of a group's settings: each field present changes (or, in a `updated` timeline entry,
/// changed) and each absent one stays as it is. The fields and rules are [`GroupSettings`]'s.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GroupSettingsPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    /// New join policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub join_policy: Option<JoinPolicy>,
    /// New searchability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub searchable: Option<bool>,
    /// New temporary-session setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub allow_temp_sessions: Option<bool>,
}

impl GroupSettingsPatch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A member's rank. Owner > admin > member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An ordinary member.
    Member,
    /// Appointed by the owner; moderates members.
    Admin,
    /// The one owner.
    Owner,
}

impl Role {
    /// The role's name, as on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

impl TryFrom<&str> for Role {
    type Error = UnknownValue;

    fn try_from(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "owner" => Ok(Role::Owner),
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            _ => Err(UnknownValue {
                kind: "role",
                value: s.to_owned(),
            }),
        }
    }
}

/// A group as its members see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GroupInfo {
    /// Short number people share to find the group.
    pub number: u64,
    /// Name, description, join policy, searchability, temporary sessions.
    #[serde(flatten)]
    pub settings: GroupSettings,
    /// Whether only the owner and admins may speak.
    pub muted_all: bool,
    /// The owner.
    pub owner_id: UserId,
    /// Number of members.
    pub member_count: u64,
    /// Group avatar, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avatar: Option<FileId>,
    /// Your role.
    pub my_role: Role,
    /// Until when you are muted, if you are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub my_muted_until: Option<u64>,
}

/// A group as search shows it to anyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GroupSummary {
    /// The group's conversation.
    pub conversation_id: ConversationId,
    /// Short number.
    pub number: u64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Join policy.
    pub join_policy: JoinPolicy,
    /// Number of members.
    pub member_count: u64,
    /// Group avatar, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avatar: Option<FileId>,
}

/// A short reference to a group (in events and temporary sessions).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GroupRef {
    /// The group's conversation.
    pub conversation_id: ConversationId,
    /// Short number.
    pub number: u64,
    /// Name.
    pub name: String,
}

/// A member in the member list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberInfo {
    /// Their profile.
    pub profile: Profile,
    /// Their role.
    pub role: Role,
    /// Until when they are muted, if they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub muted_until: Option<u64>,
    /// Whether they are online.
    pub online: bool,
}

/// A pending request to join a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JoinRequestInfo {
    /// Who asks.
    pub user: Profile,
    /// Their message, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
    /// When they asked.
    pub sent_at: u64,
}

/// Why a conversation disappeared from your list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// You left.
    Left,
    /// An admin removed you.
    Removed,
    /// The owner dissolved the group.
    Dissolved,
}

/// Governance recorded in a group's timeline, so every member's history shows the same thing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SystemEvent {
    /// The group was created (the entry's sender is the owner).
    Created {
        /// Initial name.
        name: String,
    },
    /// Someone joined (by themselves, approved by `by`, or added by `by`).
    Joined {
        /// The new member.
        user: Profile,
        /// Who approved or added them, if not a self-join of an open group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        by: Option<UserId>,
        /// Whether `by` approved their request to join, rather than adding them.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[ts(as = "Option<bool>", optional)]
        approved: bool,
    },
    /// Someone left.
    Left {
        /// The former member.
        user_id: UserId,
    },
    /// Someone was removed (by the entry's sender).
    Removed {
        /// The removed member.
        user_id: UserId,
    },
    /// Someone was muted until `until` (by the entry's sender).
    Muted {
        /// The muted member.
        user_id: UserId,
        /// When the mute ends.
        until: u64,
    },
    /// Someone was unmuted.
    Unmuted {
        /// The member.
        user_id: UserId,
    },
    /// Whole-group mute switched on or off.
    MutedAll {
        /// Whether it is now on.
        on: bool,
    },
    /// Someone became an admin.
    AdminAdded {
        /// The new admin.
        user_id: UserId,
    },
    /// Someone stopped being an admin.
    AdminRemoved {
        /// The former admin.
        user_id: UserId,
    },
    /// Ownership moved to `user_id` (from the entry's sender).
    OwnerChanged {
        /// The new owner.
        user_id: UserId,
    },
    /// Name, description or settings changed; the new values of those that changed.
    Updated {
        /// What changed.
        #[serde(flatten)]
        changes: GroupSettingsPatch,
    },
    /// The group's avatar was set (or removed, when absent).
    AvatarChanged {
        /// The new avatar.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        avatar: Option<FileId>,
    },
    /// The group was dissolved: the last entry.
    Dissolved,
}
