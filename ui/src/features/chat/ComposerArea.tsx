import { useTranslation } from "react-i18next";
import { useDisplayName } from "../../hooks/useDisplayName";
import { useNow } from "../../hooks/useNow";
import { formatDateTime } from "../../lib/format";
import { useConversations, type Conversation } from "../../state/conversations";
import { Composer } from "./Composer";
import { Icon } from "../../components/Icon";
import { previewOf, quoteText } from "./quote";

/** The composer, or a banner explaining why you cannot send here. */
export function ComposerArea({ c, title, onSent }: { c: Conversation; title: string; onSent(): void }) {
  const { t, i18n } = useTranslation();
  const now = useNow(15000);
  const g = c.group;
  let banner: string | null = null;
  if (c.ended === "removed") banner = t("chat.endedRemoved");
  else if (c.ended === "dissolved") banner = t("chat.endedDissolved");
  else if (c.ended === "left") banner = t("chat.endedLeft");
  else if (g && g.my_muted_until && g.my_muted_until > now)
    banner = t("chat.mutedUntil", { time: formatDateTime(g.my_muted_until, i18n.language) });
  else if (g && g.muted_all && g.my_role === "member") banner = t("chat.mutedAll");
  if (banner) {
    return (
      <div className="composer-banner" role="status" data-testid="muted-banner">
        <Icon name="mute" size={16} /> <span>{banner}</span>
        {c.ended && (
          <button type="button" className="button button--small" onClick={() => useConversations.getState().remove(c.conversation_id)}>
            {t("common.dismiss")}
          </button>
        )}
      </div>
    );
  }
  return (
    <>
      <ReplyBar conversationId={c.conversation_id} />
      <EditBar conversationId={c.conversation_id} />
      <Composer conversationId={c.conversation_id} title={title} onSent={onSent} />
    </>
  );
}

/** The message the composer is editing, with a way out (its earlier draft comes back). */
function EditBar({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const m = useConversations((s) => s.editing[conversationId]?.m);
  const preview = m && previewOf(m.body);
  if (!m || !preview) return null;
  return (
    <div className="reply-bar" data-testid="edit-bar">
      <div className="reply-bar__quote">
        <span className="reply-bar__label">{t("chat.editing")}</span>
        <span className="reply-bar__text">{quoteText(t, preview)}</span>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={t("chat.cancelEdit")}
        title={t("chat.cancelEdit")}
        onClick={() => {
          useConversations.getState().setEditing(conversationId, null);
          document.getElementById(`composer-${conversationId}`)?.focus();
        }}
        data-testid="cancel-edit"
      >
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}

/** The message the composer's next text replies to, with a way out. */
function ReplyBar({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const nameOf = useDisplayName();
  const m = useConversations((s) => s.replying[conversationId]);
  const preview = m && previewOf(m.body);
  if (!m || !preview) return null;
  return (
    <div className="reply-bar" data-testid="reply-bar">
      <div className="reply-bar__quote">
        <span className="reply-bar__label">{t("chat.replyingTo", { name: nameOf(m.sender_id) })}</span>
        <span className="reply-bar__text">{quoteText(t, preview)}</span>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={t("chat.cancelReply")}
        title={t("chat.cancelReply")}
        onClick={() => {
          useConversations.getState().setReplying(conversationId, null);
          document.getElementById(`composer-${conversationId}`)?.focus();
        }}
        data-testid="cancel-reply"
      >
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}
