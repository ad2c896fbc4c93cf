//! The async Rust client: one TLS WebSocket connection to a Liao server.
//!
//! # Concurrency
//! [`Client::connect`] spawns one task that owns the socket. Requests travel to it over a bounded
//! channel together with a oneshot for the reply; the task matches `ok`/`error` frames to pending
//! requests by `id` and forwards every other frame (pushes) to the [`Pushes`] receiver. Dropping
//! the [`Client`] (all clones) closes the connection.
//!
//! # Trust
//! [`Trust::WebPki`] validates the server certificate against the Mozilla roots (a server with a
//! real certificate); [`Trust::Pinned`] accepts exactly one certificate, identified by the SHA-256
//! of its DER encoding, as printed by `liao-server` at start-up (trust on first use for the
//! self-signed default).

pub mod transfer;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};

use crate::{ClientFrame, Command, ErrorCode, Reply, ServerFrame};

/// Errors of the client library.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The URL could not be used.
    #[error("invalid url: {0}")]
    Url(String),
    /// TCP, TLS or WebSocket failure.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The server refused the WebSocket upgrade with this HTTP status.
    #[error("server answered HTTP {0}")]
    HttpStatus(u16),
    /// The server answered the request with an error frame.
    #[error("{code}: {message}")]
    Server {
        /// Machine code.
        code: ErrorCode,
        /// Developer message.
        message: String,
        /// Retry hint for rate limits.
        retry_after_ms: Option<u64>,
    },
    /// The connection is closed.
    #[error("connection closed")]
    Closed,
    /// The server sent something this client could not understand.
    #[error("protocol violation: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The server's error code, if this is a server error.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Server { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// How to trust the server's certificate.
#[derive(Clone, Debug)]
pub enum Trust {
    /// Standard validation against the bundled Mozilla root store.
    WebPki,
    /// Accept only the certificate whose DER encoding has this SHA-256.
    Pinned([u8; 32]),
}

/// Connection options.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// Certificate trust (ignored for `ws://`).
    pub trust: Trust,
    /// `Origin` header to send (browsers always send one; native clients normally don't).
    pub origin: Option<String>,
    /// Local address to connect from (load generators spread connections over 127.0.0.0/8 so
    /// ephemeral ports never run out); `None` lets the OS choose.
    pub bind: Option<std::net::IpAddr>,
}

/// Parse a fingerprint printed as hex, with or without colons.
pub fn parse_fingerprint(s: &str) -> Option<[u8; 32]> {
    let clean: String = s.chars().filter(|c| *c != ':').collect();
    hex::decode(clean).ok()?.try_into().ok()
}

/// SHA-256 of a certificate's DER encoding.
pub fn fingerprint(der: &[u8]) -> [u8; 32] {
    Sha256::digest(der).into()
}

