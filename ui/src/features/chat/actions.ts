// The chat commands a conversation view sends besides messages (those go through the client's
// outbox): read markers and receipts, typing notices, recalls and deleting for me. Each builds its
// command and waits for its reply.

import type { Requester } from "../../protocol/client";

/** Marks the conversation read up to `seq`. */
export async function markRead(client: Requester, conversationId: string, seq: number): Promise<void> {
  await client.request({ type: "mark_read", conversation_id: conversationId, seq }, "done");
}

/** Tells the others in the conversation that I am typing. */
export async function sendTyping(client: Requester, conversationId: string): Promise<void> {
  await client.request({ type: "typing", conversation_id: conversationId }, "done");
}

/** Deletes messages for me only (they stay for everyone else). */
export async function deleteForMe(client: Requester, conversationId: string, messageIds: string[]): Promise<void> {
  await client.request({ type: "delete_for_me", conversation_id: conversationId, message_ids: messageIds }, "done");
}

/** Replaces the text of my own text message at `seq`. */
export async function editMessage(client: Requester, conversationId: string, seq: number, text: string): Promise<void> {
  await client.request({ type: "edit_message", conversation_id: conversationId, seq, text }, "done");
}

/** Adds (`on`) or takes back my reaction `emoji` to the message at `seq`. */
export async function react(client: Requester, conversationId: string, seq: number, emoji: string, on: boolean): Promise<void> {
  await client.request({ type: "react", conversation_id: conversationId, seq, emoji, on }, "done");
}

/** Recalls a message (mine within the window, or another's as a moderator). */
export async function recallMessage(client: Requester, conversationId: string, messageId: string): Promise<void> {
  await client.request({ type: "recall", conversation_id: conversationId, message_id: messageId }, "done");
}

/** (1:1) Tells the sender that my messages up to `seq` reached this device. */
export async function markDelivered(client: Requester, conversationId: string, seq: number): Promise<void> {
  await client.request({ type: "mark_delivered", conversation_id: conversationId, seq }, "done");
}

/** How far the others got with my messages: 1:1 positions, or group counts for `seqs`. */
export async function readReceipts(client: Requester, conversationId: string, seqs: number[]) {
  return client.request({ type: "read_receipts", conversation_id: conversationId, seqs }, "read_receipts");
}

/** (Groups) Who read my message at `seq`, and who has not. */
export async function readBy(client: Requester, conversationId: string, seq: number) {
  return client.request({ type: "read_by", conversation_id: conversationId, seq }, "read_by");
}
