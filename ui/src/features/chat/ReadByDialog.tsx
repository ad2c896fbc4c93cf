import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Modal } from "../../components/Modal";
import { useClient } from "../../hooks/useClient";
import { useDisplayName } from "../../hooks/useDisplayName";
import type { ReplyOf } from "../../protocol/client";
import { useDirectory } from "../../state/directory";
import { useToasts } from "../../state/toasts";
import { readBy } from "./actions";
import "../../components/Panel.css";

/** Who of a group read my message and who has not (QQ's 已读 / 未读 lists). */
export function ReadByDialog({ conversationId, seq, onClose }: { conversationId: string; seq: number; onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [lists, setLists] = useState<ReplyOf<"read_by"> | null>(null);
  useEffect(() => {
    let stale = false;
    readBy(client, conversationId, seq)
      .then((r) => {
        if (!stale) setLists(r);
      })
      .catch(() => {
        useToasts.getState().push(t("errors.generic"));
        onClose();
      });
    return () => {
      stale = true;
    };
  }, [client, conversationId, seq, onClose, t]);
  return (
    <Modal title={t("chat.readByTitle")} onClose={onClose}>
      {lists === null ? (
        <p className="panel__hint">{t("common.loading")}</p>
      ) : (
        <div className="readby" data-testid="read-by">
          <People title={t("chat.readList", { count: lists.read_count })} ids={lists.read} total={lists.read_count} testId="read-list" />
          <People title={t("chat.unreadList", { count: lists.unread_count })} ids={lists.unread} total={lists.unread_count} testId="unread-list" />
        </div>
      )}
    </Modal>
  );
}

function People({ title, ids, total, testId }: { title: string; ids: string[]; total: number; testId: string }) {
  const { t } = useTranslation();
  const nameOf = useDisplayName();
  const profiles = useDirectory((s) => s.profiles);
  const sorted = [...ids].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  return (
    <section>
      <h3 className="section-title">{title}</h3>
      <ul className="plist readby__list" data-testid={testId}>
        {sorted.map((id) => (
          <li key={id} className="pitem">
            <Avatar id={id} name={nameOf(id)} size={28} fileId={profiles[id]?.avatar} />
            <span className="pitem__name">{nameOf(id)}</span>
          </li>
        ))}
      </ul>
      {total > ids.length && <p className="panel__hint">{t("chat.readByMore", { count: total - ids.length })}</p>}
    </section>
  );
}
