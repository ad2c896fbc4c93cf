import { lazy, Suspense, useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Confirm } from "../../components/Confirm";
import { ConnectionBanner } from "../../components/ConnectionBanner";
import { Icon, type IconName } from "../../components/Icon";
import { useClient } from "../../hooks/useClient";
import { useHotkey } from "../../hooks/useHotkey";
import { useMediaQuery } from "../../hooks/useMediaQuery";
import { usePlatform } from "../../hooks/usePlatform";
import { useTitleUnread } from "../../hooks/useTitleUnread";
import { useContacts } from "../../state/contacts";
import { useConversations } from "../../state/conversations";
import { pendingJoinCount, useGroups } from "../../state/groups";
import { useSession } from "../../state/session";
import { useUi, type Tab } from "../../state/ui";
import { ConversationList } from "../conversations/ConversationList";
import { Switcher } from "../conversations/Switcher";
import { ChatView } from "../chat/ChatView";
import { LanguageSwitch } from "./LanguageSwitch";
import { SettingsDialog } from "./SettingsDialog";
import "./Shell.css";

const ContactsPanel = lazy(() => import("../contacts/ContactsPanel"));
const GroupsPanel = lazy(() => import("../groups/GroupsPanel"));

export default function Shell() {
  const { t } = useTranslation();
  const client = useClient();
  const platform = usePlatform();
  const user = useSession((s) => s.user);
  const tab = useUi((s) => s.tab);
  const switcher = useUi((s) => s.switcher);
  const activeId = useConversations((s) => s.activeId);
  const unread = useTitleUnread();
  const requests = useContacts((s) => Object.keys(s.incoming).length);
  const joinRequests = useGroups((s) => pendingJoinCount(s.joinRequests));
  const narrow = useMediaQuery("(max-width: 720px)");
  const [perm, setPerm] = useState(platform.notificationPermission());
  const [settings, setSettings] = useState(false);
  const [confirmLogout, setConfirmLogout] = useState(false);

  useHotkey(
    "k",
    useCallback(() => useUi.getState().set({ switcher: !useUi.getState().switcher }), []),
  );

  if (!user) return null;
  const showChat = !narrow || (tab === "chats" && activeId !== null);
  const showSide = !narrow || !showChat;

  const nav: Array<{ id: Tab; icon: IconName; label: string; badge: number }> = [
    { id: "chats", icon: "chat", label: t("nav.chats"), badge: unread },
    { id: "contacts", icon: "contacts", label: t("nav.contacts"), badge: requests },
    { id: "groups", icon: "groups", label: t("nav.groups"), badge: joinRequests },
  ];

  return (
    <div className={`shell${narrow ? " shell--narrow" : ""}`}>
      <ConnectionBanner />
      <div className="shell__body">
        {showSide && (
          <nav className="rail" aria-label={t("nav.main")}>
            <button
              type="button"
              className="rail__me"
              title={t("nav.profile", { name: user.display_name })}
              aria-label={t("settings.open")}
              onClick={() => setSettings(true)}
              data-testid="open-settings"
            >
              <Avatar id={user.user_id} name={user.display_name} size={38} fileId={user.avatar} />
            </button>
            <ul className="rail__tabs">
              {nav.map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    className={`rail__tab${tab === n.id ? " rail__tab--active" : ""}`}
                    aria-current={tab === n.id ? "page" : undefined}
                    onClick={() => useUi.getState().set({ tab: n.id })}
                    data-testid={`tab-${n.id}`}
                  >
                    <Icon name={n.icon} size={22} />
                    <span className="rail__label">{n.label}</span>
                    {n.badge > 0 && <span className="badge rail__badge">{n.badge > 99 ? "99+" : n.badge}</span>}
                  </button>
                </li>
              ))}
            </ul>
            <div className="rail__bottom">
              {perm === "default" && (
                <button
                  type="button"
                  className="icon-button rail__notify"
                  title={t("nav.enableNotifications")}
                  aria-label={t("nav.enableNotifications")}
                  onClick={() => void platform.requestNotificationPermission().then(setPerm)}
                >
                  <Icon name="bell" />
                </button>
              )}
              <LanguageSwitch className="select rail__lang" short />
              <button type="button" className="icon-button" title={t("nav.logout")} aria-label={t("nav.logout")} onClick={() => setConfirmLogout(true)} data-testid="logout">
                <Icon name="logout" />
              </button>
              {confirmLogout && <Confirm text={t("nav.confirmLogout")} onConfirm={() => void client.logout()} onClose={() => setConfirmLogout(false)} />}
            </div>
          </nav>
        )}
        {showSide && (
          <aside className="side" aria-label={t(`nav.${tab}`)}>
            <Suspense fallback={<p className="empty">{t("common.loading")}</p>}>
              {tab === "chats" && <ConversationList />}
              {tab === "contacts" && <ContactsPanel />}
              {tab === "groups" && <GroupsPanel />}
            </Suspense>
          </aside>
        )}
        {showChat && (
          <main className="main">
            {activeId ? (
              <ChatView key={activeId} conversationId={activeId} narrow={narrow} />
            ) : (
              <div className="main__empty">
                <div className="main__empty-logo" aria-hidden="true">聊</div>
                <p>{t("chat.selectConversation")}</p>
                <p className="main__hint">
                  <kbd>Ctrl</kbd> + <kbd>K</kbd> {t("switcher.title")}
                </p>
              </div>
            )}
          </main>
        )}
      </div>
      {switcher && <Switcher />}
      {settings && <SettingsDialog onClose={() => setSettings(false)} />}
    </div>
  );
}
