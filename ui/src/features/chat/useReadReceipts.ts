import { useEffect, useRef } from "react";
import type { Requester } from "../../protocol/client";
import { receiptPollEvery, useReceipts } from "../../state/receipts";
import { readReceipts } from "./actions";

/** How often the receipts of my messages on screen are asked for (PROTOCOL.md: pulled). */
export const RECEIPT_POLL_MS = 3000;

/** Keeps the read receipts of my messages on screen (`seqs`, at most 100) current: asks now, and
 *  every few seconds while the window is visible and something on screen may still change. */
export function useReadReceipts(client: Requester, conversationId: string, group: boolean, seqs: number[]): void {
  const key = seqs.join(",");
  const latest = useRef(seqs);
  latest.current = seqs;
  useEffect(() => {
    if (!key) return;
    let stopped = false;
    let inFlight = false;
    let tick = 0;
    const poll = () => {
      const asked = latest.current.slice(-100);
      const every = receiptPollEvery(useReceipts.getState().byConv[conversationId], group, asked);
      if (stopped || inFlight || document.visibilityState !== "visible" || every === 0 || tick++ % every !== 0) return;
      inFlight = true;
      readReceipts(client, conversationId, group ? asked : [])
        .then((reply) => {
          const store = useReceipts.getState();
          if (group) store.applyCounts(conversationId, reply.counts ?? []);
          else store.applyDirect(conversationId, reply.delivered_seq ?? 0, reply.read_seq);
        })
        .catch(() => undefined)
        .finally(() => {
          inFlight = false;
        });
    };
    poll();
    const timer = setInterval(poll, RECEIPT_POLL_MS);
    const onVisible = () => poll();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [client, conversationId, group, key]);
}
