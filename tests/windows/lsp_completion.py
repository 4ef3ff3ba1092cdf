#!/usr/bin/env python3
"""One real LSP session over stdio: initialize on a folder, open an integration.xml (CRLF line
ends, as a Windows editor saves it), ask for completion inside <resource name="...">, and
print the answer's labels (sorted, one JSON list) on stdout. scripts/test-windows.sh runs it
against the Linux build and the Windows build under wine and compares the two.

  lsp_completion.py --root DIR [--windows-uris] -- SERVER-COMMAND...

--windows-uris: the URIs a Windows VS Code sends for the same folder seen through wine's Z:
drive ("file:///z%3A/work/...")."""
import argparse
import json
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
    ap.add_argument("server", nargs="+")
    a = ap.parse_args()

    proc = subprocess.Popen(a.server, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    replies = {}
    done = threading.Condition()

    def reader():
        out = proc.stdout
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

    threading.Thread(target=reader, daemon=True).start()

    def send(msg):
        data = json.dumps(msg).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        proc.stdin.flush()

    def request(i, method, params):
        send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        with done:
            if not done.wait_for(lambda: i in replies, timeout=a.timeout):
                sys.exit(f"no answer to {method}")
            return replies[i]

    root = a.root.rstrip("/")
    request(1, "initialize", {"processId": None, "rootUri": uri_for(root, a.windows_uris),
                              "capabilities": {}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
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
    try:
        proc.wait(timeout=a.timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
