//! Periodic chores: forgetting idle rate-limit keys, deleting abandoned uploads and repairing
//! what a crash left in the file store (at start and hourly), and closing the connections of
//! accounts an administrator disabled or whose sessions they ended (possibly from another
//! process: `liao-server user disable`, `user passwd`).

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::util::now_ms;

/// How often disabled accounts are looked for.
const DISABLED_POLL: Duration = Duration::from_secs(2);

/// Scratch files and unrecorded blobs younger than this are never swept: they may belong to an
/// upload being finished right now (on this node or another).
const SWEEP_GRACE: Duration = Duration::from_secs(3600);

/// Start the chores; they stop with `shutdown`.
pub fn spawn(app: Arc<App>, shutdown: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        // Uploads a crash interrupted are finished before anyone asks.
        let recovering = app.clone();
        tokio::spawn(async move {
            if let Err(e) = recovering.files.recover_files(SWEEP_GRACE).await {
                tracing::warn!(error = %e, "repairing the file store failed");
            }
        });
        let mut tick = tokio::time::interval(DISABLED_POLL);
        let mut since = now_ms();
        let mut rounds: u64 = 0;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tick.tick() => {}
            }
            rounds += 1;
            let started = now_ms();
            match app
                .accounts
                .kill_revoked_since(since.saturating_sub(DISABLED_POLL.as_millis() as u64))
                .await
            {
                Ok(()) => since = started,
                Err(e) => tracing::warn!(error = %e, "polling disabled accounts failed"),
            }
            if rounds.is_multiple_of(30) {
                app.limits.housekeeping();
            }
            if rounds.is_multiple_of(1800) {
                if let Err(e) = app.files.cleanup_uploads().await {
                    tracing::warn!(error = %e, "cleaning up uploads failed");
                }
                if let Err(e) = app.files.recover_files(SWEEP_GRACE).await {
                    tracing::warn!(error = %e, "repairing the file store failed");
                }
            }
        }
    })
}
