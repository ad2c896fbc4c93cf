// The contacts commands: finding people, friend requests, friendships, blocks and opening a direct
// conversation. Each builds its command and unwraps the reply it expects.

import type { Requester } from "../../protocol/client";
import type { ConversationInfo, Profile } from "../../protocol/types";

/** The first page of people matching `query` (name or username). */
export async function searchUsers(client: Requester, query: string): Promise<Profile[]> {
  const r = await client.request({ type: "search_users", query, offset: 0, limit: 20 }, "users");
  return r.users;
}

/** Opens (or finds) the direct conversation with a friend. */
export async function openDirect(client: Requester, userId: string): Promise<ConversationInfo> {
  const r = await client.request({ type: "open_direct", user_id: userId }, "conversation");
  return r.conversation;
}

/** Asks `userId` to be friends, with an optional greeting (left out of the command when absent). */
export async function sendFriendRequest(client: Requester, userId: string, message?: string): Promise<void> {
  await client.request({ type: "friend_request", user_id: userId, message }, "done");
}

/** Accepts the friend request `userId` sent me. */
export async function acceptFriendRequest(client: Requester, userId: string): Promise<void> {
  await client.request({ type: "friend_accept", user_id: userId }, "done");
}

/** Declines the friend request `userId` sent me. */
export async function declineFriendRequest(client: Requester, userId: string): Promise<void> {
  await client.request({ type: "friend_decline", user_id: userId }, "done");
}

/** Withdraws the friend request I sent to `userId`. */
export async function cancelFriendRequest(client: Requester, userId: string): Promise<void> {
  await client.request({ type: "friend_cancel", user_id: userId }, "done");
}

/** Ends the friendship with `userId`. */
export async function removeFriend(client: Requester, userId: string): Promise<void> {
  await client.request({ type: "friend_remove", user_id: userId }, "done");
}

/** Blocks `userId`. */
export async function blockUser(client: Requester, userId: string): Promise<void> {
  await client.request({ type: "block", user_id: userId }, "done");
}

/** Lifts my block on `userId`. */
export async function unblockUser(client: Requester, userId: string): Promise<void> {
  await client.request({ type: "unblock", user_id: userId }, "done");
}
