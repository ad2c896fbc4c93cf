#!/usr/bin/env python3
"""End-to-end test of the Liao desktop app under Xvfb, driven over WebDriver (tauri-driver).

Starts a real liao-server, scripts a second user ("bob") with the conformance client, launches the
app, confirms the pinned certificate in the first-run screen, signs in as alice, receives bob's
message (and checks that org.freedesktop.Notifications.Notify went out on the session bus, that
the window title shows the unread count, and that clicking the notification opens the
conversation), sends a file picked through the LIAO_DESKTOP_TEST_PICK hook and checks the bytes bob
downloads, saves a file, checks the session token is in the keyring and in no file, closes the
window to the tray (notifications keep coming), launches a second instance (it focuses the first
and exits), measures the idle PSS of the app's process tree, takes a screenshot, restarts the app
(still signed in, from the keyring), measures cold start to the first conversation list, and
finally restarts the server on the same address with a new certificate and checks that the app
refuses it with a warning. Prints `N passed, M failed`.

Run it through .ci/desktop-e2e (which provides Xvfb, a session bus with a keyring daemon and a
notification daemon). Environment: LIAO_DESKTOP_BIN, LIAO_SERVER_BIN, LIAO_E2E_OUT (output folder).
"""

import asyncio
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
import liao_conformance as lc  # noqa: E402  (shared/examples/python, installed by .ci/deps)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.options import ArgOptions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

APP = os.environ["LIAO_DESKTOP_BIN"]
SERVER = os.environ["LIAO_SERVER_BIN"]
OUT = os.environ.get("LIAO_E2E_OUT", tempfile.mkdtemp(prefix="liao-desktop-e2e-"))
PASSED, FAILED = 0, 0
RESULTS = {}


def ok(what):
    global PASSED
    PASSED += 1
    print(f"ok   {what}", flush=True)


def fail(what, why):
    global FAILED
    FAILED += 1
    print(f"FAIL {what}: {why}", flush=True)


async def step(what, fn, *args):
    try:
        r = await fn(*args)
        ok(what)
        return r
    except Exception as e:  # noqa: BLE001 - every failure is reported, the run goes on
        fail(what, f"{type(e).__name__}: {e}")
        return None


def colon_hex(raw: bytes) -> str:
    return ":".join(f"{b:02X}" for b in raw)


class WryOptions(ArgOptions):
    @property
    def default_capabilities(self):
        return {}


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def pss_kib(pids) -> int:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def app_pids() -> list[int]:
    name = os.path.basename(APP)[:15]
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() == name:
                        out.append(int(d))
            except OSError:
                pass
    return out


def find_app_pid() -> int | None:
    pids = app_pids()
    return pids[0] if pids else None


def x_windows(visible_only: bool = True) -> dict[int, str]:
    """The app's X windows (id → title), found by name like a user would see them."""
    args = ["xdotool", "search"] + (["--onlyvisible"] if visible_only else []) + ["--name", r"^(\([0-9]+\) )?Liao"]
    ids = subprocess.run(args, capture_output=True, text=True).stdout.split()
    out = {}
    for w in ids:
        name = subprocess.run(["xdotool", "getwindowname", w], capture_output=True, text=True).stdout.strip()
        out[int(w)] = name
    return out


