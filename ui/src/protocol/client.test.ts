import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiaoClient, MemoryStore, ProtocolError } from "./client";
import type { Transport } from "./transport";
import type { Message } from "./types";

type Frame = Record<string, unknown> & { id: string; type: string };

/** A scripted server behind the Transport interface. */
class FakeTransport implements Transport {
  onopen: (() => void) | null = null;
  onmessage: ((data: string) => void) | null = null;
  onclose: ((code: number, reason: string) => void) | null = null;
  sent: Frame[] = [];
  closed = false;
  constructor(private readonly server: FakeServer) {}
  open(): void {
    this.server.connections.push(this);
    queueMicrotask(() => this.onopen?.());
  }
  send(data: string): void {
    const f = JSON.parse(data) as Frame;
    this.sent.push(f);
    this.server.handle(this, f);
  }
  close(code = 1006): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.onclose?.(code, ""));
  }
  push(frame: unknown): void {
    this.onmessage?.(JSON.stringify(frame));
  }
}

const alice = { user_id: "ua", username: "alice", display_name: "Alice" };

function msg(seq: number, text = `m${seq}`, conv = "c1", extra: Partial<Message> = {}): Message {
  return {
    message_id: `m-${conv}-${seq}`,
    conversation_id: conv,
    seq,
    sender_id: "ub",
    sent_at: 1000 + seq,
    body: { kind: "text", text },
    ...extra,
  };
}

class FakeServer {
  connections: FakeTransport[] = [];
  /** Custom replies by command type; default behaviours below. */
  handlers: Record<string, (t: FakeTransport, f: Frame) => void> = {};
  syncBacklog: unknown[] = [];
  eventsSeq = 0;
  sentMessages = new Map<string, Message>();
  nextSeq = 1;
  dropSendReplies = false;
  handle(t: FakeTransport, f: Frame): void {
    const custom = this.handlers[f.type];
    if (custom) return custom(t, f);
    const ok = (result: unknown) => queueMicrotask(() => t.push({ type: "ok", id: f.id, result }));
    switch (f.type) {
      case "hello":
        return ok({ kind: "welcome", protocol: 1, server_version: "t", limits: { max_inbound_frame: 65536, max_outbound_frame: 262144, max_text_chars: 4000, max_text_bytes: 16384, recall_window_ms: 120000, commands_per_second: 20 } });
      case "login":
      case "register":
      case "resume":
        return ok({ kind: "session", token: "tok", session_id: "s1", user: alice });
      case "list_contacts":
        return ok({ kind: "contacts", friends: [], incoming: [], outgoing: [], blocked: [], events_seq: this.eventsSeq });
      case "list_conversations":
        return ok({ kind: "conversations", conversations: [] });
      case "sync":
        queueMicrotask(() => {
          t.push({ type: "ok", id: f.id, result: { kind: "sync_started" } });
          for (const b of this.syncBacklog) t.push(b);
          t.push({ type: "sync_done", events_seq: this.eventsSeq });
        });
        return;
      case "send_message": {
        const key = f.client_msg_id as string;
        let m = this.sentMessages.get(key);
        if (!m) {
          m = msg(this.nextSeq++, "x", f.conversation_id as string, { sender_id: "ua", client_msg_id: key });
          this.sentMessages.set(key, m);
        }
        if (this.dropSendReplies) return;
        return ok({ kind: "sent", message: m });
      }
      default:
        return ok({ kind: "done" });
    }
  }
  get last(): FakeTransport {
    const t = this.connections[this.connections.length - 1];
    if (!t) throw new Error("no connection");
    return t;
  }
}

