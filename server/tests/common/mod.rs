//! Test harness: real `liao-server` instances over TLS on port 0, each on a fresh database
//! (a temp-dir SQLite file, or a new PostgreSQL database), driven by the real Rust client.
#![allow(dead_code)] // each test file uses a different subset

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use liao_server::app::App;
use liao_server::config::{Config, SqliteSync};
use liao_server::store::Store;
use liao_server::tls::{CertSource, ReloadableCert};
use liao_shared::client::{Client, ConnectOptions, Pushes, Trust, parse_fingerprint};
use liao_shared::command;
use liao_shared::{ConversationId, Message, MessageBody, Reply, ServerFrame, UserId};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub mod groups;
pub mod process;
mod requests;

#[allow(unused_imports)] // each test file uses a different subset
pub use requests::*;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Run each named async test body on both backends: `mod NAME { fn sqlite(); fn postgres(); }`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Db::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Db::Postgres).await
            }
        }
    )*};
}

/// The PostgreSQL server tests create their databases on.
fn pg_admin_url() -> String {
    std::env::var("LIAO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database for one test.
#[derive(Clone)]
pub struct TestDb {
    pub url: String,
    pub dir: Arc<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(db: Db) -> TestDb {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let url = match db {
            Db::Sqlite => format!("sqlite://{}", dir.path().join("liao.db").display()),
            Db::Postgres => {
                use sqlx::Connection;
                liao_server::store::install_drivers();
                let admin = pg_admin_url();
                let name = format!("liao_test_{}", liao_server::util::new_id('d'));
                let mut conn = sqlx::AnyConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL at {admin} is required for this test: {e}")
                    });
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                format!("{base}/{name}")
            }
        };
        TestDb { url, dir }
    }
}

/// A running server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub fingerprint: [u8; 32],
    pub db: TestDb,
    pub app: Arc<App>,
    pub config: Config,
    shutdown: CancellationToken,
    handle: JoinHandle<()>,
}

impl TestServer {
    /// A server with test tuning (cheap hashing, relaxed limits) on a fresh database.
    pub async fn start(db: Db) -> TestServer {
        Self::start_with(TestDb::new(db).await, Config::for_tests()).await
    }

    /// A server on the given database with the given configuration.
    pub async fn start_with(db: TestDb, config: Config) -> TestServer {
        let config = Config {
            data_dir: db.dir.path().to_path_buf(),
            ..config
        };
        let store = Store::open(&db.url, SqliteSync::Normal)
            .await
            .expect("open store");
        let cert = ReloadableCert::load(CertSource::SelfSigned {
            dir: db.dir.path().join("tls"),
            names: liao_server::tls::self_signed_names(None),
        })
        .expect("certificate");
        let fingerprint = parse_fingerprint(&cert.fingerprint()).expect("fingerprint");
        let app = App::new(config.clone(), store).await.expect("app");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let shutdown = CancellationToken::new();
        let handle = tokio::spawn({
            let app = app.clone();
            let shutdown = shutdown.clone();
            async move {
                liao_server::server::run(listener, app, Some(cert), shutdown)
                    .await
                    .expect("server run");
            }
        });
        TestServer {
            addr,
            fingerprint,
            db,
            app,
            config,
            shutdown,
            handle,
        }
    }

    /// Stop (gracefully) and wait until the server has released its database.
    pub async fn stop(self) -> (TestDb, Config) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(30), self.handle)
            .await
            .expect("server stops in time")
            .expect("server task");
        (self.db, self.config)
    }

    /// Stop and start again on the same data.
    pub async fn restart(self) -> TestServer {
        let (db, config) = self.stop().await;
        Self::start_with(db, config).await
    }

    pub fn ws_url(&self) -> String {
        format!("wss://127.0.0.1:{}/ws", self.addr.port())
    }

    pub fn options(&self) -> ConnectOptions {
        ConnectOptions {
            trust: Trust::Pinned(self.fingerprint),
            origin: None,
            bind: None,
        }
    }

    /// A new, unauthenticated connection.
    pub async fn connect(&self) -> (Client, Pushes) {
        Client::connect(&self.ws_url(), self.options())
            .await
            .expect("connect")
    }

    /// Register `name` (password `password-<name>`) on a new connection.
    pub async fn register(&self, name: &str) -> User {
        register_at(self.connect().await, name).await
    }

    /// Open another connection for an existing session.
    pub async fn resume(&self, token: &str) -> User {
        resume_at(self.connect().await, token).await
    }

    /// Log in again with the password (a new session).
    pub async fn login(&self, name: &str) -> User {
        login_at(self.connect().await, name).await
    }
}

/// Register `name` (password `password-<name>`) on `connection`.
pub async fn register_at((client, pushes): (Client, Pushes), name: &str) -> User {
    let reply = client
        .request(command::Register {
            username: name.into(),
            password: format!("password-{name}").into(),
            display_name: None,
            device: Some("test".into()),
        })
        .await
        .expect("register");
    User::from_reply(client, pushes, reply)
}

/// Resume session `token` on `connection`.
pub async fn resume_at((client, pushes): (Client, Pushes), token: &str) -> User {
    let reply = client
        .request(command::Resume {
            token: token.into(),
        })
        .await
        .expect("resume");
    User::from_reply(client, pushes, reply)
}

