//! The listener: accept TCP, do the TLS handshake (unless `--no-tls`), serve HTTP/1.1 with
//! upgrades, and shut down gracefully.
//!
//! # Shutdown
//! When the shutdown token is cancelled the accept loop stops (the listener is dropped, so new
//! connections are refused), open HTTP connections finish their current request, every WebSocket
//! task sends `shutting_down` and closes with 1001 after the command it is running (so an
//! in-flight send still commits and is acknowledged), and the database pools close last.
//!
//! # Floods
//! Each client address holds at most `--max-connections-per-ip` connections, counted from the
//! moment they are accepted (before TLS, so idle sockets count): beyond it a new connection is
//! closed at once. A connection from a trusted proxy is counted per forwarded address instead, at
//! the WebSocket upgrade (see `http`). When accepting fails (out of file descriptors), the loop
//! backs off, up to a second, and logs once per episode instead of spinning.

use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

use crate::app::App;
use crate::http::{HttpState, router};
use crate::tls::ReloadableCert;

/// Seconds a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The place a connection holds under its address's cap, shared by the connection's task and,
/// through the request's extensions, by a WebSocket it upgrades to. `None`: not counted here
/// (a trusted proxy's connection).
#[derive(Clone, Debug)]
pub struct ConnectionPlace(pub Option<Arc<crate::ratelimit::CapGuard>>);

/// Backs the accept loop off while accepting fails (typically out of file descriptors).
#[derive(Default)]
struct AcceptBackoff {
    failures: u32,
}

impl AcceptBackoff {
    /// After a failure: how long to wait. Logged at the start of an episode only.
    fn failed(&mut self, e: &std::io::Error) -> Duration {
        if self.failures == 0 {
            tracing::warn!(error = %e, "accepting connections failed; backing off");
        }
        self.failures = self.failures.saturating_add(1);
        Duration::from_millis(10u64 << self.failures.min(7)).min(Duration::from_secs(1))
    }

    /// After a success: the episode (if any) is over.
    fn succeeded(&mut self) {
        if self.failures > 0 {
            tracing::info!(failures = self.failures, "accepting connections again");
            self.failures = 0;
        }
    }
}

/// Serve on `listener` until `shutdown` is cancelled. `tls: None` serves plain HTTP.
pub async fn run(
    listener: TcpListener,
    app: Arc<App>,
    tls: Option<Arc<ReloadableCert>>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let acceptor = match &tls {
        Some(cert) => Some(TlsAcceptor::from(cert.server_config()?)),
        None => None,
    };
    let tasks = TaskTracker::new();
    let routes = router(HttpState {
        app: app.clone(),
        shutdown: shutdown.clone(),
        tasks: tasks.clone(),
    });
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30));
    let background = crate::background::spawn(app.clone(), shutdown.clone());
    let mut backoff = AcceptBackoff::default();
    let cap = app.limits.connections.clone();
    let trusted = app.config.trusted_proxies.clone();

    loop {
        let (tcp, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    let wait = backoff.failed(&e);
                    tokio::select! {
                        _ = shutdown.cancelled() => break,
                        _ = tokio::time::sleep(wait) => continue,
                    }
                }
            },
        };
        backoff.succeeded();
        let place = if trusted.iter().any(|net| net.contains(&peer.ip())) {
            ConnectionPlace(None)
        } else {
            match cap.try_acquire(peer.ip()) {
                Some(guard) => ConnectionPlace(Some(Arc::new(guard))),
                // Over the cap: close at once, before any TLS work.
                None => continue,
            }
        };
        let _ = tcp.set_nodelay(true);
        let routes = routes.clone();
        let request_place = place.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            req.extensions_mut().insert(request_place.clone());
            routes.clone().oneshot(req)
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let _place = place;
            let result = match acceptor {
                Some(acceptor) => {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => {
                            let conn = builder
                                .serve_connection_with_upgrades(TokioIo::new(stream), service);
                            watcher.watch(conn.into_owned()).await
                        }
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, error = %e, "TLS handshake failed");
                            return;
                        }
                        Err(_) => return,
                    }
                }
                None => {
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(tcp), service);
                    watcher.watch(conn.into_owned()).await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tasks.close();
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), tasks.wait()).await;
    background.abort();
    app.close().await;
    Ok(())
}
