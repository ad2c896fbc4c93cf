//! `client/`: every command, with every optional field in `<type>.json` and, where the command has
//! optional or defaulted fields, none of them set in `<type>_minimal.json` (group commands are in
//! `client_groups.rs`).

use liao_shared::*;

use super::*;

pub fn request(cases: &mut Cases, name: &'static str, id: &str, command: impl Into<Command>) {
    cases.push((
        name,
        Frame::Client(ClientFrame {
            id: id.into(),
            command: command.into(),
        }),
    ));
}

pub fn cases(c: &mut Cases) {
    accounts(c);
    chat(c);
    client_groups::cases(c);
}

fn accounts(c: &mut Cases) {
    // ---- accounts and sessions
    request(
        c,
        "client/hello",
        "1",
        command::Hello {
            protocol: 1,
            client: Some("liao-py 0.1".into()),
        },
    );
    request(
        c,
        "client/hello_minimal",
        "1",
        command::Hello {
            protocol: 1,
            client: None,
        },
    );
    request(
        c,
        "client/register",
        "2",
        command::Register {
            username: "alice".into(),
            password: "correct horse battery".into(),
            display_name: Some("Alice".into()),
            device: Some("liao-py on Linux".into()),
        },
    );
    request(
        c,
        "client/register_minimal",
        "1",
        command::Register {
            username: "bob".into(),
            password: "tr0ub4dor&3-bob".into(),
            display_name: None,
            device: None,
        },
    );
    request(
        c,
        "client/login",
        "2",
        command::Login {
            username: "Alice".into(),
            password: "correct horse battery".into(),
            device: Some("Firefox on Linux".into()),
        },
    );
    request(
        c,
        "client/login_minimal",
        "2",
        command::Login {
            username: "alice".into(),
            password: "correct horse battery".into(),
            device: None,
        },
    );
    request(
        c,
        "client/resume",
        "1",
        command::Resume {
            token: TOKEN.into(),
        },
    );
    // The longest request id the server accepts: 64 bytes.
    request(
        c,
        "client/logout",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        Command::Logout,
    );
    request(
        c,
        "client/change_password",
        "4",
        command::ChangePassword {
            old_password: "correct horse battery".into(),
            new_password: "correct horse battery staple".into(),
        },
    );
    request(c, "client/list_sessions", "5", Command::ListSessions);
    request(
        c,
        "client/revoke_session",
        "6",
        command::RevokeSession {
            session_id: SessionId(OTHER_SESSION.into()),
        },
    );

    // ---- profiles and search
    request(
        c,
        "client/update_profile",
        "7",
        command::UpdateProfile {
            display_name: "Alice 🌸".into(),
        },
    );
    request(
        c,
        "client/set_avatar",
        "8",
        command::SetAvatar {
            file_id: Some(fid(AVATAR)),
        },
    );
    request(
        c,
        "client/set_avatar_remove",
        "9",
        command::SetAvatar { file_id: None },
    );
    request(
        c,
        "client/get_profile",
        "10",
        command::GetProfile { user_id: uid(BOB) },
    );
    request(
        c,
        "client/search_users",
        "11",
        command::SearchUsers {
            query: "bo".into(),
            offset: 20,
            limit: Some(10),
        },
    );
    request(
        c,
        "client/search_users_minimal",
        "11",
        command::SearchUsers {
            query: "大卫".into(),
            offset: 0,
            limit: None,
        },
    );

    // ---- friends
    request(
        c,
        "client/friend_request",
        "12",
        command::FriendRequest {
            user_id: uid(BOB),
            message: Some("Hi Bob, it's Alice from the book club!".into()),
        },
    );
    request(
        c,
        "client/friend_request_minimal",
        "12",
        command::FriendRequest {
            user_id: uid(BOB),
            message: None,
        },
    );
    request(
        c,
        "client/friend_accept",
        "13",
        command::FriendAccept {
            user_id: uid(ALICE),
        },
    );
    request(
        c,
        "client/friend_decline",
        "14",
        command::FriendDecline {
            user_id: uid(CAROL),
        },
    );
    request(
        c,
        "client/friend_cancel",
        "15",
        command::FriendCancel { user_id: uid(DAVE) },
    );
    request(
        c,
        "client/friend_remove",
        "16",
        command::FriendRemove { user_id: uid(BOB) },
    );
    request(
        c,
        "client/block",
        "17",
        command::Block { user_id: uid(DAVE) },
    );
    request(
        c,
        "client/unblock",
        "18",
        command::Unblock { user_id: uid(DAVE) },
    );
    request(c, "client/list_contacts", "19", Command::ListContacts);
}

