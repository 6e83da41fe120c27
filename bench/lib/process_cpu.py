"""Processor time of processes on this machine, read from /proc (Linux) in clock ticks (100 a
second here): what a stretch of load cost each side. A figure for many requests or statements,
not for one.

- `Watch`: the served onestop's processes and its PostgreSQL backends, for a benchmark that
  drives the server over HTTP (load.py, progress.py).
- `postgres_sample` and `between`: every process named `postgres` (the backends, and the WAL
  writer and the others that work for them), when the server runs here, for a loop whose own
  processes time themselves (booking_rush.py). Sampled between rounds, while the clients wait,
  so that reading it takes no time from a round.
"""

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


def _stat(pid: int) -> tuple[str, int] | None:
    """The process's name and its user and system time in clock ticks; None once it ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, after = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
    fields = after.split()  # from the third field, the state: utime and stime 14th and 15th
    return name, int(fields[11]) + int(fields[12])


def _cpu_ticks(pids: list[int]) -> dict[int, int]:
    """User and system time of each process, in clock ticks."""
    return {pid: found[1] for pid in pids if (found := _stat(pid)) is not None}


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


def postgres_sample() -> dict[int, int] | None:
    """The clock ticks each process named `postgres` has used so far, by process id; None when
    none is found (the server on another machine, or no /proc)."""
    found = {}
    for pid, _command in _processes():
        stat = _stat(pid)
        if stat is not None and stat[0] == "postgres":
            found[pid] = stat[1]
    return found or None


def between(before: dict[int, int], after: dict[int, int]) -> float:
    """The processor seconds from one postgres_sample to the next: each process's own
    difference, one that started since counted from nothing. One that ended since is left out:
    a total over all processes would lose its whole life's time (a backend of the cleaning
    before a round, ending as the round began, made it negative)."""
    ticks = sum(used - before.get(pid, 0) for pid, used in after.items())
    return ticks / os.sysconf("SC_CLK_TCK")
