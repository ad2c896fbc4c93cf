// A small tus 1.0.0 client (creation + resumable PATCH) for the server's /api/uploads.

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
}

function b64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

async function errorCode(res: Response): Promise<string> {
  try {
    const j = (await res.json()) as { code?: string };
    return j.code ?? "internal";
  } catch {
    return res.status === 413 ? "file_too_large" : res.status === 401 ? "invalid_session" : "internal";
  }
}

function patch(url: string, token: string, offset: number, body: Blob, onProgress: (loaded: number) => void): Promise<{ status: number; offset: number; fileId: string | null; code?: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PATCH", url);
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Tus-Resumable", "1.0.0");
    xhr.setRequestHeader("Upload-Offset", String(offset));
    xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let code: string | undefined;
      if (xhr.status >= 400) {
        try {
          code = (JSON.parse(xhr.responseText) as { code?: string }).code;
        } catch {
          code = "internal";
        }
      }
      resolve({
        status: xhr.status,
        offset: Number(xhr.getResponseHeader("Upload-Offset") ?? offset),
        fileId: xhr.getResponseHeader("Liao-File-Id"),
        code,
      });
    };
    xhr.onerror = () => reject(new UploadError("disconnected"));
    xhr.send(body);
  });
}

/** Uploads `file` and resolves with its file id; resumes after broken requests (3 tries). */
export async function tusUpload({ base, token, file, kind, onProgress }: TusOptions): Promise<string> {
  const auth = { Authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0" };
  const meta = [`filename ${b64(file.name || "file")}`, `kind ${b64(kind)}`];
  if (file.type) meta.push(`filetype ${b64(file.type)}`);
  const created = await fetch(`${base}/api/uploads`, {
    method: "POST",
    headers: { ...auth, "Upload-Length": String(file.size), "Upload-Metadata": meta.join(",") },
  });
  if (created.status !== 201) throw new UploadError(await errorCode(created));
  const done = created.headers.get("Liao-File-Id");
  if (done) return done;
  const location = created.headers.get("Location");
  if (!location) throw new UploadError("internal");
  const url = location.startsWith("http") ? location : `${base}${location}`;
  let offset = Number(created.headers.get("Upload-Offset") ?? 0);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await patch(url, token, offset, file.slice(offset), (loaded) => onProgress?.((offset + loaded) / Math.max(1, file.size)));
      if (r.fileId) return r.fileId;
      if (r.status >= 400 && r.code !== "conflict") throw new UploadError(r.code ?? "internal");
      offset = r.offset;
    } catch (e) {
      if (e instanceof UploadError && e.code !== "disconnected") throw e;
    }
    // Ask where the upload stands and continue from there.
    const head = await fetch(url, { method: "HEAD", headers: { Authorization: `Bearer ${token}` } });
    if (!head.ok) throw new UploadError(head.status === 404 ? "not_found" : "internal");
    const id = head.headers.get("Liao-File-Id");
    if (id) return id;
    offset = Number(head.headers.get("Upload-Offset") ?? offset);
  }
  throw new UploadError("conflict");
}
