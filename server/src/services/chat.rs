//! Conversations and messages: open a 1:1 chat, send (idempotently), history, read markers,
//! typing, recall.

use liao_shared::{
    ConversationId, ConversationInfo, ConversationKind, ErrorCode, EventBody, Message, MessageBody,
    MessageId, NewMessageBody, Reply, ServerFrame, UserId, limits,
};

use super::check_client_id;
use crate::app::{Actor, App};
use crate::authz::{Action, authorize};
use crate::error::{Error, Result};
use crate::store::chat::{self, Membership};
use crate::store::files as store_files;
use crate::store::{Store, Tx, events, groups, social};
use crate::util::now_ms;

/// The result of a send: the stored message, and whether it was stored just now (a repeated
/// send returns the original and publishes nothing).
pub struct Sent {
    /// The message.
    pub message: Message,
    /// False when this was a resend of an already stored message.
    pub fresh: bool,
}

/// Most distinct members one message may mention.
const MAX_MENTIONS: usize = 50;

fn validate_text(text: &str, mentions: &[UserId], mention_all: bool) -> Result<MessageBody> {
    {
        {
            if text.trim().is_empty() {
                return Err(Error::client(
                    ErrorCode::EmptyMessage,
                    "the message is empty",
                ));
            }
            if text.len() > limits::MAX_TEXT_BYTES || text.chars().count() > limits::MAX_TEXT_CHARS
            {
                return Err(Error::client(
                    ErrorCode::MessageTooLong,
                    "messages are limited to 4000 characters and 16 KiB",
                ));
            }
            let mut mentions = mentions.to_vec();
            mentions.sort();
            mentions.dedup();
            if mentions.len() > MAX_MENTIONS {
                return Err(Error::client(
                    ErrorCode::BadRequest,
                    "at most 50 mentions per message",
                ));
            }
            Ok(MessageBody::Text {
                text: text.to_owned(),
                mentions,
                mention_all,
            })
        }
    }
}

impl App {
    /// `actor`'s membership of `conversation`, or `not_found`.
    async fn member(&self, actor: &Actor, conversation: &ConversationId) -> Result<Membership> {
        self.store
            .membership(conversation, &actor.user)
            .await?
            .ok_or_else(|| Error::not_found("no such conversation"))
    }

    /// Get or create the 1:1 conversation with a friend.
    pub async fn open_direct(&self, actor: &Actor, peer: &UserId) -> Result<ConversationInfo> {
        if *peer == actor.user {
            return Err(Error::client(
                ErrorCode::SelfTarget,
                "you cannot chat with yourself",
            ));
        }
        let peer_profile = self
            .store
            .profile(peer)
            .await?
            .ok_or_else(|| Error::not_found("no such user"))?;
        let me = self
            .store
            .profile(&actor.user)
            .await?
            .ok_or_else(|| Error::not_found("no such user"))?;
        let mut tx = self.store.begin().await?;
        let id = match chat::direct_between(&mut tx, &actor.user, peer).await? {
            Some(id) => {
                drop(tx);
                id
            }
            None => {
                let rel = social::relation(&mut tx, &actor.user, peer).await?;
                if rel.blocked() {
                    return Err(Error::client(
                        ErrorCode::Blocked,
                        "one of you has blocked the other",
                    ));
                }
                if !rel.friends {
                    return Err(Error::client(
                        ErrorCode::NotFriends,
                        "you can only chat 1:1 with friends",
                    ));
                }
                let id = chat::create_direct(&mut tx, &actor.user, peer).await?;
                let info = |peer: &liao_shared::Profile| ConversationInfo {
                    conversation_id: id.clone(),
                    kind: ConversationKind::Direct,
                    peer: Some(peer.clone()),
                    group: None,
                    via_group: None,
                    last_seq: 0,
                    read_seq: 0,
                    unread: 0,
                    last_message: None,
                };
                let appended = events::append(
                    &mut tx,
                    vec![
                        (
                            actor.user.clone(),
                            EventBody::ConversationAdded {
                                conversation: info(&peer_profile),
                            },
                        ),
                        (
                            peer.clone(),
                            EventBody::ConversationAdded {
                                conversation: info(&me),
                            },
                        ),
                    ],
                )
                .await?;
                match tx.commit().await.map_err(Error::from) {
                    Ok(()) => self.publish_events(appended),
                    // Both opened it at once and the other won: use theirs.
                    Err(e) if e.is_unique_violation() => {
                        return Box::pin(self.open_direct(actor, peer)).await;
                    }
                    Err(e) => return Err(e),
                }
                id
            }
        };
        self.store
            .conversation_infos(&actor.user, Some(&id))
            .await?
            .pop()
            .ok_or_else(|| Error::Internal("conversation vanished".into()))
    }

