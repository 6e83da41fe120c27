"""Reads: a department's queue, ordered by working-day due date, with the time left; searched
and filtered, and read a page at a time after the last row shown (keyset paging)."""

import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.db.models import BooleanField, F, Q, Value, When
from django.db.models import Case as Cases

from onestop.accounts.models import DEPARTMENT_STAFF
from onestop.applications.identifiers import normalised
from onestop.applications.names import applicant_name, folded, masked_passport, name_matches
from onestop.applications.protected import blind_index
from onestop.catalog import selectors
from onestop.catalog.models import MatterVersion, Region, VersionStatus
from onestop.workdays.selectors import calendar_for

from . import steps, urgency
from .models import OPEN_STATUSES, Case
from .open_cases import is_open

OPEN = OPEN_STATUSES


def acts_on(versions) -> dict[str, tuple[str, ...]]:
    """Each role with the steps it acts at under any of the matter `versions` (their case steps,
    cases/steps.py): handlers review, produce and hand over, leaders approve, as the tables say."""
    found: dict[str, set[str]] = defaultdict(set)
    for version in versions:
        for role, statuses in steps.acts_on(version).items():
            found[role] |= set(statuses)
    return {role: tuple(s for s in OPEN if s in statuses) for role, statuses in found.items()}


def acts_on_in_force() -> dict[str, tuple[str, ...]]:
    """acts_on() over every published matter version."""
    return acts_on(steps.in_force())


