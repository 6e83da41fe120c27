"""Where an application stands, for the applicant, the public lookup and the staff pages: the
progress answer (answer.py), the API's answers kept in the database (answers.py, models.py),
the limits on failed lookups (throttle.py), the history in words (timeline.py) and a person's
messages (inbox.py). It reads applications and cases and writes nothing of theirs (README.md)."""
