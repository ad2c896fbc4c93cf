// Feeds protocol client events into the zustand stores. The only place that knows both.
import type { LiaoClient } from "../protocol/client";
import type { Message, Profile } from "../protocol/types";
import { useContacts } from "./contacts";
import { useConversations } from "./conversations";
import { namedUsers, resolveNames, useDirectory } from "./directory";
import { useGroups } from "./groups";
import { useMessages } from "./messages";
import { useReceipts } from "./receipts";
import { useSession } from "./session";
import { useTyping } from "./typing";

export interface BindOptions {
  /** Called for a live message from someone else (the app decides whether to notify). */
  onIncoming?(m: Message): void;
}

/** Applies a changed name or avatar everywhere the user appears (`profile_changed`, `profile_updated`). */
export function applyProfile(p: Profile): void {
  useDirectory.getState().add([p]);
  useContacts.getState().applyProfile(p);
  useConversations.getState().applyProfile(p);
  useGroups.getState().applyProfile(p);
  const me = useSession.getState().user;
  if (me && me.user_id === p.user_id) useSession.getState().set({ user: p });
}

/** Messages I deleted for myself (`delete_for_me` here, or its event from another device): gone
 *  from the conversation, and from its preview, which falls back to the newest entry still held. */
export function deleteForMeLocally(conversationId: string, messageIds: string[]): void {
  const messages = useMessages.getState();
  messages.hide(conversationId, messageIds);
  const held = useMessages.getState().byConv[conversationId];
  const lastSeq = held?.seqs[held.seqs.length - 1];
  const latest = lastSeq === undefined ? undefined : held?.items[lastSeq];
  useConversations.getState().applyDeleted(conversationId, messageIds, latest);
}

export function resetStores(): void {
  useContacts.getState().reset();
  useConversations.getState().reset();
  useMessages.getState().reset();
  useGroups.getState().reset();
  useReceipts.getState().reset();
}

/** How often, at most, one conversation's delivery mark is sent (PROTOCOL.md, `mark_delivered`). */
export const DELIVERED_EVERY_MS = 1000;

/** Sends `mark_delivered` for a 1:1 conversation at most once per `DELIVERED_EVERY_MS`, with the
 *  highest seq received by then: the first at once, later ones at the end of the interval. */
export function deliveryMarker(send: (conversationId: string, seq: number) => Promise<void>) {
  const state = new Map<string, { sent: number; pending: number; timer: ReturnType<typeof setTimeout> | null; at: number }>();
  const flush = (id: string) => {
    const s = state.get(id);
    if (!s || s.pending <= s.sent) return;
    s.sent = s.pending;
    s.at = Date.now();
    send(id, s.pending).catch(() => {
      // Not delivered as far as the sender knows: the next message (or reconnect) tries again.
      if (s.sent === s.pending) s.sent = 0;
    });
  };
  return {
    received(id: string, seq: number) {
      const s = state.get(id) ?? { sent: 0, pending: 0, timer: null, at: 0 };
      state.set(id, s);
      s.pending = Math.max(s.pending, seq);
      if (s.timer) return;
      const wait = s.at + DELIVERED_EVERY_MS - Date.now();
      if (wait <= 0) flush(id);
      else
        s.timer = setTimeout(() => {
          s.timer = null;
          flush(id);
        }, wait);
    },
    stop() {
      for (const s of state.values()) if (s.timer) clearTimeout(s.timer);
      state.clear();
    },
  };
}

