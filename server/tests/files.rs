//! Files and images end to end: resumable tus uploads and ranged downloads through the Rust
//! client, instant re-send, access rules (404 for anyone who cannot see the file, on every path),
//! image checks (decompression bombs, EXIF orientation and stripping, thumbnails), safe serving
//! of hostile content and names, limits and quota, recall, and a 500 MB round trip with flat
//! memory.

mod common;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Db, FileUrls, TestDb, TestServer, User, befriend, raw_http};
use liao_server::config::Config;
use liao_shared::client::ClientError;
use liao_shared::client::transfer::{Transfers, UploadKind, file_sha256};
use liao_shared::command;
use liao_shared::{
    ErrorCode, FileId, GroupSettings, JoinPolicy, MessageBody, NewMessageBody, Reply,
};

on_both_backends!(
    file_round_trip_and_access,
    images_in_groups,
    recall_deletes_the_file,
    forwarding_reuses_the_file_and_keeps_it_after_a_recall,
    avatars_for_users_and_groups,
);

fn transfers(server: &TestServer, user: &User) -> Transfers {
    Transfers::new(
        &format!("https://127.0.0.1:{}", server.addr.port()),
        liao_shared::client::Trust::Pinned(server.fingerprint),
        &user.token,
    )
    .unwrap()
}

fn no_progress() -> impl FnMut(u64, u64) -> ControlFlow<()> + Send {
    |_, _| ControlFlow::Continue(())
}

/// Deterministic pseudo-random bytes (incompressible, unlike zeros).
fn write_random(path: &Path, len: u64, seed: u64) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut x = seed | 1;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        for chunk in buf.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        let n = left.min(buf.len() as u64) as usize;
        f.write_all(&buf[..n]).unwrap();
        left -= n as u64;
    }
}

fn tmp(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

async fn upload(
    server: &TestServer,
    user: &User,
    path: &Path,
    kind: UploadKind,
) -> Result<FileId, ClientError> {
    transfers(server, user)
        .upload(path, kind, &mut no_progress())
        .await
}

async fn send_body(
    user: &User,
    conv: &liao_shared::ConversationId,
    id: &str,
    body: NewMessageBody,
) -> Result<Reply, ClientError> {
    user.client
        .request(command::SendMessage {
            conversation_id: conv.clone(),
            client_msg_id: id.into(),
            body,
            reply_to: None,
        })
        .await
}

/// Status of a GET with a bearer token and optional range.
async fn get_status(
    server: &TestServer,
    path: &str,
    token: Option<&str>,
    range: Option<&str>,
) -> (u16, String) {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let range = range.map(|r| format!("Range: {r}\r\n")).unwrap_or_default();
    raw_http(
        server.addr,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}{range}Connection: close\r\n\r\n"
        ),
    )
    .await
}

