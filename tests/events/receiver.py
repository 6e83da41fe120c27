"""A department system's webhook receiver, run as its own process by the delivery tests.

    python receiver.py PORT LOG SECRET [DIE_AT]

Verifies each request's Onestop-Signature with SECRET independently of onestop's code, appends
"<event id> <ok|bad> <type>" to LOG, and answers 204. With DIE_AT it exits, without answering,
on receiving its DIE_AT-th request (after logging it): a receiver killed mid-delivery.
"""

import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT, LOG, SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3]
DIE_AT = int(sys.argv[4]) if len(sys.argv) > 4 else 0
received = 0


def verified(header: str, body: bytes, secret: str) -> bool:
    fields = [part.split("=", 1) for part in header.split(",")]
    timestamp = next(v for k, v in fields if k == "t")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return any(hmac.compare_digest(v, expected.hexdigest()) for k, v in fields if k == "v1")


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        global received
        received += 1
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = verified(self.headers["Onestop-Signature"], body, SECRET)
        event = json.loads(body)
        assert str(event["id"]) == self.headers["Onestop-Event-Id"]
        with open(LOG, "a") as log:
            log.write(f"{event['id']} {'ok' if ok else 'bad'} {event['type']}\n")
        if received == DIE_AT:
            os._exit(1)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
