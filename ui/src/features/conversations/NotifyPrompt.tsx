import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { usePlatform } from "../../hooks/usePlatform";

const KEY = "liao.notifyPromptDismissed";

/** Asks for notification permission after sign-in, with a button (never on page load by itself). */
export function NotifyPrompt() {
  const { t } = useTranslation();
  const platform = usePlatform();
  const [perm, setPerm] = useState(platform.notificationPermission());
  const [dismissed, setDismissed] = useState(() => {
    try {
      return localStorage.getItem(KEY) === "1";
    } catch {
      return false;
    }
  });
  if (perm !== "default" || dismissed) return null;
  const dismiss = () => {
    setDismissed(true);
    try {
      localStorage.setItem(KEY, "1");
    } catch {
      /* ignore */
    }
  };
  return (
    <div className="notify-prompt" role="region" aria-label={t("nav.enableNotifications")}>
      <Icon name="bell" size={18} />
      <p>{t("notify.enablePrompt")}</p>
      <div className="notify-prompt__actions">
        <button type="button" className="button button--primary button--small" onClick={() => void platform.requestNotificationPermission().then(setPerm)}>
          {t("nav.enableNotifications")}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={dismiss}>
          {t("notify.notNow")}
        </button>
      </div>
    </div>
  );
}
