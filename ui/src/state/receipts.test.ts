import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryMarker, DELIVERED_EVERY_MS } from "./bind";
import { directStatus, HIDDEN_READS_EVERY, receiptPollEvery, useReceipts } from "./receipts";

describe("read receipts", () => {
  beforeEach(() => useReceipts.getState().reset());

  it("shows sent, delivered and read from the other member's positions", () => {
    const r = () => useReceipts.getState().byConv.c1;
    expect(directStatus(r(), 3)).toBe("sent");
    useReceipts.getState().applyDirect("c1", 3, 1);
    expect([1, 2, 3, 4].map((seq) => directStatus(r(), seq))).toEqual(["read", "delivered", "delivered", "sent"]);
    // Receipts off on either side: no read, delivered only.
    useReceipts.getState().applyDirect("c1", 4, undefined);
    expect([1, 4].map((seq) => directStatus(r(), seq))).toEqual(["delivered", "delivered"]);
  });

  it("keeps polling only while something on screen can still change", () => {
    const r = () => useReceipts.getState().byConv.c1;
    expect(receiptPollEvery(undefined, false, [])).toBe(0);
    expect(receiptPollEvery(undefined, false, [5])).toBe(1);
    useReceipts.getState().applyDirect("c1", 5, 4);
    expect(receiptPollEvery(r(), false, [3, 5])).toBe(1);
    useReceipts.getState().applyDirect("c1", 5, 5);
    expect(receiptPollEvery(r(), false, [3, 5])).toBe(0);
    // With reads hidden: at full speed until delivered, then slowly (the switch may come back on).
    useReceipts.getState().applyDirect("c1", 5, undefined);
    expect(receiptPollEvery(r(), false, [6])).toBe(1);
    expect(receiptPollEvery(r(), false, [5])).toBe(HIDDEN_READS_EVERY);
    // Groups: until every message on screen is read by its whole audience.
    useReceipts.getState().applyCounts("g1", [
      { seq: 7, read: 2, of: 2 },
      { seq: 9, read: 1, of: 2 },
    ]);
    const g = useReceipts.getState().byConv.g1;
    expect(receiptPollEvery(g, true, [7])).toBe(0);
    expect(receiptPollEvery(g, true, [7, 9])).toBe(1);
    expect(receiptPollEvery(g, true, [7, 11])).toBe(1);
  });
});

describe("delivery marks", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends the first at once and then at most one a second per conversation, with the highest seq", async () => {
    const sent: [string, number][] = [];
    const marker = deliveryMarker(async (id, seq) => {
      sent.push([id, seq]);
    });
    marker.received("c1", 1);
    marker.received("c2", 4);
    expect(sent).toEqual([
      ["c1", 1],
      ["c2", 4],
    ]);
    marker.received("c1", 2);
    marker.received("c1", 3);
    await vi.advanceTimersByTimeAsync(DELIVERED_EVERY_MS - 10);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent).toEqual([
      ["c1", 1],
      ["c2", 4],
      ["c1", 3],
    ]);
    // Nothing new: nothing sent.
    await vi.advanceTimersByTimeAsync(5 * DELIVERED_EVERY_MS);
    expect(sent).toHaveLength(3);
    marker.stop();
  });
});
