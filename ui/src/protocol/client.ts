// The one owner of the server connection: handshake, authentication, request/reply matching,
// reconnect with back-off, resync with stored cursors, de-duplication and the outgoing queue.
// Everything else talks to the server through this class and never sees a frame.

import type {
  Command,
  ConversationInfo,
  ErrorCode,
  Message,
  NewMessageBody,
  Profile,
  Reply,
  ServerFrame,
  UserEvent,
  WireLimits,
} from "./types";
import { PROTOCOL_VERSION } from "./types";
import type { Transport, TransportFactory } from "./transport";
import { resendDelay, waitsToResend } from "./outbox";

export type ConnectionStatus =
  | "logged_out" // no session; the login screen shows
  | "connecting" // first connection of this page
  | "syncing" // authenticated, catching up
  | "online"
  | "reconnecting" // lost the connection, waiting to retry
  | "offline"; // the browser says there is no network

export type ClientErrorCode = ErrorCode | "timeout" | "disconnected" | "unexpected_reply";

export class ProtocolError extends Error {
  readonly code: ClientErrorCode;
  readonly until?: number;
  readonly retryAfterMs?: number;
  /** `detail` goes into the message for developers only; users see the translated code. */
  constructor(code: ClientErrorCode, extra?: { until?: number; retryAfterMs?: number; detail?: string }) {
    super(extra?.detail ? `${code}: ${extra.detail}` : code);
    this.name = "ProtocolError";
    this.code = code;
    this.until = extra?.until;
    this.retryAfterMs = extra?.retryAfterMs;
  }
}

export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  get(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  set(key: string, value: string): void {
    this.data.set(key, value);
  }
  remove(key: string): void {
    this.data.delete(key);
  }
}

export function localStorageStore(prefix = "liao."): KeyValueStore {
  return {
    get: (k) => {
      try {
        return localStorage.getItem(prefix + k);
      } catch {
        return null;
      }
    },
    set: (k, v) => {
      try {
        localStorage.setItem(prefix + k, v);
      } catch {
        /* storage full or disabled: cursors stay in memory */
      }
    },
    remove: (k) => {
      try {
        localStorage.removeItem(prefix + k);
      } catch {
        /* ignore */
      }
    },
  };
}

/** A message the user sent that the server has not acknowledged yet. */
export interface PendingSend {
  conversation_id: string;
  client_msg_id: string;
  body: NewMessageBody;
  /** The seq this message replies to (quotes), in the same conversation. */
  reply_to?: number;
  created_at: number;
  /** Refused for good (e.g. `not_friends`): stays until the user retries or discards it. */
  failed?: ClientErrorCode;
  /** Refused for now (`storage_full`, `server_busy`, `rate_limited`): resent by itself later. */
  waiting?: ClientErrorCode;
  /** Refusals in a row while waiting; the wait before the next resend grows with it. */
  attempts?: number;
}

export interface SessionState {
  user: Profile;
  sessionId: string;
}

/** The reply of kind `K`. */
export type ReplyOf<K extends Reply["kind"]> = Extract<Reply, { kind: K }>;

/** The reply kind a request expects, or the kinds when the answer varies (e.g. `join_group`). */
export type Expected<K extends Reply["kind"]> = K | readonly K[];

/** Passes `reply` through when it is of an expected kind; otherwise throws `unexpected_reply`. */
export function checkReply<K extends Reply["kind"]>(cmd: Command, reply: Reply, expect: Expected<K>): ReplyOf<K> {
  const kinds: readonly Reply["kind"][] = typeof expect === "string" ? [expect] : expect;
  if (!kinds.includes(reply.kind)) {
    throw new ProtocolError("unexpected_reply", { detail: `${cmd.type} expects ${kinds.join(" or ")}, got ${reply.kind}` });
  }
  return reply as ReplyOf<K>;
}

/**
 * What the feature actions need from the client: one typed request. The app passes the
 * `LiaoClient`; action tests pass a fake that records the command.
 */
