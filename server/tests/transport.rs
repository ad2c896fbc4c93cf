//! The transport: TLS, health check, WebSocket upgrade and its Origin check, certificate pinning
//! and reload.

mod common;

use std::sync::Arc;

use common::{
    Db, TestDb, TestServer, raw_http, tls_connect, tls_connect_versions, upgrade_request,
};
use liao_server::config::Config;
use liao_shared::client::{Client, ClientError, ConnectOptions, Trust};

#[tokio::test]
async fn health_check_answers_json_over_tls() {
    let server = TestServer::start(Db::Sqlite).await;
    let (status, response) = raw_http(
        server.addr,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        response
            .to_ascii_lowercase()
            .contains("content-type: application/json")
    );
    let expected = format!(
        r#"{{"protocol":1,"status":"ok","storage":"ok","version":"{}"}}"#,
        env!("CARGO_PKG_VERSION")
    );
    assert!(response.ends_with(&expected), "{response}");
    // Both TLS 1.3 and 1.2 are served, and the certificate is the one announced.
    // The server picks AES-128-GCM although the client (rustls' default order) lists
    // AES-256-GCM first.
    for (version, suite) in [
        (
            &rustls::version::TLS13,
            rustls::CipherSuite::TLS13_AES_128_GCM_SHA256,
        ),
        (
            &rustls::version::TLS12,
            rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ),
    ] {
        let (stream, fp) = tls_connect_versions(server.addr, &[version]).await.unwrap();
        assert_eq!(fp, server.fingerprint);
        let negotiated = stream.get_ref().1.negotiated_cipher_suite().unwrap();
        assert_eq!(negotiated.suite(), suite);
    }
    server.stop().await;
}

#[tokio::test]
async fn websocket_origin_check() {
    let mut config = Config::for_tests();
    config.public_url = Some("https://chat.example.com".into());
    config.allow_origins = vec!["https://partner.example.org".into()];
    let server = TestServer::start_with(TestDb::new(Db::Sqlite).await, config).await;
    let own = format!("https://127.0.0.1:{}", server.addr.port());
    let cases: &[(Option<&str>, u16)] = &[
        (None, 101),
        (Some(own.as_str()), 101),
        (Some("https://chat.example.com"), 101),
        (Some("https://partner.example.org"), 101),
        (Some("tauri://localhost"), 101),
        (Some("https://evil.example"), 403),
        (Some("https://127.0.0.1.evil.example"), 403),
        (Some("null"), 403),
    ];
    for (origin, expected) in cases {
        let (status, _) = raw_http(server.addr, &upgrade_request(server.addr, *origin)).await;
        assert_eq!(status, *expected, "origin {origin:?}");
    }
    // The client library reports the refusal.
    let options = ConnectOptions {
        trust: Trust::Pinned(server.fingerprint),
        origin: Some("https://evil.example".into()),
        bind: None,
    };
    let Err(e) = Client::connect(&server.ws_url(), options).await else {
        panic!("connected")
    };
    assert!(matches!(e, ClientError::HttpStatus(403)), "{e}");
    // Not an upgrade at all.
    let (status, _) = raw_http(
        server.addr,
        "GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 426);
    server.stop().await;
}

#[tokio::test]
async fn pinned_fingerprint_is_enforced() {
    let server = TestServer::start(Db::Sqlite).await;
    let mut wrong = server.fingerprint;
    wrong[0] ^= 0xff;
    let options = ConnectOptions {
        trust: Trust::Pinned(wrong),
        origin: None,
        bind: None,
    };
    let Err(e) = Client::connect(&server.ws_url(), options).await else {
        panic!("connected to an unpinned certificate")
    };
    assert!(matches!(e, ClientError::Connect(_)), "{e}");
    // Public-CA validation refuses a self-signed certificate too.
    let options = ConnectOptions {
        trust: Trust::WebPki,
        origin: None,
        bind: None,
    };
    assert!(Client::connect(&server.ws_url(), options).await.is_err());
    server.stop().await;
}

/// Operator certificates are re-read on reload (SIGHUP in the binary) without a restart.
#[tokio::test]
async fn certificate_reload_swaps_the_served_certificate() {
    use liao_server::tls::{CertSource, ReloadableCert};
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let write_cert = || {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        std::fs::write(&cert_path, cert.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        liao_shared::client::fingerprint(cert.der())
    };
    let first = write_cert();
    let cert = ReloadableCert::load(CertSource::Files {
        cert: cert_path.clone(),
        key: key_path.clone(),
    })
    .unwrap();
    let db = TestDb::new(Db::Sqlite).await;
    let store = liao_server::store::Store::open(&db.url, liao_server::config::SqliteSync::Normal)
        .await
        .unwrap();
    let app = liao_server::app::App::new(Config::for_tests_in(db.dir.path().to_path_buf()), store)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(liao_server::server::run(
        listener,
        app,
        Some(Arc::clone(&cert)),
        shutdown.clone(),
    ));

    assert_eq!(tls_connect(addr).await.1, first);
    let second = write_cert();
    assert_ne!(first, second);
    cert.reload().unwrap();
    assert_eq!(tls_connect(addr).await.1, second);
    // A broken file keeps the old certificate in service.
    std::fs::write(&cert_path, "not a certificate").unwrap();
    assert!(cert.reload().is_err());
    assert_eq!(tls_connect(addr).await.1, second);
    shutdown.cancel();
    task.await.unwrap().unwrap();
}

/// Trust on first use: the fingerprint a client is shown is the one the server announced, and
/// pinning it then connects.
#[tokio::test]
async fn first_use_fingerprint_matches_and_pins() {
    let server = TestServer::start(Db::Sqlite).await;
    let seen = liao_shared::client::server_fingerprint("127.0.0.1", server.addr.port())
        .await
        .unwrap();
    assert_eq!(seen, server.fingerprint);
    let options = ConnectOptions {
        trust: Trust::Pinned(seen),
        origin: None,
        bind: None,
    };
    assert!(Client::connect(&server.ws_url(), options).await.is_ok());
    server.stop().await;
}
