import { create } from "zustand";
import type { EventBody, Friend, FriendRequestInfo, Profile, Reply } from "../protocol/types";

type Contacts = Extract<Reply, { kind: "contacts" }>;

interface ContactsStore {
  friends: Record<string, Friend>;
  incoming: Record<string, FriendRequestInfo>;
  outgoing: Record<string, FriendRequestInfo>;
  blocked: Record<string, Profile>;
  /** Presence of friends (and anyone else we heard about). */
  online: Record<string, boolean>;
  applySnapshot(c: Contacts): void;
  applyEvent(b: EventBody, at: number): void;
  setPresence(userId: string, online: boolean): void;
  /** A changed name or avatar (`profile_changed`), applied wherever the user appears. */
  applyProfile(p: Profile): void;
  reset(): void;
}

const byUser = <T extends { user: Profile }>(xs: T[]) => Object.fromEntries(xs.map((x) => [x.user.user_id, x]));
const without = <T>(r: Record<string, T>, k: string): Record<string, T> => {
  if (!(k in r)) return r;
  const c = { ...r };
  delete c[k];
  return c;
};

const empty = { friends: {}, incoming: {}, outgoing: {}, blocked: {}, online: {} };

export const useContacts = create<ContactsStore>((set) => ({
  ...empty,
  applySnapshot: (c) =>
    set((s) => ({
      friends: Object.fromEntries(c.friends.map((f) => [f.profile.user_id, f])),
      incoming: byUser(c.incoming),
      outgoing: byUser(c.outgoing),
      blocked: Object.fromEntries(c.blocked.map((p) => [p.user_id, p])),
      online: { ...s.online, ...Object.fromEntries(c.friends.map((f) => [f.profile.user_id, f.online])) },
    })),
  applyEvent: (b, at) =>
    set((s) => {
      switch (b.kind) {
        case "friend_request_received":
          return { incoming: { ...s.incoming, [b.request.user.user_id]: b.request } };
        case "friend_request_sent":
          return { outgoing: { ...s.outgoing, [b.request.user.user_id]: b.request } };
        case "friend_request_closed":
          return { incoming: without(s.incoming, b.user_id), outgoing: without(s.outgoing, b.user_id) };
        case "friend_added":
          return {
            friends: { ...s.friends, [b.friend.user_id]: { profile: b.friend, online: s.online[b.friend.user_id] ?? false, since: at } },
            incoming: without(s.incoming, b.friend.user_id),
            outgoing: without(s.outgoing, b.friend.user_id),
          };
        case "friend_removed":
          return { friends: without(s.friends, b.user_id) };
        case "blocked":
          return { blocked: { ...s.blocked, [b.user.user_id]: b.user } };
        case "unblocked":
          return { blocked: without(s.blocked, b.user_id) };
        default:
          return s;
      }
    }),
  setPresence: (userId, online) =>
    set((s) => {
      const f = s.friends[userId];
      return {
        online: { ...s.online, [userId]: online },
        friends: f ? { ...s.friends, [userId]: { ...f, online } } : s.friends,
      };
    }),
  applyProfile: (p) =>
    set((s) => {
      const id = p.user_id;
      const f = s.friends[id];
      const inc = s.incoming[id];
      const out = s.outgoing[id];
      if (!f && !inc && !out && !s.blocked[id]) return s;
      return {
        friends: f ? { ...s.friends, [id]: { ...f, profile: p } } : s.friends,
        incoming: inc ? { ...s.incoming, [id]: { ...inc, user: p } } : s.incoming,
        outgoing: out ? { ...s.outgoing, [id]: { ...out, user: p } } : s.outgoing,
        blocked: s.blocked[id] ? { ...s.blocked, [id]: p } : s.blocked,
      };
    }),
  reset: () => set(empty),
}));
