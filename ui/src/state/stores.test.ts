import { beforeEach, describe, expect, it } from "vitest";
import type { ConversationInfo, GroupInfo, Message, MessageBody } from "../protocol/types";
import { totalUnread, useConversations } from "./conversations";
import { useMessages } from "./messages";
import { useContacts } from "./contacts";
import { useGroups } from "./groups";
import { applyProfile, deleteForMeLocally } from "./bind";
import { useDirectory } from "./directory";
import { useSession } from "./session";
import { conversationTitle } from "../features/conversations/title";

const me = "ua";
const group: GroupInfo = {
  number: 12345678,
  name: "Book club",
  description: "",
  join_policy: "approval",
  searchable: true,
  allow_temp_sessions: true,
  muted_all: false,
  owner_id: "uo",
  member_count: 3,
  my_role: "member",
};

function info(id: string, p: Partial<ConversationInfo> = {}): ConversationInfo {
  return { conversation_id: id, kind: "direct", last_seq: 0, read_seq: 0, unread: 0, ...p };
}
function m(seq: number, sender = "ub", body: MessageBody = { kind: "text", text: `t${seq}` }, conv = "c1"): Message {
  return { message_id: `m${seq}`, conversation_id: conv, seq, sender_id: sender, sent_at: 1000 * seq, body };
}

beforeEach(() => {
  useConversations.getState().reset();
  useMessages.getState().reset();
  useContacts.getState().reset();
  useGroups.getState().reset();
});

describe("conversations store", () => {
  it("counts unread messages from others and clears on own messages", () => {
    const s = useConversations.getState();
    s.upsert(info("c1"));
    s.applyMessage(m(1), me);
    s.applyMessage(m(2), me);
    expect(useConversations.getState().byId.c1?.unread).toBe(2);
    s.applyMessage(m(3, me), me);
    expect(useConversations.getState().byId.c1?.unread).toBe(0);
    s.upsert(info("c2", { last_seq: 5, read_seq: 2, unread: 3 }));
    expect(totalUnread(useConversations.getState().byId)).toBe(3);
  });

  it("applies read markers from other devices, only forward", () => {
    const s = useConversations.getState();
    s.upsert(info("c1"));
    for (const i of [1, 2, 3, 4]) s.applyMessage(m(i), me);
    s.applyReadMarker("c1", 3);
    expect(useConversations.getState().byId.c1?.unread).toBe(1);
    s.applyReadMarker("c1", 1);
    expect(useConversations.getState().byId.c1?.read_seq).toBe(3);
  });

  it("flags mentions until read", () => {
    const s = useConversations.getState();
    s.upsert(info("c1", { kind: "group", group }));
    s.applyMessage(m(1, "ub", { kind: "text", text: "@A hi", mentions: [me] }), me);
    expect(useConversations.getState().byId.c1?.mention_seq).toBe(1);
    s.applyReadMarker("c1", 1);
    expect(useConversations.getState().byId.c1?.mention_seq).toBe(0);
  });

  it("updates the group from system entries", () => {
    const s = useConversations.getState();
    s.upsert(info("g", { kind: "group", group }));
    const sys = (seq: number, event: Extract<MessageBody, { kind: "system" }>["event"], by = "uo") =>
      s.applyMessage(m(seq, by, { kind: "system", event }, "g"), me);
    sys(1, { kind: "muted", user_id: me, until: 99 });
    expect(useConversations.getState().byId.g?.group?.my_muted_until).toBe(99);
    sys(2, { kind: "unmuted", user_id: me });
    expect(useConversations.getState().byId.g?.group?.my_muted_until).toBeUndefined();
    sys(3, { kind: "muted_all", on: true });
    sys(4, { kind: "admin_added", user_id: me });
    sys(5, { kind: "updated", name: "Renamed" });
    sys(6, { kind: "joined", user: { user_id: "uz", username: "z", display_name: "Z" } });
    const g = useConversations.getState().byId.g?.group;
    expect(g).toMatchObject({ muted_all: true, my_role: "admin", name: "Renamed", member_count: 4 });
    // System entries of others are unread; my own are not.
    expect(useConversations.getState().byId.g?.unread).toBe(6);
    sys(7, { kind: "muted_all", on: false }, me);
    expect(useConversations.getState().byId.g?.unread).toBe(0);
  });

  it("marks the preview recalled", () => {
    const s = useConversations.getState();
    s.upsert(info("c1"));
    s.applyMessage(m(1), me);
    s.applyMessage(m(2, "ub", { kind: "recall", message_id: "m1", target_seq: 1 }), me);
    expect(useConversations.getState().byId.c1?.last_message?.body.kind).toBe("recall");
  });
});

