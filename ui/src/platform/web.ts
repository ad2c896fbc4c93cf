import { localStorageStore } from "../protocol/client";
import { WebSocketTransport, sameOriginSocketUrl } from "../protocol/transport";
import type { NotificationPermissionState, Platform } from "./platform";

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
  supportsFiles: true,
  pickFiles: (accept) =>
    new Promise((resolve) => {
      const input = document.createElement("input");
      input.type = "file";
      input.multiple = true;
      if (accept) input.accept = accept;
      input.onchange = () => resolve([...(input.files ?? [])]);
      input.click();
    }),
  onFileDrop: (el, cb) => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) {
        e.preventDefault();
        el.classList.add("is-dropping");
      }
    };
    const leave = () => el.classList.remove("is-dropping");
    const drop = (e: DragEvent) => {
      leave();
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) {
        e.preventDefault();
        cb(files);
      }
    };
    el.addEventListener("dragover", over);
    el.addEventListener("dragleave", leave);
    el.addEventListener("drop", drop);
    return () => {
      el.removeEventListener("dragover", over);
      el.removeEventListener("dragleave", leave);
      el.removeEventListener("drop", drop);
    };
  },
  // The tus client is loaded with the first upload, not with the page.
  upload: (file, { kind, token, onProgress, signal }) => import("./tus").then(({ tusUpload }) => tusUpload({ base: "", token, file, kind, onProgress, signal })),
  mediaUrl: (path) => path,
  download: (url, name) => {
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.rel = "noopener";
    document.body.append(a);
    a.click();
    a.remove();
  },
};
