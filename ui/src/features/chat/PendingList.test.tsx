// @vitest-environment jsdom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import { provideServices } from "../../app/services";
import { initI18n } from "../../i18n";
import { webPlatform } from "../../platform/web";
import { LiaoClient, MemoryStore, type PendingSend } from "../../protocol/client";
import { useMessages } from "../../state/messages";
import { PendingList } from "./PendingList";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const pending = (id: string, extra: Partial<PendingSend>): PendingSend => ({
  conversation_id: "c1",
  client_msg_id: id,
  body: { kind: "text", text: `text ${id}` },
  created_at: 0,
  ...extra,
});

const i18n = initI18n();

async function render(items: PendingSend[]): Promise<{ el: HTMLElement; unmount: () => Promise<void> }> {
  provideServices({ client: new LiaoClient({ url: "wss://x/ws", transport: webPlatform.transport, storage: new MemoryStore() }), platform: webPlatform });
  useMessages.getState().reset();
  useMessages.getState().setPending(items);
  const el = document.createElement("div");
  document.body.append(el);
  const root = createRoot(el);
  await act(async () => root.render(<PendingList conversationId="c1" />));
  return { el, unmount: () => act(async () => root.unmount()) };
}

describe("PendingList", () => {
  it("shows a send the server will take later as waiting, without Retry", async () => {
    const { el, unmount } = await render([pending("w", { waiting: "storage_full", attempts: 1 })]);
    const row = el.querySelector("[data-testid=pending-message]");
    expect(row?.textContent).toContain("Waiting to send…");
    expect(row?.querySelector("[data-testid=pending-waiting]")?.textContent).toContain("The server's storage is full.");
    expect(row?.querySelector("[role=alert]")).toBeNull();
    expect([...(row?.querySelectorAll("button") ?? [])].map((b) => b.textContent)).toEqual(["Discard"]);
    await unmount();
  });

  it("shows a refused send as failed with Retry, and in Chinese", async () => {
    await act(async () => void (await i18n.changeLanguage("zh-CN")));
    const { el, unmount } = await render([pending("w", { waiting: "server_busy" }), pending("f", { failed: "not_friends" })]);
    const [waiting, failed] = [...el.querySelectorAll("[data-testid=pending-message]")];
    expect(waiting?.textContent).toContain("等待发送…");
    expect(failed?.querySelector("[role=alert]")?.textContent).toContain("重试");
    await unmount();
    await act(async () => void (await i18n.changeLanguage("en")));
  });
});
