import type { KeyValueStore } from "../protocol/client";
import type { TransportFactory } from "../protocol/transport";

export type NotificationPermissionState = "granted" | "denied" | "default" | "unsupported";

export interface NotifyOptions {
  title: string;
  body: string;
  /** Replaces an earlier notification with the same tag (one per conversation). */
  tag: string;
  onClick(): void;
}

/**
 * What differs between the browser and the desktop app. The web build implements it in web.ts;
 * the desktop app will provide desktop.ts (its own transport with certificate pinning, native
 * notifications and file dialogs).
 */
export interface Platform {
  readonly name: "web" | "desktop";
  /** The WebSocket endpoint of the server. */
  socketUrl(): string;
  transport: TransportFactory;
  storage: KeyValueStore;
  isHidden(): boolean;
  onVisibilityChange(cb: () => void): () => void;
  onNetworkChange(cb: (online: boolean) => void): () => void;
  notificationPermission(): NotificationPermissionState;
  requestNotificationPermission(): Promise<NotificationPermissionState>;
  notify(n: NotifyOptions): void;
  /** False until the server supports uploads; the composer hides file features then. */
  readonly supportsFiles: boolean;
  /** TODO(files): open a file picker. */
  pickFiles(accept?: string): Promise<File[]>;
  /** TODO(files): call `cb` with files dropped on `el`. */
  onFileDrop(el: HTMLElement, cb: (files: File[]) => void): () => void;
  /** TODO(files): upload to the server, reporting progress; resolves with the file id. */
  upload(file: File, onProgress: (fraction: number) => void): Promise<string>;
  /** TODO(files): save a file the server holds. */
  download(fileId: string, name: string): Promise<void>;
  /** TODO(files): a URL usable in <img src> for an image or avatar the server holds. */
  mediaUrl(fileId: string): string | null;
}

export class NotSupportedError extends Error {
  constructor(what: string) {
    super(`${what} is not supported by this server yet`);
    this.name = "NotSupportedError";
  }
}
