//! Reading messages (`messages`, with the message each quotes and their reactions): single
//! entries for the chat services, and pages for history, sync and the conversation list.

use liao_shared::{
    ConversationId, ForwardedFrom, Message, MessageBody, MessageId, Quote, QuotePreview, UserId,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SeqPage, Store, Tx, i, u};
use crate::error::{Error, Result};

/// Which messages a page ([`Store::messages_page`]) holds, and in which order.
#[derive(Debug, Clone, Copy)]
pub enum Order {
    /// The oldest in the bounds, oldest first.
    Oldest,
    /// The newest in the bounds, returned oldest first.
    Newest,
    /// Those that changed after this change, in the order they last changed.
    ChangedAfter(u64),
}

/// Messages `m` with the message each replies to (`q`, joined on the primary key), for
/// [`message_from_row`]; conditions name columns as `m.…`.
const MESSAGE_SELECT: &str = "SELECT m.id, m.conversation_id, m.seq, m.sender_id, m.client_msg_id, \
     m.sent_at, m.body, m.reply_to_seq, m.forwarded_sender, m.forwarded_at, m.change_seq, \
     m.edited_at, \
     q.id AS quote_id, \
     q.sender_id AS quote_sender, q.body AS quote_body \
     FROM messages m LEFT JOIN messages q ON q.conversation_id = m.conversation_id AND q.seq = m.reply_to_seq";

fn message_from_row(r: &AnyRow) -> Result<Message> {
    let body: String = r.try_get("body")?;
    let reply_to_seq: Option<i64> = r.try_get("reply_to_seq")?;
    let quote_body: Option<String> = r.try_get("quote_body")?;
    let reply_to = match (reply_to_seq, quote_body) {
        (Some(seq), Some(quoted)) => {
            let quoted: MessageBody =
                serde_json::from_str(&quoted).map_err(Error::json("stored message body"))?;
            QuotePreview::of(&quoted).map(|preview| {
                Ok::<_, Error>(Quote {
                    seq: u(seq),
                    message_id: MessageId(r.try_get("quote_id")?),
                    sender_id: UserId(r.try_get("quote_sender")?),
                    preview,
                })
            })
        }
        _ => None,
    }
    .transpose()?;
    let forwarded_sender: Option<String> = r.try_get("forwarded_sender")?;
    let forwarded_at: Option<i64> = r.try_get("forwarded_at")?;
    let forwarded_from = match (forwarded_sender, forwarded_at) {
        (Some(sender), Some(at)) => Some(ForwardedFrom {
            sender_id: UserId(sender),
            sent_at: u(at),
        }),
        _ => None,
    };
    Ok(Message {
        message_id: MessageId(r.try_get("id")?),
        conversation_id: ConversationId(r.try_get("conversation_id")?),
        seq: u(r.try_get("seq")?),
        sender_id: UserId(r.try_get("sender_id")?),
        client_msg_id: r.try_get("client_msg_id")?,
        sent_at: u(r.try_get("sent_at")?),
        body: serde_json::from_str(&body).map_err(Error::json("stored message body"))?,
        reply_to,
        forwarded_from,
        // Filled in by `Store::attach_reactions` where wanted.
        reactions: Vec::new(),
        edited_at: r.try_get::<Option<i64>, _>("edited_at")?.map(u),
        change_seq: r.try_get::<Option<i64>, _>("change_seq")?.map(u),
    })
}

/// A message by id, within a conversation (read inside `tx`).
pub async fn message_by_id(
    tx: &mut Tx,
    conversation: &ConversationId,
    id: &MessageId,
) -> Result<Option<Message>> {
    message_where(
        tx,
        "m.conversation_id = $1 AND m.id = $2",
        conversation.as_str(),
        id.as_str(),
    )
    .await
}

/// The message a sender stored under `client_msg_id`, if any (read inside `tx`).
pub async fn message_by_client_id(
    tx: &mut Tx,
    sender: &UserId,
    client_msg_id: &str,
) -> Result<Option<Message>> {
    message_where(
        tx,
        "m.sender_id = $1 AND m.client_msg_id = $2",
        sender.as_str(),
        client_msg_id,
    )
    .await
}

/// The message matching `condition` on a text and another parameter (read inside `tx`).
async fn message_where<'a, P>(
    tx: &mut Tx,
    condition: &'static str,
    p1: &'a str,
    p2: P,
) -> Result<Option<Message>>
where
    P: 'a + sqlx::Encode<'a, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
{
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{MESSAGE_SELECT} WHERE {condition}"
    )))
    .bind(p1)
    .bind(p2)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(message_from_row).transpose()
}

/// The entry at `seq` of `conversation` for a member who sees entries after `visible_from`
/// (read inside `tx`): `None` when there is none or they cannot see it.
pub async fn visible_at(
    tx: &mut Tx,
    conversation: &ConversationId,
    visible_from: u64,
    seq: u64,
) -> Result<Option<Message>> {
    if seq <= visible_from {
        return Ok(None);
    }
    let condition = "m.conversation_id = $1 AND m.seq = $2";
    message_where(tx, condition, conversation.as_str(), i(seq)).await
}

impl Store {
    /// A page of `conversation`'s messages.
    pub async fn messages_between(
        &self,
        conversation: &ConversationId,
        page: SeqPage,
    ) -> Result<Vec<Message>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.seq > $2 AND m.seq <= $3 \
             ORDER BY m.seq LIMIT $4"
        )))
        .bind(conversation.as_str())
        .bind(i(page.after))
        .bind(i(page.until))
        .bind(i64::from(page.limit))
        .fetch_all(self.reader())
        .await?;
        self.with_reactions(conversation, &rows).await
    }

    /// The messages of `rows` (all of `conversation`), with their reactions.
    async fn with_reactions(
        &self,
        conversation: &ConversationId,
        rows: &[AnyRow],
    ) -> Result<Vec<Message>> {
        let mut messages = rows
            .iter()
            .map(message_from_row)
            .collect::<Result<Vec<_>>>()?;
        self.attach_reactions(conversation, &mut messages).await?;
        Ok(messages)
    }

    /// A page of `conversation` as `viewer` sees it: up to `limit` messages with
    /// `bounds.0 < seq < bounds.1` that they did not delete for themselves, chosen and ordered by
    /// `order`, with their reactions.
    pub async fn messages_page(
        &self,
        conversation: &ConversationId,
        viewer: &UserId,
        (after, before): (u64, u64),
        limit: u32,
        order: Order,
    ) -> Result<Vec<Message>> {
        let (changed, order_by) = match order {
            Order::Oldest => ("", "m.seq ASC"),
            Order::Newest => ("", "m.seq DESC"),
            Order::ChangedAfter(_) => ("AND m.change_seq > $6", "m.change_seq ASC"),
        };
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.seq > $2 AND m.seq < $3 {changed} \
             AND NOT EXISTS (SELECT 1 FROM hidden_messages h \
                 WHERE h.user_id = $5 AND h.conversation_id = m.conversation_id AND h.seq = m.seq) \
             ORDER BY {order_by} LIMIT $4"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(conversation.as_str())
            .bind(i(after))
            .bind(i(before))
            .bind(i64::from(limit))
            .bind(viewer.as_str());
        if let Order::ChangedAfter(since) = order {
            query = query.bind(i(since));
        }
        let rows = query.fetch_all(self.reader()).await?;
        let mut messages = self.with_reactions(conversation, &rows).await?;
        if let Order::Newest = order {
            messages.reverse();
        }
        Ok(messages)
    }
}
