//! Conversations, members and writing messages (`conversations`, `direct_pairs`,
//! `conversation_members`, `messages`); reading them is in [`super::messages`].
//!
//! A message's seq comes from `conversations.last_seq`, bumped with `UPDATE … RETURNING` inside the
//! message's own transaction: a rolled-back send leaves no gap, and the row lock (PostgreSQL) or the
//! single writer (SQLite) makes seqs commit in order.

use liao_shared::{
    ConversationId, ConversationKind, ForwardedFrom, Message, MessageBody, MessageId, Quote, Role,
    UserId,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Backend, Store, Tx, i, u};
use crate::error::{Error, Result};
use crate::util::{new_id, now_ms};

/// `$1`'s member ids as one space-separated string, aggregated with `$agg` (SQLite's
/// `group_concat`, PostgreSQL's `string_agg`: the only difference between the backends here).
macro_rules! member_ids {
    ($agg:literal) => {
        concat!(
            "(SELECT ",
            $agg,
            "(user_id, ' ') FROM conversation_members WHERE conversation_id = $1)"
        )
    };
}

/// The membership of user `$2` in conversation `$1`, with `$extra` columns.
macro_rules! membership_select {
    ($extra:expr) => {
        concat!(
            "SELECT c.kind, c.last_seq, m.read_seq, m.visible_from, m.role, m.muted_until",
            $extra,
            " FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id \
             WHERE m.conversation_id = $1 AND m.user_id = $2"
        )
    };
}

/// A user's membership of a conversation.
#[derive(Debug, Clone)]
pub struct Membership {
    /// Conversation kind.
    pub kind: ConversationKind,
    /// Latest seq.
    pub last_seq: u64,
    /// Read marker.
    pub read_seq: u64,
    /// Messages with a greater seq are visible to this member.
    pub visible_from: u64,
    /// Role (groups; `member` elsewhere).
    pub role: Role,
    /// Mute end (groups).
    pub muted_until: Option<u64>,
}

impl Membership {
    /// The authorization view of this membership.
    pub fn state(&self) -> super::groups::MemberState {
        super::groups::MemberState {
            role: self.role,
            muted_until: self.muted_until,
        }
    }
}

pub(super) fn kind_from_str(s: &str) -> Result<ConversationKind> {
    match s {
        "direct" => Ok(ConversationKind::Direct),
        "group" => Ok(ConversationKind::Group),
        "temp" => Ok(ConversationKind::Temporary),
        other => Err(Error::Internal(format!(
            "unknown conversation kind {other}"
        ))),
    }
}

/// A new entry's content and what comes with it.
pub struct NewEntry<'a> {
    /// The sender's idempotency key (messages users send).
    pub client_msg_id: Option<&'a str>,
    /// The content.
    pub body: &'a MessageBody,
    /// The quote of the entry it replies to, read in the same transaction.
    pub reply_to: Option<Quote>,
    /// For a forwarded message, where its content first came from.
    pub forwarded_from: Option<ForwardedFrom>,
}

impl<'a> NewEntry<'a> {
    /// An entry with `body` and nothing else (`recall` and `system` entries).
    pub fn plain(body: &'a MessageBody) -> Self {
        NewEntry {
            client_msg_id: None,
            body,
            reply_to: None,
            forwarded_from: None,
        }
    }
}

/// Append an entry by `sender` and count it as read by them (their own entry).
pub async fn append_own(
    tx: &mut Tx,
    conversation: &ConversationId,
    sender: &UserId,
    entry: NewEntry<'_>,
) -> Result<Message> {
    let NewEntry {
        client_msg_id,
        body,
        reply_to,
        forwarded_from,
    } = entry;
    let row = MessageRow {
        conversation,
        sender,
        client_msg_id,
        id: new_id('m'),
        sent_at: now_ms(),
        json: body_json(body)?,
        reply_to_seq: reply_to.as_ref().map(|q| q.seq),
        forwarded_from: forwarded_from.as_ref(),
    };
    let seq = match Backend::of(tx) {
        Backend::Postgres => {
            let seq = insert_message(tx, &row).await?;
            advance(tx, Marker::Read, conversation, sender, seq).await?;
            seq
        }
        Backend::Sqlite => insert_own_batched(tx, &row).await?,
    };
    Ok(Message {
        message_id: MessageId(row.id),
        conversation_id: conversation.clone(),
        seq,
        sender_id: sender.clone(),
        client_msg_id: client_msg_id.map(str::to_owned),
        sent_at: row.sent_at,
        body: body.clone(),
        reply_to,
        forwarded_from,
        reactions: Vec::new(),
        edited_at: None,
        change_seq: None,
    })
}

