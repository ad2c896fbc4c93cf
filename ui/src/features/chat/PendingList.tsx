import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useClient } from "../../hooks/useClient";
import { useErrorText } from "../../hooks/useErrorText";
import { formatBytes } from "../../lib/size";
import { useMessages } from "../../state/messages";
import { useUploads } from "../../state/uploads";

/**
 * Messages sent but not yet acknowledged by the server, after the list: sending, waiting to be
 * resent by themselves (the server stored nothing for now), or refused (Retry or Discard).
 */
export function PendingList({ conversationId }: { conversationId: string }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const errorText = useErrorText();
  const pending = useMessages((s) => s.pending);
  const uploads = useUploads((s) => s.uploads).filter((u) => u.conversation_id === conversationId);
  const items = useMessages((s) => s.byConv[conversationId]?.items);
  const mine = pending.filter(
    (p) => p.conversation_id === conversationId && !Object.values(items ?? {}).some((m) => m.client_msg_id === p.client_msg_id),
  );
  // A new upload or pending message: bring it into view (footer growth does not scroll the list).
  const footer = useRef<HTMLDivElement>(null);
  const count = uploads.length + mine.length;
  const seen = useRef(count);
  useEffect(() => {
    if (count > seen.current) footer.current?.scrollIntoView?.({ block: "end" });
    seen.current = count;
  }, [count]);
  if (count === 0) return <div className="mlist__footer" ref={footer} />;
  return (
    <div className="mlist__footer" ref={footer}>
      {uploads.map((u) => (
        <div key={u.id} className="row">
          <div className="msg msg--own msg--pending" data-testid="upload">
            <div className="msg__col">
              <div className={`bubble${u.preview ? " bubble--media" : " bubble--file"}`}>
                {u.preview ? (
                  <img className="upload__preview" src={u.preview} alt={u.name} />
                ) : (
                  <span className="filecard__name">{u.name}</span>
                )}
                {!u.error && (
                  <div className="upload__row">
                    <progress className="upload__progress" max={1} value={u.progress} aria-label={t("chat.uploading", { name: u.name, percent: Math.round(u.progress * 100) })} />
                    <span className="upload__pct">{t("upload.progress", { percent: Math.round(u.progress * 100), size: formatBytes(u.size, i18n.language) })}</span>
                    <button type="button" className="link-button upload__cancel" onClick={() => useUploads.getState().cancel(u.id)} aria-label={t("upload.cancelUpload", { name: u.name })} data-testid="upload-cancel">
                      {t("upload.cancel")}
                    </button>
                  </div>
                )}
              </div>
              {u.error && (
                <div className="msg__failed" role="alert">
                  {t("chat.uploadFailed", { name: u.name, reason: u.error })}{" "}
                  <button type="button" className="link-button" onClick={() => useUploads.getState().remove(u.id)}>
                    {t("chat.discard")}
                  </button>
                </div>
              )}
            </div>
          </div>
        </div>
      ))}
      {mine.map((p) => (
        <div key={p.client_msg_id} className="row">
          <div className="msg msg--own msg--pending" data-testid="pending-message">
            <div className="msg__col">
              <div className="msg__line">
                <div className="bubble">
                  {p.body.kind === "text"
                    ? p.body.text
                    : p.body.kind === "image"
                      ? t("preview.image")
                      : p.body.kind === "forward"
                        ? t("preview.forward")
                        : t("preview.file")}
                  <span className="bubble__time">{p.failed ? "!" : p.waiting ? t("chat.waiting") : t("chat.sending")}</span>
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
              {!p.failed && p.waiting && (
                <div className="msg__waiting" role="status" data-testid="pending-waiting">
                  {errorText(p.waiting)}{" "}
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
