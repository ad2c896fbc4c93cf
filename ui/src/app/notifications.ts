import type { i18n as I18n } from "i18next";
import type { Platform } from "../platform/platform";
import type { Message } from "../protocol/types";
import { mentionsMe, useConversations } from "../state/conversations";
import { displayName } from "../state/directory";
import { usePrefs } from "../state/prefs";
import { useSession } from "../state/session";
import { useUi } from "../state/ui";

/**
 * Returns the handler for incoming live messages: a system notification while the tab is hidden,
 * unless do-not-disturb is on, or the conversation is muted and the message neither mentions me
 * nor replies to me (those still notify, as in QQ). Without previews only the conversation's name
 * is shown.
 */
export function startNotifications(platform: Platform, i18n: I18n): (m: Message) => void {
  return (m) => {
    const { byId, activeId } = useConversations.getState();
    // The desktop app also notifies for a conversation that is not on screen; the web app leaves
    // that to its in-page unread badges.
    const onScreen = !platform.isHidden() && (platform.name === "web" || activeId === m.conversation_id);
    if (onScreen) return;
    const prefs = usePrefs.getState();
    if (prefs.dnd) return;
    if (prefs.muted[m.conversation_id] && !mentionsMe(m, useSession.getState().user?.user_id ?? "")) return;
    const c = byId[m.conversation_id];
    if (!c) return;
    const sender = displayName(m.sender_id, c.peer?.display_name ?? "");
    const raw = m.body.kind === "text" ? m.body.text : m.body.kind === "image" ? i18n.t("preview.image") : m.body.kind === "file" ? `${i18n.t("preview.file")} ${m.body.file.name}` : "";
    if (!raw) return;
    const text = raw.length > 140 ? `${raw.slice(0, 140)}…` : raw;
    const title = c.kind === "group" ? (c.group?.name ?? "") : sender;
    const body = !prefs.preview ? i18n.t("notify.hidden") : c.kind === "group" ? i18n.t("notify.groupBody", { name: sender, text }) : text;
    platform.notify({
      title,
      body,
      tag: m.conversation_id,
      onClick: () => {
        useConversations.getState().setActive(m.conversation_id);
        useUi.getState().set({ tab: "chats" });
      },
    });
  };
}
