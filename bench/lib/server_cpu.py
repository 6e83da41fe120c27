"""The processor time PostgreSQL's own processes have used, when the server runs on this
machine: what a loop cost the database, next to what it cost the client processes (their
`time.process_time()`).

Read from /proc (Linux): the user and system time of every process named `postgres` (its
backends, and the WAL writer and the others that work for them). The kernel counts it in clock
ticks (100 a second here): a figure for a loop of many statements, summed over rounds, not for
one statement. Sampled between the rounds, while the clients wait, so that reading it takes no
time from a round; what a round used is each process's difference between two samples.
"""

import os
from pathlib import Path


def sample() -> dict[int, int] | None:
    """The clock ticks each of PostgreSQL's processes has used so far, by process id; None when
    none is found (the server on another machine, or no /proc)."""
    found = {}
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        try:
            stat = (process / "stat").read_text()
        except OSError:  # ended while read
            continue
        name, after = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        if name != "postgres":
            continue
        fields = after.split()  # from the third field, the state: utime and stime 14th and 15th
        found[int(process.name)] = int(fields[11]) + int(fields[12])
    return found or None


def between(before: dict[int, int], after: dict[int, int]) -> float:
    """The processor seconds PostgreSQL's processes used from one sample to the next: each
    process's own difference, one that started since counted from nothing. One that ended
    since is left out: a total over all processes would lose its whole life's time (a backend
    of the cleaning before a round, ending as the round began, made it negative)."""
    ticks = sum(used - before.get(pid, 0) for pid, used in after.items())
    return ticks / os.sysconf("SC_CLK_TCK")
