// Uploads to the server's tus 1.0 endpoint (core + creation + termination) at /api/uploads with
// tus-js-client. Loaded lazily with the upload code (see web.ts), so it is not in the initial JS.
import { Upload, type DetailedError, type HttpResponse, type HttpStack } from "tus-js-client";

export type UploadKind = "file" | "image";

export class UploadError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(code);
    this.name = "UploadError";
    this.code = code;
  }
}

export interface TusOptions {
  /** Origin of the server ("" for the page's own origin). */
  base: string;
  token: string;
  file: Blob & { name?: string };
  kind: UploadKind;
  onProgress?(fraction: number): void;
  /** Aborting cancels the upload: the running request is aborted and the upload terminated (DELETE). */
  signal?: AbortSignal;
  /** Delays between retries after a broken request; each retry asks the server for the offset (HEAD) and resumes. */
  retryDelays?: number[];
  /** Bytes per PATCH request. */
  chunkSize?: number;
  /** For tests: the HTTP layer (XMLHttpRequest by default). */
  httpStack?: HttpStack;
}

/** Retries for about five minutes, so an upload survives a connection drop and resumes by itself. */
export const RETRY_DELAYS = [0, 1000, 2000, 4000, 8000, ...Array<number>(28).fill(10_000)];

const FILE_ID = "Liao-File-Id";

/** The error code of a failed tus request: the server's JSON `code`, or one derived from the status. */
export function errorCodeOf(res: Pick<HttpResponse, "getStatus" | "getBody"> | null | undefined): string {
  if (!res) return "disconnected";
  try {
    const j = JSON.parse(res.getBody()) as { code?: unknown };
    if (typeof j.code === "string") return j.code;
  } catch {
    /* not JSON */
  }
  return CODE_OF_STATUS[res.getStatus()] ?? "internal";
}

/** Codes for answers without a JSON body (e.g. from a proxy in front of the server). */
const CODE_OF_STATUS: Record<number, string> = {
  401: "invalid_session",
  403: "forbidden",
  404: "not_found",
  413: "file_too_large",
  503: "server_busy",
  507: "storage_full",
};

/**
 * Whether a failed request is worth retrying: broken connections, server trouble (503
 * `server_busy`: the database is momentarily unavailable), conflicts and locks. Not 507
 * `storage_full`: the server's disk stays full for longer than the retries last, so the user is
 * told at once.
 */
export function retryable(status: number): boolean {
  if (status === 507) return false;
  return status === 0 || status >= 500 || status === 409 || status === 423 || status === 429;
}

/** Uploads `file` and resolves with its file id; resumes after broken requests; rejects with `cancelled` on abort. */
export function tusUpload({ base, token, file, kind, onProgress, signal, retryDelays = RETRY_DELAYS, chunkSize = 8 * 1024 * 1024, httpStack }: TusOptions): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UploadError("cancelled"));
      return;
    }
    let settled = false;
    const finish = (fileId: string | null, err?: UploadError) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (fileId) resolve(fileId);
      else reject(err ?? new UploadError("internal"));
    };
    const metadata: Record<string, string> = { filename: file.name || "file", kind };
    if (file.type) metadata.filetype = file.type;
    const upload: Upload = new Upload(file, {
      endpoint: `${base}/api/uploads`,
      headers: { Authorization: `Bearer ${token}` },
      metadata,
      chunkSize,
      retryDelays,
      storeFingerprintForResuming: false,
      ...(httpStack ? { httpStack } : {}),
      removeFingerprintOnSuccess: true,
      onShouldRetry: (err: DetailedError) => retryable(err.originalResponse?.getStatus() ?? 0),
      onAfterResponse: (req, res) => {
        const id = res.getHeader(FILE_ID);
        if (!id) return;
        // Stored: by the final PATCH, or at once when the server already holds the content
        // (201 with Upload-Offset == Upload-Length), where there is nothing left to send.
        if (req.getMethod() === "POST") void upload.abort(false);
        finish(id);
      },
      onProgress: (sent, total) => onProgress?.(total > 0 ? sent / total : 1),
      onSuccess: ({ lastResponse }) => finish(lastResponse.getHeader(FILE_ID) ?? null, new UploadError("internal")),
      onError: (err) => {
        const res = "originalResponse" in err ? (err as DetailedError).originalResponse : null;
        finish(null, new UploadError(errorCodeOf(res)));
      },
    });
    const onAbort = () => {
      finish(null, new UploadError("cancelled"));
      void upload.abort(true).catch(() => undefined);
    };
    signal?.addEventListener("abort", onAbort);
    upload.start();
  });
}