/// Connect to `host:port`, complete a TLS handshake accepting any certificate (the server must
/// still prove it holds the certificate's key), and return the SHA-256 of the certificate it
/// presented. Apps use this for trust on first use: show the fingerprint, let the user confirm,
/// then connect with [`Trust::Pinned`].
pub async fn server_fingerprint(host: &str, port: u16) -> Result<[u8; 32], ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let seen: Arc<Mutex<Option<[u8; 32]>>> = Arc::default();
    let verifier = Arc::new(FingerprintVerifier {
        check: Check::Record(seen.clone()),
        provider: provider.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Connect(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    let tcp = TcpStream::connect((host, port))
        .await
        .map_err(|e| ClientError::Connect(e.to_string()))?;
    let name =
        ServerName::try_from(host.to_owned()).map_err(|e| ClientError::Url(e.to_string()))?;
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| ClientError::Connect(e.to_string()))?;
    let fp = *lock(&seen);
    fp.ok_or_else(|| ClientError::Protocol("no certificate presented".into()))
}

type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<ServerFrame>>>>;

enum Outgoing {
    Frame(String, Option<(String, oneshot::Sender<ServerFrame>)>),
    Close,
}

/// A connection to a Liao server. Cheap to clone; all clones share the connection.
#[derive(Clone)]
pub struct Client {
    tx: mpsc::Sender<Outgoing>,
    next_id: Arc<AtomicU64>,
}

/// Frames the server pushed (events, messages, typing, presence, sync markers, and errors without
/// a request id), in arrival order.
pub struct Pushes(mpsc::UnboundedReceiver<ServerFrame>);

impl Pushes {
    /// The next push, or `None` once the connection is closed.
    pub async fn recv(&mut self) -> Option<ServerFrame> {
        self.0.recv().await
    }

    /// A push that is already queued, without waiting.
    pub fn try_recv(&mut self) -> Option<ServerFrame> {
        self.0.try_recv().ok()
    }
}

/// The client's rustls configuration; the `ring` provider is passed explicitly, never a process
/// default, so the library works whatever else the application links.
pub(crate) fn tls_config(trust: &Trust) -> Result<rustls::ClientConfig, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Connect(e.to_string()))?;
    let mut config = match trust {
        Trust::WebPki => {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::Pinned(fp) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(FingerprintVerifier {
                check: Check::Pin(*fp),
                provider,
            }))
            .with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// What a [`FingerprintVerifier`] does with the server's certificate.
#[derive(Debug)]
enum Check {
    /// Accept exactly the certificate with this fingerprint.
    Pin([u8; 32]),
    /// Accept any certificate and remember its fingerprint (trust on first use).
    Record(Arc<Mutex<Option<[u8; 32]>>>),
}

/// Identifies the server by its certificate's fingerprint instead of a CA chain. Handshake
/// signatures are still verified normally, so the server must own the certificate's key.
#[derive(Debug)]
struct FingerprintVerifier {
    check: Check,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for FingerprintVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint(end_entity);
        match &self.check {
            Check::Pin(pinned) if *pinned == seen => Ok(ServerCertVerified::assertion()),
            Check::Pin(_) => Err(rustls::Error::General(
                "server certificate does not match the pinned fingerprint".into(),
            )),
            Check::Record(slot) => {
                *lock(slot) = Some(seen);
                Ok(ServerCertVerified::assertion())
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn map_ws_error(e: tungstenite::Error) -> ClientError {
    match e {
        tungstenite::Error::Http(resp) => ClientError::HttpStatus(resp.status().as_u16()),
        other => ClientError::Connect(other.to_string()),
    }
}

impl Client {
    /// Connect to `url` (`wss://host:port/ws`, or `ws://` for a server behind a TLS proxy on
    /// loopback). Nothing is sent yet: follow with [`Client::login`], [`Client::register`] or
    /// [`Client::resume`].
    pub async fn connect(
        url: &str,
        options: ConnectOptions,
    ) -> Result<(Client, Pushes), ClientError> {
        let mut request = url
            .into_client_request()
            .map_err(|e| ClientError::Url(e.to_string()))?;
        if let Some(origin) = &options.origin {
            let value = origin
                .parse()
                .map_err(|_| ClientError::Url("bad origin".into()))?;
            request.headers_mut().insert("origin", value);
        }
        let uri = request.uri().clone();
        let host = uri
            .host()
            .ok_or_else(|| ClientError::Url("no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let secure = match uri.scheme_str() {
            Some("wss") => true,
            Some("ws") => false,
            _ => return Err(ClientError::Url("scheme must be wss or ws".into())),
        };
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
        let tcp = match options.bind {
            None => TcpStream::connect((host.as_str(), port)).await,
            Some(local) => {
                let remote = tokio::net::lookup_host((host.as_str(), port))
                    .await
                    .map_err(|e| ClientError::Connect(e.to_string()))?
                    .find(|a| a.is_ipv4() == local.is_ipv4())
                    .ok_or_else(|| {
                        ClientError::Url("no address of the bind address's family".into())
                    })?;
                let socket = if local.is_ipv4() {
                    tokio::net::TcpSocket::new_v4()
                } else {
                    tokio::net::TcpSocket::new_v6()
                }
                .map_err(|e| ClientError::Connect(e.to_string()))?;
                socket
                    .bind((local, 0).into())
                    .map_err(|e| ClientError::Connect(e.to_string()))?;
                socket.connect(remote).await
            }
        }
        .map_err(|e| ClientError::Connect(e.to_string()))?;
        let _ = tcp.set_nodelay(true);
        // Liao limits inbound frames to 256 KiB; small buffers keep many connections cheap.
        let ws_config = WebSocketConfig::default()
            .max_message_size(Some(crate::limits::MAX_OUTBOUND_FRAME * 2))
            .max_frame_size(Some(crate::limits::MAX_OUTBOUND_FRAME * 2))
            .read_buffer_size(16 * 1024)
            .write_buffer_size(0);
        let (sink_tx, pushes_rx) = if secure {
            let config = tls_config(&options.trust)?;
            let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
            let name =
                ServerName::try_from(host.clone()).map_err(|e| ClientError::Url(e.to_string()))?;
            let tls = connector
                .connect(name, tcp)
                .await
                .map_err(|e| ClientError::Connect(e.to_string()))?;
            let (ws, _resp) =
                tokio_tungstenite::client_async_with_config(request, tls, Some(ws_config))
                    .await
                    .map_err(map_ws_error)?;
            spawn_io(ws)
        } else {
            let (ws, _resp) =
                tokio_tungstenite::client_async_with_config(request, tcp, Some(ws_config))
                    .await
                    .map_err(map_ws_error)?;
            spawn_io(ws)
        };
        Ok((
            Client {
                tx: sink_tx,
                next_id: Arc::new(AtomicU64::new(1)),
            },
            Pushes(pushes_rx),
        ))
    }

    /// Send a command and wait for its reply. Takes a [`Command`] or a command's struct alone
    /// (`client.request(History { … })`).
    pub async fn request(&self, command: impl Into<Command>) -> Result<Reply, ClientError> {
        let id = format!("r{}", self.next_id.fetch_add(1, Ordering::Relaxed));
        let frame = ClientFrame {
            id: id.clone(),
            command: command.into(),
        };
        let text =
            serde_json::to_string(&frame).map_err(|e| ClientError::Protocol(e.to_string()))?;
        match self.raw_request(id, text).await? {
            ServerFrame::Ok { result, .. } => Ok(result),
            ServerFrame::Error {
                code,
                message,
                retry_after_ms,
                ..
            } => Err(ClientError::Server {
                code,
                message,
                retry_after_ms,
            }),
            other => Err(ClientError::Protocol(format!("unexpected reply {other:?}"))),
        }
    }

    /// Send arbitrary text as a request with id `id` and wait for the frame answering it (tests
    /// use this to send malformed frames).
    pub async fn raw_request(&self, id: String, text: String) -> Result<ServerFrame, ClientError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Outgoing::Frame(text, Some((id, tx))))
            .await
            .map_err(|_| ClientError::Closed)?;
        rx.await.map_err(|_| ClientError::Closed)
    }

    /// Send arbitrary text without waiting for anything.
    pub async fn send_raw(&self, text: String) -> Result<(), ClientError> {
        self.tx
            .send(Outgoing::Frame(text, None))
            .await
            .map_err(|_| ClientError::Closed)
    }

    /// Close the connection politely.
    pub async fn close(&self) {
        let _ = self.tx.send(Outgoing::Close).await;
    }

    /// Whether the connection task has ended.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

fn spawn_io<S>(
    ws: tokio_tungstenite::WebSocketStream<S>,
) -> (mpsc::Sender<Outgoing>, mpsc::UnboundedReceiver<ServerFrame>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (out_tx, mut out_rx) = mpsc::channel::<Outgoing>(64);
    // Pushes are unbounded on the client side: the application reads them at its own pace and
    // the server bounds what it sends (a slow client is disconnected there, not here).
    let (push_tx, push_rx) = mpsc::unbounded_channel();
    let pending_task: Pending = Arc::default();
    tokio::spawn(async move {
        let (mut sink, mut stream) = ws.split();
        loop {
            tokio::select! {
                out = out_rx.recv() => match out {
                    Some(Outgoing::Frame(text, waiter)) => {
                        if let Some((id, tx)) = waiter {
                            lock(&pending_task).insert(id, tx);
                        }
                        if sink.send(WsMessage::text(text)).await.is_err() {
                            break;
                        }
                    }
                    Some(Outgoing::Close) | None => {
                        let _ = sink.close().await;
                        break;
                    }
                },
                inbound = stream.next() => match inbound {
                    Some(Ok(WsMessage::Text(text))) => {
                        let frame: ServerFrame = match serde_json::from_str(&text) {
                            Ok(f) => f,
                            Err(e) => {
                                // Unknown frame types from a newer server are skipped.
                                tracing::debug!("skipping unknown frame: {e}");
                                continue;
                            }
                        };
                        let id = match &frame {
                            ServerFrame::Ok { id, .. } => Some(id.clone()),
                            ServerFrame::Error { id, .. } => id.clone(),
                            _ => None,
                        };
                        let waiter = id.and_then(|id| lock(&pending_task).remove(&id));
                        match waiter {
                            Some(tx) => { let _ = tx.send(frame); }
                            None => { let _ = push_tx.send(frame); }
                        }
                    }
                    Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
            }
        }
        // Fail every request still waiting; the receivers see `Closed`.
        lock(&pending_task).clear();
    });
    (out_tx, push_rx)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding this lock cannot leave the map inconsistent, so poisoning is ignored.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
