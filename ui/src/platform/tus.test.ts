// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import type { HttpRequest, HttpResponse, HttpStack } from "tus-js-client";
import { errorCodeOf, retryable, tusUpload, UploadError } from "./tus";

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  bytes: number;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}
type Handler = (call: Call, progress: (n: number) => void) => Promise<Reply>;

/** An in-memory tus server behind tus-js-client's HttpStack interface. */
function fakeStack(handler: Handler): { stack: HttpStack; calls: Call[] } {
  const calls: Call[] = [];
  const stack: HttpStack = {
    getName: () => "fake",
    createRequest(method, url): HttpRequest {
      const headers: Record<string, string> = {};
      let onProgress: (n: number) => void = () => undefined;
      let aborted: (() => void) | null = null;
      return {
        getMethod: () => method,
        getURL: () => url,
        setHeader: (k, v) => void (headers[k] = v),
        getHeader: (k) => headers[k],
        setProgressHandler: (h) => void (onProgress = h),
        async send(body: unknown) {
          const bytes = body instanceof Blob ? body.size : 0;
          const call = { method, url, headers, bytes };
          calls.push(call);
          const r = await Promise.race([
            handler(call, (n) => onProgress(n)),
            new Promise<never>((_, rej) => (aborted = () => rej(new Error("aborted")))),
          ]);
          const h = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
          const res: HttpResponse = {
            getStatus: () => r.status,
            getHeader: (k) => h[k.toLowerCase()],
            getBody: () => r.body ?? "",
            getUnderlyingObject: () => null,
          };
          return res;
        },
        abort: async () => aborted?.(),
        getUnderlyingObject: () => null,
      };
    },
  };
  return { stack, calls };
}

const file = () => Object.assign(new Blob([new Uint8Array(1000)], { type: "text/plain" }), { name: "notes.txt" });
const created: Reply = { status: 201, headers: { Location: "/api/uploads/u1", "Upload-Offset": "0", "Tus-Resumable": "1.0.0" } };

describe("tus upload (tus-js-client)", () => {
  it("creates with metadata and the bearer token, PATCHes and returns Liao-File-Id of the final PATCH", async () => {
    const { stack, calls } = fakeStack(async (c, progress) => {
      if (c.method === "POST") return created;
      progress(c.bytes);
      return { status: 204, headers: { "Upload-Offset": "1000", "Liao-File-Id": "f1" } };
    });
    const seen: number[] = [];
    const id = await tusUpload({ base: "", token: "tok", file: file(), kind: "file", httpStack: stack, onProgress: (f) => seen.push(f) });
    expect(id).toBe("f1");
    expect(calls.map((c) => c.method)).toEqual(["POST", "PATCH"]);
    expect(calls[0]?.headers.Authorization).toBe("Bearer tok");
    expect(calls[0]?.headers["Upload-Length"]).toBe("1000");
    const meta = calls[0]?.headers["Upload-Metadata"] ?? "";
    expect(meta).toContain(`filename ${btoa("notes.txt")}`);
    expect(meta).toContain(`kind ${btoa("file")}`);
    expect(meta).toContain(`filetype ${btoa("text/plain")}`);
    expect(seen.at(-1)).toBe(1);
  });

  it("completes at once when the server already holds the content (201 with Liao-File-Id)", async () => {
    const { stack, calls } = fakeStack(async () => ({ status: 201, headers: { "Upload-Offset": "1000", "Liao-File-Id": "dup", Location: "/api/uploads/u1" } }));
    expect(await tusUpload({ base: "", token: "t", file: file(), kind: "file", httpStack: stack })).toBe("dup");
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.map((c) => c.method)).toEqual(["POST"]);
  });

  it("resumes from the server's offset after a broken request", async () => {
    let patches = 0;
    const { stack, calls } = fakeStack(async (c): Promise<Reply> => {
      if (c.method === "POST") return created;
      if (c.method === "HEAD") return { status: 200, headers: { "Upload-Offset": "400", "Upload-Length": "1000" } };
      patches++;
      if (patches === 1) throw new Error("network down");
      return { status: 204, headers: { "Upload-Offset": "1000", "Liao-File-Id": "f2" } };
    });
    expect(await tusUpload({ base: "", token: "t", file: file(), kind: "file", httpStack: stack, retryDelays: [0, 0] })).toBe("f2");
    expect(calls.map((c) => c.method)).toEqual(["POST", "PATCH", "HEAD", "PATCH"]);
    expect(calls[3]?.headers["Upload-Offset"]).toBe("400");
    expect(calls[3]?.bytes).toBe(600);
  });

  it("cancel aborts the running PATCH and terminates the upload with DELETE", async () => {
    const ctl = new AbortController();
    const { stack, calls } = fakeStack(async (c) => {
      if (c.method === "POST") return created;
      if (c.method === "DELETE") return { status: 204 };
      ctl.abort();
      return new Promise(() => undefined); // a PATCH that never finishes
    });
    const p = tusUpload({ base: "", token: "tok", file: file(), kind: "file", httpStack: stack, signal: ctl.signal });
    await expect(p).rejects.toMatchObject({ code: "cancelled" });
    await new Promise((r) => setTimeout(r, 10));
    const del = calls.find((c) => c.method === "DELETE");
    expect(del?.url).toBe("/api/uploads/u1");
    expect(del?.headers.Authorization).toBe("Bearer tok");
  });

  it("rejects with the server's error code and does not retry client errors", async () => {
    const { stack, calls } = fakeStack(async () => ({ status: 413, body: JSON.stringify({ code: "quota_exceeded", message: "x" }) }));
    const err = await tusUpload({ base: "", token: "t", file: file(), kind: "file", httpStack: stack, retryDelays: [0, 0] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).code).toBe("quota_exceeded");
    expect(calls).toHaveLength(1);
    expect(errorCodeOf({ getStatus: () => 413, getBody: () => "" })).toBe("file_too_large");
    expect(errorCodeOf(null)).toBe("disconnected");
  });
});

