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
  /** Whether file and image messages can be sent (the composer hides them otherwise). */
  readonly supportsFiles: boolean;
  /** Opens a file picker. */
  pickFiles(accept?: string): Promise<File[]>;
  /** Calls `cb` with files dropped on `el`; returns the unsubscribe function. */
  onFileDrop(el: HTMLElement, cb: (files: File[]) => void): () => void;
  /**
   * Uploads to the server (tus), reporting progress and resuming after a broken connection;
   * resolves with the file id. Aborting `signal` cancels it (request aborted, upload terminated)
   * and rejects with the code `cancelled`.
   */
  upload(file: File, opts: { kind: "file" | "image"; token: string; onProgress(fraction: number): void; signal?: AbortSignal }): Promise<string>;
  /** Turns a server path from `file_urls` into a URL for <img src> / links. */
  mediaUrl(path: string): string;
  /** Saves a file the server holds (from a signed URL). */
  download(url: string, name: string): void;
  /** The conversation list has items on screen (the desktop app logs its cold start time). */
  listShown?(): void;
  /** Shows the unread total outside the page (desktop: window title and tray tooltip). */
  setUnread?(count: number): void;
  /** Preferences of the installed app (desktop only). */
  desktopSettings?: {
    get(): Promise<DesktopSettings>;
    set(s: DesktopSettings): Promise<DesktopSettings>;
  };
}

/** The desktop app's own preferences (kept by the app, not the server). */
export interface DesktopSettings {
  /** Closing the window hides it to the tray instead of quitting. */
  close_to_tray: boolean;
  /** Start the app, hidden in the tray, on login. */
  start_on_login: boolean;
}
