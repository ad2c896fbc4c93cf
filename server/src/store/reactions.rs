//! Emoji reactions (`reactions`) and the change counter that lets `sync` replay changed messages
//! (`conversations.last_change`, `messages.change_seq`), which edits count on too.
//!
//! A reaction is one row per message, user and emoji. Reacting changes the message, not the
//! conversation's sequence: the conversation's change counter goes up and the message keeps its
//! value, so a client that saw changes up to N is brought up to date with the messages whose
//! `change_seq` is above N — one row per changed message, however often it changed.

use std::collections::HashMap;

use liao_shared::{ConversationId, Message, Reaction, UserId, limits};
use sqlx::Row;

use super::{Store, Tx, i, u};
use crate::error::Result;
use crate::util::now_ms;

/// What a reaction request changed.
#[derive(Debug, PartialEq, Eq)]
pub enum Toggled {
    /// It was already so: nothing changed.
    Unchanged,
    /// The message changed; its new `change_seq`.
    Changed(u64),
    /// It would be a new emoji on a message that has the most it may.
    TooMany,
}

/// Add (`on`) or remove `user`'s reaction `emoji` to the entry at `seq` (inside `tx`).
pub async fn toggle(
    tx: &mut Tx,
    conversation: &ConversationId,
    seq: u64,
    user: &UserId,
    emoji: &str,
    on: bool,
) -> Result<Toggled> {
    let changed = if on {
        let (distinct, present): (i64, i64) = {
            let row = sqlx::query(
                "SELECT COUNT(DISTINCT emoji) AS distinct_emoji, \
                 COUNT(CASE WHEN emoji = $3 THEN 1 END) AS present \
                 FROM reactions WHERE conversation_id = $1 AND seq = $2",
            )
            .bind(conversation.as_str())
            .bind(i(seq))
            .bind(emoji)
            .fetch_one(&mut **tx)
            .await?;
            (row.try_get("distinct_emoji")?, row.try_get("present")?)
        };
        if present == 0 && distinct >= limits::MAX_REACTIONS_PER_MESSAGE as i64 {
            return Ok(Toggled::TooMany);
        }
        sqlx::query(
            "INSERT INTO reactions (conversation_id, seq, user_id, emoji, reacted_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(conversation.as_str())
        .bind(i(seq))
        .bind(user.as_str())
        .bind(emoji)
        .bind(i(now_ms()))
        .execute(&mut **tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query(
            "DELETE FROM reactions WHERE conversation_id = $1 AND seq = $2 AND user_id = $3 \
             AND emoji = $4",
        )
        .bind(conversation.as_str())
        .bind(i(seq))
        .bind(user.as_str())
        .bind(emoji)
        .execute(&mut **tx)
        .await?
        .rows_affected()
    };
    if changed == 0 {
        return Ok(Toggled::Unchanged);
    }
    Ok(Toggled::Changed(mark_changed(tx, conversation, seq).await?))
}

/// Count a change of the message at `seq` (inside `tx`): its new `change_seq`.
pub async fn mark_changed(tx: &mut Tx, conversation: &ConversationId, seq: u64) -> Result<u64> {
    let change: i64 = sqlx::query_scalar(
        "UPDATE conversations SET last_change = last_change + 1 WHERE id = $1 RETURNING last_change",
    )
    .bind(conversation.as_str())
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE messages SET change_seq = $1 WHERE conversation_id = $2 AND seq = $3")
        .bind(change)
        .bind(conversation.as_str())
        .bind(i(seq))
        .execute(&mut **tx)
        .await?;
    Ok(u(change))
}

impl Store {
    /// Fill in the reactions of `messages` (all of `conversation`): one query, and none when no
    /// message of the page ever changed.
    pub async fn attach_reactions(
        &self,
        conversation: &ConversationId,
        messages: &mut [Message],
    ) -> Result<()> {
        let changed = || messages.iter().filter(|m| m.change_seq.is_some());
        let (Some(lo), Some(hi)) = (
            changed().map(|m| m.seq).min(),
            changed().map(|m| m.seq).max(),
        ) else {
            return Ok(());
        };
        let rows = sqlx::query(
            "SELECT seq, emoji, user_id FROM reactions \
             WHERE conversation_id = $1 AND seq >= $2 AND seq <= $3 \
             ORDER BY seq, reacted_at, user_id",
        )
        .bind(conversation.as_str())
        .bind(i(lo))
        .bind(i(hi))
        .fetch_all(self.reader())
        .await?;
        let mut by_seq: HashMap<u64, Vec<Reaction>> = HashMap::new();
        for row in &rows {
            let seq = u(row.try_get("seq")?);
            let emoji: String = row.try_get("emoji")?;
            let user = UserId(row.try_get("user_id")?);
            let list = by_seq.entry(seq).or_default();
            let reaction = match list.iter_mut().position(|r| r.emoji == emoji) {
                Some(at) => &mut list[at],
                None => {
                    list.push(Reaction {
                        emoji,
                        count: 0,
                        user_ids: Vec::new(),
                    });
                    list.last_mut().expect("just pushed")
                }
            };
            reaction.count += 1;
            if reaction.user_ids.len() < limits::MAX_REACTORS_LISTED {
                reaction.user_ids.push(user);
            }
        }
        for m in messages {
            m.reactions = by_seq.remove(&m.seq).unwrap_or_default();
        }
        Ok(())
    }
}
