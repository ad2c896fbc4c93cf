//! Groups end to end: discovery and joining (open and approval), admin appointment and rank
//! limits, add/remove/mute/whole-group mute with expiry, history from join, recall rules,
//! mentions, temporary sessions, offline catch-up, the permission matrix through the real server,
//! and fan-out to a 2,000-member group. Every test runs on SQLite and PostgreSQL.

mod common;

use std::time::Duration;

use common::{Db, TestServer, User, text_of};
use liao_shared::{
    Command, ConversationCursor, ConversationId, ConversationKind, ErrorCode, EventBody,
    JoinPolicy, MessageBody, NewMessageBody, RemovalReason, Reply, Role, ServerFrame, SystemEvent,
    UserId,
};

on_both_backends!(
    create_search_and_join,
    approval_by_one_of_two_admins,
    admin_appointment_and_rank_limits,
    add_remove_and_history_from_join,
    mutes_expire_and_whole_group_mute,
    recall_rules_in_groups,
    mentions_are_flagged_and_checked,
    temporary_sessions,
    offline_members_catch_up_on_governance,
    permission_matrix_through_the_server,
    dissolve_removes_the_group_for_everyone,
    rejoining_on_a_live_connection_reveals_nothing_from_the_absence,
);

async fn create_group(owner: &User, name: &str, policy: JoinPolicy) -> ConversationId {
    let reply = owner
        .ok(Command::CreateGroup {
            name: name.into(),
            description: format!("about {name}"),
            join_policy: policy,
            searchable: true,
            allow_temp_sessions: true,
        })
        .await;
    let Reply::Conversation { conversation } = reply else {
        panic!("{reply:?}")
    };
    let group = conversation.group.as_ref().expect("group info");
    assert_eq!(group.my_role, Role::Owner);
    assert_eq!(conversation.kind, ConversationKind::Group);
    conversation.conversation_id
}

async fn join(user: &User, g: &ConversationId) {
    let reply = user
        .ok(Command::JoinGroup {
            conversation_id: g.clone(),
            message: None,
        })
        .await;
    assert!(matches!(reply, Reply::Conversation { .. }), "{reply:?}");
}

fn send(g: &ConversationId, id: &str, text: &str) -> Command {
    Command::SendMessage {
        conversation_id: g.clone(),
        client_msg_id: id.into(),
        body: NewMessageBody::text(text),
    }
}