async function flush(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

function setup(storage = new MemoryStore()) {
  const server = new FakeServer();
  const client = new LiaoClient({
    url: "wss://test/ws",
    transport: () => new FakeTransport(server),
    storage,
    random: () => 0,
    requestTimeoutMs: 1000,
  });
  const messages: Message[] = [];
  client.on("message", ({ message }) => messages.push(message));
  return { server, client, storage, messages };
}

describe("LiaoClient", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("matches replies to requests by id, even out of order", async () => {
    const { server, client } = setup();
    server.handlers.get_profile = (t, f) => {
      const uid = f.user_id as string;
      setTimeout(() => t.push({ type: "ok", id: f.id, result: { kind: "profile", profile: { ...alice, user_id: uid } } }), uid === "u1" ? 20 : 5);
    };
    await client.login("alice", "password1");
    await vi.advanceTimersByTimeAsync(0);
    expect(client.status).toBe("online");
    const p1 = client.request({ type: "get_profile", user_id: "u1" }, "profile");
    const p2 = client.request({ type: "get_profile", user_id: "u2" }, "profile");
    await vi.advanceTimersByTimeAsync(30);
    expect((await p1).profile.user_id).toBe("u1");
    expect((await p2).profile.user_id).toBe("u2");
  });

  it("rejects with the error code and times out unanswered requests", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    server.handlers.friend_request = (t, f) => t.push({ type: "error", id: f.id, code: "blocked", message: "no" });
    await expect(client.request({ type: "friend_request", user_id: "u9" }, "done")).rejects.toMatchObject({ code: "blocked" });
    server.handlers.typing = () => undefined;
    const p = client.request({ type: "typing", conversation_id: "c1" }, "done");
    const assertion = expect(p).rejects.toBeInstanceOf(ProtocolError);
    await vi.advanceTimersByTimeAsync(1500);
    await assertion;
  });

  it("accepts a reply of any expected kind and refuses others with unexpected_reply", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    server.handlers.join_group = (t, f) => t.push({ type: "ok", id: f.id, result: { kind: "join_requested" } });
    const r = await client.request({ type: "join_group", conversation_id: "g1" }, ["conversation", "join_requested"]);
    expect(r.kind).toBe("join_requested");
    const wrong = client.request({ type: "join_group", conversation_id: "g1" }, "conversation");
    await expect(wrong).rejects.toMatchObject({ code: "unexpected_reply", message: "unexpected_reply: join_group expects conversation, got join_requested" });
  });

  it("persists the token and cursors, resumes and syncs with them after a drop", async () => {
    const { server, client, storage, messages } = setup();
    server.eventsSeq = 3;
    await client.login("alice", "password1");
    expect(storage.get("token")).toBe("tok");
    expect(client.eventsCursor).toBe(3);
    server.last.push({ type: "message", message: msg(1) });
    server.last.push({ type: "message", message: msg(2) });
    expect(messages.map((m) => m.seq)).toEqual([1, 2]);

    server.syncBacklog = [{ type: "message", message: msg(2) }, { type: "message", message: msg(3) }];
    server.last.close(1006);
    await flush();
    expect(client.status).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(client.status).toBe("online");
    const resume = server.last.sent.find((f) => f.type === "resume");
    expect(resume?.token).toBe("tok");
    const sync = server.last.sent.find((f) => f.type === "sync");
    expect(sync).toMatchObject({ events_after: 3, conversations: [{ conversation_id: "c1", seq: 2 }] });
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("keeps a change cursor per conversation and sends it with sync; a sync cut short counts nothing", async () => {
    const { server, client, storage } = setup();
    const changed: Message[] = [];
    client.on("changed", (m) => changed.push(m));
    await client.login("alice", "password1");
    server.last.push({ type: "message", message: msg(1) });
    server.last.push({ type: "message_changed", message: msg(1, "m1", "c1", { change_seq: 4 }) });
    server.last.push({ type: "message_changed", message: msg(1, "m1", "c1", { change_seq: 2 }) });
    expect(changed.map((m) => m.change_seq)).toEqual([4, 2]);
    expect(JSON.parse(storage.get("cursor.changes") ?? "{}")).toEqual({ c1: 4 });

    // A reconnect whose sync replays change 7 but is cut before sync_done: 7 is not kept.
    server.handlers.sync = (t, f) =>
      queueMicrotask(() => {
        t.push({ type: "ok", id: f.id, result: { kind: "sync_started" } });
        t.push({ type: "message_changed", message: msg(1, "m1", "c1", { change_seq: 7 }) });
        t.close(1006);
      });
    server.last.close(1006);
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(server.last.sent.find((f) => f.type === "sync")).toMatchObject({
      conversations: [{ conversation_id: "c1", seq: 1, changes_after: 4 }],
    });
    expect(JSON.parse(storage.get("cursor.changes") ?? "{}")).toEqual({ c1: 4 });

    // The next sync completes: now it is.
    delete server.handlers.sync;
    server.syncBacklog = [{ type: "message_changed", message: msg(1, "m1", "c1", { change_seq: 7 }) }];
    await vi.advanceTimersByTimeAsync(5000);
    await flush();
    expect(server.last.sent.find((f) => f.type === "sync")).toMatchObject({
      conversations: [{ conversation_id: "c1", seq: 1, changes_after: 4 }],
    });
    expect(client.status).toBe("online");
    expect(JSON.parse(storage.get("cursor.changes") ?? "{}")).toEqual({ c1: 7 });
  });

  it("emits profile_changed frames as profile events", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    const seen: string[] = [];
    client.on("profile", (p) => seen.push(p.display_name));
    server.last.push({ type: "profile_changed", profile: { ...alice, display_name: "Alicia" } });
    expect(seen).toEqual(["Alicia"]);
  });

  it("dedupes repeated seqs and buffers out-of-order entries", async () => {
    const { server, client, messages } = setup();
    await client.login("alice", "password1");
    const t = server.last;
    t.push({ type: "message", message: msg(1) });
    t.push({ type: "message", message: msg(3) });
    expect(messages.map((m) => m.seq)).toEqual([1]);
    t.push({ type: "message", message: msg(1) });
    t.push({ type: "message", message: msg(2) });
    t.push({ type: "message", message: msg(3) });
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3]);

    const events: number[] = [];
    client.on("event", ({ event }) => events.push(event.seq));
    const ev = (seq: number) => ({ type: "event", event: { seq, at: 0, body: { kind: "read_marker", conversation_id: "c1", seq: 1 } } });
    t.push(ev(1));
    t.push(ev(1));
    t.push(ev(2));
    expect(events).toEqual([1, 2]);
  });

  it("resends unacknowledged messages with the same client_msg_id after reconnecting", async () => {
    const { server, client, messages } = setup();
    await client.login("alice", "password1");
    server.dropSendReplies = true;
    const p = client.sendMessage("c9", { kind: "text", text: "hi" });
    await flush();
    expect(client.pendingSends).toHaveLength(1);
    server.dropSendReplies = false;
    server.last.close(1006);
    await flush();
    await vi.advanceTimersByTimeAsync(1000);
    await flush(40);
    const sends = server.connections.flatMap((c) => c.sent).filter((f) => f.type === "send_message");
    expect(sends).toHaveLength(2);
    expect(sends[0]?.client_msg_id).toBe(p.client_msg_id);
    expect(sends[1]?.client_msg_id).toBe(p.client_msg_id);
    expect(server.sentMessages.size).toBe(1);
    expect(client.pendingSends).toHaveLength(0);
    expect(messages.filter((m) => m.client_msg_id === p.client_msg_id)).toHaveLength(1);
  });

  it("retries a rate-limited send after retry_after_ms", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    let refused = 0;
    const normal = server.handle.bind(server);
    server.handlers.send_message = (t, f) => {
      if (refused++ === 0) {
        t.push({ type: "error", id: f.id, code: "rate_limited", message: "slow down", retry_after_ms: 200 });
        return;
      }
      delete server.handlers.send_message;
      normal(t, f);
    };
    client.sendMessage("c9", { kind: "text", text: "hi" });
    await flush();
    expect(client.pendingSends).toHaveLength(1);
    expect(client.pendingSends[0]?.failed).toBeUndefined();
    await vi.advanceTimersByTimeAsync(250);
    await flush();
    expect(client.pendingSends).toHaveLength(0);
    expect(server.sentMessages.size).toBe(1);
  });

  it("keeps a send refused with storage_full waiting and resends it after 5 s with the same client_msg_id", async () => {
    const { server, client, messages } = setup();
    await client.login("alice", "password1");
    server.handlers.send_message = (t, f) => {
      delete server.handlers.send_message;
      t.push({ type: "error", id: f.id, code: "storage_full", message: "disk full" });
    };
    const outboxes: Array<Array<{ waiting?: string; failed?: string }>> = [];
    client.on("outbox", (o) => outboxes.push(o));
    const p = client.sendMessage("c9", { kind: "text", text: "hi" });
    await flush();
    expect(client.pendingSends).toHaveLength(1);
    expect(client.pendingSends[0]).toMatchObject({ waiting: "storage_full", attempts: 1 });
    expect(client.pendingSends[0]?.failed).toBeUndefined();
    expect(outboxes.at(-1)?.[0]).toMatchObject({ waiting: "storage_full" });

    await vi.advanceTimersByTimeAsync(4900);
    const sends = () => server.last.sent.filter((f) => f.type === "send_message");
    expect(sends()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    await flush();
    expect(sends().map((f) => f.client_msg_id)).toEqual([p.client_msg_id, p.client_msg_id]);
    expect(client.pendingSends).toHaveLength(0);
    expect(messages.filter((m) => m.client_msg_id === p.client_msg_id)).toHaveLength(1);
  });

  it("backs off between refusals up to 30 s, honouring retry_after_ms", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    const at: number[] = [];
    const start = Date.now();
    server.handlers.send_message = (t, f) => {
      at.push(Date.now() - start);
      t.push({ type: "error", id: f.id, code: "server_busy", message: "database busy", retry_after_ms: 5000 });
    };
    client.sendMessage("c9", { kind: "text", text: "hi" });
    await vi.advanceTimersByTimeAsync(5000 + 10_000 + 20_000 + 30_000 + 30_000 + 10);
    expect(at).toEqual([0, 5000, 15_000, 35_000, 65_000, 95_000]);
    expect(client.pendingSends[0]).toMatchObject({ waiting: "server_busy", attempts: 6 });
    expect(client.pendingSends[0]?.failed).toBeUndefined();
  });

  it("gets the original message once when a send refused with server_busy had been stored", async () => {
    const { server, client, messages } = setup();
    await client.login("alice", "password1");
    server.handlers.send_message = (t, f) => {
      // The commit went through but its outcome was lost: the server stored it and answers busy.
      delete server.handlers.send_message;
      server.dropSendReplies = true;
      server.handle(t, f);
      server.dropSendReplies = false;
      t.push({ type: "error", id: f.id, code: "server_busy", message: "commit outcome unknown", retry_after_ms: 1000 });
    };
    const p = client.sendMessage("c9", { kind: "text", text: "hi" });
    await flush();
    expect(client.pendingSends[0]?.waiting).toBe("server_busy");
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(server.sentMessages.size).toBe(1);
    expect(client.pendingSends).toHaveLength(0);
    expect(messages.filter((m) => m.client_msg_id === p.client_msg_id)).toHaveLength(1);
  });

  it("marks other refusals failed and does not resend them by itself", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    server.handlers.send_message = (t, f) => t.push({ type: "error", id: f.id, code: "not_friends", message: "no" });
    client.sendMessage("c9", { kind: "text", text: "hi" });
    await flush();
    expect(client.pendingSends[0]).toMatchObject({ failed: "not_friends" });
    expect(client.pendingSends[0]?.waiting).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.last.sent.filter((f) => f.type === "send_message")).toHaveLength(1);
  });

  it("stops resending a waiting message once it is discarded", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    server.handlers.send_message = (t, f) => t.push({ type: "error", id: f.id, code: "storage_full", message: "full", retry_after_ms: 5000 });
    const p = client.sendMessage("c9", { kind: "text", text: "hi" });
    await flush();
    client.discardSend(p.client_msg_id);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.last.sent.filter((f) => f.type === "send_message")).toHaveLength(1);
    expect(client.pendingSends).toHaveLength(0);
  });

  it("resends a waiting message after a reconnect only when its wait is over", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    server.handlers.send_message = (t, f) => {
      delete server.handlers.send_message;
      t.push({ type: "error", id: f.id, code: "storage_full", message: "full", retry_after_ms: 5000 });
    };
    const p = client.sendMessage("c9", { kind: "text", text: "hi" });
    await flush();
    server.last.close(1006);
    await flush();
    await vi.advanceTimersByTimeAsync(1000); // reconnected and synced, still within the wait
    await flush(40);
    expect(client.status).toBe("online");
    const sends = () => server.connections.flatMap((c) => c.sent).filter((f) => f.type === "send_message");
    expect(sends()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4100);
    await flush();
    expect(sends().map((f) => f.client_msg_id)).toEqual([p.client_msg_id, p.client_msg_id]);
    expect(client.pendingSends).toHaveLength(0);
  });

  it("forgets the session on invalid_session and does not reconnect after logout", async () => {
    const storage = new MemoryStore();
    storage.set("token", "old");
    const { server, client } = setup(storage);
    server.handlers.resume = (t, f) => t.push({ type: "error", id: f.id, code: "invalid_session", message: "x" });
    client.start();
    await flush(40);
    expect(client.status).toBe("logged_out");
    expect(storage.get("token")).toBeNull();
  });

  it("backs off exponentially between failed reconnects", async () => {
    const { server, client } = setup();
    await client.login("alice", "password1");
    const count = () => server.connections.length;
    server.last.close(1006);
    await flush();
    await vi.advanceTimersByTimeAsync(499); // random() = 0 → half of 1 s
    expect(count()).toBe(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(count()).toBe(2);
  });
});
