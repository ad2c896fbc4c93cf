//! Pushes: `server/event/` (per user-event kind), `server/message/` (per message body and system
//! event kind) and the other pushes in `server/`.

use liao_shared::*;

use super::*;

pub fn cases(c: &mut Cases) {
    events(c);
    messages(c);
    others(c);
}

fn event(cases: &mut Cases, name: &'static str, seq: u64, body: EventBody) {
    add(
        cases,
        name,
        ServerFrame::Event {
            event: UserEvent {
                seq,
                at: T0 + seq * MINUTE,
                body,
            },
        },
    );
}

fn message(cases: &mut Cases, name: &'static str, message: Message) {
    add(cases, name, ServerFrame::Message { message });
}

fn events(c: &mut Cases) {
    event(
        c,
        "server/event/friend_request_received",
        1,
        EventBody::FriendRequestReceived {
            request: FriendRequestInfo {
                user: alice(),
                message: Some("Hi Bob, it's Alice from the book club!".into()),
                sent_at: T0 + MINUTE,
            },
        },
    );
    event(
        c,
        "server/event/friend_request_sent",
        2,
        EventBody::FriendRequestSent {
            request: FriendRequestInfo {
                user: bob(),
                message: None,
                sent_at: T0 + 2 * MINUTE,
            },
        },
    );
    event(
        c,
        "server/event/friend_request_closed",
        3,
        EventBody::FriendRequestClosed {
            user_id: uid(CAROL),
            declined: true,
        },
    );
    event(
        c,
        "server/event/friend_added",
        4,
        EventBody::FriendAdded { friend: alice() },
    );
    event(
        c,
        "server/event/friend_removed",
        5,
        EventBody::FriendRemoved { user_id: uid(BOB) },
    );
    event(
        c,
        "server/event/blocked",
        6,
        EventBody::Blocked { user: dave() },
    );
    event(
        c,
        "server/event/unblocked",
        7,
        EventBody::Unblocked { user_id: uid(DAVE) },
    );
    event(
        c,
        "server/event/conversation_added",
        8,
        EventBody::ConversationAdded {
            conversation: group_conversation(),
        },
    );
    event(
        c,
        "server/event/read_marker",
        9,
        EventBody::ReadMarker {
            conversation_id: cid(DIRECT),
            seq: 2,
        },
    );
    event(
        c,
        "server/event/deleted_for_me",
        9,
        EventBody::DeletedForMe {
            conversation_id: cid(DIRECT),
            message_ids: vec![mid(MSG_TEXT)],
        },
    );
    event(
        c,
        "server/event/conversation_removed",
        10,
        EventBody::ConversationRemoved {
            conversation_id: cid(GROUP),
            reason: RemovalReason::Left,
        },
    );
    event(
        c,
        "server/event/conversation_removed_removed",
        11,
        EventBody::ConversationRemoved {
            conversation_id: cid(GROUP),
            reason: RemovalReason::Removed,
        },
    );
    event(
        c,
        "server/event/conversation_removed_dissolved",
        12,
        EventBody::ConversationRemoved {
            conversation_id: cid(GROUP),
            reason: RemovalReason::Dissolved,
        },
    );
    event(
        c,
        "server/event/join_request_received",
        13,
        EventBody::JoinRequestReceived {
            group: group_ref(),
            request: JoinRequestInfo {
                user: carol(),
                message: Some("Carol here, I love sci-fi".into()),
                sent_at: T0 + 13 * MINUTE,
            },
        },
    );
    event(
        c,
        "server/event/join_request_received_minimal",
        14,
        EventBody::JoinRequestReceived {
            group: group_ref(),
            request: JoinRequestInfo {
                user: dave(),
                message: None,
                sent_at: T0 + 14 * MINUTE,
            },
        },
    );
    event(
        c,
        "server/event/join_request_closed",
        15,
        EventBody::JoinRequestClosed {
            group: group_ref(),
            user_id: uid(CAROL),
            approved: true,
            by: uid(BOB),
        },
    );
    event(
        c,
        "server/event/join_request_sent",
        16,
        EventBody::JoinRequestSent { group: group_ref() },
    );
    event(
        c,
        "server/event/join_request_decided",
        17,
        EventBody::JoinRequestDecided {
            group: group_ref(),
            approved: false,
        },
    );
    event(
        c,
        "server/event/profile_updated",
        18,
        EventBody::ProfileUpdated { profile: alice() },
    );
    event(
        c,
        "server/event/settings_changed",
        19,
        EventBody::SettingsChanged {
            settings: AccountSettings {
                read_receipts: false,
            },
        },
    );
}