export type Requester = Pick<LiaoClient, "request">;

export interface ClientEvents {
  status: ConnectionStatus;
  session: SessionState | null;
  limits: WireLimits;
  /** A conversation entry, applied exactly once and in seq order per conversation. */
  message: { message: Message; live: boolean };
  /** A message changed without a new entry (reactions): its state now, to apply if newer. */
  changed: Message;
  /** A user event, applied exactly once and in seq order. */
  event: { event: UserEvent; live: boolean };
  typing: { conversation_id: string; user_id: string };
  presence: { user_id: string; online: boolean };
  /** Someone who shares a friendship or a conversation with me changed their name or avatar (ephemeral). */
  profile: Profile;
  contacts: ReplyOf<"contacts">;
  conversations: ConversationInfo[];
  conversation: ConversationInfo;
  sync_gap: { conversation_id: string; latest_seq: number };
  sync_done: { events_seq: number };
  outbox: PendingSend[];
  /** A server error without request id, usually just before it closes the connection. */
  server_error: ClientErrorCode;
}

type Handler<T> = (value: T) => void;

interface PendingRequest {
  resolve: (r: Reply) => void;
  reject: (e: ProtocolError) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Stream<T> {
  cursor: number;
  buffer: Map<number, T>;
}

export interface ClientOptions {
  url: string;
  transport: TransportFactory;
  storage: KeyValueStore;
  requestTimeoutMs?: number;
  /** Gap in a stream not filled within this time forces a reconnect. */
  gapTimeoutMs?: number;
  random?: () => number;
  clientName?: string;
  device?: string;
}

const K_TOKEN = "token";
const K_EVENTS = "cursor.events";
const K_CONVS = "cursor.conversations";
const K_CHANGES = "cursor.changes";
const K_OUTBOX = "outbox";
const K_USER = "user";

const NO_RECONNECT_CODES = new Set([1000, 4001, 4003]);

export class LiaoClient {
  private readonly opts: Required<Omit<ClientOptions, "device" | "clientName">> & Pick<ClientOptions, "device" | "clientName">;
  private transport: Transport | null = null;
  private connected = false;
  private authenticated = false;
  private nextId = 1;
  private pending = new Map<string, PendingRequest>();
  private handlers = new Map<keyof ClientEvents, Set<Handler<never>>>();
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private openWaiters: Array<{ resolve: () => void; reject: (e: ProtocolError) => void }> = [];
  private syncing = false;
  private syncAbort: (() => void) | null = null;
  private stopped = false;

  status: ConnectionStatus = "logged_out";
  session: SessionState | null = null;
  limits: WireLimits | null = null;

  private events: Stream<UserEvent>;
  private convs = new Map<string, Stream<Message>>();
  /** Per conversation, the highest `change_seq` applied (sync's `changes_after`). */
  private changes = new Map<string, number>();
  /** Those seen during the sync in progress, kept once it is done. */
  private syncChanges = new Map<string, number>();
  private outbox: PendingSend[];
  private inFlightSends = new Set<string>();
  /** Waiting sends and the timer that resends each. */
  private resendTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(options: ClientOptions) {
    this.opts = { requestTimeoutMs: 15000, gapTimeoutMs: 5000, random: Math.random, ...options };
    const st = this.opts.storage;
    this.events = { cursor: Number(st.get(K_EVENTS) ?? 0) || 0, buffer: new Map() };
    try {
      const convs = JSON.parse(st.get(K_CONVS) ?? "{}") as Record<string, number>;
      for (const [id, seq] of Object.entries(convs)) this.convs.set(id, { cursor: seq, buffer: new Map() });
      const changes = JSON.parse(st.get(K_CHANGES) ?? "{}") as Record<string, number>;
      for (const [id, seq] of Object.entries(changes)) this.changes.set(id, seq);
    } catch {
      /* corrupt cursors: start over */
    }
    try {
      this.outbox = JSON.parse(st.get(K_OUTBOX) ?? "[]") as PendingSend[];
    } catch {
      this.outbox = [];
    }
    try {
      const user = st.get(K_USER);
      if (user && st.get(K_TOKEN)) this.session = { user: JSON.parse(user) as Profile, sessionId: "" };
    } catch {
      this.session = null;
    }
  }

