import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Icon } from "../../components/Icon";
import { useClient } from "../../hooks/useClient";
import { useHistory } from "../../hooks/useHistory";
import { useSendFiles } from "../../hooks/useSendFiles";
import { useGroupMembers } from "../../hooks/useGroupMembers";
import { usePlatform } from "../../hooks/usePlatform";
import { useContacts } from "../../state/contacts";
import { useConversations } from "../../state/conversations";
import { usePrefs } from "../../state/prefs";
import { useSession } from "../../state/session";
import { useGroups } from "../../state/groups";
import { useUi } from "../../state/ui";
import { conversationAvatar, conversationTitle } from "../conversations/title";
import { useDirectory } from "../../state/directory";
import { markRead as sendReadMark } from "./actions";
import { ComposerArea } from "./ComposerArea";
import { MessageList } from "./MessageList";
import { TypingIndicator } from "./TypingIndicator";
import { Lightbox } from "./Lightbox";
import "./ChatView.css";

const GroupPanel = lazy(() => import("../groups/GroupPanel"));

/** Read markers: at most one a second (PROTOCOL.md, `mark_read`), the first once the list has settled. */
const MARK_READ_EVERY_MS = 1000;
const MARK_SETTLE_MS = 250;

export function ChatView({ conversationId, narrow }: { conversationId: string; narrow: boolean }) {
  const { t } = useTranslation();
  const client = useClient();
  const platform = usePlatform();
  const c = useConversations((s) => s.byId[conversationId]);
  const status = useSession((s) => s.status);
  const online = useContacts((s) => (c?.peer ? s.online[c.peer.user_id] : undefined));
  const groupPanel = useUi((s) => s.groupPanel);
  const pendingRequests = useGroups((s) => Object.keys(s.joinRequests[conversationId] ?? {}).length);
  const muted = usePrefs((s) => !!s.muted[conversationId]);
  const profiles = useDirectory((s) => s.profiles);
  const { loadOlder, loadUntil } = useHistory(conversationId);
  useGroupMembers(conversationId, c?.kind === "group" && !c.ended);
  const [firstUnread] = useState(() => (c && c.unread > 0 ? c.read_seq + 1 : 0));
  const atBottom = useRef(true);
  const dropRef = useRef<HTMLDivElement>(null);
  const sendFiles = useSendFiles(conversationId);
  const canSend = Boolean(c && !c.ended);
  useEffect(() => {
    const el = dropRef.current;
    if (!el || !canSend || !platform.supportsFiles) return;
    return platform.onFileDrop(el, sendFiles);
  }, [platform, sendFiles, canSend]);
  const sentMark = useRef(0);

  // Read markers: when the newest entry is on screen and the page is visible.
  const markRead = useCallback(() => {
    const cur = useConversations.getState().byId[conversationId];
    if (!cur || cur.ended || !atBottom.current || platform.isHidden()) return;
    if (useSession.getState().status !== "online") return;
    const seq = cur.last_seq;
    if (seq > cur.read_seq && seq > sentMark.current) {
      sentMark.current = seq;
      sendReadMark(client, conversationId, seq).catch(() => {
        sentMark.current = 0;
      });
    }
  }, [client, conversationId, platform]);

  // At most one read marker a second, carrying the newest seq when it goes: a busy group must
  // neither cost one request per message nor, debounced, never be marked while messages flow.
  const markTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastMarkAt = useRef(0);
  const requestMark = useCallback(() => {
    if (markTimer.current) return;
    const wait = Math.max(MARK_SETTLE_MS, lastMarkAt.current + MARK_READ_EVERY_MS - Date.now());
    markTimer.current = setTimeout(() => {
      markTimer.current = null;
      lastMarkAt.current = Date.now();
      markRead();
    }, wait);
  }, [markRead]);
  useEffect(
    () => () => {
      if (markTimer.current) clearTimeout(markTimer.current);
      markTimer.current = null;
    },
    [markRead],
  );

  const lastSeq = c?.last_seq ?? 0;
  useEffect(() => requestMark(), [lastSeq, status, requestMark]);
  useEffect(() => platform.onVisibilityChange(requestMark), [platform, requestMark]);

  const onAtBottom = useCallback(
    (b: boolean) => {
      atBottom.current = b;
      if (b) requestMark();
    },
    [requestMark],
  );

  if (!c) return null;
  const title = conversationTitle(c);
  const g = c.group;
  const subtitle =
    c.kind === "group" && g
      ? `${t("groups.number", { number: g.number })} · ${t("chat.memberCount", { count: g.member_count })}`
      : c.kind === "temporary"
        ? t("chat.tempVia", { group: c.via_group?.name ?? "" })
        : online
          ? t("chat.online")
          : t("chat.offline");

  return (
    <div className="chat">
      <div className="chat__main" ref={dropRef} data-drop-hint={t("chat.dropHint")}>
        <header className="chat__header">
          {narrow && (
            <button type="button" className="icon-button" aria-label={t("common.back")} onClick={() => useConversations.getState().setActive(null)}>
              <Icon name="back" />
            </button>
          )}
          <Avatar id={c.peer?.user_id ?? c.conversation_id} name={title} fileId={conversationAvatar(c, profiles)} group={c.kind === "group"} size={36} online={c.kind === "direct" ? (online ?? false) : undefined} />
          <div className="chat__titles">
            <h1 className="chat__title" data-testid="chat-title">
              {title}
              {c.kind === "temporary" && <span className="pill pill--temp">{t("list.temporary")}</span>}
            </h1>
            <p className="chat__subtitle">{subtitle}</p>
          </div>
          <button
            type="button"
            className={`icon-button${muted ? " icon-button--active" : ""}`}
            aria-pressed={muted}
            aria-label={muted ? t("settings.unmute") : t("settings.mute")}
            title={muted ? t("settings.unmute") : t("settings.mute")}
            onClick={() => usePrefs.getState().toggleMuted(c.conversation_id)}
            data-testid="mute-conversation"
          >
            <Icon name={muted ? "mute" : "bell"} />
          </button>
          {c.kind === "group" && !c.ended && (
            <button
              type="button"
              className={`icon-button${groupPanel ? " icon-button--active" : ""}`}
              aria-label={t("chat.groupInfo")}
              aria-expanded={groupPanel}
              title={t("chat.groupInfo")}
              onClick={() => useUi.getState().set({ groupPanel: !groupPanel })}
              data-testid="group-info"
            >
              <Icon name="groups" />
              {pendingRequests > 0 && (
                <span className="badge icon-button__badge" aria-label={t("groups.reviewRequests", { count: pendingRequests })} data-testid="group-info-requests">
                  {pendingRequests}
                </span>
              )}
            </button>
          )}
        </header>
        <MessageList conversationId={conversationId} firstUnread={firstUnread} onAtBottom={onAtBottom} loadOlder={loadOlder} loadUntil={loadUntil} />
        <TypingIndicator conversationId={conversationId} />
        <ComposerArea c={c} title={title} onSent={() => (atBottom.current = true)} />
      </div>
      <Lightbox />
      {groupPanel && c.kind === "group" && !c.ended && (
        <Suspense fallback={<aside className="gpanel" />}>
          <GroupPanel conversationId={conversationId} narrow={narrow} />
        </Suspense>
      )}
    </div>
  );
}
