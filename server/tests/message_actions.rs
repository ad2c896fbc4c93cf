//! What a user does to messages besides sending them: delete for me (删除), which hides messages
//! from the user's own view on every device, persists across restarts and leaves them for
//! everyone else. Every test runs on SQLite and on PostgreSQL.

mod common;

use std::time::Duration;

use common::{Db, TestServer, befriend};
use liao_shared::command::{self, DeleteForMe};
use liao_shared::{ConversationId, ErrorCode, EventBody, MessageId, ServerFrame};

on_both_backends!(
    delete_for_me_hides_on_my_devices_only_and_survives_a_restart,
    delete_for_me_refuses_bad_input_and_changes_nothing,
);

fn seqs(messages: &[liao_shared::Message]) -> Vec<u64> {
    messages.iter().map(|m| m.seq).collect()
}

fn delete(conv: &ConversationId, ids: &[&MessageId]) -> DeleteForMe {
    DeleteForMe {
        conversation_id: conv.clone(),
        message_ids: ids.iter().map(|&id| id.clone()).collect(),
    }
}

async fn delete_for_me_hides_on_my_devices_only_and_survives_a_restart(db: Db) {
    let server = TestServer::start(db).await;
    let alice_phone = server.register("alice").await;
    let mut alice_laptop = server.login("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice_phone, &bob).await;
    let conv = alice_phone.open_direct(&bob.id).await;
    let m1 = bob.send_text(&conv, "b1", "one").await;
    let m2 = bob.send_text(&conv, "b2", "two").await;
    let m3 = alice_phone.send_text(&conv, "a3", "three").await;
    alice_laptop.drain(Duration::from_millis(300)).await;

    alice_phone.ok(delete(&conv, &[&m2.message_id])).await;
    // The other device is told, through the user's own event stream.
    let hidden = alice_laptop
        .expect("deleted_for_me", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::DeletedForMe {
                    conversation_id,
                    message_ids,
                } if *conversation_id == conv => Some(message_ids.clone()),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(hidden, vec![m2.message_id.clone()]);
    // Gone from my history, still in theirs.
    assert_eq!(seqs(&alice_phone.history(&conv).await.messages), [1, 3]);
    assert_eq!(seqs(&bob.history(&conv).await.messages), [1, 2, 3]);

    // Deleting the latest message moves my conversation list's preview back, not theirs.
    alice_laptop.ok(delete(&conv, &[&m3.message_id])).await;
    let mine = alice_phone.conversations().await;
    assert_eq!(mine[0].last_message.as_ref().map(|m| m.seq), Some(m1.seq));
    assert_eq!(
        mine[0].last_seq, m3.seq,
        "the conversation's position is unchanged"
    );
    let theirs = bob.conversations().await;
    assert_eq!(theirs[0].last_message.as_ref().map(|m| m.seq), Some(m3.seq));
    // Deleting again is harmless.
    alice_phone
        .ok(delete(&conv, &[&m2.message_id, &m2.message_id]))
        .await;

    let token = alice_phone.token.clone();
    drop((alice_phone, alice_laptop, bob));
    let server = server.restart().await;
    let mut alice = server.resume(&token).await;
    assert_eq!(seqs(&alice.history(&conv).await.messages), [1]);
    // A device that was away learns of both deletions when it syncs its event stream.
    alice
        .ok(command::SyncRequest {
            events_after: 0,
            conversations: vec![],
        })
        .await;
    let mut deleted = Vec::new();
    loop {
        let frame = alice
            .expect("events and sync_done", |f| match f {
                ServerFrame::Event { event } => match &event.body {
                    EventBody::DeletedForMe { message_ids, .. } => Some(Some(message_ids.clone())),
                    _ => None,
                },
                ServerFrame::SyncDone { .. } => Some(None),
                _ => None,
            })
            .await;
        match frame {
            Some(ids) => deleted.extend(ids),
            None => break,
        }
    }
    // In order; the third deletion named m2 twice and says it once.
    let (m2, m3) = (m2.message_id, m3.message_id);
    assert_eq!(deleted, [m2.clone(), m3, m2]);
    server.stop().await;
}

async fn delete_for_me_refuses_bad_input_and_changes_nothing(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    let carol = server.register("carol").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let m1 = bob.send_text(&conv, "b1", "one").await;

    // A message id that is not in this conversation: nothing is hidden, not even the real one.
    let forged = MessageId("m-forged".into());
    let code = alice.err(delete(&conv, &[&m1.message_id, &forged])).await;
    assert_eq!(code, ErrorCode::NotFound);
    // Someone else's conversation is invisible.
    assert_eq!(
        carol.err(delete(&conv, &[&m1.message_id])).await,
        ErrorCode::NotFound
    );
    assert_eq!(alice.err(delete(&conv, &[])).await, ErrorCode::BadRequest);
    let too_many: Vec<MessageId> = (0..101).map(|n| MessageId(format!("m{n}"))).collect();
    assert_eq!(
        alice
            .err(delete(&conv, &too_many.iter().collect::<Vec<_>>()))
            .await,
        ErrorCode::BadRequest
    );
    assert_eq!(seqs(&alice.history(&conv).await.messages), [1]);
    assert_eq!(seqs(&bob.history(&conv).await.messages), [1]);
    server.stop().await;
}