  // ---- events -------------------------------------------------------------------------------

  on<K extends keyof ClientEvents>(type: K, handler: Handler<ClientEvents[K]>): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  private emit<K extends keyof ClientEvents>(type: K, value: ClientEvents[K]): void {
    const set = this.handlers.get(type);
    if (!set) return;
    for (const h of [...set]) (h as Handler<ClientEvents[K]>)(value);
  }

  private setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.emit("status", s);
  }

  // ---- public API ---------------------------------------------------------------------------

  /** The session token, for the HTTP file endpoints. */
  get token(): string | null {
    return this.opts.storage.get(K_TOKEN);
  }

  get hasToken(): boolean {
    return this.opts.storage.get(K_TOKEN) !== null;
  }

  get pendingSends(): readonly PendingSend[] {
    return this.outbox;
  }

  /** Resumes the stored session, if any. */
  start(): void {
    this.stopped = false;
    if (this.hasToken) {
      if (this.session) this.emit("session", this.session);
      this.setStatus("connecting");
      this.connect();
    } else {
      this.setStatus("logged_out");
    }
  }

  async login(username: string, password: string): Promise<Profile> {
    return this.authenticate({ type: "login", username, password, device: this.opts.device });
  }

  async register(username: string, password: string, displayName?: string): Promise<Profile> {
    return this.authenticate({
      type: "register",
      username,
      password,
      display_name: displayName || undefined,
      device: this.opts.device,
    });
  }

  async logout(): Promise<void> {
    try {
      if (this.authenticated) await this.request({ type: "logout" }, "done");
    } catch {
      /* the token is forgotten anyway */
    }
    this.forgetSession();
    this.transport?.close(1000, "logout");
  }

  /** Sends a command and waits for its reply of the expected kind (or one of the expected kinds). */
  async request<K extends Reply["kind"]>(cmd: Command, expect: Expected<K>): Promise<ReplyOf<K>> {
    return checkReply(cmd, await this.rawRequest(cmd), expect);
  }

  /**
   * Queues a message, replying to the entry at `opts.replyTo` if given; it is sent now if connected
   * and again after every reconnect until acknowledged.
   */
  sendMessage(conversation_id: string, body: NewMessageBody, opts: { clientMsgId?: string; replyTo?: number } = {}): PendingSend {
    const p: PendingSend = {
      conversation_id,
      client_msg_id: opts.clientMsgId ?? newId(),
      body,
      ...(opts.replyTo !== undefined ? { reply_to: opts.replyTo } : {}),
      created_at: Date.now(),
    };
    this.outbox.push(p);
    this.saveOutbox();
    if (this.status === "online") void this.flushOne(p);
    return p;
  }

  /** Retries a send that failed with an error (not merely unacknowledged). */
  retrySend(clientMsgId: string): void {
    const p = this.outbox.find((x) => x.client_msg_id === clientMsgId);
    if (!p) return;
    delete p.failed;
    delete p.waiting;
    delete p.attempts;
    this.saveOutbox();
    if (this.status === "online") void this.flushOne(p);
  }

  discardSend(clientMsgId: string): void {
    this.clearResend(clientMsgId);
    this.outbox = this.outbox.filter((x) => x.client_msg_id !== clientMsgId);
    this.saveOutbox();
  }

  /** Loads a page of history; entries above the stream cursor also go through the stream. */
  async history(conversation_id: string, before_seq?: number, limit = 50): Promise<ReplyOf<"history">> {
    const r = await this.request({ type: "history", conversation_id, before_seq, limit }, "history");
    const s = this.convs.get(conversation_id);
    for (const m of r.messages) {
      if (s && m.seq > s.cursor) this.ingestMessage(m, false);
    }
    return r;
  }

