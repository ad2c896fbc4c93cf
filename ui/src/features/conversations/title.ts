import type { Conversation } from "../../state/conversations";

import type { Profile } from "../../protocol/types";

/** The avatar image of a conversation: the group's, or the other person's (freshest profile first). */
export function conversationAvatar(c: Pick<Conversation, "kind" | "group" | "peer">, profiles: Record<string, Profile>): string | undefined {
  if (c.kind === "group") return c.group?.avatar;
  return c.peer ? (profiles[c.peer.user_id]?.avatar ?? c.peer.avatar) : undefined;
}

export function conversationTitle(c: Pick<Conversation, "kind" | "group" | "peer">): string {
  if (c.kind === "group") return c.group?.name ?? "";
  return c.peer?.display_name ?? c.peer?.username ?? "";
}
