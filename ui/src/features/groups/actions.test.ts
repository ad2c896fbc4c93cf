import { describe, expect, it } from "vitest";
import { fakeRequester } from "../../protocol/fakeRequester";
import type { ConversationInfo, GroupSummary, JoinRequestInfo, MemberInfo, Profile } from "../../protocol/types";
import {
  addMember,
  createGroup,
  decideJoin,
  dissolveGroup,
  joinGroup,
  leaveGroup,
  listJoinRequests,
  listMembers,
  muteAll,
  muteMember,
  openTemp,
  removeMember,
  searchGroups,
  setAdmin,
  setGroupAvatar,
  transferGroup,
  updateGroup,
} from "./actions";

const done = { kind: "done" } as const;
const bob: Profile = { user_id: "ub", username: "bob", display_name: "Bob" };
const group: ConversationInfo = { conversation_id: "g1", kind: "group", last_seq: 1, read_seq: 1, unread: 0 };
const temp: ConversationInfo = { conversation_id: "t1", kind: "temporary", peer: bob, last_seq: 0, read_seq: 0, unread: 0 };

describe("group actions", () => {
  it("searches groups, first page of 20", async () => {
    const groups: GroupSummary[] = [{ conversation_id: "g1", number: 10001, name: "Tea", description: "", join_policy: "open", member_count: 3 }];
    const c = fakeRequester({ kind: "groups", groups });
    expect(await searchGroups(c, "tea")).toBe(groups);
    expect(c.sent()).toEqual({ json: '{"type":"search_groups","query":"tea","offset":0,"limit":20}', expect: ["groups"] });
  });

  it("creates a group with every setting, in a fixed order", async () => {
    const c = fakeRequester({ kind: "conversation", conversation: group });
    // Given in another order: the command's order does not depend on the caller's object.
    const created = await createGroup(c, { allow_temp_sessions: false, searchable: true, join_policy: "approval", description: "", name: "Tea" });
    expect(created).toBe(group);
    expect(c.sent()).toEqual({
      json: '{"type":"create_group","name":"Tea","description":"","join_policy":"approval","searchable":true,"allow_temp_sessions":false}',
      expect: ["conversation"],
    });
  });

  it("joins an open group and returns its conversation", async () => {
    const c = fakeRequester({ kind: "conversation", conversation: group });
    expect(await joinGroup(c, "g1")).toBe(group);
    expect(c.sent()).toEqual({ json: '{"type":"join_group","conversation_id":"g1"}', expect: ["conversation", "join_requested"] });
  });

  it("asks to join an approval group with a note and returns null", async () => {
    const c = fakeRequester({ kind: "join_requested" });
    expect(await joinGroup(c, "g1", "Bob from the chat")).toBeNull();
    expect(c.sent()).toEqual({ json: '{"type":"join_group","conversation_id":"g1","message":"Bob from the chat"}', expect: ["conversation", "join_requested"] });
  });

  it("fails with unexpected_reply when join_group gets another kind of reply", async () => {
    const c = fakeRequester(done);
    await expect(joinGroup(c, "g1")).rejects.toMatchObject({ code: "unexpected_reply" });
  });

  it("lists join requests", async () => {
    const requests: JoinRequestInfo[] = [{ user: bob, message: "hi", sent_at: 5 }];
    const c = fakeRequester({ kind: "join_requests", requests });
    expect(await listJoinRequests(c, "g1")).toBe(requests);
    expect(c.sent()).toEqual({ json: '{"type":"list_join_requests","conversation_id":"g1"}', expect: ["join_requests"] });
  });

  it("decides a join request", async () => {
    const c = fakeRequester(done, done);
    await decideJoin(c, "g1", "ub", true);
    await decideJoin(c, "g1", "uc", false);
    expect(c.requests.map((r) => JSON.stringify(r.command))).toEqual([
      '{"type":"decide_join","conversation_id":"g1","user_id":"ub","approve":true}',
      '{"type":"decide_join","conversation_id":"g1","user_id":"uc","approve":false}',
    ]);
  });

  it("lists members, first page of 500", async () => {
    const members: MemberInfo[] = [{ profile: bob, role: "member", online: true }];
    const c = fakeRequester({ kind: "members", members });
    expect(await listMembers(c, "g1")).toBe(members);
    expect(c.sent()).toEqual({ json: '{"type":"list_members","conversation_id":"g1","offset":0,"limit":500}', expect: ["members"] });
  });

  it("updates only the changed settings", async () => {
    const c = fakeRequester(done);
    await updateGroup(c, "g1", { name: undefined, description: "New", join_policy: undefined, searchable: false, allow_temp_sessions: undefined });
    expect(c.sent()).toEqual({ json: '{"type":"update_group","conversation_id":"g1","description":"New","searchable":false}', expect: ["done"] });
  });

  it("updates every setting in a fixed order", async () => {
    const c = fakeRequester(done);
    await updateGroup(c, "g1", { allow_temp_sessions: true, searchable: true, join_policy: "open", description: "d", name: "n" });
    expect(c.sent().json).toBe('{"type":"update_group","conversation_id":"g1","name":"n","description":"d","join_policy":"open","searchable":true,"allow_temp_sessions":true}');
  });

  it("sets the group avatar", async () => {
    const c = fakeRequester(done);
    await setGroupAvatar(c, "g1", "f1");
    expect(c.sent()).toEqual({ json: '{"type":"set_group_avatar","conversation_id":"g1","file_id":"f1"}', expect: ["done"] });
  });

  it.each([
    ["add_member", addMember],
    ["remove_member", removeMember],
    ["transfer_group", transferGroup],
  ] as const)("sends %s", async (type, action) => {
    const c = fakeRequester(done);
    await action(c, "g1", "ub");
    expect(c.sent()).toEqual({ json: `{"type":"${type}","conversation_id":"g1","user_id":"ub"}`, expect: ["done"] });
  });

  it("mutes a member for a while and unmutes with 0", async () => {
    const c = fakeRequester(done, done);
    await muteMember(c, "g1", "ub", 3600);
    await muteMember(c, "g1", "ub", 0);
    expect(c.requests.map((r) => JSON.stringify(r.command))).toEqual([
      '{"type":"mute_member","conversation_id":"g1","user_id":"ub","seconds":3600}',
      '{"type":"mute_member","conversation_id":"g1","user_id":"ub","seconds":0}',
    ]);
    expect(c.requests.map((r) => r.expect)).toEqual([["done"], ["done"]]);
  });

  it("switches whole-group mute", async () => {
    const c = fakeRequester(done);
    await muteAll(c, "g1", true);
    expect(c.sent()).toEqual({ json: '{"type":"mute_all","conversation_id":"g1","on":true}', expect: ["done"] });
  });

  it("makes and unmakes admins", async () => {
    const c = fakeRequester(done, done);
    await setAdmin(c, "g1", "ub", true);
    await setAdmin(c, "g1", "ub", false);
    expect(c.requests.map((r) => JSON.stringify(r.command))).toEqual([
      '{"type":"set_admin","conversation_id":"g1","user_id":"ub","admin":true}',
      '{"type":"set_admin","conversation_id":"g1","user_id":"ub","admin":false}',
    ]);
  });

  it.each([
    ["leave_group", leaveGroup],
    ["dissolve_group", dissolveGroup],
  ] as const)("sends %s", async (type, action) => {
    const c = fakeRequester(done);
    await action(c, "g1");
    expect(c.sent()).toEqual({ json: `{"type":"${type}","conversation_id":"g1"}`, expect: ["done"] });
  });

  it("opens a temporary conversation through the group", async () => {
    const c = fakeRequester({ kind: "conversation", conversation: temp });
    expect(await openTemp(c, "ub", "g1")).toBe(temp);
    expect(c.sent()).toEqual({ json: '{"type":"open_temp","user_id":"ub","via":"g1"}', expect: ["conversation"] });
  });
});
