"""Headless Chromium driven over the DevTools protocol (CDP), to open report.html as a browser would.

Chromium is started with --remote-debugging-port=0 and a fresh profile directory; it writes the port it
chose to DevToolsActivePort there. Commands and events go over one WebSocket to the browser, with a
flattened session for the page. Debian 12's python3-websockets (10.4) has only the asyncio client, so
each call runs the connection's event loop until its answer arrives or its deadline passes."""
import asyncio
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import websockets

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Without these, Chromium reaches out on its own (updates, sync, field trials) and would muddy the check
# that the page itself makes no request.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--disable-dev-shm-usage"]  # containers often have a small /dev/shm


class CdpError(RuntimeError):
    pass


class HeadlessChromium:
    """One Chromium process and one page in it; .close() ends Chromium and removes its profile directory."""

    def __init__(self, start_timeout=30):
        self.profile_dir = tempfile.mkdtemp(prefix="wsloadgen-chromium-")
        self.log_path = os.path.join(self.profile_dir, "chromium.log")
        self._log = open(self.log_path, "wb")
        # Its own session, so close() can end Chromium's helper processes (renderer, GPU, zygote) with it.
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={self.profile_dir}", "about:blank"],
                                     stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.loop = asyncio.new_event_loop()
        self.ws = None
        self.events = []  # (method, params) of every event received, in order
        self._next_id = 0
        self._answers = {}
        try:
            port, path = self._wait_for_devtools(start_timeout)
            self.ws = self.loop.run_until_complete(self._connect(f"ws://127.0.0.1:{port}{path}", start_timeout))
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        except BaseException:
            self.close()
            raise

    def _wait_for_devtools(self, timeout):
        active_port = os.path.join(self.profile_dir, "DevToolsActivePort")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CdpError(f"chromium exited with {self.proc.returncode}: {self.log()}")
            try:
                with open(active_port) as f:
                    lines = f.read().split("\n")
                if len(lines) >= 2 and lines[0].isdigit() and lines[1].startswith("/devtools/"):
                    return int(lines[0]), lines[1]
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        raise CdpError(f"chromium wrote no DevToolsActivePort within {timeout}s: {self.log()}")

    @staticmethod
    async def _connect(url, timeout):
        # Made inside the loop: websockets 10 binds a connection to the loop running when it is created.
        # No keepalive pings, because the loop only runs during our calls; screenshots exceed 1 MiB.
        return await websockets.connect(url, max_size=None, ping_interval=None, open_timeout=timeout)

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read()[-4000:].decode(errors="replace")

    async def _receive_until(self, done, deadline):
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                message = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
            except asyncio.TimeoutError:
                return False
            if "id" in message:
                self._answers[message["id"]] = message
            else:
                self.events.append((message.get("method"), message.get("params", {})))
        return True

    def call(self, method, params=None, page=False, timeout=15):
        """Sends a command (to the page's session when `page`) and returns its result."""
        self._next_id += 1
        ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if page:
            message["sessionId"] = self.session
        self.loop.run_until_complete(self.ws.send(json.dumps(message)))
        if not self.loop.run_until_complete(self._receive_until(lambda: ident in self._answers,
                                                                time.monotonic() + timeout)):
            raise CdpError(f"no answer to {method} within {timeout}s")
        answer = self._answers.pop(ident)
        if "error" in answer:
            raise CdpError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def wait_for_event(self, method, timeout=15):
        """The params of the first event named `method` received so far or within `timeout` seconds."""
        def found():
            return any(m == method for m, _ in self.events)
        if not self.loop.run_until_complete(self._receive_until(found, time.monotonic() + timeout)):
            raise CdpError(f"no {method} within {timeout}s")
        return next(p for m, p in self.events if m == method)

    def evaluate(self, expression, timeout=15):
        """The value of a JavaScript expression in the page (returned by value, so it must be JSON-able)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, page=True, timeout=timeout)
        if "exceptionDetails" in result:
            raise CdpError(f"the expression threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url, width=1200, height=900, timeout=30):
        """Navigates the page to `url` and waits for its load event; self.events then holds only this page's."""
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", page=True)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, page=True)
        self.events.clear()
        navigated = self.call("Page.navigate", {"url": url}, page=True, timeout=timeout)
        if navigated.get("errorText"):
            raise CdpError(f"navigating to {url}: {navigated['errorText']}")
        self.wait_for_event("Page.loadEventFired", timeout=timeout)

    def problems(self):
        """Console errors, uncaught exceptions, error log entries and failed loads seen since open()."""
        found = []
        for method, params in self.events:
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(("console." + params["type"], [a.get("value", a.get("description")) for a in params.get("args", [])]))
            elif method == "Runtime.exceptionThrown":
                found.append(("exception", params["exceptionDetails"].get("text")))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(("log", params["entry"].get("text")))
            elif method == "Network.loadingFailed":
                found.append(("load failed", params.get("errorText")))
        return found

    def requested_urls(self):
        """Every URL the page asked for since open(), its own included."""
        return [p["request"]["url"] for m, p in self.events if m == "Network.requestWillBeSent"]

    def screenshot_png(self):
        """The whole page, not only the viewport, as PNG bytes."""
        size = self.call("Page.getLayoutMetrics", page=True)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip},
                         page=True, timeout=30)
        return base64.b64decode(shot["data"])

    def close(self):
        try:
            if self.ws is not None:
                self.loop.run_until_complete(asyncio.wait_for(self.ws.close(), 5))
        except Exception:
            pass  # Chromium is ended below either way
        self.loop.close()
        self._end_process_group()
        self._log.close()
        shutil.rmtree(self.profile_dir, ignore_errors=True)

    def _end_process_group(self):
        """Chromium's helpers (renderer, GPU, zygote) share its process group: all of them go."""
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # whatever did not stop on SIGTERM
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
