#!/usr/bin/env python3
"""Starts `uppfolj serve` for a script: a fresh store in a temporary folder, its accounts,
the server on a free port of 127.0.0.1, waiting until it answers; stops it and removes the
folder at the end. Shared by the end-to-end test of the round (tests/e2e/round.sh) and the
load benchmark (bench/round_load.py). Python standard library only.

As a module:

    with RoundServer(BIN, users=[("anna", "reporter", ["2110"], "anna-pw")]) as s:
        ...  # s.url, s.host, s.port, s.pid, s.db, s.work, s.alive()

As a command, runs COMMAND while the server runs, with ROUND_URL, ROUND_DB, ROUND_WORK and
ROUND_PID in its environment; fails when the server stopped during the command:

    serve_round.py BIN [--data DIR] [--config FILE] [--period P] [--auth password|header]
        [--user NAME:ROLE:UNIT,UNIT:PASSWORD]... -- COMMAND [ARG]...

An account with an empty password (header mode) grants rights but cannot log in.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "data", "sample")


class RoundServer:
    """A running `uppfolj serve` with its own store, stopped and removed on exit."""

    def __init__(self, uppfolj, users=(), data=SAMPLE, config=None, period=None,
                 auth="password", timeout=60):
        self.uppfolj = os.path.abspath(uppfolj)
        self.users = list(users)
        self.data = data
        self.config = config or os.path.join(data, "uppfolj.yaml")
        self.period = period
        self.auth = auth
        self.timeout = timeout
        self.work = None
        self.db = None
        self.proc = None
        self.url = self.host = self.port = self.pid = None
        self.log = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        self.work = tempfile.mkdtemp(prefix="uppfolj-round-")
        self.db = os.path.join(self.work, "round.db")
        for name, role, units, password in self.users:
            cmd = [self.uppfolj, "round", "user", "add", name, "--role", role, "--db", self.db]
            for u in units:
                cmd += ["--unit", u]
            subprocess.run(cmd, input=(password + "\n").encode(), check=True,
                           stdout=subprocess.DEVNULL)
        cmd = [self.uppfolj, "serve", "--data", self.data, "--config", self.config,
               "--db", self.db, "--listen", "127.0.0.1:0"]
        if self.period:
            cmd += ["--period", self.period]
        if self.auth == "header":
            cmd += ["--auth", "header", "--trusted-proxy", "127.0.0.1/32"]
        else:
            cmd += ["--auth", "password", "--insecure-cookies"]
        self.log = os.path.join(self.work, "server.err")
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        self.pid = self.proc.pid
        line = self._first_line()
        if not line.startswith("serving "):
            raise RuntimeError(f"the server did not start: {line!r}\n{self.server_log()}")
        self.url = line[len("serving "):].strip().rstrip("/")
        self.host, port = self.url.split("//", 1)[1].rsplit(":", 1)
        self.port = int(port)
        self._wait_until_it_answers()

    def _first_line(self):
        """The server's first line of output ("serving URL"), or "" after the timeout."""
        got = []
        reader = threading.Thread(target=lambda: got.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(self.timeout)
        return got[0].decode() if got else ""

    def _wait_until_it_answers(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"the server stopped\n{self.server_log()}")
            try:
                urllib.request.urlopen(self.url + "/static/round.css", timeout=5).close()
                return
            except urllib.error.HTTPError:
                return  # it answers, if not with the style sheet
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {self.timeout} s")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def server_log(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            if self.proc.stdout:
                self.proc.stdout.close()
            self.proc = None
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None


def user_spec(text):
    """NAME:ROLE:UNIT,UNIT:PASSWORD (units and password may be empty)."""
    parts = text.split(":", 3)
    if len(parts) != 4:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME:ROLE:UNITS:PASSWORD")
    name, role, units, password = parts
    return name, role, [u for u in units.split(",") if u], password


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("uppfolj")
    ap.add_argument("--data", default=SAMPLE)
    ap.add_argument("--config")
    ap.add_argument("--period")
    ap.add_argument("--auth", choices=["password", "header"], default="password")
    ap.add_argument("--user", type=user_spec, action="append", default=[])
    args = ap.parse_args(argv[:split])
    command = argv[split + 1:]
    if not command:
        sys.exit("serve_round.py: no command after --")
    with RoundServer(args.uppfolj, users=args.user, data=args.data, config=args.config,
                     period=args.period, auth=args.auth) as s:
        print(f"server: {s.url}", flush=True)
        env = dict(os.environ, ROUND_URL=s.url, ROUND_DB=s.db, ROUND_WORK=s.work,
                   ROUND_PID=str(s.pid))
        status = subprocess.call(command, env=env)
        if status != 0:
            print("-- the server's log:")
            print(s.server_log())
        if not s.alive():
            print("the server stopped during the command")
            return status or 1
        return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
