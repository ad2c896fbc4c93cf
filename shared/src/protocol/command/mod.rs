//! [`Command`]: everything a client can ask. Each command with fields is one struct, which
//! carries the command's fields and their docs (`Command::MuteMember(MuteMember)`); the enum only
//! names them and gives each its wire `type`.
//!
//! On the wire a command is one flat object: `Command` is tagged internally by `type`, and a
//! newtype variant of a struct encodes exactly like a struct variant (`{"type":"mute_member",
//! "conversation_id":…,"user_id":…,"seconds":600}`).
//!
//! The structs live in one module per capability, as PROTOCOL.md's section 5 groups them, and are
//! reached as `liao_shared::command::MuteMember`; only [`Command`] and the two values several
//! commands carry ([`NewMessageBody`], [`ConversationCursor`]) are re-exported at the crate root,
//! so that short names like `Block` or `History` never collide with a user's own.

mod accounts;
mod chat;
mod friends;
mod groups;

pub use accounts::*;
pub use chat::*;
pub use friends::*;
pub use groups::*;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every command a client can send. Before authentication only `hello`, `register`, `login` and
/// `resume` are accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    // ---- accounts and sessions (5.1) ----
    /// `hello`: the version handshake.
    Hello(Hello),
    /// `register`: create an account and log in.
    Register(Register),
    /// `login`: log in with a password.
    Login(Login),
    /// `resume`: authenticate with a session token.
    Resume(Resume),
    /// End this session: the token stops working and every connection of this session closes.
    Logout,
    /// `change_password`: change the password, revoking every other session.
    ChangePassword(ChangePassword),
    /// List this account's sessions. Replied with `sessions`.
    ListSessions,
    /// `revoke_session`: end one of this account's sessions.
    RevokeSession(RevokeSession),
    // ---- profiles and search (5.2) ----
    /// `update_profile`: change your own display name.
    UpdateProfile(UpdateProfile),
    /// `set_avatar`: set or remove your avatar.
    SetAvatar(SetAvatar),
    /// Your account settings. Replied with `settings`.
    GetSettings,
    /// `update_settings`: change your account settings.
    UpdateSettings(UpdateSettings),
    /// `get_profile`: a user's public profile.
    GetProfile(GetProfile),
    /// `search_users`: find people by username or display name.
    SearchUsers(SearchUsers),
    // ---- friends (5.3) ----
    /// `friend_request`: ask someone to be your friend.
    FriendRequest(FriendRequest),
    /// `friend_accept`: accept a pending request.
    FriendAccept(FriendAccept),
    /// `friend_decline`: decline a pending request.
    FriendDecline(FriendDecline),
    /// `friend_cancel`: withdraw your own pending request.
    FriendCancel(FriendCancel),
    /// `friend_remove`: end a friendship.
    FriendRemove(FriendRemove),
    /// `block`: block a user.
    Block(Block),
    /// `unblock`: lift a block.
    Unblock(Unblock),
    /// Friends, pending requests both ways, and blocked users. Replied with `contacts`.
    ListContacts,
    // ---- conversations and messages (5.4) ----
    /// `open_direct`: the 1:1 conversation with a friend.
    OpenDirect(OpenDirect),
    /// Your conversations with their latest state. Replied with `conversations`.
    ListConversations,
    /// `send_message`: send a message, idempotently.
    SendMessage(SendMessage),
    /// `history`: a page of a conversation's messages.
    History(History),
    /// `mark_read`: move your read marker forward.
    MarkRead(MarkRead),
    /// `mark_delivered`: tell a 1:1 sender their messages reached you.
    MarkDelivered(MarkDelivered),
    /// `read_receipts`: how far the others have read your messages.
    ReadReceipts(ReadReceipts),
    /// `read_by`: who has read your group message, and who has not.
    ReadBy(ReadBy),
    /// `typing`: tell the others you are typing.
    Typing(Typing),
    /// `recall`: recall your own recent message.
    Recall(Recall),
    /// `delete_for_me`: hide messages from your own view, on all your devices.
    DeleteForMe(DeleteForMe),
    /// `react`: add or take back an emoji reaction to a message.
    React(React),
    /// `edit_message`: change the text of your own text message.
    EditMessage(EditMessage),
    // ---- groups (5.5) ----
    /// `create_group`: create a group you own.
    CreateGroup(CreateGroup),
    /// `search_groups`: find searchable groups.
    SearchGroups(SearchGroups),
    /// `join_group`: join a group, or ask to.
    JoinGroup(JoinGroup),
    /// `list_join_requests`: a group's pending join requests.
    ListJoinRequests(ListJoinRequests),
    /// `decide_join`: approve or decline a join request.
    DecideJoin(DecideJoin),
    /// `list_members`: a page of a group's members.
    ListMembers(ListMembers),
    /// `update_group`: change a group's name, description or settings.
    UpdateGroup(UpdateGroup),
    /// `set_group_avatar`: set or remove a group's avatar.
    SetGroupAvatar(SetGroupAvatar),
    /// `add_member`: add someone to a group.
    AddMember(AddMember),
    /// `remove_member`: remove a member from a group.
    RemoveMember(RemoveMember),
    /// `mute_member`: mute or unmute a member.
    MuteMember(MuteMember),
    /// `mute_all`: switch whole-group mute.
    MuteAll(MuteAll),
    /// `set_admin`: appoint or dismiss an admin.
    SetAdmin(SetAdmin),
    /// `transfer_group`: hand a group to another member.
    TransferGroup(TransferGroup),
    /// `leave_group`: leave a group.
    LeaveGroup(LeaveGroup),
    /// `dissolve_group`: dissolve a group you own.
    DissolveGroup(DissolveGroup),
    // ---- temporary sessions, files, sync (5.6–5.8) ----
    /// `open_temp`: a temporary session with a member of a shared group.
    OpenTemp(OpenTemp),
    /// `file_urls`: short-lived signed URLs for a file.
    FileUrls(FileUrls),
    /// `sync`: catch up on everything missed, then go live.
    Sync(SyncRequest),
}

