import { useTranslation } from "react-i18next";
import { useDirectory } from "../state/directory";
import { useSession } from "../state/session";

/** The name to show for a user id ("You" for yourself). */
export function useDisplayName(): (id: string) => string {
  const { t } = useTranslation();
  const profiles = useDirectory((s) => s.profiles);
  const me = useSession((s) => s.user?.user_id);
  return (id: string) => (id === me ? t("common.you") : (profiles[id]?.display_name ?? profiles[id]?.username ?? "…"));
}
