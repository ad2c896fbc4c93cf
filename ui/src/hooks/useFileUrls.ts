import { useEffect, useState } from "react";
import { useClient } from "./useClient";
import { usePlatform } from "./usePlatform";
import { fileUrls } from "../features/files/actions";

export interface FileUrls {
  url: string;
  thumbnail?: string;
}

// Signed URLs last 10 minutes; reuse them until shortly before they expire.
const cache = new Map<string, { urls: FileUrls; expires: number }>();
const inflight = new Map<string, Promise<FileUrls>>();

/** Signed URLs for a file (for <img src> and download links), or null while loading. */
export function useFileUrls(fileId: string): FileUrls | null {
  const client = useClient();
  const platform = usePlatform();
  const cached = cache.get(fileId);
  const fresh = cached && cached.expires - 60_000 > Date.now() ? cached.urls : null;
  const [urls, setUrls] = useState<FileUrls | null>(fresh);
  useEffect(() => {
    if (fresh) return;
    let stale = false;
    let p = inflight.get(fileId);
    if (!p) {
      p = fileUrls(client, fileId).then((r) => {
        const u = { url: platform.mediaUrl(r.url), thumbnail: r.thumbnail_url ? platform.mediaUrl(r.thumbnail_url) : undefined };
        cache.set(fileId, { urls: u, expires: r.expires_at });
        return u;
      });
      inflight.set(fileId, p);
      p.finally(() => inflight.delete(fileId)).catch(() => undefined);
    }
    p.then((u) => !stale && setUrls(u)).catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [client, platform, fileId, fresh]);
  return fresh ?? urls;
}
