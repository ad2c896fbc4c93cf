//! What happens to messages once sent: history pages, read markers, typing, recall.

use liao_shared::command::{DeleteForMe, EditMessage, History, Recall, Typing};
use liao_shared::{
    ConversationId, ConversationKind, ErrorCode, EventBody, MessageBody, Reply, Role, ServerFrame,
    UserId, limits,
};

use super::Chat;
use crate::app::Actor;
use crate::authz::{Action, authorize};
use crate::error::{Error, Result};
use crate::publish::Publisher;
use crate::services::commit_events;
use crate::store::Backend;
use crate::store::chat::{self, NewEntry};
use crate::store::files as store_files;
use crate::store::messages::{self, Order};
use crate::store::{Tx, groups};
use crate::util::now_ms;

impl Chat {
    /// A page of history, oldest first, cut below the outbound frame limit: the entries before
    /// `before_seq` (or the latest), or those around `around_seq`.
    pub async fn history(&self, actor: &Actor, cmd: &History) -> Result<Reply> {
        let conversation = &cmd.conversation_id;
        let m = self.member(actor, conversation).await?;
        let limit = cmd.limit.unwrap_or(50).clamp(1, limits::MAX_HISTORY_PAGE);
        let (older, newer, anchor) = match (cmd.before_seq, cmd.around_seq) {
            (Some(_), Some(_)) => {
                return Err(Error::client(
                    ErrorCode::BadRequest,
                    "give before_seq or around_seq, not both",
                ));
            }
            (before, None) => (limit, 0, before.unwrap_or(m.last_seq + 1)),
            // The anchor and older entries take the larger half.
            (None, Some(around)) => (limit - limit / 2, limit / 2, around.min(m.last_seq) + 1),
        };
        let viewer = &actor.user;
        let mut messages = self
            .store
            .messages_page(
                conversation,
                viewer,
                (m.visible_from, anchor),
                older + 1,
                Order::Newest,
            )
            .await?;
        let has_more = messages.len() > older as usize;
        if has_more {
            messages.remove(0);
        }
        let mut has_newer = false;
        if newer > 0 {
            let after = (anchor - 1).max(m.visible_from);
            let mut later = self
                .store
                .messages_page(
                    conversation,
                    viewer,
                    (after, m.last_seq + 1),
                    newer + 1,
                    Order::Oldest,
                )
                .await?;
            has_newer = later.len() > newer as usize;
            later.truncate(newer as usize);
            messages.extend(later);
        }
        let (cut_older, cut_newer) = fit_frame(&mut messages, anchor);
        Ok(Reply::History {
            messages,
            has_more: has_more || cut_older,
            has_newer: has_newer || cut_newer,
        })
    }

