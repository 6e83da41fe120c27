"""Events for department systems (docs/events.md): the stored, ordered journal of every case and
application event, what each user may read of it, and subscriptions that push it signed.

Start here: journal.py (how an event is recorded), visibility.py (who reads what),
subscriptions.py (the owner's and the system administrator's writes), delivery.py (the push,
run by the background job), signing.py and addresses.py (the signature and the SSRF guard).
"""
