//! The real `liao-server` binary: `serve` prints its URL and certificate fingerprint, admin
//! subcommands work against a running server, SIGHUP reloads certificates, SIGTERM shuts down
//! gracefully.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::time::Duration;

use liao_shared::client::{Client, ConnectOptions, Trust, parse_fingerprint};
use liao_shared::command;
use liao_shared::{Command, ErrorCode, ServerFrame};

const BIN: &str = env!("CARGO_BIN_EXE_liao-server");

struct Running {
    child: Child,
    url: String,
    fingerprint: [u8; 32],
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path, extra: &[&str]) -> Running {
    let mut child = Process::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--argon2-m-kib",
            "64",
            "--argon2-t",
            "1",
        ])
        .arg("--data-dir")
        .arg(data)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start liao-server");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let addr = first.rsplit("https://").next().unwrap().to_owned();
    assert!(first.contains("listening on https://127.0.0.1:"), "{first}");
    let fp = second
        .strip_prefix("TLS certificate SHA-256 fingerprint: ")
        .expect("fingerprint line");
    Running {
        child,
        url: format!("wss://{addr}/ws"),
        fingerprint: parse_fingerprint(fp).expect("hex fingerprint"),
    }
}

fn admin(data: &Path, args: &[&str], stdin: &str) -> String {
    let mut child = Process::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn login(
    server: &Running,
    user: &str,
    password: &str,
) -> (Client, liao_shared::client::Pushes) {
    let options = ConnectOptions {
        trust: Trust::Pinned(server.fingerprint),
        origin: None,
        bind: None,
    };
    let (client, pushes) = Client::connect(&server.url, options).await.unwrap();
    client
        .request(command::Login {
            username: user.into(),
            password: password.into(),
            device: None,
        })
        .await
        .unwrap();
    (client, pushes)
}

fn signal(child: &Child, sig: &str) {
    let ok = Process::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_backup_and_graceful_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = serve(&data, &[]);

    // Accounts made with the CLI work on the running server.
    let out = admin(
        &data,
        &["user", "add", "alice", "--display-name", "Alice"],
        "alice-password\n",
    );
    assert!(out.contains("created alice"), "{out}");
    admin(&data, &["user", "add", "bob"], "bob-password\n");
    let (_alice, mut alice_pushes) = login(&server, "alice", "alice-password").await;
    let (bob, _) = login(&server, "bob", "bob-password").await;

    // Disabling from the CLI closes alice's live connection within seconds.
    admin(&data, &["user", "disable", "alice"], "");
    let frame = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match alice_pushes.recv().await {
                Some(ServerFrame::Error { code, .. }) => return Some(code),
                Some(_) => continue,
                None => return None,
            }
        }
    })
    .await
    .expect("alice disconnected in time");
    assert_eq!(frame, Some(ErrorCode::AccountDisabled));
    let list = admin(&data, &["user", "list"], "");
    assert!(
        list.lines()
            .any(|l| l.starts_with("alice\tAlice") && l.ends_with("disabled")),
        "{list}"
    );
    admin(&data, &["user", "enable", "alice"], "");
    // A password reset from the CLI ends every session, live connections included …
    let (_alice, mut alice_pushes) = login(&server, "alice", "alice-password").await;
    admin(&data, &["user", "passwd", "alice"], "new-alice-password\n");
    let reason = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match alice_pushes.recv().await {
                Some(ServerFrame::Error { code, .. }) => return Some(code),
                Some(_) => continue,
                None => return None,
            }
        }
    })
    .await
    .expect("alice disconnected in time");
    assert_eq!(reason, Some(ErrorCode::SessionRevoked));
    // … but a login right after it with the new password stays connected.
    let (fresh, mut fresh_pushes) = login(&server, "alice", "new-alice-password").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(fresh_pushes.try_recv().is_none());
    fresh.request(Command::ListSessions).await.unwrap();

    // A consistent online backup, readable as a database of its own.
    let backup = dir.path().join("backup");
    let out = admin(&data, &["backup", backup.to_str().unwrap()], "");
    assert!(out.contains("backup written"), "{out}");
    assert!(backup.join("tls/cert.pem").exists());
    let copy = liao_server::store::Store::open(
        &format!("sqlite://{}", backup.join("liao.db").display()),
        liao_server::config::SqliteSync::Normal,
    )
    .await
    .unwrap();
    assert!(copy.user_by_name("bob").await.unwrap().is_some());
    copy.close().await;

    // SIGTERM: connected clients are told, and the process exits cleanly.
    let mut server = server;
    let (_, mut bob_pushes) = (bob.clone(), {
        let options = ConnectOptions {
            trust: Trust::Pinned(server.fingerprint),
            origin: None,
            bind: None,
        };
        let (c, p) = Client::connect(&server.url, options).await.unwrap();
        c.request(command::Login {
            username: "bob".into(),
            password: "bob-password".into(),
            device: None,
        })
        .await
        .unwrap();
        std::mem::forget(c);
        p
    });
    signal(&server.child, "-TERM");
    let told = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match bob_pushes.recv().await {
                Some(ServerFrame::Error { code, .. }) => return Some(code),
                Some(_) => continue,
                None => return None,
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(told, Some(ErrorCode::ShuttingDown));
    let status = tokio::task::spawn_blocking(move || server.child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_certificate_is_kept_and_sighup_reloads_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The self-signed certificate survives restarts …
    let first = serve(&data, &[]).fingerprint;
    assert_eq!(serve(&data, &[]).fingerprint, first);
    // … and is replaced only when a configured name is missing from it.
    let renamed = serve(&data, &["--public-url", "https://chat.example.com"]).fingerprint;
    assert_ne!(renamed, first);
    assert_eq!(
        serve(&data, &["--public-url", "https://chat.example.com"]).fingerprint,
        renamed
    );

    // Operator-provided files are re-read on SIGHUP.
    let write_cert = |name: &str| {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec![name.into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        std::fs::write(dir.path().join("cert.pem"), cert.pem()).unwrap();
        std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();
        liao_shared::client::fingerprint(cert.der())
    };
    let a = write_cert("localhost");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let server = serve(
        &data,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert_eq!(server.fingerprint, a);
    let addr: std::net::SocketAddr = server
        .url
        .trim_start_matches("wss://")
        .trim_end_matches("/ws")
        .parse()
        .unwrap();
    let b = write_cert("localhost");
    signal(&server.child, "-HUP");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if common::tls_connect(addr).await.1 == b {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "certificate not reloaded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
