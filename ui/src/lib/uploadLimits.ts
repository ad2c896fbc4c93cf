// The server's default upload limits (server config `tuning.max_file_bytes` / `max_image_bytes`).
// The UI refuses larger files before any byte is sent; the server enforces its configured limits
// at creation (before any byte is accepted) and answers `file_too_large` / `quota_exceeded`.
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export type UploadKind = "file" | "image";

export function uploadKind(file: { type: string }): UploadKind {
  return IMAGE_TYPES.has(file.type) ? "image" : "file";
}

export type Refusal = { key: "tooLarge"; limit: number } | { key: "filesNotAllowed" } | { key: "empty" };

/** Why a file cannot be sent here, known before uploading (null: go ahead). */
export function refuseUpload(file: { size: number }, kind: UploadKind, conversationKind: string): Refusal | null {
  if (kind === "file" && conversationKind === "group") return { key: "filesNotAllowed" };
  const limit = kind === "image" ? MAX_IMAGE_BYTES : MAX_FILE_BYTES;
  if (file.size > limit) return { key: "tooLarge", limit };
  return null;
}
