//! What a user does with messages besides sending plain ones: replies (quotes), which show the
//! quoted message as it is now, and `history` around a seq, which jumping to a quote uses; and
//! delete for me (删除), which hides messages from the user's own view on every device, persists
//! across restarts and leaves them for everyone else. Every test runs on SQLite and on PostgreSQL.

mod common;

use std::time::Duration;

use common::groups::{create_group, join};
use common::{Db, TestServer, User, befriend, text_of};
use liao_shared::command::{self, DeleteForMe};
use liao_shared::{
    ConversationId, ErrorCode, EventBody, ForwardedFrom, JoinPolicy, MessageBody, MessageId,
    NewMessageBody, Quote, QuotePreview, ServerFrame, limits,
};

on_both_backends!(
    a_reply_quotes_the_original_as_it_is_now_also_after_a_restart,
    a_reply_must_quote_a_message_the_sender_can_see,
    history_around_a_seq_pages_both_ways,
    forwarding_shows_the_origin_and_follows_the_targets_rules,
    reactions_toggle_idempotently_count_nowhere_and_replay_after_a_restart,
    reactions_refuse_bad_input_and_follow_the_senders_rules,
    editing_changes_the_text_everywhere_without_a_new_entry,
    delete_for_me_hides_on_my_devices_only_and_survives_a_restart,
    delete_for_me_refuses_bad_input_and_changes_nothing,
);

