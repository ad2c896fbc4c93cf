import { useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { useFileUrls } from "../../hooks/useFileUrls";
import { usePlatform } from "../../hooks/usePlatform";
import type { FileInfo } from "../../protocol/types";
import { useMessages } from "../../state/messages";
import { useUi } from "../../state/ui";
import "./Lightbox.css";

/** Images of a conversation that the client holds, oldest first. */
export function conversationImages(items: Record<number, { body: { kind: string } }> | undefined, seqs: number[] | undefined): FileInfo[] {
  const out: FileInfo[] = [];
  for (const s of seqs ?? []) {
    const b = items?.[s]?.body as { kind: string; file?: FileInfo } | undefined;
    if (b?.kind === "image" && b.file) out.push(b.file);
  }
  return out;
}

/**
 * The full-size image viewer on a modal <dialog> (the rest of the page is inert, so focus stays
 * inside). Escape and the close button close it and focus returns to the thumbnail; the arrow
 * keys move between the images of the conversation.
 */
export function Lightbox() {
  const open = useUi((s) => s.lightbox);
  if (!open) return null;
  return <LightboxDialog conversationId={open.conversationId} fileId={open.fileId} />;
}

function LightboxDialog({ conversationId, fileId }: { conversationId: string; fileId: string }) {
  const { t } = useTranslation();
  const platform = usePlatform();
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const conv = useMessages((s) => s.byConv[conversationId]);
  const images = useMemo(() => conversationImages(conv?.items, conv?.seqs), [conv]);
  const index = images.findIndex((f) => f.file_id === fileId);
  const file = images[index];
  const urls = useFileUrls(fileId);
  const close = () => useUi.getState().set({ lightbox: null });
  const go = (d: number) => {
    const next = images[index + d];
    if (next) useUi.getState().set({ lightbox: { conversationId, fileId: next.file_id } });
  };

  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
    closeRef.current?.focus();
    return () => {
      d?.close();
      opener?.focus();
    };
  }, []);

  const name = file?.name ?? "";
  return (
    <dialog
      ref={ref}
      className="lightbox"
      aria-label={t("lightbox.title", { name })}
      data-testid="lightbox"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      onKeyDown={(e) => {
        if (e.key === "Tab") {
          // Keep focus inside (a modal dialog alone would let it move on to the browser's own UI).
          const f = [...e.currentTarget.querySelectorAll<HTMLElement>("button:not([disabled])")];
          const first = f[0];
          const last = f[f.length - 1];
          if (first && last && e.shiftKey && document.activeElement === first) {
            e.preventDefault();
            last.focus();
          } else if (first && last && !e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first.focus();
          }
        } else if (e.key === "ArrowLeft") {
          e.preventDefault();
          go(-1);
        } else if (e.key === "ArrowRight") {
          e.preventDefault();
          go(1);
        }
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div className="lightbox__bar">
        <span className="lightbox__name">
          {name}
          {images.length > 1 && index >= 0 && <span className="lightbox__count">{t("lightbox.position", { n: index + 1, total: images.length })}</span>}
        </span>
        <button type="button" className="icon-button lightbox__btn" disabled={!urls} onClick={() => urls && platform.download(urls.url, name || "image")} aria-label={t("chat.download")} title={t("chat.download")} data-testid="lightbox-download">
          <Icon name="download" />
        </button>
        <button type="button" className="icon-button lightbox__btn" onClick={close} aria-label={t("common.close")} title={t("common.close")} data-testid="lightbox-close" ref={closeRef}>
          <Icon name="close" />
        </button>
      </div>
      <div className="lightbox__stage" onClick={(e) => e.target === e.currentTarget && close()}>
        {index > 0 && (
          <button type="button" className="icon-button lightbox__nav lightbox__nav--prev" onClick={() => go(-1)} aria-label={t("lightbox.previous")} title={t("lightbox.previous")}>
            <Icon name="back" />
          </button>
        )}
        {urls ? (
          <img className="lightbox__img" src={urls.url} alt={name} width={file?.width} height={file?.height} data-testid="lightbox-image" />
        ) : (
          <span className="lightbox__loading">{t("common.loading")}</span>
        )}
        {index >= 0 && index < images.length - 1 && (
          <button type="button" className="icon-button lightbox__nav lightbox__nav--next" onClick={() => go(1)} aria-label={t("lightbox.next")} title={t("lightbox.next")}>
            <Icon name="forward" />
          </button>
        )}
      </div>
    </dialog>
  );
}
