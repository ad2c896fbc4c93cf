// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from "vitest";
import { initI18n } from "../i18n";
import type { NotifyOptions, Platform } from "../platform/platform";
import { webPlatform } from "../platform/web";
import type { Message } from "../protocol/types";
import { useConversations } from "../state/conversations";
import { usePrefs } from "../state/prefs";
import { useSession } from "../state/session";
import { startNotifications } from "./notifications";

const i18n = initI18n();
void i18n.changeLanguage("en");

/** The web platform with the tab in the background and notifications recorded. */
function hiddenPlatform(shown: NotifyOptions[]): Platform {
  return { ...webPlatform, isHidden: () => true, notify: (n) => shown.push(n) };
}

function message(conv: string, text: string): Message {
  return { message_id: `m-${text}`, conversation_id: conv, seq: 1, sender_id: "ub", sent_at: 1000, body: { kind: "text", text } };
}

beforeEach(() => {
  useConversations.getState().reset();
  usePrefs.setState({ dnd: false, preview: true, muted: {} });
  for (const id of ["c1", "c2"]) {
    useConversations.getState().upsert({
      conversation_id: id,
      kind: "direct",
      last_seq: 0,
      read_seq: 0,
      unread: 0,
      peer: { user_id: `peer-${id}`, username: id, display_name: `Peer ${id}` },
    });
  }
});

describe("notification preferences", () => {
  it("notifies with the text by default", () => {
    const shown: NotifyOptions[] = [];
    startNotifications(hiddenPlatform(shown), i18n)(message("c1", "hello there"));
    expect(shown.map((n) => [n.title, n.body])).toEqual([["Peer c1", "hello there"]]);
  });

  it("stays silent for a muted conversation only", () => {
    const shown: NotifyOptions[] = [];
    usePrefs.getState().toggleMuted("c1");
    const onMessage = startNotifications(hiddenPlatform(shown), i18n);
    onMessage(message("c1", "muted one"));
    onMessage(message("c2", "loud one"));
    expect(shown.map((n) => n.body)).toEqual(["loud one"]);
    usePrefs.getState().toggleMuted("c1");
    onMessage(message("c1", "unmuted again"));
    expect(shown.map((n) => n.body)).toEqual(["loud one", "unmuted again"]);
  });

  it("still notifies in a muted conversation when the message mentions me or replies to me", () => {
    const shown: NotifyOptions[] = [];
    useSession.setState({ user: { user_id: "ua", username: "alice", display_name: "Alice" } });
    usePrefs.getState().toggleMuted("c1");
    const onMessage = startNotifications(hiddenPlatform(shown), i18n);
    onMessage(message("c1", "just chatting"));
    onMessage({ ...message("c1", "about that"), reply_to: { seq: 1, message_id: "m0", sender_id: "ua", preview: { kind: "text", text: "mine" } } });
    onMessage({ ...message("c1", "@Alice look"), body: { kind: "text", text: "@Alice look", mentions: ["ua"] } });
    expect(shown.map((n) => n.body)).toEqual(["about that", "@Alice look"]);
  });

  it("stays silent everywhere in do-not-disturb", () => {
    const shown: NotifyOptions[] = [];
    usePrefs.getState().set({ dnd: true });
    const onMessage = startNotifications(hiddenPlatform(shown), i18n);
    onMessage(message("c1", "a"));
    onMessage(message("c2", "b"));
    expect(shown).toEqual([]);
  });

  it("hides the text when previews are off", () => {
    const shown: NotifyOptions[] = [];
    usePrefs.getState().set({ preview: false });
    startNotifications(hiddenPlatform(shown), i18n)(message("c1", "secret plans"));
    expect(shown.map((n) => [n.title, n.body])).toEqual([["Peer c1", "New message"]]);
  });

  it("keeps the preferences across reloads (local storage)", () => {
    usePrefs.getState().toggleMuted("c2");
    usePrefs.getState().set({ dnd: true });
    const saved = JSON.parse(localStorage.getItem("liao.prefs") ?? "{}") as { state?: unknown };
    expect(saved.state).toEqual({ dnd: true, preview: true, muted: { c2: true } });
  });
});
