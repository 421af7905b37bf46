"""Runs axe-core (the WCAG 2.0/2.1 A and AA rules) over HTML pages in headless Chromium,
driven over the DevTools protocol with a minimal websocket client from the standard library,
and checks reflow: at 320 CSS pixels wide the page itself must not scroll sideways (tables
scroll inside their own box, WCAG 1.4.10).

usage: axe.py AXE_MIN_JS PAGE.html...
Prints every violation (rule, impact, element, help) and exits 1 if there is any."""
import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class Page:
    """One Chromium tab over its DevTools websocket."""

    def __init__(self, ws_url):
        host_port, path = ws_url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.s = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(
            f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.s.recv(1024)
            if not chunk:
                raise OSError("closed during handshake")
            head += chunk
        self.buf = head.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0
        self.events = []

    def _send(self, obj):
        msg = json.dumps(obj).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(msg) < 126:
            header += bytes([0x80 | len(msg)])
        elif len(msg) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(msg))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(msg))
        self.s.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(msg)))

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise OSError("closed")
            self.buf += chunk

    def _frame(self):
        self._need(2)
        length = self.buf[1] & 0x7F
        off = 2
        if length == 126:
            self._need(4)
            length = struct.unpack(">H", self.buf[2:4])[0]
            off = 4
        elif length == 127:
            self._need(10)
            length = struct.unpack(">Q", self.buf[2:10])[0]
            off = 10
        self._need(off + length)
        payload, self.buf = self.buf[off:off + length], self.buf[off + length:]
        return json.loads(payload)

    def call(self, method, **params):
        self.next_id += 1
        want = self.next_id
        self._send({"id": want, "method": method, "params": params})
        while True:
            data = self._frame()
            if data.get("id") == want:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})
            self.events.append(data)

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    del self.events[i]
                    return e
            self.events.append(self._frame())
        raise TimeoutError(method)

    def evaluate(self, expr, awaits=False):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=awaits)
        if "exceptionDetails" in r:
            raise RuntimeError(json.dumps(r["exceptionDetails"])[:500])
        return r.get("result", {}).get("value")


def start_chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        sys.exit("axe.py: no chromium found")
    profile = tempfile.mkdtemp(prefix="uppfolj-axe-")
    proc = subprocess.Popen(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--allow-file-access-from-files", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 30
    while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            sys.exit("axe.py: chromium did not start")
        time.sleep(0.1)
    time.sleep(0.2)
    port = open(port_file).read().split()[0]
    for _ in range(50):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                targets = [t for t in json.load(r) if t.get("type") == "page"]
            if targets:
                return proc, profile, targets[0]["webSocketDebuggerUrl"]
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    sys.exit("axe.py: no page target")


def violations(page, axe_source):
    """The axe-core violations of the page open in `page` (WCAG 2.0/2.1 A and AA)."""
    page.evaluate(axe_source)
    return page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " url: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target.join(' '),"
        " summary: n.failureSummary}))})))" % json.dumps(TAGS),
        awaits=True,
    ) or []


def report(name, found):
    """Prints each violation of a page; returns how many there are."""
    for v in found:
        print(f"{name}: {v['id']} ({v['impact']}): {v['help']} — {v['url']}")
        for n in v["nodes"][:5]:
            print(f"    {n['target']}: {(n['summary'] or '').splitlines()[-1].strip()}")
        if len(v["nodes"]) > 5:
            print(f"    … and {len(v['nodes']) - 5} more")
    return len(found)


def main():
    axe_js, pages = sys.argv[1], sys.argv[2:]
    if not pages:
        sys.exit(__doc__)
    axe_source = open(axe_js, encoding="utf-8").read()
    proc, profile, ws = start_chromium()
    failures = 0
    try:
        page = Page(ws)
        page.call("Page.enable")
        for path in pages:
            url = "file://" + os.path.abspath(path)
            for width in (1024, 320):
                page.call("Emulation.setDeviceMetricsOverride", width=width, height=800,
                          deviceScaleFactor=1, mobile=False)
                page.call("Page.navigate", url=url)
                page.wait_event("Page.loadEventFired")
                if width == 320:
                    over = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    if over and over > 0:
                        failures += 1
                        print(f"{path}: reflow: at 320 px the page is {over} px too wide")
                    continue
                failures += report(path, violations(page, axe_source))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"axe-core {TAGS}: {len(pages)} pages, {failures} violations")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
