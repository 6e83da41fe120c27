"""Senders for the tests.

FileSender appends the message's key to ONESTOP_TEST_SENDS_FILE (the "provider"), then sleeps
ONESTOP_TEST_SENDER_PAUSE seconds, long enough to be killed after it has sent.
"""

import os
import time

from onestop.notifications.senders import Sender


class FileSender(Sender):
    def send(self, message) -> str:
        with open(os.environ["ONESTOP_TEST_SENDS_FILE"], "a", encoding="utf-8") as sends:
            sends.write(f"{message.idempotency_key}\n")
            sends.flush()
            os.fsync(sends.fileno())
        time.sleep(float(os.environ.get("ONESTOP_TEST_SENDER_PAUSE", "0")))
        return f"file:{message.idempotency_key}"


class RefusingSender(Sender):
    """A provider that is down; its error quotes the address, as SMTP servers do."""

    def send(self, message) -> str:
        raise ConnectionRefusedError(f"cannot deliver to {message.recipient}")


class RecordingDedupingSender(Sender):
    """A provider that drops a repeat of a key it has seen (an SMS gateway's idempotency)."""

    honours_idempotency_key = True
    calls: list[str] = []

    def send(self, message) -> str:
        RecordingDedupingSender.calls.append(message.idempotency_key)
        return f"gateway:{message.idempotency_key}"
