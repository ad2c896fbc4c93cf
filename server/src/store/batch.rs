//! Group commit: many small write transactions share one commit.
//!
//! A send is a handful of statements and one commit, and the commit is the expensive part: on
//! SQLite it writes every page the transaction touched to the WAL (with `synchronous = FULL`,
//! and fsyncs it), on PostgreSQL it waits for the WAL flush. When many senders are active at once,
//! [`Batcher::run`] lets their work share a transaction instead:
//!
//! - Work is queued; a worker takes everything queued (up to [`MAX_BATCH`]), opens one
//!   transaction and runs each job in turn inside its own savepoint.
//! - A job refused for a client reason (not friends, muted, a unique key taken) is rolled back to
//!   its savepoint and told its error at once; the jobs before and after it are unaffected. One
//!   bad message never rolls back the others.
//! - A job that fails because the database did (a full disk, a lost connection) ends the whole
//!   batch: such an error may have rolled back the entire transaction behind the driver's back
//!   (SQLite does so on `SQLITE_FULL`), so nothing of the batch can be trusted to commit. Every
//!   job of it is told the error, and the connection, possibly left inside a broken transaction,
//!   is not reused (see `release_check` in the parent module).
//! - After the commit, each successful job's caller gets its result, in the order the jobs ran.
//!   Nothing is acknowledged before it is durable. If the commit fails, every job of the batch
//!   gets the error, classified for the client (`storage_full`, or `server_busy` when the outcome
//!   is unknown: a PostgreSQL COMMIT that failed may in fact have committed, which the client's
//!   resend by `client_msg_id` resolves).
//! - A lone job runs without a savepoint: under light load a send costs what it did before.
//!
//! Batches form by themselves: while one commits, the next senders queue. No job waits for a
//! timer or for a batch to fill.
//!
//! A job must use only the transaction it is given (and the read pool): on SQLite the worker
//! holds the only write connection for the whole batch.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use sqlx::AnyPool;
use tokio::sync::{Mutex, mpsc, oneshot};

use super::{Backend, Tx};
use crate::error::{Error, Result};

/// At most this many jobs share a transaction, so that a job never waits behind an unbounded
/// amount of others' work before its commit.
pub const MAX_BATCH: usize = 256;

/// Jobs waiting beyond this many make senders wait to queue (back-pressure, bounded memory).
const QUEUE: usize = 4096;

/// A queued unit of work, erased over its result: it runs in the batch's transaction and says
/// whether its writes are kept, plus how to tell its caller how the batch ended.
type Job = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Ran> + Send>;

/// Tells a job's caller how its batch ended: the commit's error, if it failed.
type Finish = Box<dyn FnOnce(Option<&Error>) + Send>;

/// What a job left behind.
struct Ran {
    /// What became of its writes.
    outcome: Outcome,
    /// Deliver its result once the batch's fate is known.
    finish: Finish,
}

/// How a job ended.
enum Outcome {
    /// Keep its writes.
    Keep,
    /// Refused for a client reason: roll back to its savepoint (its caller has the error).
    Undo,
    /// The database failed: the whole batch ends with this error (its caller has it too).
    Abort(Error),
}

/// Runs write transactions in shared batches (see the module documentation).
#[derive(Clone)]
pub struct Batcher {
    jobs: mpsc::Sender<Job>,
    workers: usize,
}

impl std::fmt::Debug for Batcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher").finish_non_exhaustive()
    }
}

impl Batcher {
    /// Start `workers` workers, each committing its own batches on a connection of `pool`.
    /// SQLite has one writer, so one worker; PostgreSQL commits several batches at once.
    pub fn start(pool: AnyPool, backend: Backend, workers: usize) -> Batcher {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let workers = workers.max(1);
        for _ in 0..workers {
            tokio::spawn(worker(pool.clone(), backend, queue.clone()));
        }
        Batcher { jobs, workers }
    }

    /// How many batches can run at once.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Jobs queued and not yet taken into a batch.
    pub fn queued(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }

