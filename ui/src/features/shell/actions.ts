// The account commands of the settings dialog: my profile, my password, my signed-in devices and
// my privacy settings.
// Each builds its command and unwraps the reply it expects.

import type { Requester } from "../../protocol/client";
import type { AccountSettings, Profile, SessionInfo } from "../../protocol/types";

/** Sets my avatar to an uploaded image, or removes it with `null`; returns my updated profile. */
export async function setAvatar(client: Requester, fileId: string | null): Promise<Profile> {
  const r = await client.request({ type: "set_avatar", file_id: fileId }, "profile");
  return r.profile;
}

/** Renames me; returns my updated profile. */
export async function updateProfile(client: Requester, displayName: string): Promise<Profile> {
  const r = await client.request({ type: "update_profile", display_name: displayName }, "profile");
  return r.profile;
}

/** Changes my password; the server checks the old one. */
export async function changePassword(client: Requester, oldPassword: string, newPassword: string): Promise<void> {
  await client.request({ type: "change_password", old_password: oldPassword, new_password: newPassword }, "done");
}

/** My signed-in devices, this one included. */
export async function listSessions(client: Requester): Promise<SessionInfo[]> {
  const r = await client.request({ type: "list_sessions" }, "sessions");
  return r.sessions;
}

/** Signs another of my devices out. */
export async function revokeSession(client: Requester, sessionId: string): Promise<void> {
  await client.request({ type: "revoke_session", session_id: sessionId }, "done");
}

/** Switches read receipts in 1:1 chats on or off (for all my devices). */
export async function setReadReceipts(client: Requester, on: boolean): Promise<AccountSettings> {
  const r = await client.request({ type: "update_settings", read_receipts: on }, "settings");
  return r.settings;
}