describe("messages store", () => {
  it("keys by seq, ignores duplicates and applies recalls", () => {
    const s = useMessages.getState();
    s.add("c1", [m(2), m(1)]);
    s.add("c1", [m(2)]);
    expect(useMessages.getState().byConv.c1?.seqs).toEqual([1, 2]);
    s.add("c1", [m(3, "ub", { kind: "recall", message_id: "m1", target_seq: 1 })]);
    expect(useMessages.getState().byConv.c1?.items[1]?.body.kind).toBe("recalled");
    // A late copy of the original text does not resurrect it.
    s.add("c1", [m(1)]);
    expect(useMessages.getState().byConv.c1?.items[1]?.body.kind).toBe("recalled");
  });

  it("turns the quote of a recalled message into 'recalled', whichever arrives first", () => {
    const reply = (seq: number, to: number): Message => ({
      ...m(seq, "ua"),
      reply_to: { seq: to, message_id: `m${to}`, sender_id: "ub", preview: { kind: "text", text: `t${to}` } },
    });
    const s = useMessages.getState();
    s.add("c1", [m(1), reply(2, 1), m(3), reply(4, 3)]);
    s.add("c1", [m(5, "ub", { kind: "recall", message_id: "m1", target_seq: 1 })]);
    const items = () => useMessages.getState().byConv.c1?.items ?? {};
    expect(items()[2]?.reply_to?.preview).toEqual({ kind: "recalled" });
    expect(items()[4]?.reply_to?.preview).toEqual({ kind: "text", text: "t3" });
    // A reply loaded after the recall entry (an older history page) is corrected too.
    s.add("c1", [m(6, "ub", { kind: "recall", message_id: "m3", target_seq: 3 })]);
    s.add("c1", [reply(4, 3)]);
    expect(items()[4]?.reply_to?.preview).toEqual({ kind: "recalled" });
  });

  it("applies reactions only when newer, and never brings a recalled message back", () => {
    const s = useMessages.getState();
    s.add("c1", [m(1)]);
    const reacted = (n: number, count: number): Message => ({
      ...m(1),
      change_seq: n,
      reactions: [{ emoji: "👍", count, user_ids: ["ub"] }],
    });
    s.change(reacted(2, 2));
    s.change(reacted(1, 1));
    expect(useMessages.getState().byConv.c1?.items[1]?.reactions?.[0]?.count).toBe(2);
    // A history page read before the change does not undo it.
    s.add("c1", [m(1)]);
    expect(useMessages.getState().byConv.c1?.items[1]?.change_seq).toBe(2);
    s.add("c1", [m(3, "ub", { kind: "recall", message_id: "m1", target_seq: 1 })]);
    s.change(reacted(3, 3));
    const item = useMessages.getState().byConv.c1?.items[1];
    expect(item?.body.kind).toBe("recalled");
    expect(item?.reactions?.[0]?.count).toBe(3);
  });

  it("counts a reply to my message from someone else as a mention", () => {
    useConversations.getState().setSnapshot([info("c1", { last_seq: 1, read_seq: 1 })]);
    const toMe: Message = { ...m(2, "ub"), reply_to: { seq: 1, message_id: "m1", sender_id: me, preview: { kind: "image" } } };
    useConversations.getState().applyMessage(toMe, me);
    expect(useConversations.getState().byId.c1?.mention_seq).toBe(2);
  });

  it("deletes for me: gone from the list and the preview, and a replayed copy stays hidden", () => {
    useConversations.getState().setSnapshot([info("c1", { last_seq: 3, last_message: m(3) })]);
    useMessages.getState().add("c1", [m(1), m(2), m(3)]);
    deleteForMeLocally("c1", ["m3", "m2"]);
    expect(useMessages.getState().byConv.c1?.seqs).toEqual([1]);
    expect(useConversations.getState().byId.c1?.last_message?.seq).toBe(1);
    // The unread count and the conversation's position do not change.
    expect(useConversations.getState().byId.c1?.last_seq).toBe(3);
    // A replay (sync, or a push racing the event) does not bring them back.
    useMessages.getState().add("c1", [m(2), m(3), m(4)]);
    expect(useMessages.getState().byConv.c1?.seqs).toEqual([1, 4]);
  });
});

