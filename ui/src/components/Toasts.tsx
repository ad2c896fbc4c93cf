import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useToasts } from "../state/toasts";
import "./Toasts.css";

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // A manual popover lives in the top layer, so toasts stay visible above open <dialog>s.
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof el.showPopover !== "function") return;
    if (el.matches(":popover-open")) el.hidePopover();
    if (toasts.length > 0) el.showPopover();
  }, [toasts]);
  return (
    <div ref={ref} className="toasts" popover="manual" role="alert" aria-live="assertive">
      {toasts.map((x) => (
        <div key={x.id} className={`toast toast--${x.kind}`}>
          <span>{x.text}</span>
          <button type="button" className="toast__close" onClick={() => dismiss(x.id)} aria-label={t("common.close")}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
