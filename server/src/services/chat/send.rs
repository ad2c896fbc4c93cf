//! Sending: validation, permission checks and the append, as one job of a group commit.

use liao_shared::command::SendMessage;
use liao_shared::{
    ConversationId, ConversationKind, ErrorCode, FileId, ForwardedFrom, Message, MessageBody,
    NewMessageBody, Quote, QuotePreview, UserId, limits,
};

use super::Chat;
use crate::app::Actor;
use crate::authz::{Action, authorize};
use crate::error::{Error, Result};
use crate::publish::Publisher;
use crate::services::check_client_id;
use crate::services::files::Files;
use crate::store::files as store_files;
use crate::store::{Tx, pairs};
use crate::store::{chat, messages};
use crate::util::now_ms;

/// The result of a send: the stored message, and whether it was stored just now (a repeated
/// send returns the original and publishes nothing).
pub struct Sent {
    /// The message.
    pub message: Message,
    /// False when this was a resend of an already stored message.
    pub fresh: bool,
}

/// What a new send stores, as the command gave it.
struct Draft<'a> {
    client_msg_id: &'a str,
    body: &'a NewMessageBody,
    reply_to: Option<u64>,
}

/// The quote of the entry at `seq` for a reply by a member with `membership` (read in `tx`): a
/// text, file or image message, recalled or not, that the member can see.
async fn quote(
    tx: &mut Tx,
    conversation: &ConversationId,
    membership: &chat::Membership,
    seq: u64,
) -> Result<Quote> {
    let quoted = messages::visible_at(tx, conversation, membership.visible_from, seq)
        .await?
        .ok_or_else(|| Error::not_found("no such message to reply to"))?;
    let preview = QuotePreview::of(&quoted.body).ok_or_else(|| {
        Error::client(
            ErrorCode::BadRequest,
            "recall and system entries cannot be replied to",
        )
    })?;
    Ok(Quote {
        seq,
        message_id: quoted.message_id,
        sender_id: quoted.sender_id,
        preview,
    })
}

/// What forwarding the entry at `seq` of `source` sends (read in `tx`): its content as a new
/// body (text without its mentions, the same file or image) and where that content first came
/// from. The sender must be able to see the entry; only text, file and image messages are
/// forwarded.
async fn forwarded(
    tx: &mut Tx,
    user: &UserId,
    source: &ConversationId,
    seq: u64,
) -> Result<(NewMessageBody, ForwardedFrom)> {
    let message = match chat::membership_in(&mut **tx, source, user).await? {
        Some(m) => messages::visible_at(tx, source, m.visible_from, seq).await?,
        None => None,
    };
    let message = message.ok_or_else(|| Error::not_found("no such message to forward"))?;
    let content = match message.body {
        MessageBody::Text { text, .. } => NewMessageBody::text(text),
        MessageBody::File { file } => NewMessageBody::File {
            file_id: file.file_id,
        },
        MessageBody::Image { file } => NewMessageBody::Image {
            file_id: file.file_id,
        },
        MessageBody::Recalled { .. } | MessageBody::Recall { .. } | MessageBody::System { .. } => {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "only text, file and image messages can be forwarded",
            ));
        }
    };
    let origin = message.forwarded_from.unwrap_or(ForwardedFrom {
        sender_id: message.sender_id,
        sent_at: message.sent_at,
    });
    Ok((content, origin))
}

/// Most distinct members one message may mention.
const MAX_MENTIONS: usize = 50;

/// A text body as stored, or why `text` and its mentions cannot be sent.
pub(super) fn validate_text(
    text: &str,
    mentions: &[UserId],
    mention_all: bool,
) -> Result<MessageBody> {
    {
        {
            if text.trim().is_empty() {
                return Err(Error::client(
                    ErrorCode::EmptyMessage,
                    "the message is empty",
                ));
            }
            if text.len() > limits::MAX_TEXT_BYTES || text.chars().count() > limits::MAX_TEXT_CHARS
            {
                return Err(Error::client(
                    ErrorCode::MessageTooLong,
                    "messages are limited to 4000 characters and 16 KiB",
                ));
            }
            let mut mentions = mentions.to_vec();
            mentions.sort();
            mentions.dedup();
            if mentions.len() > MAX_MENTIONS {
                return Err(Error::client(
                    ErrorCode::BadRequest,
                    "at most 50 mentions per message",
                ));
            }
            Ok(MessageBody::Text {
                text: text.to_owned(),
                mentions,
                mention_all,
            })
        }
    }
}

