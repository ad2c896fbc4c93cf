import { useCallback } from "react";
import { ProtocolError } from "../protocol/client";
import { MAX_IMAGE_BYTES } from "../lib/uploadLimits";
import { useToasts } from "../state/toasts";
import { useClient } from "./useClient";
import { usePlatform } from "./usePlatform";
import { useUploadErrorText } from "./useUploadErrorText";

const ACCEPT = "image/png,image/jpeg,image/gif,image/webp";

/**
 * Lets the user pick one image and uploads it; resolves with its file id, or null if cancelled or
 * if the upload failed (shown here as a toast, with the upload's own texts, e.g. for a full disk).
 * Refusals before the upload reject with a ProtocolError.
 */
export function usePickAndUploadImage(): () => Promise<string | null> {
  const client = useClient();
  const platform = usePlatform();
  const uploadErrorText = useUploadErrorText();
  return useCallback(async () => {
    const [file] = await platform.pickFiles(ACCEPT);
    const token = client.token;
    if (!file) return null;
    if (!token) throw new ProtocolError("not_authenticated");
    if (file.size > MAX_IMAGE_BYTES) throw new ProtocolError("file_too_large");
    try {
      return await platform.upload(file, { kind: "image", token, onProgress: () => undefined });
    } catch (e) {
      useToasts.getState().push(uploadErrorText(e && typeof e === "object" && "code" in e ? e : "internal"));
      return null;
    }
  }, [client, platform, uploadErrorText]);
}
