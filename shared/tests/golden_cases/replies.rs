//! `server/reply/`: an `ok` frame per reply kind, with every optional field in `<kind>.json` and
//! the short forms (empty lists, last pages, no thumbnail) next to it.

use liao_shared::*;

use super::*;

fn ok(cases: &mut Cases, name: &'static str, id: &str, result: Reply) {
    add(
        cases,
        name,
        ServerFrame::Ok {
            id: id.into(),
            result,
        },
    );
}

pub fn cases(c: &mut Cases) {
    ok(c, "server/reply/done", "4", Reply::Done);
    ok(
        c,
        "server/reply/welcome",
        "1",
        Reply::Welcome {
            protocol: 1,
            server_version: "0.1.0".into(),
            limits: WireLimits {
                max_inbound_frame: 65536,
                max_outbound_frame: 262144,
                max_text_chars: 4000,
                max_text_bytes: 16384,
                recall_window_ms: 120000,
                commands_per_second: 20,
            },
        },
    );
    ok(
        c,
        "server/reply/session",
        "2",
        Reply::Session {
            token: TOKEN.into(),
            session_id: SessionId(SESSION.into()),
            user: alice(),
        },
    );
    ok(
        c,
        "server/reply/sessions",
        "5",
        Reply::Sessions {
            sessions: vec![
                SessionInfo {
                    session_id: SessionId(SESSION.into()),
                    device: Some("liao-py on Linux".into()),
                    created_at: T0,
                    last_seen_at: T0 + 5 * MINUTE,
                    current: true,
                },
                SessionInfo {
                    session_id: SessionId(OTHER_SESSION.into()),
                    device: None,
                    created_at: T0 - 1440 * MINUTE,
                    last_seen_at: T0 - 60 * MINUTE,
                    current: false,
                },
            ],
        },
    );
    ok(
        c,
        "server/reply/sessions_empty",
        "5",
        Reply::Sessions {
            sessions: Vec::new(),
        },
    );
    ok(
        c,
        "server/reply/profile",
        "7",
        Reply::Profile { profile: alice() },
    );
    ok(
        c,
        "server/reply/profile_minimal",
        "10",
        Reply::Profile { profile: bob() },
    );
    ok(
        c,
        "server/reply/users",
        "11",
        Reply::Users {
            users: vec![bob(), dave()],
            next_offset: Some(2),
        },
    );
    ok(
        c,
        "server/reply/users_last_page",
        "11",
        Reply::Users {
            users: Vec::new(),
            next_offset: None,
        },
    );
    ok(
        c,
        "server/reply/contacts",
        "19",
        Reply::Contacts {
            friends: vec![Friend {
                profile: bob(),
                online: true,
                since: T0 + 2 * MINUTE,
            }],
            incoming: vec![FriendRequestInfo {
                user: carol(),
                message: Some("Hi, Carol from the book club".into()),
                sent_at: T0 + 10 * MINUTE,
            }],
            outgoing: vec![FriendRequestInfo {
                user: alice(),
                message: None,
                sent_at: T0 + 11 * MINUTE,
            }],
            blocked: vec![dave()],
            events_seq: 12,
        },
    );
    ok(
        c,
        "server/reply/contacts_empty",
        "19",
        Reply::Contacts {
            friends: Vec::new(),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            blocked: Vec::new(),
            events_seq: 0,
        },
    );
    ok(
        c,
        "server/reply/conversation_direct",
        "20",
        Reply::Conversation {
            conversation: direct_conversation(),
        },
    );
    ok(
        c,
        "server/reply/conversation_group",
        "29",
        Reply::Conversation {
            conversation: group_conversation(),
        },
    );
    ok(
        c,
        "server/reply/conversation_temporary",
        "45",
        Reply::Conversation {
            conversation: temp_conversation(),
        },
    );
    ok(
        c,
        "server/reply/conversations",
        "21",
        Reply::Conversations {
            conversations: vec![
                group_conversation(),
                direct_conversation(),
                temp_conversation(),
                ConversationInfo {
                    conversation_id: cid(OTHER_GROUP),
                    kind: ConversationKind::Group,
                    peer: None,
                    group: Some(new_group_info()),
                    via_group: None,
                    last_seq: 1,
                    read_seq: 0,
                    unread: 1,
                    last_message: None,
                },
            ],
        },
    );
    ok(
        c,
        "server/reply/sent",
        "22",
        Reply::Sent {
            message: group_text(),
        },
    );
    ok(
        c,
        "server/reply/history",
        "25",
        Reply::History {
            messages: vec![minimal_text(), direct_text()],
            has_more: true,
            has_newer: false,
        },
    );
    ok(
        c,
        "server/reply/history_empty",
        "25",
        Reply::History {
            messages: Vec::new(),
            has_more: false,
            has_newer: false,
        },
    );
    ok(
        c,
        "server/reply/history_around",
        "25",
        Reply::History {
            messages: vec![group_text(), reply_text()],
            has_more: true,
            has_newer: true,
        },
    );
    ok(c, "server/reply/sync_started", "47", Reply::SyncStarted);
    ok(
        c,
        "server/reply/groups",
        "30",
        Reply::Groups {
            groups: vec![
                GroupSummary {
                    conversation_id: cid(GROUP),
                    number: GROUP_NUMBER,
                    name: "Book club".into(),
                    description: "One book a month".into(),
                    join_policy: JoinPolicy::Approval,
                    member_count: 4,
                    avatar: Some(fid(GROUP_AVATAR)),
                },
                GroupSummary {
                    conversation_id: cid(OTHER_GROUP),
                    number: 51730442,
                    name: "Bookbinding".into(),
                    description: String::new(),
                    join_policy: JoinPolicy::InviteOnly,
                    member_count: 1,
                    avatar: None,
                },
            ],
            next_offset: Some(22),
        },
    );
    ok(
        c,
        "server/reply/groups_last_page",
        "30",
        Reply::Groups {
            groups: Vec::new(),
            next_offset: None,
        },
    );
    ok(c, "server/reply/join_requested", "31", Reply::JoinRequested);
    ok(
        c,
        "server/reply/file_urls",
        "46",
        Reply::FileUrls {
            url: "/api/files/f194cbff0b1c9a6d3b38153e09c671365?u=u3d8abe5025e92d6b5caed9ceb27a2776&k=5f0c1e7a9b3d2c4e6a8f0b1d3e5c7a9f&e=1767265980000&s=68291dedc7403ca4857dfe30a721c35cac58b04f49e1dcea4a76a266227abff3".into(),
            thumbnail_url: Some("/api/files/f194cbff0b1c9a6d3b38153e09c671365/thumbnail?u=u3d8abe5025e92d6b5caed9ceb27a2776&k=5f0c1e7a9b3d2c4e6a8f0b1d3e5c7a9f&e=1767265980000&s=926a97e5cfa8d6d6127b9175ee6c26945b454c94caf580e095795906fde4f0d6".into()),
            expires_at: 1767265980000,
        },
    );
    ok(
        c,
        "server/reply/file_urls_file",
        "46",
        Reply::FileUrls {
            url: "/api/files/f1bfefa67270704ebf3eea0b4744cbd47?u=u3d8abe5025e92d6b5caed9ceb27a2776&k=5f0c1e7a9b3d2c4e6a8f0b1d3e5c7a9f&e=1767265990000&s=5e0c8a7f3b1d9e2c4a6f8b0d2e4c6a8f1b3d5e7f9a1c3e5b7d9f1a3c5e7b9d1f".into(),
            thumbnail_url: None,
            expires_at: 1767265990000,
        },
    );
    ok(
        c,
        "server/reply/join_requests",
        "32",
        Reply::JoinRequests {
            requests: vec![
                JoinRequestInfo {
                    user: carol(),
                    message: Some("Carol here, I love sci-fi".into()),
                    sent_at: T0 + 20 * MINUTE,
                },
                JoinRequestInfo {
                    user: dave(),
                    message: None,
                    sent_at: T0 + 21 * MINUTE,
                },
            ],
        },
    );
    ok(
        c,
        "server/reply/members",
        "34",
        Reply::Members {
            members: vec![
                MemberInfo {
                    profile: alice(),
                    role: Role::Owner,
                    muted_until: None,
                    online: true,
                },
                MemberInfo {
                    profile: bob(),
                    role: Role::Admin,
                    muted_until: None,
                    online: false,
                },
                MemberInfo {
                    profile: carol(),
                    role: Role::Member,
                    muted_until: Some(T0 + 90 * MINUTE),
                    online: true,
                },
            ],
            next_offset: Some(3),
        },
    );
    ok(
        c,
        "server/reply/members_last_page",
        "34",
        Reply::Members {
            members: vec![MemberInfo {
                profile: dave(),
                role: Role::Member,
                muted_until: None,
                online: false,
            }],
            next_offset: None,
        },
    );
    ok(
        c,
        "server/reply/settings",
        "52",
        Reply::Settings {
            settings: AccountSettings {
                read_receipts: false,
            },
        },
    );
    ok(
        c,
        "server/reply/read_receipts",
        "53",
        Reply::ReadReceipts {
            delivered_seq: Some(12),
            read_seq: Some(10),
            counts: Vec::new(),
        },
    );
    ok(
        c,
        "server/reply/read_receipts_group",
        "54",
        Reply::ReadReceipts {
            delivered_seq: None,
            read_seq: None,
            counts: vec![
                ReadCount {
                    seq: 7,
                    read: 2,
                    of: 3,
                },
                ReadCount {
                    seq: 9,
                    read: 0,
                    of: 3,
                },
            ],
        },
    );
    ok(
        c,
        "server/reply/read_by",
        "55",
        Reply::ReadBy {
            read: vec![uid(BOB), uid(CAROL)],
            unread: vec![uid(DAVE)],
            read_count: 2,
            unread_count: 1,
        },
    );
}
