"""The one definition of on time (004 item 28 承诺办结时限; 004 附件1; 003 第二十一条).

A case is **on time** when it finished inside its time limit: the day it first reached the end
of what the limit covers — its document produced (ready for pickup or mail) or its refusal
decided — is on or before its due date. The due date is the promised date where the sources
promise one, else the statutory one; both count working days and are moved by every pause of
the clock (cases/clock.py), so paused time is not counted against the department. Delivery is
outside the promised limit (004 附件1 送达; 003 第二十一条) and does not count.

Cases not finished yet, and cases with neither date, are not counted either way. Every figure
of the supervision page that says "on time" uses `finished` and `ON_TIME` / `LATE` below.
"""

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from onestop.cases.models import CaseEvent, CaseStatus

# The statuses at which the time limit stops: produced, or refused.
FINISHING = (CaseStatus.READY, CaseStatus.REJECTED)

ON_TIME = Q(finished_on__lte=F("due"))
LATE = Q(finished_on__gt=F("due"))


def finished(cases):
    """The finished cases with a due date, each annotated with `due`, `finished_at` (the first
    event that brought it to a finishing status), `finished_on` (its day) and `month`."""
    first = Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), to_status__in=FINISHING)
        .order_by("sequence")
        .values("at")[:1]
    )
    return (
        cases.annotate(due=Coalesce("planned_due", "statutory_due"), finished_at=first)
        .filter(due__isnull=False, finished_at__isnull=False)
        .annotate(finished_on=TruncDate("finished_at"), month=TruncMonth("finished_at"))
    )
