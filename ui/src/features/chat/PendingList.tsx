import { useTranslation } from "react-i18next";
import { useClient } from "../../hooks/useClient";
import { useErrorText } from "../../hooks/useErrorText";
import { useMessages } from "../../state/messages";

/** Messages sent but not yet acknowledged by the server (or refused), after the list. */
export function PendingList({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const errorText = useErrorText();
  const pending = useMessages((s) => s.pending);
  const items = useMessages((s) => s.byConv[conversationId]?.items);
  const mine = pending.filter(
    (p) => p.conversation_id === conversationId && !Object.values(items ?? {}).some((m) => m.client_msg_id === p.client_msg_id),
  );
  if (mine.length === 0) return <div className="mlist__footer" />;
  return (
    <div className="mlist__footer">
      {mine.map((p) => (
        <div key={p.client_msg_id} className="row">
          <div className="msg msg--own msg--pending" data-testid="pending-message">
            <div className="msg__col">
              <div className="msg__line">
                <div className="bubble">
                  {p.body.text}
                  <span className="bubble__time">{p.failed ? "!" : t("chat.sending")}</span>
                </div>
              </div>
              {p.failed && (
                <div className="msg__failed" role="alert">
                  {t("chat.failed", { reason: errorText(p.failed) })}{" "}
                  <button type="button" className="link-button" onClick={() => client.retrySend(p.client_msg_id)}>
                    {t("chat.retry")}
                  </button>{" "}
                  <button type="button" className="link-button" onClick={() => client.discardSend(p.client_msg_id)}>
                    {t("chat.discard")}
                  </button>
                </div>
              )}
            </div>
          </div>
        </div>
      ))}
    </div>
  );
}