describe("contacts and groups stores", () => {
  it("tracks friend requests and friendships", () => {
    const c = useContacts.getState();
    const bob = { user_id: "ub", username: "bob", display_name: "Bob" };
    c.applyEvent({ kind: "friend_request_received", request: { user: bob, sent_at: 1 } }, 1);
    expect(Object.keys(useContacts.getState().incoming)).toEqual(["ub"]);
    c.applyEvent({ kind: "friend_added", friend: bob }, 2);
    expect(useContacts.getState().incoming).toEqual({});
    expect(useContacts.getState().friends.ub?.profile.display_name).toBe("Bob");
    c.setPresence("ub", true);
    expect(useContacts.getState().friends.ub?.online).toBe(true);
  });

  it("tracks join requests", () => {
    const g = useGroups.getState();
    const ref = { conversation_id: "g", number: 1, name: "G" };
    g.applyEvent({ kind: "join_request_received", group: ref, request: { user: { user_id: "ub", username: "b", display_name: "B" }, sent_at: 1 } });
    expect(Object.keys(useGroups.getState().joinRequests.g ?? {})).toEqual(["ub"]);
    g.applyEvent({ kind: "join_request_closed", group: ref, user_id: "ub", approved: true, by: me });
    expect(useGroups.getState().joinRequests.g).toEqual({});
  });
});

describe("profile_changed", () => {
  it("updates the name and avatar everywhere the user appears", () => {
    const bob = { user_id: "ub", username: "bob", display_name: "Bob" };
    const renamed = { ...bob, display_name: "Robert", avatar: "f1" };
    useContacts.getState().applyEvent({ kind: "friend_added", friend: bob }, 1);
    useConversations.getState().upsert(info("c1", { peer: bob }));
    useConversations.getState().upsert(info("c2", { peer: { user_id: "uc", username: "carol", display_name: "Carol" } }));
    useGroups.getState().setMembers("g", [{ profile: bob, role: "member", online: true }]);
    useDirectory.getState().add([bob]);
    const before = useConversations.getState().byId.c2;

    applyProfile(renamed);

    expect(useContacts.getState().friends.ub?.profile).toEqual(renamed);
    expect(useConversations.getState().byId.c1?.peer).toEqual(renamed);
    expect(useConversations.getState().byId.c2).toBe(before);
    expect(useGroups.getState().members.g?.[0]?.profile).toEqual(renamed);
    expect(useDirectory.getState().profiles.ub).toEqual(renamed);
    expect(conversationTitle(useConversations.getState().byId.c1!)).toBe("Robert");
  });

  it("updates my own session profile", () => {
    useSession.getState().set({ user: { user_id: me, username: "alice", display_name: "Alice" } });
    applyProfile({ user_id: me, username: "alice", display_name: "Alicia" });
    expect(useSession.getState().user?.display_name).toBe("Alicia");
  });
});
