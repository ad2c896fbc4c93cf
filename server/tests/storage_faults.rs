//! Acknowledged means stored, even when storage fails (regressions from the reliability attack):
//! - a full database: after one failed commit the SQLite writer went on acknowledging sends
//!   that a restart then lost, and seqs were handed out again;
//! - a database another process writes to: writes failed as `internal` within a third of a
//!   second despite the 10 s busy timeout.
//!
//! The database is capped with `PRAGMA max_page_count`, which makes SQLite fail exactly as on a
//! full disk (`SQLITE_FULL`) without a mount; the tmpfs cases live in `tests/faults.rs`.

mod common;

use std::collections::HashMap;

use common::{Db, TestServer, befriend, text_of, whole_history};
use liao_shared::command;
use liao_shared::{ErrorCode, Message, NewMessageBody, Reply};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_on_a_full_database_are_refused_and_nothing_acknowledged_is_lost() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;

    let mut acked: Vec<Message> = Vec::new();
    for i in 0..5 {
        acked.push(
            alice
                .send_text(&conv, &format!("before-{i}"), "before")
                .await,
        );
    }

    // "The disk fills": the database may grow by two more pages only.
    let store = server.app.store().clone();
    let pages = store.sqlite_page_count().await.expect("page count");
    store
        .limit_sqlite_pages(Some(pages + 2))
        .await
        .expect("cap the database");
    let mut refused = Vec::new();
    let big = "满".repeat(1500);
    for i in 0..150 {
        match alice
            .client
            .request(command::SendMessage {
                conversation_id: conv.clone(),
                client_msg_id: format!("full-{i}"),
                body: NewMessageBody::text(&big),
                reply_to: None,
            })
            .await
        {
            Ok(Reply::Sent { message }) => acked.push(message),
            Ok(other) => panic!("unexpected reply {other:?}"),
            Err(e) => refused.push(e.code()),
        }
    }
    assert!(
        !refused.is_empty(),
        "the capped database never refused a send"
    );

    // Space returns: the writer recovers by itself, without a restart.
    store.limit_sqlite_pages(None).await.expect("lift the cap");
    for i in 0..5 {
        acked.push(alice.send_text(&conv, &format!("after-{i}"), "after").await);
    }

    // Everything acknowledged was pushed live to bob, once, in order.
    let mut live = Vec::new();
    while live.len() < acked.len() {
        live.push(bob.expect_message(&conv).await);
    }
    let live_ids: Vec<_> = live.iter().map(|m| m.message_id.clone()).collect();
    let acked_ids: Vec<_> = acked.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(
        live_ids, acked_ids,
        "bob's live stream is what alice got acknowledged"
    );

    // A restart keeps every acknowledged message, exactly once, with gap-free seqs.
    let server = server.restart().await;
    let alice = server.login("alice").await;
    let history = whole_history(&alice, &conv).await;
    let by_id: HashMap<_, _> = history.iter().map(|m| (m.message_id.clone(), m)).collect();
    let lost: Vec<_> = acked
        .iter()
        .filter(|m| !by_id.contains_key(&m.message_id))
        .map(|m| (m.seq, text_of(m).chars().take(8).collect::<String>()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged messages were lost after the restart: {lost:?}",
        lost.len(),
        acked.len()
    );
    assert_eq!(
        history.len(),
        acked.len(),
        "no message stored twice or unacknowledged"
    );
    for (i, m) in history.iter().enumerate() {
        assert_eq!(m.seq, i as u64 + 1, "seqs are gap-free");
        assert_eq!(
            by_id[&m.message_id].seq,
            acked
                .iter()
                .find(|a| a.message_id == m.message_id)
                .unwrap()
                .seq
        );
    }
    // The next message takes the next seq: none is handed out twice.
    let next = alice.send_text(&conv, "next", "next").await;
    assert_eq!(next.seq, acked.len() as u64 + 1);

    // Refusals are a clear, retryable storage error, never `internal`.
    assert!(
        refused.iter().all(|c| *c == Some(ErrorCode::StorageFull)),
        "refused sends got {refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_wait_for_a_database_locked_by_another_process() {
    use sqlx::Connection;
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    alice.send_text(&conv, "warm-up", "hi").await;

    // Ten connections, logged in before the lock is taken.
    let mut users = Vec::new();
    for _ in 0..10 {
        users.push(server.login("alice").await);
    }
    // Another process (the CLI, a backup) writes in a loop: it takes the write lock, holds it a
    // while, commits, and takes it again. A transaction that started reading before one of its
    // commits can no longer upgrade to writing: SQLite refuses that at once, without waiting.
    let url = server.db.url.clone();
    let other = tokio::spawn(async move {
        let mut other = sqlx::AnyConnection::connect(&url)
            .await
            .expect("second connection");
        sqlx::raw_sql("CREATE TABLE IF NOT EXISTS lock_probe (x INTEGER)")
            .execute(&mut other)
            .await
            .expect("probe table");
        for i in 0..30 {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "BEGIN IMMEDIATE; INSERT INTO lock_probe VALUES ({i});"
            )))
            .execute(&mut other)
            .await
            .expect("take the write lock");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            sqlx::raw_sql("COMMIT")
                .execute(&mut other)
                .await
                .expect("commit");
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    // Sends and other writes arrive meanwhile, on several connections.
    let mut pending = Vec::new();
    for (i, user) in users.into_iter().enumerate() {
        let conv = conv.clone();
        pending.push(tokio::spawn(async move {
            let mut results = Vec::new();
            for n in 0..5 {
                let sent = user
                    .client
                    .request(command::SendMessage {
                        conversation_id: conv.clone(),
                        client_msg_id: format!("locked-{i}-{n}"),
                        body: NewMessageBody::text("while locked"),
                        reply_to: None,
                    })
                    .await;
                let profile = user
                    .client
                    .request(command::UpdateProfile {
                        display_name: format!("Alice {i}"),
                    })
                    .await;
                results.push((sent.map_err(|e| e.code()), profile.map_err(|e| e.code())));
            }
            results
        }));
    }
    for (i, task) in pending.into_iter().enumerate() {
        for (sent, profile) in task.await.expect("task") {
            assert!(sent.is_ok(), "a send of connection {i} failed: {sent:?}");
            assert!(
                profile.is_ok(),
                "a profile update of connection {i} failed: {profile:?}"
            );
        }
    }
    other.await.expect("the other process");
    let history = whole_history(&alice, &conv).await;
    assert_eq!(history.len(), 51, "every send acknowledged was stored once");
}
