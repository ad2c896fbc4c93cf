//! Two-person conversations: direct ones between friends (`direct_pairs`) and temporary sessions
//! between members of a group that allows them (`temp_pairs`, which remember the group they were
//! opened through). Each pair of users has at most one of each kind; the pair is stored ordered
//! (`user_lo < user_hi`) so either side finds it.

use liao_shared::{ConversationId, Role, UserId};

use super::groups::add_member;
use super::{Tx, i};
use crate::error::Result;
use crate::util::{new_id, now_ms};

/// The kind of a two-person conversation.
#[derive(Debug, Clone, Copy)]
pub enum Pair<'a> {
    /// Between friends.
    Direct,
    /// Opened through the group `via`, whose members both are.
    Temporary {
        /// The group.
        via: &'a ConversationId,
    },
}

impl Pair<'_> {
    fn table(self) -> &'static str {
        match self {
            Pair::Direct => "direct_pairs",
            Pair::Temporary { .. } => "temp_pairs",
        }
    }
}

fn ordered<'a>(a: &'a UserId, b: &'a UserId) -> (&'a UserId, &'a UserId) {
    if a <= b { (a, b) } else { (b, a) }
}

/// The conversation of kind `pair` between `a` and `b`, if it exists (read inside `tx`).
pub async fn between(
    tx: &mut Tx,
    pair: Pair<'_>,
    a: &UserId,
    b: &UserId,
) -> Result<Option<ConversationId>> {
    let (lo, hi) = ordered(a, b);
    let sql = format!(
        "SELECT conversation_id FROM {} WHERE user_lo = $1 AND user_hi = $2",
        pair.table()
    );
    let id: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(lo.as_str())
        .bind(hi.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(id.map(ConversationId))
}

/// Create the conversation of kind `pair` between `a` and `b`, both plain members who see it
/// from the start. The caller checked it does not exist; a lost race surfaces as a unique
/// violation.
pub async fn create(tx: &mut Tx, pair: Pair<'_>, a: &UserId, b: &UserId) -> Result<ConversationId> {
    let id = ConversationId(new_id('c'));
    let kind = match pair {
        Pair::Direct => "direct",
        Pair::Temporary { .. } => "temp",
    };
    sqlx::query(
        "INSERT INTO conversations (id, kind, last_seq, created_at, last_activity_at) \
         VALUES ($1, $2, 0, $3, $3)",
    )
    .bind(id.as_str())
    .bind(kind)
    .bind(i(now_ms()))
    .execute(&mut **tx)
    .await?;
    let (lo, hi) = ordered(a, b);
    let sql = match pair {
        Pair::Direct => {
            "INSERT INTO direct_pairs (user_lo, user_hi, conversation_id) VALUES ($1, $2, $3)"
        }
        Pair::Temporary { .. } => {
            "INSERT INTO temp_pairs (user_lo, user_hi, conversation_id, via_group) \
             VALUES ($1, $2, $3, $4)"
        }
    };
    let mut insert = sqlx::query(sql)
        .bind(lo.as_str())
        .bind(hi.as_str())
        .bind(id.as_str());
    if let Pair::Temporary { via } = pair {
        insert = insert.bind(via.as_str());
    }
    insert.execute(&mut **tx).await?;
    for user in [a, b] {
        add_member(tx, &id, user, Role::Member, 0).await?;
    }
    Ok(id)
}

/// Point an existing temporary session at the group it was opened from now.
pub async fn set_temp_via(
    tx: &mut Tx,
    conversation: &ConversationId,
    via: &ConversationId,
) -> Result<()> {
    sqlx::query("UPDATE temp_pairs SET via_group = $1 WHERE conversation_id = $2")
        .bind(via.as_str())
        .bind(conversation.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether `a` and `b` share a group that allows temporary sessions (read inside `tx`).
pub async fn share_temp_group(tx: &mut Tx, a: &UserId, b: &UserId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversation_members x \
         JOIN conversation_members y ON y.conversation_id = x.conversation_id AND y.user_id = $2 \
         JOIN groups g ON g.conversation_id = x.conversation_id AND g.allow_temp = 1 \
         WHERE x.user_id = $1",
    )
    .bind(a.as_str())
    .bind(b.as_str())
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}
