//! Read receipts and account settings (`conversation_members.delivered_seq`,
//! `conversation_members.read_seq`, `users.read_receipts`).
//!
//! Receipts are positions, never rows per message per reader: a member has read every message up
//! to their `read_seq` and received every one up to their `delivered_seq` (both forward-only), so
//! "how many read message N" is a count over the members' positions.

use liao_shared::{AccountSettings, ConversationId, EventBody, UserEvent, UserId};
use sqlx::Row;

use super::{Backend, Store, Tx, i, u};
use crate::error::{Error, Result};
use crate::util::now_ms;

/// Where one member is in a conversation.
#[derive(Debug, Clone)]
pub struct Position {
    /// The member.
    pub user: UserId,
    /// Read marker.
    pub read_seq: u64,
    /// Last entry one of their devices received (1:1).
    pub delivered_seq: u64,
    /// Whether their 1:1 read receipts are on.
    pub read_receipts: bool,
}

/// Move `user`'s read marker in `conversation` forward to `seq`, if they are a member, it is
/// forward and `seq` exists, and when it moved append the `read_marker` event to their stream,
/// inside `tx`, in one round trip to the database (members of a busy group mark read about once
/// a second each: a read first and three statements apiece would be most of the work). The
/// appended event, if the marker moved.
pub async fn mark_read(
    tx: &mut Tx,
    conversation: &ConversationId,
    user: &UserId,
    seq: u64,
) -> Result<Option<UserEvent>> {
    let body = EventBody::ReadMarker {
        conversation_id: conversation.clone(),
        seq,
    };
    let json = serde_json::to_string(&body).map_err(Error::json("event"))?;
    let at = now_ms();
    let sql = match Backend::of(tx) {
        // `changes()` is the row count of the statement before: the event is appended only when
        // the marker moved, and its seq taken only then.
        Backend::Sqlite => {
            "UPDATE conversation_members SET read_seq = $1 \
             WHERE conversation_id = $2 AND user_id = $3 AND read_seq < $1 \
             AND $1 <= (SELECT last_seq FROM conversations WHERE id = $2); \
             UPDATE users SET event_seq = event_seq + 1 WHERE id = $3 AND changes() > 0; \
             INSERT INTO user_events (user_id, seq, at, body) \
             SELECT $3, event_seq, $4, $5 FROM users WHERE id = $3 AND changes() > 0 RETURNING seq"
        }
        Backend::Postgres => {
            "WITH moved AS (UPDATE conversation_members SET read_seq = $1 \
             WHERE conversation_id = $2 AND user_id = $3 AND read_seq < $1 \
             AND $1 <= (SELECT last_seq FROM conversations WHERE id = $2) RETURNING user_id), \
             bumped AS (UPDATE users SET event_seq = event_seq + 1 \
             WHERE id = $3 AND EXISTS (SELECT 1 FROM moved) RETURNING event_seq) \
             INSERT INTO user_events (user_id, seq, at, body) \
             SELECT $3, event_seq, $4, $5 FROM bumped RETURNING seq"
        }
    };
    // `fetch_all`, not `fetch_one`: a row limit would stop an SQLite batch after its first statement.
    let seqs: Vec<i64> = sqlx::query_scalar(sql)
        .bind(i(seq))
        .bind(conversation.as_str())
        .bind(user.as_str())
        .bind(i(at))
        .bind(json)
        .fetch_all(&mut **tx)
        .await?;
    Ok(seqs.first().map(|&seq| UserEvent {
        seq: u(seq),
        at,
        body,
    }))
}

/// Set `user`'s settings (inside `tx`).
pub async fn set_settings(tx: &mut Tx, user: &UserId, settings: &AccountSettings) -> Result<()> {
    sqlx::query("UPDATE users SET read_receipts = $1 WHERE id = $2")
        .bind(i64::from(settings.read_receipts))
        .bind(user.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Every member's position in `conversation` with their read receipts switch (for 1:1
    /// conversations: two rows).
    pub async fn positions(&self, conversation: &ConversationId) -> Result<Vec<Position>> {
        self.rows_for(
            "SELECT m.user_id, m.read_seq, m.delivered_seq, u.read_receipts \
             FROM conversation_members m JOIN users u ON u.id = m.user_id \
             WHERE m.conversation_id = $1",
            conversation.as_str(),
            |r| {
                Ok(Position {
                    user: UserId(r.try_get("user_id")?),
                    read_seq: u(r.try_get("read_seq")?),
                    delivered_seq: u(r.try_get("delivered_seq")?),
                    read_receipts: r.try_get::<i64, _>("read_receipts")? != 0,
                })
            },
        )
        .await
    }

    /// The members of `conversation` but `except`, as (read marker, visible from) pairs: what
    /// group read counts need, and nothing else (two integers a row, no join).
    pub async fn read_positions(
        &self,
        conversation: &ConversationId,
        except: &UserId,
    ) -> Result<Vec<(u64, u64)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT read_seq, visible_from FROM conversation_members \
             WHERE conversation_id = $1 AND user_id <> $2",
        )
        .bind(conversation.as_str())
        .bind(except.as_str())
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(|(r, v)| (u(r), u(v))).collect())
    }

    /// The members of `conversation` but `except` who were there when the entry at `seq` was
    /// sent (joined before it), each with whether their read marker passed it.
    pub async fn readers_of(
        &self,
        conversation: &ConversationId,
        except: &UserId,
        seq: u64,
    ) -> Result<Vec<(UserId, bool)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT user_id, read_seq FROM conversation_members \
             WHERE conversation_id = $1 AND user_id <> $2 AND visible_from < $3",
        )
        .bind(conversation.as_str())
        .bind(except.as_str())
        .bind(i(seq))
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user, read_seq)| (UserId(user), u(read_seq) >= seq))
            .collect())
    }

    /// Which of `seqs` are entries `sender` sent in `conversation`, in ascending order.
    pub async fn sent_by(
        &self,
        conversation: &ConversationId,
        sender: &UserId,
        seqs: &[u64],
    ) -> Result<Vec<u64>> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let list = super::placeholders(3, seqs.len());
        let sql = format!(
            "SELECT seq FROM messages WHERE conversation_id = $1 AND sender_id = $2 \
             AND seq IN ({list}) ORDER BY seq"
        );
        let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(conversation.as_str())
            .bind(sender.as_str());
        for seq in seqs {
            query = query.bind(i(*seq));
        }
        let found: Vec<i64> = query.fetch_all(self.reader()).await?;
        Ok(found.into_iter().map(u).collect())
    }

    /// `user`'s settings.
    pub async fn settings(&self, user: &UserId) -> Result<AccountSettings> {
        let on: Option<i64> = sqlx::query_scalar("SELECT read_receipts FROM users WHERE id = $1")
            .bind(user.as_str())
            .fetch_optional(self.reader())
            .await?;
        let on = on.ok_or_else(|| Error::not_found("no such user"))?;
        Ok(AccountSettings {
            read_receipts: on != 0,
        })
    }
}
