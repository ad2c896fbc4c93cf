//! Ordered, gap-free, duplicate-free delivery of pushes to one connection.
//!
//! The connection remembers the last seq it has sent of the user's event stream and of each
//! conversation ([`Cursors`]). A push at or below that cursor was already sent (by sync, a gap
//! fill or the sender's own reply) and is skipped; a push beyond `cursor + 1` means something
//! committed earlier was not pushed yet (two senders committed in one order and published in
//! the other), so the gap is read from the database first ([`Connection::replay`], the one
//! paged replay loop, which sync uses too). Because the connection registers with the hub
//! *before* it reads anything (subscribe-before-fetch), nothing can fall between the backlog and
//! the live stream.

use std::collections::HashMap;

use liao_shared::{ConversationId, Message, ServerFrame, UserEvent, UserId};

use super::connection::{Connection, Flow};
use crate::app::App;
use crate::error::Result;
use crate::hub::Push;
use crate::store::SeqPage;

/// Page size when replaying backlogs.
const PAGE: u32 = 200;

/// What this connection has sent of each stream.
pub(super) struct Cursors {
    /// Last user-event seq sent on this connection.
    events: u64,
    /// The user's event seq when this connection authenticated: events after it and up to
    /// `events` were delivered live (before any sync), contiguously thanks to gap-filling.
    events_at_auth: u64,
    /// Last seq sent per conversation.
    conversations: HashMap<ConversationId, u64>,
    /// Before sync: the first seq delivered live per conversation (everything from it up to the
    /// cursor was delivered), so a later sync does not send it again.
    live_from: HashMap<ConversationId, u64>,
    /// Whether a sync ran: afterwards every conversation of the user is known, so an unknown one
    /// is new and starts at its visible beginning.
    synced: bool,
}

/// What was delivered live before a sync: inclusive seq ranges of the event stream and of each
/// conversation.
#[derive(Default)]
pub(super) struct Live {
    pub events: Option<(u64, u64)>,
    pub conversations: HashMap<ConversationId, (u64, u64)>,
}

impl Cursors {
    pub(super) fn new(events: u64) -> Self {
        Cursors {
            events,
            events_at_auth: events,
            conversations: HashMap::new(),
            live_from: HashMap::new(),
            synced: false,
        }
    }

    /// Record that `seq` of `conversation` reached the client (push or reply).
    fn delivered(&mut self, conversation: &ConversationId, seq: u64) {
        // On the path of every delivery: no key clone (an allocation) when the entry exists.
        match self.conversations.get_mut(conversation) {
            Some(c) => *c = seq,
            None => {
                self.conversations.insert(conversation.clone(), seq);
            }
        }
        if !self.synced {
            self.live_from.entry(conversation.clone()).or_insert(seq);
        }
    }

    /// The sender's own connection got `seq` of `conversation` in its reply: advance the cursor
    /// (when it follows on) so the push does not repeat it.
    pub(super) fn replied(&mut self, conversation: &ConversationId, seq: u64) {
        let cursor = self.conversations.get(conversation).copied();
        // Unknown after sync means new since then: its first entry is seq 1.
        if cursor.map_or(!self.synced || seq == 1, |c| c + 1 == seq) {
            self.delivered(conversation, seq);
        }
    }

    /// What was delivered live since authentication and before this sync.
    pub(super) fn take_live(&mut self) -> Live {
        let events =
            (self.events > self.events_at_auth).then_some((self.events_at_auth + 1, self.events));
        let conversations = self
            .live_from
            .drain()
            .filter_map(|(conv, lo)| self.conversations.get(&conv).map(|hi| (conv, (lo, *hi))))
            .collect();
        Live {
            events,
            conversations,
        }
    }

    /// A sync replayed everything up to these cursors; from now on every conversation of the
    /// user is known.
    pub(super) fn synced(&mut self, events: u64, conversations: HashMap<ConversationId, u64>) {
        self.events = events;
        self.conversations = conversations;
        self.live_from = HashMap::new();
        self.synced = true;
    }
}

/// The ranges `(after, until]` of a backlog `(after, head]` not already delivered live
/// (`delivered` is an inclusive range).
pub(super) fn backlog_ranges(
    after: u64,
    head: u64,
    delivered: Option<(u64, u64)>,
) -> Vec<(u64, u64)> {
    let ranges = match delivered {
        None => vec![(after, head)],
        Some((lo, hi)) => vec![
            (after, head.min(lo.saturating_sub(1))),
            (after.max(hi), head),
        ],
    };
    ranges.into_iter().filter(|(a, b)| a < b).collect()
}