async fn file_round_trip_and_access(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    let carol = server.register("carol").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let dir = tempfile::tempdir().unwrap();
    let src = tmp(&dir, "report 报告.bin");
    write_random(&src, 3 * 1024 * 1024 + 17, 7);

    let file_id = upload(&server, &alice, &src, UploadKind::File)
        .await
        .unwrap();
    let message = alice
        .send(
            &conv,
            "f1",
            NewMessageBody::File {
                file_id: file_id.clone(),
            },
        )
        .await;
    let MessageBody::File { file } = &message.body else {
        panic!("{message:?}")
    };
    assert_eq!(file.name, "report 报告.bin");
    assert_eq!(file.size, 3 * 1024 * 1024 + 17);
    assert_eq!(bob.expect_message(&conv).await, message);

    // Bob downloads it; a broken download resumes with Range.
    let dest = tmp(&dir, "bob.bin");
    let mut stop_half = |done: u64, total: u64| {
        if done * 2 >= total {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let t = transfers(&server, &bob);
    assert!(
        t.download(&file_id, &dest, false, &mut stop_half)
            .await
            .is_err()
    );
    let partial = std::fs::metadata(&dest).unwrap().len();
    assert!(partial > 0 && partial < file.size, "{partial}");
    assert_eq!(
        t.download(&file_id, &dest, false, &mut no_progress())
            .await
            .unwrap(),
        file.size
    );
    assert_eq!(
        file_sha256(&dest).await.unwrap(),
        file_sha256(&src).await.unwrap()
    );

    // Carol can see nothing of it: 404 for the file, a range of it, and its (absent) thumbnail.
    let path = format!("/api/files/{file_id}");
    assert_eq!(
        get_status(&server, &path, Some(&bob.token), Some("bytes=0-9"))
            .await
            .0,
        206
    );
    for (p, range) in [
        (path.clone(), None),
        (path.clone(), Some("bytes=0-9")),
        (format!("{path}/thumbnail"), None),
    ] {
        assert_eq!(
            get_status(&server, &p, Some(&carol.token), range).await.0,
            404,
            "{p} {range:?}"
        );
    }
    assert_eq!(get_status(&server, &path, None, None).await.0, 404);
    assert_eq!(
        carol
            .err(command::FileUrls {
                file_id: file_id.clone()
            })
            .await,
        ErrorCode::NotFound
    );
    // … and cannot send it herself, even knowing its id.
    befriend(&carol, &bob).await;
    let cb = carol.open_direct(&bob.id).await;
    let e = send_body(
        &carol,
        &cb,
        "steal",
        NewMessageBody::File {
            file_id: file_id.clone(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::NotFound));

    // Signed URLs work without a token and only as issued.
    let FileUrls {
        url, thumbnail_url, ..
    } = bob.file_urls(&file_id).await;
    assert!(thumbnail_url.is_none());
    let (status, response) = get_status(&server, &url, None, Some("bytes=0-3")).await;
    assert_eq!(status, 206, "{response}");
    let tampered = url.replace("&s=", "&s=0");
    assert_eq!(get_status(&server, &tampered, None, None).await.0, 404);
    let other_user = url.replace(bob.id.as_str(), carol.id.as_str());
    assert_eq!(get_status(&server, &other_user, None, None).await.0, 404);

    // Instant re-send (秒传): the same content again completes without sending bytes …
    let copy = tmp(&dir, "copy.bin");
    std::fs::copy(&src, &copy).unwrap();
    let t = transfers(&server, &alice);
    let started = std::time::Instant::now();
    let again = t
        .create_upload(&copy, UploadKind::File, false)
        .await
        .unwrap();
    assert!(
        again.file_id.is_some(),
        "known content completes at creation"
    );
    assert_eq!(again.offset, again.length);
    eprintln!("instant re-send took {:?}", started.elapsed());
    // … but knowing the content's hash grants nothing to someone who cannot see it.
    let from_carol = transfers(&server, &carol)
        .create_upload(&copy, UploadKind::File, false)
        .await
        .unwrap();
    assert!(from_carol.file_id.is_none());
    assert_eq!(from_carol.offset, 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_upload_resumes_from_the_server_offset() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let dir = tempfile::tempdir().unwrap();
    let src = tmp(&dir, "big.bin");
    write_random(&src, 24 * 1024 * 1024, 3);
    let t = transfers(&server, &alice);
    let upload = t
        .create_upload(&src, UploadKind::File, false)
        .await
        .unwrap();
    let mut cut = |done: u64, total: u64| {
        if done * 2 >= total {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    assert!(
        t.send_rest(&upload, &src, &mut cut).await.is_err(),
        "cut at 50%"
    );
    // Another client (say, after a restart of the app) asks the server where it stands.
    let state = t.upload_state(&upload.location).await.unwrap();
    assert!(
        state.offset > 0 && state.offset < state.length,
        "server kept {} of {}",
        state.offset,
        state.length
    );
    let mut sent_again = 0;
    let mut count = |done: u64, _| {
        sent_again = done;
        ControlFlow::Continue(())
    };
    let file_id = t
        .finish_upload(state.clone(), &src, &mut count)
        .await
        .unwrap();
    assert_eq!(
        sent_again, state.length,
        "resumed from {} to the end",
        state.offset
    );
    let dest = tmp(&dir, "back.bin");
    t.download(&file_id, &dest, false, &mut no_progress())
        .await
        .unwrap();
    assert_eq!(
        file_sha256(&dest).await.unwrap(),
        file_sha256(&src).await.unwrap()
    );
    // A wrong offset is refused with 409 and changes nothing.
    let other = t
        .create_upload(&tmp_file(&dir, "x.bin", 1000), UploadKind::File, false)
        .await
        .unwrap();
    let wrong = liao_shared::client::transfer::Upload {
        offset: 10,
        ..other.clone()
    };
    let e = t
        .send_rest(&wrong, &tmp(&dir, "x.bin"), &mut no_progress())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::Conflict));
    assert_eq!(t.upload_state(&other.location).await.unwrap().offset, 0);
    server.stop().await;
}

fn tmp_file(dir: &tempfile::TempDir, name: &str, len: u64) -> PathBuf {
    let p = tmp(dir, name);
    let seed = name
        .bytes()
        .fold(len, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    write_random(&p, len, seed);
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_and_quota_are_checked_before_any_byte() {
    let mut config = Config::for_tests();
    config.tuning.max_file_bytes = 1024 * 1024;
    config.tuning.max_image_bytes = 64 * 1024;
    config.tuning.quota_bytes = 3 * 1024 * 1024 / 2;
    let server = TestServer::start_with(TestDb::new(Db::Sqlite).await, config).await;
    let alice = server.register("alice").await;
    let dir = tempfile::tempdir().unwrap();
    let t = transfers(&server, &alice);
    let big = tmp_file(&dir, "big.bin", 1024 * 1024 + 1);
    let e = t
        .create_upload(&big, UploadKind::File, false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::FileTooLarge));
    let big_image = tmp_file(&dir, "big.png", 64 * 1024 + 1);
    assert_eq!(
        t.create_upload(&big_image, UploadKind::Image, false)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::FileTooLarge)
    );
    // The quota counts finished files and uploads in progress.
    let one = tmp_file(&dir, "one.bin", 1024 * 1024);
    upload(&server, &alice, &one, UploadKind::File)
        .await
        .unwrap();
    let two = tmp_file(&dir, "two.bin", 1024 * 1024);
    assert_eq!(
        t.create_upload(&two, UploadKind::File, false)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::QuotaExceeded)
    );
    // Sending more bytes than declared is refused and nothing beyond the old offset is kept.
    let small = tmp_file(&dir, "small.bin", 100);
    let up = t
        .create_upload(&small, UploadKind::File, false)
        .await
        .unwrap();
    let longer = tmp_file(&dir, "longer.bin", 200);
    let e = t
        .send_rest(&up, &longer, &mut no_progress())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::FileTooLarge));
    assert_eq!(t.upload_state(&up.location).await.unwrap().offset, 0);
    // Uploads need a valid session.
    let anon = Transfers::new(
        &format!("https://127.0.0.1:{}", server.addr.port()),
        liao_shared::client::Trust::Pinned(server.fingerprint),
        "nope",
    )
    .unwrap();
    assert_eq!(
        anon.create_upload(&small, UploadKind::File, false)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::InvalidSession)
    );
    server.stop().await;
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG with an EXIF block saying "rotate 90° clockwise" (orientation 6) and a GPS-looking tag.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 50, 200]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    // TIFF (little endian) with one IFD entry: Orientation (0x0112), SHORT, 1, value 6.
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"LIAO-SECRET-LOCATION");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny PNG whose header claims 30000×30000 pixels (2.7 GB decoded): a decompression bomb.
fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&30000u32.to_be_bytes());
    ihdr.extend_from_slice(&30000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

async fn images_in_groups(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut member = server.register("member").await;
    let outsider = server.register("outsider").await;
    let conversation = owner
        .create_group(GroupSettings {
            name: "Photos".into(),
            description: String::new(),
            join_policy: JoinPolicy::Open,
            searchable: true,
            allow_temp_sessions: true,
        })
        .await;
    let g = conversation.conversation_id;
    member
        .ok(command::JoinGroup {
            conversation_id: g.clone(),
            message: None,
        })
        .await;
    let dir = tempfile::tempdir().unwrap();

    // A rotated JPEG with metadata: dimensions after orientation, metadata stripped when served.
    let photo = tmp(&dir, "photo.jpg");
    std::fs::write(&photo, jpeg_with_exif(640, 480)).unwrap();
    let image_id = upload(&server, &owner, &photo, UploadKind::Image)
        .await
        .unwrap();
    let message = owner
        .send(
            &g,
            "img",
            NewMessageBody::Image {
                file_id: image_id.clone(),
            },
        )
        .await;
    let MessageBody::Image { file } = &message.body else {
        panic!()
    };
    assert_eq!(
        (file.width, file.height),
        (Some(480), Some(640)),
        "EXIF orientation applied"
    );
    assert_eq!(file.mime, "image/jpeg");
    assert!(file.thumbnail);
    assert_eq!(member.expect_text_or_image(&g).await, message);

    let t = transfers(&server, &member);
    let original = tmp(&dir, "original.jpg");
    t.download(&image_id, &original, false, &mut no_progress())
        .await
        .unwrap();
    let served = std::fs::read(&original).unwrap();
    assert!(
        !served.windows(20).any(|w| w == b"LIAO-SECRET-LOCATION"),
        "metadata stripped"
    );
    assert_eq!(image::load_from_memory(&served).unwrap().width(), 480);
    let thumb = tmp(&dir, "thumb.jpg");
    t.download(&image_id, &thumb, true, &mut no_progress())
        .await
        .unwrap();
    let thumb = image::load_from_memory(&std::fs::read(&thumb).unwrap()).unwrap();
    assert_eq!((thumb.width().max(thumb.height())), 400);
    // Raster images are shown inline; non-members get 404 for the thumbnail too.
    let (status, head) = get_status(
        &server,
        &format!("/api/files/{image_id}"),
        Some(&member.token),
        Some("bytes=0-1"),
    )
    .await;
    assert_eq!(status, 206);
    let head = head.to_ascii_lowercase();
    assert!(
        head.contains("content-type: image/jpeg") && head.contains("content-disposition: inline"),
        "{head}"
    );
    assert_eq!(
        get_status(
            &server,
            &format!("/api/files/{image_id}/thumbnail"),
            Some(&outsider.token),
            None
        )
        .await
        .0,
        404
    );

    // Files are for 1:1 chats; groups take images.
    let doc = tmp_file(&dir, "doc.pdf", 2000);
    let doc_id = upload(&server, &owner, &doc, UploadKind::File)
        .await
        .unwrap();
    let e = send_body(
        &owner,
        &g,
        "doc",
        NewMessageBody::File {
            file_id: doc_id.clone(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::NotAllowedHere));
    let e = send_body(
        &owner,
        &g,
        "doc2",
        NewMessageBody::Image { file_id: doc_id },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::UnsupportedImage));

    // Decompression bomb: refused from its header, without decoding 2.7 GB of pixels.
    let bomb = tmp(&dir, "bomb.png");
    std::fs::write(&bomb, png_bomb()).unwrap();
    let e = upload(&server, &owner, &bomb, UploadKind::Image)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::UnsupportedImage));
    // Not an image at all, whatever its name says.
    let fake = tmp(&dir, "fake.png");
    std::fs::write(&fake, b"<html><script>alert(1)</script></html>").unwrap();
    assert_eq!(
        upload(&server, &owner, &fake, UploadKind::Image)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::UnsupportedImage)
    );
    // A PNG works and keeps its format.
    let pic = tmp(&dir, "pic.png");
    std::fs::write(&pic, png(1200, 300)).unwrap();
    let id = upload(&server, &owner, &pic, UploadKind::Image)
        .await
        .unwrap();
    let message = owner
        .send(&g, "png", NewMessageBody::Image { file_id: id })
        .await;
    let MessageBody::Image { file } = &message.body else {
        panic!()
    };
    assert_eq!(
        (file.mime.as_str(), file.width, file.height),
        ("image/png", Some(1200), Some(300))
    );
    server.stop().await;
}

