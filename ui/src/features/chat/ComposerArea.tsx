import { useTranslation } from "react-i18next";
import { useDisplayName } from "../../hooks/useDisplayName";
import { useNow } from "../../hooks/useNow";
import { formatDateTime } from "../../lib/format";
import { useConversations, type Conversation } from "../../state/conversations";
import { Composer } from "./Composer";
import { Icon } from "../../components/Icon";
import type { Message } from "../../protocol/types";
import { previewOf, quoteText } from "../../lib/quote";

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
  return (
    <ComposerBar
      conversationId={conversationId}
      m={m}
      label={t("chat.editing")}
      cancel={t("chat.cancelEdit")}
      onCancel={() => useConversations.getState().setEditing(conversationId, null)}
      testId="edit"
    />
  );
}

/** The message the composer's next text replies to, with a way out. */
function ReplyBar({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const nameOf = useDisplayName();
  const m = useConversations((s) => s.replying[conversationId]);
  return (
    <ComposerBar
      conversationId={conversationId}
      m={m}
      label={m ? t("chat.replyingTo", { name: nameOf(m.sender_id) }) : ""}
      cancel={t("chat.cancelReply")}
      onCancel={() => useConversations.getState().setReplying(conversationId, null)}
      testId="reply"
    />
  );
}

interface BarProps {
  conversationId: string;
  m: Message | undefined;
  label: string;
  cancel: string;
  onCancel(): void;
  /** `reply` or `edit`: the bar is `{testId}-bar`, its button `cancel-{testId}`. */
  testId: string;
}

/** A bar over the composer naming the message it acts on, with a button to stop. */
function ComposerBar({ conversationId, m, label, cancel, onCancel, testId }: BarProps) {
  const { t } = useTranslation();
  const preview = m && previewOf(m.body);
  if (!preview) return null;
  return (
    <div className="reply-bar" data-testid={`${testId}-bar`}>
      <div className="reply-bar__quote">
        <span className="reply-bar__label">{label}</span>
        <span className="reply-bar__text">{quoteText(t, preview)}</span>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={cancel}
        title={cancel}
        onClick={() => {
          onCancel();
          document.getElementById(`composer-${conversationId}`)?.focus();
        }}
        data-testid={`cancel-${testId}`}
      >
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}
