"""Adds to one count from several processes at once, on a database of their own.

python -m tests.counters.windows_entry migrate
python -m tests.counters.windows_entry add NAME PROCESSES TIMES
    PROCESSES processes released together, each adding TIMES to NAME; prints the count each
    addition returned (JSON)
python -m tests.counters.windows_entry count NAME
"""

import json
import multiprocessing
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()


def _adder(name: str, times: int, start, out) -> None:
    _setup()
    from onestop.counters import windows

    start.wait()
    out.put([windows.add({name: 3600})[name] for _ in range(times)])


def add(name: str, processes: int, times: int) -> list[int]:
    context = multiprocessing.get_context("spawn")  # no connection is shared with a child
    start, out = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(target=_adder, args=(name, times, start, out)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    returned = [n for _ in workers for n in out.get(timeout=240)]
    for worker in workers:
        worker.join(timeout=60)
    return returned


if __name__ == "__main__":
    _setup()
    command, *arguments = sys.argv[1:]
    if command == "migrate":
        from django.core.management import call_command

        call_command("migrate", "counters", interactive=False, verbosity=0)
    elif command == "add":
        print(json.dumps(add(arguments[0], int(arguments[1]), int(arguments[2]))))
    else:
        from onestop.counters import windows

        print(json.dumps(windows.counts([arguments[0]])))
