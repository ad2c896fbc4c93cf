//! Groups end to end, governing one: admin appointment and rank limits, mutes and whole-group
//! mute with expiry, recall rules, mentions, offline members catching up on governance, and the
//! permission matrix through the real server. Every test runs on SQLite and PostgreSQL; joining,
//! leaving and temporary sessions are in `groups_membership.rs`.

mod common;

use std::time::Duration;

use common::groups::{create_group, join, members, send, system_events};
use common::{Db, TestServer, User};
use liao_shared::command;
use liao_shared::{
    Command, ConversationId, ErrorCode, EventBody, GroupSettingsPatch, JoinPolicy, MessageBody,
    NewMessageBody, Role, ServerFrame, SystemEvent, UserId,
};

on_both_backends!(
    admin_appointment_and_rank_limits,
    mutes_expire_and_whole_group_mute,
    recall_rules_in_groups,
    mentions_are_flagged_and_checked,
    offline_members_catch_up_on_governance,
    permission_matrix_through_the_server,
);

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
            .ok(command::SetAdmin {
                conversation_id: g.clone(),
                user_id: a.id.clone(),
                admin: true,
            })
            .await;
    }
    let kick = |who: &User| {
        Command::RemoveMember(command::RemoveMember {
            conversation_id: g.clone(),
            user_id: who.id.clone(),
        })
    };
    let mute = |who: &User| {
        Command::MuteMember(command::MuteMember {
            conversation_id: g.clone(),
            user_id: who.id.clone(),
            seconds: 600,
        })
    };
    // Admins cannot act on the owner or on each other; members on nobody; only the owner appoints.
    assert_eq!(a1.err(kick(&owner)).await, ErrorCode::Forbidden);
    assert_eq!(a1.err(kick(&a2)).await, ErrorCode::Forbidden);
    assert_eq!(a1.err(mute(&a2)).await, ErrorCode::Forbidden);
    assert_eq!(m.err(mute(&a1)).await, ErrorCode::Forbidden);
    assert_eq!(
        a1.err(command::SetAdmin {
            conversation_id: g.clone(),
            user_id: m.id.clone(),
            admin: true
        })
        .await,
        ErrorCode::Forbidden
    );
    assert_eq!(
        a1.err(command::DissolveGroup {
            conversation_id: g.clone()
        })
        .await,
        ErrorCode::Forbidden
    );
    assert_eq!(
        owner
            .err(command::LeaveGroup {
                conversation_id: g.clone()
            })
            .await,
        ErrorCode::OwnerMustTransfer
    );
    // The owner can act on admins.
    owner.ok(mute(&a2)).await;
    owner
        .ok(command::MuteMember {
            conversation_id: g.clone(),
            user_id: a2.id.clone(),
            seconds: 0,
        })
        .await;
    owner
        .ok(command::SetAdmin {
            conversation_id: g.clone(),
            user_id: a2.id.clone(),
            admin: false,
        })
        .await;
    // … and now a1 outranks a2.
    a1.ok(mute(&a2)).await;

    // Transfer: the old owner becomes an admin and may then leave.
    owner
        .ok(command::TransferGroup {
            conversation_id: g.clone(),
            user_id: a1.id.clone(),
        })
        .await;
    let roles = members(&a1, &g).await;
    assert!(roles.contains(&(a1.id.clone(), Role::Owner)));
    assert!(roles.contains(&(owner.id.clone(), Role::Admin)));
    assert_eq!(owner.err(kick(&a1)).await, ErrorCode::Forbidden);
    owner
        .ok(command::LeaveGroup {
            conversation_id: g.clone(),
        })
        .await;
    assert_eq!(
        owner
            .err(command::History {
                conversation_id: g.clone(),
                before_seq: None,
                limit: None,
                around_seq: None,
            })
            .await,
        ErrorCode::NotFound
    );

    // The timeline tells the story the same way to everyone.
    let messages = m.history_page(&g, None, Some(100)).await.messages;
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