impl Chat {
    /// Send a message. The reply comes only after commit; a resend with the same
    /// `client_msg_id` returns the stored original.
    ///
    /// The checks and the append run as one job of a group commit (see
    /// [`crate::store::batch`]): concurrent sends share a transaction, each in its own savepoint.
    pub async fn send_message(&self, actor: &Actor, cmd: SendMessage) -> Result<Sent> {
        let SendMessage {
            conversation_id: conversation,
            client_msg_id: cid,
            body,
            reply_to,
        } = cmd;
        check_client_id(&cid)?;
        let _turn = self.publisher.turn(&conversation).await;
        let files = self.files.clone();
        let user = actor.user.clone();
        let client_msg_id = cid.clone();
        let sent = self
            .store
            .batch(move |tx| {
                Box::pin(async move {
                    let new = Draft {
                        client_msg_id: &cid,
                        body: &body,
                        reply_to,
                    };
                    Self::store_message(tx, &files, &user, &conversation, new).await
                })
            })
            .await;
        match sent {
            Ok((sent, members)) => {
                // A resend is published again: its first attempt may have committed and then
                // failed to say so (a lost COMMIT reply), in which case nobody was told. Every
                // connection skips what it already has, by seq.
                Publisher::log_failure(self.publisher.message(&members, &sent.message).await);
                Ok(sent)
            }
            // The same send raced itself (two connections resending at once) and the other
            // transaction won: return the winner.
            Err(e) if e.is_unique_violation() => {
                let mut tx = self.store.read_tx().await?;
                let existing =
                    messages::message_by_client_id(&mut tx, &actor.user, &client_msg_id).await?;
                existing
                    .map(|message| Sent {
                        message,
                        fresh: false,
                    })
                    .ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    /// A send's work in the write transaction: the original if this is a resend, otherwise
    /// validate and append. Returns the members to publish to.
    ///
    /// The membership, the member list and the resend check come in one query, in the send's own
    /// transaction: each statement is a round trip to the database's thread, and on SQLite those
    /// round trips, not the disk, bound how many sends per second are acknowledged.
    async fn store_message(
        tx: &mut Tx,
        files: &Files,
        user: &UserId,
        conversation: &ConversationId,
        new: Draft<'_>,
    ) -> Result<(Sent, Vec<UserId>)> {
        let Draft {
            client_msg_id,
            body,
            reply_to,
        } = new;
        let ctx = chat::send_context(tx, conversation, user, client_msg_id)
            .await?
            .ok_or_else(|| Error::not_found("no such conversation"))?;
        if ctx.existing.is_some()
            && let Some(existing) = messages::message_by_client_id(tx, user, client_msg_id).await?
        {
            return if existing.conversation_id == *conversation {
                Ok((
                    Sent {
                        message: existing,
                        fresh: false,
                    },
                    ctx.members,
                ))
            } else {
                Err(Error::client(
                    ErrorCode::ClientIdReused,
                    "client_msg_id was used for another conversation",
                ))
            };
        }
        // Only a new send is validated: a resend returns the original above even if, say, its
        // file was recalled since.
        let (body, file, forwarded_from) =
            Self::resolve_body(tx, files, user, ctx.membership.kind, body).await?;
        Self::check_may_send(tx, user, &ctx, &body).await?;
        let quote = match reply_to {
            Some(seq) => Some(quote(tx, conversation, &ctx.membership, seq).await?),
            None => None,
        };
        // Your own message counts as read.
        let entry = chat::NewEntry {
            client_msg_id: Some(client_msg_id),
            body: &body,
            reply_to: quote,
            forwarded_from,
        };
        let message = chat::append_own(tx, conversation, user, entry).await?;
        if let Some(file) = &file {
            store_files::attach(tx, conversation, message.seq, file).await?;
        }
        Ok((
            Sent {
                message,
                fresh: true,
            },
            ctx.members,
        ))
    }

    /// Validate the content; for files and images, check the sender may use the file and that
    /// the conversation allows it; for a forward, read what is forwarded (in `tx`) and check it
    /// the same way. Returns the stored body, the referenced file and a forward's origin.
    async fn resolve_body(
        tx: &mut Tx,
        files: &Files,
        user: &UserId,
        kind: ConversationKind,
        body: &NewMessageBody,
    ) -> Result<(MessageBody, Option<FileId>, Option<ForwardedFrom>)> {
        if let NewMessageBody::Forward {
            conversation_id,
            seq,
        } = body
        {
            let (content, origin) = forwarded(tx, user, conversation_id, *seq).await?;
            let (body, file) = Self::resolve_content(files, user, kind, &content).await?;
            return Ok((body, file, Some(origin)));
        }
        let (body, file) = Self::resolve_content(files, user, kind, body).await?;
        Ok((body, file, None))
    }

    /// [`Self::resolve_body`] for text, files and images.
    async fn resolve_content(
        files: &Files,
        user: &UserId,
        kind: ConversationKind,
        body: &NewMessageBody,
    ) -> Result<(MessageBody, Option<FileId>)> {
        let (file_id, image) = match body {
            NewMessageBody::Text {
                text,
                mentions,
                mention_all,
            } => {
                return Ok((validate_text(text, mentions, *mention_all)?, None));
            }
            NewMessageBody::File { file_id } => (file_id, false),
            NewMessageBody::Image { file_id } => (file_id, true),
            NewMessageBody::Forward { .. } => {
                return Err(Error::Internal("a forward resolved to a forward".into()));
            }
        };
        if !image && kind == ConversationKind::Group {
            return Err(Error::client(
                ErrorCode::NotAllowedHere,
                "files are sent 1:1; groups take images",
            ));
        }
        let row = if image {
            files
                .usable_as_image(user, file_id, "upload it as an image first")
                .await?
        } else {
            files.accessible(user, file_id).await?
        };
        let file = row.info();
        let body = if image {
            MessageBody::Image { file }
        } else {
            MessageBody::File { file }
        };
        Ok((body, Some(row.id)))
    }

    /// May `user` send `body` here, given the send's context (read in `tx`)? Mentions must name
    /// members of a group; the group's mutes apply; 1:1 conversations need no block between the
    /// two and, by kind, a friendship or a shared group that allows temporary sessions.
    pub(super) async fn check_may_send(
        tx: &mut Tx,
        user: &UserId,
        ctx: &chat::SendContext,
        body: &MessageBody,
    ) -> Result<()> {
        let (mentions, mention_all) = match body {
            MessageBody::Text {
                mentions,
                mention_all,
                ..
            } => (mentions.as_slice(), *mention_all),
            _ => (&[][..], false),
        };
        let kind = ctx.membership.kind;
        if kind == ConversationKind::Group {
            if let Some(stranger) = mentions.iter().find(|u| !ctx.members.contains(u)) {
                return Err(Error::client(
                    ErrorCode::BadRequest,
                    format!("{stranger} is not a member"),
                ));
            }
            let me = ctx.membership.state();
            authorize(Some(&me), Action::Send, None, ctx.muted_all, now_ms())?;
            if mention_all {
                authorize(Some(&me), Action::MentionAll, None, ctx.muted_all, now_ms())?;
            }
            return Ok(());
        }
        if !mentions.is_empty() || mention_all {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "mentions are for groups",
            ));
        }
        let Some(peer) = ctx.members.iter().find(|u| *u != user) else {
            return Err(Error::Internal("1:1 conversation without a peer".into()));
        };
        if ctx.blocked {
            return Err(Error::client(
                ErrorCode::Blocked,
                "one of you has blocked the other",
            ));
        }
        match kind {
            ConversationKind::Direct if !ctx.friends => Err(Error::client(
                ErrorCode::NotFriends,
                "you are no longer friends",
            )),
            ConversationKind::Temporary if !pairs::share_temp_group(tx, user, peer).await? => {
                Err(Error::client(
                    ErrorCode::TempSessionUnavailable,
                    "you no longer share a group that allows temporary sessions",
                ))
            }
            _ => Ok(()),
        }
    }
}
