//! Group commit (`Store::batch`): jobs that queue while a batch runs share the next transaction,
//! each in its own savepoint, so one failing job undoes only its own writes. Runs on SQLite and
//! on PostgreSQL.

mod common;

use std::time::Duration;

use common::{Db, TestDb};
use liao_server::config::SqliteSync;
use liao_server::error::{Error, Result};
use liao_server::store::{Store, Tx};
use liao_shared::ErrorCode;

on_both_backends!(a_failing_job_undoes_only_its_own_writes);

/// Insert key `k` into the probe table.
async fn put(tx: &mut Tx, k: &str) -> Result<()> {
    sqlx::query("INSERT INTO batch_probe (k) VALUES ($1)")
        .bind(k)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Queue a job that inserts `k`, then fails with `fail` if given.
fn job(store: &Store, k: &'static str, fail: Option<Error>) -> tokio::task::JoinHandle<Result<()>> {
    let store = store.clone();
    tokio::spawn(async move {
        store
            .batch(move |tx| {
                Box::pin(async move {
                    put(tx, k).await?;
                    fail.map_or(Ok(()), Err)
                })
            })
            .await
    })
}

async fn a_failing_job_undoes_only_its_own_writes(db: Db) {
    let db = TestDb::new(db).await;
    let store = Store::open(&db.url, SqliteSync::Normal).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    sqlx::raw_sql("CREATE TABLE batch_probe (k TEXT PRIMARY KEY)")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Jobs that hold every batch worker until released, so the next four queue behind them and
    // are taken together into one batch. (Each is queued once the one before it runs: a worker
    // takes everything queued at once.)
    let (release, gate) = tokio::sync::watch::channel(false);
    let mut holders = Vec::new();
    for n in 0..store.batch_workers() {
        let (started, running) = tokio::sync::oneshot::channel();
        let (store, mut gate) = (store.clone(), gate.clone());
        holders.push(tokio::spawn(async move {
            store
                .batch(move |tx| {
                    Box::pin(async move {
                        put(tx, &format!("holder{n}")).await?;
                        started.send(()).ok();
                        gate.wait_for(|open| *open).await.ok();
                        Ok(())
                    })
                })
                .await
        }));
        running.await.unwrap();
    }
    // Queued one after another, so they run in this order.
    let mut queued = Vec::new();
    let jobs: [(&'static str, Option<Error>); 4] = [
        ("a", None),
        (
            "b",
            Some(Error::client(
                ErrorCode::BadRequest,
                "refused after writing",
            )),
        ),
        // A statement error (PostgreSQL then refuses every statement until the savepoint is
        // undone).
        ("a", None),
        ("d", None),
    ];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    for (k, fail) in jobs {
        queued.push(job(&store, k, fail));
        while store.queued_batch_jobs() < queued.len() {
            assert!(tokio::time::Instant::now() < deadline, "jobs never queued");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let [a, b, dup, d] = <[_; 4]>::try_from(queued).unwrap();
    release.send(true).unwrap();

    for holder in holders {
        holder.await.unwrap().unwrap();
    }
    a.await.unwrap().unwrap();
    match b.await.unwrap() {
        Err(Error::Client { code, .. }) => assert_eq!(code, ErrorCode::BadRequest),
        other => panic!("b: {other:?}"),
    }
    let dup = dup.await.unwrap().unwrap_err();
    assert!(dup.is_unique_violation(), "dup: {dup:?}");
    d.await.unwrap().unwrap();

    let keys: Vec<String> =
        sqlx::query_scalar("SELECT k FROM batch_probe WHERE k NOT LIKE 'holder%' ORDER BY k")
            .fetch_all(store.reader())
            .await
            .unwrap();
    assert_eq!(keys, ["a", "d"]);
    store.close().await;
}