fn chat(c: &mut Cases) {
    // ---- conversations and messages
    request(
        c,
        "client/open_direct",
        "20",
        command::OpenDirect { user_id: uid(BOB) },
    );
    request(
        c,
        "client/list_conversations",
        "21",
        Command::ListConversations,
    );
    request(
        c,
        "client/send_message",
        "22",
        command::SendMessage {
            conversation_id: cid(GROUP),
            client_msg_id: "45842b9b-585f-42d4-91b4-655acafc4809".into(),
            body: NewMessageBody::Text {
                text: "@bob @王大卫 今晚 8 点读 \"Dune\"\n\t– bring C:\\books/notes <b>&</b> 🙂\u{1}\u{2028}end".into(),
                mentions: vec![uid(BOB), uid(DAVE)],
                mention_all: true,
            }, reply_to: None,
        },
    );
    request(
        c,
        "client/send_message_minimal",
        "3",
        command::SendMessage {
            conversation_id: cid(DIRECT),
            client_msg_id: "9698624f-fe8c-4934-b05c-17229b1adf13".into(),
            body: NewMessageBody::text("Dinner at 8?"),
            reply_to: None,
        },
    );
    request(
        c,
        "client/send_message_file",
        "23",
        command::SendMessage {
            conversation_id: cid(DIRECT),
            client_msg_id: "1f0e3c55-7d0a-4c8e-9a51-0b8f7e2d6c41".into(),
            body: NewMessageBody::File { file_id: fid(FILE) },
            reply_to: None,
        },
    );
    request(
        c,
        "client/send_message_image",
        "24",
        command::SendMessage {
            conversation_id: cid(GROUP),
            client_msg_id: "c0ffee00-0000-4000-8000-000000000024".into(),
            body: NewMessageBody::Image {
                file_id: fid(IMAGE),
            },
            reply_to: None,
        },
    );
    request(
        c,
        "client/history",
        "25",
        command::History {
            conversation_id: cid(GROUP),
            before_seq: Some(101),
            limit: Some(100),
            around_seq: None,
        },
    );
    request(
        c,
        "client/history_minimal",
        "25",
        command::History {
            conversation_id: cid(DIRECT),
            before_seq: None,
            limit: None,
            around_seq: None,
        },
    );
    request(
        c,
        "client/send_message_forward",
        "23",
        command::SendMessage {
            conversation_id: cid(DIRECT),
            client_msg_id: "6a1f0c2e-8d3b-4f7a-9c5e-1b2d3e4f5a6b".into(),
            body: NewMessageBody::Forward {
                conversation_id: cid(GROUP),
                seq: 8,
            },
            reply_to: None,
        },
    );
    request(
        c,
        "client/history_around",
        "25",
        command::History {
            conversation_id: cid(GROUP),
            before_seq: None,
            around_seq: Some(7),
            limit: Some(50),
        },
    );
    request(
        c,
        "client/send_message_reply",
        "22",
        command::SendMessage {
            conversation_id: cid(GROUP),
            client_msg_id: "0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
            body: NewMessageBody::text("Count me in 👍"),
            reply_to: Some(7),
        },
    );
    request(
        c,
        "client/mark_read",
        "26",
        command::MarkRead {
            conversation_id: cid(DIRECT),
            seq: 2,
        },
    );
    request(
        c,
        "client/typing",
        "27",
        command::Typing {
            conversation_id: cid(DIRECT),
        },
    );
    request(
        c,
        "client/recall",
        "28",
        command::Recall {
            conversation_id: cid(DIRECT),
            message_id: mid(MSG_TEXT),
        },
    );
    request(
        c,
        "client/delete_for_me",
        "29",
        command::DeleteForMe {
            conversation_id: cid(DIRECT),
            message_ids: vec![mid(MSG_TEXT)],
        },
    );

    // ---- temporary sessions, files, sync
    request(
        c,
        "client/open_temp",
        "45",
        command::OpenTemp {
            user_id: uid(CAROL),
            via: cid(GROUP),
        },
    );
    request(
        c,
        "client/file_urls",
        "46",
        command::FileUrls {
            file_id: fid(IMAGE),
        },
    );
    request(
        c,
        "client/sync",
        "47",
        command::SyncRequest {
            events_after: 12,
            conversations: vec![
                ConversationCursor {
                    conversation_id: cid(DIRECT),
                    seq: 2,
                    changes_after: None,
                },
                ConversationCursor {
                    conversation_id: cid(GROUP),
                    seq: 7,
                    changes_after: None,
                },
            ],
        },
    );
    request(
        c,
        "client/sync_changes",
        "47",
        command::SyncRequest {
            events_after: 12,
            conversations: vec![ConversationCursor {
                conversation_id: cid(GROUP),
                seq: 9,
                changes_after: Some(3),
            }],
        },
    );
    request(
        c,
        "client/edit_message",
        "29",
        command::EditMessage {
            conversation_id: cid(DIRECT),
            seq: 2,
            text: "Dinner at 8:30?".into(),
        },
    );
    request(
        c,
        "client/react",
        "28",
        command::React {
            conversation_id: cid(GROUP),
            seq: 7,
            emoji: "👍🏽".into(),
            on: true,
        },
    );
    request(
        c,
        "client/mark_delivered",
        "48",
        command::MarkDelivered {
            conversation_id: cid(DIRECT),
            seq: 12,
        },
    );
    request(
        c,
        "client/read_receipts",
        "54",
        command::ReadReceipts {
            conversation_id: cid(GROUP),
            seqs: vec![7, 9],
        },
    );
    request(
        c,
        "client/read_receipts_direct",
        "53",
        command::ReadReceipts {
            conversation_id: cid(DIRECT),
            seqs: Vec::new(),
        },
    );
    request(
        c,
        "client/read_by",
        "55",
        command::ReadBy {
            conversation_id: cid(GROUP),
            seq: 7,
        },
    );
    request(
        c,
        "client/update_settings",
        "52",
        command::UpdateSettings {
            read_receipts: Some(false),
        },
    );
    request(c, "client/get_settings", "56", Command::GetSettings);
    request(
        c,
        "client/sync_minimal",
        "3",
        command::SyncRequest {
            events_after: 0,
            conversations: Vec::new(),
        },
    );
}
