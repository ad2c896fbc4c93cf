//! Governance on PostgreSQL takes the group row's lock: a change to a group waits for another
//! transaction holding that row, instead of deciding on what may be changing under it.

mod common;

use std::time::{Duration, Instant};

use common::{Db, TestServer};
use liao_shared::command;
use liao_shared::{GroupSettings, JoinPolicy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_governance_change_waits_for_the_group_row() {
    use sqlx::Connection;
    let server = TestServer::start(Db::Postgres).await;
    let owner = server.register("owner").await;
    let member = server.register("member").await;
    let conversation = owner
        .create_group(GroupSettings {
            name: "locks".into(),
            description: String::new(),
            join_policy: JoinPolicy::Open,
            searchable: true,
            allow_temp_sessions: true,
        })
        .await;
    let group = conversation.conversation_id;
    member
        .ok(command::JoinGroup {
            conversation_id: group.clone(),
            message: None,
        })
        .await;

    // Another transaction (a second admin's change in flight) holds the group row.
    let mut other = sqlx::AnyConnection::connect(&server.db.url)
        .await
        .expect("second connection");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "BEGIN; SELECT 1 FROM groups WHERE conversation_id = '{}' FOR UPDATE",
        group.as_str()
    )))
    .execute(&mut other)
    .await
    .expect("lock the group row");

    // Muting a member changes only the member's row, yet it waits for the group's.
    let started = Instant::now();
    let mute = tokio::spawn(async move {
        owner
            .client
            .request(command::MuteMember {
                conversation_id: group,
                user_id: member.id.clone(),
                seconds: 600,
            })
            .await
            .map(|_| started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !mute.is_finished(),
        "the change did not wait for the group row"
    );
    sqlx::raw_sql("COMMIT")
        .execute(&mut other)
        .await
        .expect("release");
    let waited = mute.await.expect("task").expect("the mute succeeds");
    assert!(waited >= Duration::from_millis(800), "{waited:?}");
}