impl Command {
    /// Every command's wire `type`, in declaration order. A frame whose `type` is none of these
    /// is answered `unknown_type`; `names_are_every_variant` (in this crate's tests) keeps the
    /// list equal to the enum's.
    pub const NAMES: &[&str] = &[
        "hello",
        "register",
        "login",
        "resume",
        "logout",
        "change_password",
        "list_sessions",
        "revoke_session",
        "update_profile",
        "set_avatar",
        "get_settings",
        "update_settings",
        "get_profile",
        "search_users",
        "friend_request",
        "friend_accept",
        "friend_decline",
        "friend_cancel",
        "friend_remove",
        "block",
        "unblock",
        "list_contacts",
        "open_direct",
        "list_conversations",
        "send_message",
        "history",
        "mark_read",
        "mark_delivered",
        "read_receipts",
        "read_by",
        "typing",
        "recall",
        "delete_for_me",
        "react",
        "edit_message",
        "create_group",
        "search_groups",
        "join_group",
        "list_join_requests",
        "decide_join",
        "list_members",
        "update_group",
        "set_group_avatar",
        "add_member",
        "remove_member",
        "mute_member",
        "mute_all",
        "set_admin",
        "transfer_group",
        "leave_group",
        "dissolve_group",
        "open_temp",
        "file_urls",
        "sync",
    ];

    /// Whether `name` is a command's wire `type`.
    pub fn is_known(name: &str) -> bool {
        Self::NAMES.contains(&name)
    }
}

/// `From<Struct> for Command` for each command struct, so that a request can be written as the
/// struct alone (`client.request(MuteMember { … })`).
macro_rules! command_from_struct {
    ($($variant:ident($ty:ident)),* $(,)?) => {$(
        impl From<$ty> for Command {
            fn from(command: $ty) -> Self {
                Command::$variant(command)
            }
        }
    )*};
}

command_from_struct!(
    Hello(Hello),
    Register(Register),
    Login(Login),
    Resume(Resume),
    ChangePassword(ChangePassword),
    RevokeSession(RevokeSession),
    UpdateProfile(UpdateProfile),
    SetAvatar(SetAvatar),
    UpdateSettings(UpdateSettings),
    GetProfile(GetProfile),
    SearchUsers(SearchUsers),
    FriendRequest(FriendRequest),
    FriendAccept(FriendAccept),
    FriendDecline(FriendDecline),
    FriendCancel(FriendCancel),
    FriendRemove(FriendRemove),
    Block(Block),
    Unblock(Unblock),
    OpenDirect(OpenDirect),
    SendMessage(SendMessage),
    History(History),
    MarkRead(MarkRead),
    MarkDelivered(MarkDelivered),
    ReadReceipts(ReadReceipts),
    ReadBy(ReadBy),
    Typing(Typing),
    Recall(Recall),
    DeleteForMe(DeleteForMe),
    React(React),
    EditMessage(EditMessage),
    CreateGroup(CreateGroup),
    SearchGroups(SearchGroups),
    JoinGroup(JoinGroup),
    ListJoinRequests(ListJoinRequests),
    DecideJoin(DecideJoin),
    ListMembers(ListMembers),
    UpdateGroup(UpdateGroup),
    SetGroupAvatar(SetGroupAvatar),
    AddMember(AddMember),
    RemoveMember(RemoveMember),
    MuteMember(MuteMember),
    MuteAll(MuteAll),
    SetAdmin(SetAdmin),
    TransferGroup(TransferGroup),
    LeaveGroup(LeaveGroup),
    DissolveGroup(DissolveGroup),
    OpenTemp(OpenTemp),
    FileUrls(FileUrls),
    Sync(SyncRequest),
);

#[cfg(test)]
mod tests {
    use super::Command;

    /// `NAMES` against serde's own list: the variant names from serde's error for an unknown
    /// `type` ("unknown variant `…`, expected one of `hello`, …").
    #[test]
    fn names_are_every_variant() {
        let error = serde_json::from_value::<Command>(serde_json::json!({ "type": "\u{1}" }))
            .expect_err("no command has that type")
            .to_string();
        let (_, expected) = error.split_once("expected").expect("a variant list");
        let serde_names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        assert_eq!(serde_names, Command::NAMES);
    }
}