/// A stream a connection replays from the database.
#[derive(Clone, Copy)]
pub(super) enum Backlog<'a> {
    /// The user's event stream.
    Events(&'a UserId),
    /// One conversation.
    Conversation(&'a ConversationId),
}

impl Backlog<'_> {
    /// A page of entries, in seq order, as frames with their seqs.
    async fn page(self, app: &App, page: SeqPage) -> Result<Vec<(u64, ServerFrame)>> {
        Ok(match self {
            Backlog::Events(user) => framed(app.chat.events_between(user, page).await?),
            Backlog::Conversation(c) => framed(app.chat.messages_between(c, page).await?),
        })
    }
}

/// An entry of a replayed stream.
trait Entry {
    /// Its seq, and the frame that delivers it.
    fn into_frame(self) -> (u64, ServerFrame);
}

impl Entry for UserEvent {
    fn into_frame(self) -> (u64, ServerFrame) {
        (self.seq, ServerFrame::Event { event: self })
    }
}

impl Entry for Message {
    fn into_frame(self) -> (u64, ServerFrame) {
        (self.seq, ServerFrame::Message { message: self })
    }
}

fn framed(entries: Vec<impl Entry>) -> Vec<(u64, ServerFrame)> {
    entries.into_iter().map(Entry::into_frame).collect()
}

impl Connection {
    /// Send `backlog`'s entries in `(after, until]`, a page at a time.
    pub(super) async fn replay(
        &mut self,
        backlog: Backlog<'_>,
        mut after: u64,
        until: u64,
    ) -> Result<()> {
        let app = self.app.clone();
        while after < until {
            let page = SeqPage {
                after,
                until,
                limit: PAGE,
            };
            let page = backlog.page(&app, page).await?;
            let Some(&(last, _)) = page.last() else {
                break;
            };
            for (_, frame) in page {
                self.out.send(&frame).await;
            }
            after = last;
        }
        Ok(())
    }

    /// Send a push unless already sent; fill any gap before it from the database.
    ///
    /// This runs for every delivery, so the common case allocates nothing; the rare database
    /// work is boxed, since large futures inline would grow every idle connection's task.
    pub(super) async fn deliver(&mut self, push: &Push) -> Result<Flow> {
        let Some(session) = self.session.as_mut() else {
            return Ok(Flow::Continue);
        };
        match push {
            Push::Ephemeral { frame } => self.out.send_bytes(frame.clone()).await,
            Push::Event { seq, frame } => {
                let cursor = session.cursors.events;
                if *seq <= cursor {
                    return Ok(Flow::Continue);
                }
                session.cursors.events = *seq;
                if *seq > cursor + 1 {
                    let user = session.actor.user.clone();
                    Box::pin(self.replay(Backlog::Events(&user), cursor, seq - 1)).await?;
                }
                self.out.send_bytes(frame.clone()).await;
            }
            Push::Message {
                conversation,
                seq,
                frame,
            } => {
                let cursor = match session.cursors.conversations.get(conversation) {
                    Some(c) => Some(*c),
                    None if session.cursors.synced => {
                        // A conversation that appeared after sync: start at its visible beginning.
                        let user = &session.actor.user;
                        Box::pin(self.app.chat.visible_from(conversation, user)).await?
                    }
                    None => None,
                };
                if cursor.is_some_and(|c| *seq <= c) {
                    return Ok(Flow::Continue);
                }
                session.cursors.delivered(conversation, *seq);
                if let Some(c) = cursor.filter(|c| *seq > c + 1) {
                    let user = session.actor.user.clone();
                    Box::pin(self.fill_messages(&user, conversation, c, *seq)).await?;
                }
                self.out.send_bytes(frame.clone()).await;
            }
        }
        Ok(Flow::Continue)
    }

    /// Send `conversation`'s messages after `cursor` and before `seq`.
    async fn fill_messages(
        &mut self,
        user: &UserId,
        conversation: &ConversationId,
        cursor: u64,
        seq: u64,
    ) -> Result<()> {
        // Never fill from before the member's visible start: a cursor can be stale from an
        // earlier membership (left, then rejoined on this connection).
        let floor = self
            .app
            .chat
            .visible_from(conversation, user)
            .await?
            .unwrap_or(seq - 1);
        self.replay(
            Backlog::Conversation(conversation),
            cursor.max(floor),
            seq - 1,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::backlog_ranges;

    #[test]
    fn backlog_skips_what_was_delivered_live() {
        assert_eq!(backlog_ranges(3, 10, None), vec![(3, 10)]);
        assert_eq!(backlog_ranges(3, 10, Some((6, 8))), vec![(3, 5), (8, 10)]);
        assert_eq!(backlog_ranges(3, 10, Some((6, 12))), vec![(3, 5)]);
        assert_eq!(backlog_ranges(7, 10, Some((6, 8))), vec![(8, 10)]);
        assert_eq!(
            backlog_ranges(10, 10, Some((11, 12))),
            Vec::<(u64, u64)>::new()
        );
        assert_eq!(backlog_ranges(0, 5, Some((1, 5))), Vec::<(u64, u64)>::new());
    }
}