  /** The browser lost or regained the network. */
  setNetworkOnline(online: boolean): void {
    if (!this.hasToken) return;
    if (!online) {
      this.setStatus("offline");
      this.transport?.close(4000, "offline");
    } else if (!this.connected) {
      this.attempt = 0;
      this.clearReconnect();
      this.setStatus("reconnecting");
      this.connect();
    }
  }

  /** Stops everything (tests, page unload). */
  stop(): void {
    this.stopped = true;
    this.clearReconnect();
    for (const id of [...this.resendTimers.keys()]) this.clearResend(id);
    this.transport?.close(1000, "stop");
  }

  cursorOf(conversation_id: string): number | undefined {
    return this.convs.get(conversation_id)?.cursor;
  }

  get eventsCursor(): number {
    return this.events.cursor;
  }

  // ---- connection ---------------------------------------------------------------------------

  private connect(): void {
    if (this.stopped) return;
    this.clearReconnect();
    const t = this.opts.transport();
    this.transport = t;
    this.connected = false;
    this.authenticated = false;
    t.onopen = () => {
      if (this.transport !== t) return;
      this.connected = true;
      this.attempt = 0;
      for (const w of this.openWaiters.splice(0)) w.resolve();
      void this.handshake();
    };
    t.onmessage = (data) => {
      if (this.transport === t) this.onFrame(data);
    };
    t.onclose = (code) => {
      if (this.transport !== t) return;
      this.onClosed(code);
    };
    t.open(this.opts.url);
  }

  private async handshake(): Promise<void> {
    void this.rawRequest({ type: "hello", protocol: PROTOCOL_VERSION, client: this.opts.clientName })
      .then((r) => {
        if (r.kind === "welcome") {
          this.limits = r.limits;
          this.emit("limits", r.limits);
        }
      })
      .catch(() => undefined);
    const token = this.opts.storage.get(K_TOKEN);
    if (!token) return; // login/register drives the rest
    try {
      const r = await this.request({ type: "resume", token }, "session");
      await this.afterAuth(r);
    } catch (e) {
      const code = e instanceof ProtocolError ? e.code : "internal";
      if (code === "invalid_session" || code === "session_revoked" || code === "account_disabled") {
        this.forgetSession();
        this.transport?.close(1000, "invalid session");
      }
      // timeouts / disconnects: onClosed schedules the retry
    }
  }

  private async authenticate(cmd: Command): Promise<Profile> {
    this.stopped = false;
    if (!this.connected) {
      await this.waitOpen();
    }
    const r = await this.request(cmd, "session");
    await this.afterAuth(r);
    return r.user;
  }

