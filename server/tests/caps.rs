//! One client cannot starve the rest (regressions from the reliability attack): caps on the
//! connections one address and one account hold, a command budget per account, and malformed
//! frames counted like commands. The latency target under a flood lives in `liao-bench`.

mod common;

use std::time::Duration;

use common::{Db, TestDb, TestServer, befriend};
use liao_server::config::Config;
use liao_shared::client::{Client, ConnectOptions};
use liao_shared::command;
use liao_shared::{Command, ErrorCode, ServerFrame};

async fn server_with(tune: impl FnOnce(&mut Config)) -> TestServer {
    let mut config = Config::for_tests();
    tune(&mut config);
    TestServer::start_with(TestDb::new(Db::Sqlite).await, config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_connection() {
    let server = server_with(|c| c.tuning.max_connections_per_ip = 5).await;
    // A victim on another address registers first.
    let victim_options = ConnectOptions {
        bind: Some("127.0.0.2".parse().unwrap()),
        ..server.options()
    };
    let (client, _pushes) = Client::connect(&server.ws_url(), victim_options.clone())
        .await
        .expect("victim connects");
    client
        .request(command::Register {
            username: "victim".into(),
            password: "password-victim".into(),
            display_name: None,
            device: None,
        })
        .await
        .expect("victim registers");

    // The flooder opens idle TCP connections from 127.0.0.1 and never authenticates.
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(
            tokio::net::TcpStream::connect(server.addr)
                .await
                .expect("tcp"),
        );
    }
    // Beyond the cap the flooder's WebSocket connections are refused…
    let refused = tokio::time::timeout(
        Duration::from_secs(5),
        Client::connect(&server.ws_url(), server.options()),
    )
    .await
    .expect("refused promptly");
    assert!(
        refused.is_err(),
        "a sixth connection from one address was accepted"
    );

    // …while the victim, elsewhere, connects and is served within a second.
    let started = std::time::Instant::now();
    let (client, _pushes) = Client::connect(&server.ws_url(), victim_options)
        .await
        .expect("the victim still connects");
    client
        .request(command::Login {
            username: "victim".into(),
            password: "password-victim".into(),
            device: None,
        })
        .await
        .expect("the victim is served");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    // Closed connections stop counting.
    drop(idle);
    let mut admitted = false;
    for _ in 0..50 {
        if Client::connect(&server.ws_url(), server.options())
            .await
            .is_ok()
        {
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        admitted,
        "the address was not admitted again after closing its connections"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_account_holds_a_bounded_number_of_connections() {
    let server = server_with(|c| c.tuning.max_connections_per_account = 3).await;
    let first = server.register("alice").await;
    let second = server.login("alice").await;
    let _third = server.resume(&first.token).await;
    // The fourth, by password or token, is refused and stays unauthenticated.
    let (client, _pushes) = server.connect().await;
    let err = client
        .request(command::Login {
            username: "alice".into(),
            password: "password-alice".into(),
            device: None,
        })
        .await
        .expect_err("a fourth connection of one account");
    assert_eq!(err.code(), Some(ErrorCode::RateLimited));
    let err = client
        .request(command::Resume {
            token: first.token.clone(),
        })
        .await
        .expect_err("a fourth connection by token");
    assert_eq!(err.code(), Some(ErrorCode::RateLimited));
    assert_eq!(
        client
            .request(Command::ListSessions)
            .await
            .expect_err("unauthenticated")
            .code(),
        Some(ErrorCode::NotAuthenticated)
    );
    // The refused login left no session behind: alice has the two she made.
    let sessions = first.sessions().await;
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    // Once one closes, another may come.
    second.client.close().await;
    let mut back = false;
    for _ in 0..50 {
        let (client, _pushes) = server.connect().await;
        if client
            .request(command::Resume {
                token: first.token.clone(),
            })
            .await
            .is_ok()
        {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        back,
        "a closed connection still counted against the account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_connections_of_one_account_share_one_command_budget() {
    let server = server_with(|c| {
        c.tuning.commands_per_sec = 1000;
        c.tuning.account_commands_per_sec = 10;
    })
    .await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let mut conns = Vec::new();
    for _ in 0..5 {
        conns.push(server.resume(&alice.token).await);
    }
    // 5 connections × 20 commands, each connection far under its own limit.
    let mut limited = 0;
    for _ in 0..20 {
        for conn in &conns {
            match conn.client.request(Command::ListContacts).await {
                Ok(_) => {}
                Err(e) => {
                    assert_eq!(e.code(), Some(ErrorCode::RateLimited));
                    limited += 1;
                }
            }
        }
    }
    assert!(limited >= 50, "only {limited} of 100 commands were limited");
    // Another account is not affected.
    for _ in 0..10 {
        bob.ok(Command::ListContacts).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_count_against_the_rate_limit() {
    let server = server_with(|c| c.tuning.commands_per_sec = 5).await;
    let mut alice = server.register("alice").await;
    // Let the burst allowance refill after registering.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let started = std::time::Instant::now();
    for i in 0..30 {
        alice
            .client
            .send_raw(format!("{{not json {i}"))
            .await
            .expect("send");
    }
    let frames = alice.drain(Duration::from_millis(1500)).await;
    let elapsed = started.elapsed().as_secs_f64();
    let codes: Vec<_> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Error { code, .. } => Some(*code),
            _ => None,
        })
        .collect();
    assert_eq!(codes.len(), 30, "every frame is answered: {codes:?}");
    let limited = codes
        .iter()
        .filter(|c| **c == ErrorCode::RateLimited)
        .count();
    let malformed = codes
        .iter()
        .filter(|c| **c == ErrorCode::MalformedFrame)
        .count();
    assert!(limited >= 5, "garbage was not rate limited: {codes:?}");
    // Garbage gets no more answers than commands would: the burst (10) plus 5 a second.
    assert!(
        malformed as f64 <= 10.0 + 5.0 * elapsed + 1.0,
        "{malformed} malformed answers in {elapsed:.1} s: {codes:?}"
    );
}

/// A WebSocket upgrade through "a proxy" (this test, from a trusted address) for the client at
/// `forwarded`; the status, and the stream kept open.
async fn upgrade_via_proxy(
    server: &TestServer,
    forwarded: &str,
) -> (u16, tokio_rustls::client::TlsStream<tokio::net::TcpStream>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut stream, _) = common::tls_connect(server.addr).await;
    let request = common::upgrade_request(server.addr, None).replacen(
        "\r\n\r\n",
        &format!("\r\nX-Forwarded-For: {forwarded}\r\n\r\n"),
        1,
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    // TLS may still hold the tail of the request after `write_all`.
    stream.flush().await.expect("flush");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(common::WAIT, stream.read(&mut byte))
            .await
            .expect("answer in time")
            .expect("read");
        if n == 0 {
            break;
        }
        head.push(byte[0]);
    }
    let status = String::from_utf8_lossy(&head)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, stream)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_cap_counts_forwarded_addresses() {
    let server = server_with(|c| {
        c.tuning.max_connections_per_ip = 2;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    // Everyone arrives from the proxy's address; only the forwarded one counts.
    let (first, _a) = upgrade_via_proxy(&server, "203.0.113.7").await;
    let (second, _b) = upgrade_via_proxy(&server, "203.0.113.7").await;
    let (third, _c) = upgrade_via_proxy(&server, "203.0.113.7").await;
    assert_eq!((first, second, third), (101, 101, 429));
    // Another client behind the same proxy is not affected.
    let (other, _d) = upgrade_via_proxy(&server, "198.51.100.20").await;
    assert_eq!(other, 101);
    // The proxy's own connections are not capped at accept: more than 2 are open right now.
}
