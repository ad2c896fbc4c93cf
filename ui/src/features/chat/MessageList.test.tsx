// @vitest-environment jsdom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { VirtuosoMockContext } from "react-virtuoso";
import { describe, expect, it, vi } from "vitest";
import { provideServices } from "../../app/services";
import { initI18n } from "../../i18n";
import { webPlatform } from "../../platform/web";
import { LiaoClient, MemoryStore } from "../../protocol/client";
import type { Message } from "../../protocol/types";
import { useConversations } from "../../state/conversations";
import { useMessages } from "../../state/messages";
import { useSession } from "../../state/session";
import { MessageList } from "./MessageList";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

describe("MessageList", () => {
  it("renders a 10,000-message conversation with fewer than 200 message nodes", async () => {
    // Virtuoso measures after render; its follow-up updates are outside act() by design.
    const error = console.error.bind(console);
    vi.spyOn(console, "error").mockImplementation((msg: unknown, ...rest: unknown[]) => {
      if (!String(msg).includes("not wrapped in act")) error(msg, ...rest);
    });
    initI18n();
    const client = new LiaoClient({ url: "wss://x/ws", transport: webPlatform.transport, storage: new MemoryStore() });
    provideServices({ client, platform: webPlatform });
    useSession.getState().set({ user: { user_id: "ua", username: "a", display_name: "A" } });
    useConversations.getState().upsert({ conversation_id: "c1", kind: "direct", last_seq: 10000, read_seq: 0, unread: 10000 });
    const msgs: Message[] = [];
    for (let seq = 1; seq <= 10000; seq++) {
      msgs.push({
        message_id: `m${seq}`,
        conversation_id: "c1",
        seq,
        sender_id: seq % 3 ? "ub" : "ua",
        sent_at: 1_700_000_000_000 + seq * 60_000,
        body: { kind: "text", text: `message ${seq}` },
      });
    }
    useMessages.getState().add("c1", msgs);
    useMessages.getState().setHistoryState("c1", { loaded: true, hasMore: false });

    const el = document.createElement("div");
    document.body.append(el);
    const root = createRoot(el);
    await act(async () => {
      root.render(
        <VirtuosoMockContext.Provider value={{ viewportHeight: 800, itemHeight: 48 }}>
          <MessageList conversationId="c1" firstUnread={1} onAtBottom={() => undefined} loadOlder={async () => undefined} loadUntil={async () => undefined} />
        </VirtuosoMockContext.Provider>,
      );
    });
    await act(async () => new Promise((r) => setTimeout(r, 50)));
    const rendered = el.querySelectorAll("[data-testid=message]").length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(200);
    // Opened at the first unread entry (jsdom cannot scroll, so the test starts at the top).
    expect(el.textContent).toContain("message 1");
    expect(el.textContent).not.toContain("message 10000");
    await act(async () => root.unmount());
  });
});
