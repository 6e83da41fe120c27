"""A department system's loop against onestop, with the standard library only.

    ONESTOP_API_KEY=osk_... python department_system.py --url https://onestop.example.gov.cn \
        --cursor-file cursor.txt [--once]

It pulls the events its key may read after the kept cursor (GET /api/v1/events?after=), and for
each case that arrived at its department (`case.route`) reads the case in its queue
(GET /api/v1/cases/queue) and, while the case waits at the step `review`, takes the review
decision (POST /api/v1/cases/{id}/decisions). The cursor is kept in a file after each page of
events, so a restart resumes where it stopped; an event seen twice does no harm, since the case
is read before it is acted on and a step already taken is refused (409 case.not_at_this_step).

Each event and each decision is printed as one JSON line. With --once it stops when no event
is left, otherwise it asks again every --interval seconds.

`verify()` checks a pushed event's Onestop-Signature (docs/events.md, "A push"); `Receiver`
is a webhook receiver built on it (`--listen PORT` with ONESTOP_WEBHOOK_SECRET).

The key is read from the environment, never from the command line, where other users of the
machine could read it in the process list. See docs/integration.md.
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

SIGNATURE_TOLERANCE_SECONDS = 300  # a receiver's choice; five minutes covers clock drift
RETRIES = 5
LONGEST_WAIT_SECONDS = 60


class Refused(Exception):
    """onestop refused a request: the HTTP status and the stable codes of docs/refusal-codes.md."""

    def __init__(self, status: int, codes: list[str]):
        super().__init__(f"{status} {', '.join(codes)}")
        self.status, self.codes = status, codes


class Onestop:
    def __init__(self, url: str, key: str):
        if not url.startswith(("https://", "http://")):
            raise ValueError("onestop's address starts with https:// (http:// on a test desk)")
        self.url, self.key = url.rstrip("/"), key

    def call(self, method: str, path: str, body: dict | None = None) -> object:
        """The JSON answer; 429 and 503 are retried after their Retry-After, a connection that
        fails with a growing wait; any other refusal raises Refused with its codes."""
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(RETRIES + 1):
            # The scheme is checked in __init__: only http(s), never file:.
            request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310
            request.add_header("Authorization", f"Bearer {self.key}")
            request.add_header("Accept", "application/json")
            if data is not None:
                request.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                    content = answer.read()
                    return json.loads(content) if content else None
            except urllib.error.HTTPError as error:
                content = error.read()
                if error.code in (429, 503) and attempt < RETRIES:
                    wait = int(error.headers.get("Retry-After", "5"))
                    time.sleep(min(wait, LONGEST_WAIT_SECONDS))
                    continue
                try:
                    codes = [e["code"] for e in json.loads(content)["errors"]]
                except (ValueError, KeyError, TypeError):
                    codes = []
                raise Refused(error.code, codes) from None
            except urllib.error.URLError:
                if attempt == RETRIES:
                    raise
                time.sleep(min(2**attempt, LONGEST_WAIT_SECONDS))
        raise AssertionError("not reached")


def read_cursor(path: Path) -> int:
    return int(path.read_text()) if path.exists() else 0


def keep_cursor(path: Path, cursor: int) -> None:
    """Write the cursor so that a crash leaves the old one or the new one, never half of one."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(str(cursor))
    os.replace(partial, path)


def say(**line) -> None:
    print(json.dumps(line), flush=True)


def handle(onestop: Onestop, event: dict) -> None:
    """What this department system does with one event: take the review of a case that arrived."""
    if event["type"] != "case.route":
        return
    case_id = event["case_id"]
    try:
        case = onestop.call("GET", f"/api/v1/cases/{case_id}")
    except Refused as refused:
        if refused.status == 404:
            return  # not this department's (or no longer there)
        raise
    if case["status"] != "review":
        return  # reviewed already
    try:
        changed = onestop.call(
            "POST",
            f"/api/v1/cases/{case_id}/decisions",
            {"action": "review", "note": "Checked by the department's system."},
        )
    except Refused as refused:
        if refused.codes == ["case.not_at_this_step"]:
            return  # someone took this step in the meantime
        raise
    say(acted=case_id, action="review", status=changed[0]["status"])


def pull(onestop: Onestop, cursor_file: Path) -> int:
    """Handle every event after the kept cursor; how many there were."""
    seen = 0
    while True:
        after = read_cursor(cursor_file)
        page = onestop.call("GET", f"/api/v1/events?after={after}&limit=100")
        for event in page["events"]:
            say(event=event["id"], type=event["type"], case=event["case_id"])
            handle(onestop, event)
        keep_cursor(cursor_file, page["next"])
        seen += len(page["events"])
        if not page["events"]:
            return seen


def verify(
    header: str,
    body: bytes,
    secrets: list[str],
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """Whether `header` (Onestop-Signature: t=<seconds>,v1=<hex>[,v1=<hex>]) signs `body` with
    one of `secrets`, at a time within `tolerance` seconds of `now`."""
    fields = [part.strip().split("=", 1) for part in header.split(",")]
    if any(len(field) != 2 for field in fields):
        return False
    stamps = [value for name, value in fields if name == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    if abs((time.time() if now is None else now) - int(stamps[0])) > tolerance:
        return False  # too old (or from the future): a replay
    signed = stamps[0].encode() + b"." + body
    given = [value for name, value in fields if name == "v1"]
    for secret in secrets:
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        # compare_digest takes as long whatever the first differing character.
        if any(hmac.compare_digest(expected, value) for value in given):
            return True
    return False


class Receiver(BaseHTTPRequestHandler):
    """Answers 2xx only to a verified push; an event id not above the last one is a repeat
    (ids only grow, and one subscription is pushed in order) and is acknowledged unhandled."""

    secrets: list[str] = []
    last_id = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not verify(self.headers.get("Onestop-Signature", ""), body, self.secrets):
            self.send_response(401)
            self.end_headers()
            return
        event_id = int(self.headers["Onestop-Event-Id"])
        if event_id > Receiver.last_id:
            event = json.loads(body)
            say(pushed=event_id, type=event["type"], case=event["case_id"])
            Receiver.last_id = event_id  # a real system keeps it with what it did, in one commit
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="onestop's address")
    parser.add_argument("--cursor-file", type=Path, default=Path("onestop-cursor.txt"))
    parser.add_argument("--once", action="store_true", help="stop when no event is left")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between pulls")
    parser.add_argument("--listen", type=int, help="receive pushed events on this port instead")
    args = parser.parse_args(argv)
    if args.listen:
        Receiver.secrets = os.environ["ONESTOP_WEBHOOK_SECRET"].split(",")
        HTTPServer(("127.0.0.1", args.listen), Receiver).serve_forever()
    onestop = Onestop(args.url, os.environ["ONESTOP_API_KEY"])
    try:
        while True:
            pull(onestop, args.cursor_file)
            if args.once:
                return 0
            time.sleep(args.interval)
    except Refused as refused:
        # 401 auth.key_revoked / auth.key_expired: ask the system administrator for a new key.
        print(f"onestop refused: {refused}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
