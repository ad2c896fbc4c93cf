//! Accounts and sessions: registration rules, login failures, rate limits, session listing and
//! revocation, logout, password change, disabling, idle expiry, authentication deadline.

mod common;

use std::time::Duration;

use common::{Db, TestDb, TestServer};
use liao_server::config::{Config, Registration};
use liao_shared::command;
use liao_shared::{Command, ErrorCode, EventBody, Reply, ServerFrame};

on_both_backends!(
    registration_rules,
    login_failures_look_the_same,
    sessions_can_be_listed_and_revoked,
    logout_and_password_change_end_sessions,
    disabled_account_is_disconnected,
    idle_sessions_expire,
    profile_changes_reach_other_devices,
);

fn register(name: &str, password: &str) -> Command {
    Command::Register(command::Register {
        username: name.into(),
        password: password.into(),
        display_name: None,
        device: None,
    })
}

async fn registration_rules(db: Db) {
    let server = TestServer::start(db).await;
    let (c, _) = server.connect().await;
    let code = |r: Result<Reply, liao_shared::client::ClientError>| r.unwrap_err().code().unwrap();
    assert_eq!(
        code(c.request(register("ab", "longenough")).await),
        ErrorCode::InvalidUsername
    );
    assert_eq!(
        code(c.request(register("has space", "longenough")).await),
        ErrorCode::InvalidUsername
    );
    assert_eq!(
        code(c.request(register("alice", "short")).await),
        ErrorCode::WeakPassword
    );
    let alice = server.register("alice").await;
    // Usernames are case-insensitive.
    assert_eq!(
        code(c.request(register("ALICE", "longenough")).await),
        ErrorCode::UsernameTaken
    );
    assert_eq!(alice.name, "alice");
    // Display names are validated too.
    let bad_name = Command::Register(command::Register {
        username: "bob".into(),
        password: "longenough".into(),
        display_name: Some("\u{0000}".into()),
        device: None,
    });
    assert_eq!(
        code(c.request(bad_name).await),
        ErrorCode::InvalidDisplayName
    );
    server.stop().await;

    // A closed server refuses registration but admins can still create accounts.
    let config = Config {
        registration: Registration::Closed,
        ..Config::for_tests()
    };
    let server = TestServer::start_with(TestDb::new(db).await, config).await;
    let (c, _) = server.connect().await;
    assert_eq!(
        code(c.request(register("carol", "longenough")).await),
        ErrorCode::RegistrationClosed
    );
    server
        .app
        .accounts
        .create_account("carol", "Carol", "longenough".into())
        .await
        .unwrap();
    c.request(command::Login {
        username: "carol".into(),
        password: "longenough".into(),
        device: None,
    })
    .await
    .unwrap();
    server.stop().await;
}

async fn login_failures_look_the_same(db: Db) {
    let mut config = Config::for_tests();
    config.tuning.login_per_account_ip_per_min = 3;
    config.tuning.login_per_ip_per_min = 100;
    let server = TestServer::start_with(TestDb::new(db).await, config).await;
    server.register("alice").await;
    server.register("bob").await;
    let (c, _) = server.connect().await;
    let login = |user: &str, pw: &str| {
        Command::Login(command::Login {
            username: user.into(),
            password: pw.into(),
            device: None,
        })
    };
    let wrong = c
        .request(login("alice", "wrong-password"))
        .await
        .unwrap_err();
    for _ in 0..2 {
        c.request(login("alice", "wrong-again")).await.unwrap_err();
    }
    let unknown = c
        .request(login("nobody", "wrong-password"))
        .await
        .unwrap_err();
    let invalid = c.request(login("??", "wrong-password")).await.unwrap_err();
    for e in [&wrong, &unknown, &invalid] {
        let liao_shared::client::ClientError::Server { code, message, .. } = e else {
            panic!("{e}")
        };
        assert_eq!(*code, ErrorCode::InvalidCredentials);
        assert_eq!(message, "unknown username or wrong password");
    }
    // Per (account, IP): the fourth try for alice is refused, even with the right password …
    let e = c
        .request(login("alice", "password-alice"))
        .await
        .unwrap_err();
    let liao_shared::client::ClientError::Server {
        code,
        retry_after_ms,
        ..
    } = e
    else {
        panic!()
    };
    assert_eq!(code, ErrorCode::RateLimited);
    assert!(retry_after_ms.unwrap() > 0);
    // … while bob, from the same IP, is unaffected: an attacker cannot lock accounts for everyone.
    c.request(login("bob", "password-bob")).await.unwrap();
    server.stop().await;
}

