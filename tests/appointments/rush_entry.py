"""A small entry for the tests that book as real processes, on their own database.

python -m tests.appointments.rush_entry prepare PEOPLE CAPACITY [SLOTS]
    schema, catalog, SLOTS slots (1) of CAPACITY seats and PEOPLE people, each with a submitted
    application to book for (rush.0007's is RUSH000007); prints the slots' ids
python -m tests.appointments.rush_entry prepare-unopened PEOPLE CAPACITY
    the same people and applications, and no slot stored: the hall takes CAPACITY people a
    slot; prints the id of its first slot offered, which has no row yet
python -m tests.appointments.rush_entry rush SLOT PEOPLE
    PEOPLE processes released together, each a different person booking SLOT once; prints
    every answer (JSON)
python -m tests.appointments.rush_entry swap FIRST SECOND WORKERS ROUNDS
    WORKERS people booked alternately in FIRST and SECOND, each in its own process, released
    together, each moving ROUNDS times to the other slot; prints the errors (JSON)
python -m tests.appointments.rush_entry state SLOT...
    what the database holds (JSON)
"""

import json
import multiprocessing
import os
import sys
from datetime import date, time

HALL = "bj_entry_exit_reception"
MATTER = "residence_permit.issue"  # handled by HALL
PREFIX = "rush."


def application_number(username: str) -> str:
    """The number of the application `username` books for (a booking needs one, 000 §十一 4)."""
    return f"RUSH{int(username.removeprefix(PREFIX)):06d}"


def prepare(people: int, capacity: int, slots: int = 1) -> list[int]:
    _people_with_applications(people)
    return open_slots(capacity, slots)


def open_slots(capacity: int, slots: int) -> list[int]:
    """`slots` slots of the hall on one day, from 08:00, each of `capacity` seats: their ids."""
    from onestop.appointments.models import Slot
    from onestop.catalog.models import Hall

    hall = Hall.objects.get(code=HALL)
    return [
        Slot.objects.create(
            hall=hall,
            date=date(2030, 6, 3),
            starts=time(8 + n),
            ends=time(8 + n, 30),
            capacity=capacity,
        ).pk
        for n in range(slots)
    ]


def prepare_unopened(people: int, capacity: int) -> list[int]:
    from django.utils import timezone

    from onestop.appointments.models import HallBooking, Slot
    from onestop.appointments.slots import offered
    from onestop.catalog.models import Hall

    _people_with_applications(people)
    hall = Hall.objects.get(code=HALL)
    HallBooking.objects.create(hall=hall, capacity=capacity)
    first = offered(hall, timezone.localdate())[0]
    assert not Slot.objects.exists()
    return [first.pk]


def _people_with_applications(people: int) -> None:
    from django.core.management import call_command

    from onestop.catalog.loader import load

    call_command("migrate", interactive=False, verbosity=0)
    load()
    people_with_applications(people)


