import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { provideServices } from "./app/services";
import { initI18n } from "./i18n";
import { webPlatform } from "./platform/web";
import { LiaoClient } from "./protocol/client";
import { bindClient } from "./state/bind";
import { startNotifications } from "./app/notifications";
import "./app/global.css";

const i18n = initI18n();
const platform = webPlatform;
const client = new LiaoClient({
  url: platform.socketUrl(),
  transport: platform.transport,
  storage: platform.storage,
  clientName: "liao-web 0.1.0",
  device: deviceLabel(),
});
provideServices({ client, platform });
bindClient(client, { onIncoming: startNotifications(platform, i18n) });
platform.onNetworkChange((online) => client.setNetworkOnline(online));
client.start();

function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Firefox\//.test(ua) ? "Firefox" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} on ${os}` : browser;
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