fn messages(c: &mut Cases) {
    message(c, "server/message/text", group_text());
    message(c, "server/message/text_minimal", minimal_text());
    message(c, "server/message/reply", reply_text());
    let mut reply_to_recalled = reply_text();
    if let Some(quote) = &mut reply_to_recalled.reply_to {
        quote.preview = QuotePreview::Recalled;
    }
    message(c, "server/message/reply_recalled", reply_to_recalled);
    let mut reply_to_file = reply_text();
    reply_to_file.reply_to = Some(Quote {
        seq: 3,
        message_id: mid(MSG_FILE),
        sender_id: uid(BOB),
        preview: QuotePreview::File {
            name: file_info().name,
        },
    });
    reply_to_file.conversation_id = cid(DIRECT);
    message(c, "server/message/reply_file", reply_to_file);
    // Bob forwards Carol's image from the group to Alice: the same file, Carol as its origin.
    message(
        c,
        "server/message/forwarded",
        Message {
            message_id: mid(MSG_FORWARD),
            conversation_id: cid(DIRECT),
            seq: 5,
            sender_id: uid(BOB),
            client_msg_id: Some("6a1f0c2e-8d3b-4f7a-9c5e-1b2d3e4f5a6b".into()),
            sent_at: T0 + 40 * MINUTE,
            body: MessageBody::Image { file: image_info() },
            reply_to: None,
            forwarded_from: Some(ForwardedFrom {
                sender_id: uid(CAROL),
                sent_at: T0 + 31 * MINUTE,
            }),
            reactions: Vec::new(),
            edited_at: None,
            change_seq: None,
        },
    );
    message(
        c,
        "server/message/file",
        Message {
            message_id: mid(MSG_FILE),
            conversation_id: cid(DIRECT),
            seq: 3,
            sender_id: uid(BOB),
            client_msg_id: Some("1f0e3c55-7d0a-4c8e-9a51-0b8f7e2d6c41".into()),
            sent_at: T0 + 4 * MINUTE,
            body: MessageBody::File { file: file_info() },
            reply_to: None,
            forwarded_from: None,
            reactions: Vec::new(),
            edited_at: None,
            change_seq: None,
        },
    );
    message(
        c,
        "server/message/image",
        Message {
            message_id: mid(MSG_IMAGE),
            conversation_id: cid(GROUP),
            seq: 8,
            sender_id: uid(CAROL),
            client_msg_id: Some("c0ffee00-0000-4000-8000-000000000024".into()),
            sent_at: T0 + 31 * MINUTE,
            body: MessageBody::Image { file: image_info() },
            reply_to: None,
            forwarded_from: None,
            reactions: Vec::new(),
            edited_at: None,
            change_seq: None,
        },
    );
    message(
        c,
        "server/message/recalled",
        Message {
            message_id: mid(MSG_TEXT),
            conversation_id: cid(DIRECT),
            seq: 2,
            sender_id: uid(ALICE),
            client_msg_id: Some("9698624f-fe8c-4934-b05c-17229b1adf13".into()),
            sent_at: T0 + 3 * MINUTE,
            body: MessageBody::Recalled {
                recalled_at: T0 + 4 * MINUTE,
            },
            reply_to: None,
            forwarded_from: None,
            reactions: Vec::new(),
            edited_at: None,
            change_seq: None,
        },
    );
    message(
        c,
        "server/message/recall",
        Message {
            message_id: mid(MSG_RECALL),
            conversation_id: cid(DIRECT),
            seq: 4,
            sender_id: uid(ALICE),
            client_msg_id: None,
            sent_at: T0 + 4 * MINUTE,
            body: MessageBody::Recall {
                message_id: mid(MSG_TEXT),
                target_seq: 2,
            },
            reply_to: None,
            forwarded_from: None,
            reactions: Vec::new(),
            edited_at: None,
            change_seq: None,
        },
    );

    // Group governance, one per system event kind.
    let systems: Vec<(&'static str, u64, SystemEvent)> = vec![
        (
            "server/message/system_created",
            10,
            SystemEvent::Created {
                name: "Book club".into(),
            },
        ),
        (
            "server/message/system_joined",
            11,
            SystemEvent::Joined {
                user: carol(),
                by: Some(uid(ALICE)),
                approved: false,
            },
        ),
        (
            "server/message/system_joined_self",
            12,
            SystemEvent::Joined {
                user: alice(),
                by: None,
                approved: false,
            },
        ),
        (
            "server/message/system_left",
            13,
            SystemEvent::Left { user_id: uid(DAVE) },
        ),
        (
            "server/message/system_removed",
            14,
            SystemEvent::Removed { user_id: uid(DAVE) },
        ),
        (
            "server/message/system_muted",
            15,
            SystemEvent::Muted {
                user_id: uid(CAROL),
                until: T0 + 90 * MINUTE,
            },
        ),
        (
            "server/message/system_unmuted",
            16,
            SystemEvent::Unmuted {
                user_id: uid(CAROL),
            },
        ),
        (
            "server/message/system_muted_all",
            17,
            SystemEvent::MutedAll { on: true },
        ),
        (
            "server/message/system_admin_added",
            18,
            SystemEvent::AdminAdded { user_id: uid(BOB) },
        ),
        (
            "server/message/system_admin_removed",
            19,
            SystemEvent::AdminRemoved { user_id: uid(BOB) },
        ),
        (
            "server/message/system_owner_changed",
            20,
            SystemEvent::OwnerChanged { user_id: uid(BOB) },
        ),
        (
            "server/message/system_updated",
            21,
            SystemEvent::Updated {
                changes: GroupSettingsPatch {
                    name: Some("Book club 📚".into()),
                    description: Some(String::new()),
                    join_policy: Some(JoinPolicy::InviteOnly),
                    searchable: Some(false),
                    allow_temp_sessions: Some(true),
                },
            },
        ),
        (
            "server/message/system_updated_minimal",
            22,
            SystemEvent::Updated {
                changes: GroupSettingsPatch {
                    description: Some("Two books a month".into()),
                    ..Default::default()
                },
            },
        ),
        (
            "server/message/system_avatar_changed",
            23,
            SystemEvent::AvatarChanged {
                avatar: Some(fid(GROUP_AVATAR)),
            },
        ),
        (
            "server/message/system_avatar_removed",
            24,
            SystemEvent::AvatarChanged { avatar: None },
        ),
        (
            "server/message/system_dissolved",
            25,
            SystemEvent::Dissolved,
        ),
        (
            "server/message/system_joined_approved",
            26,
            SystemEvent::Joined {
                user: dave(),
                by: Some(uid(ALICE)),
                approved: true,
            },
        ),
    ];
    for (name, seq, event) in systems {
        message(c, name, system(seq, event));
    }
}

