#!/usr/bin/env python3
"""The two platform layers side by side on the same tree, in one run: the server built with
-DMIL_PLATFORM=linux and the one on the portable layer (build/magento-integration-ls-portable,
linked by -DMIL_PORTABLE_TWIN=ON, or a -DMIL_PLATFORM=portable build), run alternately.

  bench/platforms.py TREE [--linux build/magento-integration-ls]
                          [--portable build/magento-integration-ls-portable] [--runs 5]

ready: from `initialized` to the end of the indexing $/progress, over stdio, measured by this
client (a fresh server per run). check: wall time of `check TREE --format json` (a fresh
process; its output discarded). Medians of --runs warm runs (one unmeasured run of each first,
so both find the files in the page cache), and their ratio. Beside them, each process's whole
CPU time (user + system, from start to exit) and its page faults (minor), medians as well: the
Linux platform puts its heaps on huge pages, the portable one does not, and on a machine where
a page fault is dear that alone tells the two apart. Prints the load average."""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.parse


def child_usage():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime, r.ru_minflt


def ready_time(server, tree, env=None):
    """Seconds from `initialized` to the end of the indexing progress, and the process's
    (CPU seconds, page faults) from start to exit."""
    before = child_usage()
    proc = subprocess.Popen([server], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)

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
    after = child_usage()
    return elapsed, (after[0] - before[0], after[1] - before[1])


def check_time(server, tree, env=None):
    before = child_usage()
    start = time.perf_counter()
    subprocess.run([server, "check", tree, "--format", "json"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    after = child_usage()
    return elapsed, (after[0] - before[0], after[1] - before[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("--linux", default="build/magento-integration-ls")
    ap.add_argument("--portable", default="build/magento-integration-ls-portable")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    tree = os.path.abspath(a.tree)
    # Three configurations: the Linux platform as shipped, the same with glibc's default heap
    # (MIL_PLAIN_HEAP=1: no huge pages), and the portable platform (which never tunes the
    # heap). linux-plain against portable is the file layers alone.
    plain = dict(os.environ, MIL_PLAIN_HEAP="1")
    configs = {"linux": (a.linux, None), "linux-plain": (a.linux, plain),
               "portable": (a.portable, None)}
    for s, _ in configs.values():
        if not os.access(s, os.X_OK):
            sys.exit(f"no server at {s}")
    times = {(p, m): [] for p in configs for m in ("ready", "check")}
    usage = {(p, m): [] for p in configs for m in ("ready", "check")}
    for run in range(a.runs + 1):
        for p, (s, env) in configs.items():
            (r, ru), (c, cu) = ready_time(s, tree, env), check_time(s, tree, env)
            if run > 0:
                times[(p, "ready")].append(r)
                times[(p, "check")].append(c)
                usage[(p, "ready")].append(ru)
                usage[(p, "check")].append(cu)
    print(f"tree {tree}, {a.runs} warm runs each, alternated, load average "
          f"{os.getloadavg()[0]:.2f}")
    print(f"{'':6} {'config':12} {'wall ms':>8} {'/ linux':>8} {'/ plain':>8} {'CPU ms':>8}"
          f" {'faults':>7}")
    for m in ("ready", "check"):
        med = {p: statistics.median(times[(p, m)]) * 1000 for p in configs}
        for p in configs:
            cpu = statistics.median(u[0] for u in usage[(p, m)]) * 1000
            flt = statistics.median(u[1] for u in usage[(p, m)])
            print(f"{m:6} {p:12} {med[p]:8.1f} {med[p] / med['linux']:8.2f}"
                  f" {med[p] / med['linux-plain']:8.2f} {cpu:8.1f} {flt:7.0f}")
    print("wall: ready from `initialized` to the end of the progress, check from start to exit;"
          " CPU (all threads, user + system) and minor page faults: the whole process")

if __name__ == "__main__":
    main()
