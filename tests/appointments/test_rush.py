"""Booking and rescheduling as real processes released together: a rush of 200 people, each
in a process of their own booking once, on one slot of 5 seats, and people moving between two
slots in opposite directions.

The database of the pytest-django tests is not visible to other processes, so each run prepares
its own, of the suite's engine: a SQLite file in the test's folder, or a fresh database
(onestop_rush_*) on the suite's PostgreSQL server (tests/processes.py). CI runs the suite on
both engines, so each rush runs once on each.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from onestop.appointments.models import SLOT_ID_BASE
from tests.processes import fresh_database, suite_engine

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[2]
PEOPLE, CAPACITY = 200, 5


@pytest.fixture
def rush_database(tmp_path):
    """DATABASE_URL of an empty database of the suite's engine."""
    with fresh_database(suite_engine(), tmp_path, "rush") as url:
        yield url


@pytest.fixture
def environment(tmp_path, rush_database):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=rush_database,
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
        ONESTOP_SECRET_KEY="rush-test-key",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def entry(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.appointments.rush_entry", *map(str, args)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_two_hundred_people_rushing_five_seats_get_five_bookings_and_195_full(environment):
    (slot,) = entry(environment, "prepare", PEOPLE, CAPACITY).split()
    rushed_exactly(environment, slot)


def test_a_rush_on_a_slot_not_stored_yet_stores_it_once_with_five_bookings(environment):
    """Nobody opened the slot (no `open_slots` ran): the first bookings store its row in their
    transactions, all at once, and still exactly five of 200 get a seat."""
    (slot,) = entry(environment, "prepare-unopened", PEOPLE, CAPACITY).split()
    assert int(slot) >= SLOT_ID_BASE  # an id derived from the slot, not a row's
    rushed_exactly(environment, slot)


def rushed_exactly(environment, slot: str) -> None:
    answers = json.loads(entry(environment, "rush", slot, PEOPLE))
    state = json.loads(entry(environment, "state", slot))

    errors = [a for a in answers if a["answer"] == "error"]
    assert not errors, errors
    assert len({a["person"] for a in answers}) == PEOPLE  # each process a different person
    assert Counter(a["answer"] for a in answers) == {"booked": CAPACITY, "full": PEOPLE - CAPACITY}
    assert {tuple(a["says"]) for a in answers if a["answer"] == "full"} == {
        ("This slot is full; choose another.",)
    }
    # Nothing half-written: every seat has its booking and every booking its seat.
    assert state["slots"][slot] == {
        "capacity": CAPACITY,
        "booked": CAPACITY,
        "bookings": CAPACITY,
        "active": CAPACITY,
    }
    assert state["bookings"] == state["active"] == state["seats"] == CAPACITY
    # Each booking has its audit entry, appended in its transaction; every entry is chained (in
    # the booker's transaction on SQLite, by the audit_link job after it on PostgreSQL), and the
    # chain holds.
    assert state["audited"] == CAPACITY
    assert state["entries_name_bookings"]
    assert state["chained_after"] == state["unchained"]
    assert state["chain"] == [True, 0]  # intact, nothing left unchained
    booked = [a for a in answers if a["answer"] == "booked"]
    assert state["codes"] == sorted(a["code"] for a in booked)
    assert state["people"] == sorted(a["person"] for a in booked)


def test_people_moving_between_two_slots_in_opposite_directions_all_succeed(environment):
    """Half move from the first slot to the second while the other half move back, each in
    its own process: every reschedule succeeds, none is aborted as a deadlock."""
    movers, rounds = 4, 20
    first, second = entry(environment, "prepare", movers, movers, 2).split()

    errors = json.loads(entry(environment, "swap", first, second, movers, rounds))
    state = json.loads(entry(environment, "state", first, second))

    assert errors == []
    for slot in (first, second):
        seats = state["slots"][slot]
        assert seats["booked"] == seats["active"], slot
    assert state["active"] == state["seats"] == movers
    assert state["bookings"] == movers * (rounds + 1)
