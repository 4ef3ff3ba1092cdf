#!/usr/bin/env python3
"""The two platform layers side by side on the same tree, in one run: the server built with
-DMIL_PLATFORM=linux and the one built with -DMIL_PLATFORM=portable, run alternately.

  bench/platforms.py TREE [--linux build/magento-integration-ls]
                          [--portable build-portable/magento-integration-ls] [--runs 5]

ready: from `initialized` to the end of the indexing $/progress, over stdio, measured by this
client (a fresh server per run). check: wall time of `check TREE --format json` (a fresh
process; its output discarded). Medians of --runs warm runs (one unmeasured run of each first,
so both find the files in the page cache), and their ratio. Prints the load average."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse


def ready_time(server, tree):
    proc = subprocess.Popen([server], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)

    def send(msg):
        data = json.dumps(msg).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        proc.stdin.flush()

    def read():
        length = None
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("server ended")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(proc.stdout.read(length))

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": "file://" + urllib.parse.quote(tree),
                     "capabilities": {"window": {"workDoneProgress": True}}}})
    while read().get("id") != 1:
        pass
    start = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    while True:
        msg = read()
        if "id" in msg and "method" in msg:  # a request of the server's: answered
            send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        elif msg.get("method") == "$/progress" and msg["params"]["value"].get("kind") == "end":
            break
    elapsed = time.perf_counter() - start
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    send({"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=60)
    return elapsed


def check_time(server, tree):
    start = time.perf_counter()
    subprocess.run([server, "check", tree, "--format", "json"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("--linux", default="build/magento-integration-ls")
    ap.add_argument("--portable", default="build-portable/magento-integration-ls")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    tree = os.path.abspath(a.tree)
    servers = {"linux": a.linux, "portable": a.portable}
    for s in servers.values():
        if not os.access(s, os.X_OK):
            sys.exit(f"no server at {s}")
    times = {(p, m): [] for p in servers for m in ("ready", "check")}
    for run in range(a.runs + 1):
        for p, s in servers.items():
            r, c = ready_time(s, tree), check_time(s, tree)
            if run > 0:
                times[(p, "ready")].append(r)
                times[(p, "check")].append(c)
    print(f"tree {tree}, {a.runs} warm runs each, load average {os.getloadavg()[0]:.2f}")
    print(f"{'':8} {'linux ms':>10} {'portable ms':>12} {'portable/linux':>15}")
    for m in ("ready", "check"):
        lin = statistics.median(times[("linux", m)]) * 1000
        por = statistics.median(times[("portable", m)]) * 1000
        print(f"{m:8} {lin:10.1f} {por:12.1f} {por / lin:15.2f}")


if __name__ == "__main__":
    main()
