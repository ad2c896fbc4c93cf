//! Read receipts (PROTOCOL.md 5.4, `read_receipts`): "Delivered" and "Read" in 1:1 chats, with
//! the account switch that hides reads both ways; "N read" and the who-read list in groups,
//! counted over the members who were there when the message was sent. Every test runs on SQLite
//! and on PostgreSQL and restarts the server to show that what it checks was stored.

mod common;

use std::time::Duration;

use common::groups::{create_group, join};
use common::{Db, TestServer, User, befriend};
use liao_shared::command::{self, MarkDelivered, MarkRead, ReadBy, ReadReceipts};
use liao_shared::{
    AccountSettings, ConversationId, ErrorCode, EventBody, JoinPolicy, ReadCount, Reply,
    ServerFrame, UserId, limits,
};

on_both_backends!(
    a_direct_message_shows_delivered_then_read_also_after_a_restart,
    switching_read_receipts_off_hides_reads_both_ways_but_not_delivery,
    group_counts_cover_the_members_present_when_it_was_sent,
    receipts_refuse_what_is_not_theirs_to_ask,
);

/// What `read_receipts` says in a 1:1 conversation: (delivered, read).
async fn positions(user: &User, conv: &ConversationId) -> (Option<u64>, Option<u64>) {
    match user
        .ok(ReadReceipts {
            conversation_id: conv.clone(),
            seqs: Vec::new(),
        })
        .await
    {
        Reply::ReadReceipts {
            delivered_seq,
            read_seq,
            counts,
        } => {
            assert!(counts.is_empty(), "no counts in a 1:1 chat: {counts:?}");
            (delivered_seq, read_seq)
        }
        other => panic!("expected read_receipts, got {other:?}"),
    }
}

/// What `read_receipts` says for `seqs` in a group: (seq, read, of) per counted message.
async fn counts(user: &User, g: &ConversationId, seqs: &[u64]) -> Vec<(u64, u32, u32)> {
    match user
        .ok(ReadReceipts {
            conversation_id: g.clone(),
            seqs: seqs.to_vec(),
        })
        .await
    {
        Reply::ReadReceipts {
            delivered_seq: None,
            read_seq: None,
            counts,
        } => counts
            .into_iter()
            .map(|ReadCount { seq, read, of }| (seq, read, of))
            .collect(),
        other => panic!("expected group read_receipts, got {other:?}"),
    }
}

/// Who read the message at `seq` and who has not, each sorted.
async fn read_by(user: &User, g: &ConversationId, seq: u64) -> (Vec<UserId>, Vec<UserId>) {
    match user
        .ok(ReadBy {
            conversation_id: g.clone(),
            seq,
        })
        .await
    {
        Reply::ReadBy {
            mut read,
            mut unread,
            read_count,
            unread_count,
        } => {
            assert_eq!(read.len(), read_count as usize);
            assert_eq!(unread.len(), unread_count as usize);
            read.sort();
            unread.sort();
            (read, unread)
        }
        other => panic!("expected read_by, got {other:?}"),
    }
}

fn delivered(conv: &ConversationId, seq: u64) -> MarkDelivered {
    MarkDelivered {
        conversation_id: conv.clone(),
        seq,
    }
}

fn read(conv: &ConversationId, seq: u64) -> MarkRead {
    MarkRead {
        conversation_id: conv.clone(),
        seq,
    }
}

fn receipts_on(on: bool) -> command::UpdateSettings {
    command::UpdateSettings {
        read_receipts: Some(on),
    }
}

async fn a_direct_message_shows_delivered_then_read_also_after_a_restart(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    alice.send_text(&conv, "a1", "are you there?").await;
    let a2 = alice.send_text(&conv, "a2", "hello?").await;

    // Sent: neither delivered nor read yet.
    assert_eq!(positions(&alice, &conv).await, (Some(0), Some(0)));
    // One of Bob's devices received both: delivered, not read.
    bob.ok(delivered(&conv, a2.seq)).await;
    assert_eq!(positions(&alice, &conv).await, (Some(a2.seq), Some(0)));
    // The marker never moves back, and never past the conversation's end.
    bob.ok(delivered(&conv, 1)).await;
    bob.ok(delivered(&conv, 999)).await;
    assert_eq!(positions(&alice, &conv).await, (Some(a2.seq), Some(0)));
    // Bob reads the first: read up to it.
    bob.ok(read(&conv, 1)).await;
    assert_eq!(positions(&alice, &conv).await, (Some(a2.seq), Some(1)));
    // Bob's own messages count as read by him; Alice's marker is what he sees.
    let b3 = bob.send_text(&conv, "b3", "yes").await;
    assert_eq!(positions(&bob, &conv).await, (Some(a2.seq), Some(a2.seq)));
    // Reading implies receiving: a client that only marks read still shows delivered.
    alice.ok(read(&conv, b3.seq)).await;
    assert_eq!(positions(&bob, &conv).await, (Some(b3.seq), Some(b3.seq)));

    let token = alice.token.clone();
    drop((alice, bob));
    let server = server.restart().await;
    let alice = server.resume(&token).await;
    // Bob's own message counts as his read up to it.
    assert_eq!(positions(&alice, &conv).await, (Some(b3.seq), Some(b3.seq)));
    server.stop().await;
}

