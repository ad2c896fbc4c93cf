//! The fault suite: the reliability attack made permanent, against the real binary where a fault
//! needs a process (kill -9, an armed crash point, a file-descriptor limit, a small disk).
//!
//! - kill -9 under load, three times, on SQLite NORMAL, SQLite FULL and PostgreSQL: every
//!   acknowledged message is stored exactly once, seqs are gap-free, resends are recognised;
//! - a full disk (a 48 MiB tmpfs) during sends and uploads: refusals are `storage_full`, nothing
//!   acknowledged is lost, the server recovers by itself when space returns;
//! - PostgreSQL connections terminated mid-load: retryable errors only, every resend returns the
//!   original once;
//! - kill at every step of finishing an upload: the upload completes after a restart, once;
//! - connection and command floods from one address and one account under `ulimit -n 1024`: a
//!   normal user is still served within a second.
//!
//! A fault that cannot be set up (no tmpfs, no PostgreSQL) fails the test; nothing is skipped.
//! Sizes are kept small for CI; bigger runs are `liao-bench` scenarios.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::process::{Launch, ServerProcess};
use common::{Db, TestDb, TestServer, User, befriend, whole_history};
use liao_shared::client::{Client, ConnectOptions};
use liao_shared::command;
use liao_shared::{Command, ConversationId, ErrorCode, Message, NewMessageBody, Reply};
use rand::Rng;
use tokio::sync::RwLock;

/// What one conversation must hold: `acked` (every acknowledged message), exactly once each,
/// nothing else from the sender, seqs gap-free from 1.
fn assert_exactly_acked(history: &[Message], acked: &[Message], what: &str) {
    let mut seen = HashSet::new();
    for (i, m) in history.iter().enumerate() {
        assert_eq!(m.seq, i as u64 + 1, "{what}: seqs are gap-free");
        assert!(seen.insert(m.message_id.clone()), "{what}: {m:?} twice");
    }
    let stored: HashMap<_, _> = history.iter().map(|m| (&m.message_id, m)).collect();
    let lost: Vec<_> = acked
        .iter()
        .filter(|a| !stored.contains_key(&a.message_id))
        .map(|a| a.seq)
        .collect();
    assert!(
        lost.is_empty(),
        "{what}: {} of {} acknowledged lost (seqs {lost:?})",
        lost.len(),
        acked.len()
    );
    for a in acked {
        assert_eq!(stored[&a.message_id].seq, a.seq, "{what}: seq changed");
    }
    let by_client: HashSet<_> = acked.iter().map(|a| a.client_msg_id.clone()).collect();
    assert_eq!(
        by_client.len(),
        acked.len(),
        "{what}: one message per client id"
    );
    assert_eq!(
        history.len(),
        acked.len(),
        "{what}: nothing unacknowledged stored"
    );
}

// ---------------------------------------------------------------------------------------------
// kill -9 under load

/// Where clients find the server right now (`None` while it is down).
type Target = Arc<RwLock<Option<(String, ConnectOptions)>>>;

/// A sender that survives server restarts: it resumes its session on the new process and resends
/// the message it was sending with the same `client_msg_id`, until the server acknowledges it.
async fn resilient_sender(
    target: Target,
    token: String,
    name: String,
    conv: ConversationId,
    stop: Arc<AtomicBool>,
) -> Vec<Message> {
    let mut acked = Vec::new();
    let mut client: Option<Client> = None;
    for n in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let cid = format!("{name}-{n}");
        loop {
            if client.is_none() {
                let current = target.read().await.clone();
                if let Some((url, options)) = current
                    && let Ok((c, _pushes)) = Client::connect(&url, options).await
                    && c.request(command::Resume {
                        token: token.clone(),
                    })
                    .await
                    .is_ok()
                {
                    client = Some(c);
                } else {
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    continue;
                }
            }
            let c = client.as_ref().expect("connected");
            match c
                .request(command::SendMessage {
                    conversation_id: conv.clone(),
                    client_msg_id: cid.clone(),
                    body: NewMessageBody::text(format!("{cid} {}", "·".repeat(64))),
                    reply_to: None,
                })
                .await
            {
                Ok(Reply::Sent { message }) => {
                    acked.push(message);
                    break;
                }
                Ok(other) => panic!("unexpected reply {other:?}"),
                Err(e) => match e.code() {
                    // The server went away: reconnect and resend the same id.
                    None => client = None,
                    Some(
                        ErrorCode::ServerBusy | ErrorCode::StorageFull | ErrorCode::RateLimited,
                    ) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Some(ErrorCode::ShuttingDown) => client = None,
                    Some(code) => panic!("{cid}: {code:?}: {e}"),
                },
            }
        }
    }
    acked
}

