//! The Liao chat server.
//!
//! # Layout
//! - [`config`]: the command line (clap) and run-time [`config::Config`].
//! - [`tls`]: certificates (self-signed default via rcgen), fingerprints, reload on SIGHUP.
//! - [`server`]: the listener — TLS handshake, HTTP/1.1 with upgrades, graceful shutdown.
//! - [`http`]: routes — `/healthz`, the file API (tus uploads, signed downloads) and the `/ws`
//!   upgrade with its Origin check.
//! - [`ws`]: one task per connection, split by concept: the `select!` loop, the writer, delivery
//!   (cursors, gap fills, the paged replay), `sync`, and the command table. It talks to services
//!   only.
//! - [`app`]: [`app::App`], the composition of the services below, built once per server.
//! - [`services`]: one struct per domain that owns its state — accounts, friends, chat, groups,
//!   files; [`authz`]: group permissions as a pure function.
//! - [`publish`]: the [`publish::Publisher`], the one way anything reaches live connections after
//!   a commit (and the seam for more nodes); [`hub`]: this node's connections and their queues.
//! - [`store`]: SQLite/PostgreSQL behind one type; per-table submodules; migrations per backend.
//! - [`files`]: the content-addressed blob store on disk, and image processing.
//! - [`passwords`], [`ratelimit`] (rate limits and connection caps), [`background`], [`admin`],
//!   [`error`], [`util`]; [`faults`]: crash points for the fault tests.
//!
//! The path of a message and of an upload, and where a new command goes: `ARCHITECTURE.md`.
//!
//! [`server::run`] takes its listener, app and shutdown signal from the caller, so tests start
//! real servers on port 0 (several per process, and restart them on the same data).

pub mod admin;
pub mod app;
pub mod authz;
pub mod background;
pub mod config;
pub mod error;
pub mod faults;
pub mod files;
pub mod http;
pub mod hub;
pub mod passwords;
pub mod publish;
pub mod ratelimit;
pub mod server;
pub mod services;
pub mod store;
pub mod tls;
pub mod util;
pub mod ws;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, ServeArgs};
use crate::store::Store;
use crate::tls::{CertSource, ReloadableCert};

/// `liao-server serve`: open the store, set up TLS, print where to connect, and serve until
/// SIGTERM or Ctrl-C. SIGHUP reloads the certificate.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = Config::from_args(&args);
    std::fs::create_dir_all(&args.storage.data_dir).with_context(|| {
        format!(
            "creating data directory {}",
            args.storage.data_dir.display()
        )
    })?;
    let store = Store::open(&args.storage.database_url(), args.storage.sqlite_sync)
        .await
        .context("opening the database")?;
    let tls = if args.no_tls {
        tracing::warn!("--no-tls: serving plain HTTP; only do this behind a TLS-terminating proxy");
        None
    } else {
        let source = match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => CertSource::Files {
                cert: cert.clone(),
                key: key.clone(),
            },
            _ => CertSource::SelfSigned {
                dir: args.storage.data_dir.join("tls"),
                names: tls::self_signed_names(args.public_url.as_deref()),
            },
        };
        Some(ReloadableCert::load(source).context("loading the TLS certificate")?)
    };
    let listener = listen(args.listen).with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let app = app::App::new(config, store).await?;
    let shutdown = CancellationToken::new();
    // Signal handlers first: the lines below tell supervisors and scripts the server is ready,
    // and a SIGHUP or SIGTERM sent right after them must not hit the default action.
    spawn_signal_handlers(shutdown.clone(), tls.clone())?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!(
        "Liao {} listening on {scheme}://{addr}",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(cert) = &tls {
        println!(
            "TLS certificate SHA-256 fingerprint: {}",
            cert.fingerprint()
        );
    }
    server::run(listener, app, tls, shutdown).await
}

#[cfg(unix)]
fn spawn_signal_handlers(
    shutdown: CancellationToken,
    tls: Option<std::sync::Arc<ReloadableCert>>,
) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = term.recv() => break,
                _ = int.recv() => break,
                _ = hup.recv() => match &tls {
                    Some(cert) => match cert.reload() {
                        Ok(()) => tracing::info!(fingerprint = %cert.fingerprint(), "TLS certificate reloaded"),
                        Err(e) => tracing::error!("TLS reload failed, keeping the old certificate: {e:#}"),
                    },
                    None => tracing::info!("SIGHUP ignored: TLS is off"),
                },
            }
        }
        tracing::info!("shutting down");
        shutdown.cancel();
    });
    Ok(())
}

#[cfg(not(unix))]
fn spawn_signal_handlers(
    shutdown: CancellationToken,
    _tls: Option<std::sync::Arc<ReloadableCert>>,
) -> anyhow::Result<()> {
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        shutdown.cancel();
    });
    Ok(())
}

/// Listen on `addr` with a deep accept queue. When every client reconnects at once (after a
/// restart or a network blip), a short queue overflows, the kernel drops the excess connection
/// attempts, and each of those clients waits a full SYN retransmission (a second) before trying
/// again. The kernel caps the depth at `net.core.somaxconn`.
fn listen(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    const ACCEPT_QUEUE: u32 = 4096;
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // Restart without waiting for the old connections' TIME_WAIT (on Windows this option would
    // let another process take the port instead).
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(ACCEPT_QUEUE)
}
