import { localStorageStore } from "../protocol/client";
import { WebSocketTransport, sameOriginSocketUrl } from "../protocol/transport";
import { NotSupportedError, type NotificationPermissionState, type Platform } from "./platform";

function permission(): NotificationPermissionState {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

export const webPlatform: Platform = {
  name: "web",
  socketUrl: () => sameOriginSocketUrl(window.location),
  transport: () => new WebSocketTransport(),
  storage: localStorageStore(),
  isHidden: () => document.visibilityState === "hidden",
  onVisibilityChange: (cb) => {
    document.addEventListener("visibilitychange", cb);
    window.addEventListener("focus", cb);
    return () => {
      document.removeEventListener("visibilitychange", cb);
      window.removeEventListener("focus", cb);
    };
  },
  onNetworkChange: (cb) => {
    const on = () => cb(true);
    const off = () => cb(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  },
  notificationPermission: permission,
  requestNotificationPermission: async () => {
    if (typeof Notification === "undefined") return "unsupported";
    return Notification.requestPermission();
  },
  notify: (n) => {
    if (permission() !== "granted") return;
    const note = new Notification(n.title, { body: n.body, tag: n.tag });
    note.onclick = () => {
      window.focus();
      n.onClick();
      note.close();
    };
  },
  // TODO(files): the server has no upload endpoint yet; wire these to it when it lands.
  supportsFiles: false,
  pickFiles: () => Promise.reject(new NotSupportedError("file picking")),
  onFileDrop: () => () => undefined,
  upload: () => Promise.reject(new NotSupportedError("upload")),
  download: () => Promise.reject(new NotSupportedError("download")),
  mediaUrl: () => null,
};
