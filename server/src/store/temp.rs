//! Temporary sessions (`temp_pairs`): a 1:1 conversation between two members of a group that
//! allows them, remembering the group it was opened through.

use liao_shared::{ConversationId, Role, UserId};

use super::chat::ordered;
use super::groups::add_member;
use super::{Tx, i};
use crate::error::Result;
use crate::util::{new_id, now_ms};

/// The temporary session of `a` and `b`, if any (read inside `tx`).
pub async fn temp_between(tx: &mut Tx, a: &UserId, b: &UserId) -> Result<Option<ConversationId>> {
    let (lo, hi) = ordered(a, b);
    let id: Option<String> = sqlx::query_scalar(
        "SELECT conversation_id FROM temp_pairs WHERE user_lo = $1 AND user_hi = $2",
    )
    .bind(lo.as_str())
    .bind(hi.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.map(ConversationId))
}

/// Create the temporary session of `a` and `b`, opened through `via`.
pub async fn create_temp(
    tx: &mut Tx,
    a: &UserId,
    b: &UserId,
    via: &ConversationId,
) -> Result<ConversationId> {
    let id = ConversationId(new_id('c'));
    let now = i(now_ms());
    sqlx::query("INSERT INTO conversations (id, kind, last_seq, created_at, last_activity_at) VALUES ($1, 'temp', 0, $2, $2)")
        .bind(id.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    let (lo, hi) = ordered(a, b);
    sqlx::query("INSERT INTO temp_pairs (user_lo, user_hi, conversation_id, via_group) VALUES ($1, $2, $3, $4)")
        .bind(lo.as_str())
        .bind(hi.as_str())
        .bind(id.as_str())
        .bind(via.as_str())
        .execute(&mut **tx)
        .await?;
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
