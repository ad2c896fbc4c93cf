import { describe, expect, it } from "vitest";
import { DEFAULT_RESEND_MS, MAX_RESEND_MS, resendDelay, waitsToResend } from "./outbox";

describe("outbox resend policy", () => {
  it("waits after refusals that stored nothing and fails on the others", () => {
    for (const code of ["storage_full", "server_busy", "rate_limited"]) expect(waitsToResend(code)).toBe(true);
    for (const code of ["not_friends", "blocked", "muted", "message_too_long", "internal", "not_found"]) {
      expect(waitsToResend(code)).toBe(false);
    }
  });

  it("waits as long as the server says, then backs off up to 30 s", () => {
    expect(resendDelay(200, 0)).toBe(200);
    expect(resendDelay(5000, 0)).toBe(5000);
    expect([0, 1, 2, 3, 4, 5].map((n) => resendDelay(5000, n))).toEqual([5000, 10_000, 20_000, 30_000, 30_000, 30_000]);
  });

  it("waits 5 s when the server did not say", () => {
    expect(DEFAULT_RESEND_MS).toBe(5000);
    expect(resendDelay(undefined, 0)).toBe(5000);
    expect(resendDelay(undefined, 1)).toBe(10_000);
    expect(resendDelay(undefined, 10)).toBe(MAX_RESEND_MS);
  });

  it("never resends sooner than the server asked, even past the cap", () => {
    expect(resendDelay(45_000, 0)).toBe(45_000);
    expect(resendDelay(45_000, 3)).toBe(45_000);
  });
});
