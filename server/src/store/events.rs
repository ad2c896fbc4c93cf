//! Per-user event streams (`user_events`, `users.event_seq`).
//!
//! Every change another device of a user must learn about is appended here in the same
//! transaction as the change itself, with the next gap-free seq of that user's stream.

use liao_shared::{EventBody, UserEvent, UserId};
use sqlx::Row;

use super::{SeqPage, Store, Tx, i, u};
use crate::error::{Error, Result};
use crate::util::now_ms;

/// Append events to users' streams inside `tx`. Users are locked in id order so two
/// transactions touching the same pair of users can never deadlock on PostgreSQL.
pub async fn append(
    tx: &mut Tx,
    events: Vec<(UserId, EventBody)>,
) -> Result<Vec<(UserId, UserEvent)>> {
    let mut events = events;
    events.sort_by(|a, b| a.0.cmp(&b.0));
    let at = now_ms();
    let mut out = Vec::with_capacity(events.len());
    for (user, body) in events {
        let seq: i64 = sqlx::query_scalar(
            "UPDATE users SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq",
        )
        .bind(user.as_str())
        .fetch_one(&mut **tx)
        .await?;
        let json = serde_json::to_string(&body).map_err(Error::json("event"))?;
        sqlx::query("INSERT INTO user_events (user_id, seq, at, body) VALUES ($1, $2, $3, $4)")
            .bind(user.as_str())
            .bind(seq)
            .bind(i(at))
            .bind(json)
            .execute(&mut **tx)
            .await?;
        out.push((
            user,
            UserEvent {
                seq: u(seq),
                at,
                body,
            },
        ));
    }
    Ok(out)
}

impl Store {
    /// The last seq of a user's event stream.
    pub async fn event_seq(&self, user: &UserId) -> Result<u64> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT event_seq FROM users WHERE id = $1")
            .bind(user.as_str())
            .fetch_optional(self.reader())
            .await?;
        Ok(seq.map(u).unwrap_or(0))
    }

    /// A page of `user`'s events.
    pub async fn events_between(&self, user: &UserId, page: SeqPage) -> Result<Vec<UserEvent>> {
        let rows = sqlx::query(
            "SELECT seq, at, body FROM user_events WHERE user_id = $1 AND seq > $2 AND seq <= $3 \
             ORDER BY seq LIMIT $4",
        )
        .bind(user.as_str())
        .bind(i(page.after))
        .bind(i(page.until))
        .bind(i64::from(page.limit))
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body")?;
                Ok(UserEvent {
                    seq: u(r.try_get("seq")?),
                    at: u(r.try_get("at")?),
                    body: serde_json::from_str(&body).map_err(Error::json("stored event"))?,
                })
            })
            .collect()
    }
}
