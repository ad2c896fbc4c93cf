//! 1:1 chat end to end: search, befriend, chat live, resend idempotency, history, read markers
//! across devices, recall, offline catch-up (including a conversation created while offline),
//! and survival across a server restart. Every test runs on SQLite and on PostgreSQL.

mod common;

use std::time::Duration;

use common::{Db, HistoryPage, TestServer, befriend, text_of};
use liao_shared::command;
use liao_shared::{
    ConversationCursor, ErrorCode, EventBody, MessageBody, NewMessageBody, ServerFrame,
};

on_both_backends!(
    register_search_befriend_and_chat,
    resend_with_same_client_id_stores_one_message,
    offline_user_catches_up_exactly_once,
    two_sessions_see_own_sends_and_read_markers,
    restart_keeps_everything,
    recall_deletes_content_for_both_sides,
    history_pages_backwards,
    blocking_stops_requests_and_messages,
    out_of_order_commits_reach_clients_in_order,
    reconnecting_during_a_flood_loses_and_repeats_nothing,
    many_concurrent_senders_never_starve_the_database_pool,
);

async fn register_search_befriend_and_chat(db: Db) {
    let server = TestServer::start(db).await;
    let mut alice = server.register("alice").await;
    let mut bob = server.register("bob").await;

    // Search by username prefix and by display name; only public fields come back.
    let users = alice.search_users("bo").await;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].user_id, bob.id);
    assert_eq!(
        alice
            .err(command::SearchUsers {
                query: "b".into(),
                offset: 0,
                limit: None
            })
            .await,
        ErrorCode::BadRequest
    );

    // Not friends yet: no 1:1 chat.
    assert_eq!(
        alice
            .err(command::OpenDirect {
                user_id: bob.id.clone()
            })
            .await,
        ErrorCode::NotFriends
    );

    alice
        .ok(command::FriendRequest {
            user_id: bob.id.clone(),
            message: Some("hi, it's alice".into()),
        })
        .await;
    let request = bob
        .expect("friend request", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::FriendRequestReceived { request } => Some(request.clone()),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(request.user.user_id, alice.id);
    assert_eq!(request.message.as_deref(), Some("hi, it's alice"));
    assert_eq!(
        alice
            .err(command::FriendRequest {
                user_id: bob.id.clone(),
                message: None
            })
            .await,
        ErrorCode::RequestPending
    );

    bob.ok(command::FriendAccept {
        user_id: alice.id.clone(),
    })
    .await;
    let friend = alice
        .expect("friend added", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::FriendAdded { friend } => Some(friend.clone()),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(friend.user_id, bob.id);

    let friends = alice.contacts().await.friends;
    assert_eq!(friends.len(), 1);
    assert!(friends[0].online, "bob is connected");

    let conv = alice.open_direct(&bob.id).await;
    assert_eq!(
        bob.open_direct(&alice.id).await,
        conv,
        "one conversation per pair"
    );

    let sent = alice.send_text(&conv, "a-1", "你好, Bob 👋").await;
    assert_eq!(sent.seq, 1);
    let got = bob.expect_message(&conv).await;
    assert_eq!(got, sent);
    assert_eq!(text_of(&got), "你好, Bob 👋");

    // Typing reaches the other side.
    bob.ok(command::Typing {
        conversation_id: conv.clone(),
    })
    .await;
    alice
        .expect("typing", |f| {
            matches!(f, ServerFrame::Typing { user_id, .. } if *user_id == bob.id).then_some(())
        })
        .await;

    let reply = bob.send_text(&conv, "b-1", "hello alice").await;
    assert_eq!(reply.seq, 2);
    assert_eq!(text_of(&alice.expect_message(&conv).await), "hello alice");

    // Unread counts follow read markers.
    let conversations = alice.conversations().await;
    assert_eq!(conversations[0].unread, 1);
    assert_eq!(
        conversations[0].peer.as_ref().map(|p| p.user_id.clone()),
        Some(bob.id.clone())
    );
    alice
        .ok(command::MarkRead {
            conversation_id: conv.clone(),
            seq: 2,
        })
        .await;
    let conversations = alice.conversations().await;
    assert_eq!(conversations[0].unread, 0);
    assert_eq!(
        text_of(conversations[0].last_message.as_ref().unwrap()),
        "hello alice"
    );

    // Too long / empty messages are refused and nothing is stored.
    let too_long = "字".repeat(4001);
    let code = alice
        .err(command::SendMessage {
            conversation_id: conv.clone(),
            client_msg_id: "a-x".into(),
            body: NewMessageBody::text(too_long),
            reply_to: None,
        })
        .await;
    assert_eq!(code, ErrorCode::MessageTooLong);
    let code = alice
        .err(command::SendMessage {
            conversation_id: conv.clone(),
            client_msg_id: "a-y".into(),
            body: NewMessageBody::text("  "),
            reply_to: None,
        })
        .await;
    assert_eq!(code, ErrorCode::EmptyMessage);
    let ok_max = "字".repeat(4000);
    assert_eq!(alice.send_text(&conv, "a-max", &ok_max).await.seq, 3);
    server.stop().await;
}

async fn resend_with_same_client_id_stores_one_message(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;

    let first = alice.send_text(&conv, "same-id", "once").await;
    // The client never saw the ack (say) and resends, even from another connection.
    let again = alice.send_text(&conv, "same-id", "once").await;
    let other_conn = server.resume(&alice.token).await;
    let third = other_conn.send_text(&conv, "same-id", "once").await;
    assert_eq!(first, again);
    assert_eq!(first, third);

    let next = alice.send_text(&conv, "next-id", "twice").await;
    assert_eq!(
        next.seq,
        first.seq + 1,
        "no seq was consumed by the resends"
    );

    let got: Vec<_> = bob
        .drain(Duration::from_millis(500))
        .await
        .into_iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } => Some(message.seq),
            _ => None,
        })
        .collect();
    assert_eq!(got, vec![1, 2], "bob got each message exactly once");
    let messages = bob.history(&conv).await.messages;
    assert_eq!(messages.len(), 2);

    // The same client id in another conversation is an error, not a silent duplicate.
    let carol = server.register("carol").await;
    befriend(&alice, &carol).await;
    let conv2 = alice.open_direct(&carol.id).await;
    let code = alice
        .err(command::SendMessage {
            conversation_id: conv2,
            client_msg_id: "same-id".into(),
            body: NewMessageBody::text("x"),
            reply_to: None,
        })
        .await;
    assert_eq!(code, ErrorCode::ClientIdReused);
    server.stop().await;
}

