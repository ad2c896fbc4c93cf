// The group commands: finding, creating and joining groups, and governing one (members, roles,
// mutes, settings, join requests). Each builds its command and unwraps the reply it expects.
// Commands list their fields in a fixed order, so the same call always sends the same bytes.

import type { Requester } from "../../protocol/client";
import type { ConversationInfo, GroupSettings, GroupSettingsPatch, GroupSummary, JoinRequestInfo, MemberInfo } from "../../protocol/types";

/** All five settings of a group, as `create_group` takes them. */
export type GroupSettingsValues = GroupSettings;

/** Settings to change; a field left undefined stays as it is and is not sent. */
export type GroupChanges = GroupSettingsPatch;

/** The first page of groups matching `query` (name or number). */
export async function searchGroups(client: Requester, query: string): Promise<GroupSummary[]> {
  const r = await client.request({ type: "search_groups", query, offset: 0, limit: 20 }, "groups");
  return r.groups;
}

/** Creates a group with me as owner; returns its conversation. */
export async function createGroup(client: Requester, group: GroupSettingsValues): Promise<ConversationInfo> {
  const r = await client.request(
    {
      type: "create_group",
      name: group.name,
      description: group.description,
      join_policy: group.join_policy,
      searchable: group.searchable,
      allow_temp_sessions: group.allow_temp_sessions,
    },
    "conversation",
  );
  return r.conversation;
}

/**
 * Joins an open group (returns its conversation) or asks to join one that needs approval
 * (returns null: the request now waits for a moderator).
 */
export async function joinGroup(client: Requester, conversationId: string, message?: string): Promise<ConversationInfo | null> {
  const r = await client.request({ type: "join_group", conversation_id: conversationId, message }, ["conversation", "join_requested"]);
  return r.kind === "conversation" ? r.conversation : null;
}

/** The requests to join the group that wait for a moderator. */
export async function listJoinRequests(client: Requester, conversationId: string): Promise<JoinRequestInfo[]> {
  const r = await client.request({ type: "list_join_requests", conversation_id: conversationId }, "join_requests");
  return r.requests;
}

/** Approves or declines `userId`'s request to join. */
export async function decideJoin(client: Requester, conversationId: string, userId: string, approve: boolean): Promise<void> {
  await client.request({ type: "decide_join", conversation_id: conversationId, user_id: userId, approve }, "done");
}

/** The group's members: the first 500 (the largest page the server gives). */
export async function listMembers(client: Requester, conversationId: string): Promise<MemberInfo[]> {
  const r = await client.request({ type: "list_members", conversation_id: conversationId, offset: 0, limit: 500 }, "members");
  return r.members;
}

/** Changes the group's settings; only the fields in `changes` are sent. */
export async function updateGroup(client: Requester, conversationId: string, changes: GroupChanges): Promise<void> {
  await client.request(
    {
      type: "update_group",
      conversation_id: conversationId,
      name: changes.name,
      description: changes.description,
      join_policy: changes.join_policy,
      searchable: changes.searchable,
      allow_temp_sessions: changes.allow_temp_sessions,
    },
    "done",
  );
}

/** Sets the group's avatar to an uploaded image, or removes it with `null`. */
export async function setGroupAvatar(client: Requester, conversationId: string, fileId: string | null): Promise<void> {
  await client.request({ type: "set_group_avatar", conversation_id: conversationId, file_id: fileId }, "done");
}

/** Adds `userId` to the group. */
export async function addMember(client: Requester, conversationId: string, userId: string): Promise<void> {
  await client.request({ type: "add_member", conversation_id: conversationId, user_id: userId }, "done");
}

/** Removes `userId` from the group. */
export async function removeMember(client: Requester, conversationId: string, userId: string): Promise<void> {
  await client.request({ type: "remove_member", conversation_id: conversationId, user_id: userId }, "done");
}

/** Mutes `userId` in the group for `seconds`; 0 lifts the mute. */
export async function muteMember(client: Requester, conversationId: string, userId: string, seconds: number): Promise<void> {
  await client.request({ type: "mute_member", conversation_id: conversationId, user_id: userId, seconds }, "done");
}

/** Switches whole-group mute on or off. */
export async function muteAll(client: Requester, conversationId: string, on: boolean): Promise<void> {
  await client.request({ type: "mute_all", conversation_id: conversationId, on }, "done");
}

/** Makes `userId` an admin, or a plain member again. */
export async function setAdmin(client: Requester, conversationId: string, userId: string, admin: boolean): Promise<void> {
  await client.request({ type: "set_admin", conversation_id: conversationId, user_id: userId, admin }, "done");
}

/** Hands the group to `userId`; I become an admin. */
export async function transferGroup(client: Requester, conversationId: string, userId: string): Promise<void> {
  await client.request({ type: "transfer_group", conversation_id: conversationId, user_id: userId }, "done");
}

/** Leaves the group (an owner must transfer it first). */
export async function leaveGroup(client: Requester, conversationId: string): Promise<void> {
  await client.request({ type: "leave_group", conversation_id: conversationId }, "done");
}

/** Dissolves the group for everyone (owner only). */
export async function dissolveGroup(client: Requester, conversationId: string): Promise<void> {
  await client.request({ type: "dissolve_group", conversation_id: conversationId }, "done");
}

/** Opens a temporary conversation with a fellow member `userId`, by way of the group `via`. */
export async function openTemp(client: Requester, userId: string, via: string): Promise<ConversationInfo> {
  const r = await client.request({ type: "open_temp", user_id: userId, via }, "conversation");
  return r.conversation;
}
