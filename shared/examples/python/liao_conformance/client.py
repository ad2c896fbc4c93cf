"""The client half of the Liao conformance kit, written from shared/PROTOCOL.md alone: a
certificate-pinning WebSocket client with request/reply and push helpers (`Client`), plain HTTPS
for the file endpoints (`Https`), and a server launcher on a free port with a temporary data
directory (`Server`). Other test programs (the desktop end-to-end run) drive servers with it.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import json
import os
import re
import shutil
import ssl
import sys
import tempfile
import time
import urllib.parse
import uuid

try:
    import websockets
    from websockets.exceptions import ConnectionClosed
except ImportError:  # pragma: no cover
    print("FAIL setup: the `websockets` package is missing (pip install websockets)")
    print("0 passed, 1 failed")
    sys.exit(2)

TIMEOUT = 8.0  # seconds to wait for any single reply or push


class Fail(Exception):
    """A check that did not hold (raised by the client's helpers and by `expect`)."""


def expect(cond, why: str) -> None:
    if not cond:
        raise Fail(why)


def short(frame) -> str:
    s = json.dumps(frame, ensure_ascii=False)
    return s if len(s) < 400 else s[:400] + "…"


# --------------------------------------------------------------------------------------------
# TLS pinning


def parse_fingerprint(text: str) -> bytes:
    """Accept a fingerprint with or without colons, in either case (section 2)."""
    hexdigits = re.sub(r"[^0-9A-Fa-f]", "", text)
    raw = bytes.fromhex(hexdigits)
    if len(raw) != 32:
        raise ValueError(f"fingerprint is not 32 bytes: {text!r}")
    return raw


def insecure_context() -> ssl.SSLContext:
    """No CA/hostname validation: the caller MUST compare the leaf certificate's SHA-256."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def check_pin(ssl_object, pinned: bytes) -> None:
    if ssl_object is None:
        raise Fail("no TLS object on the connection")
    der = ssl_object.getpeercert(binary_form=True)
    if der is None:
        raise Fail("server presented no certificate")
    got = hashlib.sha256(der).digest()
    if got != pinned:
        raise Fail(f"certificate fingerprint mismatch: got {got.hex()}, pinned {pinned.hex()}")


class Https:
    """Blocking HTTPS requests with fingerprint pinning (run them via asyncio.to_thread)."""

    def __init__(self, host: str, port: int, pinned: bytes):
        self.host, self.port, self.pinned = host, port, pinned

    def request(self, method, path, headers=None, body=None):
        conn = http.client.HTTPSConnection(self.host, self.port, context=insecure_context(), timeout=15)
        try:
            conn.connect()
            check_pin(conn.sock, self.pinned)  # before sending anything
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            return resp.status, hdrs, data
        finally:
            conn.close()

    async def arequest(self, method, path, headers=None, body=None):
        return await asyncio.to_thread(self.request, method, path, headers, body)


# --------------------------------------------------------------------------------------------
# WebSocket client


class Client:
    def __init__(self, name: str, ws_url: str, pinned: bytes):
        self.name = name
        self.ws_url = ws_url
        self.pinned = pinned
        self.ws = None
        self.counter = 0
        self.pending: dict[str, asyncio.Future] = {}
        self.pushes: list[dict] = []  # every frame that is not a reply to a pending request
        self.new_push = asyncio.Event()
        self.closed = False
        self.close_code = None
        self.reader_task = None
        # client state (section 7)
        self.user = None
        self.token = None
        self.session_id = None
        self.ev_cursor = 0
        self.ev_buffer: dict[int, dict] = {}
        self.conv_cursor: dict[str, int] = {}
        self.conv_buffer: dict[str, dict[int, dict]] = {}
        self.messages: dict[tuple[str, int], dict] = {}
        self.dup_entries = 0
        self.dup_events = 0

    # ---- connection

    async def connect(self):
        self.ws = await websockets.connect(
            self.ws_url,
            ssl=insecure_context(),
            compression=None,
            max_size=4 * 1024 * 1024,
            open_timeout=TIMEOUT,
            origin=None,
        )
        # Pin check before any frame is sent (the upgrade request carries no secret).
        try:
            check_pin(self.ws.transport.get_extra_info("ssl_object"), self.pinned)
        except Fail:
            await self.ws.close()
            raise
        self.reader_task = asyncio.create_task(self._reader())
        return self

    async def close(self):
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:  # noqa: BLE001
                pass
        if self.reader_task is not None:
            try:
                await asyncio.wait_for(self.reader_task, 5)
            except Exception:  # noqa: BLE001
                pass

    async def _reader(self):
        try:
            async for raw in self.ws:
                if isinstance(raw, bytes):
                    frame = {"type": "_binary", "data": raw.hex()}
                else:
                    frame = json.loads(raw)
                t = frame.get("type")
                rid = frame.get("id")
                if t in ("ok", "error") and isinstance(rid, str) and rid in self.pending:
                    frame["_pidx"] = len(self.pushes)  # how many pushes came before this reply
                    fut = self.pending.pop(rid)
                    if not fut.done():
                        fut.set_result(frame)
                    continue
                frame["_t"] = time.monotonic()
                self.pushes.append(frame)
                self._apply(frame)
                self.new_push.set()
        except ConnectionClosed as e:
            self.close_code = e.rcvd.code if e.rcvd else None
        except Exception as e:  # noqa: BLE001
            self.pushes.append({"type": "_reader_error", "error": repr(e)})
        finally:
            self.closed = True
            if self.ws is not None and self.ws.close_code is not None:
                self.close_code = self.ws.close_code
            for fut in self.pending.values():
                if not fut.done():
                    fut.set_exception(Fail(f"{self.name}: connection closed (code {self.close_code})"))
            self.pending.clear()
            self.new_push.set()

    # ---- requests

    async def send_raw(self, data):
        await self.ws.send(data)

    async def req(self, type_: str, timeout: float = TIMEOUT, **fields) -> dict:
        """Send a request; return the reply frame (ok or error). Retries on rate_limited."""
        for _ in range(6):
            if self.closed:
                raise Fail(f"{self.name}: connection is closed (code {self.close_code})")
            self.counter += 1
            rid = str(self.counter)
            frame = {"id": rid, "type": type_, **fields}
            fut = asyncio.get_running_loop().create_future()
            self.pending[rid] = fut
            await self.ws.send(json.dumps(frame))
            reply = await asyncio.wait_for(fut, timeout)
            if reply.get("type") == "error" and reply.get("code") == "rate_limited":
                await asyncio.sleep(reply.get("retry_after_ms", 1000) / 1000 + 0.05)
                continue
            return reply
        raise Fail(f"{type_}: still rate_limited after retries")

    async def ok(self, type_: str, kind: str | None = None, **fields) -> dict:
        reply = await self.req(type_, **fields)
        if reply.get("type") != "ok":
            raise Fail(f"{type_} answered {reply.get('code')}: {reply.get('message')}")
        result = reply.get("result", {})
        if kind is not None and result.get("kind") != kind:
            raise Fail(f"{type_} answered kind {result.get('kind')!r}, expected {kind!r}")
        result["_pidx"] = reply["_pidx"]
        return result

    async def err(self, type_: str, code: str, **fields) -> dict:
        reply = await self.req(type_, **fields)
        if reply.get("type") != "error":
            raise Fail(f"{type_} succeeded ({short(reply)}), expected error {code}")
        if reply.get("code") != code:
            raise Fail(f"{type_} answered {reply.get('code')!r} ({reply.get('message')}), expected {code!r}")
        return reply

    # ---- pushes

    async def wait_push(self, pred, timeout: float = TIMEOUT, start: int = 0, what: str = "push"):
        deadline = time.monotonic() + timeout
        i = start
        while True:
            while i < len(self.pushes):
                f = self.pushes[i]
                i += 1
                try:
                    if pred(f):
                        return f
                except (KeyError, TypeError, AttributeError):
                    pass
            if self.closed:
                raise Fail(f"{self.name}: connection closed (code {self.close_code}) while waiting for {what}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Fail(f"{self.name}: no {what} within {timeout:.0f}s")
            self.new_push.clear()
            try:
                await asyncio.wait_for(self.new_push.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def wait_event(self, kind: str, pred=lambda b: True, start: int = 0, timeout: float = TIMEOUT):
        f = await self.wait_push(
            lambda f: f["type"] == "event" and f["event"]["body"]["kind"] == kind and pred(f["event"]["body"]),
            timeout, start, what=f"event {kind}")
        return f["event"]

    async def wait_message(self, pred, start: int = 0, timeout: float = TIMEOUT, what="message push"):
        f = await self.wait_push(lambda f: f["type"] == "message" and pred(f["message"]), timeout, start, what)
        return f["message"]

    def count_pushes(self, pred) -> int:
        n = 0
        for f in self.pushes:
            try:
                if pred(f):
                    n += 1
            except (KeyError, TypeError, AttributeError):
                pass
        return n

    # ---- stream processing (section 7)

    def _apply(self, frame):
        t = frame.get("type")
        if t == "event":
            self._apply_event(frame["event"])
        elif t == "message":
            self.apply_entry(frame["message"])
        elif t == "sync_done":
            self.ev_cursor = max(self.ev_cursor, frame["events_seq"])
        elif t == "sync_gap":
            cid = frame["conversation_id"]
            self.conv_cursor[cid] = frame["latest_seq"]
        elif t == "too_far_behind":
            self.ev_cursor = frame["events_seq"]

    def _apply_event(self, ev):
        seq = ev["seq"]
        if seq <= self.ev_cursor:
            self.dup_events += 1
            return
        self.ev_buffer[seq] = ev
        while self.ev_cursor + 1 in self.ev_buffer:
            e = self.ev_buffer.pop(self.ev_cursor + 1)
            self.ev_cursor += 1
            body = e["body"]
            if body["kind"] == "conversation_added":
                c = body["conversation"]
                self.conv_cursor.setdefault(c["conversation_id"], c["read_seq"])
            elif body["kind"] == "conversation_removed":
                self.conv_cursor.pop(body["conversation_id"], None)

    def learn_conversation(self, info):
        self.conv_cursor.setdefault(info["conversation_id"], info["read_seq"])

    def apply_entry(self, m):
        cid, seq = m["conversation_id"], m["seq"]
        if cid not in self.conv_cursor:
            self.conv_cursor[cid] = seq - 1
        if seq <= self.conv_cursor[cid]:
            self.dup_entries += 1
            return
        buf = self.conv_buffer.setdefault(cid, {})
        buf[seq] = m
        while self.conv_cursor[cid] + 1 in buf:
            e = buf.pop(self.conv_cursor[cid] + 1)
            self.conv_cursor[cid] += 1
            self.messages[(cid, e["seq"])] = e
            if e["body"]["kind"] == "recall":
                tgt = (cid, e["body"]["target_seq"])
                if tgt in self.messages:
                    self.messages[tgt]["body"] = {"kind": "recalled", "recalled_at": e["sent_at"]}

    def cursors_for_sync(self):
        return [{"conversation_id": c, "seq": s} for c, s in self.conv_cursor.items()]


# --------------------------------------------------------------------------------------------
# the server


class Server:
    def __init__(self, binary: str):
        self.binary = binary
        self.proc = None
        self.tmp = tempfile.mkdtemp(prefix="liao-conformance-")
        self.stdout_lines: list[str] = []
        self.url = None
        self.fingerprint = None
        self.drain_task = None
        self.stderr_file = None

    async def start(self):
        deadline = time.monotonic() + 90
        while not (os.path.isfile(self.binary) and os.access(self.binary, os.X_OK)):
            if time.monotonic() > deadline:
                raise Fail(f"server binary {self.binary} not found")
            await asyncio.sleep(1)
        data_dir = os.path.join(self.tmp, "data")
        os.makedirs(data_dir)
        self.stderr_file = open(os.path.join(self.tmp, "server.log"), "wb")
        last_err = None
        for _attempt in range(5):  # the binary may be replaced under us for a few seconds
            try:
                self.proc = await asyncio.create_subprocess_exec(
                    self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                    "--argon2-m-kib", "64", "--argon2-t", "1",
                    stdout=asyncio.subprocess.PIPE, stderr=self.stderr_file, stdin=asyncio.subprocess.DEVNULL)
                break
            except OSError as e:  # e.g. "Text file busy" while it is being rebuilt
                last_err = e
                await asyncio.sleep(2)
        else:
            raise Fail(f"cannot start server: {last_err}")
        async def readline():
            line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
            if not line:
                raise Fail(f"server exited before printing its address (rc={self.proc.returncode}); "
                           f"log: {self.log_tail()}")
            text = line.decode("utf-8", "replace").rstrip("\n")
            self.stdout_lines.append(text)
            return text
        while self.url is None or self.fingerprint is None:
            text = await readline()
            m = re.search(r"listening on (\S+)", text)
            if m:
                self.url = m.group(1).rstrip("/")
            m = re.search(r"fingerprint:\s*([0-9A-Fa-f:]+)", text)
            if m:
                self.fingerprint = parse_fingerprint(m.group(1))
        self.drain_task = asyncio.create_task(self._drain())

    async def _drain(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                return
            self.stdout_lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    def log_tail(self, n=2000):
        try:
            with open(os.path.join(self.tmp, "server.log"), "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    @property
    def host_port(self):
        u = urllib.parse.urlsplit(self.url)
        return u.hostname, u.port

    @property
    def ws_url(self):
        u = urllib.parse.urlsplit(self.url)
        scheme = "wss" if u.scheme == "https" else "ws"
        return f"{scheme}://{u.netloc}/ws"

    async def stop(self):
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self.drain_task is not None:
            self.drain_task.cancel()
        if self.stderr_file is not None:
            self.stderr_file.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# the test run


def cmid() -> str:
    return str(uuid.uuid4())


def text_body(text: str) -> dict:
    return {"kind": "text", "text": text}


