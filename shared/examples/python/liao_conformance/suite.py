"""The conformance run: every section of shared/PROTOCOL.md exercised against a real server,
one `ok  <what>` / `FAIL <what>: <why>` line per step and `N passed, M failed` at the end.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import time
import urllib.parse

from .client import (
    Fail,
    expect,
    short,
    Https,
    Client,
    Server,
    cmid,
    text_body,
)

PASSED = 0
FAILED = 0


def report_ok(what: str) -> None:
    global PASSED
    PASSED += 1
    print(f"ok  {what}", flush=True)


def report_fail(what: str, why: str) -> None:
    global FAILED
    FAILED += 1
    why = " ".join(str(why).split())
    print(f"FAIL {what}: {why}", flush=True)


async def step(what: str, fn, *args):
    """Run one check; any exception becomes a FAIL line. Returns the function's value or None."""
    try:
        value = await fn(*args)
    except Fail as e:
        report_fail(what, str(e))
        return None
    except (asyncio.TimeoutError, TimeoutError):
        report_fail(what, "timed out waiting for the server")
        return None
    except KeyError as e:
        report_fail(what, f"prerequisite missing or field absent: {e}")
        return None
    except Exception as e:  # noqa: BLE001
        report_fail(what, f"{type(e).__name__}: {e}")
        return None
    report_ok(what)
    return value


