//! Friends and blocks: the commands of PROTOCOL.md section 5.3.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::UserId;

/// Ask someone to be your friend. If they already asked you, this accepts their request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FriendRequest {
    /// The user to befriend.
    pub user_id: UserId,
    /// Optional greeting (at most 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

/// Accept the pending request from `user_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FriendAccept {
    /// The requester.
    pub user_id: UserId,
}

/// Decline the pending request from `user_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FriendDecline {
    /// The requester.
    pub user_id: UserId,
}

/// Withdraw your own pending request to `user_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FriendCancel {
    /// The user you asked.
    pub user_id: UserId,
}

/// End a friendship (both sides).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FriendRemove {
    /// The friend.
    pub user_id: UserId,
}

/// Block a user: they can no longer send you requests or messages; any friendship and pending
/// request between you ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Block {
    /// The user to block.
    pub user_id: UserId,
}

/// Lift a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Unblock {
    /// The blocked user.
    pub user_id: UserId,
}
