import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Icon } from "../../components/Icon";
import { useDisplayName } from "../../hooks/useDisplayName";
import { useOpenConversation } from "../../hooks/useOpenConversation";
import { listTime } from "../../lib/format";
import { useContacts } from "../../state/contacts";
import { useConversations, type Conversation } from "../../state/conversations";
import { usePrefs } from "../../state/prefs";
import { useSession } from "../../state/session";
import { previewText } from "../chat/systemText";
import { conversationAvatar, conversationTitle } from "./title";
import { useDirectory } from "../../state/directory";

export function ConversationItem({ c, active }: { c: Conversation; active: boolean }) {
  const { t, i18n } = useTranslation();
  const open = useOpenConversation();
  const nameOf = useDisplayName();
  const draft = useConversations((s) => s.drafts[c.conversation_id]);
  const me = useSession((s) => s.user?.user_id ?? "");
  const online = useContacts((s) => (c.peer ? s.online[c.peer.user_id] : undefined));
  const profiles = useDirectory((s) => s.profiles);
  const muted = usePrefs((s) => !!s.muted[c.conversation_id]);
  const title = conversationTitle(c);
  const group = c.kind === "group";
  const m = c.last_message;
  const preview = c.ended
    ? t("list.ended")
    : draft && !active
      ? null
      : m
        ? previewText(t, i18n.language, m, nameOf, group, me)
        : t("preview.empty");
  const mentioned = c.mention_seq > 0 && c.unread > 0;
  return (
    <button
      type="button"
      className={`citem${active ? " citem--active" : ""}`}
      aria-current={active ? "true" : undefined}
      onClick={() => open(c.conversation_id)}
      data-testid="conversation-item"
      data-title={title}
    >
      <Avatar id={c.peer?.user_id ?? c.conversation_id} name={title} fileId={conversationAvatar(c, profiles)} group={group} online={c.kind === "direct" ? (online ?? false) : undefined} size={44} />
      <span className="citem__body">
        <span className="citem__top">
          <span className="citem__title">{title}</span>
          {c.kind === "temporary" && <span className="pill pill--temp">{t("list.temporary")}</span>}
          {muted && (
            <span className="citem__muted" role="img" aria-label={t("settings.mute")} title={t("settings.mute")}>
              <Icon name="mute" size={14} />
            </span>
          )}
          {m && <span className="citem__time">{listTime(m.sent_at, i18n.language, t("chat.yesterday"))}</span>}
        </span>
        <span className="citem__bottom">
          <span className="citem__preview">
            {c.kind === "temporary" && c.via_group && <span className="citem__via">{t("list.via", { group: c.via_group.name })} · </span>}
            {mentioned && <span className="citem__mention">{t("list.mention")} </span>}
            {draft && !active && !c.ended ? (
              <>
                <span className="citem__draft">{t("list.draft")}</span> {draft}
              </>
            ) : (
              preview
            )}
          </span>
          {c.unread > 0 && !c.ended && (
            <span className={`badge${mentioned ? " badge--mention" : muted ? " badge--muted" : ""}`} aria-label={t("list.unread", { count: c.unread })} data-testid="unread-badge">
              {c.unread > 99 ? "99+" : c.unread}
            </span>
          )}
        </span>
      </span>
    </button>
  );
}
