// The file commands: signed download URLs for an uploaded file (images, attachments, avatars).
// Uploads themselves go over HTTP through the platform, not through these commands.

import type { ReplyOf, Requester } from "../../protocol/client";

/** Signed URLs of a file and when they expire (ms since the epoch). */
export type SignedFileUrls = Omit<ReplyOf<"file_urls">, "kind">;

/** Signed URLs to fetch a file and, for images, its thumbnail. */
export async function fileUrls(client: Requester, fileId: string): Promise<SignedFileUrls> {
  return client.request({ type: "file_urls", file_id: fileId }, "file_urls");
}