async fn offline_user_catches_up_exactly_once(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    let carol = server.register("carol").await;
    befriend(&alice, &bob).await;
    let conv_ab = alice.open_direct(&bob.id).await;
    bob.send_text(&conv_ab, "b0", "before going offline").await;

    // Bob syncs once, remembers his cursors, and goes offline.
    let mut bob = bob;
    bob.ok(command::SyncRequest {
        events_after: 0,
        conversations: vec![],
    })
    .await;
    let events_seq = bob
        .expect("sync_done", |f| match f {
            ServerFrame::SyncDone { events_seq } => Some(*events_seq),
            _ => None,
        })
        .await;
    let token = bob.token.clone();
    bob.client.close().await;
    drop(bob);

    // While he is away: messages in the known conversation, a new friend, and a conversation
    // that did not exist when he left.
    for i in 0..25 {
        alice
            .send_text(&conv_ab, &format!("a{i}"), &format!("missed {i}"))
            .await;
    }
    carol
        .ok(command::FriendRequest {
            user_id: server_user_id(&server, "bob").await,
            message: Some("hey".into()),
        })
        .await;
    let bob_id = server_user_id(&server, "bob").await;
    // Bob accepts from another device later; first check the request waits for him.
    let mut bob = server.resume(&token).await;
    bob.ok(command::SyncRequest {
        events_after: events_seq,
        conversations: vec![ConversationCursor {
            conversation_id: conv_ab.clone(),
            seq: 1,
            changes_after: None,
        }],
    })
    .await;
    let frames = bob.drain(Duration::from_millis(800)).await;
    let msgs: Vec<u64> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } if message.conversation_id == conv_ab => {
                Some(message.seq)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        msgs,
        (2..=26).collect::<Vec<_>>(),
        "every missed message once, in order"
    );
    assert!(frames.iter().any(|f| matches!(f, ServerFrame::Event { event } if matches!(&event.body, EventBody::FriendRequestReceived { request } if request.user.user_id == carol.id))));
    assert!(matches!(frames.last(), Some(ServerFrame::SyncDone { .. })));
    bob.ok(command::FriendAccept {
        user_id: carol.id.clone(),
    })
    .await;
    bob.client.close().await;
    drop(bob);

    // Carol opens a conversation and writes while Bob is offline again.
    let conv_cb = carol.open_direct(&bob_id).await;
    carol.send_text(&conv_cb, "c1", "new conversation 1").await;
    carol.send_text(&conv_cb, "c2", "new conversation 2").await;
    alice.send_text(&conv_ab, "a-late", "late").await;

    let mut bob = server.resume(&token).await;
    bob.ok(command::SyncRequest {
        events_after: events_seq,
        conversations: vec![ConversationCursor {
            conversation_id: conv_ab.clone(),
            seq: 26,
            changes_after: None,
        }],
    })
    .await;
    // Live messages sent during and after the sync must not duplicate the backlog.
    carol
        .send_text(&conv_cb, "c3", "live after reconnect")
        .await;
    let frames = bob.drain(Duration::from_millis(800)).await;
    let in_cb: Vec<String> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } if message.conversation_id == conv_cb => {
                Some(text_of(message))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        in_cb,
        vec![
            "new conversation 1",
            "new conversation 2",
            "live after reconnect"
        ]
    );
    let in_ab: Vec<u64> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } if message.conversation_id == conv_ab => {
                Some(message.seq)
            }
            _ => None,
        })
        .collect();
    assert_eq!(in_ab, vec![27]);
    let added = frames.iter().any(|f| {
        matches!(f, ServerFrame::Event { event } if matches!(&event.body, EventBody::ConversationAdded { conversation } if conversation.conversation_id == conv_cb))
    });
    assert!(
        added,
        "bob learns of the conversation created while he was offline"
    );
    server.stop().await;
}

