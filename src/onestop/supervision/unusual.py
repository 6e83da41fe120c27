"""Unusual reading of personal data, shown to the supervisor of the region (004 廉政风险点:
"对特定关系人的申请事项……受他人请托，打招呼或产生影响审批公正性的行为", high risk; 004 item 35 (6)
监管责任; GB/T 22239-2019 security audit: important user behaviour is audited and analysed).

Reading is how favouritism and pressure begin: someone looks at a case that is not their work,
for someone who asked them to, or looks through many files at once. The rules below say what
"not their work" and "many" mean; each is a plain query over the audit log and the roles people
hold now, so a supervisor can check every row by hand. They point at reads to ask about, not at
wrongdoing. The platform has no assignment of a case to one person: a department's queue is
shared, so "their work" is a step their role acts on, or a case they have decided on.
"""

import statistics
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from onestop.accounts.models import DEPARTMENT_STAFF, Assignment, Role
from onestop.audit.models import AuditEntry
from onestop.cases.queues import acts_on_in_force
from onestop.catalog.models import Department

# Reads of the last 30 days are examined: a month of work, as a supervisor reviews it.
LOOK_BACK_DAYS = 30
# A reader's usual daily count: the median of their days with reads in the 4 weeks before.
BASELINE_DAYS = 28
# "Far above": more than 3 times the usual count, and more than 40 reads in a day in any case,
# so that a reader with little history (usual 0 or 1) is not flagged for an ordinary day.
MANY_READS_FACTOR = 3
MANY_READS_FLOOR = 40
LIST_LIMIT = 100

# Why a read is listed (the page words each one).
OTHER_DEPARTMENT = "other_department"
NOT_THEIR_STEP = "not_their_step"
MANY_READS = "many_reads"


def _holding(roles, **where):
    return Assignment.objects.filter(user=OuterRef("actor_id"), role__in=roles, **where)


def outside_queue(regions: list[str] | None, since) -> tuple[list[AuditEntry], int]:
    """Reads of cases outside the reader's work, newest first (at most LIST_LIMIT) and their
    count. Each entry carries `rule`:

    - OTHER_DEPARTMENT: the reader holds a department role (handler or leader), but not in the
      case's department and region; they opened it through another role they hold (window
      clerk, supervisor) or as an administrator. A department has no work on another's cases.
    - NOT_THEIR_STEP: a handler or leader of the case's department opened it while it stood at
      no step their roles act on (cases.queues.acts_on_in_force, from the case steps of the
      published matter versions: handlers review, produce and hand over; leaders approve)
      and before they had decided anything on it: a leader looking at a case still under review,
      a handler at one awaiting approval that they did not review.
    """
    here = {"region__code": OuterRef("region"), "department__code": OuterRef("department")}
    handler, leader = Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER
    reads = AuditEntry.objects.filter(action="read.case", at__gte=since)
    if regions is not None:
        reads = reads.filter(region__in=regions)
    reads = reads.annotate(
        department_staff=Exists(_holding(DEPARTMENT_STAFF)),
        handler_here=Exists(_holding([handler], **here)),
        leader_here=Exists(_holding([leader], **here)),
        decided_before=Exists(
            AuditEntry.objects.filter(
                action__startswith="decision.",
                object_type="case",
                object_ref=OuterRef("object_ref"),
                actor_id=OuterRef("actor_id"),
                id__lt=OuterRef("id"),  # appended before (ids follow appends)
            )
        ),
    )
    other_department = Q(department_staff=True, handler_here=False, leader_here=False)
    acting = acts_on_in_force()
    not_their_step = (
        (Q(handler_here=True) | Q(leader_here=True))
        & ~Q(handler_here=True, detail__status__in=list(acting.get(handler, ())))
        & ~Q(leader_here=True, detail__status__in=list(acting.get(leader, ())))
        & Q(decided_before=False)
    )
    found = reads.filter(other_department | not_their_step)
    rows = list(found.select_related("actor").order_by("-id")[:LIST_LIMIT])
    departments = {
        d["code"]: {"zh": d["name_zh"], "en": d["name_en"]}
        for d in Department.objects.values("code", "name_zh", "name_en")
    }
    for row in rows:
        row.rule = NOT_THEIR_STEP if row.handler_here or row.leader_here else OTHER_DEPARTMENT
        row.reader = row.actor.get_full_name() or row.actor.username
        row.role_label = Role(row.actor_role).label if row.actor_role in Role.values else ""
        row.department_name = departments.get(row.department, {"zh": "", "en": row.department})
    return rows, found.count()


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def first_day(today):
    """The first day examined: LOOK_BACK_DAYS days up to and including today."""
    return today - timedelta(days=LOOK_BACK_DAYS - 1)


def far_above(reads: int, usual: float) -> bool:
    """Whether a day's `reads` are far above the reader's `usual` daily count."""
    return reads > max(MANY_READS_FLOOR, MANY_READS_FACTOR * usual)


def many_reads(regions: list[str] | None, today) -> list[dict]:
    """Days on which one reader's reads of personal data (applications, cases, files) in the
    regions were more than MANY_READS_FACTOR times their usual daily count and more than
    MANY_READS_FLOOR; the latest first. One query, however many reads."""
    start = _start_of(first_day(today) - timedelta(days=BASELINE_DAYS))
    reads = AuditEntry.objects.filter(action__startswith="read.", at__gte=start)
    if regions is not None:
        reads = reads.filter(region__in=regions)
    daily = (
        reads.annotate(day=TruncDate("at"))
        .values("actor_id", "actor__username", "actor__first_name", "actor__last_name", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_reader = defaultdict(dict)
    names = {}
    for row in daily:
        by_reader[row["actor_id"]][row["day"]] = row["n"]
        full = f"{row['actor__first_name']} {row['actor__last_name']}".strip()
        names[row["actor_id"]] = full or row["actor__username"]
    found = []
    for reader, days in by_reader.items():
        for day, n in days.items():
            if day < first_day(today):
                continue
            before = [
                count
                for other, count in days.items()
                if day - timedelta(days=BASELINE_DAYS) <= other < day
            ]
            usual = statistics.median(before) if before else 0
            if far_above(n, usual):
                found.append(
                    {
                        "reader": names[reader],
                        "day": day,
                        "reads": n,
                        "usual": round(usual),
                        "rule": MANY_READS,
                    }
                )
    found.sort(key=lambda r: (r["day"], r["reads"]), reverse=True)
    return found[:LIST_LIMIT]


def unusual_reads(regions: list[str] | None, today) -> dict:
    """What the supervision page shows of unusual reading; `regions` None for every region."""
    rows, count = outside_queue(regions, _start_of(first_day(today)))
    return {
        "outside_queue": rows,
        "outside_queue_count": count,
        "many_reads": many_reads(regions, today),
        "look_back_days": LOOK_BACK_DAYS,
        "baseline_days": BASELINE_DAYS,
        "many_reads_factor": MANY_READS_FACTOR,
        "many_reads_floor": MANY_READS_FLOOR,
    }
