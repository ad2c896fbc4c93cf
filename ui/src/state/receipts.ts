import { create } from "zustand";
import { previewOf } from "../lib/quote";
import type { AccountSettings, Message, ReadCount } from "../protocol/types";

/** What `read_receipts` last said about my messages in one conversation. */
export interface ConvReceipts {
  /** (1:1) My messages up to this seq reached one of the other member's devices. */
  delivered: number;
  /** (1:1) The other member's read marker; absent while either of us has read receipts off. */
  read?: number;
  /** (Groups) Readers of my messages, by seq. */
  counts: Record<number, { read: number; of: number }>;
}

interface ReceiptsStore {
  byConv: Record<string, ConvReceipts>;
  /** My account settings (`get_settings`, `settings_changed`); null until loaded. */
  settings: AccountSettings | null;
  applyDirect(conversationId: string, delivered: number, read: number | undefined): void;
  applyCounts(conversationId: string, counts: ReadCount[]): void;
  setSettings(settings: AccountSettings): void;
  reset(): void;
}

const empty = (): ConvReceipts => ({ delivered: 0, counts: {} });

export const useReceipts = create<ReceiptsStore>((set) => ({
  byConv: {},
  settings: null,
  applyDirect: (id, delivered, read) =>
    set((s) => {
      const cur = s.byConv[id] ?? empty();
      if (cur.delivered === delivered && cur.read === read) return s;
      return { byConv: { ...s.byConv, [id]: { ...cur, delivered, read } } };
    }),
  applyCounts: (id, counts) =>
    set((s) => {
      const cur = s.byConv[id] ?? empty();
      const changed = counts.filter((c) => cur.counts[c.seq]?.read !== c.read || cur.counts[c.seq]?.of !== c.of);
      if (changed.length === 0) return s;
      const next = { ...cur.counts };
      for (const c of changed) next[c.seq] = { read: c.read, of: c.of };
      return { byConv: { ...s.byConv, [id]: { ...cur, counts: next } } };
    }),
  setSettings: (settings) => set({ settings }),
  reset: () => set({ byConv: {}, settings: null }),
}));

/** Whether `m` carries a receipt: my own text, file or image message, not recalled. */
export function showsReceipt(m: Message, myId: string): boolean {
  return m.sender_id === myId && previewOf(m.body) !== null && m.body.kind !== "recalled";
}

/** What my message at `seq` shows in a 1:1 chat: sent, delivered, or read. */
export function directStatus(r: ConvReceipts | undefined, seq: number): "sent" | "delivered" | "read" {
  if (r?.read !== undefined && r.read >= seq) return "read";
  if (r && r.delivered >= seq) return "delivered";
  return "sent";
}

/** How often `read_receipts` is worth asking about my messages `seqs`, in poll ticks: 1 while an
 *  answer may change what they show, 0 once nothing can. With reads hidden (either of us switched
 *  read receipts off) and everything delivered, only the switch coming back on can change
 *  anything: every `HIDDEN_READS_EVERY` ticks. */
export function receiptPollEvery(r: ConvReceipts | undefined, group: boolean, seqs: number[]): number {
  if (seqs.length === 0) return 0;
  if (!r) return 1;
  if (group) return seqs.some((seq) => !r.counts[seq] || r.counts[seq].read < r.counts[seq].of) ? 1 : 0;
  const last = Math.max(...seqs);
  if (r.read !== undefined) return r.read < last ? 1 : 0;
  return r.delivered < last ? 1 : HIDDEN_READS_EVERY;
}

/** See `receiptPollEvery`. */
export const HIDDEN_READS_EVERY = 4;
