#!/usr/bin/env python3
"""One real LSP session over stdio: initialize on a folder, open an integration.xml (CRLF line
ends, as a Windows editor saves it), ask for completion inside <resource name="...">, and
print the answer's labels (sorted, one JSON list) on stdout. scripts/test-windows.sh runs it
against the Linux build and the Windows build under wine and compares the two.

  lsp_completion.py --root DIR [--windows-uris] [--tcp] -- SERVER-COMMAND...

--windows-uris: the URIs a Windows VS Code sends for the same folder seen through wine's Z:
drive ("file:///z%3A/work/..."). --tcp: the session goes over TCP instead (the server is
started with `--listen 0` added, and the port it prints on stderr is connected to; on
Windows that is Winsock)."""
import argparse
import json
import re
import socket
import subprocess
import sys
import threading
import urllib.parse


def uri_for(path, windows):
    if windows:
        return "file:///z%3A" + urllib.parse.quote(path)
    return "file://" + urllib.parse.quote(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--windows-uris", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--tcp", action="store_true")
    ap.add_argument("server", nargs="+")
    a = ap.parse_args()

    if a.tcp:
        proc = subprocess.Popen(a.server + ["--listen", "0"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port = None
        for line in proc.stderr:
            m = re.search(rb"listening on port (\d+)", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            sys.exit("the server printed no port")
        threading.Thread(target=proc.stderr.read, daemon=True).start()
        sock = socket.create_connection(("127.0.0.1", port), timeout=a.timeout)
        sock.settimeout(None)
        stream_in, stream_out = sock.makefile("rb"), sock.makefile("wb")
    else:
        proc = subprocess.Popen(a.server, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        stream_in, stream_out = proc.stdout, proc.stdin
    replies = {}
    indexed = []
    done = threading.Condition()

    def reader():
        out = stream_in
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            body = json.loads(out.read(length))
            if "id" in body and "method" not in body:
                with done:
                    replies[body["id"]] = body
                    done.notify_all()
            elif body.get("method") == "window/workDoneProgress/create":
                send({"jsonrpc": "2.0", "id": body["id"], "result": None})
            elif body.get("method") == "$/progress" and \
                    body["params"]["value"].get("kind") == "end":
                with done:
                    indexed.append(True)
                    done.notify_all()

    threading.Thread(target=reader, daemon=True).start()

    def send(msg):
        data = json.dumps(msg).encode()
        stream_out.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        stream_out.flush()

    def request(i, method, params):
        send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        with done:
            if not done.wait_for(lambda: i in replies, timeout=a.timeout):
                sys.exit(f"no answer to {method}")
            return replies[i]

    root = a.root.rstrip("/")
    request(1, "initialize", {"processId": None, "rootUri": uri_for(root, a.windows_uris),
                              "capabilities": {"window": {"workDoneProgress": True}}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    # The answer compared is the one on the whole tree: wait for the indexing to end.
    with done:
        if not done.wait_for(lambda: indexed, timeout=a.timeout):
            sys.exit("the indexing did not end")
    path = root + "/app/code/Acme/Connector/etc/integration.xml"
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    target = next(i for i, l in enumerate(lines) if 'resource name="' in l)
    col = lines[target].index('resource name="') + len('resource name="')
    lines[target] = lines[target][:col] + 'Magento_Sales::' + lines[target][col:].split('"', 1)[1]
    lines[target] = lines[target][:col + len('Magento_Sales::')] + '"/>'
    text = "\r\n".join(lines)
    uri = uri_for(path, a.windows_uris)
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "xml", "version": 1, "text": text}}})
    reply = request(2, "textDocument/completion",
                    {"textDocument": {"uri": uri},
                     "position": {"line": target, "character": col + len("Magento_Sales::")}})
    result = reply.get("result") or []
    items = result["items"] if isinstance(result, dict) else result
    print(json.dumps(sorted(i["label"] for i in items)))
    request(3, "shutdown", None)
    send({"jsonrpc": "2.0", "method": "exit"})
    # The server ends on `exit` by itself, with 0 (shutdown came first), although its input
    # stays open (a client may keep stdin open until the process is gone).
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        sys.exit("the server did not end within 10 s of `exit`")
    if code != 0:
        sys.exit(f"the server ended with {code} after shutdown and exit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
