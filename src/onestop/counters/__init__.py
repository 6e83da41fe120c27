"""Counts in fixed windows that every process of every node shares, kept in the database: the
limits on failed progress lookups (progress/throttle.py) count here."""
