import { describe, expect, it } from "vitest";
import { fakeRequester } from "../../protocol/fakeRequester";
import { editMessage, markRead, react, recallMessage, sendTyping } from "./actions";

const done = { kind: "done" } as const;

describe("chat actions", () => {
  it("marks read", async () => {
    const c = fakeRequester(done);
    await markRead(c, "c1", 42);
    expect(c.sent()).toEqual({ json: '{"type":"mark_read","conversation_id":"c1","seq":42}', expect: ["done"] });
  });

  it("sends typing", async () => {
    const c = fakeRequester(done);
    await sendTyping(c, "c1");
    expect(c.sent()).toEqual({ json: '{"type":"typing","conversation_id":"c1"}', expect: ["done"] });
  });

  it("recalls a message", async () => {
    const c = fakeRequester(done);
    await recallMessage(c, "c1", "m7");
    expect(c.sent()).toEqual({ json: '{"type":"recall","conversation_id":"c1","message_id":"m7"}', expect: ["done"] });
  });

  it("edits a message", async () => {
    const c = fakeRequester(done);
    await editMessage(c, "c1", 3, "fixed");
    expect(c.sent()).toEqual({ json: '{"type":"edit_message","conversation_id":"c1","seq":3,"text":"fixed"}', expect: ["done"] });
  });

  it("reacts and takes a reaction back", async () => {
    const c = fakeRequester(done);
    await react(c, "c1", 7, "👍🏽", false);
    expect(c.sent()).toEqual({ json: '{"type":"react","conversation_id":"c1","seq":7,"emoji":"👍🏽","on":false}', expect: ["done"] });
  });

  it("fails with unexpected_reply on another kind of reply", async () => {
    const c = fakeRequester({ kind: "sync_started" });
    await expect(markRead(c, "c1", 1)).rejects.toMatchObject({ code: "unexpected_reply" });
  });
});