async fn mutes_expire_and_whole_group_mute(db: Db) {
    let server = TestServer::start(db).await;
    let owner = server.register("owner").await;
    let admin = server.register("admin").await;
    let m = server.register("member").await;
    let g = create_group(&owner, "Mutes", JoinPolicy::Open).await;
    join(&admin, &g).await;
    join(&m, &g).await;
    owner
        .ok(command::SetAdmin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            admin: true,
        })
        .await;

    admin
        .ok(command::MuteMember {
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
            .err(command::MuteMember {
                conversation_id: g.clone(),
                user_id: m.id.clone(),
                seconds: 31 * 86400
            })
            .await,
        ErrorCode::BadRequest
    );
    admin
        .ok(command::MuteMember {
            conversation_id: g.clone(),
            user_id: m.id.clone(),
            seconds: 86400,
        })
        .await;
    let conversations = m.conversations().await;
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
        .ok(command::MuteMember {
            conversation_id: g.clone(),
            user_id: m.id.clone(),
            seconds: 0,
        })
        .await;
    m.ok(send(&g, "m2", "unmuted")).await;
    assert!(until > liao_server::util::now_ms());

    // Whole-group mute: members are silenced (without an end time), the owner and admins are not.
    owner
        .ok(command::MuteAll {
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
        m.err(command::MuteAll {
            conversation_id: g.clone(),
            on: false
        })
        .await,
        ErrorCode::Forbidden
    );
    owner
        .ok(command::MuteAll {
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
        .ok(command::SetAdmin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            admin: true,
        })
        .await;
    let by_m1 = m1.send_text(&g, "a", "member one").await;
    let by_owner = owner.send_text(&g, "b", "owner's").await;
    let recall = |id: &liao_shared::MessageId| {
        Command::Recall(command::Recall {
            conversation_id: g.clone(),
            message_id: id.clone(),
        })
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
    let messages = m2.history_page(&g, None, Some(100)).await.messages;
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
    let with = |mentions: Vec<UserId>, all: bool| {
        Command::SendMessage(command::SendMessage {
            conversation_id: g.clone(),
            client_msg_id: format!("{mentions:?}{all}"),
            body: NewMessageBody::Text {
                text: "hey".into(),
                mentions,
                mention_all: all,
            },
            reply_to: None,
        })
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
        .ok(command::AddMember {
            conversation_id: g.clone(),
            user_id: bob_id.clone(),
        })
        .await;
    owner
        .ok(command::UpdateGroup {
            conversation_id: g.clone(),
            changes: GroupSettingsPatch {
                name: Some("Renamed".into()),
                ..Default::default()
            },
        })
        .await;
    owner
        .ok(command::MuteMember {
            conversation_id: g.clone(),
            user_id: carol.id.clone(),
            seconds: 600,
        })
        .await;
    let mut bob = server.resume(&token).await;
    bob.ok(command::SyncRequest {
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
            .any(|e| matches!(e, SystemEvent::Updated { changes } if changes.name.as_deref() == Some("Renamed")))
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
            .ok(command::AddMember {
                conversation_id: g.clone(),
                user_id: u.id.clone(),
            })
            .await;
    }
    owner
        .ok(command::SetAdmin {
            conversation_id: g.clone(),
            user_id: admin.id.clone(),
            admin: true,
        })
        .await;
    owner
        .ok(command::MuteMember {
            conversation_id: g.clone(),
            user_id: muted.id.clone(),
            seconds: 3600,
        })
        .await;
    owner
        .ok(command::RemoveMember {
            conversation_id: g.clone(),
            user_id: removed.id.clone(),
        })
        .await;
    let forged = ConversationId("c0123456789abcdef0123456789abcdef".into());

    let commands = |g: &ConversationId| -> Vec<(&'static str, Command)> {
        vec![
            (
                "update",
                Command::UpdateGroup(command::UpdateGroup {
                    conversation_id: g.clone(),
                    changes: GroupSettingsPatch {
                        name: Some("X".into()),
                        ..Default::default()
                    },
                }),
            ),
            (
                "mute",
                Command::MuteMember(command::MuteMember {
                    conversation_id: g.clone(),
                    user_id: target.id.clone(),
                    seconds: 60,
                }),
            ),
            (
                "mute_all",
                Command::MuteAll(command::MuteAll {
                    conversation_id: g.clone(),
                    on: true,
                }),
            ),
            (
                "set_admin",
                Command::SetAdmin(command::SetAdmin {
                    conversation_id: g.clone(),
                    user_id: target.id.clone(),
                    admin: true,
                }),
            ),
            (
                "requests",
                Command::ListJoinRequests(command::ListJoinRequests {
                    conversation_id: g.clone(),
                }),
            ),
            (
                "remove",
                Command::RemoveMember(command::RemoveMember {
                    conversation_id: g.clone(),
                    user_id: target.id.clone(),
                }),
            ),
            (
                "dissolve",
                Command::DissolveGroup(command::DissolveGroup {
                    conversation_id: g.clone(),
                }),
            ),
            ("send", send(g, "matrix", "hi")),
            (
                "members",
                Command::ListMembers(command::ListMembers {
                    conversation_id: g.clone(),
                    offset: 0,
                    limit: None,
                }),
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
    let conversations = owner.conversations().await;
    let info = conversations
        .iter()
        .find(|c| c.conversation_id == g)
        .unwrap()
        .group
        .clone()
        .unwrap();
    assert_eq!(info.settings.name, "Matrix");
    assert!(!info.muted_all);
    server.stop().await;
}
