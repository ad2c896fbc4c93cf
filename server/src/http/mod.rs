//! HTTP routes on the one port: `/healthz`, `/ws` (the WebSocket upgrade, with the cross-site
//! WebSocket hijacking check), the file endpoints in [`files`] (tus uploads, downloads), and the
//! embedded web UI ([`ui`]) for everything else. With `--test-echo-route` (tests only) also
//! `/_test/echo`, an echo peer behind the same upgrade checks and WebSocket settings as `/ws`.

pub mod files;
mod linger;
pub mod ui;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::TokioIo;
use ipnet::IpNet;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::app::App;

/// Shared state of the HTTP layer.
#[derive(Clone)]
pub struct HttpState {
    /// The application.
    pub app: Arc<App>,
    /// Cancelled when the server shuts down; WebSocket tasks close with 1001.
    pub shutdown: CancellationToken,
    /// Tracks WebSocket tasks so shutdown can wait for them.
    pub tasks: TaskTracker,
}

/// Origins of the desktop app's webview (Tauri on Linux/macOS, and on Windows).
const DESKTOP_ORIGINS: &[&str] = &[
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
];

/// The router.
pub fn router(state: HttpState) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/ws", get(websocket));
    if state.app.config.test_echo_route {
        router = router.route(crate::ws::echo::PATH, get(test_echo));
    }
    router
        .merge(files::routes())
        // Everything else under /api is an API path that does not exist: a JSON 404, not the UI.
        .route("/api", axum::routing::any(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .fallback(ui::serve)
        .with_state(state)
}

async fn api_not_found() -> Response {
    crate::error::Error::not_found("no such API path").into_response()
}

/// Always 200 while the server answers; `degraded` says what an operator should look at (free
/// space below the reserve: uploads are refused, messages still work).
async fn healthz(State(state): State<HttpState>) -> Response {
    let low = state.app.files.storage_low().await;
    let body = serde_json::json!({
        "status": if low { "degraded" } else { "ok" },
        "version": env!("CARGO_PKG_VERSION"),
        "protocol": liao_shared::PROTOCOL_VERSION,
        "storage": if low { "low" } else { "ok" },
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, why).into_response()
}

/// Set each header to its fixed value.
pub fn set_headers(h: &mut HeaderMap, headers: &[(HeaderName, &'static str)]) {
    for (name, value) in headers {
        h.insert(name.clone(), HeaderValue::from_static(value));
    }
}

/// Whether a browser's `Origin` may open a WebSocket here: the page must come from this server
/// (same host as the request), the configured public URL, the desktop app, or an allowed origin.
pub fn origin_allowed(origin: &str, host: Option<&str>, app: &App) -> bool {
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    if DESKTOP_ORIGINS.contains(&origin.as_str()) || app.config.allow_origins.contains(&origin) {
        return true;
    }
    if let Some(public) = &app.config.public_url
        && public.trim_end_matches('/').to_ascii_lowercase() == origin
    {
        return true;
    }
    // Same origin: the origin's authority equals the Host the browser connected to.
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    matches!((authority, host), (Some(a), Some(h)) if a == h.to_ascii_lowercase())
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer)
}

async fn websocket(State(state): State<HttpState>, mut request: Request) -> Response {
    let (app, shutdown) = (state.app.clone(), state.shutdown.clone());
    upgrade(&state, &mut request, move |ws, ip| {
        crate::ws::connection::serve(app, ws, ip, shutdown)
    })
}

/// `/_test/echo` (only with `--test-echo-route`): a WebSocket peer that echoes every frame, for
/// protocol conformance suites. Same upgrade checks, cap, settings and socket as `/ws`.
async fn test_echo(State(state): State<HttpState>, mut request: Request) -> Response {
    let shutdown = state.shutdown.clone();
    upgrade(&state, &mut request, move |ws, _| {
        crate::ws::echo::serve(ws, shutdown)
    })
}

/// The upgraded socket every WebSocket route gets. When the route drops it, the socket comes
/// back to the upgrade task, which closes it with a [`linger::linger`]ing close.
type Upgraded = WebSocketStream<linger::HandBack<TokioIo<hyper::upgrade::Upgraded>>>;

/// Check a WebSocket upgrade and answer it: 101, and `serve` runs the upgraded socket (with
/// [`crate::ws::config`]) and the client's address ([`client_ip`]) on a tracked task that holds
/// the connection's place under its address's cap until the socket is closed (lingering, see
/// [`linger`]); or the refusal, when the request is not an
/// acceptable upgrade or the address is at its cap.
fn upgrade<F, Fut>(state: &HttpState, request: &mut Request, serve: F) -> Response
where
    F: FnOnce(Upgraded, IpAddr) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let key = match check_upgrade(request.headers(), &state.app) {
        Ok(key) => key,
        Err((status, why)) => return refuse(status, why),
    };
    // The server always serves with the peer's address (`into_make_service_with_connect_info`).
    let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "no peer address");
    };
    let ip = client_ip(
        peer.ip(),
        request.headers(),
        &state.app.config.trusted_proxies,
    );
    // The place this connection holds under its address's cap; behind a trusted proxy, the
    // forwarded address is counted here instead.
    let mut place = request
        .extensions()
        .get::<crate::server::ConnectionPlace>()
        .cloned()
        .unwrap_or(crate::server::ConnectionPlace(None));
    if place.0.is_none() {
        match state.app.limits.connections.try_acquire(ip) {
            Some(guard) => place = crate::server::ConnectionPlace(Some(Arc::new(guard))),
            None => {
                return refuse(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many connections from this address",
                );
            }
        }
    }
    let on_upgrade = hyper::upgrade::on(request);
    state.tasks.spawn(async move {
        let _place = place;
        match on_upgrade.await {
            Ok(upgraded) => {
                let (io, returned) = linger::HandBack::new(TokioIo::new(upgraded));
                let ws =
                    WebSocketStream::from_raw_socket(io, Role::Server, Some(crate::ws::config()))
                        .await;
                serve(ws, ip).await;
                if let Ok(io) = returned.await {
                    linger::linger(io).await;
                }
            }
            Err(e) => tracing::debug!(error = %e, "upgrade failed"),
        }
    });
    let mut response = StatusCode::SWITCHING_PROTOCOLS.into_response();
    let h = response.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    if let Ok(v) = HeaderValue::from_str(&key) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    response
}

/// The `Sec-WebSocket-Accept` value for an acceptable upgrade request, or the status and reason
/// refusing it (not an upgrade, wrong version, no key, or a cross-site origin).
fn check_upgrade(headers: &HeaderMap, app: &App) -> Result<String, (StatusCode, &'static str)> {
    let has_token = |name: header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .map(|s| s.split(',').any(|p| p.trim().eq_ignore_ascii_case(token)))
                .unwrap_or(false)
        })
    };
    if !has_token(header::UPGRADE, "websocket") || !has_token(header::CONNECTION, "upgrade") {
        return Err((StatusCode::UPGRADE_REQUIRED, "WebSocket upgrade required"));
    }
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .map(|v| v.as_bytes())
        != Some(b"13")
    {
        return Err((StatusCode::BAD_REQUEST, "unsupported WebSocket version"));
    }
    let Some(key) = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .map(|k| derive_accept_key(k.as_bytes()))
    else {
        return Err((StatusCode::BAD_REQUEST, "missing Sec-WebSocket-Key"));
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let ok = origin
            .to_str()
            .map(|o| origin_allowed(o, host, app))
            .unwrap_or(false);
        if !ok {
            return Err((StatusCode::FORBIDDEN, "origin not allowed"));
        }
    }
    Ok(key)
}
