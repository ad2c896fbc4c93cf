//! Groups end to end, getting in and out: discovery and search, open and approval joins (one of
//! two admins decides), adding and removing members with history from the join, dissolving, a
//! rejoin on a live connection, temporary sessions between members, and fan-out to a
//! 2,000-member group. Every test but the fan-out runs on SQLite and PostgreSQL; governance
//! (roles, mutes, recall, mentions, the permission matrix) is in `groups_governance.rs`.

mod common;

use std::time::Duration;

use common::groups::{create_group, join, members, send};
use common::{Db, HistoryPage, TestServer, text_of};
use liao_shared::command;
use liao_shared::{
    ConversationCursor, ConversationKind, ErrorCode, EventBody, GroupSettings, GroupSettingsPatch,
    JoinPolicy, MessageBody, RemovalReason, Reply, Role, ServerFrame, SystemEvent,
};

on_both_backends!(
    create_search_and_join,
    approval_by_one_of_two_admins,
    add_remove_and_history_from_join,
    dissolve_removes_the_group_for_everyone,
    rejoining_on_a_live_connection_reveals_nothing_from_the_absence,
    temporary_sessions,
);

async fn create_search_and_join(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut alice = server.register("alice").await;
    let g = create_group(&owner, "Rust 中文社区", JoinPolicy::Open).await;
    let conversations = owner.conversations().await;
    let number = conversations[0].group.as_ref().unwrap().number;
    assert!((10_000_000..100_000_000).contains(&number));

    // Found by name fragment and by number; hidden groups are not.
    for query in ["中文", "rust", &number.to_string()] {
        let groups = alice.search_groups(query).await;
        assert_eq!(groups.len(), 1, "{query}");
        assert_eq!(groups[0].conversation_id, g);
        assert_eq!(groups[0].member_count, 1);
    }
    let hidden = owner
        .create_group(GroupSettings {
            name: "Secret rust club".into(),
            description: String::new(),
            join_policy: JoinPolicy::Open,
            searchable: false,
            allow_temp_sessions: true,
        })
        .await;
    let groups = alice.search_groups("rust").await;
    assert_eq!(groups.len(), 1);
    assert_eq!(
        alice
            .err(command::JoinGroup {
                conversation_id: hidden.conversation_id,
                message: None
            })
            .await,
        ErrorCode::NotFound
    );

    // Joining an open group is immediate and everyone sees it in the timeline.
    join(&alice, &g).await;
    assert_eq!(
        alice
            .err(command::JoinGroup {
                conversation_id: g.clone(),
                message: None
            })
            .await,
        ErrorCode::AlreadyMember
    );
    let added = alice
        .expect("conversation_added", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::ConversationAdded { conversation } => {
                    Some(conversation.conversation_id.clone())
                }
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(added, g);
    let message = owner.send_text(&g, "hello", "welcome!").await;
    assert_eq!(alice.expect_text(&g).await, message);
    assert_eq!(members(&owner, &g).await.len(), 2);

    // Invite-only groups take no self-joins.
    let invite = create_group(&owner, "Invite rust", JoinPolicy::InviteOnly).await;
    assert_eq!(
        alice
            .err(command::JoinGroup {
                conversation_id: invite,
                message: None
            })
            .await,
        ErrorCode::InviteOnly
    );
    server.stop().await;
}

async fn approval_by_one_of_two_admins(db: Db) {
    let server = TestServer::start(db).await;
    let mut owner = server.register("owner").await;
    let mut admin = server.register("admin").await;
    let mut carol = server.register("carol").await;
    let dave = server.register("dave").await;
    let g = create_group(&owner, "Approval group", JoinPolicy::Approval).await;
    admin
        .client
        .request(command::JoinGroup {
            conversation_id: g.clone(),
            message: None,
        })
        .await
        .unwrap();
    owner
        .ok(command::DecideJoin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            approve: true,
        })
        .await;
    // Recorded as the owner's approval, not as an addition by the owner.
    let joined = owner
        .history(&g)
        .await
        .messages
        .into_iter()
        .find_map(|m| match m.body {
            MessageBody::System {
                event: SystemEvent::Joined { user, by, approved },
            } if user.user_id == admin.id => Some((by, approved)),
            _ => None,
        });
    assert_eq!(joined, Some((Some(owner.id.clone()), true)));
    owner
        .ok(command::SetAdmin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            admin: true,
        })
        .await;
    owner.drain(Duration::from_millis(200)).await;
    admin.drain(Duration::from_millis(200)).await;

    // Carol asks; both admins see it live.
    let reply = carol
        .ok(command::JoinGroup {
            conversation_id: g.clone(),
            message: Some("I write Rust".into()),
        })
        .await;
    assert_eq!(reply, Reply::JoinRequested);
    assert_eq!(
        carol
            .err(command::JoinGroup {
                conversation_id: g.clone(),
                message: None
            })
            .await,
        ErrorCode::RequestPending
    );
    for a in [&mut owner, &mut admin] {
        let note = a
            .expect("join request", |f| match f {
                ServerFrame::Event { event } => match &event.body {
                    EventBody::JoinRequestReceived { request, .. } => request.message.clone(),
                    _ => None,
                },
                _ => None,
            })
            .await;
        assert_eq!(note, "I write Rust");
    }
    let requests = admin.join_requests(&g).await;
    assert_eq!(requests.len(), 1);
    // A member cannot see or decide requests.
    assert_eq!(
        dave.err(command::ListJoinRequests {
            conversation_id: g.clone()
        })
        .await,
        ErrorCode::NotFound
    );

    // Both admins decide at once: exactly one decision wins.
    let (a, b) = tokio::join!(
        owner.client.request(command::DecideJoin {
            conversation_id: g.clone(),
            user_id: carol.id.clone(),
            approve: true
        }),
        admin.client.request(command::DecideJoin {
            conversation_id: g.clone(),
            user_id: carol.id.clone(),
            approve: false
        }),
    );
    let approved = match (a, b) {
        (Ok(_), Err(e)) => {
            assert_eq!(e.code(), Some(ErrorCode::NoRequest));
            true
        }
        (Err(e), Ok(_)) => {
            assert_eq!(e.code(), Some(ErrorCode::NoRequest));
            false
        }
        other => panic!("both or neither decision succeeded: {other:?}"),
    };
    let told = carol
        .expect("decision", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::JoinRequestDecided { approved, .. } => Some(*approved),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(told, approved);
    // The other admin learns it was handled.
    let closed = admin
        .expect("closed", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::JoinRequestClosed {
                    user_id, approved, ..
                } if *user_id == carol.id => Some(*approved),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(closed, approved);
    let is_member = members(&owner, &g)
        .await
        .iter()
        .any(|(u, _)| *u == carol.id);
    assert_eq!(is_member, approved);

    // A declined request: dave asks, the admin declines, dave is told and is not a member.
    let mut dave = dave;
    dave.ok(command::JoinGroup {
        conversation_id: g.clone(),
        message: None,
    })
    .await;
    admin
        .ok(command::DecideJoin {
            conversation_id: g.clone(),
            user_id: dave.id.clone(),
            approve: false,
        })
        .await;
    let told = dave
        .expect("decision", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::JoinRequestDecided { approved, .. } => Some(*approved),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert!(!told);
    assert!(!members(&owner, &g).await.iter().any(|(u, _)| *u == dave.id));
    server.stop().await;
}

async fn add_remove_and_history_from_join(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut bob = server.register("bob").await;
    let g = create_group(&owner, "History", JoinPolicy::InviteOnly).await;
    owner.ok(send(&g, "before", "before bob joined")).await;

    owner
        .ok(command::AddMember {
            conversation_id: g.clone(),
            user_id: bob.id.clone(),
        })
        .await;
    assert_eq!(
        owner
            .err(command::AddMember {
                conversation_id: g.clone(),
                user_id: bob.id.clone()
            })
            .await,
        ErrorCode::AlreadyMember
    );
    let info = bob
        .expect("added", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::ConversationAdded { conversation } => Some(conversation.clone()),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(info.conversation_id, g);
    owner.ok(send(&g, "after", "after bob joined")).await;
    let HistoryPage {
        messages, has_more, ..
    } = bob.history(&g).await;
    assert!(!has_more);
    let texts: Vec<String> = messages.iter().map(text_of).collect();
    assert!(
        !texts.iter().any(|t| t.contains("before bob joined")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("after bob joined")));
    assert!(
        matches!(&messages[0].body, MessageBody::System { event: SystemEvent::Joined { by: Some(by), approved: false, .. } } if *by == owner.id),
        "an addition, not an approval: {:?}",
        messages[0].body
    );

    // Removal: bob is told, loses history and pushes at once.
    bob.drain(Duration::from_millis(200)).await;
    owner
        .ok(command::RemoveMember {
            conversation_id: g.clone(),
            user_id: bob.id.clone(),
        })
        .await;
    let reason = bob
        .expect("removed", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::ConversationRemoved { reason, .. } => Some(*reason),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(reason, RemovalReason::Removed);
    owner.ok(send(&g, "secret", "after bob left")).await;
    let later = bob.drain(Duration::from_millis(300)).await;
    assert!(
        later
            .iter()
            .all(|f| !matches!(f, ServerFrame::Message { .. })),
        "{later:?}"
    );
    assert_eq!(
        bob.err(command::History {
            conversation_id: g.clone(),
            before_seq: None,
            limit: None,
            around_seq: None,
        })
        .await,
        ErrorCode::NotFound
    );
    assert_eq!(
        bob.err(send(&g, "x", "still here?")).await,
        ErrorCode::NotFound
    );
    let conversations = bob.conversations().await;
    assert!(conversations.is_empty());
    // A sync does not bring it back either.
    bob.ok(command::SyncRequest {
        events_after: 0,
        conversations: vec![ConversationCursor {
            conversation_id: g.clone(),
            seq: 0,
            changes_after: None,
        }],
    })
    .await;
    let frames = bob.drain(Duration::from_millis(300)).await;
    assert!(!frames.iter().any(|f| matches!(f, ServerFrame::Message { message } if text_of(message).contains("after bob left"))));
    server.stop().await;
}

async fn dissolve_removes_the_group_for_everyone(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut m = server.register("member").await;
    let g = create_group(&owner, "Short-lived", JoinPolicy::Open).await;
    join(&m, &g).await;
    owner.ok(send(&g, "bye", "closing soon")).await;
    owner
        .ok(command::DissolveGroup {
            conversation_id: g.clone(),
        })
        .await;
    let frames = m.drain(Duration::from_millis(500)).await;
    let last_entry = frames.iter().rposition(|f| matches!(f, ServerFrame::Message { message } if matches!(message.body, MessageBody::System { event: SystemEvent::Dissolved })));
    let removal = frames.iter().position(|f| matches!(f, ServerFrame::Event { event } if matches!(event.body, EventBody::ConversationRemoved { .. })));
    let (Some(last_entry), Some(removal)) = (last_entry, removal) else {
        panic!("{frames:?}")
    };
    assert!(
        last_entry < removal,
        "the final entry arrives before the conversation is removed"
    );
    let reason = match &frames[removal] {
        ServerFrame::Event { event } => match &event.body {
            EventBody::ConversationRemoved { reason, .. } => *reason,
            _ => unreachable!(),
        },
        _ => unreachable!(),
    };
    assert_eq!(reason, RemovalReason::Dissolved);
    for u in [&owner, &m] {
        assert_eq!(
            u.err(command::History {
                conversation_id: g.clone(),
                before_seq: None,
                limit: None,
                around_seq: None,
            })
            .await,
            ErrorCode::NotFound
        );
        let conversations = u.conversations().await;
        assert!(conversations.iter().all(|c| c.conversation_id != g));
    }
    let groups = m.search_groups("Short").await;
    assert!(groups.is_empty());
    server.stop().await;
}

/// Regression: a member who leaves and rejoins on the same live connection must not receive, by
/// gap-filling from their old cursor, what was said while they were away.
async fn rejoining_on_a_live_connection_reveals_nothing_from_the_absence(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut m = server.register("member").await;
    let g = create_group(&owner, "Comings and goings", JoinPolicy::Open).await;
    join(&m, &g).await;
    m.ok(command::SyncRequest {
        events_after: 0,
        conversations: vec![],
    })
    .await;
    owner.ok(send(&g, "hello", "hello member")).await;
    m.expect_text(&g).await;
    m.ok(command::LeaveGroup {
        conversation_id: g.clone(),
    })
    .await;
    owner
        .ok(send(&g, "secret", "said while the member was away"))
        .await;
    join(&m, &g).await;
    owner.ok(send(&g, "back", "welcome back")).await;
    let frames = m.drain(Duration::from_millis(500)).await;
    let texts: Vec<String> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } if message.conversation_id == g => {
                Some(text_of(message))
            }
            _ => None,
        })
        .collect();
    assert!(texts.iter().any(|t| t == "welcome back"), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t.contains("away")),
        "leaked: {texts:?}"
    );
    server.stop().await;
}

