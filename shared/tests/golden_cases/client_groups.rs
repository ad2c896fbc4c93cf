//! `client/`: the group commands.

use liao_shared::*;

use super::client::request;
use super::*;

pub fn cases(c: &mut Cases) {
    request(
        c,
        "client/create_group",
        "29",
        command::CreateGroup {
            settings: GroupSettings {
                name: "Book club".into(),
                description: "One book a month".into(),
                join_policy: JoinPolicy::Approval,
                searchable: false,
                allow_temp_sessions: false,
            },
        },
    );
    // The defaults, as a client that omits them gets them.
    request(
        c,
        "client/create_group_minimal",
        "29",
        command::CreateGroup {
            settings: GroupSettings {
                name: "Hiking".into(),
                description: String::new(),
                join_policy: JoinPolicy::Open,
                searchable: true,
                allow_temp_sessions: true,
            },
        },
    );
    request(
        c,
        "client/search_groups",
        "30",
        command::SearchGroups {
            query: "book".into(),
            offset: 20,
            limit: Some(50),
        },
    );
    request(
        c,
        "client/search_groups_minimal",
        "30",
        command::SearchGroups {
            query: "48213377".into(),
            offset: 0,
            limit: None,
        },
    );
    request(
        c,
        "client/join_group",
        "31",
        command::JoinGroup {
            conversation_id: cid(GROUP),
            message: Some("Carol here, I love sci-fi".into()),
        },
    );
    request(
        c,
        "client/join_group_minimal",
        "31",
        command::JoinGroup {
            conversation_id: cid(GROUP),
            message: None,
        },
    );
    request(
        c,
        "client/list_join_requests",
        "32",
        command::ListJoinRequests {
            conversation_id: cid(GROUP),
        },
    );
    request(
        c,
        "client/decide_join",
        "33",
        command::DecideJoin {
            conversation_id: cid(GROUP),
            user_id: uid(CAROL),
            approve: true,
        },
    );
    request(
        c,
        "client/list_members",
        "34",
        command::ListMembers {
            conversation_id: cid(GROUP),
            offset: 200,
            limit: Some(500),
        },
    );
    request(
        c,
        "client/list_members_minimal",
        "34",
        command::ListMembers {
            conversation_id: cid(GROUP),
            offset: 0,
            limit: None,
        },
    );
    request(
        c,
        "client/update_group",
        "35",
        command::UpdateGroup {
            conversation_id: cid(GROUP),
            changes: GroupSettingsPatch {
                name: Some("Book club 📚".into()),
                description: Some("".into()),
                join_policy: Some(JoinPolicy::InviteOnly),
                searchable: Some(false),
                allow_temp_sessions: Some(true),
            },
        },
    );
    request(
        c,
        "client/update_group_minimal",
        "35",
        command::UpdateGroup {
            conversation_id: cid(GROUP),
            changes: GroupSettingsPatch {
                name: Some("Book club".into()),
                ..Default::default()
            },
        },
    );
    request(
        c,
        "client/set_group_avatar",
        "36",
        command::SetGroupAvatar {
            conversation_id: cid(GROUP),
            file_id: Some(fid(GROUP_AVATAR)),
        },
    );
    request(
        c,
        "client/set_group_avatar_remove",
        "36",
        command::SetGroupAvatar {
            conversation_id: cid(GROUP),
            file_id: None,
        },
    );
    request(
        c,
        "client/add_member",
        "37",
        command::AddMember {
            conversation_id: cid(GROUP),
            user_id: uid(DAVE),
        },
    );
    request(
        c,
        "client/remove_member",
        "38",
        command::RemoveMember {
            conversation_id: cid(GROUP),
            user_id: uid(DAVE),
        },
    );
    request(
        c,
        "client/mute_member",
        "39",
        command::MuteMember {
            conversation_id: cid(GROUP),
            user_id: uid(CAROL),
            seconds: 3600,
        },
    );
    request(
        c,
        "client/mute_member_unmute",
        "39",
        command::MuteMember {
            conversation_id: cid(GROUP),
            user_id: uid(CAROL),
            seconds: 0,
        },
    );
    request(
        c,
        "client/mute_all",
        "40",
        command::MuteAll {
            conversation_id: cid(GROUP),
            on: true,
        },
    );
    request(
        c,
        "client/set_admin",
        "41",
        command::SetAdmin {
            conversation_id: cid(GROUP),
            user_id: uid(BOB),
            admin: false,
        },
    );
    request(
        c,
        "client/transfer_group",
        "42",
        command::TransferGroup {
            conversation_id: cid(GROUP),
            user_id: uid(BOB),
        },
    );
    request(
        c,
        "client/leave_group",
        "43",
        command::LeaveGroup {
            conversation_id: cid(GROUP),
        },
    );
    request(
        c,
        "client/dissolve_group",
        "44",
        command::DissolveGroup {
            conversation_id: cid(GROUP),
        },
    );
}
