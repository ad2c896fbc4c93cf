//! Uploads survive a crash at any step of finishing, and a finished upload always shows its file
//! id (regressions from the reliability attack). The states a crash used to leave behind are
//! built on disk here exactly as the old finishing code left them; the fault suite
//! (`tests/faults.rs`) kills a real server process at each step.

mod common;

use std::time::Duration;

use common::{Db, TestServer, User, data_dir, raw_http};
use liao_server::config::Config;

/// A tus request (`METHOD PATH`, then any extra header lines) with the user's bearer token;
/// returns the status and the whole response.
async fn tus(server: &TestServer, user: &User, request: &str, body: &str) -> (u16, String) {
    let (line, extra) = request.split_once("\r\n").unwrap_or((request, ""));
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("{extra}\r\n")
    };
    raw_http(
        server.addr,
        &format!(
            "{line} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nTus-Resumable: 1.0.0\r\n\
             Content-Length: {}\r\nConnection: close\r\n{extra}{}\r\n{body}",
            user.token,
            body.len(),
            if line.starts_with("PATCH") {
                "Content-Type: application/offset+octet-stream\r\n"
            } else {
                ""
            },
        ),
    )
    .await
}

/// A response header's value (names are case-insensitive).
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Create an upload of `length` bytes; its id.
async fn create(server: &TestServer, user: &User, length: usize) -> String {
    let (status, response) = raw_http(
        server.addr,
        &format!(
            "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Tus-Resumable: 1.0.0\r\nUpload-Length: {length}\r\nUpload-Metadata: filename bm90ZXMudHh0\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n",
            user.token
        ),
    )
    .await;
    assert_eq!(status, 201, "{response}");
    header(&response, "location")
        .and_then(|l| l.rsplit('/').next())
        .expect("Location")
        .to_owned()
}

const CONTENT: &str = "hello, crash";

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_the_blob_moved_leaves_a_resumable_upload() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let id = create(&server, &alice, CONTENT.len()).await;
    // What a kill -9 between moving the bytes into the blob store and recording the file left:
    // the blob in place, the upload's file gone, no file record.
    let files = data_dir(&server.db).join("files");
    let sha = sha256_hex(CONTENT);
    let blob = files.join("blobs").join(&sha[..2]).join(&sha);
    std::fs::create_dir_all(blob.parent().unwrap()).unwrap();
    std::fs::write(&blob, CONTENT).unwrap();
    std::fs::remove_file(files.join("uploads").join(&id)).unwrap();
    let server = server.restart().await;

    let (status, response) = tus(&server, &alice, &format!("HEAD /api/uploads/{id}"), "").await;
    assert_eq!(status, 200, "{response}");
    let offset: usize = header(&response, "upload-offset").unwrap().parse().unwrap();
    if header(&response, "liao-file-id").is_none() {
        // Not finished: it resumes from where the server says it stands.
        let (status, response) = tus(
            &server,
            &alice,
            &format!("PATCH /api/uploads/{id}\r\nUpload-Offset: {offset}"),
            &CONTENT[offset..],
        )
        .await;
        assert_eq!(status, 204, "the upload can be resumed: {response}");
        assert!(header(&response, "liao-file-id").is_some(), "{response}");
    }
    let (status, response) = tus(&server, &alice, &format!("HEAD /api/uploads/{id}"), "").await;
    assert_eq!(status, 200);
    assert_eq!(header(&response, "upload-offset"), Some("12"));
    assert!(header(&response, "liao-file-id").is_some(), "{response}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_bytes_received_without_a_file_id_is_finished_on_head() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let id = create(&server, &alice, CONTENT.len()).await;
    // What a crash right after the last byte was written (before finishing) left.
    let path = data_dir(&server.db).join("files/uploads").join(&id);
    std::fs::write(&path, CONTENT).unwrap();
    let server = server.restart().await;

    let (status, response) = tus(&server, &alice, &format!("HEAD /api/uploads/{id}"), "").await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(header(&response, "upload-offset"), Some("12"));
    let file = header(&response, "liao-file-id")
        .unwrap_or_else(|| panic!("a complete upload shows its file id: {response}"))
        .to_owned();
    let (status, body) = raw_http(
        server.addr,
        &format!(
            "GET /api/files/{file} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            alice.token
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.ends_with(CONTENT), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zero_byte_upload_has_its_file_id_at_creation() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let (status, response) = raw_http(
        server.addr,
        &format!(
            "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Tus-Resumable: 1.0.0\r\nUpload-Length: 0\r\nUpload-Metadata: filename ZW1wdHk=\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n",
            alice.token
        ),
    )
    .await;
    assert_eq!(status, 201, "{response}");
    assert_eq!(header(&response, "upload-offset"), Some("0"));
    assert!(
        header(&response, "liao-file-id").is_some(),
        "an empty upload is complete at creation: {response}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_body_is_ended() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = Config::for_tests();
    config.tuning.upload_idle_secs = 2;
    let server = TestServer::start_with(common::TestDb::new(Db::Sqlite).await, config).await;
    let alice = server.register("alice").await;
    let id = create(&server, &alice, 1000).await;
    // Promise 1000 bytes, send 3, then nothing.
    let (mut stream, _) = common::tls_connect(server.addr).await;
    stream
        .write_all(
            format!(
                "PATCH /api/uploads/{id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
                 Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n\
                 Content-Length: 1000\r\n\r\nabc",
                alice.token
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    stream.flush().await.unwrap();
    // The server ends the request within the idle limit (plus slack), not never.
    let mut buf = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(8), stream.read_to_end(&mut buf)).await;
    assert!(
        ended.is_ok(),
        "a body idle for 2 s was still open after 8 s"
    );
    // What arrived is kept: the upload resumes from 3.
    let (status, response) = tus(&server, &alice, &format!("HEAD /api/uploads/{id}"), "").await;
    assert_eq!(status, 200);
    assert_eq!(header(&response, "upload-offset"), Some("3"), "{response}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickling_upload_body_is_ended() {
    use tokio::io::AsyncWriteExt;
    let mut config = Config::for_tests();
    config.tuning.upload_idle_secs = 2;
    let server = TestServer::start_with(common::TestDb::new(Db::Sqlite).await, config).await;
    let alice = server.register("alice").await;
    let id = create(&server, &alice, 100_000).await;
    // One byte every 300 ms: never idle, but far below 16 KiB per 2 s.
    let (mut stream, _) = common::tls_connect(server.addr).await;
    stream
        .write_all(
            format!(
                "PATCH /api/uploads/{id} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
                 Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n\
                 Content-Length: 100000\r\n\r\n",
                alice.token
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut sent = 0;
    while started.elapsed() < Duration::from_secs(10) {
        if stream.write_all(b"x").await.is_err() || stream.flush().await.is_err() {
            break;
        }
        sent += 1;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "a body trickling {sent} bytes was still accepted after {:?}",
        started.elapsed()
    );
    // What arrived is kept.
    let (status, response) = tus(&server, &alice, &format!("HEAD /api/uploads/{id}"), "").await;
    assert_eq!(status, 200);
    let offset: u64 = header(&response, "upload-offset").unwrap().parse().unwrap();
    assert!(
        offset > 0 && offset <= sent,
        "{offset} of {sent}: {response}"
    );
}
