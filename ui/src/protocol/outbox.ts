// When an unacknowledged message is sent again. The client keeps every message the server has not
// acknowledged in its outbox and resends it with the same `client_msg_id` (the server stores a
// `client_msg_id` at most once, so a resend returns the original message). Some refusals mean
// "nothing was stored, try again later": those keep the message queued and waiting, and it is
// resent by itself after the delay below. Every other refusal marks it failed until the user
// retries or discards it. Pure functions, so the policy is tested without a connection.

/** Refusals after which a send waits and is resent by itself: the server stored nothing and will take it later. */
const WAIT_CODES: ReadonlySet<string> = new Set(["storage_full", "server_busy", "rate_limited"]);

/** Wait before the first resend when the server did not say (`retry_after_ms` absent). */
export const DEFAULT_RESEND_MS = 5000;

/** Longest wait between resends that the back-off grows to (unless the server asks for longer). */
export const MAX_RESEND_MS = 30_000;

/** Whether a send refused with `code` stays queued and is resent by itself. */
export function waitsToResend(code: string): boolean {
  return WAIT_CODES.has(code);
}

/**
 * How long to wait before resending a message refused `attempt + 1` times in a row (`attempt`
 * counts from 0): the server's `retry_after_ms` (or 5 s), doubled for each further refusal, capped
 * at 30 s, but never sooner than the server asked for.
 */
export function resendDelay(retryAfterMs: number | undefined, attempt: number): number {
  const base = retryAfterMs ?? DEFAULT_RESEND_MS;
  const backedOff = Math.min(MAX_RESEND_MS, base * 2 ** Math.max(0, attempt));
  return Math.max(retryAfterMs ?? 0, backedOff);
}