def close_window(wid: int) -> None:
    """Asks the window to close the way a window manager's close button does (WM_DELETE_WINDOW)."""
    from Xlib import X, display, protocol

    d = display.Display()
    w = d.create_resource_object("window", wid)
    protocols, delete = d.intern_atom("WM_PROTOCOLS"), d.intern_atom("WM_DELETE_WINDOW")
    ev = protocol.event.ClientMessage(window=w, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    w.send_event(ev, event_mask=X.NoEventMask)
    d.flush()
    d.close()


async def close_to_tray(timeout=10.0):
    """Clicks the window's close button (WM_DELETE_WINDOW) until the window is hidden. GTK can
    drop a close request that arrives while it finishes an earlier pointer action; a user would
    click again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = x_windows()
        if not shown:
            return
        for wid in shown:
            close_window(wid)
        for _ in range(10):
            await asyncio.sleep(0.1)
            if not x_windows():
                return
    raise AssertionError(f"the window did not hide: {x_windows()}")


async def until(what, check, timeout=15.0, every=0.2):
    """Polls `check` until it returns something truthy; fails with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        r = check()
        if r:
            return r
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(every)


class E2E:
    def __init__(self):
        self.server = lc.Server(SERVER)
        self.config = tempfile.mkdtemp(prefix="liao-desktop-config-")
        self.data = tempfile.mkdtemp(prefix="liao-desktop-data-")
        self.cache = tempfile.mkdtemp(prefix="liao-desktop-cache-")
        self.home = tempfile.mkdtemp(prefix="liao-desktop-home-")
        self.file = os.path.join(OUT, "hello from the desktop ✓.txt")
        self.file_bytes = ("desktop upload ✓ " * 500).encode() + os.urandom(4096)
        self.driver = None
        self.driver_proc = None
        self.monitor = None
        self.server2 = None

    # ---------------------------------------------------------------- setup
    async def start(self):
        os.makedirs(OUT, exist_ok=True)
        with open(self.file, "wb") as f:
            f.write(self.file_bytes)
        await self.server.start()
        self.monitor = subprocess.Popen(
            ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications'"],
            stdout=open(os.path.join(OUT, "dbus-monitor.log"), "wb"), stderr=subprocess.DEVNULL)
        ws, pin = self.server.ws_url, self.server.fingerprint
        self.alice, self.bob = lc.Client("alice", ws, pin), lc.Client("bob", ws, pin)
        ids = {}
        for c, name in ((self.alice, "alice"), (self.bob, "bob")):
            await c.connect()
            await c.ok("hello", "welcome", protocol=1, client="desktop-e2e")
            r = await c.ok("register", "session", username=name, password=f"{name}-correct horse",
                           display_name=name.capitalize(), device="desktop-e2e")
            c.user, c.token = r["user"], r["token"]
            ids[name] = r["user"]["user_id"]
        await self.alice.ok("friend_request", "done", user_id=ids["bob"])
        await asyncio.sleep(0.3)
        await self.bob.ok("friend_accept", "done", user_id=ids["alice"])
        r = await self.bob.ok("open_direct", "conversation", user_id=ids["alice"])
        self.cid = r["conversation"]["conversation_id"]
        # The app signs in as alice; her scripted connection is no longer needed.
        await self.alice.close()
        self.env = dict(os.environ, HOME=self.home, XDG_CONFIG_HOME=self.config, XDG_DATA_HOME=self.data,
                        XDG_CACHE_HOME=self.cache, LIAO_DESKTOP_TEST_PICK=self.file,
                        LIAO_DESKTOP_TEST_SAVE=os.path.join(OUT, "saved.bin"))
        self.driver_proc = subprocess.Popen(["tauri-driver"], env=self.env, stdout=open(os.path.join(OUT, "tauri-driver.log"), "wb"),
                                            stderr=subprocess.STDOUT)
        await asyncio.sleep(1.5)
        opts = WryOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": APP})
        self.driver = await asyncio.to_thread(webdriver.Remote, command_executor="http://127.0.0.1:4444", options=opts)

    async def wait(self, css, timeout=20):
        return await asyncio.to_thread(
            lambda: WebDriverWait(self.driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, css)))

    async def click(self, el):
        """Clicks like a user; retries while something (a toast, an animation) covers the element."""
        for attempt in range(20):
            try:
                return await asyncio.to_thread(el.click)
            except Exception as e:  # noqa: BLE001
                if "Intercepted" not in type(e).__name__ or attempt == 19:
                    raise
                await asyncio.sleep(0.5)

    async def wait_text(self, text, timeout=20):
        await asyncio.to_thread(lambda: WebDriverWait(self.driver, timeout).until(lambda d: text in d.page_source))

    # ---------------------------------------------------------------- tests
    async def t_fingerprint_shown(self):
        field = await self.wait("#server-address")
        await asyncio.to_thread(field.send_keys, self.server.url)
        await asyncio.to_thread((await self.wait("#server-connect")).click)
        shown = (await self.wait("#server-fingerprint")).text.strip()
        expected = colon_hex(self.server.fingerprint)
        assert shown == expected, f"shown {shown!r}, server printed {expected!r}"

    async def t_trust_pins(self):
        await asyncio.to_thread((await self.wait("#server-trust")).click)
        await self.wait("input[name=username]")
        with open(os.path.join(self.config, "chat.liao.desktop", "pins.json")) as f:
            pins = json.load(f)
        assert colon_hex(self.server.fingerprint) in pins["pins"].values(), pins

    async def t_login(self):
        user = await self.wait("input[name=username]")
        await asyncio.to_thread(user.send_keys, "alice")
        pw = await self.wait("input[name=password]")
        await asyncio.to_thread(pw.send_keys, "alice-correct horse")
        await asyncio.to_thread((await self.wait("button[type=submit]")).click)
        await self.wait("[data-testid=conversation-list]", 30)

    async def t_receive(self):
        await asyncio.sleep(1)
        self.text = "Hello Alice, from the scripted Bob 你好"
        await self.bob.ok("send_message", "sent", conversation_id=self.cid, client_msg_id=lc.cmid(),
                          body=lc.text_body(self.text))
        await self.wait_text(self.text)

    async def t_notified(self):
        log = os.path.join(OUT, "dbus-monitor.log")
        for _ in range(40):
            with open(log, "rb") as f:
                data = f.read().decode("utf-8", "replace")
            if "member=Notify" in data and "Hello Alice" in data:
                return
            await asyncio.sleep(0.25)
        raise AssertionError("no Notify call with the message preview on the session bus")

    async def t_unread_title(self):
        await until("the window title '(1) Liao 聊'",
                    lambda: "(1) Liao 聊" in x_windows().values(), timeout=10)

    async def t_notification_click(self):
        # dunst invokes the notification's default action, as a click on it does.
        subprocess.run(["dunstctl", "action", "0"], check=True)
        title = await self.wait("[data-testid=chat-title]", 15)
        text = (await asyncio.to_thread(title.get_attribute, "textContent") or "").strip()
        assert text.startswith("Bob"), f"opened {text!r}"
        # Opening it reads it: the count leaves the title.
        await until("the title without a count", lambda: "Liao 聊" in x_windows().values(), timeout=10)

    async def t_send_file(self):
        items = await asyncio.to_thread(self.driver.find_elements, By.CSS_SELECTOR, "[data-testid=conversation-list] li")
        assert items, "no conversation in the list"
        target = items[0].find_element(By.CSS_SELECTOR, "button, a, [role=button]") if items[0].find_elements(By.CSS_SELECTOR, "button, a, [role=button]") else items[0]
        await self.click(target)
        start = len(self.bob.pushes)
        await self.click(await self.wait(".composer__attach"))
        m = await self.bob.wait_message(lambda x: x["body"]["kind"] == "file", start, timeout=30)
        fid = m["body"]["file"]["file_id"]
        host, port = self.server.host_port
        status, _, data = await lc.Https(host, port, self.server.fingerprint).arequest(
            "GET", f"/api/files/{fid}", {"Authorization": f"Bearer {self.bob.token}"})
        assert status == 200, f"status {status}"
        assert hashlib.sha256(data).digest() == hashlib.sha256(self.file_bytes).digest(), \
            f"bytes differ ({len(data)} vs {len(self.file_bytes)})"
        assert m["body"]["file"]["name"] == os.path.basename(self.file), m["body"]["file"]["name"]

    async def t_save_as(self):
        button = await asyncio.to_thread(
            lambda: WebDriverWait(self.driver, 20).until(
                lambda d: d.find_element(By.XPATH, "//a[normalize-space()='Download']")))
        await self.click(button)
        saved = os.path.join(OUT, "saved.bin")
        for _ in range(80):
            if os.path.exists(saved) and os.path.getsize(saved) == len(self.file_bytes):
                with open(saved, "rb") as f:
                    assert f.read() == self.file_bytes, "saved bytes differ"
                return
            await asyncio.sleep(0.25)
        raise AssertionError(f"{saved} not written (exists: {os.path.exists(saved)})")

    async def t_drop_file(self):
        """A file dragged from another app (an XDND source) onto the open conversation is sent."""
        dropped = os.path.join(OUT, "dropped from the desktop.bin")
        data = os.urandom(50_000)
        with open(dropped, "wb") as f:
            f.write(data)
        src = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "drag_source.py"), dropped, "1060", "300"],
                               stdout=subprocess.PIPE, text=True)
        try:
            ready = await asyncio.wait_for(asyncio.to_thread(src.stdout.readline), 15)
            assert ready.strip() == "ready", f"drag source said {ready!r}"
            await asyncio.sleep(0.5)
            start = len(self.bob.pushes)

            def xdo(*args):
                subprocess.run(["xdotool", *args], check=True)

            # Press on the source's button, move past GTK's drag threshold, across to the chat
            # area of the app's window, and release there.
            xdo("mousemove", "1120", "360")
            await asyncio.sleep(0.3)
            xdo("mousedown", "1")
            for i in range(1, 21):
                xdo("mousemove", str(1120 - i * 22), str(360 + i * 2))
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            xdo("mouseup", "1")
            m = await self.bob.wait_message(
                lambda x: x["body"]["kind"] == "file" and x["body"]["file"]["name"] == os.path.basename(dropped),
                start, timeout=30)
            fid = m["body"]["file"]["file_id"]
            host, port = self.server.host_port
            status, _, got = await lc.Https(host, port, self.server.fingerprint).arequest(
                "GET", f"/api/files/{fid}", {"Authorization": f"Bearer {self.bob.token}"})
            assert status == 200 and got == data, f"status {status}, {len(got)} bytes"
        finally:
            src.terminate()
            src.wait(5)
            await until("the drag source's window to go", lambda: not subprocess.run(
                ["xdotool", "search", "--name", "^liao-drag-source$"], capture_output=True, text=True).stdout.strip(),
                timeout=5)

    async def t_settings(self):
        """Start on login writes (and removes) the XDG autostart entry; do-not-disturb silences."""
        await self.click(await self.wait("[data-testid=open-settings]"))
        entry = os.path.join(self.home, ".config", "autostart", "Liao.desktop")
        box = await self.wait("[data-testid=pref-start-on-login]")
        await self.click(box)
        await until("the autostart entry", lambda: os.path.exists(entry), timeout=10)
        with open(entry) as f:
            text = f.read()
        assert f"Exec={APP} --hidden" in text or "--hidden" in text, text
        await self.click(await self.wait("[data-testid=pref-start-on-login]"))
        await until("the autostart entry to go", lambda: not os.path.exists(entry), timeout=10)
        # Do not disturb: bob's next message arrives but raises no notification.
        await self.click(await self.wait("[data-testid=pref-dnd]"))
        await self.click(await self.wait("dialog button[aria-label=Close]"))
        marker = "Quiet please 安静"
        # Hide the window so a notification would be due.
        await close_to_tray()
        await self.bob.ok("send_message", "sent", conversation_id=self.cid, client_msg_id=lc.cmid(),
                          body=lc.text_body(marker))
        await self.wait_text(marker)
        await asyncio.sleep(1.5)
        with open(os.path.join(OUT, "dbus-monitor.log"), "rb") as f:
            assert "Quiet please" not in f.read().decode("utf-8", "replace"), "notified during do-not-disturb"
        # Back to normal for the rest of the run.
        subprocess.run([APP], env=self.env, timeout=30, capture_output=True)
        await until("the window to come back", x_windows, timeout=10)
        await self.click(await self.wait("[data-testid=open-settings]"))
        await self.click(await self.wait("[data-testid=pref-dnd]"))
        await self.click(await self.wait("dialog button[aria-label=Close]"))

    async def t_token_in_keyring_only(self):
        r = subprocess.run(["secret-tool", "search", "--all", "service", "chat.liao.desktop"],
                           capture_output=True, text=True)
        m = re.search(r"^secret = (\S+)$", r.stdout + r.stderr, re.M)
        assert m, f"no keyring item for chat.liao.desktop: {r.stdout!r} {r.stderr!r}"
        token = m.group(1).encode()
        assert len(token) >= 20, "the keyring item holds no token"
        for root in (self.config, self.data, self.cache):
            for dirpath, _, files in os.walk(root):
                for name in files:
                    path = os.path.join(dirpath, name)
                    try:
                        with open(path, "rb") as f:
                            assert token not in f.read(), f"the session token is in {path}"
                    except OSError:
                        pass

    async def t_close_to_tray(self):
        assert x_windows(), "no visible window"
        await close_to_tray()
        assert find_app_pid(), "closing the window quit the app (it should hide to the tray)"
        # Messages keep arriving and notifying while the window is hidden.
        text = "Still there, Alice? 还在吗"
        await self.bob.ok("send_message", "sent", conversation_id=self.cid, client_msg_id=lc.cmid(),
                          body=lc.text_body(text))
        log = os.path.join(OUT, "dbus-monitor.log")

        def notified():
            with open(log, "rb") as f:
                return "Still there, Alice" in f.read().decode("utf-8", "replace")

        await until("a notification while hidden", notified, timeout=10)

    async def t_single_instance(self):
        before = app_pids()
        second = await asyncio.to_thread(subprocess.run, [APP], env=self.env, timeout=30,
                                         capture_output=True)
        assert second.returncode == 0, f"second launch exited with {second.returncode}"
        assert app_pids() == before, f"processes {before} became {app_pids()}"
        await until("the first instance's window to come back", x_windows, timeout=10)

    async def t_footprint(self):
        await asyncio.sleep(5)  # idle
        pid = find_app_pid()
        assert pid, "app process not found"
        pids = descendants(pid)
        RESULTS["pss_kib"] = pss_kib(pids)
        RESULTS["processes"] = len(pids)
        for p in pids:
            try:
                with open(f"/proc/{p}/comm") as f:
                    name = f.read().strip()
            except OSError:
                continue
            parts = {}
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k in ("Pss_Anon", "Pss_File", "Pss_Shmem"):
                        parts[k] = int(v.split()[0]) / 1024
            detail = ", ".join(f"{k[4:].lower()} {v:.1f}" for k, v in parts.items())
            print(f"info   {name}: {pss_kib([p]) / 1024:.1f} MiB ({detail})", flush=True)
        print(f"info idle PSS of the app tree ({len(pids)} processes): {RESULTS['pss_kib'] / 1024:.1f} MiB", flush=True)
        shot = os.path.join(OUT, "desktop.png")
        subprocess.run(["import", "-window", "root", shot], check=True)

    async def new_session(self):
        if self.driver is not None:
            await asyncio.to_thread(self.driver.quit)
        opts = WryOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": APP})
        self.driver = await asyncio.to_thread(webdriver.Remote, command_executor="http://127.0.0.1:4444", options=opts)

    async def t_restart_signed_in(self):
        """Quit and start again: the token comes back from the keyring, no password asked."""
        await self.new_session()
        await self.wait("[data-testid=conversation-list]", 30)

    async def t_cold_start(self):
        """Launch to the first conversation list on screen, median of 5 (the app logs the moment)."""
        await asyncio.to_thread(self.driver.quit)
        self.driver = None
        await until("the app to exit", lambda: not app_pids(), timeout=15)
        times = []
        for _ in range(5):
            env = dict(self.env, LIAO_LOG="liao_desktop=info")
            start = time.monotonic()
            p = subprocess.Popen([APP], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
            try:
                def shown():
                    for line in p.stderr:
                        if "conversation list shown" in line:
                            return time.monotonic()
                    return None

                end = await asyncio.wait_for(asyncio.to_thread(shown), 30)
                assert end, "the app exited before showing its conversation list"
                times.append((end - start) * 1000)
            finally:
                p.terminate()
                p.wait(10)
        times.sort()
        RESULTS["cold_start_ms"] = times
        print("info cold start to the conversation list (ms): " + ", ".join(f"{t:.0f}" for t in times)
              + f"; median {times[2]:.0f}", flush=True)
        await self.new_session()

    async def t_cert_changed(self):
        """A new server (new certificate) on the same address: the app must refuse loudly."""
        host, port = self.server.host_port
        pinned = colon_hex(self.server.fingerprint)
        await self.server.stop()
        data = tempfile.mkdtemp(prefix="liao-desktop-e2e-server2-")
        self.server2 = subprocess.Popen(
            [SERVER, "serve", "--listen", f"{host}:{port}", "--data-dir", data, "--argon2-m-kib", "64", "--argon2-t", "1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for _ in range(20):
            line = await asyncio.to_thread(self.server2.stdout.readline)
            if "fingerprint" in line:
                break
        else:
            raise AssertionError("second server did not start")
        await self.new_session()
        alarm = await self.wait(".server-setup__alarm", 30)
        text = alarm.text
        assert "changed" in text and pinned in text, text
        with open(os.path.join(self.config, "chat.liao.desktop", "pins.json")) as f:
            assert pinned in json.load(f)["pins"].values(), "the old pin was replaced"
        subprocess.run(["import", "-window", "root", os.path.join(OUT, "certificate-changed.png")], check=False)

    async def run(self):
        try:
            await step("start server, scripted users and the app via tauri-driver", self.start)
            if self.driver is None:
                return
            await step("first run shows the server's certificate fingerprint", self.t_fingerprint_shown)
            await step("trusting it pins the fingerprint in the config dir", self.t_trust_pins)
            await step("sign in as alice", self.t_login)
            await step("a message from bob appears", self.t_receive)
            await step("Notify was called on the session bus with the preview", self.t_notified)
            await step("the window title shows the unread count", self.t_unread_title)
            await step("clicking the notification opens the conversation", self.t_notification_click)
            await step("send a file via LIAO_DESKTOP_TEST_PICK; bob downloads the same bytes", self.t_send_file)
            await step("Save as… via LIAO_DESKTOP_TEST_SAVE writes the same bytes", self.t_save_as)
            await step("a file dragged from another app onto the conversation is sent", self.t_drop_file)
            await step("settings: start on login (autostart entry), do-not-disturb (no notification)", self.t_settings)
            await step("the session token is in the keyring and in no file", self.t_token_in_keyring_only)
            await step("closing the window hides it to the tray; notifications keep coming", self.t_close_to_tray)
            await step("a second launch exits and brings the first window back", self.t_single_instance)
            await step("idle PSS measured, screenshot taken", self.t_footprint)
            await step("restarted, the app is still signed in (keyring)", self.t_restart_signed_in)
            await step("cold start to the conversation list measured", self.t_cold_start)
            await step("a changed certificate for the known server is refused loudly", self.t_cert_changed)
        finally:
            if self.driver is not None:
                try:
                    await asyncio.to_thread(self.driver.quit)
                except Exception:  # noqa: BLE001
                    pass
            for p in (self.driver_proc, self.monitor, getattr(self, "server2", None)):
                if p is not None:
                    p.terminate()
                    try:
                        p.wait(5)
                    except subprocess.TimeoutExpired:
                        p.kill()
            await self.bob.close() if getattr(self, "bob", None) and self.bob.ws else None
            await self.server.stop()
            with open(os.path.join(OUT, "results.json"), "w") as f:
                json.dump(RESULTS, f)


async def main():
    await E2E().run()
    print(f"{PASSED} passed, {FAILED} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    asyncio.run(main())
