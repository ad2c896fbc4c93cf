import { beforeEach, describe, expect, it } from "vitest";
import { fakeRequester } from "../protocol/fakeRequester";
import type { Message, Profile } from "../protocol/types";
import { displayName, nameResolver, namedUsers, useDirectory } from "./directory";

const profile = (user_id: string, display_name: string): Profile => ({ user_id, username: display_name.toLowerCase(), display_name });

describe("names on load", () => {
  beforeEach(() => useDirectory.setState({ profiles: { ua: profile("ua", "Alice") } }));

  it("finds every user a system entry, quote or forward names", () => {
    const muted: Message = {
      message_id: "m1",
      conversation_id: "g1",
      seq: 5,
      sender_id: "ua",
      sent_at: 1,
      body: { kind: "system", event: { kind: "muted", user_id: "uc", until: 2 } },
      reply_to: { seq: 1, message_id: "m0", sender_id: "ud", preview: { kind: "recalled" } },
    };
    expect(namedUsers(muted)).toEqual(["ua", "uc", "ud"]);
  });

  it("fetches each unknown name once, so a reloaded preview shows it rather than …", async () => {
    const client = fakeRequester({ kind: "profile", profile: profile("ub", "Bob") }, { kind: "profile", profile: profile("uc", "Carol") });
    const resolve = nameResolver(client);
    expect(displayName("uc")).toBe("…");
    resolve(["ua", "ub", "uc", "ub"]);
    resolve(["uc", "ua"]);
    await new Promise((r) => setTimeout(r, 0));
    expect(client.requests.map((r) => r.command)).toEqual([
      { type: "get_profile", user_id: "ub" },
      { type: "get_profile", user_id: "uc" },
    ]);
    expect([displayName("ub"), displayName("uc")]).toEqual(["Bob", "Carol"]);
  });
});
