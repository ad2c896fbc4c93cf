import { useTranslation } from "react-i18next";
import { useToasts } from "../state/toasts";
import "./Toasts.css";

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  const { t } = useTranslation();
  return (
    <div className="toasts" role="alert" aria-live="assertive">
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
