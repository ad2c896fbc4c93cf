import { useCallback } from "react";
import { newId } from "../protocol/client";
import { useConversations } from "../state/conversations";
import { useToasts } from "../state/toasts";
import { useUploads } from "../state/uploads";
import { useClient } from "./useClient";
import { useErrorText } from "./useErrorText";
import { usePlatform } from "./usePlatform";

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Uploads files (tus) and sends them as image or file messages once stored. */
export function useSendFiles(conversationId: string): (files: File[]) => void {
  const client = useClient();
  const platform = usePlatform();
  const errorText = useErrorText();
  return useCallback(
    (files: File[]) => {
      const conv = useConversations.getState().byId[conversationId];
      const token = client.token;
      if (!conv || !token) return;
      for (const file of files) {
        const kind = IMAGE_TYPES.has(file.type) ? "image" : "file";
        if (kind === "file" && conv.kind === "group") {
          useToasts.getState().push(errorText("not_allowed_here"));
          continue;
        }
        const id = newId();
        const up = useUploads.getState();
        up.add({ id, conversation_id: conversationId, name: file.name, size: file.size, kind, progress: 0, preview: kind === "image" ? URL.createObjectURL(file) : undefined });
        platform
          .upload(file, { kind, token, onProgress: (progress) => useUploads.getState().update(id, { progress }) })
          .then((file_id) => {
            useUploads.getState().remove(id);
            client.sendMessage(conversationId, { kind, file_id });
          })
          .catch((e: unknown) => {
            const code = e && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : "generic";
            useUploads.getState().update(id, { error: errorText(code) });
          });
      }
    },
    [client, platform, conversationId, errorText],
  );
}