async fn server_user_id(server: &TestServer, name: &str) -> liao_shared::UserId {
    server
        .app
        .store()
        .user_by_name(name)
        .await
        .unwrap()
        .unwrap()
        .profile
        .user_id
}

async fn two_sessions_see_own_sends_and_read_markers(db: Db) {
    let server = TestServer::start(db).await;
    let mut alice_phone = server.register("alice").await;
    let mut alice_laptop = server.login("alice").await;
    let mut bob = server.register("bob").await;
    befriend(&alice_phone, &bob).await;
    let conv = alice_phone.open_direct(&bob.id).await;
    for dev in [&mut alice_phone, &mut alice_laptop] {
        dev.ok(command::SyncRequest {
            events_after: 0,
            conversations: vec![],
        })
        .await;
        dev.expect("sync_done", |f| {
            matches!(f, ServerFrame::SyncDone { .. }).then_some(())
        })
        .await;
    }

    let sent = alice_phone.send_text(&conv, "p1", "from my phone").await;
    assert_eq!(
        alice_laptop.expect_message(&conv).await,
        sent,
        "own send reaches the other device"
    );
    assert_eq!(bob.expect_message(&conv).await, sent);
    // The phone has its own send in the reply; it is not pushed to the phone again.
    let pushed_to_sender = alice_phone
        .drain(Duration::from_millis(300))
        .await
        .into_iter()
        .filter(|f| matches!(f, ServerFrame::Message { .. }))
        .count();
    assert_eq!(pushed_to_sender, 0);

    bob.send_text(&conv, "b1", "one").await;
    let last = bob.send_text(&conv, "b2", "two").await;
    alice_laptop.expect_message(&conv).await;
    alice_laptop.expect_message(&conv).await;

    // Reading on the laptop clears the phone's unread count.
    alice_laptop
        .ok(command::MarkRead {
            conversation_id: conv.clone(),
            seq: last.seq,
        })
        .await;
    let marker = alice_phone
        .expect("read marker", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::ReadMarker {
                    conversation_id,
                    seq,
                } if *conversation_id == conv => Some(*seq),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(marker, last.seq);
    let conversations = alice_phone.conversations().await;
    assert_eq!(conversations[0].unread, 0);
    // Markers never move back.
    alice_phone
        .ok(command::MarkRead {
            conversation_id: conv.clone(),
            seq: 1,
        })
        .await;
    let conversations = alice_phone.conversations().await;
    assert_eq!(conversations[0].read_seq, last.seq);

    server.stop().await;
}

async fn restart_keeps_everything(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    for i in 0..10 {
        alice
            .send_text(&conv, &format!("m{i}"), &format!("message {i}"))
            .await;
    }
    let (alice_token, bob_token) = (alice.token.clone(), bob.token.clone());
    drop((alice, bob));

    let server = server.restart().await;
    // Sessions survive; history, friendship and seqs continue where they were.
    let alice = server.resume(&alice_token).await;
    let bob = server.resume(&bob_token).await;
    let HistoryPage {
        messages, has_more, ..
    } = bob.history(&conv).await;
    assert!(!has_more);
    assert_eq!(
        messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(alice.send_text(&conv, "m10", "after restart").await.seq, 11);
    // A resend from before the restart is still recognised.
    assert_eq!(alice.send_text(&conv, "m3", "message 3").await.seq, 4);
    let friends = alice.contacts().await.friends;
    assert_eq!(friends.len(), 1);
    server.stop().await;
}

async fn recall_deletes_content_for_both_sides(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let msg = alice.send_text(&conv, "secret", "oops, wrong chat").await;
    bob.expect_message(&conv).await;

    assert_eq!(
        bob.err(command::Recall {
            conversation_id: conv.clone(),
            message_id: msg.message_id.clone()
        })
        .await,
        ErrorCode::NotYourMessage
    );
    alice
        .ok(command::Recall {
            conversation_id: conv.clone(),
            message_id: msg.message_id.clone(),
        })
        .await;
    let entry = bob.expect_message(&conv).await;
    assert!(
        matches!(&entry.body, MessageBody::Recall { target_seq, .. } if *target_seq == msg.seq)
    );

    let messages = bob.history(&conv).await.messages;
    assert!(matches!(messages[0].body, MessageBody::Recalled { .. }));
    // The text is gone from the database, not just hidden.
    let leftover: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE body LIKE '%wrong chat%'")
            .fetch_one(server.app.store().reader())
            .await
            .unwrap();
    assert_eq!(leftover, 0);

    // Outside the window: age a message in the store and try.
    let old = alice.send_text(&conv, "old", "old news").await;
    let mut tx = server.app.store().begin().await.unwrap();
    sqlx::query("UPDATE messages SET sent_at = sent_at - 121000 WHERE id = $1")
        .bind(old.message_id.as_str())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        alice
            .err(command::Recall {
                conversation_id: conv.clone(),
                message_id: old.message_id
            })
            .await,
        ErrorCode::RecallWindowPassed
    );
    server.stop().await;
}

async fn history_pages_backwards(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    for i in 1..=120 {
        alice
            .send_text(&conv, &format!("h{i}"), &format!("{i}"))
            .await;
    }
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let HistoryPage {
            messages, has_more, ..
        } = bob.history_page(&conv, before, Some(50)).await;
        assert!(messages.len() <= 50);
        before = messages.first().map(|m| m.seq);
        seen.splice(0..0, messages.iter().map(|m| m.seq));
        if !has_more {
            break;
        }
    }
    assert_eq!(seen, (1..=120).collect::<Vec<_>>());

    // Large messages: a page stays below the outbound frame limit.
    let big = "大".repeat(4000);
    for i in 0..30 {
        alice.send_text(&conv, &format!("big{i}"), &big).await;
    }
    let HistoryPage {
        messages, has_more, ..
    } = bob.history_page(&conv, None, Some(100)).await;
    assert!(has_more);
    let size: usize = messages
        .iter()
        .map(|m| serde_json::to_string(m).unwrap().len())
        .sum();
    assert!(
        size < liao_shared::limits::MAX_OUTBOUND_FRAME,
        "page of {size} bytes"
    );
    assert_eq!(
        messages.last().unwrap().seq,
        150,
        "the newest message is in the first page"
    );
    server.stop().await;
}

