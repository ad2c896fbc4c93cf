import { useCallback } from "react";
import { ProtocolError } from "../protocol/client";
import { MAX_IMAGE_BYTES } from "../lib/uploadLimits";
import { useClient } from "./useClient";
import { usePlatform } from "./usePlatform";

const ACCEPT = "image/png,image/jpeg,image/gif,image/webp";

/** Lets the user pick one image and uploads it; resolves with its file id (null if cancelled). */
export function usePickAndUploadImage(): () => Promise<string | null> {
  const client = useClient();
  const platform = usePlatform();
  return useCallback(async () => {
    const [file] = await platform.pickFiles(ACCEPT);
    const token = client.token;
    if (!file) return null;
    if (!token) throw new ProtocolError("not_authenticated");
    if (file.size > MAX_IMAGE_BYTES) throw new ProtocolError("file_too_large");
    try {
      return await platform.upload(file, { kind: "image", token, onProgress: () => undefined });
    } catch (e) {
      const code = e && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : "internal";
      throw new ProtocolError(code as ProtocolError["code"]);
    }
  }, [client, platform]);
}
