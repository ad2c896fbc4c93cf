import type { Message } from "../../protocol/types";
import { sameDay } from "../../lib/format";

const GROUP_WINDOW_MS = 5 * 60 * 1000;

/** Whether `m` continues a run of messages by the same sender (no avatar / name repeated). */
export function continuesRun(prev: Message | undefined, m: Message): boolean {
  const content = (x: Message) => x.body.kind === "text" || x.body.kind === "image" || x.body.kind === "file";
  if (!prev || !content(prev) || !content(m)) return false;
  return prev.sender_id === m.sender_id && m.sent_at - prev.sent_at < GROUP_WINDOW_MS && sameDay(prev.sent_at, m.sent_at);
}

/** Whether a date separator goes above `m`. */
export function startsDay(prev: Message | undefined, m: Message): boolean {
  return !prev || !sameDay(prev.sent_at, m.sent_at);
}

/** The previous visible entry (recall entries render as nothing). */
export function previousVisible(items: Record<number, Message>, seqs: number[], index: number): Message | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const m = items[seqs[i] as number];
    if (m && m.body.kind !== "recall") return m;
  }
  return undefined;
}

/** Recall entries by the seq they recall, to name who recalled. */
export function recallers(items: Record<number, Message>): Record<number, string> {
  const out: Record<number, string> = {};
  for (const m of Object.values(items)) if (m.body.kind === "recall") out[m.body.target_seq] = m.sender_id;
  return out;
}
