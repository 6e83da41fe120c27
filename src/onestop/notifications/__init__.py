"""The outbox and its senders: applicant notices queued with the write that causes them.

outbox.enqueue() writes the messages in the caller's transaction; worker.drain() (the
`send_notifications` command) sends them through the senders of senders.py, exactly once per
idempotency key. See docs/notifications.md.
"""
