//! The `sync` command: replay everything after the client's cursors, skip what this connection
//! already delivered live, then mark the stream live (PROTOCOL.md, "Sync").

use std::collections::HashMap;

use liao_shared::{
    ConversationCursor, ConversationId, ErrorCode, Reply, ServerFrame, UserId, limits,
};

use super::connection::Connection;
use super::delivery::{Backlog, backlog_ranges};
use crate::error::{Error, Result};

impl Connection {
    /// Answer `sync` request `id`: `sync_started`, the backlog, then `sync_done`.
    pub(super) async fn sync(
        &mut self,
        id: &str,
        events_after: u64,
        known: Vec<ConversationCursor>,
    ) -> Result<()> {
        let app = self.app.clone();
        let Some(user) = self.session.as_ref().map(|s| s.actor.user.clone()) else {
            return Err(Error::client(ErrorCode::NotAuthenticated, "log in first"));
        };
        // Read the stream heads first: everything up to them is replayed here, anything later
        // arrives as a push (the hub registration predates these reads).
        let events_head = app.chat.event_head(&user).await?;
        let heads = app.chat.stream_heads(&user).await?;
        self.out
            .send(&ServerFrame::Ok {
                id: id.to_owned(),
                result: Reply::SyncStarted,
            })
            .await;
        let mut live = self
            .session
            .as_mut()
            .map(|s| s.cursors.take_live())
            .unwrap_or_default();

        let after = events_after.min(events_head);
        let events_cursor = events_head.max(live.events.map_or(0, |(_, hi)| hi));
        if events_head - after > limits::SYNC_MAX_EVENTS {
            self.out
                .send(&ServerFrame::TooFarBehind {
                    events_seq: events_head,
                })
                .await;
        } else {
            for (from, until) in backlog_ranges(after, events_head, live.events) {
                self.replay(Backlog::Events(&user), from, until).await?;
            }
        }

        let known: HashMap<ConversationId, (u64, Option<u64>)> = known
            .into_iter()
            .map(|c| (c.conversation_id, (c.seq, c.changes_after)))
            .collect();
        let mut cursors = HashMap::with_capacity(heads.len());
        for (conversation, head, visible_from) in heads {
            let delivered = live.conversations.remove(&conversation);
            let (had, changes_after) = known.get(&conversation).copied().unwrap_or((0, None));
            let after = had.max(visible_from).min(head);
            // Messages the client has that changed since it last heard: their state now. (Those
            // after its cursor come whole, state included, with the backlog.)
            if let Some(since) = changes_after {
                self.replay_changes(&user, &conversation, since, (visible_from, after))
                    .await?;
            }
            if head - after > limits::SYNC_MAX_MESSAGES_PER_CONVERSATION {
                self.out
                    .send(&ServerFrame::SyncGap {
                        conversation_id: conversation.clone(),
                        latest_seq: head,
                    })
                    .await;
            } else {
                for (from, until) in backlog_ranges(after, head, delivered) {
                    self.replay(Backlog::Conversation(&conversation), from, until)
                        .await?;
                }
            }
            cursors.insert(conversation, head.max(delivered.map_or(0, |(_, hi)| hi)));
        }
        if let Some(s) = self.session.as_mut() {
            s.cursors.synced(events_cursor, cursors);
        }
        self.out
            .send(&ServerFrame::SyncDone {
                events_seq: events_cursor,
            })
            .await;
        Ok(())
    }

    /// Send `message_changed` for each of `user`'s visible messages with `seqs.0 < seq <= seqs.1`
    /// that changed after change `since`, oldest change first, a page at a time.
    async fn replay_changes(
        &mut self,
        user: &UserId,
        conversation: &ConversationId,
        mut since: u64,
        seqs: (u64, u64),
    ) -> Result<()> {
        const PAGE: u32 = 200;
        let app = self.app.clone();
        loop {
            let page = app
                .chat
                .changed_since(user, conversation, since, seqs, PAGE)
                .await?;
            let full = page.len() == PAGE as usize;
            for message in page {
                since = since.max(message.change_seq.unwrap_or(since));
                self.out
                    .send(&ServerFrame::MessageChanged { message })
                    .await;
            }
            if !full {
                return Ok(());
            }
        }
    }
}
