import { describe, expect, it } from "vitest";
import { fakeRequester } from "../../protocol/fakeRequester";
import type { ConversationInfo, Profile } from "../../protocol/types";
import {
  acceptFriendRequest,
  blockUser,
  cancelFriendRequest,
  declineFriendRequest,
  openDirect,
  removeFriend,
  searchUsers,
  sendFriendRequest,
  unblockUser,
} from "./actions";

const done = { kind: "done" } as const;
const bob: Profile = { user_id: "ub", username: "bob", display_name: "Bob" };
const direct: ConversationInfo = { conversation_id: "c1", kind: "direct", peer: bob, last_seq: 0, read_seq: 0, unread: 0 };

describe("contacts actions", () => {
  it("searches users, first page of 20", async () => {
    const c = fakeRequester({ kind: "users", users: [bob] });
    expect(await searchUsers(c, "bo")).toEqual([bob]);
    expect(c.sent()).toEqual({ json: '{"type":"search_users","query":"bo","offset":0,"limit":20}', expect: ["users"] });
  });

  it("opens a direct conversation", async () => {
    const c = fakeRequester({ kind: "conversation", conversation: direct });
    expect(await openDirect(c, "ub")).toBe(direct);
    expect(c.sent()).toEqual({ json: '{"type":"open_direct","user_id":"ub"}', expect: ["conversation"] });
  });

  it("sends a friend request with a greeting", async () => {
    const c = fakeRequester(done);
    await sendFriendRequest(c, "ub", "Hi Bob");
    expect(c.sent()).toEqual({ json: '{"type":"friend_request","user_id":"ub","message":"Hi Bob"}', expect: ["done"] });
  });

  it("sends a friend request without a greeting", async () => {
    const c = fakeRequester(done);
    await sendFriendRequest(c, "ub", undefined);
    expect(c.sent()).toEqual({ json: '{"type":"friend_request","user_id":"ub"}', expect: ["done"] });
  });

  it.each([
    ["friend_accept", acceptFriendRequest],
    ["friend_decline", declineFriendRequest],
    ["friend_cancel", cancelFriendRequest],
    ["friend_remove", removeFriend],
    ["block", blockUser],
    ["unblock", unblockUser],
  ] as const)("sends %s", async (type, action) => {
    const c = fakeRequester(done);
    await action(c, "ub");
    expect(c.sent()).toEqual({ json: `{"type":"${type}","user_id":"ub"}`, expect: ["done"] });
  });

  it("fails with unexpected_reply when open_direct is not answered with a conversation", async () => {
    const c = fakeRequester(done);
    await expect(openDirect(c, "ub")).rejects.toMatchObject({ code: "unexpected_reply" });
  });
});