  private waitOpen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.openWaiters.push({ resolve, reject });
      if (!this.transport) {
        if (this.status === "logged_out") this.setStatus("connecting");
        this.connect();
      }
    });
  }

  private async afterAuth(r: ReplyOf<"session">): Promise<void> {
    const st = this.opts.storage;
    const firstTime = st.get(K_EVENTS) === null;
    st.set(K_TOKEN, r.token);
    st.set(K_USER, JSON.stringify(r.user));
    this.authenticated = true;
    this.session = { user: r.user, sessionId: r.session_id };
    this.emit("session", this.session);
    this.setStatus("syncing");
    if (firstTime) {
      // A new device: start from the current state instead of replaying the whole event stream.
      const contacts = await this.request({ type: "list_contacts" }, "contacts");
      const convs = await this.request({ type: "list_conversations" }, "conversations");
      this.events = { cursor: contacts.events_seq, buffer: new Map() };
      this.saveEventsCursor();
      for (const c of convs.conversations) this.ensureCursor(c.conversation_id, c.read_seq);
      this.saveConvCursors();
    }
    const conversations = [...this.convs.entries()].map(([conversation_id, s]) => ({
      conversation_id,
      seq: s.cursor,
      changes_after: this.changes.get(conversation_id) ?? 0,
    }));
    this.syncing = true;
    this.syncChanges.clear();
    const done = new Promise<void>((resolve, reject) => {
      const off = this.on("sync_done", () => {
        off();
        this.syncAbort = null;
        resolve();
      });
      this.syncAbort = () => {
        off();
        reject(new ProtocolError("disconnected"));
      };
    });
    done.catch(() => undefined);
    await this.request({ type: "sync", events_after: this.events.cursor, conversations }, "sync_started");
    await done;
    this.syncing = false;
    // Authoritative snapshots (presence, unread counts) for the stores.
    const contacts = await this.request({ type: "list_contacts" }, "contacts");
    this.emit("contacts", contacts);
    const convs = await this.request({ type: "list_conversations" }, "conversations");
    for (const c of convs.conversations) this.ensureCursor(c.conversation_id, c.read_seq);
    this.emit("conversations", convs.conversations);
    this.setStatus("online");
    // Waiting sends whose timer still runs are resent by it, not at once.
    for (const p of [...this.outbox]) if (!p.failed && !this.resendTimers.has(p.client_msg_id)) void this.flushOne(p);
  }

  private async flushOne(p: PendingSend): Promise<void> {
    if (this.inFlightSends.has(p.client_msg_id)) return;
    this.inFlightSends.add(p.client_msg_id);
    try {
      const r = await this.request(
        {
          type: "send_message",
          conversation_id: p.conversation_id,
          client_msg_id: p.client_msg_id,
          body: p.body,
          ...(p.reply_to !== undefined ? { reply_to: p.reply_to } : {}),
        },
        "sent",
      );
      this.clearResend(p.client_msg_id);
      this.outbox = this.outbox.filter((x) => x.client_msg_id !== p.client_msg_id);
      this.saveOutbox();
      this.ingestMessage(r.message, true);
    } catch (e) {
      const code = e instanceof ProtocolError ? e.code : "internal";
      const x = this.outbox.find((o) => o.client_msg_id === p.client_msg_id);
      if (!x) return; // discarded meanwhile
      if (waitsToResend(code)) {
        // Nothing was stored (storage full, database busy, sending too fast): keep it queued and
        // resend it, with the same client_msg_id, when the server says or after a growing wait.
        const attempt = x.attempts ?? 0;
        x.waiting = code;
        x.attempts = attempt + 1;
        this.saveOutbox();
        this.scheduleResend(x.client_msg_id, resendDelay(e instanceof ProtocolError ? e.retryAfterMs : undefined, attempt));
      } else if (code !== "disconnected" && code !== "timeout") {
        // Lost connections and timeouts are retried after the next sync; real refusals stick.
        x.failed = code;
        delete x.waiting;
        delete x.attempts;
        this.saveOutbox();
      }
    } finally {
      this.inFlightSends.delete(p.client_msg_id);
    }
  }

  private scheduleResend(clientMsgId: string, delay: number): void {
    this.clearResend(clientMsgId);
    const timer = setTimeout(() => {
      this.resendTimers.delete(clientMsgId);
      const still = this.outbox.find((o) => o.client_msg_id === clientMsgId);
      // While disconnected the resend after the next sync takes over.
      if (still && !still.failed && this.status === "online") void this.flushOne(still);
    }, delay);
    this.resendTimers.set(clientMsgId, timer);
  }

  private clearResend(clientMsgId: string): void {
    const timer = this.resendTimers.get(clientMsgId);
    if (timer !== undefined) clearTimeout(timer);
    this.resendTimers.delete(clientMsgId);
  }

  private onClosed(code: number): void {
    this.connected = false;
    this.authenticated = false;
    this.syncing = false;
    this.transport = null;
    const abort = this.syncAbort;
    this.syncAbort = null;
    abort?.();
    for (const w of this.openWaiters.splice(0)) w.reject(new ProtocolError("disconnected"));
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ProtocolError("disconnected"));
    }
    this.pending.clear();
    this.inFlightSends.clear();
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    if (this.stopped || !this.hasToken || NO_RECONNECT_CODES.has(code)) {
      if (!this.hasToken) this.setStatus("logged_out");
      return;
    }
    if (this.status !== "offline") this.setStatus("reconnecting");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.clearReconnect();
    const base = Math.min(60000, 1000 * 2 ** this.attempt);
    const delay = base / 2 + (base / 2) * this.opts.random();
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.status === "offline") return;
      this.connect();
    }, delay);
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private forgetSession(): void {
    const st = this.opts.storage;
    for (const k of [K_TOKEN, K_USER, K_EVENTS, K_CONVS, K_CHANGES, K_OUTBOX]) st.remove(k);
    this.changes.clear();
    this.events = { cursor: 0, buffer: new Map() };
    this.convs.clear();
    for (const id of [...this.resendTimers.keys()]) this.clearResend(id);
    this.outbox = [];
    this.session = null;
    this.authenticated = false;
    this.emit("session", null);
    this.setStatus("logged_out");
  }

  // ---- requests -----------------------------------------------------------------------------

  private rawRequest(cmd: Command): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (!this.transport || !this.connected) {
        reject(new ProtocolError("disconnected"));
        return;
      }
      const id = String(this.nextId++);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError("timeout"));
      }, this.opts.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.transport.send(JSON.stringify({ id, ...cmd }));
    });
  }

  // ---- inbound ------------------------------------------------------------------------------

  private onFrame(data: string): void {
    let f: ServerFrame;
    try {
      f = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    switch (f.type) {
      case "ok": {
        const p = this.pending.get(f.id);
        if (!p) return;
        this.pending.delete(f.id);
        clearTimeout(p.timer);
        this.noteReply(f.result);
        p.resolve(f.result);
        return;
      }
      case "error": {
        const err = new ProtocolError(f.code, { until: f.until, retryAfterMs: f.retry_after_ms });
        if (f.id === undefined) {
          this.emit("server_error", f.code);
          if (f.code === "session_revoked" || f.code === "account_disabled") this.forgetSession();
          return;
        }
        const p = this.pending.get(f.id);
        if (!p) return;
        this.pending.delete(f.id);
        clearTimeout(p.timer);
        p.reject(err);
        return;
      }
      case "event":
        this.ingestEvent(f.event);
        return;
      case "message":
        this.ingestMessage(f.message, !this.syncing);
        return;
      case "message_changed":
        this.noteChange(f.message);
        this.emit("changed", f.message);
        return;
      case "typing":
        this.emit("typing", { conversation_id: f.conversation_id, user_id: f.user_id });
        return;
      case "presence":
        this.emit("presence", { user_id: f.user_id, online: f.online });
        return;
      case "profile_changed":
        this.emit("profile", f.profile);
        return;
      case "sync_gap": {
        const s = this.stream(f.conversation_id, f.latest_seq);
        s.cursor = Math.max(s.cursor, f.latest_seq);
        for (const k of [...s.buffer.keys()]) if (k <= s.cursor) s.buffer.delete(k);
        this.drainConv(f.conversation_id, s, false);
        this.saveConvCursors();
        this.emit("sync_gap", { conversation_id: f.conversation_id, latest_seq: f.latest_seq });
        return;
      }
      case "too_far_behind": {
        this.events = { cursor: f.events_seq, buffer: new Map() };
        this.saveEventsCursor();
        void this.request({ type: "list_contacts" }, "contacts").then((c) => this.emit("contacts", c), () => undefined);
        return;
      }
      case "sync_done": {
        for (const [id, seq] of this.syncChanges) if (seq > (this.changes.get(id) ?? 0)) this.changes.set(id, seq);
        this.syncChanges.clear();
        this.saveChanges();
        if (f.events_seq > this.events.cursor && this.events.buffer.size === 0) {
          this.events.cursor = f.events_seq;
          this.saveEventsCursor();
        }
        this.emit("sync_done", { events_seq: f.events_seq });
        return;
      }
    }
  }

  /** Replies that name conversations start their cursors. */
  private noteReply(r: Reply): void {
    if (r.kind === "conversation") {
      this.ensureCursor(r.conversation.conversation_id, r.conversation.read_seq);
      this.saveConvCursors();
      this.emit("conversation", r.conversation);
    }
  }

  private ensureCursor(id: string, seq: number): Stream<Message> {
    let s = this.convs.get(id);
    if (!s) {
      s = { cursor: seq, buffer: new Map() };
      this.convs.set(id, s);
    }
    return s;
  }

  private stream(id: string, firstSeq: number): Stream<Message> {
    return this.ensureCursor(id, Math.max(0, firstSeq - 1));
  }

  private ingestEvent(ev: UserEvent): void {
    const s = this.events;
    if (ev.seq <= s.cursor || s.buffer.has(ev.seq)) return;
    s.buffer.set(ev.seq, ev);
    const live = !this.syncing;
    let next = s.buffer.get(s.cursor + 1);
    while (next) {
      s.buffer.delete(next.seq);
      s.cursor = next.seq;
      this.applyEvent(next, live);
      next = s.buffer.get(s.cursor + 1);
    }
    this.saveEventsCursor();
    this.checkGaps();
  }

  private applyEvent(ev: UserEvent, live: boolean): void {
    const b = ev.body;
    if (b.kind === "conversation_added") {
      this.ensureCursor(b.conversation.conversation_id, b.conversation.read_seq);
      this.saveConvCursors();
    } else if (b.kind === "conversation_removed") {
      this.convs.delete(b.conversation_id);
      this.saveConvCursors();
    }
    this.emit("event", { event: ev, live });
  }

  private ingestMessage(m: Message, live: boolean): void {
    const s = this.stream(m.conversation_id, m.seq);
    if (m.seq <= s.cursor || s.buffer.has(m.seq)) return;
    s.buffer.set(m.seq, m);
    this.drainConv(m.conversation_id, s, live);
    this.saveConvCursors();
    this.checkGaps();
  }

  private drainConv(id: string, s: Stream<Message>, live: boolean): void {
    void id;
    let next = s.buffer.get(s.cursor + 1);
    while (next) {
      s.buffer.delete(next.seq);
      s.cursor = next.seq;
      this.emit("message", { message: next, live });
      next = s.buffer.get(s.cursor + 1);
    }
  }

  private checkGaps(): void {
    const gap = this.events.buffer.size > 0 || [...this.convs.values()].some((s) => s.buffer.size > 0);
    if (!gap) {
      if (this.gapTimer) clearTimeout(this.gapTimer);
      this.gapTimer = null;
      return;
    }
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      const still = this.events.buffer.size > 0 || [...this.convs.values()].some((s) => s.buffer.size > 0);
      if (still && !this.syncing) this.transport?.close(4000, "gap"); // reconnect and sync
    }, this.opts.gapTimeoutMs);
  }

  // ---- persistence --------------------------------------------------------------------------

  private saveEventsCursor(): void {
    this.opts.storage.set(K_EVENTS, String(this.events.cursor));
  }

  /**
   * Moves the conversation's change cursor (what `sync` replays changes after) past `m`. Changes
   * seen while syncing count only once the sync is done: a sync cut short is replayed again.
   */
  private noteChange(m: Message): void {
    const seq = m.change_seq ?? 0;
    const into = this.syncing ? this.syncChanges : this.changes;
    if (seq <= (into.get(m.conversation_id) ?? 0)) return;
    into.set(m.conversation_id, seq);
    if (!this.syncing) this.saveChanges();
  }

  private saveChanges(): void {
    this.opts.storage.set(K_CHANGES, JSON.stringify(Object.fromEntries(this.changes)));
  }

  private saveConvCursors(): void {
    const o: Record<string, number> = {};
    for (const [id, s] of this.convs) o[id] = s.cursor;
    this.opts.storage.set(K_CONVS, JSON.stringify(o));
  }

  private saveOutbox(): void {
    this.opts.storage.set(K_OUTBOX, JSON.stringify(this.outbox));
    this.emit("outbox", [...this.outbox]);
  }
}

export function newId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
