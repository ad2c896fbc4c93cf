//! `liao-bench`: reproducible load against a real `liao-server` over the real protocol.
//!
//! # Layout
//! - `main.rs`: the command line; `liao-bench serve …` is the server itself (the generator
//!   re-executes its own binary in that mode, so one build gives both sides).
//! - [`harness`]: starting the server child pinned to its own core, CPU/RSS accounting, populating
//!   users and connections (spread over 127.0.0.0/8 source addresses).
//! - [`scenarios`]: idle, connect, fanout (with or without read receipts), dm, persist, files,
//!   resync, flood.
//! - [`receipts`]: read-by, the "who read" list and read counts of a large group.
//! - [`report`]: latency histograms and the result table plus JSON.

mod harness;
mod receipts;
mod report;
mod scenarios;

use clap::{Parser, Subcommand, ValueEnum};

/// Read receipts in the fan-out scenario.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Receipts {
    Off,
    On,
    Both,
}

/// Liao load generator.
#[derive(Debug, Parser)]
#[command(name = "liao-bench", about)]
struct Cli {
    #[command(subcommand)]
    command: Scenario,
    /// Plain WebSocket (no TLS) instead of TLS, to show what TLS costs.
    #[arg(long, global = true)]
    plain: bool,
    /// Write the results as JSON to this file too.
    #[arg(long, global = true)]
    json: Option<std::path::PathBuf>,
}

/// The scenarios.
#[derive(Debug, Subcommand)]
enum Scenario {
    /// N authenticated idle connections: server RSS per connection and idle CPU.
    Idle {
        /// Connection counts to measure, in order.
        #[arg(long, value_delimiter = ',', default_value = "1000,5000")]
        connections: Vec<usize>,
    },
    /// Connection storm: clients resuming with session tokens at once.
    Connect {
        /// How many clients.
        #[arg(long, default_value_t = 2000)]
        clients: usize,
    },
    /// One group with M online members and S senders, rate ramped until p99 > 100 ms.
    Fanout {
        /// Group sizes to measure.
        #[arg(long, value_delimiter = ',', default_value = "100,1000")]
        members: Vec<usize>,
        /// Senders.
        #[arg(long, default_value_t = 4)]
        senders: usize,
        /// Seconds per rate step.
        #[arg(long, default_value_t = 4)]
        step_secs: u64,
        /// Members mark read as they read and senders pull read counts (`on`), or not (`off`),
        /// or both, back to back for each size (`both`).
        #[arg(long, value_enum, default_value_t = Receipts::Off)]
        receipts: Receipts,
    },
    /// A "who read" list (`read_by`) and read counts for 100 messages in one M-member group.
    ReadBy {
        /// Group size.
        #[arg(long, default_value_t = 2000)]
        members: usize,
        /// Requests of each kind, one after another.
        #[arg(long, default_value_t = 500)]
        requests: usize,
    },
    /// P pairs chatting 1:1 with ack-after-commit.
    Dm {
        /// Pairs.
        #[arg(long, default_value_t = 500)]
        pairs: usize,
        /// Seconds.
        #[arg(long, default_value_t = 8)]
        secs: u64,
    },
    /// Acknowledged messages/s on SQLite (NORMAL, FULL) and PostgreSQL, and history fetch p99.
    Persist {
        /// Concurrent senders.
        #[arg(long, default_value_t = 64)]
        senders: usize,
        /// Seconds per backend.
        #[arg(long, default_value_t = 6)]
        secs: u64,
        /// PostgreSQL server to create a scratch database on (skipped when absent).
        #[arg(long, env = "LIAO_BENCH_POSTGRES")]
        postgres: Option<String>,
    },
    /// 1 MB × 32 concurrent and 1 GB × 1 upload + download.
    Files {
        /// Size of the large file in MB.
        #[arg(long, default_value_t = 1000)]
        large_mb: u64,
        /// Concurrent small transfers.
        #[arg(long, default_value_t = 32)]
        concurrent: usize,
    },
    /// N clients reconnect at once, each K messages behind.
    Resync {
        /// Clients.
        #[arg(long, default_value_t = 500)]
        clients: usize,
        /// Messages each is behind.
        #[arg(long, default_value_t = 100)]
        behind: usize,
    },
    /// One user's send latency alone, then while one account floods commands and one address
    /// holds idle connections (the server's default limits).
    Flood {
        /// Connections of the flooding account (the server admits 32).
        #[arg(long, default_value_t = 200)]
        connections: usize,
        /// Idle TCP connections from one address (the server admits 2,000).
        #[arg(long, default_value_t = 5000)]
        idle: usize,
        /// Seconds per phase.
        #[arg(long, default_value_t = 10)]
        secs: u64,
    },
    /// Run the server (used by the generator for its child process).
    #[command(hide = true)]
    Serve(Box<liao_server::config::ServeArgs>),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Scenario::Serve(args) = cli.command {
        tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_writer(std::io::stderr)
            .init();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        return runtime.block_on(liao_server::serve(*args));
    }
    harness::pin_self();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let results = runtime.block_on(async {
        let tls = !cli.plain;
        match cli.command {
            Scenario::Idle { connections } => scenarios::idle(tls, &connections).await,
            Scenario::Connect { clients } => scenarios::connect(tls, clients).await,
            Scenario::Fanout {
                members,
                senders,
                step_secs,
                receipts,
            } => {
                let modes: &[bool] = match receipts {
                    Receipts::Off => &[false],
                    Receipts::On => &[true],
                    Receipts::Both => &[false, true],
                };
                scenarios::fanout(tls, &members, senders, step_secs, modes).await
            }
            Scenario::ReadBy { members, requests } => {
                receipts::read_by(tls, members, requests).await
            }
            Scenario::Dm { pairs, secs } => scenarios::dm(tls, pairs, secs).await,
            Scenario::Persist {
                senders,
                secs,
                postgres,
            } => scenarios::persist(tls, senders, secs, postgres).await,
            Scenario::Files {
                large_mb,
                concurrent,
            } => scenarios::files(large_mb, concurrent).await,
            Scenario::Resync { clients, behind } => scenarios::resync(tls, clients, behind).await,
            Scenario::Flood {
                connections,
                idle,
                secs,
            } => scenarios::flood(tls, connections, idle, secs).await,
            Scenario::Serve(_) => unreachable!("handled above"),
        }
    })?;
    report::print(&results);
    if let Some(path) = cli.json {
        std::fs::write(path, serde_json::to_string_pretty(&results)?)?;
    }
    Ok(())
}