trait ExpectImage {
    async fn expect_text_or_image(
        &mut self,
        conv: &liao_shared::ConversationId,
    ) -> liao_shared::Message;
}

impl ExpectImage for User {
    async fn expect_text_or_image(
        &mut self,
        conv: &liao_shared::ConversationId,
    ) -> liao_shared::Message {
        self.expect("image message", |f| match f {
            liao_shared::ServerFrame::Message { message }
                if message.conversation_id == *conv
                    && matches!(message.body, MessageBody::Image { .. }) =>
            {
                Some(message.clone())
            }
            _ => None,
        })
        .await
    }
}

/// Upload with a raw tus request so the name can be anything (no file system involved).
async fn raw_upload(server: &TestServer, user: &User, name: &str, content: &[u8]) -> FileId {
    use base64::Engine;
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    let create = format!(
        "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nTus-Resumable: 1.0.0\r\n\
         Upload-Length: {}\r\nUpload-Metadata: filename {},filetype {},kind {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        user.token,
        content.len(),
        b64(name.as_bytes()),
        b64(b"text/html"),
        b64(b"file")
    );
    let (status, response) = raw_http(server.addr, &create).await;
    assert_eq!(status, 201, "{response}");
    let location = response
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap()
        .trim()
        .to_owned();
    let patch = format!(
        "PATCH {location} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nTus-Resumable: 1.0.0\r\n\
         Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        user.token,
        content.len(),
        String::from_utf8_lossy(content)
    );
    let (status, response) = raw_http(server.addr, &patch).await;
    assert_eq!(status, 204, "{response}");
    let id = response
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("liao-file-id: ")
                .map(|v| v.trim().to_owned())
        })
        .unwrap();
    FileId(id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_content_and_names_are_served_safely() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let long = "長".repeat(2000);
    let cases: Vec<(&str, &[u8])> = vec![
        (
            "page.html",
            b"<html><script>alert(document.cookie)</script></html>",
        ),
        (
            "drawing.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        ),
        ("../../x", b"escape attempt"),
        ("\"><img src=x onerror=alert(1)>", b"markup in the name"),
        ("nul\0byte.txt", b"control characters"),
        (long.as_str(), b"a very long name"),
    ];
    for (i, (name, content)) in cases.iter().enumerate() {
        let id = raw_upload(&server, &alice, name, content).await;
        let message = alice
            .send(
                &conv,
                &format!("h{i}"),
                NewMessageBody::File {
                    file_id: id.clone(),
                },
            )
            .await;
        let MessageBody::File { file } = &message.body else {
            panic!()
        };
        assert!(
            !file.name.contains('\0') && file.name.chars().count() <= 255,
            "{:?}",
            file.name
        );
        let (status, response) =
            get_status(&server, &format!("/api/files/{id}"), Some(&bob.token), None).await;
        assert_eq!(status, 200);
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let head = head.to_ascii_lowercase();
        assert!(
            head.contains("content-type: application/octet-stream"),
            "{name}: {head}"
        );
        assert!(
            head.contains("content-disposition: attachment; filename=\""),
            "{head}"
        );
        assert!(head.contains("filename*=utf-8''"), "{head}");
        assert!(head.contains("x-content-type-options: nosniff"));
        assert!(head.contains("content-security-policy: default-src 'none'; sandbox"));
        // The name never breaks out of the header value.
        let disposition = head
            .lines()
            .find(|l| l.starts_with("content-disposition"))
            .unwrap();
        assert!(
            !disposition.contains('<') && !disposition.contains('\0'),
            "{disposition}"
        );
        assert_eq!(body.as_bytes(), *content);
    }
    // Nothing was written outside the data directory's file store.
    let data = server.db.dir.path();
    assert!(!data.join("x").exists() && !data.parent().unwrap().join("x").exists());
    server.stop().await;
}

async fn recall_deletes_the_file(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let dir = tempfile::tempdir().unwrap();
    let src = tmp_file(&dir, "oops.bin", 5000);
    let id = upload(&server, &alice, &src, UploadKind::File)
        .await
        .unwrap();
    let message = alice
        .send(
            &conv,
            "oops",
            NewMessageBody::File {
                file_id: id.clone(),
            },
        )
        .await;
    bob.expect_message(&conv).await;
    assert_eq!(
        get_status(&server, &format!("/api/files/{id}"), Some(&bob.token), None)
            .await
            .0,
        200
    );
    alice
        .ok(command::Recall {
            conversation_id: conv.clone(),
            message_id: message.message_id,
        })
        .await;
    for token in [&bob.token, &alice.token] {
        assert_eq!(
            get_status(&server, &format!("/api/files/{id}"), Some(token), None)
                .await
                .0,
            404
        );
    }
    let blobs = walk(&server.db.dir.path().join("files/blobs"));
    assert!(
        blobs.is_empty(),
        "the recalled file's bytes are gone: {blobs:?}"
    );
    server.stop().await;
}

async fn forwarding_reuses_the_file_and_keeps_it_after_a_recall(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    let mut carol = server.register("carol").await;
    befriend(&alice, &bob).await;
    befriend(&bob, &carol).await;
    let ab = alice.open_direct(&bob.id).await;
    let bc = bob.open_direct(&carol.id).await;
    let dir = tempfile::tempdir().unwrap();
    let src = tmp_file(&dir, "plan.bin", 5000);
    let id = upload(&server, &alice, &src, UploadKind::File)
        .await
        .unwrap();
    let original = alice
        .send(
            &ab,
            "a1",
            NewMessageBody::File {
                file_id: id.clone(),
            },
        )
        .await;
    bob.expect_message(&ab).await;
    let blobs = walk(&server.db.dir.path().join("files/blobs")).len();

    // Bob forwards it to Carol: the same file, nothing uploaded again, Alice as its origin.
    let forward = NewMessageBody::Forward {
        conversation_id: ab.clone(),
        seq: original.seq,
    };
    let sent = match send_body(&bob, &bc, "b1", forward.clone()).await.unwrap() {
        Reply::Sent { message } => message,
        other => panic!("expected sent, got {other:?}"),
    };
    match &sent.body {
        MessageBody::File { file } => assert_eq!(file.file_id, id),
        other => panic!("expected the file, got {other:?}"),
    }
    let origin = sent.forwarded_from.clone().expect("forwarded_from");
    assert_eq!(
        (origin.sender_id, origin.sent_at),
        (alice.id.clone(), original.sent_at)
    );
    assert_eq!(carol.expect_message(&bc).await, sent);
    assert_eq!(walk(&server.db.dir.path().join("files/blobs")).len(), blobs);
    let path = format!("/api/files/{id}");
    assert_eq!(
        get_status(&server, &path, Some(&carol.token), None).await.0,
        200
    );

    // Carol, who cannot see Alice and Bob's conversation, cannot forward from it.
    assert!(matches!(
        send_body(&carol, &bc, "c1", forward).await,
        Err(ClientError::Server {
            code: ErrorCode::NotFound,
            ..
        })
    ));
    // Files stay out of groups, forwarded or not.
    let g = carol
        .create_group(liao_shared::GroupSettings {
            name: "Plans".into(),
            description: String::new(),
            join_policy: JoinPolicy::Open,
            searchable: true,
            allow_temp_sessions: true,
        })
        .await
        .conversation_id;
    let again = NewMessageBody::Forward {
        conversation_id: bc.clone(),
        seq: sent.seq,
    };
    assert!(matches!(
        send_body(&carol, &g, "c2", again).await,
        Err(ClientError::Server {
            code: ErrorCode::NotAllowedHere,
            ..
        })
    ));

    // Recalling the original leaves the forwarded copy and its file in place.
    alice
        .ok(command::Recall {
            conversation_id: ab.clone(),
            message_id: original.message_id,
        })
        .await;
    // (Alice keeps it as its uploader while any message references it.)
    for token in [&alice.token, &bob.token, &carol.token] {
        assert_eq!(get_status(&server, &path, Some(token), None).await.0, 200);
    }
    server.stop().await;
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// 500 MB up and down over TLS with matching SHA-256, while the process (server and client both)
/// grows by less than 32 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_megabytes_round_trip_with_flat_memory() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let dir = tempfile::tempdir().unwrap();
    let src = tmp(&dir, "big.bin");
    write_random(&src, 500 * 1000 * 1000, 11);
    let baseline = rss_kib();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(baseline));
    let sampler = tokio::spawn({
        let peak = peak.clone();
        async move {
            loop {
                peak.fetch_max(rss_kib(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });
    let t = transfers(&server, &alice);
    let started = std::time::Instant::now();
    let id = t
        .upload(&src, UploadKind::File, &mut no_progress())
        .await
        .unwrap();
    let up = started.elapsed();
    let dest = tmp(&dir, "back.bin");
    let started = std::time::Instant::now();
    t.download(&id, &dest, false, &mut no_progress())
        .await
        .unwrap();
    let down = started.elapsed();
    sampler.abort();
    let growth_mib = peak
        .load(std::sync::atomic::Ordering::Relaxed)
        .saturating_sub(baseline)
        / 1024;
    eprintln!(
        "500 MB: upload {up:?} ({:.0} MB/s incl. client hashing), download {down:?} ({:.0} MB/s), RSS growth {growth_mib} MiB",
        500.0 / up.as_secs_f64(),
        500.0 / down.as_secs_f64()
    );
    assert_eq!(
        file_sha256(&dest).await.unwrap(),
        file_sha256(&src).await.unwrap()
    );
    assert!(growth_mib < 32, "RSS grew by {growth_mib} MiB");
    server.stop().await;
}

async fn avatars_for_users_and_groups(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let stranger = server.register("stranger").await;
    let dir = tempfile::tempdir().unwrap();
    let pic = tmp(&dir, "me.png");
    std::fs::write(&pic, png(300, 300)).unwrap();
    let id = upload(&server, &alice, &pic, UploadKind::Image)
        .await
        .unwrap();
    let profile = alice.set_avatar(Some(&id)).await;
    assert_eq!(profile.avatar, Some(id.clone()));
    // Users are public, so is their avatar (to any signed-in user).
    let users = stranger.search_users("alice").await;
    assert_eq!(users[0].avatar, Some(id.clone()));
    let thumb = format!("/api/files/{id}/thumbnail");
    assert_eq!(
        get_status(&server, &thumb, Some(&stranger.token), None)
            .await
            .0,
        200
    );
    assert_eq!(
        get_status(&server, &thumb, None, None).await.0,
        404,
        "not without a session"
    );
    // Only images, only ones you can see.
    let doc = tmp_file(&dir, "doc.txt", 100);
    let doc_id = upload(&server, &alice, &doc, UploadKind::File)
        .await
        .unwrap();
    assert_eq!(
        alice
            .err(command::SetAvatar {
                file_id: Some(doc_id.clone())
            })
            .await,
        ErrorCode::UnsupportedImage
    );
    assert_eq!(
        stranger
            .err(command::SetAvatar {
                file_id: Some(doc_id)
            })
            .await,
        ErrorCode::NotFound
    );
    // Removing it: nothing references the image any more, so it is gone for everyone.
    alice.ok(command::SetAvatar { file_id: None }).await;
    assert_eq!(
        get_status(&server, &thumb, Some(&stranger.token), None)
            .await
            .0,
        404
    );

    // Group avatars: visible to members, and to anyone for a searchable group; hidden groups' only
    // to members.
    for (searchable, outsider_status) in [(true, 200), (false, 404)] {
        let conversation = alice
            .create_group(GroupSettings {
                name: format!("Avatar {searchable}"),
                description: String::new(),
                join_policy: JoinPolicy::Open,
                searchable,
                allow_temp_sessions: true,
            })
            .await;
        let g = conversation.conversation_id;
        let logo = tmp(&dir, &format!("logo{searchable}.png"));
        std::fs::write(&logo, png(64 + searchable as u32, 64)).unwrap();
        let logo_id = upload(&server, &alice, &logo, UploadKind::Image)
            .await
            .unwrap();
        alice
            .ok(command::SetGroupAvatar {
                conversation_id: g.clone(),
                file_id: Some(logo_id.clone()),
            })
            .await;
        let conversations = alice.conversations().await;
        let info = conversations
            .iter()
            .find(|c| c.conversation_id == g)
            .unwrap();
        assert_eq!(info.group.as_ref().unwrap().avatar, Some(logo_id.clone()));
        let status = get_status(
            &server,
            &format!("/api/files/{logo_id}/thumbnail"),
            Some(&stranger.token),
            None,
        )
        .await
        .0;
        assert_eq!(status, outsider_status, "searchable={searchable}");
        assert_eq!(
            stranger
                .err(command::SetGroupAvatar {
                    conversation_id: g,
                    file_id: None
                })
                .await,
            ErrorCode::NotFound
        );
    }
    server.stop().await;
}

/// Uploads that were never sent anywhere (nor made an avatar) are deleted after the expiry;
/// sent ones stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsent_uploads_expire() {
    let mut config = Config::for_tests();
    config.tuning.upload_expiry_hours = 0;
    let server = TestServer::start_with(TestDb::new(Db::Sqlite).await, config).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let dir = tempfile::tempdir().unwrap();
    let kept = upload(
        &server,
        &alice,
        &tmp_file(&dir, "kept.bin", 1000),
        UploadKind::File,
    )
    .await
    .unwrap();
    send_body(
        &alice,
        &conv,
        "k",
        NewMessageBody::File {
            file_id: kept.clone(),
        },
    )
    .await
    .unwrap();
    let unsent = upload(
        &server,
        &alice,
        &tmp_file(&dir, "unsent.bin", 1000),
        UploadKind::File,
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    server.app.files.cleanup_uploads().await.unwrap();
    assert_eq!(
        get_status(
            &server,
            &format!("/api/files/{kept}"),
            Some(&bob.token),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        get_status(
            &server,
            &format!("/api/files/{unsent}"),
            Some(&alice.token),
            None
        )
        .await
        .0,
        404
    );
    server.stop().await;
}