    /// Delete messages for the actor only: they leave the actor's history on every device (an
    /// event on their own stream) and stay for everyone else. Nothing changes unless every id is a
    /// message the actor can see.
    pub async fn delete_for_me(&self, actor: &Actor, cmd: &DeleteForMe) -> Result<()> {
        let conversation = &cmd.conversation_id;
        let mut ids = cmd.message_ids.clone();
        ids.sort();
        ids.dedup();
        if ids.is_empty() || ids.len() > limits::MAX_DELETE_FOR_ME {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "name 1 to 100 messages",
            ));
        }
        let m = self.member(actor, conversation).await?;
        let mut tx = self.store.begin().await?;
        let seqs = chat::seqs_of(&mut tx, conversation, &ids).await?;
        if seqs.len() != ids.len() || seqs.iter().any(|seq| *seq <= m.visible_from) {
            return Err(Error::not_found("no such message"));
        }
        chat::hide(&mut tx, &actor.user, conversation, &seqs).await?;
        let event = EventBody::DeletedForMe {
            conversation_id: conversation.clone(),
            message_ids: ids,
        };
        commit_events(tx, &self.publisher, vec![(actor.user.clone(), event)]).await
    }

    /// Replace the text of the actor's own text message, within the edit window. Whoever may send
    /// here may edit; everyone gets the message as it is now (`message_changed`), and nobody is
    /// notified again. Mentions stay as they were.
    pub async fn edit_message(&self, actor: &Actor, cmd: &EditMessage) -> Result<()> {
        let conversation = &cmd.conversation_id;
        let mut tx = self.store.begin().await?;
        let (ctx, target) =
            Self::visible_entry(&mut tx, conversation, &actor.user, cmd.seq).await?;
        let MessageBody::Text {
            mentions,
            mention_all,
            ..
        } = &target.body
        else {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "only text messages can be edited",
            ));
        };
        if target.sender_id != actor.user {
            return Err(Error::client(
                ErrorCode::NotYourMessage,
                "you can only edit your own messages",
            ));
        }
        let now = now_ms();
        if now.saturating_sub(target.sent_at) > limits::EDIT_WINDOW_MS {
            return Err(Error::client(
                ErrorCode::EditWindowPassed,
                "messages can be edited for 24 hours",
            ));
        }
        let body = super::send::validate_text(&cmd.text, mentions, *mention_all)?;
        Self::check_may_send(&mut tx, &actor.user, &ctx, &body).await?;
        if body == target.body {
            return Ok(());
        }
        chat::edit_text(&mut tx, conversation, cmd.seq, &body, now).await?;
        tx.commit().await?;
        self.publish_change(conversation, cmd.seq, &ctx.members)
            .await
    }

    /// Tell the other members the actor is typing.
    pub async fn typing(&self, actor: &Actor, cmd: &Typing) -> Result<()> {
        let conversation = &cmd.conversation_id;
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
        Publisher::log_failure(self.publisher.ephemeral(&others, &frame, None).await);
        Ok(())
    }

    /// Recall the actor's own message within the window: its content is deleted and a `recall`
    /// entry is appended for everyone.
    pub async fn recall(&self, actor: &Actor, cmd: &Recall) -> Result<()> {
        let (conversation, message_id) = (&cmd.conversation_id, &cmd.message_id);
        let m = self.member(actor, conversation).await?;
        let _turn = self.publisher.turn(conversation).await;
        let mut tx = self.store.begin().await?;
        let Some(msg) = messages::message_by_id(&mut tx, conversation, message_id).await? else {
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
            group_recall_check(
                &mut tx,
                self.store.backend(),
                actor,
                conversation,
                &msg.sender_id,
            )
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
        let recall = MessageBody::Recall {
            message_id: message_id.clone(),
            target_seq: msg.seq,
        };
        let entry =
            chat::append_own(&mut tx, conversation, &actor.user, NewEntry::plain(&recall)).await?;
        tx.commit().await?;
        let members = self.store.members(conversation).await?;
        Publisher::log_failure(self.publisher.message(&members, &entry).await);
        if let Some(file) = file {
            self.files.collect_file(&file).await;
        }
        Ok(())
    }
}

/// Cut a page (oldest first) to what fits in one frame, with room for the envelope: entries
/// farthest from the anchor go first, the anchor being the newest entry before seq `anchor`
/// (for `around_seq`, the entry asked for). Returns whether older and whether newer entries were
/// cut.
fn fit_frame(messages: &mut Vec<liao_shared::Message>, anchor: u64) -> (bool, bool) {
    let budget = limits::MAX_OUTBOUND_FRAME - 4096;
    let size = |m: &liao_shared::Message| serde_json::to_string(m).map_or(0, |s| s.len()) + 1;
    let Some(at) = messages.iter().rposition(|m| m.seq < anchor).or(
        // Only newer entries: start from the oldest.
        (!messages.is_empty()).then_some(0),
    ) else {
        return (false, false);
    };
    // Grow [lo, hi) around the anchor, a newer and an older entry in turn, while they fit.
    let (mut lo, mut hi) = (at, at + 1);
    let mut used = size(&messages[at]);
    let (mut older_open, mut newer_open) = (true, true);
    while older_open || newer_open {
        if newer_open {
            match messages.get(hi).map(size) {
                Some(n) if used + n <= budget => {
                    used += n;
                    hi += 1;
                }
                _ => newer_open = false,
            }
        }
        if older_open {
            match lo.checked_sub(1).map(|i| size(&messages[i])) {
                Some(n) if used + n <= budget => {
                    used += n;
                    lo -= 1;
                }
                _ => older_open = false,
            }
        }
    }
    let cut = (lo > 0, hi < messages.len());
    messages.truncate(hi);
    messages.drain(..lo);
    cut
}

/// May the actor recall a message by `sender` in this group (in `tx`)? Returns whether the
/// two-minute window applies.
async fn group_recall_check(
    tx: &mut Tx,
    backend: Backend,
    actor: &Actor,
    conversation: &ConversationId,
    sender: &UserId,
) -> Result<bool> {
    let g = groups::group(tx, backend, conversation)
        .await?
        .ok_or_else(|| Error::not_found("no such group"))?;
    let caller = groups::member_state(&mut **tx, conversation, &actor.user).await?;
    let is_admin = caller.is_some_and(|c| c.role >= Role::Admin);
    if sender == &actor.user {
        return Ok(!is_admin);
    }
    let target = groups::member_state(&mut **tx, conversation, sender).await?;
    authorize(
        caller.as_ref(),
        Action::RecallOthers,
        target.as_ref(),
        g.muted_all,
        now_ms(),
    )?;
    Ok(false)
}