def queue(user, *, status: str | None = None):
    """The cases waiting for what `user` does in their departments, nearest due date first: at
    each case, what its own matter version's table says the user's role acts at.

    One query builds it (the user's department roles with the tables of their departments'
    matters); evaluating it is one, select_related decided here; the view pages it."""
    # The user's department roles and the tables of their departments' matters, in one query:
    # each matter version of a region and department where the user holds a department role.
    held = MatterVersion.objects.filter(
        region__assignment__user=user,
        region__assignment__role__in=list(DEPARTMENT_STAFF),
        region__assignment__department_id=F("matter__department_id"),
    ).values_list(
        # The step tables alone: the rest of a version's content is the whole catalog entry.
        "pk",
        "content__case_steps",
        "region_id",
        "matter__department_id",
        "region__assignment__role",
    )
    alike = defaultdict(lambda: defaultdict(list))
    for pk, table, region_id, department_id, role in held:
        version = steps.holding(pk, table)
        statuses = tuple(
            s for s in steps.acts_on(version).get(role, ()) if status is None or s == status
        )
        if statuses:
            # Versions whose tables agree go into one condition: usually every version of the
            # department's matters.
            alike[region_id, department_id][statuses].append(pk)
    wanted = []
    for (region_id, department_id), tables in alike.items():
        # The region and department stand apart from the steps (never inside an OR), so the
        # planner reads the case_queue_open index from their first entry in due order; the
        # steps of each table are one CASE, whose selectivity the planner estimates as that of
        # the cases it keeps (an OR of ANDs is estimated far too low on PostgreSQL, which then
        # reads every open case of the department and sorts them; SQLite then starts from the
        # matter version index and sorts).
        steps_of = Cases(
            *(
                When(matter_version_id__in=ids, then=Q(status__in=statuses))
                for statuses, ids in tables.items()
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
        wanted.append(Q(steps_of, region_id=region_id, department_id=department_id))
    return (
        # Open cases only, said once more at the top, as the partial case_queue_open index says
        # it, so the planner matches the index whatever the steps asked for (open_cases.py).
        Case.objects.filter(
            reduce(operator.or_, wanted, Q(pk__in=[])) if len(wanted) != 1 else wanted[0],
            is_open(),
        )
        .select_related("application__region", "matter_version__matter", "department", "region")
        # A version's content and the profile are the costliest columns to decode and no row
        # needs them: with_time_left gives each case its version as the process keeps it.
        .defer("matter_version__content", "application__profile")
        .order_by("queue_due", "pk")
    )


def with_kept_versions(cases) -> list:
    """The cases, each with its matter version as the process keeps it (catalog/selectors.py;
    any other read in one query): a version's row carries its whole form and every rule."""
    cases = list(cases)
    versions = selectors.matter_versions_by_pk(sorted({c.matter_version_id for c in cases}))
    kept = {version.pk: version for version in versions}
    for case in cases:
        case.matter_version = kept[case.matter_version_id]
    return cases


def with_time_left(cases, today) -> list[dict]:
    """Each case with the working days left to its step due date (negative when overdue) and
    its mark: "overdue", "due_soon" or None (cases/urgency.py); its matter version is the one
    the process keeps (catalog/selectors.py; any other read in one query)."""
    cases = with_kept_versions(cases)
    calendars = {}
    rows = []
    for case in cases:
        work = calendars.get(case.region.code) or calendars.setdefault(
            case.region.code, calendar_for(case.region.code)
        )
        due = case.step_due or case.planned_due
        left = urgency.working_days_left(work, today, due) if due is not None else None
        mark = urgency.mark(work, today, due)
        rows.append(
            {
                "case": case,
                "due": due,
                "working_days_left": left,
                "mark": mark,
                "overdue": mark == urgency.OVERDUE,
                "due_soon": mark == urgency.DUE_SOON,
            }
        )
    return rows


# Searching and paging the queue

PAGE_SIZE = 50
# Filters on the due date (cases/urgency.py marks).
URGENCIES = (urgency.OVERDUE, urgency.DUE_SOON)
# Name search decrypts each open case's form (names are encrypted at rest and cannot be
# queried); it reads the queue in chunks, in queue order, until a page is full.
NAME_CHUNK = 500


@dataclass(frozen=True)
class Search:
    """What a department user looks for in their queue. `number` (the application number) and
    `passport` match exactly, as typed numbers are compared (applications/identifiers.py);
    `name` is any part of the applicant's name, case-insensitive. `status`, `matter` (a matter
    code) and `urgency` (URGENCIES) filter."""

    number: str = ""
    name: str = ""
    passport: str = ""
    status: str | None = None
    matter: str | None = None
    urgency: str | None = None

    @property
    def is_search(self) -> bool:
        return bool(self.number or self.name or self.passport)


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    # The (queue_due, id) of the last row when more cases follow; None on the last page.
    after: tuple[date, int] | None


def _urgency(user, wanted: str, today: date) -> Q:
    """The cases of `user`'s regions marked `wanted` today, on the queue's own date column:
    overdue before today, due soon from today to DUE_SOON_WORKING_DAYS working days ahead in
    each region's calendar (urgency.mark)."""
    if wanted == urgency.OVERDUE:
        return Q(queue_due__lt=today)
    found = Q(pk__in=[])
    regions = Region.objects.filter(
        assignment__user=user, assignment__role__in=list(DEPARTMENT_STAFF)
    ).distinct()
    for region in regions:
        beyond = calendar_for(region.code).add_working_days(
            today, urgency.DUE_SOON_WORKING_DAYS + 1
        )
        found |= Q(region=region, queue_due__gte=today, queue_due__lt=beyond.due)
    return found


def matters_of(user) -> list[MatterVersion]:
    """One published version of each matter of `user`'s departments (the matter filter's
    choices, by code, the newest's name)."""
    versions = (
        MatterVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            region__assignment__user=user,
            region__assignment__role__in=list(DEPARTMENT_STAFF),
            region__assignment__department_id=F("matter__department_id"),
        )
        .select_related("matter")
        .order_by("matter__code", "-published_at", "-pk")
    )
    found: dict[str, MatterVersion] = {}
    for version in versions:
        found.setdefault(version.matter.code, version)
    return list(found.values())


def search(user, wanted: Search, *, today: date, after=None, size: int = PAGE_SIZE) -> Page:
    """One page of `user`'s queue (queue()) as `wanted` narrows it, from the case after
    `after` ((queue_due, id) of the last row of the page before; None: the first page).

    Keyset paging: no page counts or skips the cases before it, and every case of the queue
    appears on exactly one page, in due order, however many cases there are."""
    cases = narrowed(user, wanted, today=today)
    if after is not None:
        due, pk = after
        cases = cases.filter(Q(queue_due__gt=due) | Q(queue_due=due, pk__gt=pk))
    needle = folded(wanted.name)
    if needle:
        found = []
        for case in cases.iterator(chunk_size=NAME_CHUNK):
            if name_matches(case.application.form, needle):
                found.append(case)
                if len(found) > size:
                    break
    else:
        found = list(cases[: size + 1])
    shown = found[:size]
    rows = with_time_left(shown, today)
    for row in rows:
        form = row["case"].application.form
        row["name"] = applicant_name(form)
        row["passport"] = masked_passport(form.get("passport_number"))
        spec = steps.steps(row["case"].matter_version).get(row["case"].status)
        row["step"] = spec["name"] if spec else row["case"].get_status_display()
        row["step_source"] = spec["source"] if spec else ""
    last = shown[-1] if shown and len(found) > size else None
    return Page(rows=rows, after=(last.queue_due, last.pk) if last else None)


def narrowed(user, wanted: Search, *, today: date):
    """`user`'s queue (queue()) narrowed by `wanted`'s number, passport, matter and urgency, in
    queue order; the name, which only the decrypted form holds, is left to the reader
    (name_matches). The one narrowing of the queue's page and of its export."""
    cases = queue(user, status=wanted.status)
    if wanted.number:
        cases = cases.filter(application__number=normalised(wanted.number))
    if wanted.passport:
        # A term of white space alone has the empty index of forms without a passport number.
        index = blind_index(wanted.passport)
        cases = cases.filter(application__passport_index=index) if index else cases.none()
    if wanted.matter:
        cases = cases.filter(matter_version__matter__code=wanted.matter)
    if wanted.urgency in URGENCIES:
        cases = cases.filter(_urgency(user, wanted.urgency, today))
    return cases
