"""The processor time PostgreSQL's own processes have used, when the server runs on this
machine: what a loop cost the database, next to what it cost the client processes (their
`time.process_time()`).

Read from /proc (Linux): the user and system time of every process named `postgres` (its
backends, and the WAL writer and the others that work for them). The kernel counts it in clock
ticks (100 a second here): a figure for a loop of many statements, summed over rounds, not for
one statement. Read between the rounds, while the clients wait, so that reading it takes no
time from a round.
"""

import os
from pathlib import Path


def seconds() -> float | None:
    """The processor seconds PostgreSQL's processes have used so far; None when none is found
    (the server on another machine, or no /proc)."""
    total, found = 0, False
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
        total += int(fields[11]) + int(fields[12])
        found = True
    return total / os.sysconf("SC_CLK_TCK") if found else None
