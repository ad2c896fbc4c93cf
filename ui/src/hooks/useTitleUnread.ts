import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { totalUnread, useConversations } from "../state/conversations";
import { usePlatform } from "./usePlatform";

/** "(3) Liao" while there are unread messages (and the desktop app's window title and tray). */
export function useTitleUnread(): number {
  const { t } = useTranslation();
  const platform = usePlatform();
  const n = useConversations((s) => totalUnread(s.byId));
  useEffect(() => {
    document.title = n > 0 ? `(${n > 99 ? "99+" : n}) ${t("app.name")}` : t("app.name");
    platform.setUnread?.(n);
  }, [n, t, platform]);
  return n;
}
