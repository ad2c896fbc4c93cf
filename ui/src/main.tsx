import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import type { i18n as I18n } from "i18next";
import { App } from "./app/App";
import { provideServices } from "./app/services";
import { initI18n } from "./i18n";
import { isDesktop } from "./platform/detect";
import type { Platform } from "./platform/platform";
import { webPlatform } from "./platform/web";
import { LiaoClient } from "./protocol/client";
import { bindClient } from "./state/bind";
import { useToasts } from "./state/toasts";
import { startNotifications } from "./app/notifications";
// The fallback emoji font's @font-face rules (its files load only when needed; see vite.config.ts).
import "@fontsource/noto-color-emoji/400.css";
import "./app/global.css";

const i18n = initI18n();

function startApp(root: Root, platform: Platform, i18next: I18n): void {
  const client = new LiaoClient({
    url: platform.socketUrl(),
    transport: platform.transport,
    storage: platform.storage,
    clientName: platform.name === "desktop" ? "liao-desktop 0.1.0" : "liao-web 0.1.0",
    device: deviceLabel(platform),
  });
  provideServices({ client, platform });
  bindClient(client, { onIncoming: startNotifications(platform, i18next) });
  platform.onNetworkChange((online) => client.setNetworkOnline(online));
  client.start();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

function deviceLabel(platform: Platform): string {
  const ua = navigator.userAgent;
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : "";
  if (platform.name === "desktop") return os ? `Liao desktop on ${os}` : "Liao desktop";
  const browser = /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Firefox\//.test(ua) ? "Firefox" : /Safari\//.test(ua) ? "Safari" : "Browser";
  return os ? `${browser} on ${os}` : browser;
}

/** Desktop: the server address and certificate confirmation come first (code loaded only there). */
async function startDesktop(root: Root): Promise<void> {
  const [{ ServerSetup }, { createDesktopPlatform }] = await Promise.all([import("./features/server/ServerSetup"), import("./platform/desktop")]);
  const onReady = (origin: string) => {
    void createDesktopPlatform(origin).then(({ platform, persistentSession }) => {
      startApp(root, platform, i18n);
      if (!persistentSession) useToasts.getState().push(i18n.t("server.memoryOnlySession"), "info");
    });
  };
  root.render(
    <StrictMode>
      <ServerSetup onReady={onReady} />
    </StrictMode>,
  );
}

const el = document.getElementById("root");
if (el) {
  const root = createRoot(el);
  if (isDesktop()) void startDesktop(root);
  else startApp(root, webPlatform, i18n);
}