#[derive(Clone, Copy, Debug)]
enum Backend {
    SqliteNormal,
    SqliteFull,
    Postgres,
}

async fn kill_nine_under_load(backend: Backend) {
    const KILLS: usize = 3;
    const SENDERS: usize = 3;
    let dir = tempfile::tempdir().expect("temp dir");
    let pg;
    let args: Vec<String> = match backend {
        Backend::SqliteNormal => vec!["--sqlite-sync".into(), "normal".into()],
        Backend::SqliteFull => vec!["--sqlite-sync".into(), "full".into()],
        Backend::Postgres => {
            pg = TestDb::new(Db::Postgres).await;
            vec!["--database-url".into(), pg.url.clone()]
        }
    };
    let launch = Launch {
        args,
        ..Launch::default()
    };
    let server = ServerProcess::start(dir.path(), &launch);
    let receiver = server.register("receiver").await;
    let mut senders = Vec::new();
    for i in 0..SENDERS {
        let s = server.register(&format!("sender{i}")).await;
        befriend(&s, &receiver).await;
        let conv = s.open_direct(&receiver.id).await;
        senders.push((s, conv));
    }
    let target: Target = Arc::new(RwLock::new(Some((server.ws_url(), server.options()))));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = senders
        .iter()
        .map(|(s, conv)| {
            tokio::spawn(resilient_sender(
                target.clone(),
                s.token.clone(),
                s.name.clone(),
                conv.clone(),
                stop.clone(),
            ))
        })
        .collect();

    let mut server = server;
    let mut recoveries = Vec::new();
    for _ in 0..KILLS {
        let wait = rand::rng().random_range(300..900);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        *target.write().await = None;
        server.kill9();
        let started = Instant::now();
        server = ServerProcess::start(dir.path(), &launch);
        *target.write().await = Some((server.ws_url(), server.options()));
        // Recovery: the first resume on the new process.
        let probe = server.resume(&receiver.token).await;
        recoveries.push(started.elapsed());
        drop(probe);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acked = Vec::new();
    for task in tasks {
        acked.push(task.await.expect("sender"));
    }
    let total: usize = acked.iter().map(Vec::len).sum();
    assert!(total >= 3 * SENDERS, "too little load: {total} messages");

    // A clean restart, then every conversation holds exactly what was acknowledged.
    server.kill9();
    let server = ServerProcess::start(dir.path(), &launch);
    let receiver = server.resume(&receiver.token).await;
    for ((sender, conv), acked) in senders.iter().zip(&acked) {
        let history = whole_history(&receiver, conv).await;
        assert_exactly_acked(&history, acked, &format!("{backend:?} {}", sender.name));
        // Resending an acknowledged id after the crashes returns the original.
        let again = server.resume(&sender.token).await;
        let last = acked.last().expect("one acknowledged");
        let client_id = last.client_msg_id.as_deref().expect("client id");
        let message = again.send_text(conv, client_id, "resent").await;
        assert_eq!(message.message_id, last.message_id);
    }
    println!(
        "{backend:?}: {total} acknowledged, 0 lost, 0 duplicated over {KILLS} kill -9; \
         resume after restart in {:?}",
        recoveries
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_under_load_sqlite_normal() {
    kill_nine_under_load(Backend::SqliteNormal).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_under_load_sqlite_full() {
    kill_nine_under_load(Backend::SqliteFull).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_under_load_postgres() {
    kill_nine_under_load(Backend::Postgres).await;
}

// ---------------------------------------------------------------------------------------------
// A full disk

/// A tmpfs of `mib` MiB mounted on a fresh directory, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(mib: u32) -> Tmpfs {
        let dir = tempfile::tempdir().expect("temp dir");
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "mounting a {mib} MiB tmpfs failed (the disk-full tests need root): {status}"
        );
        Tmpfs { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fill the disk under `dir` with a file; returns it (delete it to free the space).
fn fill_disk(dir: &Path) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).expect("filler");
    let chunk = vec![0x5au8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    // Whatever smaller remainder is left.
    while file.write_all(&chunk[..512]).is_ok() {}
    let _ = file.sync_all();
    path
}

/// An HTTP request over TLS; the status and the whole answer (status 0: no answer).
async fn http(addr: std::net::SocketAddr, request: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (stream, _) = common::tls_connect(addr).await;
    // Read while writing: a server may answer (say, 507) and close before taking the whole
    // body, and a client that only reads after writing would miss that answer.
    let (mut rd, mut wr) = tokio::io::split(stream);
    let write = async move {
        // Flush too: TLS may still hold the tail of the request after `write_all` (plaintext
        // accepted, records not yet on the socket), and the server would wait for it until the
        // upload's idle window ends the request.
        if wr.write_all(request.as_bytes()).await.is_ok() {
            let _ = wr.flush().await;
        }
        wr
    };
    let read = async {
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(common::WAIT, rd.read_to_end(&mut buf)).await;
        buf
    };
    let (_wr, buf) = tokio::join!(write, read);
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

async fn healthz(server: &ServerProcess) -> serde_json::Value {
    let (status, body) = http(
        server.addr(),
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let json = body.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {body}"))
}

async fn create_upload(server: &ServerProcess, user: &User, length: usize) -> (u16, String) {
    http(
        server.addr(),
        &format!(
            "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Tus-Resumable: 1.0.0\r\nUpload-Length: {length}\r\nUpload-Metadata: filename Yi5iaW4=\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n",
            user.token
        ),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_and_loses_nothing_acknowledged() {
    let disk = Tmpfs::mount(48);
    let data = disk.path().join("data");
    let launch = Launch {
        args: [
            "--min-free-mb",
            "4",
            "--commands-per-sec",
            "10000",
            "--account-commands-per-sec",
            "10000",
        ]
        .map(String::from)
        .to_vec(),
        ..Launch::default()
    };
    let server = ServerProcess::start(&data, &launch);
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let mut acked = Vec::new();
    for i in 0..5 {
        acked.push(
            alice
                .send_text(&conv, &format!("before-{i}"), "before")
                .await,
        );
    }
    assert_eq!(healthz(&server).await["status"], "ok");

    // Another program fills the disk.
    let filler = fill_disk(disk.path());
    let health = healthz(&server).await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["storage"], "low", "{health}");
    let (status, body) = create_upload(&server, &alice, 1000).await;
    assert_eq!(status, 507, "{body} {}", server.log());
    assert!(body.contains(r#""code":"storage_full""#), "{body}");

    // Sends: acknowledged only if stored; refused as storage_full otherwise.
    let mut refused = Vec::new();
    let text = "满".repeat(1500);
    for i in 0..120 {
        match alice
            .client
            .request(command::SendMessage {
                conversation_id: conv.clone(),
                client_msg_id: format!("full-{i}"),
                body: NewMessageBody::text(&text),
                reply_to: None,
            })
            .await
        {
            Ok(Reply::Sent { message }) => acked.push(message),
            Ok(other) => panic!("{other:?}"),
            Err(e) => refused.push(e.code()),
        }
    }
    assert!(!refused.is_empty(), "the full disk never refused a send");
    assert!(
        refused.iter().all(|c| *c == Some(ErrorCode::StorageFull)),
        "refusals: {refused:?}"
    );

    // Space returns: sends work again without a restart.
    std::fs::remove_file(&filler).expect("free the disk");
    let back = Instant::now();
    for i in 0..5 {
        acked.push(alice.send_text(&conv, &format!("after-{i}"), "after").await);
    }
    let recovery = back.elapsed();
    assert_eq!(healthz(&server).await["status"], "ok");
    let (status, body) = create_upload(&server, &alice, 1000).await;
    assert_eq!(status, 201, "uploads work again: {body}");

    // Bob got every acknowledged message live, in order.
    for a in &acked {
        let m = bob.expect_text(&conv).await;
        assert_eq!(m.message_id, a.message_id);
    }

    // kill -9 and restart: exactly what was acknowledged, and the next seq is new.
    server.kill9();
    let server = ServerProcess::start(&data, &launch);
    let alice = server.resume(&alice.token).await;
    let history = whole_history(&alice, &conv).await;
    assert_exactly_acked(&history, &acked, "disk full");
    let next = alice.send_text(&conv, "next", "next").await;
    assert_eq!(next.seq, acked.len() as u64 + 1);
    println!(
        "disk full: {} acknowledged, {} refused (storage_full), 0 lost; sends again {:?} after space returned",
        acked.len(),
        refused.len(),
        recovery
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_that_meets_a_full_disk_keeps_nothing_half_stored() {
    let disk = Tmpfs::mount(48);
    let data = disk.path().join("data");
    // No reserve: the write itself meets the full disk.
    let launch = Launch {
        args: vec!["--min-free-mb".into(), "0".into()],
        ..Launch::default()
    };
    let server = ServerProcess::start(&data, &launch);
    let alice = server.register("alice").await;
    const SIZE: usize = 4 * 1024 * 1024;
    let (status, body) = create_upload(&server, &alice, SIZE).await;
    assert_eq!(status, 201, "{body}");
    let id = header(&body, "location")
        .and_then(|l| l.rsplit('/').next())
        .expect("location")
        .to_owned();
    // Leave about 1 MiB free, then send all 4 MiB.
    let filler = fill_disk(disk.path());
    let free_mib = 1;
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap();
    let len = f.metadata().unwrap().len();
    f.set_len(len.saturating_sub(free_mib * 1024 * 1024))
        .unwrap();
    drop(f);
    let patch = |offset: usize, bytes: usize| {
        format!(
            "PATCH /api/uploads/{id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n\
             Content-Length: {bytes}\r\nConnection: close\r\n\r\n{}",
            alice.token,
            "x".repeat(bytes)
        )
    };
    let (status, body) = http(server.addr(), &patch(0, SIZE)).await;
    assert_eq!(status, 507, "{body}");
    assert!(body.contains(r#""code":"storage_full""#), "{body}");
    let head = format!(
        "HEAD /api/uploads/{id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Tus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n",
        alice.token
    );
    let (_, body) = http(server.addr(), &head).await;
    assert_eq!(
        header(&body, "upload-offset"),
        Some("0"),
        "nothing half-stored: {body}"
    );
    // With space back, the same upload completes.
    std::fs::remove_file(&filler).unwrap();
    let (status, body) = http(server.addr(), &patch(0, SIZE)).await;
    assert_eq!(status, 204, "{body}");
    assert!(header(&body, "liao-file-id").is_some(), "{body}");
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL connections cut

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_terminated_mid_load() {
    use sqlx::Connection;
    let server = TestServer::start(Db::Postgres).await;
    let bob = server.register("bob").await;
    let mut convs = Vec::new();
    for i in 0..3 {
        let s = server.register(&format!("sender{i}")).await;
        befriend(&s, &bob).await;
        let conv = s.open_direct(&bob.id).await;
        convs.push((s, conv));
    }
    let target: Target = Arc::new(RwLock::new(Some((server.ws_url(), server.options()))));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = convs
        .iter()
        .map(|(s, conv)| {
            tokio::spawn(resilient_sender(
                target.clone(),
                s.token.clone(),
                s.name.clone(),
                conv.clone(),
                stop.clone(),
            ))
        })
        .collect();
    let db = server.db.url.rsplit('/').next().unwrap().to_owned();
    let admin = std::env::var("LIAO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let mut conn = sqlx::AnyConnection::connect(&admin).await.expect("admin");
    let mut cut = 0i64;
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let n: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(pg_terminate_backend(pid)) AS BIGINT) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&db)
        .fetch_one(&mut conn)
        .await
        .expect("terminate");
        cut += n;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for ((s, conv), task) in convs.iter().zip(tasks) {
        let acked = task.await.expect("sender");
        total += acked.len();
        let history = whole_history(&bob, conv).await;
        assert_exactly_acked(&history, &acked, &s.name);
    }
    assert!(cut > 0, "no connection was terminated");
    println!(
        "PostgreSQL: {cut} connections terminated, {total} acknowledged, 0 lost, 0 duplicated"
    );
}

// ---------------------------------------------------------------------------------------------
// Crashes while finishing an upload

fn blob_count(data: &Path) -> usize {
    walk(&data.join("files/blobs"))
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_at_every_step_of_finishing_an_upload() {
    const CONTENT: &str = "the quarterly plan, final version";
    let mut results = BTreeMap::new();
    for point in ["upload.received", "upload.linked", "upload.recorded"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let armed = Launch {
            env: vec![("LIAO_FAULT".into(), point.into())],
            ..Launch::default()
        };
        let server = ServerProcess::start(dir.path(), &armed);
        let alice = server.register("alice").await;
        let (status, body) = create_upload(&server, &alice, CONTENT.len()).await;
        assert_eq!(status, 201, "{body}");
        let id = header(&body, "location")
            .and_then(|l| l.rsplit('/').next())
            .expect("location")
            .to_owned();
        let (status, _) = http(
            server.addr(),
            &format!(
                "PATCH /api/uploads/{id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
                 Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{CONTENT}",
                alice.token,
                CONTENT.len()
            ),
        )
        .await;
        assert_eq!(
            status, 0,
            "{point}: the server answered instead of crashing"
        );
        let exit = server.wait_exit(Duration::from_secs(10));
        assert!(!exit.success(), "{point}: {exit}");

        let server = ServerProcess::start(dir.path(), &Launch::default());
        let head = format!(
            "HEAD /api/uploads/{id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Tus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n",
            alice.token
        );
        let (status, body) = http(server.addr(), &head).await;
        assert_eq!(status, 200, "{point}: {body}");
        assert_eq!(
            header(&body, "upload-offset"),
            Some(CONTENT.len().to_string().as_str()),
            "{point}: {body}"
        );
        let file = header(&body, "liao-file-id")
            .unwrap_or_else(|| panic!("{point}: complete without a file id: {body}"))
            .to_owned();
        let (status, body) = http(
            server.addr(),
            &format!(
                "GET /api/files/{file} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
                 Connection: close\r\n\r\n",
                alice.token
            ),
        )
        .await;
        assert_eq!(status, 200, "{point}: {body}");
        assert!(body.ends_with(CONTENT), "{point}: {body}");
        // The same file on a second look: finishing happened once.
        let (_, again) = http(server.addr(), &head).await;
        assert_eq!(
            header(&again, "liao-file-id"),
            Some(file.as_str()),
            "{point}"
        );
        assert_eq!(blob_count(dir.path()), 1, "{point}: one blob");
        results.insert(point, "resumed and complete");
    }
    println!("upload crash points: {results:?}");
}

// ---------------------------------------------------------------------------------------------
// Floods

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_from_one_address_and_one_account_do_not_starve_others() {
    let dir = tempfile::tempdir().expect("temp dir");
    let launch = Launch {
        args: vec![
            "--max-connections-per-ip".into(),
            "300".into(),
            "--max-connections-per-account".into(),
            "8".into(),
        ],
        max_files: Some(1024),
        ..Launch::default()
    };
    let server = ServerProcess::start(dir.path(), &launch);
    let victim_options = ConnectOptions {
        bind: Some("127.0.0.2".parse().unwrap()),
        ..server.options()
    };
    let victim = common::register_at(
        Client::connect(&server.ws_url(), victim_options.clone())
            .await
            .expect("victim connects"),
        "victim",
    )
    .await;
    let friend = server.register("friend").await;
    befriend(&victim, &friend).await;
    let conv = victim.open_direct(&friend.id).await;
    let flooder = server.register("flooder").await;

    // 1,500 idle TCP connections from one address: more than the server's 1,024 descriptors.
    let mut idle = Vec::new();
    for _ in 0..1500 {
        match tokio::net::TcpStream::connect(server.addr()).await {
            Ok(s) => idle.push(s),
            Err(_) => break,
        }
    }
    // One account's connections, each sending as fast as it can.
    let stop = Arc::new(AtomicBool::new(false));
    let mut floods = Vec::new();
    for _ in 0..6 {
        let options = ConnectOptions {
            bind: Some("127.0.0.3".parse().unwrap()),
            ..server.options()
        };
        let Ok(conn) = Client::connect(&server.ws_url(), options).await else {
            continue;
        };
        let flooder = common::resume_at(conn, &flooder.token).await;
        let stop = stop.clone();
        floods.push(tokio::spawn(async move {
            let mut limited = 0u32;
            while !stop.load(Ordering::Relaxed) {
                if let Err(e) = flooder.client.request(Command::ListContacts).await {
                    match e.code() {
                        Some(ErrorCode::RateLimited) => limited += 1,
                        _ => break,
                    }
                }
            }
            limited
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The victim, elsewhere, is served within a second, every time.
    let mut worst = Duration::ZERO;
    for i in 0..10 {
        let started = Instant::now();
        victim
            .send_text(&conv, &format!("during-{i}"), "still here")
            .await;
        worst = worst.max(started.elapsed());
    }
    let started = Instant::now();
    let fresh = Client::connect(&server.ws_url(), victim_options)
        .await
        .expect("a new victim connection during the flood");
    common::resume_at(fresh, &victim.token).await;
    let connect = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut limited = 0;
    for f in floods {
        limited += f.await.expect("flood");
    }
    assert!(worst < Duration::from_secs(1), "a send took {worst:?}");
    assert!(
        connect < Duration::from_secs(2),
        "connecting took {connect:?}"
    );
    assert!(limited > 0, "the flooding account was never limited");
    println!(
        "floods: {} idle connections attempted, flooder limited {limited} times; victim's slowest \
         send {worst:?}, a new connection in {connect:?}",
        idle.len()
    );
}