async fn blocking_stops_requests_and_messages(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    bob.ok(command::Block {
        user_id: alice.id.clone(),
    })
    .await;
    let code = alice
        .err(command::SendMessage {
            conversation_id: conv.clone(),
            client_msg_id: "x".into(),
            body: NewMessageBody::text("hi"),
            reply_to: None,
        })
        .await;
    assert_eq!(code, ErrorCode::Blocked);
    assert_eq!(
        alice
            .err(command::FriendRequest {
                user_id: bob.id.clone(),
                message: None
            })
            .await,
        ErrorCode::Blocked
    );
    // History stays readable.
    alice
        .ok(command::History {
            conversation_id: conv.clone(),
            before_seq: None,
            limit: None,
            around_seq: None,
        })
        .await;
    bob.ok(command::Unblock {
        user_id: alice.id.clone(),
    })
    .await;
    // The friendship ended with the block; befriend again to chat.
    let code = alice
        .err(command::SendMessage {
            conversation_id: conv.clone(),
            client_msg_id: "y".into(),
            body: NewMessageBody::text("hi"),
            reply_to: None,
        })
        .await;
    assert_eq!(code, ErrorCode::NotFriends);
    befriend(&alice, &bob).await;
    alice.send_text(&conv, "z", "friends again").await;
    assert_eq!(text_of(&bob.expect_message(&conv).await), "friends again");
    // Decline and cancel.
    let carol = server.register("carol").await;
    carol
        .ok(command::FriendRequest {
            user_id: bob.id.clone(),
            message: None,
        })
        .await;
    bob.ok(command::FriendDecline {
        user_id: carol.id.clone(),
    })
    .await;
    assert_eq!(
        bob.err(command::FriendAccept {
            user_id: carol.id.clone()
        })
        .await,
        ErrorCode::NoRequest
    );
    carol
        .ok(command::FriendRequest {
            user_id: bob.id.clone(),
            message: None,
        })
        .await;
    carol
        .ok(command::FriendCancel {
            user_id: bob.id.clone(),
        })
        .await;
    let incoming = bob.contacts().await.incoming;
    assert!(incoming.is_empty());
    server.stop().await;
}

