import { create } from "zustand";
import type { ConversationInfo, GroupInfo, Message, Profile, SystemEvent } from "../protocol/types";

export interface Conversation extends ConversationInfo {
  /** Highest seq of an unread message that mentions me (0: none). */
  mention_seq: number;
  /** Sort key: time of the newest activity. */
  activity: number;
  /** The group was dissolved or I was removed; kept read-only until dismissed. */
  ended?: "left" | "removed" | "dissolved";
}

interface ConversationsStore {
  byId: Record<string, Conversation>;
  activeId: string | null;
  drafts: Record<string, string>;
  /** The message the composer replies to, by conversation (this device only, like the draft). */
  replying: Record<string, Message>;
  /** The message the composer edits, and the draft it set aside, by conversation. */
  editing: Record<string, { m: Message; draft: string }>;
  setSnapshot(list: ConversationInfo[]): void;
  upsert(info: ConversationInfo): void;
  end(id: string, reason: "left" | "removed" | "dissolved"): void;
  remove(id: string): void;
  applyMessage(m: Message, myId: string): void;
  applyReadMarker(id: string, seq: number): void;
  /** A message changed without a new entry: the preview shows its new state. */
  applyChanged(m: Message): void;
  /** I deleted messages for myself: a preview showing one of them falls back to `latest`. */
  applyDeleted(id: string, messageIds: string[], latest: Message | undefined): void;
  /** A changed name or avatar of a direct conversation's peer. */
  applyProfile(p: Profile): void;
  setActive(id: string | null): void;
  setDraft(id: string, text: string): void;
  setReplying(id: string, m: Message | null): void;
  /** Starts editing `m` (its text in the composer) or stops (the set-aside draft back). */
  setEditing(id: string, m: Message | null): void;
  reset(): void;
}

function fromInfo(info: ConversationInfo, old?: Conversation): Conversation {
  const last_seq = Math.max(info.last_seq, old?.last_seq ?? 0);
  const read_seq = Math.max(info.read_seq, old?.read_seq ?? 0);
  const last_message =
    old?.last_message && (!info.last_message || old.last_message.seq > info.last_message.seq) ? old.last_message : info.last_message;
  return {
    ...info,
    last_seq,
    read_seq,
    unread: Math.max(0, last_seq - read_seq),
    last_message,
    mention_seq: old && old.mention_seq > read_seq ? old.mention_seq : 0,
    activity: Math.max(last_message?.sent_at ?? 0, old?.activity ?? 0, info.last_message ? 0 : Date.now() - 1),
  };
}

/** The message mentions me, or replies to a message of mine (someone else's, either way). */
export function mentionsMe(m: Message, myId: string): boolean {
  if (m.sender_id === myId) return false;
  if (m.reply_to?.sender_id === myId) return true;
  return m.body.kind === "text" && (m.body.mention_all === true || (m.body.mentions ?? []).includes(myId));
}

/** Applies a system entry to the group's info as the protocol describes (section 6.2). */
export function applySystemEvent(g: GroupInfo, e: SystemEvent, sender: string, myId: string): GroupInfo {
  switch (e.kind) {
    case "joined":
      return { ...g, member_count: g.member_count + (e.user.user_id === myId ? 0 : 1) };
    case "left":
    case "removed":
      return { ...g, member_count: Math.max(1, g.member_count - 1) };
    case "muted":
      return e.user_id === myId ? { ...g, my_muted_until: e.until } : g;
    case "unmuted":
      return e.user_id === myId ? { ...g, my_muted_until: undefined } : g;
    case "muted_all":
      return { ...g, muted_all: e.on };
    case "admin_added":
      return e.user_id === myId ? { ...g, my_role: "admin" } : g;
    case "admin_removed":
      return e.user_id === myId ? { ...g, my_role: "member" } : g;
    case "owner_changed": {
      const my_role = e.user_id === myId ? "owner" : sender === myId ? "admin" : g.my_role;
      return { ...g, owner_id: e.user_id, my_role };
    }
    case "avatar_changed":
      return { ...g, avatar: e.avatar };
    case "updated": {
      const n = { ...g };
      if (e.name !== undefined) n.name = e.name;
      if (e.description !== undefined) n.description = e.description;
      if (e.join_policy !== undefined) n.join_policy = e.join_policy;
      if (e.searchable !== undefined) n.searchable = e.searchable;
      if (e.allow_temp_sessions !== undefined) n.allow_temp_sessions = e.allow_temp_sessions;
      return n;
    }
    default:
      return g;
  }
}

const DRAFTS_KEY = "liao.drafts";

function loadDrafts(): Record<string, string> {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(DRAFTS_KEY) ?? "{}") as Record<string, string>;
  } catch {
    return {};
  }
}

let draftTimer: ReturnType<typeof setTimeout> | null = null;
function saveDrafts(drafts: Record<string, string>): void {
  if (draftTimer) clearTimeout(draftTimer);
  draftTimer = setTimeout(() => {
    try {
      const kept = Object.fromEntries(Object.entries(drafts).filter(([, v]) => v.trim()));
      globalThis.localStorage?.setItem(DRAFTS_KEY, JSON.stringify(kept));
    } catch {
      /* storage full or disabled: drafts stay in memory */
    }
  }, 300);
}

