"""Waits until the one page open in Chromium shows a text, reading the page through the
DevTools protocol (Runtime.evaluate of document.body.innerText) with a minimal websocket
client from the standard library. It never navigates or reloads the page: only the page's
own live-reload script can make new content appear.

usage: devtools.py PORT STATE_FILE EXPECTED_TEXT TIMEOUT_SECONDS
STATE_FILE remembers the page's target id; the page must keep it (no new tab, no navigation
by us). Exit 0 when found, 1 on timeout or when the page changed identity."""
import base64, json, os, socket, struct, sys, time, urllib.request

port, state, want, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])


def pages():
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
        return [t for t in json.load(r) if t.get("type") == "page"]


def evaluate(ws_url, expr):
    host_port, path = ws_url[len("ws://"):].split("/", 1)
    host, p = host_port.split(":")
    s = socket.create_connection((host, int(p)), timeout=3)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1024)
        if not chunk:
            raise OSError("closed during handshake")
        head += chunk
    rest = head.split(b"\r\n\r\n", 1)[1]
    msg = json.dumps({"id": 1, "method": "Runtime.evaluate", "params": {"expression": expr, "returnByValue": True}}).encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(msg) < 126:
        header += bytes([0x80 | len(msg)])
    else:
        header += bytes([0x80 | 126]) + struct.pack(">H", len(msg))
    s.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(msg)))
    buf = rest

    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("closed")
            buf += chunk

    while True:
        need(2)
        length = buf[1] & 0x7F
        off = 2
        if length == 126:
            need(4)
            length = struct.unpack(">H", buf[2:4])[0]
            off = 4
        elif length == 127:
            need(10)
            length = struct.unpack(">Q", buf[2:10])[0]
            off = 10
        need(off + length)
        payload, buf = buf[off:off + length], buf[off + length:]
        data = json.loads(payload)
        if data.get("id") == 1:
            s.close()
            return data.get("result", {}).get("result", {}).get("value")


known = json.load(open(state)) if os.path.exists(state) else None
deadline = time.time() + timeout
last = None
while time.time() < deadline:
    try:
        ps = pages()
        if len(ps) == 1:
            p = ps[0]
            if known is not None and p["id"] != known["id"]:
                print(f"  FAIL: the page changed identity: {p['id']} vs {known['id']}")
                sys.exit(1)
            text = evaluate(p["webSocketDebuggerUrl"], "document.body ? document.body.innerText : ''") or ""
            last = text[:200].replace("\n", " ")
            if want in text:
                if known is None:
                    json.dump({"id": p["id"]}, open(state, "w"))
                print(f"  page {p['id']} shows {want!r}")
                sys.exit(0)
    except (OSError, ValueError, KeyError):
        pass
    time.sleep(0.3)
print(f"  FAIL: timed out waiting for {want!r}; the page shows: {last!r}")
sys.exit(1)
