"""The ratings a supervisor reads (好差评, 国办发〔2019〕51号): per department and per matter, the
count of each grade, the share satisfied, and the follow-ups still open and overdue; over the
cases of the supervision page's scope (supervision/scope.py)."""

from datetime import date

from django.db.models import Count, Max, Q

from onestop.rules import satisfaction

from .models import Rating

GROUPS = {
    "department": (
        "case__department__code",
        "case__department__name_zh",
        "case__department__name_en",
    ),
    "matter": ("case__matter_version__matter__code", None, None),
}


def ratings_by(cases, group: str, today: date) -> list[dict]:
    """One row per department or matter (`group`) with a rating among `cases`: its code, name
    {"zh", "en"}, the count per grade in the scale's order, the number rated, the share
    satisfied in whole percent, the follow-ups open and overdue. One query."""
    code, name_zh, name_en = GROUPS[group]
    grades = satisfaction.rules().grades
    satisfied = [g.code for g in grades if g.satisfied]
    open_ = Q(follow_up__isnull=False, follow_up__outcome="")
    counts = {f"n_{g.code}": Count("pk", filter=Q(grade=g.code)) for g in grades}
    names = (
        {"name_zh": Max(name_zh), "name_en": Max(name_en)}
        if name_zh
        else {
            "name_zh": Max("case__matter_version__name_zh"),
            "name_en": Max("case__matter_version__name_en"),
        }
    )
    rows = (
        Rating.objects.filter(case__in=cases)
        .values(code)
        .annotate(
            rated=Count("pk"),
            satisfied=Count("pk", filter=Q(grade__in=satisfied)),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=open_ & Q(follow_up__due__lt=today)),
            **counts,
            **names,
        )
        .order_by(code)
    )
    return [
        {
            "code": row[code],
            "name": {"zh": row["name_zh"], "en": row["name_en"]},
            "grades": [row[f"n_{g.code}"] for g in grades],
            "rated": row["rated"],
            "satisfied_percent": round(100 * row["satisfied"] / row["rated"]),
            "open": row["open"],
            "overdue": row["overdue"],
        }
        for row in rows
    ]


def figures(cases, today: date) -> dict:
    """What the supervision page shows of the ratings."""
    rules = satisfaction.rules()
    return {
        "grades": [g.pair() for g in rules.grades],
        "by_department": ratings_by(cases, "department", today),
        "by_matter": ratings_by(cases, "matter", today),
        "follow_up_working_days": rules.follow_up_working_days,
        "follow_up_confirmed": rules.follow_up_confirmed,
        "document": rules.document,
    }
