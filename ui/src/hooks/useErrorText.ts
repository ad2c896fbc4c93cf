import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { ProtocolError } from "../protocol/client";

/** Turns any failure into a translated sentence from its code; never shows server text. */
export function useErrorText(): (e: unknown) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (e: unknown) => {
      const code = e instanceof ProtocolError ? e.code : typeof e === "string" ? e : "generic";
      const key = `errors.${code}`;
      return i18n.exists(key) ? t(key) : t("errors.generic");
    },
    [t, i18n],
  );
}
