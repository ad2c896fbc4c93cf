import type { Conversation } from "../../state/conversations";

export function conversationTitle(c: Pick<Conversation, "kind" | "group" | "peer">): string {
  if (c.kind === "group") return c.group?.name ?? "";
  return c.peer?.display_name ?? c.peer?.username ?? "";
}
