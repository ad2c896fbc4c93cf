import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { useMediaQuery } from "../../hooks/useMediaQuery";
import { usePlatform } from "../../hooks/usePlatform";
import { shortcutLabel } from "../../lib/keys";
import { sortedConversations, useConversations } from "../../state/conversations";
import { useUi } from "../../state/ui";
import { ConversationItem } from "./ConversationItem";
import { NotifyPrompt } from "./NotifyPrompt";
import { conversationTitle } from "./title";
import "./ConversationList.css";

export function ConversationList() {
  const { t } = useTranslation();
  const byId = useConversations((s) => s.byId);
  const activeId = useConversations((s) => s.activeId);
  const [filter, setFilter] = useState("");
  const list = useMemo(() => {
    const all = sortedConversations(byId);
    const f = filter.trim().toLowerCase();
    return f ? all.filter((c) => conversationTitle(c).toLowerCase().includes(f)) : all;
  }, [byId, filter]);
  const platform = usePlatform();
  const touch = useMediaQuery("(pointer: coarse)");
  const shortcut = shortcutLabel("k");
  const shown = list.length > 0;
  useEffect(() => {
    if (shown) platform.listShown?.();
  }, [shown, platform]);

  return (
    <div className="clist">
      <div className="clist__header">
        <label className="search-box">
          <Icon name="search" size={16} />
          <span className="visually-hidden">{t("list.filter")}</span>
          <input className="search-box__input" type="search" placeholder={t("list.filter")} value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
        {/* A keyboard hint is for keyboards: not on phones and tablets. */}
        {!touch && (
          <button type="button" className="icon-button" title={`${t("switcher.title")} (${shortcut})`} aria-label={t("switcher.title")} onClick={() => useUi.getState().set({ switcher: true })} data-testid="switcher-hint">
            <kbd>{shortcut}</kbd>
          </button>
        )}
      </div>
      <NotifyPrompt />
      {list.length === 0 ? (
        <p className="empty">{filter ? t("switcher.empty") : t("list.empty")}</p>
      ) : (
        <ul className="clist__items" aria-label={t("list.label")} data-testid="conversation-list">
          {list.map((c) => (
            <li key={c.conversation_id}>
              <ConversationItem c={c} active={c.conversation_id === activeId} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
