//! Who may fetch a file, and how the file endpoints answer odd requests (regressions from the
//! reliability attack): signed URLs die with the session that asked for them, several ranges
//! get the whole file, unknown `/api` paths are JSON 404s, bad upload metadata is refused.

mod common;

use std::ops::ControlFlow;

use common::{Db, TestServer, User, raw_http};
use liao_shared::client::transfer::{Transfers, UploadKind};
use liao_shared::command;
use liao_shared::{Command, FileId};

on_both_backends!(signed_urls_die_with_their_session);

async fn upload_text(server: &TestServer, user: &User, content: &str) -> FileId {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, content).unwrap();
    Transfers::new(
        &format!("https://127.0.0.1:{}", server.addr.port()),
        liao_shared::client::Trust::Pinned(server.fingerprint),
        &user.token,
    )
    .unwrap()
    .upload(&path, UploadKind::File, &mut |_, _| {
        ControlFlow::Continue(())
    })
    .await
    .expect("upload")
}

async fn get(server: &TestServer, path: &str, extra: &str) -> (u16, String) {
    raw_http(
        server.addr,
        &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra}Connection: close\r\n\r\n"),
    )
    .await
}

async fn signed_url(user: &User, file: &FileId) -> String {
    user.file_urls(file).await.url
}

async fn signed_urls_die_with_their_session(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let file = upload_text(&server, &alice, "secret plans").await;

    // Two sessions, a URL from each.
    let laptop = server.login("alice").await;
    let phone = server.login("alice").await;
    let laptop_url = signed_url(&laptop, &file).await;
    let phone_url = signed_url(&phone, &file).await;
    assert_eq!(get(&server, &laptop_url, "").await.0, 200);
    assert_eq!(get(&server, &phone_url, "").await.0, 200);

    // Logging out the laptop kills its URLs at once; the phone's keep working.
    laptop.ok(Command::Logout).await;
    let (status, body) = get(&server, &laptop_url, "").await;
    assert_eq!(
        status, 404,
        "a URL of a logged-out session still served: {body}"
    );
    assert_eq!(get(&server, &phone_url, "").await.0, 200);

    // A password change ends every other session: the phone's URLs die too.
    alice
        .ok(command::ChangePassword {
            old_password: "password-alice".into(),
            new_password: "another-password".into(),
        })
        .await;
    assert_eq!(get(&server, &phone_url, "").await.0, 404);
    // The session that changed it keeps its own.
    let url = signed_url(&alice, &file).await;
    assert_eq!(get(&server, &url, "").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_ranges_get_the_whole_file() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let file = upload_text(&server, &alice, "0123456789").await;
    let auth = format!("Authorization: Bearer {}\r\n", alice.token);
    let (status, body) = get(
        &server,
        &format!("/api/files/{file}"),
        &format!("{auth}Range: bytes=0-1,4-5\r\n"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.ends_with("\r\n\r\n0123456789"), "{body}");
    // One range is still a partial answer.
    let (status, body) = get(
        &server,
        &format!("/api/files/{file}"),
        &format!("{auth}Range: bytes=2-4\r\n"),
    )
    .await;
    assert_eq!(status, 206, "{body}");
    assert!(body.ends_with("\r\n\r\n234"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_api_paths_are_json_not_found() {
    let server = TestServer::start(Db::Sqlite).await;
    for path in ["/api/nope", "/api/files", "/api/uploads/x/y"] {
        let (status, body) = get(&server, path, "").await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(
            body.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{path}: {body}"
        );
        assert!(body.contains(r#""code":"not_found""#), "{path}: {body}");
    }
    // The web UI still answers its own paths.
    assert_eq!(get(&server, "/", "").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_base64_in_upload_metadata_is_refused() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let (status, body) = raw_http(
        server.addr,
        &format!(
            "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Tus-Resumable: 1.0.0\r\nUpload-Length: 5\r\nUpload-Metadata: filename @@not-base64@@\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n",
            alice.token
        ),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains(r#""code":"bad_request""#), "{body}");
}