fn system_events(frames: &[ServerFrame], g: &ConversationId) -> Vec<SystemEvent> {
    frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } if message.conversation_id == *g => {
                match &message.body {
                    MessageBody::System { event } => Some(event.clone()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

async fn members(user: &User, g: &ConversationId) -> Vec<(UserId, Role)> {
    let Reply::Members { members, .. } = user
        .ok(Command::ListMembers {
            conversation_id: g.clone(),
            offset: 0,
            limit: None,
        })
        .await
    else {
        panic!()
    };
    members
        .into_iter()
        .map(|m| (m.profile.user_id, m.role))
        .collect()
}

async fn create_search_and_join(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut alice = server.register("alice").await;
    let g = create_group(&owner, "Rust 中文社区", JoinPolicy::Open).await;
    let Reply::Conversations { conversations } = owner.ok(Command::ListConversations).await else {
        panic!()
    };
    let number = conversations[0].group.as_ref().unwrap().number;
    assert!((10_000_000..100_000_000).contains(&number));

    // Found by name fragment and by number; hidden groups are not.
    for query in ["中文", "rust", &number.to_string()] {
        let Reply::Groups { groups, .. } = alice
            .ok(Command::SearchGroups {
                query: query.into(),
                offset: 0,
                limit: None,
            })
            .await
        else {
            panic!()
        };
        assert_eq!(groups.len(), 1, "{query}");
        assert_eq!(groups[0].conversation_id, g);
        assert_eq!(groups[0].member_count, 1);
    }
    let hidden = owner
        .ok(Command::CreateGroup {
            name: "Secret rust club".into(),
            description: String::new(),
            join_policy: JoinPolicy::Open,
            searchable: false,
            allow_temp_sessions: true,
        })
        .await;
    let Reply::Conversation {
        conversation: hidden,
    } = hidden
    else {
        panic!()
    };
    let Reply::Groups { groups, .. } = alice
        .ok(Command::SearchGroups {
            query: "rust".into(),
            offset: 0,
            limit: None,
        })
        .await
    else {
        panic!()
    };
    assert_eq!(groups.len(), 1);
    assert_eq!(
        alice
            .err(Command::JoinGroup {
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
            .err(Command::JoinGroup {
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
    let sent = owner.ok(send(&g, "hello", "welcome!")).await;
    let Reply::Sent { message } = sent else {
        panic!()
    };
    assert_eq!(alice.expect_text(&g).await, message);
    assert_eq!(members(&owner, &g).await.len(), 2);

    // Invite-only groups take no self-joins.
    let invite = create_group(&owner, "Invite rust", JoinPolicy::InviteOnly).await;
    assert_eq!(
        alice
            .err(Command::JoinGroup {
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
        .request(Command::JoinGroup {
            conversation_id: g.clone(),
            message: None,
        })
        .await
        .unwrap();
    owner
        .ok(Command::DecideJoin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            approve: true,
        })
        .await;
    owner
        .ok(Command::SetAdmin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            admin: true,
        })
        .await;
    owner.drain(Duration::from_millis(200)).await;
    admin.drain(Duration::from_millis(200)).await;

    // Carol asks; both admins see it live.
    let reply = carol
        .ok(Command::JoinGroup {
            conversation_id: g.clone(),
            message: Some("I write Rust".into()),
        })
        .await;
    assert_eq!(reply, Reply::JoinRequested);
    assert_eq!(
        carol
            .err(Command::JoinGroup {
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
    let Reply::JoinRequests { requests } = admin
        .ok(Command::ListJoinRequests {
            conversation_id: g.clone(),
        })
        .await
    else {
        panic!()
    };
    assert_eq!(requests.len(), 1);
    // A member cannot see or decide requests.
    assert_eq!(
        dave.err(Command::ListJoinRequests {
            conversation_id: g.clone()
        })
        .await,
        ErrorCode::NotFound
    );

    // Both admins decide at once: exactly one decision wins.
    let (a, b) = tokio::join!(
        owner.client.request(Command::DecideJoin {
            conversation_id: g.clone(),
            user_id: carol.id.clone(),
            approve: true
        }),
        admin.client.request(Command::DecideJoin {
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
    dave.ok(Command::JoinGroup {
        conversation_id: g.clone(),
        message: None,
    })
    .await;
    admin
        .ok(Command::DecideJoin {
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

async fn admin_appointment_and_rank_limits(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let a1 = server.register("admin1").await;
    let a2 = server.register("admin2").await;
    let m = server.register("member").await;
    let g = create_group(&owner, "Ranks", JoinPolicy::Open).await;
    for u in [&a1, &a2, &m] {
        join(u, &g).await;
    }
    for a in [&a1, &a2] {
        owner
            .ok(Command::SetAdmin {
                conversation_id: g.clone(),
                user_id: a.id.clone(),
                admin: true,
            })
            .await;
    }
    let kick = |who: &User| Command::RemoveMember {
        conversation_id: g.clone(),
        user_id: who.id.clone(),
    };
    let mute = |who: &User| Command::MuteMember {
        conversation_id: g.clone(),
        user_id: who.id.clone(),
        seconds: 600,
    };
    // Admins cannot act on the owner or on each other; members on nobody; only the owner appoints.
    assert_eq!(a1.err(kick(&owner)).await, ErrorCode::Forbidden);
    assert_eq!(a1.err(kick(&a2)).await, ErrorCode::Forbidden);
    assert_eq!(a1.err(mute(&a2)).await, ErrorCode::Forbidden);
    assert_eq!(m.err(mute(&a1)).await, ErrorCode::Forbidden);
    assert_eq!(
        a1.err(Command::SetAdmin {
            conversation_id: g.clone(),
            user_id: m.id.clone(),
            admin: true
        })
        .await,
        ErrorCode::Forbidden
    );
    assert_eq!(
        a1.err(Command::DissolveGroup {
            conversation_id: g.clone()
        })
        .await,
        ErrorCode::Forbidden
    );
    assert_eq!(
        owner
            .err(Command::LeaveGroup {
                conversation_id: g.clone()
            })
            .await,
        ErrorCode::OwnerMustTransfer
    );
    // The owner can act on admins.
    owner.ok(mute(&a2)).await;
    owner
        .ok(Command::MuteMember {
            conversation_id: g.clone(),
            user_id: a2.id.clone(),
            seconds: 0,
        })
        .await;
    owner
        .ok(Command::SetAdmin {
            conversation_id: g.clone(),
            user_id: a2.id.clone(),
            admin: false,
        })
        .await;
    // … and now a1 outranks a2.
    a1.ok(mute(&a2)).await;

    // Transfer: the old owner becomes an admin and may then leave.
    owner
        .ok(Command::TransferGroup {
            conversation_id: g.clone(),
            user_id: a1.id.clone(),
        })
        .await;
    let roles = members(&a1, &g).await;
    assert!(roles.contains(&(a1.id.clone(), Role::Owner)));
    assert!(roles.contains(&(owner.id.clone(), Role::Admin)));
    assert_eq!(owner.err(kick(&a1)).await, ErrorCode::Forbidden);
    owner
        .ok(Command::LeaveGroup {
            conversation_id: g.clone(),
        })
        .await;
    assert_eq!(
        owner
            .err(Command::History {
                conversation_id: g.clone(),
                before_seq: None,
                limit: None
            })
            .await,
        ErrorCode::NotFound
    );

    // The timeline tells the story the same way to everyone.
    let Reply::History { messages, .. } = m
        .ok(Command::History {
            conversation_id: g.clone(),
            before_seq: None,
            limit: Some(100),
        })
        .await
    else {
        panic!()
    };
    let events: Vec<_> = messages
        .iter()
        .filter_map(|msg| match &msg.body {
            MessageBody::System { event } => Some(event.clone()),
            _ => None,
        })
        .collect();
    assert!(events.contains(&SystemEvent::OwnerChanged {
        user_id: a1.id.clone()
    }));
    assert!(events.contains(&SystemEvent::AdminAdded {
        user_id: a2.id.clone()
    }));
    assert!(events.contains(&SystemEvent::AdminRemoved {
        user_id: a2.id.clone()
    }));
    assert!(events.contains(&SystemEvent::Left {
        user_id: owner.id.clone()
    }));
    server.stop().await;
}

async fn add_remove_and_history_from_join(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut bob = server.register("bob").await;
    let g = create_group(&owner, "History", JoinPolicy::InviteOnly).await;
    owner.ok(send(&g, "before", "before bob joined")).await;

    owner
        .ok(Command::AddMember {
            conversation_id: g.clone(),
            user_id: bob.id.clone(),
        })
        .await;
    assert_eq!(
        owner
            .err(Command::AddMember {
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
    let Reply::History { messages, has_more } = bob
        .ok(Command::History {
            conversation_id: g.clone(),
            before_seq: None,
            limit: None,
        })
        .await
    else {
        panic!()
    };
    assert!(!has_more);
    let texts: Vec<String> = messages.iter().map(text_of).collect();
    assert!(
        !texts.iter().any(|t| t.contains("before bob joined")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("after bob joined")));
    assert!(
        matches!(&messages[0].body, MessageBody::System { event: SystemEvent::Joined { by: Some(by), .. } } if *by == owner.id)
    );

    // Removal: bob is told, loses history and pushes at once.
    bob.drain(Duration::from_millis(200)).await;
    owner
        .ok(Command::RemoveMember {
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
        bob.err(Command::History {
            conversation_id: g.clone(),
            before_seq: None,
            limit: None
        })
        .await,
        ErrorCode::NotFound
    );
    assert_eq!(
        bob.err(send(&g, "x", "still here?")).await,
        ErrorCode::NotFound
    );
    let Reply::Conversations { conversations } = bob.ok(Command::ListConversations).await else {
        panic!()
    };
    assert!(conversations.is_empty());
    // A sync does not bring it back either.
    bob.ok(Command::Sync {
        events_after: 0,
        conversations: vec![ConversationCursor {
            conversation_id: g.clone(),
            seq: 0,
        }],
    })
    .await;
    let frames = bob.drain(Duration::from_millis(300)).await;
    assert!(!frames.iter().any(|f| matches!(f, ServerFrame::Message { message } if text_of(message).contains("after bob left"))));
    server.stop().await;
}

async fn mutes_expire_and_whole_group_mute(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let admin = server.register("admin").await;
    let m = server.register("member").await;
    let g = create_group(&owner, "Mutes", JoinPolicy::Open).await;
    join(&admin, &g).await;
    join(&m, &g).await;
    owner
        .ok(Command::SetAdmin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            admin: true,
        })
        .await;

    admin
        .ok(Command::MuteMember {
            conversation_id: g.clone(),
            user_id: m.id.clone(),
            seconds: 1,
        })
        .await;
    let e = m
        .client
        .request(send(&g, "m1", "can I speak?"))
        .await
        .unwrap_err();
    let liao_shared::client::ClientError::Server { code, .. } = &e else {
        panic!()
    };
    assert_eq!(*code, ErrorCode::Muted);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    m.ok(send(&g, "m1", "the mute expired by itself")).await;

    // Presets up to 30 days; longer is refused.
    assert_eq!(
        admin
            .err(Command::MuteMember {
                conversation_id: g.clone(),
                user_id: m.id.clone(),
                seconds: 31 * 86400
            })
            .await,
        ErrorCode::BadRequest
    );
    admin
        .ok(Command::MuteMember {
            conversation_id: g.clone(),
            user_id: m.id.clone(),
            seconds: 86400,
        })
        .await;
    let Reply::Conversations { conversations } = m.ok(Command::ListConversations).await else {
        panic!()
    };
    let until = conversations[0]
        .group
        .as_ref()
        .unwrap()
        .my_muted_until
        .expect("muted");
    // Mutes survive restarts.
    let m_token = m.token.clone();
    drop((owner, admin, m));
    let server = server.restart().await;
    let m = server.resume(&m_token).await;
    assert_eq!(
        m.err(send(&g, "m2", "after restart")).await,
        ErrorCode::Muted
    );
    let e = m
        .client
        .request(send(&g, "m2", "after restart"))
        .await
        .unwrap_err();
    let liao_shared::client::ClientError::Server { message, .. } = e else {
        panic!()
    };
    assert!(!message.is_empty());
    let owner = server.login("owner").await;
    owner
        .ok(Command::MuteMember {
            conversation_id: g.clone(),
            user_id: m.id.clone(),
            seconds: 0,
        })
        .await;
    m.ok(send(&g, "m2", "unmuted")).await;
    assert!(until > liao_server::util::now_ms());

    // Whole-group mute: members are silenced (without an end time), the owner and admins are not.
    owner
        .ok(Command::MuteAll {
            conversation_id: g.clone(),
            on: true,
        })
        .await;
    let e = m
        .client
        .request(send(&g, "m3", "hello?"))
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        liao_shared::client::ClientError::Server {
            code: ErrorCode::Muted,
            ..
        }
    ));
    owner.ok(send(&g, "o1", "announcement")).await;
    assert_eq!(
        m.err(Command::MuteAll {
            conversation_id: g.clone(),
            on: false
        })
        .await,
        ErrorCode::Forbidden
    );
    owner
        .ok(Command::MuteAll {
            conversation_id: g.clone(),
            on: false,
        })
        .await;
    m.ok(send(&g, "m3", "hello again")).await;
    server.stop().await;
}

async fn recall_rules_in_groups(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let admin = server.register("admin").await;
    let m1 = server.register("member1").await;
    let m2 = server.register("member2").await;
    let g = create_group(&owner, "Recall", JoinPolicy::Open).await;
    for u in [&admin, &m1, &m2] {
        join(u, &g).await;
    }
    owner
        .ok(Command::SetAdmin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            admin: true,
        })
        .await;
    let sent = |r: Reply| match r {
        Reply::Sent { message } => message,
        other => panic!("{other:?}"),
    };
    let by_m1 = sent(m1.ok(send(&g, "a", "member one")).await);
    let by_owner = sent(owner.ok(send(&g, "b", "owner's")).await);
    let recall = |id: &liao_shared::MessageId| Command::Recall {
        conversation_id: g.clone(),
        message_id: id.clone(),
    };

    assert_eq!(
        m2.err(recall(&by_m1.message_id)).await,
        ErrorCode::Forbidden
    );
    assert_eq!(
        admin.err(recall(&by_owner.message_id)).await,
        ErrorCode::Forbidden
    );
    // Admins recall members' messages at any time: age it past the window first.
    let mut tx = server.app.store().begin().await.unwrap();
    sqlx::query("UPDATE messages SET sent_at = sent_at - 3600000 WHERE id = $1")
        .bind(by_m1.message_id.as_str())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        m1.err(recall(&by_m1.message_id)).await,
        ErrorCode::RecallWindowPassed
    );
    admin.ok(recall(&by_m1.message_id)).await;
    owner.ok(recall(&by_owner.message_id)).await;
    let Reply::History { messages, .. } = m2
        .ok(Command::History {
            conversation_id: g.clone(),
            before_seq: None,
            limit: Some(100),
        })
        .await
    else {
        panic!()
    };
    let recalled = messages
        .iter()
        .filter(|m| matches!(m.body, MessageBody::Recalled { .. }))
        .count();
    assert_eq!(recalled, 2);
    // System entries cannot be recalled.
    let system = messages
        .iter()
        .find(|m| matches!(m.body, MessageBody::System { .. }))
        .unwrap();
    assert_eq!(
        owner.err(recall(&system.message_id)).await,
        ErrorCode::BadRequest
    );
    server.stop().await;
}

async fn mentions_are_flagged_and_checked(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut m = server.register("member").await;
    let outsider = server.register("outsider").await;
    let g = create_group(&owner, "Mentions", JoinPolicy::Open).await;
    join(&m, &g).await;
    let with = |mentions: Vec<UserId>, all: bool| Command::SendMessage {
        conversation_id: g.clone(),
        client_msg_id: format!("{mentions:?}{all}"),
        body: NewMessageBody::Text {
            text: "hey".into(),
            mentions,
            mention_all: all,
        },
    };
    owner.ok(with(vec![m.id.clone()], false)).await;
    let got = m.expect_text(&g).await;
    assert!(
        matches!(&got.body, MessageBody::Text { mentions, .. } if mentions == &vec![m.id.clone()])
    );
    assert_eq!(m.err(with(vec![], true)).await, ErrorCode::Forbidden);
    owner.ok(with(vec![], true)).await;
    let got = m.expect_text(&g).await;
    assert!(matches!(
        &got.body,
        MessageBody::Text {
            mention_all: true,
            ..
        }
    ));
    assert_eq!(
        owner.err(with(vec![outsider.id.clone()], false)).await,
        ErrorCode::BadRequest
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

    let reply = alice
        .ok(Command::OpenTemp {
            user_id: bob.id.clone(),
            via: g.clone(),
        })
        .await;
    let Reply::Conversation { conversation } = reply else {
        panic!()
    };
    assert_eq!(conversation.kind, ConversationKind::Temporary);
    assert_eq!(conversation.via_group.as_ref().unwrap().conversation_id, g);
    assert_eq!(conversation.peer.as_ref().unwrap().user_id, bob.id);
    let t = conversation.conversation_id;
    alice.send_text(&t, "t1", "hi from the group").await;
    assert_eq!(text_of(&bob.expect_text(&t).await), "hi from the group");
    // Not through a group you are not in, nor with someone outside it.
    assert_eq!(
        outsider
            .err(Command::OpenTemp {
                user_id: bob.id.clone(),
                via: g.clone()
            })
            .await,
        ErrorCode::NotFound
    );
    assert_eq!(
        alice
            .err(Command::OpenTemp {
                user_id: outsider.id.clone(),
                via: g.clone()
            })
            .await,
        ErrorCode::NotFound
    );

    // The group switches temporary sessions off: sending fails clearly, history stays readable.
    owner
        .ok(Command::UpdateGroup {
            conversation_id: g.clone(),
            name: None,
            description: None,
            join_policy: None,
            searchable: None,
            allow_temp_sessions: Some(false),
        })
        .await;
    assert_eq!(
        alice.err(send(&t, "t2", "still?")).await,
        ErrorCode::TempSessionUnavailable
    );
    assert_eq!(
        alice
            .err(Command::OpenTemp {
                user_id: bob.id.clone(),
                via: g.clone()
            })
            .await,
        ErrorCode::TempSessionUnavailable
    );
    let Reply::History { messages, .. } = bob
        .ok(Command::History {
            conversation_id: t.clone(),
            before_seq: None,
            limit: None,
        })
        .await
    else {
        panic!()
    };
    assert_eq!(messages.len(), 1);
    owner
        .ok(Command::UpdateGroup {
            conversation_id: g.clone(),
            name: None,
            description: None,
            join_policy: None,
            searchable: None,
            allow_temp_sessions: Some(true),
        })
        .await;
    bob.send_text(&t, "t3", "back on").await;
    // Leaving the shared group ends it too.
    bob.ok(Command::LeaveGroup {
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
    let Reply::Conversation { conversation } = carol
        .ok(Command::OpenTemp {
            user_id: alice.id.clone(),
            via: g.clone(),
        })
        .await
    else {
        panic!()
    };
    alice
        .ok(Command::Block {
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
            .err(Command::OpenTemp {
                user_id: alice.id.clone(),
                via: g.clone()
            })
            .await,
        ErrorCode::Blocked
    );
    // From a temporary session either side can ask to be friends, and then chat as friends.
    alice
        .ok(Command::FriendRequest {
            user_id: bob.id.clone(),
            message: Some("met in Temps".into()),
        })
        .await;
    bob.ok(Command::FriendAccept {
        user_id: alice.id.clone(),
    })
    .await;
    let d = alice.open_direct(&bob.id).await;
    alice.send_text(&d, "d1", "friends now").await;
    server.stop().await;
}

async fn offline_members_catch_up_on_governance(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let bob = server.register("bob").await;
    let g = create_group(&owner, "Offline", JoinPolicy::Open).await;
    let token = bob.token.clone();
    drop(bob);
    // While bob is offline he is added, the group is renamed, and someone is muted.
    let carol = server.register("carol").await;
    join(&carol, &g).await;
    let bob_id = server
        .app
        .store()
        .user_by_name("bob")
        .await
        .unwrap()
        .unwrap()
        .profile
        .user_id;
    owner
        .ok(Command::AddMember {
            conversation_id: g.clone(),
            user_id: bob_id.clone(),
        })
        .await;
    owner
        .ok(Command::UpdateGroup {
            conversation_id: g.clone(),
            name: Some("Renamed".into()),
            description: None,
            join_policy: None,
            searchable: None,
            allow_temp_sessions: None,
        })
        .await;
    owner
        .ok(Command::MuteMember {
            conversation_id: g.clone(),
            user_id: carol.id.clone(),
            seconds: 600,
        })
        .await;
    let mut bob = server.resume(&token).await;
    bob.ok(Command::Sync {
        events_after: 0,
        conversations: vec![],
    })
    .await;
    let frames = bob.drain(Duration::from_millis(500)).await;
    assert!(frames.iter().any(|f| matches!(f, ServerFrame::Event { event } if matches!(&event.body, EventBody::ConversationAdded { conversation } if conversation.conversation_id == g))));
    let events = system_events(&frames, &g);
    assert!(
        matches!(&events[0], SystemEvent::Joined { user, .. } if user.user_id == bob_id),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SystemEvent::Updated { name: Some(n), .. } if n == "Renamed"))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SystemEvent::Muted { user_id, .. } if *user_id == carol.id))
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, SystemEvent::Created { .. })),
        "no history from before bob joined"
    );
    server.stop().await;
}

/// Every governance command, by every kind of caller, through the real server: allowed ones
/// succeed, the rest get their error and change nothing.
async fn permission_matrix_through_the_server(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let admin = server.register("admin").await;
    let member = server.register("member").await;
    let muted = server.register("muted").await;
    let removed = server.register("removed").await;
    let outsider = server.register("outsider").await;
    let target = server.register("target").await;
    let g = create_group(&owner, "Matrix", JoinPolicy::Approval).await;
    for u in [&admin, &member, &muted, &removed, &target] {
        owner
            .ok(Command::AddMember {
                conversation_id: g.clone(),
                user_id: u.id.clone(),
            })
            .await;
    }
    owner
        .ok(Command::SetAdmin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            admin: true,
        })
        .await;
    owner
        .ok(Command::MuteMember {
            conversation_id: g.clone(),
            user_id: muted.id.clone(),
            seconds: 3600,
        })
        .await;
    owner
        .ok(Command::RemoveMember {
            conversation_id: g.clone(),
            user_id: removed.id.clone(),
        })
        .await;
    let forged = ConversationId("c0123456789abcdef0123456789abcdef".into());

    let commands = |g: &ConversationId| -> Vec<(&'static str, Command)> {
        vec![
            (
                "update",
                Command::UpdateGroup {
                    conversation_id: g.clone(),
                    name: Some("X".into()),
                    description: None,
                    join_policy: None,
                    searchable: None,
                    allow_temp_sessions: None,
                },
            ),
            (
                "mute",
                Command::MuteMember {
                    conversation_id: g.clone(),
                    user_id: target.id.clone(),
                    seconds: 60,
                },
            ),
            (
                "mute_all",
                Command::MuteAll {
                    conversation_id: g.clone(),
                    on: true,
                },
            ),
            (
                "set_admin",
                Command::SetAdmin {
                    conversation_id: g.clone(),
                    user_id: target.id.clone(),
                    admin: true,
                },
            ),
            (
                "requests",
                Command::ListJoinRequests {
                    conversation_id: g.clone(),
                },
            ),
            (
                "remove",
                Command::RemoveMember {
                    conversation_id: g.clone(),
                    user_id: target.id.clone(),
                },
            ),
            (
                "dissolve",
                Command::DissolveGroup {
                    conversation_id: g.clone(),
                },
            ),
            ("send", send(g, "matrix", "hi")),
            (
                "members",
                Command::ListMembers {
                    conversation_id: g.clone(),
                    offset: 0,
                    limit: None,
                },
            ),
        ]
    };
    use ErrorCode::*;
    // Expected outcome per caller for each command above (None = allowed; not run for the owner
    // and admin where allowed, since they would change the group for the rows after them).
    let table: Vec<(&User, [Option<ErrorCode>; 9])> = vec![
        (
            &member,
            [
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                None,
                None,
            ],
        ),
        (
            &muted,
            [
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Forbidden),
                Some(Muted),
                None,
            ],
        ),
        (&removed, [Some(NotFound); 9]),
        (&outsider, [Some(NotFound); 9]),
        (
            &admin,
            [
                None,
                None,
                None,
                Some(Forbidden),
                None,
                None,
                Some(Forbidden),
                None,
                None,
            ],
        ),
    ];
    let before = members(&owner, &g).await;
    for (caller, expected) in &table {
        for ((name, cmd), want) in commands(&g).into_iter().zip(expected) {
            match want {
                Some(code) => assert_eq!(caller.err(cmd).await, *code, "{} {name}", caller.name),
                None if matches!(name, "send" | "members" | "requests") => {
                    caller.ok(cmd).await;
                }
                None => {} // allowed; exercised in the other tests
            }
        }
        // Forged ids are not found for anyone.
        for (name, cmd) in commands(&forged) {
            assert_eq!(
                caller.err(cmd).await,
                NotFound,
                "{} {name} on a forged id",
                caller.name
            );
        }
    }
    // Nothing the refused commands touched has changed.
    assert_eq!(members(&owner, &g).await, before);
    let Reply::Conversations { conversations } = owner.ok(Command::ListConversations).await else {
        panic!()
    };
    let info = conversations
        .iter()
        .find(|c| c.conversation_id == g)
        .unwrap()
        .group
        .clone()
        .unwrap();
    assert_eq!(info.name, "Matrix");
    assert!(!info.muted_all);
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
                c.request(Command::Resume { token }).await.unwrap();
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
        let Reply::Sent { message } = owner
            .ok(send(&g, &format!("big{i}"), &format!("message {i}")))
            .await
        else {
            panic!()
        };
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

async fn dissolve_removes_the_group_for_everyone(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let mut m = server.register("member").await;
    let g = create_group(&owner, "Short-lived", JoinPolicy::Open).await;
    join(&m, &g).await;
    owner.ok(send(&g, "bye", "closing soon")).await;
    owner
        .ok(Command::DissolveGroup {
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
            u.err(Command::History {
                conversation_id: g.clone(),
                before_seq: None,
                limit: None
            })
            .await,
            ErrorCode::NotFound
        );
        let Reply::Conversations { conversations } = u.ok(Command::ListConversations).await else {
            panic!()
        };
        assert!(conversations.iter().all(|c| c.conversation_id != g));
    }
    let Reply::Groups { groups, .. } = m
        .ok(Command::SearchGroups {
            query: "Short".into(),
            offset: 0,
            limit: None,
        })
        .await
    else {
        panic!()
    };
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
    m.ok(Command::Sync {
        events_after: 0,
        conversations: vec![],
    })
    .await;
    owner.ok(send(&g, "hello", "hello member")).await;
    m.expect_text(&g).await;
    m.ok(Command::LeaveGroup {
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
