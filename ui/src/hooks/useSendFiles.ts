import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { newId } from "../protocol/client";
import { formatBytes } from "../lib/size";
import { refuseUpload, uploadKind } from "../lib/uploadLimits";
import { useConversations } from "../state/conversations";
import { useToasts } from "../state/toasts";
import { useUploads } from "../state/uploads";
import { useClient } from "./useClient";
import { useErrorText } from "./useErrorText";
import { usePlatform } from "./usePlatform";
import { useUploadErrorText } from "./useUploadErrorText";

/** Uploads files (tus) and sends them as image or file messages once stored. */
export function useSendFiles(conversationId: string): (files: File[]) => void {
  const client = useClient();
  const platform = usePlatform();
  const errorText = useErrorText();
  const uploadErrorText = useUploadErrorText();
  const { t, i18n } = useTranslation();
  return useCallback(
    (files: File[]) => {
      const conv = useConversations.getState().byId[conversationId];
      const token = client.token;
      if (!conv || !token) return;
      for (const file of files) {
        const kind = uploadKind(file);
        // Refuse what the server would refuse, before any byte is sent.
        const refusal = refuseUpload(file, kind, conv.kind);
        if (refusal) {
          const msg =
            refusal.key === "tooLarge"
              ? t(kind === "image" ? "upload.imageTooLarge" : "upload.fileTooLarge", { name: file.name, limit: formatBytes(refusal.limit, i18n.language) })
              : refusal.key === "filesNotAllowed"
                ? errorText("not_allowed_here")
                : errorText("generic");
          useToasts.getState().push(msg);
          continue;
        }
        const id = newId();
        const abort = new AbortController();
        const up = useUploads.getState();
        up.add({ id, conversation_id: conversationId, name: file.name, size: file.size, kind, progress: 0, preview: kind === "image" ? URL.createObjectURL(file) : undefined }, abort);
        platform
          .upload(file, { kind, token, signal: abort.signal, onProgress: (progress) => useUploads.getState().update(id, { progress }) })
          .then((file_id) => {
            useUploads.getState().remove(id);
            client.sendMessage(conversationId, { kind, file_id });
          })
          .catch((e: unknown) => {
            const code = e && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : "generic";
            if (code === "cancelled") return;
            useUploads.getState().update(id, { error: uploadErrorText(code) });
          });
      }
    },
    [client, platform, conversationId, errorText, uploadErrorText, t, i18n],
  );
}
