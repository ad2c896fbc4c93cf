//! Bad input gets a clear error and changes nothing: malformed frames, unknown types, oversize
//! frames, commands before authentication, other users' and forged ids, floods, slow readers.

mod common;

use std::time::Duration;

use common::{Db, TestDb, TestServer, befriend};
use liao_server::config::Config;
use liao_shared::command;
use liao_shared::{
    Command, ConversationId, ErrorCode, MessageId, NewMessageBody, Reply, ServerFrame,
};

on_both_backends!(foreign_and_forged_ids_are_not_found);

fn error_of(frame: &ServerFrame) -> (Option<String>, ErrorCode) {
    match frame {
        ServerFrame::Error { id, code, .. } => (id.clone(), *code),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_frames_get_errors_and_the_connection_survives() {
    let server = TestServer::start(Db::Sqlite).await;
    let (c, mut pushes) = server.connect().await;

    // Not JSON: the request id is unknown, so the error comes as a push without one.
    c.send_raw("{not json".into()).await.unwrap();
    let f = tokio::time::timeout(Duration::from_secs(5), pushes.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(error_of(&f), (None, ErrorCode::MalformedFrame));

    let reply = c
        .raw_request("x1".into(), r#"{"id":"x1","type":"teleport"}"#.into())
        .await
        .unwrap();
    assert_eq!(
        error_of(&reply),
        (Some("x1".into()), ErrorCode::UnknownType)
    );
    let reply = c
        .raw_request(
            "x2".into(),
            r#"{"id":"x2","type":"login","username":5}"#.into(),
        )
        .await
        .unwrap();
    assert_eq!(
        error_of(&reply),
        (Some("x2".into()), ErrorCode::MalformedFrame)
    );
    c.send_raw(r#"{"type":"hello","protocol":1}"#.into())
        .await
        .unwrap();
    let f = tokio::time::timeout(Duration::from_secs(5), pushes.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        error_of(&f).1,
        ErrorCode::MalformedFrame,
        "a request needs an id"
    );

    // Before authentication only hello/register/login/resume are accepted.
    let e = c.request(Command::ListContacts).await.unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::NotAuthenticated));
    let e = c
        .request(command::Hello {
            protocol: 99,
            client: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::UnsupportedVersion));
    let welcome = c
        .request(command::Hello {
            protocol: 1,
            client: Some("test".into()),
        })
        .await
        .unwrap();
    assert!(
        matches!(&welcome, Reply::Welcome { limits, .. } if limits.max_inbound_frame == 65536),
        "{welcome:?}"
    );

    // Still alive: register works, and a second login on the same connection is refused.
    c.request(command::Register {
        username: "alice".into(),
        password: "longenough".into(),
        display_name: None,
        device: None,
    })
    .await
    .unwrap();
    let e = c
        .request(command::Login {
            username: "alice".into(),
            password: "longenough".into(),
            device: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::AlreadyAuthenticated));
    server.stop().await;
}

#[tokio::test]
async fn oversize_frame_closes_with_an_error() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let mut alice = alice;
    let huge = format!(
        r#"{{"id":"big","type":"typing","conversation_id":"{}"}}"#,
        "x".repeat(70 * 1024)
    );
    alice.client.send_raw(huge).await.unwrap();
    let code = alice
        .expect("frame_too_large", |f| {
            matches!(f, ServerFrame::Error { .. }).then(|| error_of(f).1)
        })
        .await;
    assert_eq!(code, ErrorCode::FrameTooLarge);
    let end = tokio::time::timeout(Duration::from_secs(5), alice.pushes.recv())
        .await
        .unwrap();
    assert!(end.is_none(), "closed after an oversize frame");
    // The server itself is fine.
    server.resume(&alice.token).await;
    server.stop().await;
}

async fn foreign_and_forged_ids_are_not_found(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    let carol = server.register("carol").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let msg = alice.send_text(&conv, "m1", "private").await;
    bob.expect_message(&conv).await;

    let forged = ConversationId("c00000000000000000000000000000000".into());
    for target in [conv.clone(), forged] {
        let cmds = vec![
            Command::History(command::History {
                conversation_id: target.clone(),
                before_seq: None,
                limit: None,
                around_seq: None,
            }),
            Command::SendMessage(command::SendMessage {
                conversation_id: target.clone(),
                client_msg_id: "evil".into(),
                body: NewMessageBody::text("hi"),
                reply_to: None,
            }),
            Command::MarkRead(command::MarkRead {
                conversation_id: target.clone(),
                seq: 1,
            }),
            Command::Typing(command::Typing {
                conversation_id: target.clone(),
            }),
            Command::Recall(command::Recall {
                conversation_id: target.clone(),
                message_id: msg.message_id.clone(),
            }),
        ];
        for cmd in cmds {
            assert_eq!(carol.err(cmd).await, ErrorCode::NotFound);
        }
    }
    // A real conversation with a message id from elsewhere.
    assert_eq!(
        alice
            .err(command::Recall {
                conversation_id: conv.clone(),
                message_id: MessageId("mforged".into())
            })
            .await,
        ErrorCode::NotFound
    );
    for user in [liao_shared::UserId("uforged".into())] {
        assert_eq!(
            carol
                .err(command::FriendRequest {
                    user_id: user.clone(),
                    message: None
                })
                .await,
            ErrorCode::NotFound
        );
        assert_eq!(
            carol
                .err(command::GetProfile {
                    user_id: user.clone()
                })
                .await,
            ErrorCode::NotFound
        );
        assert_eq!(
            carol.err(command::OpenDirect { user_id: user }).await,
            ErrorCode::NotFound
        );
    }
    assert_eq!(
        carol
            .err(command::FriendRequest {
                user_id: carol.id.clone(),
                message: None
            })
            .await,
        ErrorCode::SelfTarget
    );

    // Nothing changed: bob received nothing more and the conversation still has one message.
    let extra = bob.drain(Duration::from_millis(300)).await;
    assert!(
        extra
            .iter()
            .all(|f| !matches!(f, ServerFrame::Message { .. } | ServerFrame::Typing { .. })),
        "{extra:?}"
    );
    let messages = bob.history(&conv).await.messages;
    assert_eq!(messages.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn per_connection_rate_limit() {
    let mut config = Config::for_tests();
    config.tuning.commands_per_sec = 5;
    let server = TestServer::start_with(TestDb::new(Db::Sqlite).await, config).await;
    let alice = server.register("alice").await;
    let mut limited = 0;
    let mut served = 0;
    let mut hint = 0;
    let started = std::time::Instant::now();
    for _ in 0..30 {
        match alice.client.request(Command::ListSessions).await {
            Ok(_) => served += 1,
            Err(liao_shared::client::ClientError::Server {
                code: ErrorCode::RateLimited,
                retry_after_ms,
                ..
            }) => {
                limited += 1;
                hint = retry_after_ms.unwrap_or(0);
            }
            Err(e) => panic!("{e}"),
        }
    }
    // A client that ignores the answer is paced: after each refusal its next frame is read
    // only once it may be served, so it gets no more than the burst (10) plus 5 a second.
    let elapsed = started.elapsed().as_secs_f64();
    assert!(limited >= 5, "only {limited} of 30 were limited");
    assert!(
        served as f64 <= 10.0 + 5.0 * elapsed + 1.0,
        "{served} served in {elapsed:.1} s"
    );
    assert!(hint > 0);
    // After waiting as told, commands work again on the same connection.
    tokio::time::sleep(Duration::from_millis(hint + 50)).await;
    alice.ok(Command::ListSessions).await;
    server.stop().await;
}

/// A client that stops reading is disconnected instead of being buffered without bound.
#[tokio::test]
async fn slow_reader_is_disconnected() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;

    let mut config = Config::for_tests();
    config.tuning.outbound_queue = 16;
    let server = TestServer::start_with(TestDb::new(Db::Sqlite).await, config).await;
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    let bob_token = bob.token.clone();
    drop(bob);

    // A raw connection for bob that authenticates and then never reads again.
    let (stream, _) = common::tls_connect(server.addr).await;
    let (mut ws, _) = tokio_tungstenite::client_async(
        format!("wss://localhost:{}/ws", server.addr.port()),
        stream,
    )
    .await
    .unwrap();
    ws.send(Message::text(format!(
        r#"{{"id":"1","type":"resume","token":"{bob_token}"}}"#
    )))
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !server.app.publisher.is_online(&bob_id(&server).await) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "bob never came online"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let text = "x".repeat(4000);
    let started = tokio::time::Instant::now();
    let mut i = 0;
    while server.app.publisher.is_online(&bob_id(&server).await) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "slow reader still connected after {i} messages"
        );
        alice.send_text(&conv, &format!("flood{i}"), &text).await;
        i += 1;
    }
    // The server keeps working for everyone else.
    alice.ok(Command::ListContacts).await;
    drop(ws);
    server.stop().await;
}

async fn bob_id(server: &TestServer) -> liao_shared::UserId {
    server
        .app
        .store()
        .user_by_name("bob")
        .await
        .unwrap()
        .unwrap()
        .profile
        .user_id
}