/// Log in as `name` on `connection` (a new session).
pub async fn login_at((client, pushes): (Client, Pushes), name: &str) -> User {
    let reply = client
        .request(command::Login {
            username: name.into(),
            password: format!("password-{name}").into(),
            device: None,
        })
        .await
        .expect("login");
    User::from_reply(client, pushes, reply)
}

/// An authenticated connection.
pub struct User {
    pub client: Client,
    pub pushes: Pushes,
    pub id: UserId,
    pub token: String,
    pub name: String,
}

pub const WAIT: Duration = Duration::from_secs(10);

impl User {
    pub fn from_reply(client: Client, pushes: Pushes, reply: Reply) -> User {
        let Reply::Session { token, user, .. } = reply else {
            panic!("expected session, got {reply:?}")
        };
        User {
            client,
            pushes,
            id: user.user_id,
            token,
            name: user.username,
        }
    }

    /// Wait for the first push matching `pred`, skipping others (presence, typing…).
    pub async fn expect<T>(
        &mut self,
        what: &str,
        mut pred: impl FnMut(&ServerFrame) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.pushes.recv())
                .await
                .unwrap_or_else(|_| panic!("{}: timed out waiting for {what}", self.name))
                .unwrap_or_else(|| panic!("{}: connection closed waiting for {what}", self.name));
            if let Some(t) = pred(&frame) {
                return t;
            }
        }
    }

    /// Wait for a `message` push in `conv`.
    pub async fn expect_message(&mut self, conv: &ConversationId) -> Message {
        self.expect("message", |f| match f {
            ServerFrame::Message { message } if message.conversation_id == *conv => {
                Some(message.clone())
            }
            _ => None,
        })
        .await
    }

    /// Wait for a user-written (text) message in `conv`, skipping system entries.
    pub async fn expect_text(&mut self, conv: &ConversationId) -> Message {
        self.expect("text message", |f| match f {
            ServerFrame::Message { message }
                if message.conversation_id == *conv
                    && matches!(message.body, MessageBody::Text { .. }) =>
            {
                Some(message.clone())
            }
            _ => None,
        })
        .await
    }

    /// Collect everything pushed until `quiet` passes with nothing new.
    pub async fn drain(&mut self, quiet: Duration) -> Vec<ServerFrame> {
        let mut out = Vec::new();
        while let Ok(Some(f)) = tokio::time::timeout(quiet, self.pushes.recv()).await {
            out.push(f);
        }
        out
    }
}

/// The text of a message, or a marker for other kinds.
pub fn text_of(m: &Message) -> String {
    match &m.body {
        MessageBody::Text { text, .. } => text.clone(),
        MessageBody::System { event } => format!("<system {event:?}>"),
        MessageBody::File { file } => format!("<file {}>", file.name),
        MessageBody::Image { file } => format!("<image {}>", file.name),
        MessageBody::Recalled { .. } => "<recalled>".into(),
        MessageBody::Recall { target_seq, .. } => format!("<recall {target_seq}>"),
    }
}

pub fn data_dir(db: &TestDb) -> PathBuf {
    db.dir.path().to_path_buf()
}

/// Accepts any certificate: for raw transport tests that then check the served certificate's
/// fingerprint themselves.
#[derive(Debug)]
struct AnyCert;

impl rustls::client::danger::ServerCertVerifier for AnyCert {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        let algs = rustls::crypto::ring::default_provider().signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, &algs)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        let algs = rustls::crypto::ring::default_provider().signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, &algs)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A raw TLS connection to `addr`, returning the stream and the served certificate's SHA-256.
pub async fn tls_connect(
    addr: SocketAddr,
) -> (
    tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    [u8; 32],
) {
    tls_connect_versions(addr, &[&rustls::version::TLS13, &rustls::version::TLS12])
        .await
        .expect("TLS handshake")
}

/// Like [`tls_connect`], offering only the given protocol versions.
pub async fn tls_connect_versions(
    addr: SocketAddr,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> std::io::Result<(
    tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    [u8; 32],
)> {
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(versions)
    .expect("versions")
    .dangerous()
    .with_custom_certificate_verifier(Arc::new(AnyCert))
    .with_no_client_auth();
    let stream = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect("localhost".try_into().expect("name"), tcp)
        .await?;
    let der = stream.get_ref().1.peer_certificates().expect("certificate")[0].clone();
    Ok((stream, liao_shared::client::fingerprint(&der)))
}

/// Send a raw HTTP/1.1 request over TLS and return the status and the whole response head and
/// body (the body is read only for non-101 responses, up to Content-Length).
pub async fn raw_http(addr: SocketAddr, request: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut stream, _) = tls_connect(addr).await;
    stream.write_all(request.as_bytes()).await.expect("write");
    // TLS may still hold the tail of the request after `write_all`.
    stream.flush().await.expect("flush");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = tokio::time::timeout(WAIT, stream.read(&mut chunk))
            .await
            .expect("response in time")
            .expect("read");
        if n == 0 {
            break buf.len();
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    if status != 101 {
        while buf.len() < head_end + length {
            let n = stream.read(&mut chunk).await.expect("read");
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }
    (status, String::from_utf8_lossy(&buf).to_string())
}

/// A WebSocket upgrade request, optionally with an Origin.
pub fn upgrade_request(addr: SocketAddr, origin: Option<&str>) -> String {
    let origin = origin
        .map(|o| format!("Origin: {o}\r\n"))
        .unwrap_or_default();
    format!(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{origin}\r\n",
        addr.port()
    )
}