class Run:
    def __init__(self, server: Server):
        self.server = server
        self.ws_url = server.ws_url
        self.pin = server.fingerprint
        host, port = server.host_port
        self.https = Https(host, port, self.pin)
        self.s: dict = {}  # shared state between steps
        self.clients: list[Client] = []

    async def new_client(self, name) -> Client:
        c = Client(name, self.ws_url, self.pin)
        await c.connect()
        self.clients.append(c)
        return c

    # ---------------------------------------------------------------- 0. start-up

    async def run(self):
        await step("server prints URL and certificate fingerprint", self.t_startup)
        await step("GET /healthz over pinned HTTPS answers protocol 1", self.t_healthz)
        await step("wrong pinned fingerprint is detected and refused", self.t_wrong_pin)
        for name, display in (("alice", "Alice"), ("bob", None), ("carol", "Carol")):
            await step(f"{name}: connect with pinned TLS, hello → welcome", self.t_connect_hello, name)
            await step(f"{name}: register", self.t_register, name, display)
            await step(f"{name}: initial sync → sync_started … sync_done", self.t_initial_sync, name)

        # ---------------------------------------------------------------- 1. friends, direct chat
        await step("alice: search_users finds bob", self.t_search)
        await step("alice → bob friend_request (events on both sides)", self.t_friend_request)
        await step("bob: friend_accept (friend_added for both)", self.t_friend_accept)
        await step("alice: open_direct with bob (conversation_added for both)", self.t_open_direct)
        await step("alice → bob message: sent reply and live delivery to bob", self.t_send_a_to_b)
        await step("bob → alice message: sent reply and live delivery to alice", self.t_send_b_to_a)
        await step("resend with same client_msg_id returns same message_id/seq, no new entry", self.t_resend)
        await step("sender's own connection is not pushed its own message", self.t_no_echo)
        await step("unread counts, mark_read, read_marker event", self.t_unread)
        await step("history returns entries oldest first", self.t_history)
        await step("bob cannot recall alice's message (not_your_message)", self.t_recall_not_mine)
        await step("alice recalls a message: recall entry pushed to both, body recalled", self.t_recall)
        await step("client_msg_id reused in another conversation → client_id_reused", self.t_client_id_reused)

        # ---------------------------------------------------------------- 2. resync
        await step("resync setup: bob asks carol, disconnects; alice sees presence offline", self.t_resync_setup)
        await step("while bob offline: alice sends 5, carol befriends bob, opens conv, sends 2",
                   self.t_offline_activity)
        await step("bob reconnects: hello + resume returns the same session", self.t_resume)
        await step("bob's sync delivers every missed entry exactly once, in order, then sync_done",
                   self.t_resync_check)
        await step("after resync: unread counts match the backlog", self.t_resync_unread)

        # ---------------------------------------------------------------- 3. groups
        await step("alice creates an approval group", self.t_group_create)
        await step("bob finds the group with search_groups", self.t_group_search)
        await step("bob asks to join (join_requested; join_request_received for alice)", self.t_group_join)
        await step("alice approves; bob gets conversation_added and the joined entry", self.t_group_approve)
        await step("alice and bob exchange a group message", self.t_group_exchange)
        await step("bob replies to alice's message (the quote), history around it, alice forwards", self.t_group_reply)
        await step("reactions and an edit reach both as message_changed; nothing new is unread", self.t_group_changes)
        await step("read receipts: delivered and read in 1:1 (and the switch), counts and who read in the group",
                   self.t_receipts)
        await step("alice mutes bob; bob's send is refused with muted + until", self.t_group_mute)

        # ---------------------------------------------------------------- 4. bad input
        await step("unauthenticated command → not_authenticated, connection stays open", self.t_not_auth)
        await step("malformed (non-JSON) frame → malformed_frame without id, connection survives",
                   self.t_malformed_json)
        await step("JSON that is not an object → malformed_frame without id", self.t_malformed_array)
        await step("unknown type → unknown_type with the id, connection survives", self.t_unknown_type)
        await step("known type with a missing field → malformed_frame with the id", self.t_missing_field)
        await step("frame without type → malformed_frame with the id", self.t_missing_type)
        await step("request id over 64 bytes → bad_request without id", self.t_long_id)
        await step("binary frame → malformed_frame without id", self.t_binary)
        await step("connection still usable after all bad input", self.t_bad_survives)

        # ---------------------------------------------------------------- 5. files
        await step("tus discovery: OPTIONS /api/uploads", self.t_tus_options)
        await step("alice uploads a small file (POST + PATCH) and gets Liao-File-Id", self.t_upload)
        await step("HEAD on the finished upload shows offset = length and the file id", self.t_upload_head)
        await step("alice sends the file to bob; bob gets the file message", self.t_send_file)
        await step("bob downloads the file with his bearer token: same bytes", self.t_download_bob)
        await step("bob downloads a byte range: 206 Partial Content", self.t_download_range)
        await step("bob downloads through a signed URL from file_urls", self.t_signed_url)
        await step("carol (not in the conversation) gets 404", self.t_download_carol)
        await step("download without credentials gets 404", self.t_download_anon)

        # ---------------------------------------------------------------- 6. logout
        await step("logout: ok then close 1000; token no longer resumes", self.t_logout)

    # ---------------------------------------------------------------- implementations

    async def t_startup(self):
        expect(self.server.url and self.server.url.startswith("https://"), f"url {self.server.url!r}")
        expect(self.server.host_port[1] not in (None, 0), f"no real port in {self.server.url!r}")
        expect(len(self.server.fingerprint) == 32, "fingerprint length")

    async def t_healthz(self):
        status, hdrs, data = await self.https.arequest("GET", "/healthz")
        expect(status == 200, f"status {status}")
        expect(hdrs.get("content-type", "").startswith("application/json"), f"content-type {hdrs.get('content-type')}")
        j = json.loads(data)
        expect(j.get("protocol") == 1 and j.get("status") == "ok", f"body {data!r}")

    async def t_wrong_pin(self):
        bad = bytes(32)
        c = Client("mallory", self.ws_url, bad)
        try:
            await c.connect()
        except Fail as e:
            expect("mismatch" in str(e), str(e))
            return
        await c.close()
        raise Fail("connection with a wrong pin was accepted")

    async def t_connect_hello(self, name):
        c = await self.new_client(name)
        self.s[name] = c
        r = await c.ok("hello", "welcome", protocol=1, client="liao-conformance.py 0.1")
        expect(r.get("protocol") == 1, f"protocol {r.get('protocol')}")
        lim = r.get("limits", {})
        for k in ("max_inbound_frame", "max_outbound_frame", "max_text_chars", "max_text_bytes",
                  "recall_window_ms", "commands_per_second"):
            expect(isinstance(lim.get(k), int), f"limits.{k} missing: {lim}")
        self.s["limits"] = lim

    async def t_register(self, name, display):
        c: Client = self.s[name]
        fields = {"username": name, "password": f"{name}-correct horse battery", "device": "liao-conformance"}
        if display:
            fields["display_name"] = display
        r = await c.ok("register", "session", **fields)
        for k in ("token", "session_id", "user"):
            expect(k in r, f"session reply lacks {k}")
        u = r["user"]
        expect(u["username"] == name, f"username {u['username']!r}")
        expect(u["display_name"] == (display or name), f"display_name {u['display_name']!r}")
        c.user, c.token, c.session_id = u, r["token"], r["session_id"]
        self.s[f"{name}_id"] = u["user_id"]
        self.s[f"{name}_token"] = r["token"]

    async def t_initial_sync(self, name):
        c: Client = self.s[name]
        start = len(c.pushes)
        await c.ok("sync", "sync_started", events_after=0, conversations=[])
        f = await c.wait_push(lambda f: f["type"] == "sync_done", start=start, what="sync_done")
        expect(f["events_seq"] == 0, f"events_seq {f['events_seq']} on a new account")

    async def t_search(self):
        a: Client = self.s["alice"]
        r = await a.ok("search_users", "users", query="bob")
        ids = [u["user_id"] for u in r["users"]]
        expect(self.s["bob_id"] in ids, f"bob not in {r['users']}")
        expect(r["users"][0]["username"] == "bob", "exact match not first")

    async def t_friend_request(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        sa, sb = len(a.pushes), len(b.pushes)
        await a.ok("friend_request", "done", user_id=self.s["bob_id"], message="Hi Bob, it's Alice")
        ev = await a.wait_event("friend_request_sent", lambda b_: b_["request"]["user"]["user_id"] == self.s["bob_id"], sa)
        expect(ev["body"]["request"].get("message") == "Hi Bob, it's Alice", "greeting missing in sent event")
        ev = await b.wait_event("friend_request_received", lambda b_: b_["request"]["user"]["user_id"] == self.s["alice_id"], sb)
        expect(ev["body"]["request"].get("message") == "Hi Bob, it's Alice", "greeting missing in received event")

    async def t_friend_accept(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        sa, sb = len(a.pushes), len(b.pushes)
        await b.ok("friend_accept", "done", user_id=self.s["alice_id"])
        await b.wait_event("friend_added", lambda x: x["friend"]["user_id"] == self.s["alice_id"], sb)
        await a.wait_event("friend_added", lambda x: x["friend"]["user_id"] == self.s["bob_id"], sa)
        r = await a.ok("list_contacts", "contacts")
        expect(any(f["profile"]["user_id"] == self.s["bob_id"] for f in r["friends"]), "bob not among friends")

    async def t_open_direct(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        sa, sb = len(a.pushes), len(b.pushes)
        r = await a.ok("open_direct", "conversation", user_id=self.s["bob_id"])
        conv = r["conversation"]
        expect(conv["kind"] == "direct", f"kind {conv['kind']}")
        expect(conv["peer"]["user_id"] == self.s["bob_id"], "peer is not bob")
        expect(conv["last_seq"] == 0 and conv["read_seq"] == 0 and conv["unread"] == 0, f"counters {conv}")
        cid = conv["conversation_id"]
        self.s["ab"] = cid
        a.learn_conversation(conv)
        await a.wait_event("conversation_added", lambda x: x["conversation"]["conversation_id"] == cid, sa)
        ev = await b.wait_event("conversation_added", lambda x: x["conversation"]["conversation_id"] == cid, sb)
        expect(ev["body"]["conversation"]["peer"]["user_id"] == self.s["alice_id"], "bob's peer is not alice")
        r2 = await b.ok("open_direct", "conversation", user_id=self.s["alice_id"])
        expect(r2["conversation"]["conversation_id"] == cid, "bob's open_direct returned another conversation")

    async def send(self, c: Client, cid: str, text: str, client_msg_id: str | None = None):
        client_msg_id = client_msg_id or cmid()
        r = await c.ok("send_message", "sent", conversation_id=cid, client_msg_id=client_msg_id, body=text_body(text))
        m = r["message"]
        expect(m["client_msg_id"] == client_msg_id, "client_msg_id not echoed")
        expect(m["body"] == text_body(text), f"body {m['body']}")
        expect(m["sender_id"] == c.user["user_id"], "sender_id")
        c.apply_entry(m)
        return m

    async def t_send_a_to_b(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        sb = len(b.pushes)
        k = cmid()
        m = await self.send(a, self.s["ab"], "Hi Bob! 你好", k)
        expect(m["seq"] == 1, f"first message has seq {m['seq']}")
        self.s["m1"], self.s["m1_cmid"] = m, k
        got = await b.wait_message(lambda x: x["message_id"] == m["message_id"], sb)
        expect(got == m, f"pushed copy differs: {short(got)} vs {short(m)}")

    async def t_send_b_to_a(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        sa = len(a.pushes)
        m = await self.send(b, self.s["ab"], "Hello Alice")
        expect(m["seq"] == 2, f"seq {m['seq']}")
        self.s["m2"] = m
        got = await a.wait_message(lambda x: x["message_id"] == m["message_id"], sa)
        expect(got["body"]["text"] == "Hello Alice", "text")

    async def t_resend(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        m1 = self.s["m1"]
        r = await a.ok("send_message", "sent", conversation_id=self.s["ab"], client_msg_id=self.s["m1_cmid"],
                       body=text_body("Hi Bob! 你好"))
        m = r["message"]
        expect(m["message_id"] == m1["message_id"], f"message_id {m['message_id']} != {m1['message_id']}")
        expect(m["seq"] == m1["seq"], f"seq {m['seq']} != {m1['seq']}")
        # also on another connection of the same user (another device)
        a2 = await self.new_client("alice-2")
        await a2.ok("resume", "session", token=self.s["alice_token"])
        r = await a2.ok("send_message", "sent", conversation_id=self.s["ab"], client_msg_id=self.s["m1_cmid"],
                        body=text_body("Hi Bob! 你好"))
        expect(r["message"]["message_id"] == m1["message_id"], "another connection got a different message")
        lc = await a2.ok("list_conversations", "conversations")
        conv = next(c for c in lc["conversations"] if c["conversation_id"] == self.s["ab"])
        expect(conv["last_seq"] == 2, f"last_seq became {conv['last_seq']} after resends")
        await a2.close()
        await asyncio.sleep(0.3)
        n = b.count_pushes(lambda f: f["type"] == "message" and f["message"]["message_id"] == m1["message_id"])
        expect(n == 1, f"bob received the message {n} times")

    async def t_no_echo(self):
        a: Client = self.s["alice"]
        n = a.count_pushes(lambda f: f["type"] == "message" and f["message"]["message_id"] == self.s["m1"]["message_id"])
        expect(n == 0, f"alice's own connection got her message pushed {n} times")

    async def t_unread(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        cid = self.s["ab"]
        sb = len(b.pushes)
        m3 = await self.send(a, cid, "message three")
        m4 = await self.send(a, cid, "message four")
        self.s["m4"] = m4
        await b.wait_message(lambda x: x["message_id"] == m4["message_id"], sb)
        lc = await b.ok("list_conversations", "conversations")
        conv = next(c for c in lc["conversations"] if c["conversation_id"] == cid)
        expect(conv["last_seq"] == 4, f"bob last_seq {conv['last_seq']}")
        expect(conv["read_seq"] == 2, f"bob read_seq {conv['read_seq']} (his own seq 2 should count as read)")
        expect(conv["unread"] == 2, f"bob unread {conv['unread']}, expected 2")
        expect(conv.get("last_message", {}).get("message_id") == m4["message_id"], "last_message is not m4")
        la = await a.ok("list_conversations", "conversations")
        ca = next(c for c in la["conversations"] if c["conversation_id"] == cid)
        expect(ca["unread"] == 0 and ca["read_seq"] == 4, f"alice read_seq/unread {ca['read_seq']}/{ca['unread']}")
        sb = len(b.pushes)
        await b.ok("mark_read", "done", conversation_id=cid, seq=m4["seq"])
        await b.wait_event("read_marker", lambda x: x["conversation_id"] == cid and x["seq"] == 4, sb)
        lc = await b.ok("list_conversations", "conversations")
        conv = next(c for c in lc["conversations"] if c["conversation_id"] == cid)
        expect(conv["unread"] == 0 and conv["read_seq"] == 4, f"after mark_read {conv['read_seq']}/{conv['unread']}")
        # moving backwards changes nothing and sends no event
        sb = len(b.pushes)
        await b.ok("mark_read", "done", conversation_id=cid, seq=1)
        await asyncio.sleep(0.3)
        expect(b.count_pushes(lambda f: f["type"] == "event" and f["event"]["body"]["kind"] == "read_marker"
                              and b.pushes.index(f) >= sb) == 0, "mark_read backwards sent a read_marker")
        del m3

    async def t_history(self):
        b: Client = self.s["bob"]
        r = await b.ok("history", "history", conversation_id=self.s["ab"], limit=50)
        seqs = [m["seq"] for m in r["messages"]]
        expect(seqs == [1, 2, 3, 4], f"history seqs {seqs}")
        expect(r["has_more"] is False, "has_more")
        r = await b.ok("history", "history", conversation_id=self.s["ab"], before_seq=3, limit=1)
        expect([m["seq"] for m in r["messages"]] == [2] and r["has_more"] is True, f"paged history {short(r)}")

    async def t_recall_not_mine(self):
        b: Client = self.s["bob"]
        await b.err("recall", "not_your_message", conversation_id=self.s["ab"], message_id=self.s["m4"]["message_id"])

    async def t_recall(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        cid, m4 = self.s["ab"], self.s["m4"]
        sa, sb = len(a.pushes), len(b.pushes)
        await a.ok("recall", "done", conversation_id=cid, message_id=m4["message_id"])
        pred = lambda x: x["body"]["kind"] == "recall" and x["body"]["message_id"] == m4["message_id"]  # noqa: E731
        ra = await a.wait_message(pred, sa, what="recall entry (alice)")
        rb = await b.wait_message(pred, sb, what="recall entry (bob)")
        expect(ra == rb, "alice and bob got different recall entries")
        expect(ra["seq"] == 5 and ra["body"]["target_seq"] == m4["seq"], f"recall entry {short(ra)}")
        expect("client_msg_id" not in ra, "recall entry carries a client_msg_id")
        expect(b.messages.get((cid, 4), {}).get("body", {}).get("kind") == "recalled", "local copy not recalled")
        h = await b.ok("history", "history", conversation_id=cid)
        m = next(x for x in h["messages"] if x["seq"] == 4)
        expect(m["body"].get("kind") == "recalled" and isinstance(m["body"].get("recalled_at"), int),
               f"history body {m['body']}")
        # recalling again succeeds and changes nothing
        await a.ok("recall", "done", conversation_id=cid, message_id=m4["message_id"])
        la = await a.ok("list_conversations", "conversations")
        ca = next(c for c in la["conversations"] if c["conversation_id"] == cid)
        expect(ca["last_seq"] == 5 and ca["unread"] == 0, f"alice after recall {ca['last_seq']}/{ca['unread']}")

    async def t_client_id_reused(self):
        a: Client = self.s["alice"]
        r = await a.ok("create_group", "conversation", name="scratch", join_policy="invite_only")
        gid = r["conversation"]["conversation_id"]
        a.learn_conversation(r["conversation"])
        await a.err("send_message", "client_id_reused", conversation_id=gid, client_msg_id=self.s["m1_cmid"],
                    body=text_body("Hi Bob! 你好"))

    # ---------------------------------------------------------------- resync

    async def t_resync_setup(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        c: Client = self.s["carol"]
        sb, sc = len(b.pushes), len(c.pushes)
        await b.ok("friend_request", "done", user_id=self.s["carol_id"])
        await b.wait_event("friend_request_sent", lambda x: x["request"]["user"]["user_id"] == self.s["carol_id"], sb)
        await c.wait_event("friend_request_received", lambda x: x["request"]["user"]["user_id"] == self.s["bob_id"], sc)
        # a round trip, so everything pushed so far has arrived
        await b.ok("list_contacts", "contacts")
        expect(not b.ev_buffer, f"bob has a gap in his event stream: {sorted(b.ev_buffer)}")
        self.s["bob_saved"] = {"events": b.ev_cursor, "convs": dict(b.conv_cursor),
                               "messages": dict(b.messages)}
        sa = len(a.pushes)
        await b.close()
        await a.wait_push(lambda f: f["type"] == "presence" and f["user_id"] == self.s["bob_id"]
                          and f["online"] is False, start=sa, what="presence offline for bob")

    async def t_offline_activity(self):
        a: Client = self.s["alice"]
        c: Client = self.s["carol"]
        sent = []
        for i in range(5):
            sent.append(await self.send(a, self.s["ab"], f"while you were away #{i + 1}"))
        self.s["offline_alice"] = sent
        await c.ok("friend_accept", "done", user_id=self.s["bob_id"])
        r = await c.ok("open_direct", "conversation", user_id=self.s["bob_id"])
        cid = r["conversation"]["conversation_id"]
        c.learn_conversation(r["conversation"])
        self.s["cb"] = cid
        sent_c = [await self.send(c, cid, "hi bob, carol here"), await self.send(c, cid, "are you there?")]
        self.s["offline_carol"] = sent_c

    async def t_resume(self):
        b = await self.new_client("bob")
        old = self.s["bob"]
        self.s["bob_old"] = old
        self.s["bob"] = b
        saved = self.s["bob_saved"]
        b.ev_cursor = saved["events"]
        b.conv_cursor = dict(saved["convs"])
        b.messages = dict(saved["messages"])
        await b.ok("hello", "welcome", protocol=1)
        r = await b.ok("resume", "session", token=self.s["bob_token"])
        expect(r["token"] == self.s["bob_token"], "resume returned a different token")
        expect(r["session_id"] == old.session_id, "resume returned a different session id")
        expect(r["user"]["user_id"] == self.s["bob_id"], "resume returned another user")
        b.user, b.token, b.session_id = r["user"], r["token"], r["session_id"]

    async def t_resync_check(self):
        b: Client = self.s["bob"]
        saved = self.s["bob_saved"]
        ab, cb = self.s["ab"], self.s["cb"]
        cursors = [{"conversation_id": k, "seq": v} for k, v in saved["convs"].items()]
        expect(any(x["conversation_id"] == ab for x in cursors), "bob had no cursor for the alice conversation")
        r = await b.ok("sync", "sync_started", events_after=saved["events"], conversations=cursors)
        start = r["_pidx"]
        done = await b.wait_push(lambda f: f["type"] == "sync_done", start=start, what="sync_done")
        di = b.pushes.index(done)
        backlog = b.pushes[start:di]
        problems = []
        # events
        evs = [f["event"] for f in backlog if f["type"] == "event"]
        ev_seqs = [e["seq"] for e in evs]
        exp_ev = list(range(saved["events"] + 1, saved["events"] + 1 + len(evs)))
        if ev_seqs != exp_ev:
            problems.append(f"event seqs {ev_seqs} not contiguous after {saved['events']}")
        kinds = [e["body"]["kind"] for e in evs]
        if "friend_added" not in kinds:
            problems.append(f"no friend_added in backlog events {kinds}")
        if not any(e["body"]["kind"] == "conversation_added" and e["body"]["conversation"]["conversation_id"] == cb
                   for e in evs):
            problems.append(f"no conversation_added for carol's conversation in {kinds}")
        if done["events_seq"] != (ev_seqs[-1] if ev_seqs else saved["events"]):
            problems.append(f"sync_done events_seq {done['events_seq']} vs last event {ev_seqs[-1:]}")
        if any(f["type"] in ("too_far_behind", "sync_gap") for f in backlog):
            problems.append("unexpected too_far_behind/sync_gap")
        # alice's conversation: exactly the 5 offline messages after the cursor
        msgs_ab = [f["message"] for f in backlog if f["type"] == "message" and f["message"]["conversation_id"] == ab]
        exp_ab = [m["message_id"] for m in self.s["offline_alice"]]
        if [m["message_id"] for m in msgs_ab] != exp_ab:
            problems.append(f"alice conversation backlog seqs {[m['seq'] for m in msgs_ab]}, "
                            f"expected {[m['seq'] for m in self.s['offline_alice']]} (cursor {saved['convs'].get(ab)})")
        # carol's new conversation: from its beginning
        msgs_cb = [f["message"] for f in backlog if f["type"] == "message" and f["message"]["conversation_id"] == cb]
        exp_cb = [m["message_id"] for m in self.s["offline_carol"]]
        if [m["message_id"] for m in msgs_cb] != exp_cb:
            problems.append(f"carol conversation backlog seqs {[m['seq'] for m in msgs_cb]}, expected [1, 2]")
        other = [f for f in backlog if f["type"] == "message" and f["message"]["conversation_id"] not in (ab, cb)]
        if other:
            problems.append(f"unexpected entries of other conversations: {[short(f) for f in other]}")
        # nothing repeated after sync_done
        await asyncio.sleep(0.7)
        after = [f for f in b.pushes[di + 1:] if f["type"] in ("message", "event")]
        if after:
            problems.append(f"pushes after sync_done: {[short(f) for f in after]}")
        if b.dup_entries or b.dup_events:
            problems.append(f"duplicates: {b.dup_entries} entries, {b.dup_events} events")
        if b.conv_cursor.get(ab) != 10 or b.conv_cursor.get(cb) != 2:
            problems.append(f"cursors after sync: {b.conv_cursor}")
        expect(not problems, "; ".join(problems))

    async def t_resync_unread(self):
        b: Client = self.s["bob"]
        lc = await b.ok("list_conversations", "conversations")
        by = {c["conversation_id"]: c for c in lc["conversations"]}
        ab, cb = by[self.s["ab"]], by[self.s["cb"]]
        expect(ab["last_seq"] == 10 and ab["unread"] == 6, f"alice conv last_seq/unread {ab['last_seq']}/{ab['unread']}"
               " (expected 10/6: recall entry + 5 messages)")
        expect(cb["last_seq"] == 2 and cb["unread"] == 2 and cb["peer"]["user_id"] == self.s["carol_id"],
               f"carol conv {cb['last_seq']}/{cb['unread']}")
        order = [c["conversation_id"] for c in lc["conversations"]]
        expect(order.index(cb["conversation_id"]) < order.index(ab["conversation_id"]),
               "list_conversations is not most recently active first")

    # ---------------------------------------------------------------- groups

    async def t_group_create(self):
        a: Client = self.s["alice"]
        sa = len(a.pushes)
        r = await a.ok("create_group", "conversation", name="Conformance club", description="testing",
                       join_policy="approval")
        conv = r["conversation"]
        g = conv["group"]
        expect(conv["kind"] == "group" and g["my_role"] == "owner" and g["join_policy"] == "approval",
               f"group {short(conv)}")
        expect(conv["last_seq"] == 1 and conv["read_seq"] == 1 and conv["unread"] == 0, f"counters {short(conv)}")
        expect(isinstance(g["number"], int) and 10_000_000 <= g["number"] <= 99_999_999, f"number {g['number']}")
        gid = conv["conversation_id"]
        a.learn_conversation(conv)
        self.s["g"], self.s["g_number"] = gid, g["number"]
        await a.wait_event("conversation_added", lambda x: x["conversation"]["conversation_id"] == gid, sa)
        m = await a.wait_message(lambda x: x["conversation_id"] == gid and x["seq"] == 1, sa, what="created entry")
        expect(m["body"]["kind"] == "system" and m["body"]["event"]["kind"] == "created", f"entry {short(m)}")

    async def t_group_search(self):
        b: Client = self.s["bob"]
        r = await b.ok("search_groups", "groups", query=str(self.s["g_number"]))
        expect(r["groups"] and r["groups"][0]["conversation_id"] == self.s["g"], f"groups {r['groups']}")
        # a non-member sees no insides
        await b.err("list_members", "not_found", conversation_id=self.s["g"])

    async def t_group_join(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        sa, sb = len(a.pushes), len(b.pushes)
        await b.ok("join_group", "join_requested", conversation_id=self.s["g"], message="let me in")
        await b.wait_event("join_request_sent", lambda x: x["group"]["conversation_id"] == self.s["g"], sb)
        ev = await a.wait_event("join_request_received", lambda x: x["group"]["conversation_id"] == self.s["g"], sa)
        expect(ev["body"]["request"]["user"]["user_id"] == self.s["bob_id"], "request is not from bob")
        r = await a.ok("list_join_requests", "join_requests", conversation_id=self.s["g"])
        expect([x["user"]["user_id"] for x in r["requests"]] == [self.s["bob_id"]], f"requests {r['requests']}")
        await b.err("join_group", "request_pending", conversation_id=self.s["g"])

    async def t_group_approve(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        gid = self.s["g"]
        sa, sb = len(a.pushes), len(b.pushes)
        await a.ok("decide_join", "done", conversation_id=gid, user_id=self.s["bob_id"], approve=True)
        await a.wait_event("join_request_closed", lambda x: x["user_id"] == self.s["bob_id"] and x["approved"] is True, sa)
        await b.wait_event("join_request_decided", lambda x: x["group"]["conversation_id"] == gid and x["approved"], sb)
        ev = await b.wait_event("conversation_added", lambda x: x["conversation"]["conversation_id"] == gid, sb)
        info = ev["body"]["conversation"]
        expect(info["group"]["my_role"] == "member", f"bob's role {info['group']['my_role']}")
        pred = lambda x: (x["conversation_id"] == gid and x["body"]["kind"] == "system"  # noqa: E731
                          and x["body"]["event"]["kind"] == "joined"
                          and x["body"]["event"]["user"]["user_id"] == self.s["bob_id"])
        jb = await b.wait_message(pred, sb, what="joined entry (bob)")
        ja = await a.wait_message(pred, sa, what="joined entry (alice)")
        expect(ja["seq"] == jb["seq"] == 2, f"joined seq {ja['seq']}/{jb['seq']}")
        expect(jb["body"]["event"].get("by") == self.s["alice_id"], f"joined.by {jb['body']['event'].get('by')}")
        expect(jb["body"]["event"].get("approved") is True, f"joined.approved {jb['body']['event'].get('approved')}")
        expect(info["read_seq"] == jb["seq"] - 1, f"conversation_added read_seq {info['read_seq']}, joined seq {jb['seq']}")
        r = await b.ok("history", "history", conversation_id=gid)
        expect([m["seq"] for m in r["messages"]] == [2], f"bob's group history seqs {[m['seq'] for m in r['messages']]}")

    async def t_group_exchange(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        gid = self.s["g"]
        sa, sb = len(a.pushes), len(b.pushes)
        ma = await self.send(a, gid, "welcome to the club, bob")
        got = await b.wait_message(lambda x: x["message_id"] == ma["message_id"], sb)
        expect(got["seq"] == 3, f"seq {got['seq']}")
        mb = await self.send(b, gid, "thanks alice")
        got = await a.wait_message(lambda x: x["message_id"] == mb["message_id"], sa)
        expect(got["seq"] == 4, f"seq {got['seq']}")

    async def t_group_reply(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        gid = self.s["g"]
        sa = len(a.pushes)
        r = await b.ok("send_message", "sent", conversation_id=gid, client_msg_id=cmid(),
                       body=text_body("see you there"), reply_to=3)
        m = r["message"]
        b.apply_entry(m)
        quote = m.get("reply_to")
        expect(quote == {"seq": 3, "message_id": quote and quote.get("message_id"), "sender_id": self.s["alice_id"],
                         "preview": {"kind": "text", "text": "welcome to the club, bob"}}, f"quote {quote}")
        got = await a.wait_message(lambda x: x["message_id"] == m["message_id"], sa)
        expect(got.get("reply_to") == quote, f"pushed quote {got.get('reply_to')}")
        # a system entry (bob's own `joined`) cannot be quoted; a seq past the end names nothing
        await b.err("send_message", "bad_request", conversation_id=gid, client_msg_id=cmid(),
                    body=text_body("?"), reply_to=2)
        await b.err("send_message", "not_found", conversation_id=gid, client_msg_id=cmid(),
                    body=text_body("?"), reply_to=99)
        # the page around the quoted entry: it and the older entries first, then the newer ones
        h = await a.ok("history", "history", conversation_id=gid, around_seq=3, limit=2)
        expect([x["seq"] for x in h["messages"]] == [3, 4], f"around seqs {[x['seq'] for x in h['messages']]}")
        expect(h["has_more"] is True and h.get("has_newer") is True, f"around flags {short(h)}")
        h = await a.ok("history", "history", conversation_id=gid, limit=1)
        expect("has_newer" not in h, f"has_newer on a plain page: {short(h)}")
        await a.err("history", "bad_request", conversation_id=gid, before_seq=3, around_seq=3)
        # alice forwards bob's group message to their 1:1: same text, bob as its origin
        sb = len(b.pushes)
        r = await a.ok("send_message", "sent", conversation_id=self.s["ab"], client_msg_id=cmid(),
                       body={"kind": "forward", "conversation_id": gid, "seq": 4})
        f = r["message"]
        a.apply_entry(f)
        expect(f["body"] == text_body("thanks alice"), f"forwarded body {f['body']}")
        origin = f.get("forwarded_from") or {}
        expect(origin.get("sender_id") == self.s["bob_id"] and isinstance(origin.get("sent_at"), int),
               f"forwarded_from {origin}")
        got = await b.wait_message(lambda x: x["message_id"] == f["message_id"], sb)
        expect(got == f, f"pushed forward differs: {short(got)}")
        await a.err("send_message", "bad_request", conversation_id=self.s["ab"], client_msg_id=cmid(),
                    body={"kind": "forward", "conversation_id": gid, "seq": 2})

    async def t_group_changes(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        gid = self.s["g"]
        before = await a.ok("list_conversations", "conversations")
        was = next(c for c in before["conversations"] if c["conversation_id"] == gid)
        sa, sb = len(a.pushes), len(b.pushes)
        await b.ok("react", "done", conversation_id=gid, seq=3, emoji="👍🏽", on=True)
        changed = lambda f: f["type"] == "message_changed" and f["message"]["seq"] == 3  # noqa: E731
        f = await a.wait_push(changed, start=sa, what="message_changed (reaction)")
        m = f["message"]
        expect(m.get("reactions") == [{"emoji": "👍🏽", "count": 1, "user_ids": [self.s["bob_id"]]}],
               f"reactions {m.get('reactions')}")
        expect(isinstance(m.get("change_seq"), int), f"change_seq {m.get('change_seq')}")
        await b.wait_push(changed, start=sb, what="message_changed at the reacting connection")
        await b.err("react", "bad_request", conversation_id=gid, seq=3, emoji="ok", on=True)
        # alice edits her message: the new text, edited_at, a higher change_seq
        sa, sb = len(a.pushes), len(b.pushes)
        await a.ok("edit_message", "done", conversation_id=gid, seq=3, text="welcome to the club, bob!")
        f = await b.wait_push(changed, start=sb, what="message_changed (edit)")
        e = f["message"]
        expect(e["body"] == text_body("welcome to the club, bob!"), f"edited body {e['body']}")
        expect(isinstance(e.get("edited_at"), int) and e["change_seq"] > m["change_seq"], f"edit {short(e)}")
        await b.err("edit_message", "not_your_message", conversation_id=gid, seq=3, text="mine")
        # bob's reply (seq 5) now quotes the new text; the conversation did not move
        h = await b.ok("history", "history", conversation_id=gid, around_seq=5, limit=1)
        quote = h["messages"][0].get("reply_to", {})
        expect(quote.get("preview") == {"kind": "text", "text": "welcome to the club, bob!"}, f"quote {quote}")
        after = await a.ok("list_conversations", "conversations")
        conv = next(c for c in after["conversations"] if c["conversation_id"] == gid)
        expect((conv["last_seq"], conv["unread"]) == (was["last_seq"], was["unread"]), f"after changes {short(conv)}")

    async def t_receipts(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        ab, gid = self.s["ab"], self.s["g"]
        r = await a.ok("send_message", "sent", conversation_id=ab, client_msg_id=cmid(),
                       body=text_body("did you get this?"))
        a.apply_entry(r["message"])
        seq = r["message"]["seq"]
        await b.ok("mark_delivered", "done", conversation_id=ab, seq=seq)
        rr = await a.ok("read_receipts", "read_receipts", conversation_id=ab)
        expect(rr.get("delivered_seq") == seq and rr.get("read_seq", 0) < seq, f"delivered {short(rr)}")
        await b.ok("mark_read", "done", conversation_id=ab, seq=seq)
        rr = await a.ok("read_receipts", "read_receipts", conversation_id=ab)
        expect(rr.get("read_seq") == seq and "counts" not in rr, f"read {short(rr)}")
        # bob switches read receipts off: alice no longer gets his read marker
        st = await b.ok("update_settings", "settings", read_receipts=False)
        expect(st["settings"] == {"read_receipts": False}, f"settings {st}")
        rr = await a.ok("read_receipts", "read_receipts", conversation_id=ab)
        expect("read_seq" not in rr and rr.get("delivered_seq") == seq, f"receipts off {short(rr)}")
        st = await b.ok("update_settings", "settings", read_receipts=True)
        expect((await b.ok("get_settings", "settings"))["settings"] == {"read_receipts": True}, "settings back on")
        # the group: alice's message at seq 3, whose audience is bob alone
        await b.ok("mark_read", "done", conversation_id=gid, seq=3)
        g = await a.ok("read_receipts", "read_receipts", conversation_id=gid, seqs=[3, 4])
        expect(g.get("counts") == [{"seq": 3, "read": 1, "of": 1}], f"group counts {short(g)}")
        rb = await a.ok("read_by", "read_by", conversation_id=gid, seq=3)
        expect((rb["read"], rb["unread"], rb["read_count"], rb["unread_count"]) == ([self.s["bob_id"]], [], 1, 0),
               f"read_by {short(rb)}")
        await b.err("read_by", "not_found", conversation_id=gid, seq=3)
        await b.err("mark_delivered", "bad_request", conversation_id=gid, seq=3)

    async def t_group_mute(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        gid = self.s["g"]
        sa, sb = len(a.pushes), len(b.pushes)
        before = int(time.time() * 1000)
        await a.ok("mute_member", "done", conversation_id=gid, user_id=self.s["bob_id"], seconds=600)
        pred = lambda x: (x["conversation_id"] == gid and x["body"]["kind"] == "system"  # noqa: E731
                          and x["body"]["event"]["kind"] == "muted")
        mm = await b.wait_message(pred, sb, what="muted entry (bob)")
        await a.wait_message(pred, sa, what="muted entry (alice)")
        until = mm["body"]["event"]["until"]
        expect(mm["body"]["event"]["user_id"] == self.s["bob_id"], "muted someone else")
        expect(before + 590_000 <= until <= before + 620_000, f"until {until} not ~600 s from now")
        e = await b.err("send_message", "muted", conversation_id=gid, client_msg_id=cmid(), body=text_body("can I talk?"))
        expect(e.get("until") == until, f"error until {e.get('until')} != {until}")
        # the owner still may
        await self.send(a, gid, "owner can still talk")

    # ---------------------------------------------------------------- bad input

    async def bad_conn(self) -> Client:
        c = self.s.get("bad")
        if c is None or c.closed:
            c = await self.new_client("bad")
            self.s["bad"] = c
            await c.ok("resume", "session", token=self.s["carol_token"])
        return c

    async def wait_error(self, c: Client, start: int, code: str, rid=None):
        f = await c.wait_push(lambda f: f["type"] == "error", start=start, what=f"error {code}")
        expect(f.get("code") == code, f"got {short(f)}, expected code {code}")
        if rid is None:
            expect("id" not in f, f"error carries an id: {short(f)}")
        return f

    async def t_not_auth(self):
        c = await self.new_client("unauth")
        await c.err("list_contacts", "not_authenticated")
        r = await c.ok("hello", "welcome", protocol=1)
        del r
        # informational: how does an unknown type fare before authentication?
        reply = await c.req("no_such_command_xyz")
        print(f"     (info: unknown type before authentication answered {reply.get('code')!r})", flush=True)
        await c.ok("resume", "session", token=self.s["carol_token"])
        await c.ok("list_contacts", "contacts")
        await c.close()

    async def t_malformed_json(self):
        c = await self.bad_conn()
        start = len(c.pushes)
        await c.send_raw("this is {not json")
        await self.wait_error(c, start, "malformed_frame")
        await c.ok("list_contacts", "contacts")

    async def t_malformed_array(self):
        c = await self.bad_conn()
        start = len(c.pushes)
        await c.send_raw('["id", "type"]')
        await self.wait_error(c, start, "malformed_frame")
        await c.ok("list_contacts", "contacts")

    async def t_unknown_type(self):
        c = await self.bad_conn()
        await c.err("definitely_not_a_command", "unknown_type")
        await c.ok("list_contacts", "contacts")

    async def t_missing_field(self):
        c = await self.bad_conn()
        await c.err("open_direct", "malformed_frame")  # user_id missing
        await c.err("mark_read", "malformed_frame", conversation_id="c0", seq="5")  # wrong JSON type
        await c.ok("list_contacts", "contacts")

    async def t_missing_type(self):
        c = await self.bad_conn()
        start = len(c.pushes)
        await c.send_raw(json.dumps({"id": "no-type-1", "conversation_id": "x"}))
        # the error carries the id, so it is a reply — but no request is pending under that id,
        # so the reader files it among the pushes.
        f = await c.wait_push(lambda f: f["type"] == "error", start=start, what="error for missing type")
        expect(f.get("code") == "malformed_frame" and f.get("id") == "no-type-1", f"got {short(f)}")
        await c.ok("list_contacts", "contacts")

    async def t_long_id(self):
        c = await self.bad_conn()
        start = len(c.pushes)
        await c.send_raw(json.dumps({"id": "x" * 65, "type": "list_contacts"}))
        await self.wait_error(c, start, "bad_request")
        await c.ok("list_contacts", "contacts")

    async def t_binary(self):
        c = await self.bad_conn()
        start = len(c.pushes)
        await c.send_raw(b'{"id":"b1","type":"list_contacts"}')
        await self.wait_error(c, start, "malformed_frame")
        await c.ok("list_contacts", "contacts")

    async def t_bad_survives(self):
        c = await self.bad_conn()
        expect(not c.closed, f"closed with {c.close_code}")
        # unknown_type above was a command; check the connection still syncs
        start = len(c.pushes)
        await c.ok("sync", "sync_started", events_after=0, conversations=[])
        await c.wait_push(lambda f: f["type"] == "sync_done", start=start, what="sync_done")
        await c.close()

    # ---------------------------------------------------------------- files

    def auth(self, who: str) -> dict:
        return {"Authorization": f"Bearer {self.s[who + '_token']}"}

    async def t_tus_options(self):
        status, h, _ = await self.https.arequest("OPTIONS", "/api/uploads")
        expect(status in (200, 204), f"status {status}")
        expect(h.get("tus-resumable") == "1.0.0", f"Tus-Resumable {h.get('tus-resumable')}")
        expect("creation" in h.get("tus-extension", ""), f"Tus-Extension {h.get('tus-extension')}")
        expect(h.get("tus-max-size", "").isdigit(), f"Tus-Max-Size {h.get('tus-max-size')}")

    async def t_upload(self):
        content = ("conformance file ✓ " * 40).encode() + os.urandom(64)
        name = "résumé 报告.txt"
        self.s["file_bytes"], self.s["file_name"] = content, name
        meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                        (("filename", name), ("filetype", "text/plain"), ("kind", "file")))
        hdrs = {**self.auth("alice"), "Tus-Resumable": "1.0.0", "Upload-Length": str(len(content)),
                "Upload-Metadata": meta}
        status, h, body = await self.https.arequest("POST", "/api/uploads", hdrs)
        expect(status == 201, f"POST status {status}: {body[:200]!r}")
        expect(h.get("upload-offset") == "0", f"Upload-Offset {h.get('upload-offset')}")
        loc = h.get("location")
        expect(loc, "no Location")
        path = urllib.parse.urlsplit(loc).path if "://" in loc else loc
        self.s["upload_path"] = path
        # a wrong offset is a conflict and changes nothing
        status, h2, body2 = await self.https.arequest("PATCH", path, {
            **self.auth("alice"), "Tus-Resumable": "1.0.0", "Upload-Offset": "5",
            "Content-Type": "application/offset+octet-stream"}, content[5:])
        expect(status == 409, f"PATCH with wrong offset answered {status}")
        # send in two parts
        half = len(content) // 2
        status, h, body = await self.https.arequest("PATCH", path, {
            **self.auth("alice"), "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream"}, content[:half])
        expect(status == 204, f"PATCH 1 status {status}: {body[:200]!r}")
        expect(h.get("upload-offset") == str(half), f"offset after part 1 {h.get('upload-offset')}")
        expect("liao-file-id" not in h, "file id before the upload completed")
        status, h, body = await self.https.arequest("PATCH", path, {
            **self.auth("alice"), "Tus-Resumable": "1.0.0", "Upload-Offset": str(half),
            "Content-Type": "application/offset+octet-stream"}, content[half:])
        expect(status == 204, f"PATCH 2 status {status}: {body[:200]!r}")
        expect(h.get("upload-offset") == str(len(content)), f"final offset {h.get('upload-offset')}")
        fid = h.get("liao-file-id")
        expect(fid, "no Liao-File-Id on the completing PATCH")
        self.s["file_id"] = fid

    async def t_upload_head(self):
        status, h, body = await self.https.arequest("HEAD", self.s["upload_path"], self.auth("alice"))
        expect(status == 200, f"status {status}")
        n = str(len(self.s["file_bytes"]))
        expect(h.get("upload-offset") == n and h.get("upload-length") == n, f"offset/length {h}")
        expect(h.get("liao-file-id") == self.s["file_id"], f"Liao-File-Id {h.get('liao-file-id')}")
        # somebody else's upload is 404
        status, _, _ = await self.https.arequest("HEAD", self.s["upload_path"], self.auth("carol"))
        expect(status == 404, f"carol's HEAD on alice's upload: {status}")

    async def t_send_file(self):
        a: Client = self.s["alice"]
        b: Client = self.s["bob"]
        sb = len(b.pushes)
        r = await a.ok("send_message", "sent", conversation_id=self.s["ab"], client_msg_id=cmid(),
                       body={"kind": "file", "file_id": self.s["file_id"]})
        m = r["message"]
        fi = m["body"].get("file", {})
        expect(m["body"]["kind"] == "file", f"body {m['body']}")
        expect(fi.get("file_id") == self.s["file_id"] and fi.get("name") == self.s["file_name"]
               and fi.get("size") == len(self.s["file_bytes"]) and fi.get("mime") == "text/plain"
               and "thumbnail" not in fi, f"FileInfo {fi}")
        got = await b.wait_message(lambda x: x["message_id"] == m["message_id"], sb)
        expect(got["body"] == m["body"], "bob's copy differs")

    async def t_download_bob(self):
        fid = self.s["file_id"]
        status, h, data = await self.https.arequest("GET", f"/api/files/{fid}", self.auth("bob"))
        expect(status == 200, f"status {status}")
        expect(data == self.s["file_bytes"], f"bytes differ ({len(data)} vs {len(self.s['file_bytes'])})")
        expect(h.get("content-type") == "application/octet-stream", f"Content-Type {h.get('content-type')}")
        cd = h.get("content-disposition", "")
        expect(cd.startswith("attachment") and
               "filename*=UTF-8''" + urllib.parse.quote(self.s["file_name"], safe="") in cd,
               f"Content-Disposition {cd!r}")
        expect(h.get("x-content-type-options") == "nosniff", "nosniff missing")

    async def t_download_range(self):
        fid = self.s["file_id"]
        n = len(self.s["file_bytes"])
        status, h, data = await self.https.arequest("GET", f"/api/files/{fid}", {**self.auth("bob"), "Range": "bytes=10-"})
        expect(status == 206, f"status {status}")
        expect(data == self.s["file_bytes"][10:], "range bytes differ")
        expect(h.get("content-range") == f"bytes 10-{n - 1}/{n}", f"Content-Range {h.get('content-range')}")

    async def t_signed_url(self):
        b: Client = self.s["bob"]
        r = await b.ok("file_urls", "file_urls", file_id=self.s["file_id"])
        expect("thumbnail_url" not in r, "a plain file got a thumbnail_url")
        status, _, data = await self.https.arequest("GET", r["url"])
        expect(status == 200 and data == self.s["file_bytes"], f"signed URL status {status}")
        # someone else's signed URL used by carol without header works only as bob's — tamper instead
        tampered = r["url"][:-1] + ("0" if r["url"][-1] != "0" else "1")
        status, _, _ = await self.https.arequest("GET", tampered)
        expect(status == 404, f"tampered signed URL answered {status}")
        c: Client = self.s["carol"]
        await c.err("file_urls", "not_found", file_id=self.s["file_id"])

    async def t_download_carol(self):
        fid = self.s["file_id"]
        for method in ("GET", "HEAD"):
            status, _, _ = await self.https.arequest(method, f"/api/files/{fid}", self.auth("carol"))
            expect(status == 404, f"carol {method} answered {status}")

    async def t_download_anon(self):
        status, _, _ = await self.https.arequest("GET", f"/api/files/{self.s['file_id']}")
        expect(status == 404, f"status {status}")
        status, _, _ = await self.https.arequest("GET", f"/api/files/{self.s['file_id']}",
                                                 {"Authorization": "Bearer not-a-token"})
        expect(status == 404, f"bad token: status {status}")

    # ---------------------------------------------------------------- logout

    async def t_logout(self):
        c = await self.new_client("carol-logout")
        r = await c.ok("login", "session", username="carol", password="carol-correct horse battery")
        token = r["token"]
        await c.ok("logout", "done")
        for _ in range(50):
            if c.closed:
                break
            await asyncio.sleep(0.1)
        expect(c.closed and c.close_code == 1000, f"close code {c.close_code}")
        d = await self.new_client("carol-logout-2")
        await d.err("resume", "invalid_session", token=token)
        await d.close()


async def amain(binary: str) -> int:
    server = Server(binary)
    run = None
    try:
        try:
            await server.start()
        except Exception as e:  # noqa: BLE001
            report_fail("start the server", str(e))
            return 1
        run = Run(server)
        await run.run()
    finally:
        if run is not None:
            for c in run.clients:
                try:
                    await asyncio.wait_for(c.close(), 3)
                except Exception:  # noqa: BLE001
                    pass
        if FAILED and os.environ.get("LIAO_CONFORMANCE_LOG"):
            print("---- server log tail ----\n" + server.log_tail(4000))
        await server.stop()
    return 0


def main() -> None:
    if len(sys.argv) < 2:
        print("usage: python3 -m liao_conformance PATH/TO/liao-server", file=sys.stderr)
        sys.exit(2)
    try:
        asyncio.run(amain(sys.argv[1]))
    except KeyboardInterrupt:
        report_fail("run", "interrupted")
    print(f"{PASSED} passed, {FAILED} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()