/// Many senders at once into one conversation: the receiver sees every seq exactly once and in
/// order, whatever order the commits were published in.
async fn out_of_order_commits_reach_clients_in_order(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let mut devices = Vec::new();
    for _ in 0..4 {
        devices.push(server.resume(&alice.token).await);
    }
    let mut tasks = Vec::new();
    for (d, dev) in devices.into_iter().enumerate() {
        let conv = conv.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                dev.send_text(&conv, &format!("d{d}-{i}"), "x").await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let seqs: Vec<u64> = bob
        .drain(Duration::from_millis(800))
        .await
        .into_iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } => Some(message.seq),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, (1..=100).collect::<Vec<_>>());
    server.stop().await;
}

/// A receiver reconnects and syncs again and again while a sender floods the conversation: across
/// all of its connections it sees every message, and within each connection none twice — also
/// for messages pushed live before its `sync` arrives.
async fn reconnecting_during_a_flood_loses_and_repeats_nothing(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let total = 150u64;
    let flood = tokio::spawn({
        let conv = conv.clone();
        async move {
            for i in 0..total {
                alice.send_text(&conv, &format!("f{i}"), "flood").await;
                if i % 10 == 0 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        }
    });
    let mut have = 0u64;
    let mut rounds = 0;
    while have < total && rounds < 100 {
        rounds += 1;
        let mut conn = server.resume(&bob.token).await;
        // Give live pushes a chance to arrive before the sync (they must not repeat in it).
        tokio::time::sleep(Duration::from_millis(3 * (rounds % 4))).await;
        conn.ok(command::SyncRequest {
            events_after: 0,
            conversations: vec![ConversationCursor {
                conversation_id: conv.clone(),
                seq: have,
                changes_after: None,
            }],
        })
        .await;
        let frames = conn.drain(Duration::from_millis(60)).await;
        let mut seqs: Vec<u64> = frames
            .iter()
            .filter_map(|f| match f {
                ServerFrame::Message { message } if message.conversation_id == conv => {
                    Some(message.seq)
                }
                _ => None,
            })
            .collect();
        let n = seqs.len();
        seqs.sort_unstable();
        seqs.dedup();
        assert_eq!(
            seqs.len(),
            n,
            "a message was delivered twice on one connection"
        );
        // Everything after the cursor, with no hole.
        let expected: Vec<u64> = (have + 1..=have + n as u64).collect();
        assert_eq!(seqs, expected, "round {rounds}: a gap");
        have += n as u64;
        conn.client.close().await;
    }
    flood.await.unwrap();
    assert_eq!(have, total);
    server.stop().await;
}

/// Regression: with more concurrent senders than database connections, every send still commits
/// promptly (on PostgreSQL the reads a send makes while its transaction is open once waited for
/// connections held by other open transactions, until the pool timed out).
async fn many_concurrent_senders_never_starve_the_database_pool(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let mut devices = Vec::new();
    for _ in 0..40 {
        devices.push(server.resume(&alice.token).await);
    }
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for (d, dev) in devices.into_iter().enumerate() {
        let conv = conv.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..5 {
                dev.send_text(&conv, &format!("c{d}-{i}"), "concurrent")
                    .await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "200 sends took {:?}",
        started.elapsed()
    );
    let messages = bob.history_page(&conv, None, Some(100)).await.messages;
    assert_eq!(messages.last().unwrap().seq, 200);
    server.stop().await;
}