    /// Run `work` in a write transaction shared with other queued work; its result is returned
    /// after the commit. An error from `work` undoes only `work`'s own writes.
    pub async fn run<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T>> + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |tx| {
            Box::pin(async move {
                match work(tx).await {
                    Ok(value) => Ran {
                        outcome: Outcome::Keep,
                        finish: Box::new(move |failed| {
                            let _ = done.send(match failed {
                                None => Ok(value),
                                Some(e) => Err(e.for_another()),
                            });
                        }),
                    },
                    Err(e) => {
                        let outcome = if database_failed(&e) {
                            Outcome::Abort(e.for_another())
                        } else {
                            Outcome::Undo
                        };
                        let _ = done.send(Err(e));
                        Ran {
                            outcome,
                            finish: Box::new(|_| {}),
                        }
                    }
                }
            })
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| Error::Internal("the store is closed".into()))?;
        // A job dropped unrun (its batch could not start, or ended early) drops its sender.
        // Nothing of it was written: the client may retry.
        result
            .await
            .map_err(|_| Error::Busy("the write batch was abandoned".into()))?
    }
}

/// Whether `e` means the database itself failed (rather than refusing one statement, as a
/// constraint does), so that the transaction may be gone.
fn database_failed(e: &Error) -> bool {
    match e {
        Error::Db(sqlx::Error::Database(db)) => {
            matches!(db.kind(), sqlx::error::ErrorKind::Other)
        }
        // Reading a row or a value wrong is our bug, not the database's failure.
        Error::Db(
            sqlx::Error::RowNotFound
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnIndexOutOfBounds { .. }
            | sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::Decode(_)
            | sqlx::Error::Encode(_)
            | sqlx::Error::TypeNotFound { .. },
        ) => false,
        Error::Db(_) | Error::StorageFull(_) | Error::Busy(_) => true,
        _ => false,
    }
}

/// Take batches off the queue until every [`Batcher`] is gone.
async fn worker(pool: AnyPool, backend: Backend, queue: Arc<Mutex<mpsc::Receiver<Job>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        {
            let mut queue = queue.lock().await;
            if queue.recv_many(&mut batch, MAX_BATCH).await == 0 {
                return;
            }
        }
        let mut finishes = Vec::with_capacity(batch.len());
        let outcome = run_batch(&pool, backend, &mut batch, &mut finishes).await;
        if let Err(e) = &outcome {
            tracing::warn!(error = %e, "write batch failed");
        }
        // Every job that ran and kept its writes learns the batch's fate; jobs left unrun are
        // dropped here, and their callers see the batch abandoned.
        let failed = outcome.err();
        for finish in finishes.drain(..) {
            finish(failed.as_ref());
        }
        batch.clear();
    }
}

/// One transaction for `batch`'s jobs, each in its own savepoint when there are several. The
/// finishes of the jobs that kept their writes are collected in `finishes`, to be told the
/// outcome: `Ok` only once the commit succeeded.
async fn run_batch(
    pool: &AnyPool,
    backend: Backend,
    batch: &mut Vec<Job>,
    finishes: &mut Vec<Finish>,
) -> Result<()> {
    let mut tx = backend.begin(pool).await?;
    let alone = batch.len() == 1;
    let mut savepoint_open = false;
    for job in batch.drain(..) {
        if !alone && !savepoint_open {
            sqlx::raw_sql("SAVEPOINT job").execute(&mut *tx).await?;
        }
        let ran = job(&mut tx).await;
        match ran.outcome {
            // The transaction may already be gone; dropping it rolls back what is left.
            Outcome::Abort(e) => return Err(e),
            Outcome::Undo if alone => {
                tx.rollback().await?;
                return Ok(());
            }
            Outcome::Undo => {
                sqlx::raw_sql("ROLLBACK TO job").execute(&mut *tx).await?;
            }
            Outcome::Keep => {
                finishes.push(ran.finish);
                if !alone {
                    // Release this job's savepoint and open the next one's in one round trip.
                    sqlx::raw_sql("RELEASE job; SAVEPOINT job")
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        savepoint_open = !alone;
    }
    if savepoint_open {
        sqlx::raw_sql("RELEASE job").execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
