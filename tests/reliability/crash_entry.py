"""A small entry for the crash safety test, run as its own process on the prepared database.

python -m tests.reliability.crash_entry setup
    the people of the one-window flow (an employer's handler, Beijing's pre-examiner and window
    clerk) with their roles, each signed in; prints their session keys and the names of the
    session and CSRF cookies (JSON)
python -m tests.reliability.crash_entry check
    what the database holds, and every inconsistency found in it (JSON)
"""

import json
import os
import sys
from collections import Counter


def setup() -> dict:
    from django.conf import settings
    from django.test import Client

    from onestop.accounts.models import Role
    from tests.factories import FORM, EmployerFactory, StaffFactory
    from tests.signing_in import signed_in

    employer = EmployerFactory(
        name_zh=FORM["employer_name"], name_en="", credit_code=FORM["employer_credit_code"]
    )
    people = {
        "handler": StaffFactory(
            username="crash.handler", role=Role.EMPLOYER_HANDLER, employer=employer
        ),
        "examiner": StaffFactory(username="crash.examiner", role=Role.PRE_EXAMINER),
        "clerk": StaffFactory(username="crash.clerk", role=Role.WINDOW_CLERK),
    }
    sessions = {
        "names": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME}
    }
    for name, user in people.items():
        client = Client()
        signed_in(client, user)  # as the sign-in pages would: the staff's code verified
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _status_chain(application, events) -> list[str]:
    """Problems of the application's history: gaps, and statuses that do not follow."""
    problems = []
    if [e.sequence for e in events] != list(range(1, len(events) + 1)):
        problems.append("event sequences have gaps")
    if not events or events[0].kind != "create":
        problems.append("history does not start with its creation")
    status = ""
    for event in events:
        if not event.to_status:
            continue
        if event.from_status and event.from_status != status:
            problems.append(f"event {event.sequence} leaves {event.from_status}, not {status}")
        status = event.to_status
    if status != application.status:
        problems.append(f"status {application.status} but history ends at {status}")
    return problems


def _application_problems(application, events, cases, outbox) -> list[str]:
    from onestop.applications.models import Status

    problems = _status_chain(application, events)
    kinds = Counter(e.kind for e in events)
    covered = list(application.covered.all())
    if application.status != Status.DRAFT:
        if not application.number or not application.submitted_at:
            problems.append("filed without its number or time")
        if application.bundle_id and application.bundle_version_id is None:
            problems.append("filed without the bundle's version")
        expected = (
            [m["code"] for m in application.bundle_version.content["matters"]]
            if application.bundle_version_id
            else [application.matter.code]
        )
        if [c.matter_version.matter.code for c in covered] != expected:
            problems.append("its matters are not those of the bundle's version")
        if [c.position for c in covered] != list(range(len(covered))):
            problems.append("its matters' positions have gaps")
    notices = list(application.notices.order_by("sequence"))
    if [n.sequence for n in notices] != list(range(1, application.correction_notices + 1)):
        problems.append("notices do not match the count of notices")
    if kinds["request_correction"] != len(notices):
        problems.append("notices do not match their events")

    routes = [e for e in events if e.kind == "route"]
    if application.status == Status.ACCEPTED:
        if kinds["accept"] != 1 or len(routes) != 1:
            problems.append(f"accepted {kinds['accept']} times, routed {len(routes)} times")
        if not (application.accepted_on and application.acceptance_number):
            problems.append("accepted without its date or acceptance number")
        by_matter = Counter(c.matter_version_id for c in cases)
        if by_matter != Counter(c.matter_version_id for c in covered):
            problems.append(f"cases {dict(by_matter)} are not one per covered matter")
        if routes and sorted(routes[0].data.get("cases", [])) != sorted(c.pk for c in cases):
            problems.append("the routing event does not list its cases")
    elif cases or routes:
        problems.append(f"{len(cases)} cases and {len(routes)} routings while {application.status}")

    channels = {m.channel for m in outbox}
    sent = Counter((m.kind, m.channel) for m in outbox)
    expected_kinds = Counter()
    for channel in channels:
        expected_kinds[("correction_requested", channel)] = len(notices)
        expected_kinds[("pre_examination_passed", channel)] = kinds["pass_pre_examination"]
        expected_kinds[("accepted", channel)] = int(application.status == Status.ACCEPTED)
        expected_kinds[("not_accepted", channel)] = int(application.status == Status.NOT_ACCEPTED)
    if +sent != +expected_kinds:
        problems.append(f"notifications {dict(sent)} for {dict(+expected_kinds)}")
    return problems


def check() -> dict:
    from onestop.applications.models import Application
    from onestop.cases.models import Case
    from onestop.notifications.models import Delivery, Outbox
    from onestop.workdays.models import Deadline

    problems = []
    applications = []
    for application in Application.objects.select_related("bundle_version", "matter").order_by(
        "pk"
    ):
        events = list(application.events.order_by("sequence"))
        cases = list(Case.objects.filter(application=application))
        outbox = list(Outbox.objects.filter(application=application))
        found = _application_problems(application, events, cases, outbox)
        problems += [f"{application.number or application.public_id}: {p}" for p in found]
        applications.append(
            {
                "number": application.number,
                "status": application.status,
                "marker": application.form.get("position"),
                "events": dict(Counter(e.kind for e in events)),
                "cases": len(cases),
            }
        )
    orphans = Deadline.objects.filter(case__isnull=True).count()
    if orphans:
        problems.append(f"{orphans} deadlines without their case")
    keys = set(Outbox.objects.values_list("idempotency_key", flat=True))
    strays = Delivery.objects.exclude(idempotency_key__in=keys).count()
    if strays:
        problems.append(f"{strays} deliveries without their message")
    return {
        "applications": applications,
        "cases": Case.objects.count(),
        "problems": problems,
        "outbox": [
            {"key": key, "status": status, "note": note}
            for key, status, note in Outbox.objects.values_list(
                "idempotency_key", "status", "last_error"
            )
        ],
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    print(json.dumps(setup() if sys.argv[1] == "setup" else check()))
