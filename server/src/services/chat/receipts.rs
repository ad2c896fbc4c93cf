//! Read receipts (PROTOCOL.md 5.9): the markers members move forward, and what senders pull for
//! the messages they have on screen.
//!
//! Receipts are pulled, not pushed: a sender asks `read_receipts` for its messages on screen
//! (every few seconds while they are not all read), so a thousand members marking read cost the
//! sender nothing until it looks, and the counts come from the members' positions
//! ([`crate::store::receipts`]) however many messages there are.

use liao_shared::command::{MarkDelivered, MarkRead, ReadBy, ReadReceipts};
use liao_shared::{ConversationId, ConversationKind, ErrorCode, ReadCount, Reply, limits};

use super::Chat;
use crate::app::Actor;
use crate::error::{Error, Result};
use crate::publish::Publisher;
use crate::store::chat::{self, Marker};
use crate::store::receipts;

impl Chat {
    /// Move the actor's read marker forward; their other sessions hear of it. Group-committed
    /// with other writes, and with nothing read first when the marker moves to an existing entry
    /// (what clients send): members marking read as they read must not cost a transaction, or a
    /// read, each. Only when nothing moved is the membership read, to tell why.
    pub async fn mark_read(&self, actor: &Actor, cmd: &MarkRead) -> Result<()> {
        let conversation = &cmd.conversation_id;
        if self.advance_read(actor, conversation, cmd.seq).await? {
            return Ok(());
        }
        // Not a member (`not_found`), already there (nothing to do), or past the end (clamped).
        let m = self.member(actor, conversation).await?;
        let seq = cmd.seq.min(m.last_seq);
        if seq > m.read_seq {
            self.advance_read(actor, conversation, seq).await?;
        }
        Ok(())
    }

    /// [`receipts::mark_read`] as a batch job, publishing the event: whether the marker moved.
    async fn advance_read(
        &self,
        actor: &Actor,
        conversation: &ConversationId,
        seq: u64,
    ) -> Result<bool> {
        let (conversation, user) = (conversation.clone(), actor.user.clone());
        let appended = self
            .store
            .batch(move |tx| {
                Box::pin(async move {
                    let event = receipts::mark_read(tx, &conversation, &user, seq).await?;
                    Ok(event.map(|event| vec![(user, event)]))
                })
            })
            .await?;
        let moved = appended.is_some();
        if let Some(appended) = appended {
            Publisher::log_failure(self.publisher.events(appended).await);
        }
        Ok(moved)
    }

    /// (1:1 and temporary sessions) Move the actor's delivered marker forward: one of their
    /// devices has the entries up to `seq`.
    pub async fn mark_delivered(&self, actor: &Actor, cmd: &MarkDelivered) -> Result<()> {
        let conversation = cmd.conversation_id.clone();
        let m = self.member(actor, &conversation).await?;
        if m.kind == ConversationKind::Group {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "delivery receipts are for 1:1 conversations",
            ));
        }
        let seq = cmd.seq.min(m.last_seq);
        if seq == 0 {
            return Ok(());
        }
        let user = actor.user.clone();
        self.store
            .batch(move |tx| {
                Box::pin(async move {
                    chat::advance(tx, Marker::Delivered, &conversation, &user, seq).await
                })
            })
            .await?;
        Ok(())
    }

    /// How far the others have got with the actor's messages: in a 1:1 conversation the other
    /// member's delivered and (when both allow it) read positions; in a group, for each of the
    /// asked seqs that is the actor's own visible entry, how many of its audience read it.
    pub async fn read_receipts(&self, actor: &Actor, cmd: &ReadReceipts) -> Result<Reply> {
        let conversation = &cmd.conversation_id;
        let m = self.member(actor, conversation).await?;
        if m.kind != ConversationKind::Group {
            let positions = self.store.positions(conversation).await?;
            let mine = positions.iter().find(|p| p.user == actor.user);
            let Some(peer) = positions.iter().find(|p| p.user != actor.user) else {
                return Ok(Reply::ReadReceipts {
                    delivered_seq: Some(0),
                    read_seq: None,
                    counts: Vec::new(),
                });
            };
            let both_on = peer.read_receipts && mine.is_some_and(|p| p.read_receipts);
            // Reading implies receiving, but only where reading may show.
            let delivered = if both_on {
                peer.delivered_seq.max(peer.read_seq)
            } else {
                peer.delivered_seq
            };
            return Ok(Reply::ReadReceipts {
                delivered_seq: Some(delivered.min(m.last_seq)),
                read_seq: both_on.then_some(peer.read_seq.min(m.last_seq)),
                counts: Vec::new(),
            });
        }
        if cmd.seqs.len() > limits::MAX_RECEIPT_SEQS {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "ask for at most 100 messages at once",
            ));
        }
        let asked: Vec<u64> = cmd
            .seqs
            .iter()
            .copied()
            .filter(|seq| *seq > m.visible_from && *seq <= m.last_seq)
            .collect();
        let own = self
            .store
            .sent_by(conversation, &actor.user, &asked)
            .await?;
        if own.is_empty() {
            return Ok(Reply::ReadReceipts {
                delivered_seq: None,
                read_seq: None,
                counts: Vec::new(),
            });
        }
        let positions = self.store.read_positions(conversation, &actor.user).await?;
        let counts = own
            .into_iter()
            .map(|seq| {
                let (read, of) = positions
                    .iter()
                    .filter(|(_, visible_from)| *visible_from < seq)
                    .fold((0, 0), |(read, of), (read_seq, _)| {
                        (read + u32::from(*read_seq >= seq), of + 1)
                    });
                ReadCount { seq, read, of }
            })
            .collect();
        Ok(Reply::ReadReceipts {
            delivered_seq: None,
            read_seq: None,
            counts,
        })
    }

    /// (Groups) Who of the audience of the actor's message at `seq` has read it, and who not.
    pub async fn read_by(&self, actor: &Actor, cmd: &ReadBy) -> Result<Reply> {
        let (conversation, seq) = (&cmd.conversation_id, cmd.seq);
        let m = self.member(actor, conversation).await?;
        if m.kind != ConversationKind::Group {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "read lists are for groups; 1:1 chats have read_receipts",
            ));
        }
        let own = seq > m.visible_from
            && seq <= m.last_seq
            && !self
                .store
                .sent_by(conversation, &actor.user, &[seq])
                .await?
                .is_empty();
        if !own {
            return Err(Error::not_found("no such message of yours"));
        }
        let (mut read, mut unread) = (Vec::new(), Vec::new());
        let (mut read_count, mut unread_count) = (0u32, 0u32);
        for (user, has_read) in self
            .store
            .readers_of(conversation, &actor.user, seq)
            .await?
        {
            let (list, count) = if has_read {
                (&mut read, &mut read_count)
            } else {
                (&mut unread, &mut unread_count)
            };
            *count += 1;
            if list.len() < limits::MAX_READ_BY_LISTED {
                list.push(user);
            }
        }
        Ok(Reply::ReadBy {
            read,
            unread,
            read_count,
            unread_count,
        })
    }
}