async fn temporary_sessions(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let alice = server.register("alice").await;
    let mut bob = server.register("bob").await;
    let g = create_group(&owner, "Temps", JoinPolicy::Open).await;
    join(&alice, &g).await;
    join(&bob, &g).await;
    let outsider = server.register("outsider").await;

    let conversation = alice.open_temp(&bob.id, &g).await;
    assert_eq!(conversation.kind, ConversationKind::Temporary);
    assert_eq!(conversation.via_group.as_ref().unwrap().conversation_id, g);
    assert_eq!(conversation.peer.as_ref().unwrap().user_id, bob.id);
    let t = conversation.conversation_id;
    alice.send_text(&t, "t1", "hi from the group").await;
    assert_eq!(text_of(&bob.expect_text(&t).await), "hi from the group");
    // Not through a group you are not in, nor with someone outside it.
    assert_eq!(
        outsider
            .err(command::OpenTemp {
                user_id: bob.id.clone(),
                via: g.clone()
            })
            .await,
        ErrorCode::NotFound
    );
    assert_eq!(
        alice
            .err(command::OpenTemp {
                user_id: outsider.id.clone(),
                via: g.clone()
            })
            .await,
        ErrorCode::NotFound
    );

    // The group switches temporary sessions off: sending fails clearly, history stays readable.
    owner
        .ok(command::UpdateGroup {
            conversation_id: g.clone(),
            changes: GroupSettingsPatch {
                allow_temp_sessions: Some(false),
                ..Default::default()
            },
        })
        .await;
    assert_eq!(
        alice.err(send(&t, "t2", "still?")).await,
        ErrorCode::TempSessionUnavailable
    );
    assert_eq!(
        alice
            .err(command::OpenTemp {
                user_id: bob.id.clone(),
                via: g.clone()
            })
            .await,
        ErrorCode::TempSessionUnavailable
    );
    let messages = bob.history(&t).await.messages;
    assert_eq!(messages.len(), 1);
    owner
        .ok(command::UpdateGroup {
            conversation_id: g.clone(),
            changes: GroupSettingsPatch {
                allow_temp_sessions: Some(true),
                ..Default::default()
            },
        })
        .await;
    bob.send_text(&t, "t3", "back on").await;
    // Leaving the shared group ends it too.
    bob.ok(command::LeaveGroup {
        conversation_id: g.clone(),
    })
    .await;
    assert_eq!(
        alice.err(send(&t, "t4", "gone?")).await,
        ErrorCode::TempSessionUnavailable
    );
    // Blocked users cannot use temporary sessions.
    let carol = server.register("carol").await;
    join(&carol, &g).await;
    let conversation = carol.open_temp(&alice.id, &g).await;
    alice
        .ok(command::Block {
            user_id: carol.id.clone(),
        })
        .await;
    assert_eq!(
        carol
            .err(send(&conversation.conversation_id, "c1", "hello?"))
            .await,
        ErrorCode::Blocked
    );
    assert_eq!(
        carol
            .err(command::OpenTemp {
                user_id: alice.id.clone(),
                via: g.clone()
            })
            .await,
        ErrorCode::Blocked
    );
    // From a temporary session either side can ask to be friends, and then chat as friends.
    alice
        .ok(command::FriendRequest {
            user_id: bob.id.clone(),
            message: Some("met in Temps".into()),
        })
        .await;
    bob.ok(command::FriendAccept {
        user_id: alice.id.clone(),
    })
    .await;
    let d = alice.open_direct(&bob.id).await;
    alice.send_text(&d, "d1", "friends now").await;
    server.stop().await;
}

