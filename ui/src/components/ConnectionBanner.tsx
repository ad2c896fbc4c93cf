import { useTranslation } from "react-i18next";
import { useSession } from "../state/session";
import "./ConnectionBanner.css";

/** Shows connecting / syncing / reconnecting / offline; nothing while online. */
export function ConnectionBanner() {
  const status = useSession((s) => s.status);
  const { t } = useTranslation();
  if (status === "online" || status === "logged_out") return null;
  return (
    <div className={`conn-banner conn-banner--${status}`} role="status" aria-live="polite" data-testid="connection-banner">
      <span className="conn-banner__spinner" aria-hidden="true" />
      {t(`conn.${status}`)}
    </div>
  );
}
