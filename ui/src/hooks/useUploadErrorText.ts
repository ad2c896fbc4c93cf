import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { useErrorText } from "./useErrorText";

/** Error codes whose text differs for an upload from the one for a command (a message waits; an upload does not). */
const UPLOAD_KEYS: Record<string, string> = {
  storage_full: "upload.storageFull",
};

/** Turns a failed upload (an error with a `code`, or a code) into a translated sentence. */
export function useUploadErrorText(): (e: unknown) => string {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return useCallback(
    (e: unknown) => {
      const code = typeof e === "string" ? e : e && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : "generic";
      const key = UPLOAD_KEYS[code];
      return key ? t(key) : errorText(code);
    },
    [t, errorText],
  );
}
