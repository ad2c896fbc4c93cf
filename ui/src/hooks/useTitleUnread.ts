import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { totalUnread, useConversations } from "../state/conversations";

/** "(3) Liao" while there are unread messages. */
export function useTitleUnread(): number {
  const { t } = useTranslation();
  const n = useConversations((s) => totalUnread(s.byId));
  useEffect(() => {
    document.title = n > 0 ? `(${n > 99 ? "99+" : n}) ${t("app.name")}` : t("app.name");
  }, [n, t]);
  return n;
}
