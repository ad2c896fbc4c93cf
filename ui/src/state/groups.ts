import { create } from "zustand";
import type { EventBody, GroupRef, JoinRequestInfo, MemberInfo, Profile } from "../protocol/types";

interface GroupsStore {
  /** Member lists of groups whose panel was opened. */
  members: Record<string, MemberInfo[]>;
  /** Pending join requests of groups I moderate: group → requester → request. */
  joinRequests: Record<string, Record<string, JoinRequestInfo & { group: GroupRef }>>;
  /** My own pending join requests, by group. */
  myRequests: Record<string, GroupRef>;
  setMembers(groupId: string, m: MemberInfo[]): void;
  setJoinRequests(groupId: string, group: GroupRef, r: JoinRequestInfo[]): void;
  applyEvent(b: EventBody): void;
  /** A changed name or avatar, in member lists and join requests. */
  applyProfile(p: Profile): void;
  reset(): void;
}

export const useGroups = create<GroupsStore>((set) => ({
  members: {},
  joinRequests: {},
  myRequests: {},
  setMembers: (g, m) => set((s) => ({ members: { ...s.members, [g]: m } })),
  setJoinRequests: (g, group, r) =>
    set((s) => ({ joinRequests: { ...s.joinRequests, [g]: Object.fromEntries(r.map((x) => [x.user.user_id, { ...x, group }])) } })),
  applyEvent: (b) =>
    set((s) => {
      switch (b.kind) {
        case "join_request_received": {
          const g = b.group.conversation_id;
          return { joinRequests: { ...s.joinRequests, [g]: { ...s.joinRequests[g], [b.request.user.user_id]: { ...b.request, group: b.group } } } };
        }
        case "join_request_closed": {
          const g = b.group.conversation_id;
          const cur = { ...s.joinRequests[g] };
          delete cur[b.user_id];
          return { joinRequests: { ...s.joinRequests, [g]: cur } };
        }
        case "join_request_sent":
          return { myRequests: { ...s.myRequests, [b.group.conversation_id]: b.group } };
        case "join_request_decided": {
          const myRequests = { ...s.myRequests };
          delete myRequests[b.group.conversation_id];
          return { myRequests };
        }
        case "conversation_removed": {
          const members = { ...s.members };
          delete members[b.conversation_id];
          return { members };
        }
        default:
          return s;
      }
    }),
  applyProfile: (p) =>
    set((s) => {
      const id = p.user_id;
      let changed = false;
      const members: GroupsStore["members"] = {};
      for (const [g, list] of Object.entries(s.members)) {
        if (list.some((m) => m.profile.user_id === id)) {
          changed = true;
          members[g] = list.map((m) => (m.profile.user_id === id ? { ...m, profile: p } : m));
        } else members[g] = list;
      }
      const joinRequests: GroupsStore["joinRequests"] = {};
      for (const [g, reqs] of Object.entries(s.joinRequests)) {
        const r = reqs[id];
        if (r) {
          changed = true;
          joinRequests[g] = { ...reqs, [id]: { ...r, user: p } };
        } else joinRequests[g] = reqs;
      }
      return changed ? { members, joinRequests } : s;
    }),
  reset: () => set({ members: {}, joinRequests: {}, myRequests: {} }),
}));

export function pendingJoinCount(jr: GroupsStore["joinRequests"]): number {
  let n = 0;
  for (const m of Object.values(jr)) n += Object.keys(m).length;
  return n;
}