/// A new message's row, but for its seq.
struct MessageRow<'a> {
    conversation: &'a ConversationId,
    sender: &'a UserId,
    client_msg_id: Option<&'a str>,
    id: String,
    sent_at: u64,
    json: String,
    reply_to_seq: Option<u64>,
    forwarded_from: Option<&'a ForwardedFrom>,
}

/// Bind a [`MessageRow`]'s columns as `$1`–`$9`, in the order both inserts list them:
/// conversation, id, sender, client id, time, body, reply, forward origin (sender, time).
macro_rules! bind_row {
    ($query:expr, $row:expr) => {
        $query
            .bind($row.conversation.as_str())
            .bind(&$row.id)
            .bind($row.sender.as_str())
            .bind($row.client_msg_id)
            .bind(i($row.sent_at))
            .bind(&$row.json)
            .bind($row.reply_to_seq.map(i))
            .bind($row.forwarded_from.map(|f| f.sender_id.as_str()))
            .bind($row.forwarded_from.map(|f| i(f.sent_at)))
    };
}

/// Bump the conversation's seq and insert the message row; the message's seq.
async fn insert_message(tx: &mut Tx, row: &MessageRow<'_>) -> Result<u64> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = $1 WHERE id = $2 RETURNING last_seq",
    )
    .bind(i(row.sent_at))
    .bind(row.conversation.as_str())
    .fetch_one(&mut **tx)
    .await?;
    let insert = sqlx::query(
        "INSERT INTO messages (conversation_id, id, sender_id, client_msg_id, sent_at, body, \
         reply_to_seq, forwarded_sender, forwarded_at, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    );
    bind_row!(insert, row).bind(seq).execute(&mut **tx).await?;
    Ok(u(seq))
}

/// [`insert_message`] and the sender's read marker, on SQLite, as one batch: each statement is
/// otherwise a round trip to the connection's worker thread while the single writer is held, and
/// those round trips, not the disk, bound how many messages per second are acknowledged. (`$n`
/// parameters are shared by all statements of a batch.) If one fails, the caller's transaction
/// is rolled back whole.
async fn insert_own_batched(tx: &mut Tx, row: &MessageRow<'_>) -> Result<u64> {
    // `fetch_all`, not `fetch_one`: a row limit would stop the batch after its first statement.
    let batch = sqlx::query_scalar(
        "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = $5 WHERE id = $1 \
         RETURNING last_seq; \
         INSERT INTO messages (conversation_id, id, sender_id, client_msg_id, sent_at, body, \
         reply_to_seq, forwarded_sender, forwarded_at, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT last_seq FROM conversations WHERE id = $1)); \
         UPDATE conversation_members SET read_seq = (SELECT last_seq FROM conversations WHERE id = $1) \
         WHERE conversation_id = $1 AND user_id = $3",
    );
    let seqs: Vec<i64> = bind_row!(batch, row).fetch_all(&mut **tx).await?;
    let seq = seqs
        .first()
        .ok_or_else(|| Error::Internal("conversation vanished".into()))?;
    Ok(u(*seq))
}

/// The seqs of the messages `ids` of `conversation` that exist (read inside `tx`).
pub async fn seqs_of(
    tx: &mut Tx,
    conversation: &ConversationId,
    ids: &[MessageId],
) -> Result<Vec<u64>> {
    let list = super::placeholders(2, ids.len());
    let sql = format!("SELECT seq FROM messages WHERE conversation_id = $1 AND id IN ({list})");
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(conversation.as_str());
    for id in ids {
        query = query.bind(id.as_str());
    }
    let seqs: Vec<i64> = query.fetch_all(&mut **tx).await?;
    Ok(seqs.into_iter().map(u).collect())
}