/// Alice and Bob, friends, and their 1:1 conversation.
async fn alice_and_bob(server: &TestServer) -> (User, User, ConversationId) {
    let alice = server.register("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice, &bob).await;
    let conv = alice.open_direct(&bob.id).await;
    (alice, bob, conv)
}

/// `sync` of the one conversation `conv` from `seq` (no events), replaying the changes after
/// `changes_after` when given.
fn sync_one(conv: &ConversationId, seq: u64, changes_after: Option<u64>) -> command::SyncRequest {
    command::SyncRequest {
        events_after: 0,
        conversations: vec![liao_shared::ConversationCursor {
            conversation_id: conv.clone(),
            seq,
            changes_after,
        }],
    }
}

fn seqs(messages: &[liao_shared::Message]) -> Vec<u64> {
    messages.iter().map(|m| m.seq).collect()
}

fn delete(conv: &ConversationId, ids: &[&MessageId]) -> DeleteForMe {
    DeleteForMe {
        conversation_id: conv.clone(),
        message_ids: ids.iter().map(|&id| id.clone()).collect(),
    }
}

fn reply(conv: &ConversationId, id: &str, text: &str, to: u64) -> command::SendMessage {
    command::SendMessage {
        conversation_id: conv.clone(),
        client_msg_id: id.into(),
        body: NewMessageBody::text(text),
        reply_to: Some(to),
    }
}

fn sent(reply: liao_shared::Reply) -> liao_shared::Message {
    match reply {
        liao_shared::Reply::Sent { message } => message,
        other => panic!("expected sent, got {other:?}"),
    }
}

async fn a_reply_quotes_the_original_as_it_is_now_also_after_a_restart(db: Db) {
    let server = TestServer::start(db).await;
    let (alice, mut bob, conv) = alice_and_bob(&server).await;
    let long = "路".repeat(limits::QUOTE_PREVIEW_CHARS + 20);
    let original = bob.send_text(&conv, "b1", &long).await;
    let question = bob.send_text(&conv, "b2", "what time?").await;

    // The reply carries the quote: who, which message, and the start of its text.
    let answer = sent(alice.ok(reply(&conv, "a1", "eight", question.seq)).await);
    let quote = Quote {
        seq: question.seq,
        message_id: question.message_id.clone(),
        sender_id: bob.id.clone(),
        preview: QuotePreview::Text {
            text: "what time?".into(),
        },
    };
    assert_eq!(answer.reply_to.as_ref(), Some(&quote));
    // The other member gets the same quote with the live message.
    let pushed = bob.expect_message(&conv).await;
    assert_eq!(pushed.message_id, answer.message_id);
    assert_eq!(pushed.reply_to.as_ref(), Some(&quote));
    // A long text is quoted by its first characters only.
    let of_long = sent(alice.ok(reply(&conv, "a2", "so long", original.seq)).await);
    match of_long.reply_to.map(|q| q.preview) {
        Some(QuotePreview::Text { text }) => {
            assert_eq!(text, "路".repeat(limits::QUOTE_PREVIEW_CHARS));
        }
        other => panic!("expected a text quote, got {other:?}"),
    }

    // Recalling the original shows in every later read of the reply.
    bob.ok(command::Recall {
        conversation_id: conv.clone(),
        message_id: question.message_id.clone(),
    })
    .await;
    let quoted = |messages: &[liao_shared::Message], id: &MessageId| {
        messages
            .iter()
            .find(|m| m.message_id == *id)
            .and_then(|m| m.reply_to.clone())
            .map(|q| q.preview)
    };
    let page = alice.history(&conv).await;
    assert_eq!(
        quoted(&page.messages, &answer.message_id),
        Some(QuotePreview::Recalled)
    );

    // After a restart, history and a device catching up with `sync` see the same.
    let token = alice.token.clone();
    drop((alice, bob));
    let server = server.restart().await;
    let mut alice = server.resume(&token).await;
    let page = alice.history(&conv).await;
    assert_eq!(
        quoted(&page.messages, &answer.message_id),
        Some(QuotePreview::Recalled)
    );
    alice.ok(sync_one(&conv, question.seq, None)).await;
    let replayed = alice.expect_message(&conv).await;
    assert_eq!(replayed.message_id, answer.message_id);
    assert_eq!(
        replayed.reply_to.map(|q| (q.seq, q.preview)),
        Some((question.seq, QuotePreview::Recalled))
    );
    server.stop().await;
}

async fn a_reply_must_quote_a_message_the_sender_can_see(db: Db) {
    let server = TestServer::start(db).await;
    let (alice, bob, conv) = alice_and_bob(&server).await;
    let carol = server.register("carol").await;
    let hello = alice.send_text(&conv, "a1", "hello").await;
    alice
        .ok(command::Recall {
            conversation_id: conv.clone(),
            message_id: hello.message_id.clone(),
        })
        .await;
    let last = alice.conversation(&conv).await.last_seq;
    // A seq that does not exist, and one of a conversation Carol is not in.
    assert_eq!(
        alice.err(reply(&conv, "r1", "?", last + 5)).await,
        ErrorCode::NotFound
    );
    assert_eq!(
        carol.err(reply(&conv, "r2", "?", hello.seq)).await,
        ErrorCode::NotFound
    );
    // A recall entry cannot be quoted; the recalled message itself can.
    assert_eq!(
        alice.err(reply(&conv, "r3", "?", last)).await,
        ErrorCode::BadRequest
    );
    let to_recalled = sent(bob.ok(reply(&conv, "b1", "what was it?", hello.seq)).await);
    assert_eq!(
        to_recalled.reply_to.map(|q| q.preview),
        Some(QuotePreview::Recalled)
    );
    assert_eq!(alice.conversation(&conv).await.last_seq, last + 1);

    // In a group, a member who joined later cannot quote what was said before.
    let g = create_group(&alice, "Readers", JoinPolicy::Open).await;
    let before = alice.send_text(&g, "g1", "before you came").await;
    join(&carol, &g).await;
    let last = alice.conversation(&g).await.last_seq;
    assert_eq!(
        carol.err(reply(&g, "c1", "?", before.seq)).await,
        ErrorCode::NotFound
    );
    // A `system` entry (Carol's join) cannot be quoted either.
    assert_eq!(
        carol.err(reply(&g, "c2", "?", last)).await,
        ErrorCode::BadRequest
    );
    assert_eq!(
        alice.conversation(&g).await.last_seq,
        last,
        "nothing stored"
    );
    server.stop().await;
}

async fn history_around_a_seq_pages_both_ways(db: Db) {
    let server = TestServer::start(db).await;
    let (alice, bob, conv) = alice_and_bob(&server).await;
    let mut sent = Vec::new();
    for n in 1..=30 {
        sent.push(
            alice
                .send_text(&conv, &format!("a{n}"), &n.to_string())
                .await,
        );
    }
    let range = |from: u64, to: u64| (from..=to).collect::<Vec<u64>>();

    // The anchor and the older entries take the larger half.
    let page = bob.history_around(&conv, 10, Some(9)).await;
    assert_eq!(seqs(&page.messages), range(6, 14));
    assert!(page.has_more && page.has_newer);
    // Near the start and near the end, the page is shorter on that side.
    let page = bob.history_around(&conv, 2, Some(10)).await;
    assert_eq!(seqs(&page.messages), range(1, 7));
    assert!(!page.has_more && page.has_newer);
    let page = bob.history_around(&conv, 29, Some(10)).await;
    assert_eq!(seqs(&page.messages), range(25, 30));
    assert!(page.has_more && !page.has_newer);
    // Past the end: the latest entries.
    let page = bob.history_around(&conv, 1000, Some(4)).await;
    assert_eq!(seqs(&page.messages), range(29, 30));
    assert!(page.has_more && !page.has_newer);
    // Paging on from an around page, in either direction, meets no gap.
    let older = bob.history_page(&conv, Some(6), Some(100)).await;
    assert_eq!(seqs(&older.messages), range(1, 5));

    // Entries deleted for me are skipped, the anchor included, without shrinking the page.
    bob.ok(delete(&conv, &[&sent[9].message_id, &sent[11].message_id]))
        .await;
    let page = bob.history_around(&conv, 10, Some(6)).await;
    assert_eq!(seqs(&page.messages), [7, 8, 9, 11, 13, 14]);

    // Not both anchors at once.
    let both = command::History {
        conversation_id: conv.clone(),
        before_seq: Some(5),
        around_seq: Some(5),
        limit: None,
    };
    assert_eq!(bob.err(both).await, ErrorCode::BadRequest);

    // In a group, nothing from before the member joined.
    let g = create_group(&alice, "Readers", JoinPolicy::Open).await;
    for n in 1..=5 {
        alice.send_text(&g, &format!("g{n}"), "early").await;
    }
    join(&bob, &g).await;
    let joined = bob.conversation(&g).await.last_seq;
    alice.send_text(&g, "g6", "late").await;
    let page = bob.history_around(&g, 3, Some(10)).await;
    assert_eq!(seqs(&page.messages), range(joined, joined + 1));
    assert!(!page.has_more);
    server.stop().await;
}

fn forward(to: &ConversationId, id: &str, from: &ConversationId, seq: u64) -> command::SendMessage {
    command::SendMessage {
        conversation_id: to.clone(),
        client_msg_id: id.into(),
        body: NewMessageBody::Forward {
            conversation_id: from.clone(),
            seq,
        },
        reply_to: None,
    }
}

async fn forwarding_shows_the_origin_and_follows_the_targets_rules(db: Db) {
    let server = TestServer::start(db).await;
    let (alice, mut bob, ab) = alice_and_bob(&server).await;
    let g = create_group(&alice, "Readers", JoinPolicy::Open).await;
    join(&bob, &g).await;
    let mention = NewMessageBody::Text {
        text: "@bob read chapter 3".into(),
        mentions: vec![bob.id.clone()],
        mention_all: false,
    };
    let original = alice.send(&g, "a1", mention).await;

    // Bob forwards Alice's group message to her 1:1: the text, without its mentions, and Alice
    // as its origin.
    let copy = sent(bob.ok(forward(&ab, "b1", &g, original.seq)).await);
    assert_eq!(text_of(&copy), "@bob read chapter 3");
    assert!(matches!(&copy.body, MessageBody::Text { mentions, .. } if mentions.is_empty()));
    let origin = ForwardedFrom {
        sender_id: alice.id.clone(),
        sent_at: original.sent_at,
    };
    assert_eq!(copy.forwarded_from.as_ref(), Some(&origin));
    // Forwarded on, it keeps its first origin.
    let again = sent(alice.ok(forward(&g, "a2", &ab, copy.seq)).await);
    assert_eq!(again.forwarded_from.as_ref(), Some(&origin));
    bob.drain(Duration::from_millis(200)).await;

    // The target's rules apply: a muted member cannot forward into the group.
    alice
        .ok(command::MuteMember {
            conversation_id: g.clone(),
            user_id: bob.id.clone(),
            seconds: 600,
        })
        .await;
    let last = alice.conversation(&g).await.last_seq;
    assert_eq!(
        bob.err(forward(&g, "b2", &ab, copy.seq)).await,
        ErrorCode::Muted
    );
    // Only text, file and image messages are forwarded; nothing else, and nothing unseen.
    assert_eq!(
        bob.err(forward(&ab, "b3", &g, original.seq - 1)).await,
        ErrorCode::BadRequest,
        "a system entry (bob's joining)"
    );
    assert_eq!(
        bob.err(forward(&ab, "b6", &g, 1)).await,
        ErrorCode::NotFound,
        "an entry from before bob joined"
    );
    assert_eq!(
        bob.err(forward(&ab, "b4", &g, last + 10)).await,
        ErrorCode::NotFound
    );
    let hello = alice.send_text(&ab, "a3", "hello").await;
    alice
        .ok(command::Recall {
            conversation_id: ab.clone(),
            message_id: hello.message_id.clone(),
        })
        .await;
    assert_eq!(
        bob.err(forward(&g, "b5", &ab, hello.seq)).await,
        ErrorCode::BadRequest,
        "a recalled message"
    );
    assert_eq!(
        alice.conversation(&g).await.last_seq,
        last,
        "nothing stored"
    );

    // The origin is stored: history after a restart still shows it.
    let token = bob.token.clone();
    drop((alice, bob));
    let server = server.restart().await;
    let bob = server.resume(&token).await;
    let page = bob.history(&ab).await;
    let stored = page
        .messages
        .iter()
        .find(|m| m.message_id == copy.message_id)
        .expect("the forwarded message");
    assert_eq!(stored.forwarded_from.as_ref(), Some(&origin));
    server.stop().await;
}

fn react(conv: &ConversationId, seq: u64, emoji: &str, on: bool) -> command::React {
    command::React {
        conversation_id: conv.clone(),
        seq,
        emoji: emoji.into(),
        on,
    }
}

/// The next `message_changed` push for `conv`.
async fn expect_change(user: &mut User, conv: &ConversationId) -> liao_shared::Message {
    user.expect("message_changed", |f| match f {
        ServerFrame::MessageChanged { message } if message.conversation_id == *conv => {
            Some(message.clone())
        }
        _ => None,
    })
    .await
}

fn summary(m: &liao_shared::Message) -> Vec<(String, u64, Vec<liao_shared::UserId>)> {
    m.reactions
        .iter()
        .map(|r| (r.emoji.clone(), r.count, r.user_ids.clone()))
        .collect()
}

async fn reactions_toggle_idempotently_count_nowhere_and_replay_after_a_restart(db: Db) {
    let server = TestServer::start(db).await;
    let (mut alice, mut bob, conv) = alice_and_bob(&server).await;
    let hi = alice.send_text(&conv, "a1", "hi").await;
    bob.expect_message(&conv).await;
    bob.ok(command::MarkRead {
        conversation_id: conv.clone(),
        seq: hi.seq,
    })
    .await;

    // Bob's 👍: every member's devices get the message as it is now.
    bob.ok(react(&conv, hi.seq, "👍", true)).await;
    let changed = expect_change(&mut alice, &conv).await;
    assert_eq!(changed.seq, hi.seq);
    assert_eq!(summary(&changed), [("👍".into(), 1, vec![bob.id.clone()])]);
    let first_change = changed.change_seq.expect("change_seq");
    assert_eq!(expect_change(&mut bob, &conv).await, changed);
    // Again: nothing changes and nothing is pushed.
    bob.ok(react(&conv, hi.seq, "👍", true)).await;
    alice.ok(react(&conv, hi.seq, "👍", true)).await;
    alice.ok(react(&conv, hi.seq, "❤️", true)).await;
    bob.ok(react(&conv, hi.seq, "👍", false)).await;
    bob.ok(react(&conv, hi.seq, "👍", false)).await;
    let mut last = changed;
    for _ in 0..3 {
        last = expect_change(&mut alice, &conv).await;
    }
    assert_eq!(
        summary(&last),
        [
            ("👍".into(), 1, vec![alice.id.clone()]),
            ("❤️".into(), 1, vec![alice.id.clone()]),
        ]
    );
    assert_eq!(last.change_seq, Some(first_change + 3));
    let extra = alice.drain(Duration::from_millis(300)).await;
    assert!(
        !extra
            .iter()
            .any(|f| matches!(f, ServerFrame::MessageChanged { .. })),
        "a reaction that changed nothing was pushed: {extra:?}"
    );

    // Reactions are not entries: no new seq, nothing unread, the list preview is the message.
    for user in [&alice, &bob] {
        let c = user.conversation(&conv).await;
        assert_eq!((c.last_seq, c.unread), (hi.seq, 0));
        assert_eq!(c.last_message.map(|m| summary(&m)), Some(summary(&last)));
    }
    assert_eq!(
        bob.history(&conv).await.messages.last().map(summary),
        Some(summary(&last))
    );

    // After a restart, a device that was away catches up with `sync`'s change cursor.
    let token = bob.token.clone();
    drop((alice, bob));
    let server = server.restart().await;
    let mut bob = server.resume(&token).await;
    bob.ok(sync_one(&conv, hi.seq, Some(first_change))).await;
    let replayed = expect_change(&mut bob, &conv).await;
    assert_eq!(summary(&replayed), summary(&last));
    assert_eq!(replayed.change_seq, last.change_seq);
    // Up to date, or not asking: no change is replayed before sync_done.
    for cursor in [last.change_seq, None] {
        let mut bob = server.resume(&token).await;
        bob.ok(sync_one(&conv, hi.seq, cursor)).await;
        let replayed = bob
            .expect("message_changed or sync_done", |f| match f {
                ServerFrame::MessageChanged { .. } => Some(true),
                ServerFrame::SyncDone { .. } => Some(false),
                _ => None,
            })
            .await;
        assert!(!replayed, "a change replayed with changes_after {cursor:?}");
    }
    server.stop().await;
}

async fn reactions_refuse_bad_input_and_follow_the_senders_rules(db: Db) {
    let server = TestServer::start(db).await;
    let (alice, bob, conv) = alice_and_bob(&server).await;
    let carol = server.register("carol").await;
    let hi = alice.send_text(&conv, "a1", "hi").await;
    for bad in ["", "a", "👍👍", "好", ":)"] {
        assert_eq!(
            bob.err(react(&conv, hi.seq, bad, true)).await,
            ErrorCode::BadRequest,
            "{bad:?}"
        );
    }
    assert_eq!(
        bob.err(react(&conv, hi.seq + 5, "👍", true)).await,
        ErrorCode::NotFound
    );
    assert_eq!(
        carol.err(react(&conv, hi.seq, "👍", true)).await,
        ErrorCode::NotFound,
        "not her conversation"
    );
    // At most 20 different emoji; more of one already there is fine.
    let emoji = [
        "😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰",
        "😗", "😙", "🥲", "😚", "🙂",
    ];
    for e in emoji {
        alice.ok(react(&conv, hi.seq, e, true)).await;
    }
    assert_eq!(
        bob.err(react(&conv, hi.seq, "🤗", true)).await,
        ErrorCode::BadRequest
    );
    bob.ok(react(&conv, hi.seq, "😀", true)).await;
    // Recall entries and recalled messages take none.
    alice
        .ok(command::Recall {
            conversation_id: conv.clone(),
            message_id: hi.message_id.clone(),
        })
        .await;
    for seq in [hi.seq, hi.seq + 1] {
        assert_eq!(
            bob.err(react(&conv, seq, "👍", true)).await,
            ErrorCode::BadRequest
        );
    }
    // Who may not send may not react: a muted group member.
    let g = create_group(&alice, "Readers", JoinPolicy::Open).await;
    join(&bob, &g).await;
    let hello = alice.send_text(&g, "g1", "hello").await;
    alice
        .ok(command::MuteMember {
            conversation_id: g.clone(),
            user_id: bob.id.clone(),
            seconds: 600,
        })
        .await;
    assert_eq!(
        bob.err(react(&g, hello.seq, "👍", true)).await,
        ErrorCode::Muted
    );
    server.stop().await;
}

fn edit(conv: &ConversationId, seq: u64, text: &str) -> command::EditMessage {
    command::EditMessage {
        conversation_id: conv.clone(),
        seq,
        text: text.into(),
    }
}

async fn editing_changes_the_text_everywhere_without_a_new_entry(db: Db) {
    let server = TestServer::start(db).await;
    let (alice, mut bob, conv) = alice_and_bob(&server).await;
    let dinner = alice.send_text(&conv, "a1", "dinner at 8?").await;
    let answer = sent(bob.ok(reply(&conv, "b1", "sure", dinner.seq)).await);
    bob.drain(Duration::from_millis(200)).await;

    alice.ok(edit(&conv, dinner.seq, "dinner at 8:30?")).await;
    let changed = expect_change(&mut bob, &conv).await;
    assert_eq!(text_of(&changed), "dinner at 8:30?");
    assert!(changed.edited_at.is_some_and(|at| at >= dinner.sent_at));
    assert!(changed.change_seq.is_some());
    // No new entry, nothing unread; history has the new text, and the reply's quote too.
    let c = bob.conversation(&conv).await;
    assert_eq!((c.last_seq, c.unread), (answer.seq, 0));
    let page = bob.history(&conv).await;
    assert_eq!(page.messages[0], changed);
    assert_eq!(
        page.messages[1]
            .reply_to
            .as_ref()
            .map(|q| q.preview.clone()),
        Some(QuotePreview::Text {
            text: "dinner at 8:30?".into()
        })
    );
    // The same text again changes nothing.
    alice.ok(edit(&conv, dinner.seq, "dinner at 8:30?")).await;

    // Only your own text messages, with a valid text.
    assert_eq!(
        bob.err(edit(&conv, dinner.seq, "mine now")).await,
        ErrorCode::NotYourMessage
    );
    assert_eq!(
        alice.err(edit(&conv, dinner.seq, "  ")).await,
        ErrorCode::EmptyMessage
    );
    assert_eq!(
        alice.err(edit(&conv, answer.seq + 9, "?")).await,
        ErrorCode::NotFound
    );
    let oops = alice.send_text(&conv, "a2", "oops").await;
    alice
        .ok(command::Recall {
            conversation_id: conv.clone(),
            message_id: oops.message_id.clone(),
        })
        .await;
    for seq in [oops.seq, oops.seq + 1] {
        assert_eq!(
            alice.err(edit(&conv, seq, "fixed")).await,
            ErrorCode::BadRequest
        );
    }

    // A device that was away gets the edit from `sync` after a restart.
    let token = bob.token.clone();
    drop((alice, bob));
    let server = server.restart().await;
    let mut bob = server.resume(&token).await;
    bob.ok(sync_one(&conv, answer.seq, Some(0))).await;
    assert_eq!(expect_change(&mut bob, &conv).await, changed);
    server.stop().await;
}

async fn delete_for_me_hides_on_my_devices_only_and_survives_a_restart(db: Db) {
    let server = TestServer::start(db).await;
    let alice_phone = server.register("alice").await;
    let mut alice_laptop = server.login("alice").await;
    let bob = server.register("bob").await;
    befriend(&alice_phone, &bob).await;
    let conv = alice_phone.open_direct(&bob.id).await;
    let m1 = bob.send_text(&conv, "b1", "one").await;
    let m2 = bob.send_text(&conv, "b2", "two").await;
    let m3 = alice_phone.send_text(&conv, "a3", "three").await;
    alice_laptop.drain(Duration::from_millis(300)).await;

    alice_phone.ok(delete(&conv, &[&m2.message_id])).await;
    // The other device is told, through the user's own event stream.
    let hidden = alice_laptop
        .expect("deleted_for_me", |f| match f {
            ServerFrame::Event { event } => match &event.body {
                EventBody::DeletedForMe {
                    conversation_id,
                    message_ids,
                } if *conversation_id == conv => Some(message_ids.clone()),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(hidden, vec![m2.message_id.clone()]);
    // Gone from my history, still in theirs.
    assert_eq!(seqs(&alice_phone.history(&conv).await.messages), [1, 3]);
    assert_eq!(seqs(&bob.history(&conv).await.messages), [1, 2, 3]);

    // Deleting the latest message moves my conversation list's preview back, not theirs.
    alice_laptop.ok(delete(&conv, &[&m3.message_id])).await;
    let mine = alice_phone.conversations().await;
    assert_eq!(mine[0].last_message.as_ref().map(|m| m.seq), Some(m1.seq));
    assert_eq!(
        mine[0].last_seq, m3.seq,
        "the conversation's position is unchanged"
    );
    let theirs = bob.conversations().await;
    assert_eq!(theirs[0].last_message.as_ref().map(|m| m.seq), Some(m3.seq));
    // Deleting again is harmless.
    alice_phone
        .ok(delete(&conv, &[&m2.message_id, &m2.message_id]))
        .await;

    let token = alice_phone.token.clone();
    drop((alice_phone, alice_laptop, bob));
    let server = server.restart().await;
    let mut alice = server.resume(&token).await;
    assert_eq!(seqs(&alice.history(&conv).await.messages), [1]);
    // A device that was away learns of both deletions when it syncs its event stream.
    alice
        .ok(command::SyncRequest {
            events_after: 0,
            conversations: vec![],
        })
        .await;
    let mut deleted = Vec::new();
    loop {
        let frame = alice
            .expect("events and sync_done", |f| match f {
                ServerFrame::Event { event } => match &event.body {
                    EventBody::DeletedForMe { message_ids, .. } => Some(Some(message_ids.clone())),
                    _ => None,
                },
                ServerFrame::SyncDone { .. } => Some(None),
                _ => None,
            })
            .await;
        match frame {
            Some(ids) => deleted.extend(ids),
            None => break,
        }
    }
    // In order; the third deletion named m2 twice and says it once.
    let (m2, m3) = (m2.message_id, m3.message_id);
    assert_eq!(deleted, [m2.clone(), m3, m2]);
    server.stop().await;
}

async fn delete_for_me_refuses_bad_input_and_changes_nothing(db: Db) {
    let server = TestServer::start(db).await;
    let (alice, bob, conv) = alice_and_bob(&server).await;
    let carol = server.register("carol").await;
    let m1 = bob.send_text(&conv, "b1", "one").await;

    // A message id that is not in this conversation: nothing is hidden, not even the real one.
    let forged = MessageId("m-forged".into());
    let code = alice.err(delete(&conv, &[&m1.message_id, &forged])).await;
    assert_eq!(code, ErrorCode::NotFound);
    // Someone else's conversation is invisible.
    assert_eq!(
        carol.err(delete(&conv, &[&m1.message_id])).await,
        ErrorCode::NotFound
    );
    assert_eq!(alice.err(delete(&conv, &[])).await, ErrorCode::BadRequest);
    let too_many: Vec<MessageId> = (0..101).map(|n| MessageId(format!("m{n}"))).collect();
    assert_eq!(
        alice
            .err(delete(&conv, &too_many.iter().collect::<Vec<_>>()))
            .await,
        ErrorCode::BadRequest
    );
    assert_eq!(seqs(&alice.history(&conv).await.messages), [1]);
    assert_eq!(seqs(&bob.history(&conv).await.messages), [1]);
    server.stop().await;
}
