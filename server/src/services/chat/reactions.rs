//! Emoji reactions: toggling one, and the changed messages `sync` replays.

use liao_shared::command::React;
use liao_shared::{ConversationId, ErrorCode, Message, MessageBody, ServerFrame, UserId, limits};
use unicode_segmentation::UnicodeSegmentation;

use super::Chat;
use crate::app::Actor;
use crate::error::{Error, Result};
use crate::publish::Publisher;
use crate::store::SeqPage;
use crate::store::messages::Order;
use crate::store::reactions::{self, Toggled};

/// Whether `emoji` is one emoji: a single grapheme cluster, of at most
/// [`limits::MAX_EMOJI_BYTES`], that is pictographic (or a flag, or a keycap) — not a letter,
/// digit or punctuation with an emoji look-alike.
pub fn is_emoji(emoji: &str) -> bool {
    if emoji.is_empty()
        || emoji.len() > limits::MAX_EMOJI_BYTES
        || emoji.graphemes(true).count() != 1
    {
        return false;
    }
    let pictographic = |c: char| {
        matches!(u32::from(c),
            0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21AA
            | 0x231A..=0x23FF | 0x24C2 | 0x25AA..=0x27BF | 0x2934 | 0x2935 | 0x2B05..=0x2B55
            | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
    };
    let keycap = emoji.ends_with('\u{20E3}');
    emoji.chars().any(pictographic) || keycap
}

impl Chat {
    /// Add or take back the actor's reaction to a message. Whoever may send in the conversation
    /// right now may react; a change is pushed to every member as `message_changed`.
    pub async fn react(&self, actor: &Actor, cmd: &React) -> Result<()> {
        let conversation = &cmd.conversation_id;
        if !is_emoji(&cmd.emoji) {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "a reaction is one emoji",
            ));
        }
        let mut tx = self.store.begin().await?;
        let (ctx, target) =
            Self::visible_entry(&mut tx, conversation, &actor.user, cmd.seq).await?;
        if !matches!(
            target.body,
            MessageBody::Text { .. } | MessageBody::File { .. } | MessageBody::Image { .. }
        ) {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "only text, file and image messages take reactions",
            ));
        }
        let quiet = MessageBody::Recalled { recalled_at: 0 };
        Self::check_may_send(&mut tx, &actor.user, &ctx, &quiet).await?;
        match reactions::toggle(
            &mut tx,
            conversation,
            cmd.seq,
            &actor.user,
            &cmd.emoji,
            cmd.on,
        )
        .await?
        {
            Toggled::Unchanged => Ok(()),
            Toggled::TooMany => Err(Error::client(
                ErrorCode::BadRequest,
                "a message takes at most 20 different reactions",
            )),
            Toggled::Changed(_) => {
                tx.commit().await?;
                self.publish_change(conversation, cmd.seq, &ctx.members)
                    .await
            }
        }
    }

    /// Push the message at `seq` as it is now to `members`.
    pub(super) async fn publish_change(
        &self,
        conversation: &ConversationId,
        seq: u64,
        members: &[UserId],
    ) -> Result<()> {
        let page = SeqPage {
            after: seq - 1,
            until: seq,
            limit: 1,
        };
        let Some(message) = self.store.messages_between(conversation, page).await?.pop() else {
            return Ok(());
        };
        let frame = ServerFrame::MessageChanged { message };
        Publisher::log_failure(self.publisher.ephemeral(members, &frame, None).await);
        Ok(())
    }

    /// Up to `limit` of `user`'s visible messages with `after < seq <= until` in `conversation`
    /// that changed after change `since`, in the order they last changed (for `sync`).
    pub async fn changed_since(
        &self,
        user: &UserId,
        conversation: &ConversationId,
        since: u64,
        seqs: (u64, u64),
        limit: u32,
    ) -> Result<Vec<Message>> {
        self.store
            .messages_page(
                conversation,
                user,
                (seqs.0, seqs.1.saturating_add(1)),
                limit,
                Order::ChangedAfter(since),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::is_emoji;

    #[test]
    fn one_emoji_passes_and_anything_else_does_not() {
        for ok in ["👍", "👍🏽", "❤️", "🇨🇳", "👨‍👩‍👧‍👦", "1️⃣", "🏳️‍🌈", "☺️", "🙏", "🫠"]
        {
            assert!(is_emoji(ok), "{ok} is one emoji");
        }
        for bad in [
            "",
            "a",
            "ab",
            "1",
            "好",
            "👍👍",
            "👍 ",
            ":)",
            "❤️❤️",
            "\u{200D}",
        ] {
            assert!(!is_emoji(bad), "{bad:?} is not one emoji");
        }
    }
}
