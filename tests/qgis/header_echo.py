"""A small HTTP server for the key tests: answers every GET with the Authorization header it received, as JSON
({"path": ..., "authorization": ... or null}), and appends that line to LOG; a GET of any path ending in
/redirect?to=URL answers 302 to URL. Prints its port, then serves on 127.0.0.1 until killed.
Run: python3 header_echo.py LOG"""
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Echo(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        parsed = urllib.parse.urlsplit(self.path)
        if parsed.path.endswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", urllib.parse.parse_qs(parsed.query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"path": self.path, "authorization": self.headers.get("Authorization")}).encode()
        with open(sys.argv[1], "ab") as log:
            log.write(body + b"\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()