/// Hide messages `seqs` of `conversation` from `user`'s own view (inside `tx`); hiding one
/// twice changes nothing.
pub async fn hide(
    tx: &mut Tx,
    user: &UserId,
    conversation: &ConversationId,
    seqs: &[u64],
) -> Result<()> {
    for seq in seqs {
        sqlx::query(
            "INSERT INTO hidden_messages (user_id, conversation_id, seq) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(user.as_str())
        .bind(conversation.as_str())
        .bind(i(*seq))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A message body as stored (JSON).
fn body_json(body: &MessageBody) -> Result<String> {
    serde_json::to_string(body).map_err(Error::json("message body"))
}

/// Replace a message's body (recall deletes the content, not only hides it).
pub async fn replace_body(
    tx: &mut Tx,
    conversation: &ConversationId,
    seq: u64,
    body: &MessageBody,
) -> Result<()> {
    let json = body_json(body)?;
    sqlx::query("UPDATE messages SET body = $1 WHERE conversation_id = $2 AND seq = $3")
        .bind(json)
        .bind(conversation.as_str())
        .bind(i(seq))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Replace the text message at `seq` with its edited `body`, edited at `at`, and count the change
/// (inside `tx`): its new `change_seq`.
pub async fn edit_text(
    tx: &mut Tx,
    conversation: &ConversationId,
    seq: u64,
    body: &MessageBody,
    at: u64,
) -> Result<u64> {
    sqlx::query(
        "UPDATE messages SET body = $1, edited_at = $2 WHERE conversation_id = $3 AND seq = $4",
    )
    .bind(body_json(body)?)
    .bind(i(at))
    .bind(conversation.as_str())
    .bind(i(seq))
    .execute(&mut **tx)
    .await?;
    super::reactions::mark_changed(tx, conversation, seq).await
}

/// A member's forward-only position in a conversation.
#[derive(Debug, Clone, Copy)]
pub enum Marker {
    /// What they have read (`read_seq`).
    Read,
    /// What one of their devices received (`delivered_seq`, 1:1).
    Delivered,
}

/// Move `user`'s `marker` in `conversation` forward to `seq` (never back); true if it moved.
pub async fn advance(
    tx: &mut Tx,
    marker: Marker,
    conversation: &ConversationId,
    user: &UserId,
    seq: u64,
) -> Result<bool> {
    let sql = match marker {
        Marker::Read => {
            "UPDATE conversation_members SET read_seq = $1 \
             WHERE conversation_id = $2 AND user_id = $3 AND read_seq < $1"
        }
        Marker::Delivered => {
            "UPDATE conversation_members SET delivered_seq = $1 \
             WHERE conversation_id = $2 AND user_id = $3 AND delivered_seq < $1"
        }
    };
    let res = sqlx::query(sql)
        .bind(i(seq))
        .bind(conversation.as_str())
        .bind(user.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(res.rows_affected() > 0)
}

/// What a send needs to know, read with one query: the sender's membership, the member list,
/// what may stop the send, and the id of a message the sender already stored under
/// `client_msg_id` (a resend).
pub struct SendContext {
    /// The sender's membership.
    pub membership: Membership,
    /// Everyone in the conversation, the sender included.
    pub members: Vec<UserId>,
    /// The message this sender stored under the same `client_msg_id`, in any conversation.
    pub existing: Option<MessageId>,
    /// Groups: everyone but the admins is muted.
    pub muted_all: bool,
    /// 1:1 conversations: the sender and the peer are friends.
    pub friends: bool,
    /// 1:1 conversations: either of them blocked the other.
    pub blocked: bool,
}

/// The other member of a 1:1 conversation `$1` (sender `$2`), for the relation columns; a
/// group's relation columns are not computed (`CASE` evaluates lazily on both backends).
macro_rules! peer_count {
    ($table:literal, $cond:literal) => {
        concat!(
            "CASE WHEN c.kind = 'group' THEN 0 ELSE (SELECT COUNT(*) FROM conversation_members o \
             JOIN ",
            $table,
            " ON ",
            $cond,
            " WHERE o.conversation_id = $1 AND o.user_id <> $2) END"
        )
    };
}

/// The [`SendContext`] query, with the member list aggregated by `$agg`.
macro_rules! send_context_select {
    ($agg:literal) => {
        membership_select!(concat!(
            ", ",
            member_ids!($agg),
            " AS members, \
             (SELECT id FROM messages WHERE sender_id = $2 AND client_msg_id = $3) AS existing, \
             (SELECT muted_all FROM groups WHERE conversation_id = $1) AS muted_all, ",
            peer_count!("friendships f", "f.user_id = $2 AND f.friend_id = o.user_id"),
            " AS friends, ",
            peer_count!("blocks b", "b.user_id = $2 AND b.blocked_id = o.user_id"),
            " AS blocked_peer, ",
            peer_count!("blocks b", "b.user_id = o.user_id AND b.blocked_id = $2"),
            " AS blocked_by_peer"
        ))
    };
}

/// Read `sender`'s [`SendContext`] for `conversation` in `tx`, in one round trip (each statement
/// is one to the database's thread, and those, not the disk, bound the rate of sends on SQLite).
/// `None` if the sender is not a member.
pub async fn send_context(
    tx: &mut Tx,
    conversation: &ConversationId,
    sender: &UserId,
    client_msg_id: &str,
) -> Result<Option<SendContext>> {
    let sql = if Backend::of(tx) == Backend::Sqlite {
        send_context_select!("group_concat")
    } else {
        send_context_select!("string_agg")
    };
    let row = sqlx::query(sql)
        .bind(conversation.as_str())
        .bind(sender.as_str())
        .bind(client_msg_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| {
        let members: Option<String> = r.try_get("members")?;
        let existing: Option<String> = r.try_get("existing")?;
        let muted_all: Option<i64> = r.try_get("muted_all")?;
        let count = |name: &str| -> Result<bool> { Ok(r.try_get::<i64, _>(name)? > 0) };
        Ok(SendContext {
            membership: membership_from_row(&r)?,
            members: split_members(members.as_deref()),
            existing: existing.map(MessageId),
            muted_all: muted_all.unwrap_or(0) != 0,
            friends: count("friends")?,
            blocked: count("blocked_peer")? || count("blocked_by_peer")?,
        })
    })
    .transpose()
}

/// `user`'s membership of `conversation` (read with `db`), or `None` if they are not a member
/// (or it does not exist: callers answer both with `not_found`).
pub async fn membership_in<'e, E>(
    db: E,
    conversation: &ConversationId,
    user: &UserId,
) -> Result<Option<Membership>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(membership_select!(""))
        .bind(conversation.as_str())
        .bind(user.as_str())
        .fetch_optional(db)
        .await?;
    row.as_ref().map(membership_from_row).transpose()
}

impl Store {
    /// `user`'s membership of `conversation`, or `None` if they are not a member (or it does not
    /// exist: callers answer both with `not_found`).
    pub async fn membership(
        &self,
        conversation: &ConversationId,
        user: &UserId,
    ) -> Result<Option<Membership>> {
        membership_in(self.reader(), conversation, user).await
    }

    /// Members of a conversation.
    pub async fn members(&self, conversation: &ConversationId) -> Result<Vec<UserId>> {
        // One row, not one per member: a large group's list would otherwise stream row by row
        // from SQLite's worker thread, each batch waiting for a busy runtime to take it.
        let sql = match self.backend() {
            Backend::Sqlite => concat!("SELECT ", member_ids!("group_concat")),
            Backend::Postgres => concat!("SELECT ", member_ids!("string_agg")),
        };
        let ids: Option<String> = sqlx::query_scalar(sql)
            .bind(conversation.as_str())
            .fetch_one(self.reader())
            .await?;
        Ok(split_members(ids.as_deref()))
    }

    /// `(conversation, last_seq, visible_from)` for every conversation of `user`.
    pub async fn conversation_cursors(
        &self,
        user: &UserId,
    ) -> Result<Vec<(ConversationId, u64, u64)>> {
        let rows = sqlx::query(
            "SELECT c.id, c.last_seq, m.visible_from FROM conversation_members m \
             JOIN conversations c ON c.id = m.conversation_id WHERE m.user_id = $1",
        )
        .bind(user.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    ConversationId(r.try_get("id")?),
                    u(r.try_get("last_seq")?),
                    u(r.try_get("visible_from")?),
                ))
            })
            .collect()
    }
}

fn membership_from_row(r: &AnyRow) -> Result<Membership> {
    let kind: String = r.try_get("kind")?;
    let role: String = r.try_get("role")?;
    let muted: Option<i64> = r.try_get("muted_until")?;
    Ok(Membership {
        kind: kind_from_str(&kind)?,
        last_seq: u(r.try_get("last_seq")?),
        read_seq: u(r.try_get("read_seq")?),
        visible_from: u(r.try_get("visible_from")?),
        role: super::groups::role_from_str(&role)?,
        muted_until: muted.map(u),
    })
}

/// User ids aggregated into one space-separated string (ids never contain spaces).
fn split_members(ids: Option<&str>) -> Vec<UserId> {
    ids.unwrap_or_default()
        .split(' ')
        .filter(|id| !id.is_empty())
        .map(|id| UserId(id.to_owned()))
        .collect()
}
