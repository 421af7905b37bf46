#!/usr/bin/env python3
"""Load benchmark of `uppfolj serve`: N concurrent reporters saving commentary in a loop.

Starts the real server on the sample region (data/sample) with a fresh store in a temporary
folder, behind `--auth header` with 127.0.0.1 as the trusted proxy (each reporter is named
in X-Forwarded-User; accounts without a password give them their unit). Each reporter owns
one (unit, section) entry, so no save is refused as stale: every save is a real write
transaction (synchronous=FULL) acknowledged after its commit. Reports saves per second,
latency p50/p90/p99/max of the acknowledged saves, and the server's resident memory.

usage: bench/round_load.py PATH_TO_UPPFOLJ [--reporters 50] [--seconds 20] [--pause 0]

With --pause 0 every reporter saves back to back (a closed loop: the server is saturated and
the latency is mostly waiting for the one writer); --pause 1 is a reporter whose editor saves
about every second (0.5–1.5 s, at random), the load of a busy round.
Python standard library only.
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from serve_round import RoundServer  # noqa: E402  (starts and stops the server)


def leaves(data):
    """The leaf units of the sample's units table (code;name;parent)."""
    rows = []
    with open(os.path.join(data, "units.csv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            code, _, parent = line.rstrip("\n").split(";")[:3]
            rows.append((code, parent))
    parents = {p for _, p in rows}
    return [c for c, _ in rows if c not in parents]


def rss_kib(pid, key):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def percentile(sorted_ms, p):
    if not sorted_ms:
        return float("nan")
    i = min(len(sorted_ms) - 1, int(round(p / 100 * (len(sorted_ms) - 1))))
    return sorted_ms[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("uppfolj")
    ap.add_argument("--reporters", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--pause", type=float, default=0.0,
                    help="seconds each reporter waits between saves (0: save back to back)")
    args = ap.parse_args()
    data = os.path.join(ROOT, "data", "sample")
    units = leaves(data)
    sections = ["summary", "personnel", "agency", "measures"]
    plan = []
    for i in range(args.reporters):
        unit, section = units[i % len(units)], sections[i // len(units)]
        plan.append((f"reporter{i:02d}", unit, section))
    users = [(user, "reporter", [unit], "") for user, unit, _ in plan]
    with RoundServer(args.uppfolj, users=users, data=data, auth="header") as server:
        host, port, db = server.host, server.port, server.db
        rss_idle = rss_kib(server.pid, "VmRSS")

        latencies = [[] for _ in plan]
        errors = [0 for _ in plan]
        start = threading.Barrier(len(plan) + 1)
        stop_at = [0.0]

        def reporter(k, user, unit, section):
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            head = {"X-Forwarded-User": user}
            conn.request("GET", "/api/session", headers=head)
            token = json.loads(conn.getresponse().read())["csrf_token"]
            head.update({"X-CSRF-Token": token, "Content-Type": "application/json"})
            version, n = 0, 0
            rng = random.Random(k)
            start.wait()
            if args.pause:
                time.sleep(rng.uniform(0, args.pause))  # reporters do not start in step
            while time.monotonic() < stop_at[0]:
                n += 1
                body = json.dumps({"text": f"Utkast {n} från {user}: " + "text " * 60,
                                   "version": version})
                t0 = time.perf_counter()
                conn.request("PUT", f"/api/units/{unit}/commentary/{section}", body, head)
                r = conn.getresponse()
                answer = r.read()
                t1 = time.perf_counter()
                if r.status == 200:
                    version = json.loads(answer)["version"]
                    latencies[k].append((t1 - t0) * 1000)
                else:
                    errors[k] += 1
                if args.pause:
                    time.sleep(rng.uniform(0.5, 1.5) * args.pause)

        threads = [threading.Thread(target=reporter, args=(k, *p)) for k, p in enumerate(plan)]
        for t in threads:
            t.start()
        stop_at[0] = time.monotonic() + args.seconds
        began = time.monotonic()
        start.wait()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
        rss_peak = rss_kib(server.pid, "VmHWM")
        rss_end = rss_kib(server.pid, "VmRSS")
        all_ms = sorted(x for l in latencies for x in l)
        saves = len(all_ms)
        print(f"pause between saves: {args.pause} s")
        print(f"reporters: {len(plan)}, seconds: {elapsed:.1f}, saves acknowledged: {saves}, "
              f"refused or failed: {sum(errors)}")
        print(f"saves/s: {saves / elapsed:.0f}")
        print("latency ms: p50 {:.1f}, p90 {:.1f}, p99 {:.1f}, max {:.1f}".format(
            percentile(all_ms, 50), percentile(all_ms, 90), percentile(all_ms, 99),
            all_ms[-1] if all_ms else float("nan")))
        print(f"server RSS: {rss_idle / 1024:.0f} MiB idle, {rss_end / 1024:.0f} MiB after, "
              f"{rss_peak / 1024:.0f} MiB peak")
        with subprocess.Popen(["sqlite3", db, "SELECT count(*) FROM history"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as q:
            out = q.communicate()[0].decode().strip()
        if out:
            print(f"history rows in the store: {out} (every acknowledged save kept)")


if __name__ == "__main__":
    main()
