// The desktop (Tauri) platform. Rust owns the connection: it pins the server's certificate, the
// WebSocket's frames arrive over a Tauri Channel, media load through the `liao:` scheme, files are
// picked with native dialogs and streamed by Rust, and the session token lives in the OS keyring.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { localStorageStore, type KeyValueStore } from "../protocol/client";
import type { ErrorCode } from "../protocol/generated/protocol";
import type { Transport } from "../protocol/transport";
import type { DesktopSettings, Platform } from "./platform";
import { webPlatform } from "./web";

/** An error a desktop command returned. */
export interface DesktopError {
  kind: "bad_address" | "certificate_changed" | "fingerprint_mismatch" | "no_server" | "not_connected" | "network" | "io" | "cancelled" | "not_chosen" | "internal";
  message: string;
  /** The server's error code, when the server answered (e.g. `storage_full` for an upload). */
  code?: ErrorCode;
}

export function isDesktopError(e: unknown): e is DesktopError {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

/** What `connect` reports about a server's certificate. */
export interface Probe {
  origin: string;
  fingerprint: string;
  /** Already pinned: no confirmation needed. */
  known: boolean;
}

export const desktopApi = {
  lastServer: () => invoke<string | null>("last_server"),
  connect: (serverUrl: string) => invoke<Probe>("connect", { serverUrl }),
  trust: (fingerprint: string) => invoke<void>("trust", { fingerprint }),
};

type SocketEvent = { type: "open" } | { type: "frame"; data: string } | { type: "close"; code: number; reason: string };

/** A Transport whose socket lives in Rust. `open`'s URL is ignored: Rust knows the pinned server. */
export class TauriTransport implements Transport {
  onopen: (() => void) | null = null;
  onmessage: ((data: string) => void) | null = null;
  onclose: ((code: number, reason: string) => void) | null = null;
  private closing: { code: number; reason: string } | null = null;
  private ended = false;
  // Sends are chained so frames leave in the order the client produced them.
  private queue: Promise<void> = Promise.resolve();

  open(): void {
    const channel = new Channel<SocketEvent>();
    channel.onmessage = (e) => {
      if (this.ended) return;
      if (e.type === "open") this.onopen?.();
      else if (e.type === "frame") this.onmessage?.(e.data);
      else this.end(e.code, e.reason);
    };
    invoke("open_socket", { onEvent: channel }).catch((err: unknown) => this.end(1006, isDesktopError(err) ? err.message : String(err)));
  }

  send(data: string): void {
    this.queue = this.queue.then(() => invoke<void>("send", { text: data })).catch(() => undefined);
  }

  close(code = 1000, reason = ""): void {
    this.closing = { code, reason };
    void invoke("close_socket").catch(() => this.end(code, reason));
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    // Report the code we closed with, as a browser WebSocket does.
    const c = this.closing ?? { code, reason };
    this.onclose?.(c.code, c.reason);
  }
}

/** Local storage per server, except the session token: kept in memory and written to the keyring. */
function desktopStorage(origin: string, token: string | null): KeyValueStore {
  const base = localStorageStore(`liao.${origin}.`);
  let current = token;
  const persist = (t: string | null) => void invoke<boolean>("token_store", { token: t }).catch(() => false);
  return {
    get: (k) => (k === "token" ? current : base.get(k)),
    set: (k, v) => {
      if (k !== "token") return base.set(k, v);
      current = v;
      persist(v);
    },
    remove: (k) => {
      if (k !== "token") return base.remove(k);
      current = null;
      persist(null);
    },
  };
}

interface PickedFile {
  path: string;
  name: string;
  size: number;
}

/** Files from the native dialog: empty `File`s (the bytes stay on disk, Rust streams them). */
const pickedPaths = new WeakMap<File, string>();

function toFile(p: PickedFile): File {
  const f = new File([], p.name);
  Object.defineProperty(f, "size", { value: p.size });
  pickedPaths.set(f, p.path);
  return f;
}

const mediaBase = typeof navigator !== "undefined" && navigator.userAgent.includes("Windows") ? "http://liao.localhost" : "liao://localhost";

function saveAs(url: string, name: string): void {
  const progress = new Channel<number>();
  void invoke<string | null>("save_as", { url, name, onProgress: progress }).catch(() => undefined);
}

/** Opens http(s) links in the system browser instead of inside the app window. */
function routeExternalLinks(): void {
  document.addEventListener(
    "click",
    (e) => {
      const a = e.target instanceof Element ? e.target.closest("a[href]") : null;
      const href = a?.getAttribute("href") ?? "";
      if (/^(https?:|mailto:)/i.test(href) && !href.startsWith(mediaBase)) {
        e.preventDefault();
        void invoke("open_external", { url: href });
      } else if (href.startsWith(mediaBase) && !a?.hasAttribute("download")) {
        // A media link (an image opened "in a new tab" on the web): offer to save it instead of
        // navigating the app window away. Links with `download` call platform.download themselves.
        e.preventDefault();
        const name = a?.querySelector("img")?.getAttribute("alt") ?? "download";
        saveAs(href, name);
      }
    },
    true,
  );
}

let listShownOnce = false;

/** Builds the desktop platform for a confirmed server; `persistentSession` is false when there is no keyring. */
export async function createDesktopPlatform(origin: string): Promise<{ platform: Platform; persistentSession: boolean }> {
  const stored = await invoke<{ token: string | null; persistent: boolean }>("token_load");
  const clicks = new Map<string, () => void>();
  void listen<string>("notification-click", (e) => clicks.get(e.payload)?.());
  routeExternalLinks();
  const platform: Platform = {
    name: "desktop",
    socketUrl: () => `${origin.replace(/^https:/, "wss:")}/ws`,
    transport: () => new TauriTransport(),
    storage: desktopStorage(origin, stored.token),
    isHidden: () => document.visibilityState === "hidden" || !document.hasFocus(),
    onVisibilityChange: (cb) => {
      document.addEventListener("visibilitychange", cb);
      window.addEventListener("focus", cb);
      window.addEventListener("blur", cb);
      return () => {
        document.removeEventListener("visibilitychange", cb);
        window.removeEventListener("focus", cb);
        window.removeEventListener("blur", cb);
      };
    },
    onNetworkChange: webPlatform.onNetworkChange,
    // Native notifications need no permission prompt.
    notificationPermission: () => "granted",
    requestNotificationPermission: () => Promise.resolve("granted"),
    notify: (n) => {
      clicks.set(n.tag, n.onClick);
      void invoke("notify", { title: n.title, body: n.body, tag: n.tag });
    },
    supportsFiles: true,
    pickFiles: async (accept) => (await invoke<PickedFile[]>("pick_files", { accept: accept ?? null, multiple: true })).map(toFile),
    // Tauri takes OS drops over from the webview: Rust records the dropped paths as chosen and
    // announces them with their position; the element under the pointer gets them.
    onFileDrop: (el, cb) => {
      let stop: (() => void) | null = null;
      let cancelled = false;
      void listen<{ files: PickedFile[]; x: number; y: number }>("files-dropped", (e) => {
        const r = el.getBoundingClientRect();
        const { x, y, files } = e.payload;
        if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) cb(files.map(toFile));
      }).then((un) => (cancelled ? un() : (stop = un)));
      return () => {
        cancelled = true;
        stop?.();
      };
    },
    upload: (file, { kind, onProgress }) => {
      const path = pickedPaths.get(file);
      if (!path) return Promise.reject(new Error("file not picked with the native dialog"));
      const progress = new Channel<number>();
      progress.onmessage = onProgress;
      return invoke<string>("upload", { path, kind, onProgress: progress });
    },
    mediaUrl: (path) => (path.startsWith("/") ? `${mediaBase}${path}` : path),
    download: saveAs,
    listShown: () => {
      if (listShownOnce) return;
      listShownOnce = true;
      void invoke("list_shown").catch(() => undefined);
    },
    setUnread: (count) => void invoke("set_unread", { count }).catch(() => undefined),
    desktopSettings: {
      get: () => invoke<DesktopSettings>("settings_get"),
      set: (settings) => invoke<DesktopSettings>("settings_set", { settings }),
    },
  };
  return { platform, persistentSession: stored.persistent };
}
