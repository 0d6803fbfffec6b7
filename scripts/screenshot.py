"""Take a screenshot of an Odoo page as a logged-in user, in headless Chromium (for the README).

Usage: python scripts/screenshot.py URL_PATH OUT.png [--login admin --password admin]
       [--base http://127.0.0.1:8069] [--wait 6] [--width 1440 --height 900] [--click CSS ...]
       [--ready CSS]
Logs in over JSON-RPC, hands the session cookie to Chromium through the DevTools protocol, loads the
page, waits until the --ready element is shown (else --wait seconds), optionally clicks elements (CSS
selectors, in order; a step waits for its element), then captures the viewport.
"""
import argparse
import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import requests
import websocket


def free_port():
    """A free DevTools port: two screenshot runs at once must not share (and capture) one browser."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("out")
    ap.add_argument("--base", default="http://127.0.0.1:8069")
    ap.add_argument("--db", default="sales_funnel_cn")
    ap.add_argument("--login", default="admin")
    ap.add_argument("--password", default="admin")
    ap.add_argument("--wait", type=float, default=6)
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--click", action="append", default=[])
    ap.add_argument("--ready", help="CSS selector shown once the page is ready to capture")
    return ap.parse_args()


def login(args):
    http = requests.Session()
    r = http.post(f"{args.base}/web/session/authenticate", json={"jsonrpc": "2.0", "params": {
        "db": args.db, "login": args.login, "password": args.password}}, timeout=60)
    r.raise_for_status()
    return http.cookies["session_id"]


def main():
    args = parse_args()
    session_id = login(args)

    chrome = shutil.which("chromium") or shutil.which("google-chrome")
    profile = tempfile.mkdtemp()
    port = free_port()
    proc = subprocess.Popen([chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
                             f"--window-size={args.width},{args.height}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                break
            except OSError:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], suppress_origin=True)
        seq = iter(range(1, 10_000))

        def send(method, **params):
            msg_id = next(seq)
            ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == msg_id:
                    return msg.get("result", {})

        send("Emulation.setDeviceMetricsOverride", width=args.width, height=args.height,
             deviceScaleFactor=1, mobile=False)
        send("Network.enable")
        send("Network.setCookie", name="session_id", value=session_id, url=args.base)
        def wait_for(css, timeout=60):
            """Until the element is in the page (screenshots only: the tests never sleep)."""
            deadline = time.time() + timeout
            while time.time() < deadline:
                found = send("Runtime.evaluate", expression=f"!!document.querySelector({json.dumps(css)})")
                if found.get("result", {}).get("value"):
                    return
                time.sleep(0.3)
            raise SystemExit(f"{css!r} not shown after {timeout} s")

        send("Page.navigate", url=args.base + args.path)
        time.sleep(args.wait)
        for css in args.click:
            wait_for(css)
            send("Runtime.evaluate", expression=f"document.querySelector({json.dumps(css)}).click()")
            time.sleep(args.wait / 2)
        if args.ready:
            wait_for(args.ready)
            time.sleep(1)  # let the last rendering settle (fonts, charts)
        shot = send("Page.captureScreenshot", format="png")
        with open(args.out, "wb") as fh:
            fh.write(base64.b64decode(shot["data"]))
    finally:
        proc.terminate()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