async fn switching_read_receipts_off_hides_reads_both_ways_but_not_delivery(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob_phone = server.register("bob").await;
    let mut bob_laptop = server.login("bob").await;
    befriend(&alice, &bob_phone).await;
    let conv = alice.open_direct(&bob_phone.id).await;
    let a1 = alice.send_text(&conv, "a1", "seen this?").await;
    let b2 = bob_phone.send_text(&conv, "b2", "not yet").await;
    alice.ok(read(&conv, b2.seq)).await;
    bob_laptop.drain(Duration::from_millis(300)).await;

    let on = |read_receipts| Reply::Settings {
        settings: AccountSettings { read_receipts },
    };
    assert_eq!(bob_phone.ok(command::Command::GetSettings).await, on(true));
    assert_eq!(bob_phone.ok(receipts_on(false)).await, on(false));
    // Bob's other device follows.
    let changed = bob_laptop
        .expect("settings_changed", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::SettingsChanged { settings } => Some(settings.clone()),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert!(!changed.read_receipts);
    assert_eq!(
        bob_laptop.ok(command::Command::GetSettings).await,
        on(false)
    );

    // Bob reads Alice's message: she sees it delivered, not read.
    bob_phone.ok(delivered(&conv, a1.seq)).await;
    bob_phone.ok(read(&conv, b2.seq)).await;
    assert_eq!(positions(&alice, &conv).await, (Some(a1.seq), None));
    // Reading shows nothing of delivery either: only what Bob's devices said they received.
    assert_eq!(positions(&bob_phone, &conv).await, (Some(0), None));
    // Nor does Bob see that Alice read his message, although her receipts are on.
    let (_, bob_sees) = positions(&bob_phone, &conv).await;
    assert_eq!(bob_sees, None);
    // An update that changes nothing answers the settings as they are.
    assert_eq!(
        bob_phone
            .ok(command::UpdateSettings {
                read_receipts: None
            })
            .await,
        on(false)
    );

    // The switch is stored.
    let token = bob_phone.token.clone();
    let alice_token = alice.token.clone();
    drop((alice, bob_phone, bob_laptop));
    let server = server.restart().await;
    let bob = server.resume(&token).await;
    let alice = server.resume(&alice_token).await;
    assert_eq!(bob.ok(command::Command::GetSettings).await, on(false));
    assert_eq!(positions(&alice, &conv).await, (Some(a1.seq), None));
    // Switched back on, reads show again, both ways.
    bob.ok(receipts_on(true)).await;
    assert_eq!(positions(&alice, &conv).await, (Some(b2.seq), Some(b2.seq)));
    assert_eq!(positions(&bob, &conv).await, (Some(b2.seq), Some(b2.seq)));
    server.stop().await;
}

async fn group_counts_cover_the_members_present_when_it_was_sent(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    let carol = server.register("carol").await;
    let dave = server.register("dave").await;
    let g = create_group(&alice, "team", JoinPolicy::Open).await;
    join(&bob, &g).await;
    join(&carol, &g).await;
    let bob_says = bob.send_text(&g, "b1", "morning").await;
    let m1 = alice.send_text(&g, "a1", "standup at 10").await;
    // Dave joins after the first message: he is not in its audience.
    join(&dave, &g).await;
    let m2 = alice.send_text(&g, "a2", "room 3").await;

    assert_eq!(
        counts(&alice, &g, &[m1.seq, m2.seq]).await,
        [(m1.seq, 0, 2), (m2.seq, 0, 3)]
    );
    bob.ok(read(&g, m2.seq)).await;
    dave.ok(read(&g, m2.seq)).await;
    assert_eq!(
        counts(&alice, &g, &[m2.seq, m1.seq]).await,
        [(m1.seq, 1, 2), (m2.seq, 2, 3)],
        "by ascending seq"
    );
    // Who read the first, and who has not.
    let sorted = |mut ids: Vec<UserId>| {
        ids.sort();
        ids
    };
    assert_eq!(
        read_by(&alice, &g, m1.seq).await,
        (vec![bob.id.clone()], vec![carol.id.clone()])
    );
    assert_eq!(
        read_by(&alice, &g, m2.seq).await,
        (
            sorted(vec![bob.id.clone(), dave.id.clone()]),
            vec![carol.id.clone()]
        )
    );
    // Only the sender's own messages are counted: Bob's seq is left out of Alice's answer, and
    // Alice's are left out of Bob's.
    assert_eq!(
        counts(&alice, &g, &[bob_says.seq, m1.seq]).await,
        [(m1.seq, 1, 2)]
    );
    assert_eq!(counts(&bob, &g, &[m1.seq, m2.seq]).await, []);
    // Alice's own messages count as her read up to them; Dave came later.
    assert_eq!(
        counts(&bob, &g, &[bob_says.seq]).await,
        [(bob_says.seq, 1, 2)]
    );

    // Carol leaves: she is no longer counted either way.
    carol
        .ok(command::LeaveGroup {
            conversation_id: g.clone(),
        })
        .await;
    assert_eq!(
        counts(&alice, &g, &[m1.seq, m2.seq]).await,
        [(m1.seq, 1, 1), (m2.seq, 2, 2)]
    );

    let token = alice.token.clone();
    drop((alice, bob, carol, dave));
    let server = server.restart().await;
    let alice = server.resume(&token).await;
    assert_eq!(
        counts(&alice, &g, &[m1.seq, m2.seq]).await,
        [(m1.seq, 1, 1), (m2.seq, 2, 2)]
    );
    server.stop().await;
}

async fn receipts_refuse_what_is_not_theirs_to_ask(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    let eve = server.register("eve").await;
    befriend(&alice, &bob).await;
    let direct = alice.open_direct(&bob.id).await;
    let g = create_group(&alice, "team", JoinPolicy::Open).await;
    join(&bob, &g).await;
    let mine = alice.send_text(&g, "a1", "hi").await;
    let a_direct = alice.send_text(&direct, "a2", "hi").await;

    // Not a member: the conversation does not exist for them.
    for conv in [&direct, &g] {
        let code = eve
            .err(ReadReceipts {
                conversation_id: conv.clone(),
                seqs: vec![1],
            })
            .await;
        assert_eq!(code, ErrorCode::NotFound);
        assert_eq!(eve.err(delivered(conv, 1)).await, ErrorCode::NotFound);
        assert_eq!(eve.err(read(conv, 1)).await, ErrorCode::NotFound);
    }
    let code = eve
        .err(ReadBy {
            conversation_id: g.clone(),
            seq: mine.seq,
        })
        .await;
    assert_eq!(code, ErrorCode::NotFound);
    // Someone else's message, or no message at all, has no read list for you.
    for seq in [mine.seq, 999] {
        let code = bob
            .err(ReadBy {
                conversation_id: g.clone(),
                seq,
            })
            .await;
        assert_eq!(code, ErrorCode::NotFound, "seq {seq}");
    }
    // Delivery marks are for 1:1 chats, read lists for groups.
    assert_eq!(
        bob.err(delivered(&g, mine.seq)).await,
        ErrorCode::BadRequest
    );
    let code = alice
        .err(ReadBy {
            conversation_id: direct.clone(),
            seq: a_direct.seq,
        })
        .await;
    assert_eq!(code, ErrorCode::BadRequest);
    // At most 100 seqs at once.
    let code = alice
        .err(ReadReceipts {
            conversation_id: g.clone(),
            seqs: (1..=limits::MAX_RECEIPT_SEQS as u64 + 1).collect(),
        })
        .await;
    assert_eq!(code, ErrorCode::BadRequest);
    // None of that moved anything.
    assert_eq!(positions(&alice, &direct).await, (Some(0), Some(0)));
    assert_eq!(counts(&alice, &g, &[mine.seq]).await, [(mine.seq, 0, 1)]);
    // A read marker past the end stops at the end.
    bob.ok(read(&direct, 999)).await;
    assert_eq!(
        positions(&alice, &direct).await,
        (Some(a_direct.seq), Some(a_direct.seq))
    );
    server.stop().await;
}
