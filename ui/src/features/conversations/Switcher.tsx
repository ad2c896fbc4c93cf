import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Modal } from "../../components/Modal";
import { useOpenConversation } from "../../hooks/useOpenConversation";
import { sortedConversations, useConversations } from "../../state/conversations";
import { useUi } from "../../state/ui";
import { conversationAvatar, conversationTitle } from "./title";
import { useDirectory } from "../../state/directory";
import "./Switcher.css";

/** Ctrl/Cmd+K: type to filter, arrows to move, Enter to open. */
export function Switcher() {
  const { t } = useTranslation();
  const byId = useConversations((s) => s.byId);
  const profiles = useDirectory((s) => s.profiles);
  const open = useOpenConversation();
  const [q, setQ] = useState("");
  const [sel, setSel] = useState(0);
  const close = () => useUi.getState().set({ switcher: false });
  const items = useMemo(() => {
    const f = q.trim().toLowerCase();
    return sortedConversations(byId)
      .filter((c) => !f || conversationTitle(c).toLowerCase().includes(f) || String(c.group?.number ?? "").includes(f))
      .slice(0, 12);
  }, [byId, q]);
  const choose = (i: number) => {
    const c = items[i];
    if (c) open(c.conversation_id);
  };
  return (
    <Modal title={t("switcher.title")} onClose={close}>
      <input
        className="input"
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="switcher-list"
        aria-activedescendant={items[sel] ? `sw-${items[sel].conversation_id}` : undefined}
        aria-label={t("switcher.placeholder")}
        placeholder={t("switcher.placeholder")}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setSel(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setSel((s) => Math.min(items.length - 1, s + 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setSel((s) => Math.max(0, s - 1));
          } else if (e.key === "Enter" && !e.nativeEvent.isComposing) {
            e.preventDefault();
            choose(sel);
          }
        }}
      />
      <ul id="switcher-list" className="switcher__list" role="listbox" aria-label={t("list.label")}>
        {items.length === 0 && <li className="empty">{t("switcher.empty")}</li>}
        {items.map((c, i) => (
          <li
            key={c.conversation_id}
            id={`sw-${c.conversation_id}`}
            role="option"
            aria-selected={i === sel}
            className={`switcher__item${i === sel ? " switcher__item--sel" : ""}`}
            onMouseEnter={() => setSel(i)}
            onClick={() => choose(i)}
          >
            <Avatar id={c.peer?.user_id ?? c.conversation_id} name={conversationTitle(c)} fileId={conversationAvatar(c, profiles)} group={c.kind === "group"} size={30} />
            <span className="switcher__name">{conversationTitle(c)}</span>
            {c.kind === "temporary" && <span className="pill pill--temp">{t("list.temporary")}</span>}
            {c.unread > 0 && <span className="badge">{c.unread}</span>}
          </li>
        ))}
      </ul>
    </Modal>
  );
}
