import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Modal } from "../../components/Modal";
import { useClient } from "../../hooks/useClient";
import { sortedConversations, useConversations } from "../../state/conversations";
import { useDirectory } from "../../state/directory";
import { useToasts } from "../../state/toasts";
import { conversationAvatar, conversationTitle } from "../conversations/title";
import "../conversations/Switcher.css";

/** Most conversations one forward goes to (QQ allows 9; every message is one send per target). */
export const MAX_FORWARD_TARGETS = 9;

/**
 * Forwards the entries `seqs` of conversation `from` to the conversations the user ticks, one
 * `send_message` of kind `forward` per message and target, in order (QQ's 逐条转发). The sends go
 * through the outbox: they survive going offline, and a refused one shows in its target.
 */
export function ForwardDialog({ from, seqs, onClose }: { from: string; seqs: number[]; onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const byId = useConversations((s) => s.byId);
  const profiles = useDirectory((s) => s.profiles);
  const [q, setQ] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const items = useMemo(() => {
    const f = q.trim().toLowerCase();
    return sortedConversations(byId).filter(
      (c) => !c.ended && (!f || conversationTitle(c).toLowerCase().includes(f) || String(c.group?.number ?? "").includes(f)),
    );
  }, [byId, q]);
  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : p.length >= MAX_FORWARD_TARGETS ? p : [...p, id]));
  const send = () => {
    const ordered = [...seqs].sort((a, b) => a - b);
    for (const to of picked) for (const seq of ordered) client.sendMessage(to, { kind: "forward", conversation_id: from, seq });
    useToasts.getState().push(t("chat.forwarded", { count: picked.length }), "info");
    onClose();
  };
  return (
    <Modal title={t("chat.forwardTitle", { count: seqs.length })} onClose={onClose}>
      <input
        className="input"
        autoFocus
        aria-label={t("switcher.placeholder")}
        placeholder={t("switcher.placeholder")}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="forward-filter"
      />
      <ul className="switcher__list" aria-label={t("chat.forwardTargets")}>
        {items.length === 0 && <li className="empty">{t("switcher.empty")}</li>}
        {items.map((c) => {
          const title = conversationTitle(c);
          const on = picked.includes(c.conversation_id);
          return (
            <li key={c.conversation_id}>
              <label className={`switcher__item${on ? " switcher__item--sel" : ""}`} data-testid="forward-target" data-title={title}>
                <input type="checkbox" checked={on} onChange={() => toggle(c.conversation_id)} />
                <Avatar id={c.peer?.user_id ?? c.conversation_id} name={title} fileId={conversationAvatar(c, profiles)} group={c.kind === "group"} size={30} />
                <span className="switcher__name">{title}</span>
                {c.kind === "temporary" && <span className="pill pill--temp">{t("list.temporary")}</span>}
              </label>
            </li>
          );
        })}
      </ul>
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t("common.cancel")}
        </button>
        <button type="button" className="button button--primary" disabled={picked.length === 0} onClick={send} data-testid="forward-send">
          {t("chat.forwardSend", { count: Math.max(1, picked.length) })}
        </button>
      </div>
    </Modal>
  );
}