fn others(c: &mut Cases) {
    // Bob and Carol reacted to Alice's group message: its new state.
    let mut reacted = group_text();
    reacted.reactions = vec![
        Reaction {
            emoji: "👍🏽".into(),
            count: 2,
            user_ids: vec![uid(BOB), uid(CAROL)],
        },
        Reaction {
            emoji: "❤️".into(),
            count: 1,
            user_ids: vec![uid(CAROL)],
        },
    ];
    reacted.change_seq = Some(4);
    add(
        c,
        "server/message_changed",
        ServerFrame::MessageChanged { message: reacted },
    );
    // Alice edited her text to Bob.
    let mut edited = direct_text();
    edited.body = text_body("Dinner at 8:30?");
    edited.edited_at = Some(T0 + 5 * MINUTE);
    edited.change_seq = Some(1);
    add(
        c,
        "server/message_changed_edited",
        ServerFrame::MessageChanged { message: edited },
    );
    add(
        c,
        "server/typing",
        ServerFrame::Typing {
            conversation_id: cid(DIRECT),
            user_id: uid(BOB),
        },
    );
    add(
        c,
        "server/profile_changed",
        ServerFrame::ProfileChanged { profile: alice() },
    );
    add(
        c,
        "server/presence",
        ServerFrame::Presence {
            user_id: uid(BOB),
            online: true,
        },
    );
    add(
        c,
        "server/presence_offline",
        ServerFrame::Presence {
            user_id: uid(BOB),
            online: false,
        },
    );
    add(
        c,
        "server/sync_gap",
        ServerFrame::SyncGap {
            conversation_id: cid(GROUP),
            latest_seq: 5230,
        },
    );
    add(
        c,
        "server/too_far_behind",
        ServerFrame::TooFarBehind { events_seq: 20417 },
    );
    add(
        c,
        "server/sync_done",
        ServerFrame::SyncDone { events_seq: 12 },
    );
}