def people_with_applications(people: int) -> list:
    """`people` people (rush.0000, rush.0001 ...), in order, each with a submitted application
    of MATTER to book for (application_number); written in bulk, as a rush needs hundreds."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from onestop.applications.models import Application, Status
    from onestop.catalog.models import Matter, Region

    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"{PREFIX}{n:04d}", password=unusable) for n in range(people)
    )
    region, matter = Region.objects.get(code="beijing"), Matter.objects.get(code=MATTER)
    Application.objects.bulk_create(
        Application(
            region=region,
            matter=matter,
            status=Status.SUBMITTED,
            applicant=user,
            created_by=user,
            number=application_number(user.username),
        )
        for user in users
    )
    return users


def _people(count: int) -> list[int]:
    from django.contrib.auth.models import User

    ids = User.objects.filter(username__startswith=PREFIX).order_by("username")
    return list(ids.values_list("pk", flat=True)[:count])


# At most this many processes hold a PostgreSQL connection at once (the server's
# max_connections is 100 by default, shared with other clients); the others wait for one, as
# the requests of a rush wait for a pooled connection. SQLite connections are not limited.
POSTGRES_CONNECTIONS = 40


def _in_processes(target, arguments: list[tuple]) -> list[dict]:
    """Run target(barrier, answers, connections, *a) for each a in its own process, all
    released together; their answers."""
    from django.db import connection, connections

    connections.close_all()  # no connection is shared with the forked processes
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(arguments))
    answers = context.Queue()
    limit = POSTGRES_CONNECTIONS if connection.vendor == "postgresql" else len(arguments)
    at_once = context.BoundedSemaphore(limit)
    processes = [
        context.Process(target=target, args=(barrier, answers, at_once, *a)) for a in arguments
    ]
    for process in processes:
        process.start()
    found = [answer for _ in processes for answer in answers.get(timeout=300)]
    for process in processes:
        process.join(timeout=60)
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        found.append({"person": None, "answer": "error", "says": f"exit codes {failed}"})
    return found


def _client(barrier, answers, at_once, slot_id: int, person, application) -> None:
    """One process, one person (loaded before the fork): released with every other, it
    connects and books once."""
    from django.db import connection

    from onestop.appointments.booking import SlotFull, book

    found = []
    try:
        barrier.wait(timeout=120)
        with at_once:
            try:
                made = book(person, slot_id, matter=MATTER, application=application)
            except SlotFull as exc:
                found.append({"person": person.username, "answer": "full", "says": exc.messages})
            except Exception as exc:  # any other answer is what the test reports
                found.append({"person": person.username, "answer": "error", "says": repr(exc)})
            else:
                found.append({"person": person.username, "answer": "booked", "code": made.code})
            finally:
                connection.close()
    except Exception as exc:  # a process that cannot take part says why
        found.append({"person": None, "answer": "error", "says": repr(exc)})
    finally:
        answers.put(found)


def rush(slot_id: int, people: int) -> list[dict]:
    from django.contrib.auth.models import User

    from onestop.applications.models import Application

    # Imported once here, before the fork: in each of the processes it would take longer than
    # the booking itself, and the processes would reach the barrier one by one.
    from onestop.appointments import booking  # noqa: F401

    persons = list(User.objects.filter(pk__in=_people(people)).order_by("pk"))
    applications = {
        a.applicant_id: a
        for a in Application.objects.filter(applicant__in=persons).select_related(
            "region", "matter", "bundle"
        )
    }
    return _in_processes(_client, [(slot_id, p, applications[p.pk]) for p in persons])


def _mover(barrier, answers, at_once, person_id: int, slots: tuple[int, int], rounds: int):
    """One process: one person moving their booking to the other slot, `rounds` times (a
    handful of movers: `at_once` does not limit them)."""
    from django.contrib.auth.models import User
    from django.db import connection

    from onestop.appointments.booking import reschedule
    from onestop.appointments.models import Booking, BookingStatus

    found = []
    try:
        person = User.objects.get(pk=person_id)
        barrier.wait(timeout=120)
        for _ in range(rounds):
            current = Booking.objects.get(person=person, status=BookingStatus.ACTIVE)
            other = slots[1] if current.slot_id == slots[0] else slots[0]
            try:
                reschedule(current, person, other)
            except Exception as exc:  # any error is what the test reports
                found.append({"person": person.username, "answer": "error", "says": repr(exc)})
    except Exception as exc:  # a process that cannot take part says why
        found.append({"person": None, "answer": "error", "says": repr(exc)})
    finally:
        connection.close()
        answers.put(found)


def swap(first: int, second: int, workers: int, rounds: int) -> list[dict]:
    from django.contrib.auth.models import User

    from onestop.applications.models import Application
    from onestop.appointments.booking import book

    ids = _people(workers)
    for n, person in enumerate(User.objects.filter(pk__in=ids).order_by("pk")):
        application = Application.objects.get(applicant=person)
        book(person, (first, second)[n % 2], matter=MATTER, application=application)
    return _in_processes(_mover, [(pk, (first, second), rounds) for pk in ids])


def state(*slot_ids: int) -> dict:
    from django.db.models import Count, Q, Sum

    from onestop.appointments.models import Booking, BookingStatus, Slot
    from onestop.audit.models import AuditEntry

    active = Q(bookings__status=BookingStatus.ACTIVE)
    slots = Slot.objects.filter(pk__in=slot_ids).annotate(
        bookings_count=Count("bookings"), active_count=Count("bookings", filter=active)
    )
    bookings = Booking.objects.select_related("person").filter(status=BookingStatus.ACTIVE)
    return {
        "slots": {
            str(s.pk): {
                "capacity": s.capacity,
                "booked": s.booked,
                "bookings": s.bookings_count,
                "active": s.active_count,
            }
            for s in slots
        },
        "bookings": Booking.objects.count(),
        "active": bookings.count(),
        "seats": Slot.objects.aggregate(seats=Sum("booked"))["seats"] or 0,
        "codes": sorted(b.code for b in bookings),
        "people": sorted(b.person.username for b in bookings),
        "audited": AuditEntry.objects.filter(action="appointment.booked").count(),
        # Each booking's entry names it (written by the booking's own statement on PostgreSQL).
        "entries_name_bookings": sorted(
            AuditEntry.objects.filter(action="appointment.booked").values_list(
                "object_ref", flat=True
            )
        )
        == sorted(str(b.pk) for b in bookings),
        **_chain(),
    }


def _chain() -> dict:
    """What the bookings left unchained (none on SQLite, which chains in the booking's
    transaction), chained as the audit_link job chains it, and the chain then."""
    from onestop.audit.chain import link, verify

    left = verify().unchained
    chained = link()
    checked = verify()
    return {
        "unchained": left,
        "chained_after": chained,
        "chain": (checked.intact, checked.unchained),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    command, *numbers = sys.argv[1:]
    numbers = [int(n) for n in numbers]
    if command == "prepare":
        print(" ".join(map(str, prepare(*numbers))))
    elif command == "prepare-unopened":
        print(" ".join(map(str, prepare_unopened(*numbers))))
    elif command == "rush":
        print(json.dumps(rush(*numbers)))
    elif command == "swap":
        print(json.dumps(swap(*numbers)))
    else:
        print(json.dumps(state(*numbers)))