/// A 2,000-member group (QQ's common size): every online member receives every message exactly
/// once, and the group stores one row per message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_member_group_fan_out() {
    use liao_shared::client::Pushes;
    const MEMBERS: usize = 2000;
    const MESSAGES: u64 = 10;
    let server = TestServer::start(Db::Sqlite).await;
    let owner = server.register("owner").await;
    let g = create_group(&owner, "Big group", JoinPolicy::Open).await;

    // Seed members through the store (registration's password hashing is not under test here).
    let store = server.app.store();
    let mut tokens = Vec::with_capacity(MEMBERS);
    let mut users = Vec::with_capacity(MEMBERS);
    for i in 0..MEMBERS {
        let profile = store
            .create_user(&format!("m{i:04}"), &format!("Member {i}"), "unused")
            .await
            .unwrap();
        let token = liao_server::util::new_token();
        store
            .create_session(
                &profile.user_id,
                &liao_server::util::token_hash(&token),
                None,
            )
            .await
            .unwrap();
        users.push(profile.user_id);
        tokens.push(token);
    }
    let mut tx = store.begin().await.unwrap();
    let last = liao_server::store::groups::last_seq(&mut tx, &g)
        .await
        .unwrap();
    for user in &users {
        liao_server::store::groups::add_member(&mut tx, &g, user, Role::Member, last)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    // Connect every member and authenticate.
    let mut connections: Vec<(liao_shared::client::Client, Pushes)> = Vec::with_capacity(MEMBERS);
    for chunk in tokens.chunks(100) {
        let mut tasks = Vec::new();
        for token in chunk {
            let url = server.ws_url();
            let options = server.options();
            let token = token.clone();
            tasks.push(tokio::spawn(async move {
                let (c, p) = liao_shared::client::Client::connect(&url, options)
                    .await
                    .unwrap();
                c.request(command::Resume { token }).await.unwrap();
                (c, p)
            }));
        }
        for t in tasks {
            connections.push(t.await.unwrap());
        }
    }
    assert_eq!(server.app.publisher.connection_count(), MEMBERS + 1);

    let started = std::time::Instant::now();
    let mut seqs = Vec::new();
    for i in 0..MESSAGES {
        let message = owner
            .send_text(&g, &format!("big{i}"), &format!("message {i}"))
            .await;
        seqs.push(message.seq);
    }
    let mut deliveries = 0;
    for (_, pushes) in &mut connections {
        let mut got = Vec::new();
        while got.len() < MESSAGES as usize {
            let frame = tokio::time::timeout(Duration::from_secs(30), pushes.recv())
                .await
                .expect("delivery in time")
                .expect("open");
            if let ServerFrame::Message { message } = frame {
                assert_eq!(message.conversation_id, g);
                got.push(message.seq);
            }
        }
        assert_eq!(got, seqs, "every message once, in order");
        deliveries += got.len();
    }
    // Nothing extra arrives afterwards.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for (_, pushes) in &mut connections {
        while let Some(f) = pushes.try_recv() {
            assert!(
                !matches!(f, ServerFrame::Message { .. }),
                "duplicate delivery: {f:?}"
            );
        }
    }
    eprintln!(
        "{deliveries} deliveries to {MEMBERS} members in {:?}",
        started.elapsed()
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE conversation_id = $1")
        .bind(g.as_str())
        .fetch_one(store.reader())
        .await
        .unwrap();
    assert_eq!(
        rows as u64,
        1 + MESSAGES,
        "one row per message (plus the creation entry), never one per member"
    );
    server.stop().await;
}