export function bindClient(client: LiaoClient, opts: BindOptions = {}): () => void {
  const dir = () => useDirectory.getState();
  const convs = () => useConversations.getState();
  let reloadTimer: ReturnType<typeof setTimeout> | null = null;
  const reloadConversations = () => {
    if (reloadTimer) return;
    reloadTimer = setTimeout(() => {
      reloadTimer = null;
      client
        .request({ type: "list_conversations" }, "conversations")
        .then((r) => {
          convs().setSnapshot(r.conversations);
          resolveNames(client, r.conversations.flatMap((c) => (c.last_message ? namedUsers(c.last_message) : [])));
        })
        .catch(() => undefined);
    }, 300);
  };
  const myId = () => useSession.getState().user?.user_id ?? "";
  const delivery = deliveryMarker((id, seq) => client.request({ type: "mark_delivered", conversation_id: id, seq }, "done").then(() => undefined));

  const offs = [
    client.on("status", (status) => useSession.getState().set({ status })),
    client.on("session", (s) => {
      if (!s) {
        resetStores();
        useSession.getState().set({ user: null });
        return;
      }
      useSession.getState().set({ user: s.user, endedBy: null });
      dir().add([s.user]);
      client.request({ type: "get_settings" }, "settings").then(
        (r) => useReceipts.getState().setSettings(r.settings),
        () => undefined,
      );
    }),
    client.on("server_error", (code) => {
      if (code === "session_revoked" || code === "account_disabled") useSession.getState().set({ endedBy: code });
    }),
    client.on("limits", (limits) => useSession.getState().set({ limits })),
    client.on("contacts", (c) => {
      useContacts.getState().applySnapshot(c);
      dir().add([...c.friends.map((f) => f.profile), ...c.incoming.map((r) => r.user), ...c.outgoing.map((r) => r.user), ...c.blocked]);
    }),
    client.on("conversations", (list) => {
      convs().setSnapshot(list);
      dir().add(list.flatMap((c) => (c.peer ? [c.peer] : [])));
      // Previews name their senders and the members system entries are about.
      resolveNames(client, list.flatMap((c) => (c.last_message ? namedUsers(c.last_message) : [])));
    }),
    client.on("conversation", (info) => {
      convs().upsert(info);
      if (info.peer) dir().add([info.peer]);
    }),
    client.on("event", ({ event }) => {
      const b = event.body;
      useContacts.getState().applyEvent(b, event.at);
      useGroups.getState().applyEvent(b);
      switch (b.kind) {
        case "friend_request_received":
        case "friend_request_sent":
          dir().add([b.request.user]);
          break;
        case "friend_added":
          dir().add([b.friend]);
          // Presence of the new friend: the protocol says to reload contacts after friend_added.
          client.request({ type: "list_contacts" }, "contacts").then((c) => useContacts.getState().applySnapshot(c), () => undefined);
          break;
        case "blocked":
          dir().add([b.user]);
          break;
        case "join_request_received":
          dir().add([b.request.user]);
          break;
        case "conversation_added":
          convs().upsert(b.conversation);
          if (b.conversation.peer) dir().add([b.conversation.peer]);
          break;
        case "conversation_removed":
          if (b.reason === "left") convs().remove(b.conversation_id);
          else convs().end(b.conversation_id, b.reason);
          break;
        case "read_marker":
          convs().applyReadMarker(b.conversation_id, b.seq);
          break;
        case "deleted_for_me":
          deleteForMeLocally(b.conversation_id, b.message_ids);
          break;
        case "profile_updated":
          applyProfile(b.profile);
          break;
        case "settings_changed":
          useReceipts.getState().setSettings(b.settings);
          break;
      }
    }),
    client.on("message", ({ message, live }) => {
      const m = message;
      useMessages.getState().add(m.conversation_id, [m]);
      if (!convs().byId[m.conversation_id]) reloadConversations();
      convs().applyMessage(m, myId());
      // A copy of a message deleted for me (a replay racing the event) stays out of the preview.
      if (useMessages.getState().hidden[m.conversation_id]?.[m.message_id]) deleteForMeLocally(m.conversation_id, [m.message_id]);
      if (m.body.kind === "system" && m.body.event.kind === "joined") dir().add([m.body.event.user]);
      resolveNames(client, namedUsers(m));
      if (m.body.kind === "text") useTyping.getState().clear(m.conversation_id, m.sender_id);
      // 1:1: tell the sender their message reached this device ("Delivered").
      const kind = convs().byId[m.conversation_id]?.kind;
      if (m.sender_id !== myId() && (kind === "direct" || kind === "temporary") && m.body.kind !== "system") delivery.received(m.conversation_id, m.seq);
      if (live && m.sender_id !== myId() && (m.body.kind === "text" || m.body.kind === "image" || m.body.kind === "file")) opts.onIncoming?.(m);
    }),
    client.on("changed", (m) => {
      useMessages.getState().change(m);
      convs().applyChanged(m);
    }),
    client.on("typing", ({ conversation_id, user_id }) => {
      if (user_id !== myId()) useTyping.getState().typing(conversation_id, user_id);
    }),
    client.on("profile", applyProfile),
    client.on("presence", ({ user_id, online }) => useContacts.getState().setPresence(user_id, online)),
    client.on("outbox", (p) => useMessages.getState().setPending(p)),
    client.on("sync_gap", ({ conversation_id }) => {
      // Our copy has a hole: drop it; the chat view reloads the newest page with `history`.
      useMessages.getState().drop(conversation_id);
    }),
  ];
  useMessages.getState().setPending([...client.pendingSends]);
  return () => {
    delivery.stop();
    offs.forEach((off) => off());
  };
}