describe("tus upload when the server is short of space or busy", () => {
  it("rejects with storage_full at once on 507, without retrying", async () => {
    const { stack, calls } = fakeStack(async (c) => {
      if (c.method === "POST") return created;
      return { status: 507, body: JSON.stringify({ code: "storage_full", message: "the server's storage is full" }) };
    });
    const err = await tusUpload({ base: "", token: "t", file: file(), kind: "file", httpStack: stack, retryDelays: [0, 0, 0] }).catch((e: unknown) => e);
    expect((err as UploadError).code).toBe("storage_full");
    expect(calls.map((c) => c.method)).toEqual(["POST", "PATCH"]);
    expect(errorCodeOf({ getStatus: () => 507, getBody: () => "" })).toBe("storage_full");
    expect(retryable(507)).toBe(false);
  });

  it("retries a 503 server_busy and resumes from the server's offset", async () => {
    let patches = 0;
    const { stack, calls } = fakeStack(async (c): Promise<Reply> => {
      if (c.method === "POST") return created;
      if (c.method === "HEAD") return { status: 200, headers: { "Upload-Offset": "0", "Upload-Length": "1000" } };
      if (patches++ === 0) return { status: 503, headers: { "Retry-After": "1" }, body: JSON.stringify({ code: "server_busy", message: "database unavailable" }) };
      return { status: 204, headers: { "Upload-Offset": "1000", "Liao-File-Id": "f3" } };
    });
    expect(await tusUpload({ base: "", token: "t", file: file(), kind: "file", httpStack: stack, retryDelays: [0, 0] })).toBe("f3");
    expect(calls.map((c) => c.method)).toEqual(["POST", "PATCH", "HEAD", "PATCH"]);
    expect(errorCodeOf({ getStatus: () => 503, getBody: () => "" })).toBe("server_busy");
    expect(retryable(503)).toBe(true);
  });

  it("gives up on a 503 that outlasts the retries with server_busy", async () => {
    const { stack } = fakeStack(async (c): Promise<Reply> => {
      if (c.method === "POST") return { status: 503, body: JSON.stringify({ code: "server_busy", message: "database unavailable" }) };
      return { status: 404 };
    });
    const err = await tusUpload({ base: "", token: "t", file: file(), kind: "file", httpStack: stack, retryDelays: [0, 0] }).catch((e: unknown) => e);
    expect((err as UploadError).code).toBe("server_busy");
  });
});
