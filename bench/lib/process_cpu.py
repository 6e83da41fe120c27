"""Processor time of the served onestop's processes and of its PostgreSQL backends, read from
/proc (Linux) in clock ticks: what a stretch of load cost each side, for a benchmark that
drives the server over HTTP (load.py, progress.py)."""

import glob
import os
from pathlib import Path


def _processes() -> list[tuple[int, list[bytes]]]:
    found = []
    for folder in glob.glob("/proc/[0-9]*"):
        try:
            found.append((int(folder[6:]), Path(folder, "cmdline").read_bytes().split(b"\0")))
        except OSError:
            continue
    return found


def _cpu_ticks(pids: list[int]) -> dict[int, int]:
    """User and system time of each process, in clock ticks."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = int(fields[11]) + int(fields[12])  # utime, stime
    return found


class Watch:
    """CPU time of the server's processes and of the database's backends over a stretch,
    sampled at its ends and, when backends may come and go, along it (load.py: twice a second):
    a backend that closes its connection (CONN_MAX_AGE) loses what it used after its last
    sample, one that opens is counted from its first."""

    def __init__(self, port: int, database: str):
        self.port, self.database = port, database
        self.first: dict[tuple[str, int], int] = {}
        self.last: dict[tuple[str, int], int] = {}

    def sample(self) -> None:
        for part, pids in (("server", serving(self.port)), ("database", backends(self.database))):
            for pid, ticks in _cpu_ticks(pids).items():
                self.first.setdefault((part, pid), ticks)
                self.last[(part, pid)] = ticks

    def seconds(self, part: str) -> float:
        ticks = sum(t - self.first[key] for key, t in self.last.items() if key[0] == part)
        return ticks / os.sysconf("SC_CLK_TCK")


def serving(port: int) -> list[int]:
    """The server's processes: gunicorn's master and its workers."""
    return [
        pid
        for pid, command in _processes()
        if b"serve" in command and str(port).encode() in command
    ]


def backends(database: str) -> list[int]:
    """PostgreSQL's backends serving `database` (their title names it)."""
    return [
        pid
        for pid, command in _processes()
        if command[0].startswith(b"postgres: ") and f" {database} ".encode() in command[0]
    ]