async fn sessions_can_be_listed_and_revoked(db: Db) {
    let server = TestServer::start(db).await;
    let phone = server.register("alice").await;
    let mut laptop = server.login("alice").await;
    let sessions = phone.sessions().await;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    let laptop_session = sessions
        .iter()
        .find(|s| !s.current)
        .unwrap()
        .session_id
        .clone();

    phone
        .ok(command::RevokeSession {
            session_id: laptop_session.clone(),
        })
        .await;
    // The laptop's live connection is closed at once, with the reason.
    let code = laptop
        .expect("revocation", |f| match f {
            ServerFrame::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
    assert_eq!(code, ErrorCode::SessionRevoked);
    tokio::time::timeout(Duration::from_secs(5), async {
        while laptop.pushes.recv().await.is_some() {}
    })
    .await
    .expect("the connection closes");
    let (c, _) = server.connect().await;
    let e = c
        .request(command::Resume {
            token: laptop.token.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::InvalidSession));
    // Another user's session id is not found (and nothing is revoked).
    let bob = server.register("bob").await;
    assert_eq!(
        bob.err(command::RevokeSession {
            session_id: laptop_session
        })
        .await,
        ErrorCode::NotFound
    );
    phone.ok(Command::ListSessions).await;
    server.stop().await;
}

async fn logout_and_password_change_end_sessions(db: Db) {
    let server = TestServer::start(db).await;
    let a1 = server.register("alice").await;
    let mut a2 = server.login("alice").await;
    let a3 = server.login("alice").await;

    a3.ok(Command::Logout).await;
    let (c, _) = server.connect().await;
    assert_eq!(
        c.request(command::Resume {
            token: a3.token.clone()
        })
        .await
        .unwrap_err()
        .code(),
        Some(ErrorCode::InvalidSession)
    );

    assert_eq!(
        a1.err(command::ChangePassword {
            old_password: "nope-nope".into(),
            new_password: "new-password".into()
        })
        .await,
        ErrorCode::InvalidCredentials
    );
    a1.ok(command::ChangePassword {
        old_password: "password-alice".into(),
        new_password: "new-password".into(),
    })
    .await;
    let code = a2
        .expect("revocation", |f| match f {
            ServerFrame::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
    assert_eq!(code, ErrorCode::SessionRevoked);
    // The changing session stays; the old password no longer works, the new one does.
    a1.ok(Command::ListSessions).await;
    let login = |pw: &str| {
        Command::Login(command::Login {
            username: "alice".into(),
            password: pw.into(),
            device: None,
        })
    };
    assert_eq!(
        c.request(login("password-alice")).await.unwrap_err().code(),
        Some(ErrorCode::InvalidCredentials)
    );
    c.request(login("new-password")).await.unwrap();
    server.stop().await;
}

async fn disabled_account_is_disconnected(db: Db) {
    let server = TestServer::start(db).await;
    let mut alice = server.register("alice").await;
    // As `liao-server user disable` does, from outside the server.
    server
        .app
        .store()
        .set_disabled(&alice.id, true)
        .await
        .unwrap();
    let code = alice
        .expect("disabled", |f| match f {
            ServerFrame::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
    assert_eq!(code, ErrorCode::AccountDisabled);
    let (c, _) = server.connect().await;
    let login = Command::Login(command::Login {
        username: "alice".into(),
        password: "password-alice".into(),
        device: None,
    });
    assert_eq!(
        c.request(login.clone()).await.unwrap_err().code(),
        Some(ErrorCode::AccountDisabled)
    );
    assert_eq!(
        c.request(command::Resume {
            token: alice.token.clone()
        })
        .await
        .unwrap_err()
        .code(),
        Some(ErrorCode::InvalidSession)
    );
    // Disabled users are not found by search.
    let bob = server.register("bob").await;
    let users = bob.search_users("alice").await;
    assert!(users.is_empty());
    server
        .app
        .store()
        .set_disabled(&alice.id, false)
        .await
        .unwrap();
    c.request(login).await.unwrap();
    server.stop().await;
}

async fn idle_sessions_expire(db: Db) {
    let server = TestServer::start(db).await;
    let alice = server.register("alice").await;
    let mut tx = server.app.store().begin().await.unwrap();
    // 31 days without use (the default limit is 30).
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 2678400000")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (c, _) = server.connect().await;
    let e = c
        .request(command::Resume {
            token: alice.token.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::InvalidSession));
    server.stop().await;
}

async fn profile_changes_reach_other_devices(db: Db) {
    let server = TestServer::start(db).await;
    let phone = server.register("alice").await;
    let mut laptop = server.login("alice").await;
    let profile = phone.update_profile("  爱丽丝 ").await;
    assert_eq!(profile.display_name, "爱丽丝");
    let seen = laptop
        .expect("profile_updated", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::ProfileUpdated { profile } => Some(profile.display_name.clone()),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(seen, "爱丽丝");
    // Searchable by the new display name.
    let users = laptop.search_users("爱丽").await;
    assert_eq!(users.len(), 1);
    // Friends see it live too (ephemeral push).
    let mut friend = server.register("friendly").await;
    common::befriend(&phone, &friend).await;
    phone
        .ok(command::UpdateProfile {
            display_name: "Alice 2".into(),
        })
        .await;
    let name = friend
        .expect("profile_changed", |f| match f {
            ServerFrame::ProfileChanged { profile } => Some(profile.display_name.clone()),
            _ => None,
        })
        .await;
    assert_eq!(name, "Alice 2");
    server.stop().await;
}

/// The first frame must authenticate within the deadline.
#[tokio::test]
async fn authentication_deadline() {
    let mut config = Config::for_tests();
    config.tuning.auth_timeout_secs = 1;
    let server = TestServer::start_with(TestDb::new(Db::Sqlite).await, config).await;
    let (c, mut pushes) = server.connect().await;
    // hello is allowed but does not authenticate.
    c.request(command::Hello {
        protocol: liao_shared::PROTOCOL_VERSION,
        client: None,
    })
    .await
    .unwrap();
    let frame = tokio::time::timeout(Duration::from_secs(5), pushes.recv())
        .await
        .unwrap();
    assert!(
        matches!(
            frame,
            Some(ServerFrame::Error {
                code: ErrorCode::AuthTimeout,
                ..
            })
        ),
        "{frame:?}"
    );
    let end = tokio::time::timeout(Duration::from_secs(5), pushes.recv())
        .await
        .unwrap();
    assert!(end.is_none(), "connection closed after the deadline");
    server.stop().await;
}
