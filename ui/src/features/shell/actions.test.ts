import { describe, expect, it } from "vitest";
import { fakeRequester } from "../../protocol/fakeRequester";
import type { Profile, SessionInfo } from "../../protocol/types";
import { changePassword, listSessions, revokeSession, setAvatar, updateProfile } from "./actions";

const done = { kind: "done" } as const;
const me: Profile = { user_id: "ua", username: "alice", display_name: "Alice", avatar: "f1" };

describe("settings actions", () => {
  it("sets my avatar", async () => {
    const c = fakeRequester({ kind: "profile", profile: me });
    expect(await setAvatar(c, "f1")).toBe(me);
    expect(c.sent()).toEqual({ json: '{"type":"set_avatar","file_id":"f1"}', expect: ["profile"] });
  });

  it("removes my avatar with an explicit null", async () => {
    const c = fakeRequester({ kind: "profile", profile: { ...me, avatar: undefined } });
    await setAvatar(c, null);
    expect(c.sent()).toEqual({ json: '{"type":"set_avatar","file_id":null}', expect: ["profile"] });
  });

  it("renames me", async () => {
    const c = fakeRequester({ kind: "profile", profile: me });
    expect(await updateProfile(c, "Alice L")).toBe(me);
    expect(c.sent()).toEqual({ json: '{"type":"update_profile","display_name":"Alice L"}', expect: ["profile"] });
  });

  it("changes my password", async () => {
    const c = fakeRequester(done);
    await changePassword(c, "old secret", "new secret");
    expect(c.sent()).toEqual({ json: '{"type":"change_password","old_password":"old secret","new_password":"new secret"}', expect: ["done"] });
  });

  it("lists my sessions", async () => {
    const sessions: SessionInfo[] = [{ session_id: "s1", created_at: 1, last_seen_at: 2, current: true }];
    const c = fakeRequester({ kind: "sessions", sessions });
    expect(await listSessions(c)).toBe(sessions);
    expect(c.sent()).toEqual({ json: '{"type":"list_sessions"}', expect: ["sessions"] });
  });

  it("revokes a session", async () => {
    const c = fakeRequester(done);
    await revokeSession(c, "s2");
    expect(c.sent()).toEqual({ json: '{"type":"revoke_session","session_id":"s2"}', expect: ["done"] });
  });
});
