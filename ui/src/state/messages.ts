import { create } from "zustand";
import type { PendingSend } from "../protocol/client";
import { previewOf } from "../lib/quote";
import type { Message } from "../protocol/types";

export interface ConvMessages {
  /** Entries by seq. */
  items: Record<number, Message>;
  /** Seqs held, ascending. */
  seqs: number[];
  /** Older history exists on the server before the first held seq. */
  hasMore: boolean;
  /** The first history page was requested. */
  loaded: boolean;
}

interface MessagesStore {
  byConv: Record<string, ConvMessages>;
  /** Ids of messages I deleted for myself, by conversation: never shown again, even if replayed. */
  hidden: Record<string, Record<string, true>>;
  pending: PendingSend[];
  /** Texts I recalled on this device, by message id, for re-editing (重新编辑) within the window. */
  recalledTexts: Record<string, { text: string; at: number }>;
  rememberRecalled(messageId: string, text: string): void;
  add(conversationId: string, msgs: Message[]): void;
  /** A message changed without a new entry (`message_changed`): applied if newer than ours. */
  change(m: Message): void;
  /** Deletes messages from my view (`delete_for_me`, or its event from another device). */
  hide(conversationId: string, messageIds: string[]): void;
  setHistoryState(conversationId: string, p: { hasMore?: boolean; loaded?: boolean }): void;
  setPending(p: PendingSend[]): void;
  drop(conversationId: string): void;
  reset(): void;
}

/** `m` is an older state of `than` (by `change_seq`; none counts as 0). */
function olderChange(m: Message, than: Message): boolean {
  return (m.change_seq ?? 0) < (than.change_seq ?? 0);
}

const emptyConv = (): ConvMessages => ({ items: {}, seqs: [], hasMore: true, loaded: false });

function insertSorted(seqs: number[], add: number[]): number[] {
  if (add.length === 0) return seqs;
  const last = seqs[seqs.length - 1];
  const sortedAdd = [...add].sort((a, b) => a - b);
  if (last === undefined || (sortedAdd[0] as number) > last) return seqs.concat(sortedAdd);
  return Array.from(new Set(seqs.concat(sortedAdd))).sort((a, b) => a - b);
}

export const useMessages = create<MessagesStore>((set) => ({
  byConv: {},
  hidden: {},
  pending: [],
  recalledTexts: {},
  rememberRecalled: (messageId, text) => set((s) => ({ recalledTexts: { ...s.recalledTexts, [messageId]: { text, at: Date.now() } } })),
  add: (id, msgs) =>
    set((s) => {
      const cur = s.byConv[id] ?? emptyConv();
      const items = { ...cur.items };
      const added: number[] = [];
      const hidden = s.hidden[id];
      for (const m of msgs) {
        if (hidden?.[m.message_id]) continue;
        const existing = items[m.seq];
        if (!existing) added.push(m.seq);
        // A stored recall wins over a later copy of the original text, and a copy that changed
        // later (reactions) over one that changed earlier.
        if (!existing || (existing.body.kind !== "recalled" && !olderChange(m, existing))) items[m.seq] = m;
        if (m.body.kind === "recall") {
          const t = items[m.body.target_seq];
          if (t && t.body.kind !== "recalled") items[m.body.target_seq] = { ...t, body: { kind: "recalled", recalled_at: m.sent_at } };
        }
      }
      // Older entries recalled by a recall entry we already hold, and quotes of recalled messages.
      const recalled = new Set<number>();
      for (const m of Object.values(items)) {
        if (m.body.kind === "recall") {
          recalled.add(m.body.target_seq);
          const t = items[m.body.target_seq];
          if (t && t.body.kind !== "recalled") items[m.body.target_seq] = { ...t, body: { kind: "recalled", recalled_at: m.sent_at } };
        }
      }
      for (const m of Object.values(items)) {
        const q = m.reply_to;
        if (q && q.preview.kind !== "recalled" && recalled.has(q.seq)) items[m.seq] = { ...m, reply_to: { ...q, preview: { kind: "recalled" } } };
      }
      return { byConv: { ...s.byConv, [id]: { ...cur, items, seqs: insertSorted(cur.seqs, added) } } };
    }),
  change: (m) =>
    set((s) => {
      const cur = s.byConv[m.conversation_id];
      const existing = cur?.items[m.seq];
      if (!cur || !existing || olderChange(m, existing) || existing.message_id !== m.message_id) return s;
      // A recall we hold wins over the content in a copy that predates it.
      const next = existing.body.kind === "recalled" ? { ...m, body: existing.body } : m;
      const items = { ...cur.items, [m.seq]: next };
      // Replies quoting an edited text show the new text.
      const preview = previewOf(next.body);
      if (preview?.kind === "text") {
        for (const r of Object.values(items)) {
          const q = r.reply_to;
          if (q?.seq === m.seq && q.preview.kind === "text" && q.preview.text !== preview.text) items[r.seq] = { ...r, reply_to: { ...q, preview } };
        }
      }
      return { byConv: { ...s.byConv, [m.conversation_id]: { ...cur, items } } };
    }),
  hide: (id, messageIds) =>
    set((s) => {
      const hidden = { ...s.hidden[id] };
      for (const mid of messageIds) hidden[mid] = true;
      const cur = s.byConv[id];
      if (!cur) return { hidden: { ...s.hidden, [id]: hidden } };
      const items = { ...cur.items };
      for (const seq of cur.seqs) if (hidden[items[seq]?.message_id ?? ""]) delete items[seq];
      const seqs = cur.seqs.filter((seq) => items[seq] !== undefined);
      return { hidden: { ...s.hidden, [id]: hidden }, byConv: { ...s.byConv, [id]: { ...cur, items, seqs } } };
    }),
  setHistoryState: (id, p) =>
    set((s) => ({ byConv: { ...s.byConv, [id]: { ...(s.byConv[id] ?? emptyConv()), ...p } } })),
  setPending: (pending) => set({ pending }),
  drop: (id) =>
    set((s) => {
      const byConv = { ...s.byConv };
      delete byConv[id];
      return { byConv };
    }),
  reset: () => set({ byConv: {}, hidden: {}, pending: [], recalledTexts: {} }),
}));