export const useConversations = create<ConversationsStore>((set) => ({
  byId: {},
  activeId: null,
  drafts: loadDrafts(),
  replying: {},
  editing: {},
  setSnapshot: (list) =>
    set((s) => {
      const byId: Record<string, Conversation> = {};
      for (const info of list) byId[info.conversation_id] = fromInfo(info, s.byId[info.conversation_id]);
      // Keep ended conversations the user is looking at.
      for (const [id, c] of Object.entries(s.byId)) if (c.ended && !byId[id]) byId[id] = c;
      return { byId };
    }),
  upsert: (info) =>
    set((s) => {
      const old = s.byId[info.conversation_id];
      return { byId: { ...s.byId, [info.conversation_id]: fromInfo(info, old?.ended ? undefined : old) } };
    }),
  end: (id, reason) =>
    set((s) => {
      const c = s.byId[id];
      if (!c) return s;
      return { byId: { ...s.byId, [id]: { ...c, ended: reason, unread: 0, mention_seq: 0 } } };
    }),
  remove: (id) =>
    set((s) => {
      const byId = { ...s.byId };
      delete byId[id];
      return { byId, activeId: s.activeId === id ? null : s.activeId };
    }),
  applyMessage: (m, myId) =>
    set((s) => {
      const c = s.byId[m.conversation_id];
      if (!c) return s;
      const last_seq = Math.max(c.last_seq, m.seq);
      let read_seq = c.read_seq;
      const own = m.sender_id === myId;
      // What you did yourself is never unread: the server moves your marker for your own texts,
      // recalls and group system entries alike (server/src/services/groups.rs).
      if (own) read_seq = Math.max(read_seq, m.seq);
      let last_message = c.last_message;
      if (!last_message || m.seq >= last_message.seq) last_message = m;
      if (m.body.kind === "recall" && last_message && last_message.seq === m.body.target_seq) {
        last_message = { ...last_message, body: { kind: "recalled", recalled_at: m.sent_at } };
      }
      let group = c.group;
      if (group && m.body.kind === "system") group = applySystemEvent(group, m.body.event, m.sender_id, myId);
      const mention_seq = mentionsMe(m, myId) && m.seq > read_seq ? m.seq : c.mention_seq > read_seq ? c.mention_seq : 0;
      const next: Conversation = {
        ...c,
        group,
        last_seq,
        read_seq,
        unread: Math.max(0, last_seq - read_seq),
        last_message,
        mention_seq,
        activity: Math.max(c.activity, m.sent_at),
      };
      return { byId: { ...s.byId, [m.conversation_id]: next } };
    }),
  applyReadMarker: (id, seq) =>
    set((s) => {
      const c = s.byId[id];
      if (!c || seq <= c.read_seq) return s;
      const read_seq = seq;
      return {
        byId: {
          ...s.byId,
          [id]: { ...c, read_seq, unread: Math.max(0, c.last_seq - read_seq), mention_seq: c.mention_seq > read_seq ? c.mention_seq : 0 },
        },
      };
    }),
  applyChanged: (m) =>
    set((s) => {
      const c = s.byId[m.conversation_id];
      const last = c?.last_message;
      if (!c || last?.message_id !== m.message_id || (m.change_seq ?? 0) < (last.change_seq ?? 0)) return s;
      const body = last.body.kind === "recalled" ? last.body : m.body;
      return { byId: { ...s.byId, [m.conversation_id]: { ...c, last_message: { ...m, body } } } };
    }),
  applyDeleted: (id, messageIds, latest) =>
    set((s) => {
      const c = s.byId[id];
      if (!c?.last_message || !messageIds.includes(c.last_message.message_id)) return s;
      return { byId: { ...s.byId, [id]: { ...c, last_message: latest } } };
    }),
  applyProfile: (p) =>
    set((s) => {
      let byId: Record<string, Conversation> | null = null;
      for (const [id, c] of Object.entries(s.byId)) {
        if (c.peer?.user_id !== p.user_id) continue;
        byId ??= { ...s.byId };
        byId[id] = { ...c, peer: p };
      }
      return byId ? { byId } : s;
    }),
  setActive: (id) => set({ activeId: id }),
  setDraft: (id, text) =>
    set((s) => {
      const drafts = { ...s.drafts, [id]: text };
      saveDrafts(drafts);
      return { drafts };
    }),
  setReplying: (id, m) =>
    set((s) => {
      const replying = { ...s.replying };
      if (m) replying[id] = m;
      else delete replying[id];
      return { replying };
    }),
  setEditing: (id, m) =>
    set((s) => {
      const editing = { ...s.editing };
      const drafts = { ...s.drafts };
      const replying = { ...s.replying };
      if (m && m.body.kind === "text") {
        editing[id] = { m, draft: s.editing[id]?.draft ?? drafts[id] ?? "" };
        drafts[id] = m.body.text;
        delete replying[id];
      } else {
        drafts[id] = s.editing[id]?.draft ?? drafts[id] ?? "";
        delete editing[id];
      }
      saveDrafts(drafts);
      return { editing, drafts, replying };
    }),
  reset: () => {
    saveDrafts({});
    set({ byId: {}, activeId: null, drafts: {}, replying: {}, editing: {} });
  },
}));

export function sortedConversations(byId: Record<string, Conversation>): Conversation[] {
  return Object.values(byId).sort((a, b) => b.activity - a.activity || a.conversation_id.localeCompare(b.conversation_id));
}

export function totalUnread(byId: Record<string, Conversation>): number {
  let n = 0;
  for (const c of Object.values(byId)) if (!c.ended) n += c.unread;
  return n;
}
