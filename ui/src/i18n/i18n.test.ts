import { describe, expect, it } from "vitest";
import en from "./en";
import zhCN from "./zh-CN";
import { detectLanguage } from "./index";
import type { ErrorCode } from "../protocol/types";

/** Flattened keys with plural suffixes removed (languages differ in plural forms). */
function keys(o: object, prefix = ""): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(o)) {
    const key = prefix + k.replace(/_(zero|one|two|few|many|other)$/, "");
    if (v && typeof v === "object") for (const x of keys(v as object, key + ".")) out.add(x);
    else out.add(key);
  }
  return out;
}

describe("i18n", () => {
  it("has every English key in Chinese and vice versa", () => {
    const a = keys(en);
    const b = keys(zhCN);
    expect([...a].filter((k) => !b.has(k))).toEqual([]);
    expect([...b].filter((k) => !a.has(k))).toEqual([]);
  });

  it("has no empty strings", () => {
    const empty = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === "string" ? (v.trim() ? [] : [k]) : empty(v as object)));
    expect(empty(en)).toEqual([]);
    expect(empty(zhCN)).toEqual([]);
  });

  it("translates every protocol error code", () => {
    const codes: Record<ErrorCode, true> = {
      malformed_frame: true, unknown_type: true, frame_too_large: true, bad_request: true, unsupported_version: true,
      not_authenticated: true, already_authenticated: true, auth_timeout: true, invalid_credentials: true,
      invalid_session: true, session_revoked: true, account_disabled: true, registration_closed: true,
      username_taken: true, invalid_username: true, weak_password: true, invalid_display_name: true, rate_limited: true,
      server_busy: true, storage_full: true, not_found: true, not_friends: true, blocked: true, already_friends: true,
      request_pending: true, no_request: true, self_target: true, empty_message: true, message_too_long: true,
      recall_window_passed: true, edit_window_passed: true, not_your_message: true, client_id_reused: true, forbidden: true, muted: true, already_member: true,
      owner_must_transfer: true, invite_only: true, temp_session_unavailable: true, file_too_large: true, quota_exceeded: true,
      unsupported_image: true, not_allowed_here: true, conflict: true, slow_consumer: true,
      shutting_down: true, internal: true,
    };
    for (const c of Object.keys(codes)) expect(en.errors).toHaveProperty(c);
  });

  it("picks the language from the stored choice, then the browser", () => {
    expect(detectLanguage(null, ["zh-TW", "en"])).toBe("zh-CN");
    expect(detectLanguage(null, ["fr", "en-GB"])).toBe("en");
    expect(detectLanguage("en", ["zh-CN"])).toBe("en");
    expect(detectLanguage(null, [])).toBe("en");
  });
});