    /// Send a message. The reply comes only after commit; a resend with the same
    /// `client_msg_id` returns the stored original.
    ///
    /// The checks and the append run as one job of a group commit (see
    /// [`crate::store::batch`]): concurrent sends share a transaction, each in its own savepoint.
    pub async fn send_message(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        client_msg_id: &str,
        body: &NewMessageBody,
    ) -> Result<Sent> {
        check_client_id(client_msg_id)?;
        let _turn = self.publish_order.turn(conversation).await;
        let store = self.store.clone();
        let user = actor.user.clone();
        let conversation = conversation.clone();
        let cid = client_msg_id.to_owned();
        let body = body.clone();
        let sent = self
            .store
            .batch(move |tx| {
                Box::pin(async move {
                    Self::store_message(tx, &store, &user, &conversation, &cid, &body).await
                })
            })
            .await;
        match sent {
            Ok((sent, members)) => {
                // A resend is published again: its first attempt may have committed and then
                // failed to say so (a lost COMMIT reply), in which case nobody was told. Every
                // connection skips what it already has, by seq.
                self.publish_message(&members, &sent.message);
                Ok(sent)
            }
            // The same send raced itself (two connections resending at once) and the other
            // transaction won: return the winner.
            Err(e) if e.is_unique_violation() => {
                let mut tx = self.store.read_tx().await?;
                let existing =
                    chat::message_by_client_id(&mut tx, &actor.user, client_msg_id).await?;
                existing
                    .map(|message| Sent {
                        message,
                        fresh: false,
                    })
                    .ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    /// A send's work in the write transaction: the original if this is a resend, otherwise
    /// validate and append. Returns the members to publish to.
    ///
    /// The membership, the member list and the resend check come in one query, in the send's own
    /// transaction: each statement is a round trip to the database's thread, and on SQLite those
    /// round trips, not the disk, bound how many sends per second are acknowledged.
    async fn store_message(
        tx: &mut Tx,
        store: &Store,
        user: &UserId,
        conversation: &ConversationId,
        client_msg_id: &str,
        body: &NewMessageBody,
    ) -> Result<(Sent, Vec<UserId>)> {
        let ctx = chat::send_context(tx, conversation, user, client_msg_id)
            .await?
            .ok_or_else(|| Error::not_found("no such conversation"))?;
        if ctx.existing.is_some()
            && let Some(existing) = chat::message_by_client_id(tx, user, client_msg_id).await?
        {
            return if existing.conversation_id == *conversation {
                Ok((
                    Sent {
                        message: existing,
                        fresh: false,
                    },
                    ctx.members,
                ))
            } else {
                Err(Error::client(
                    ErrorCode::ClientIdReused,
                    "client_msg_id was used for another conversation",
                ))
            };
        }
        // Only a new send is validated: a resend returns the original above even if, say, its
        // file was recalled since.
        let (body, file) = Self::resolve_body(store, user, ctx.membership.kind, body).await?;
        Self::check_may_send(tx, user, &ctx, &body).await?;
        // Your own message counts as read.
        let message = chat::append_own(tx, conversation, user, Some(client_msg_id), &body).await?;
        if let Some(file) = &file {
            store_files::attach(tx, conversation, message.seq, file).await?;
        }
        Ok((
            Sent {
                message,
                fresh: true,
            },
            ctx.members,
        ))
    }

    /// Validate the content; for files and images, check the sender may use the file and that
    /// the conversation allows it. Returns the stored body and the referenced file.
    async fn resolve_body(
        store: &Store,
        user: &UserId,
        kind: ConversationKind,
        body: &NewMessageBody,
    ) -> Result<(MessageBody, Option<liao_shared::FileId>)> {
        let (file_id, image) = match body {
            NewMessageBody::Text {
                text,
                mentions,
                mention_all,
            } => {
                return Ok((validate_text(text, mentions, *mention_all)?, None));
            }
            NewMessageBody::File { file_id } => (file_id, false),
            NewMessageBody::Image { file_id } => (file_id, true),
        };
        if !image && kind == ConversationKind::Group {
            return Err(Error::client(
                ErrorCode::NotAllowedHere,
                "files are sent 1:1; groups take images",
            ));
        }
        let row = store
            .accessible_file(user, file_id)
            .await?
            .ok_or_else(|| Error::not_found("no such file"))?;
        if image && !row.is_image() {
            return Err(Error::client(
                ErrorCode::UnsupportedImage,
                "upload it as an image first",
            ));
        }
        let file = row.info();
        let body = if image {
            MessageBody::Image { file }
        } else {
            MessageBody::File { file }
        };
        Ok((body, Some(row.id)))
    }

    /// May `user` send `body` here, given the send's context (read in `tx`)? Mentions must name
    /// members of a group; the group's mutes apply; 1:1 conversations need no block between the
    /// two and, by kind, a friendship or a shared group that allows temporary sessions.
    async fn check_may_send(
        tx: &mut Tx,
        user: &UserId,
        ctx: &chat::SendContext,
        body: &MessageBody,
    ) -> Result<()> {
        let (mentions, mention_all) = match body {
            MessageBody::Text {
                mentions,
                mention_all,
                ..
            } => (mentions.as_slice(), *mention_all),
            _ => (&[][..], false),
        };
        let kind = ctx.membership.kind;
        if kind == ConversationKind::Group {
            if let Some(stranger) = mentions.iter().find(|u| !ctx.members.contains(u)) {
                return Err(Error::client(
                    ErrorCode::BadRequest,
                    format!("{stranger} is not a member"),
                ));
            }
            let me = ctx.membership.state();
            authorize(Some(&me), Action::Send, None, ctx.muted_all, now_ms())?;
            if mention_all {
                authorize(Some(&me), Action::MentionAll, None, ctx.muted_all, now_ms())?;
            }
            return Ok(());
        }
        if !mentions.is_empty() || mention_all {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "mentions are for groups",
            ));
        }
        let Some(peer) = ctx.members.iter().find(|u| *u != user) else {
            return Err(Error::Internal("1:1 conversation without a peer".into()));
        };
        if ctx.blocked {
            return Err(Error::client(
                ErrorCode::Blocked,
                "one of you has blocked the other",
            ));
        }
        match kind {
            ConversationKind::Direct if !ctx.friends => Err(Error::client(
                ErrorCode::NotFriends,
                "you are no longer friends",
            )),
            ConversationKind::Temporary if !groups::share_temp_group(tx, user, peer).await? => {
                Err(Error::client(
                    ErrorCode::TempSessionUnavailable,
                    "you no longer share a group that allows temporary sessions",
                ))
            }
            _ => Ok(()),
        }
    }

    /// A page of history before `before` (or the latest), oldest first, cut below the outbound
    /// frame limit.
    pub async fn history(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        before: Option<u64>,
        limit: Option<u32>,
    ) -> Result<Reply> {
        let m = self.member(actor, conversation).await?;
        let limit = limit.unwrap_or(50).clamp(1, limits::MAX_HISTORY_PAGE);
        let before = before.unwrap_or(m.last_seq + 1);
        let mut messages = self
            .store
            .messages_before(conversation, m.visible_from, before, limit + 1)
            .await?;
        let mut has_more = messages.len() > limit as usize;
        if has_more {
            messages.remove(0);
        }
        // Keep the newest messages that fit in one frame, with room for the envelope.
        let budget = limits::MAX_OUTBOUND_FRAME - 4096;
        let mut size = 0;
        let mut keep = messages.len();
        for (idx, msg) in messages.iter().enumerate().rev() {
            size += serde_json::to_string(msg).map(|s| s.len()).unwrap_or(0) + 1;
            if size > budget {
                break;
            }
            keep = idx;
        }
        if keep > 0 {
            messages.drain(..keep);
            has_more = true;
        }
        Ok(Reply::History { messages, has_more })
    }

    /// Move the actor's read marker forward; their other sessions hear of it.
    pub async fn mark_read(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        seq: u64,
    ) -> Result<()> {
        let m = self.member(actor, conversation).await?;
        let seq = seq.min(m.last_seq);
        let mut tx = self.store.begin().await?;
        if chat::advance_read(&mut tx, conversation, &actor.user, seq).await? {
            let appended = events::append(
                &mut tx,
                vec![(
                    actor.user.clone(),
                    EventBody::ReadMarker {
                        conversation_id: conversation.clone(),
                        seq,
                    },
                )],
            )
            .await?;
            tx.commit().await?;
            self.publish_events(appended);
        }
        Ok(())
    }

    /// Tell the other members the actor is typing.
    pub async fn typing(&self, actor: &Actor, conversation: &ConversationId) -> Result<()> {
        // Typing is only shown where the actor could send: not across a block, not while muted.
        let mut tx = self.store.read_tx().await?;
        let ctx = chat::send_context(&mut tx, conversation, &actor.user, "")
            .await?
            .ok_or_else(|| Error::not_found("no such conversation"))?;
        let may_send = Self::check_may_send(
            &mut tx,
            &actor.user,
            &ctx,
            &MessageBody::Recalled { recalled_at: 0 },
        )
        .await;
        drop(tx);
        if may_send.is_err() {
            return Ok(());
        }
        let members = ctx.members;
        let others: Vec<UserId> = members.into_iter().filter(|u| *u != actor.user).collect();
        let frame = ServerFrame::Typing {
            conversation_id: conversation.clone(),
            user_id: actor.user.clone(),
        };
        self.publish_ephemeral(&others, &frame, None);
        Ok(())
    }

    /// Recall the actor's own message within the window: its content is deleted and a `recall`
    /// entry is appended for everyone.
    pub async fn recall(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        message_id: &MessageId,
    ) -> Result<()> {
        let m = self.member(actor, conversation).await?;
        let _turn = self.publish_order.turn(conversation).await;
        let mut tx = self.store.begin().await?;
        let Some(msg) = chat::message_by_id(&mut tx, conversation, message_id).await? else {
            return Err(Error::not_found("no such message"));
        };
        if msg.seq <= m.visible_from {
            return Err(Error::not_found("no such message"));
        }
        if matches!(
            msg.body,
            MessageBody::Recall { .. } | MessageBody::System { .. }
        ) {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "that entry cannot be recalled",
            ));
        }
        // Who may recall: in groups the owner and admins may recall lower-ranked members'
        // messages at any time; everywhere else only your own, within the window.
        let windowed = if m.kind == ConversationKind::Group {
            self.group_recall_check(&mut tx, actor, conversation, &msg.sender_id)
                .await?
        } else if msg.sender_id != actor.user {
            return Err(Error::client(
                ErrorCode::NotYourMessage,
                "you can only recall your own messages",
            ));
        } else {
            true
        };
        if matches!(msg.body, MessageBody::Recalled { .. }) {
            return Ok(()); // already recalled: nothing to do
        }
        let now = now_ms();
        if windowed && now.saturating_sub(msg.sent_at) > limits::RECALL_WINDOW_MS {
            return Err(Error::client(
                ErrorCode::RecallWindowPassed,
                "messages can be recalled for 2 minutes",
            ));
        }
        chat::replace_body(
            &mut tx,
            conversation,
            msg.seq,
            &MessageBody::Recalled { recalled_at: now },
        )
        .await?;
        let file = store_files::detach(&mut tx, conversation, msg.seq).await?;
        let entry = chat::append_own(
            &mut tx,
            conversation,
            &actor.user,
            None,
            &MessageBody::Recall {
                message_id: message_id.clone(),
                target_seq: msg.seq,
            },
        )
        .await?;
        tx.commit().await?;
        let members = self.store.members(conversation).await?;
        self.publish_message(&members, &entry);
        if let Some(file) = file {
            self.collect_file(&file).await;
        }
        Ok(())
    }
}
