import { create } from "zustand";
import type { PendingSend } from "../protocol/client";
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
  pending: PendingSend[];
  add(conversationId: string, msgs: Message[]): void;
  setHistoryState(conversationId: string, p: { hasMore?: boolean; loaded?: boolean }): void;
  setPending(p: PendingSend[]): void;
  drop(conversationId: string): void;
  reset(): void;
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
  pending: [],
  add: (id, msgs) =>
    set((s) => {
      const cur = s.byConv[id] ?? emptyConv();
      const items = { ...cur.items };
      const added: number[] = [];
      for (const m of msgs) {
        const existing = items[m.seq];
        if (!existing) added.push(m.seq);
        // A stored recall wins over a later copy of the original text.
        if (!existing || existing.body.kind !== "recalled") items[m.seq] = m;
        if (m.body.kind === "recall") {
          const t = items[m.body.target_seq];
          if (t && t.body.kind !== "recalled") items[m.body.target_seq] = { ...t, body: { kind: "recalled", recalled_at: m.sent_at } };
        }
      }
      // Older entries recalled by a recall entry we already hold.
      for (const m of Object.values(items)) {
        if (m.body.kind === "recall") {
          const t = items[m.body.target_seq];
          if (t && t.body.kind !== "recalled") items[m.body.target_seq] = { ...t, body: { kind: "recalled", recalled_at: m.sent_at } };
        }
      }
      return { byConv: { ...s.byConv, [id]: { ...cur, items, seqs: insertSorted(cur.seqs, added) } } };
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
  reset: () => set({ byConv: {}, pending: [] }),
}));
