"""Where an application stands, for whoever holds its number and the applicant's passport number.

The answer carries states, dates, departments and the history by role: never a person's name,
a passport number or anything else the form holds. `lookup` answers the same None for a number
that does not exist and for a wrong passport number, after the same work, so neither the answer
nor its timing tells whether the number exists.
"""

import hmac
import secrets

from django.utils import timezone
from django.utils.translation import override

from onestop import prepared
from onestop.accounts.models import Role
from onestop.applications import form as one_form
from onestop.applications.drafts import materials_of
from onestop.applications.events import EVENT_LABELS
from onestop.applications.identifiers import normalised
from onestop.applications.models import Application, Status
from onestop.applications.pre_examination import open_notice
from onestop.applications.protected import blind_index
from onestop.cases import steps as case_steps
from onestop.cases import urgency
from onestop.cases.models import CaseStatus
from onestop.counters import windows
from onestop.workdays.selectors import calendar_for

from . import answers, throttle
from .timeline import timeline

NO_MATCH = {
    "en": "No application matches this number and passport number.",
    "zh": "没有与此申请编号和护照号码相符的申请。",
}

# The application's row and its kept answer, shaped as the failure counts' rows to follow them
# (_counts_and_application): (1, passport digest, key, kept generation or NULL, kept answer).
# The answer comes only while it holds (its end after the given time) and only for the passport
# digest given: an unknown number and a wrong passport number read the same, no answer.
_APPLICATION_AND_KEPT = (
    "SELECT 1, a.passport_index, a.id, kept.generation, "  # noqa: S608  (no input in it)
    "CASE WHEN kept.kept_until_unix > %s AND a.passport_index = %s THEN kept.body END "
    f"FROM applications_application AS a LEFT JOIN {answers.TABLE} AS kept "
    "ON kept.application_id = a.id WHERE a.number = %s"
)

# Compared against when the number is unknown; random per process, so nothing typed matches it.
_DECOY = secrets.token_hex(32)


def lookup(ip: str, number: str, passport_number: str, rendered=None):
    """A public lookup from address `ip`: the throttle's Refusal when the limits on failed
    lookups refuse it (throttle.py), whether or not it would match; None when the number is
    unknown or the passport number wrong or empty (one statement and one constant-time
    comparison either way); else the application's progress (progress_of), through
    `rendered` when given.
    The failure counts, the application's key and passport digest and the API's kept answer
    (answers.py) are read in one statement: one round trip to the database when the answer is
    kept, however the lookup ends."""
    number = normalised(number)
    keys = throttle.counters_of(ip, number)
    now = windows.now_unix()
    given = blind_index(passport_number)
    counted, found = _counts_and_application(list(keys), number, now, given)
    refused = throttle.refusal_by_counts(keys, counted, now)
    if refused:
        return refused
    if not _matches(found, given):
        return None
    pk, _digest, generation, kept = found
    if rendered is None:
        return progress_of(_application(pk))
    return answers.answer(
        pk, generation, kept, now, lambda: rendered(progress_of(_application(pk)))
    )


def _matches(found: tuple | None, given: str) -> bool:
    """Whether `given`, a passport number's blind index, is the digest `found` (key, digest,
    ...) holds."""
    # Blind indexes (protected.py) are digests of equal length: the comparison time depends on
    # neither side, and the form need not be decrypted to answer "no".
    pk, on_file = found[:2] if found else (None, _DECOY)
    same = hmac.compare_digest(on_file, given or _DECOY)
    return pk is not None and bool(given) and same


def _counts_and_application(names: list[str], number: str, now: int, given: str):
    """(the running counts of `names`, as windows.counts gives them; the application's key,
    passport digest, kept generation and, for the passport digest `given`, its kept answer
    (answers.py); or None), in one statement. A leading 0 or 1 tells the counts' rows from the
    application's."""
    counts_sql, parameters = windows.counts_statement(names, now)
    with prepared.cursor() as cursor:
        counts = f"SELECT 0, c.*, NULL FROM ({counts_sql}) AS c"  # noqa: S608 - parameters only
        statement = f"{counts} UNION ALL {_APPLICATION_AND_KEPT}"
        cursor.execute(statement, [*parameters, now, given, number])
        rows = cursor.fetchall()
    counted = {name: (hits, ends) for kind, name, hits, ends, _ in rows if kind == 0}
    found = next(((pk, digest, gen, kept) for kind, digest, pk, gen, kept in rows if kind), None)
    return counted, found


def _application(pk: int) -> Application:
    return Application.objects.select_related("region", "bundle_version").get(pk=pk)


def progress_of(application: Application, today=None) -> dict:
    """The application's status, dates, open one-time notice, cases and history, with the words
    for each state in English and Chinese; each case with its steps and the working days left
    to its due date as of `today` (case_progress)."""
    notice = open_notice(application)
    subject = _subject(application)
    return {
        "number": application.number,
        "status": application.status,
        **_words("status", Status(application.status).label),
        "name_en": subject.name_en if subject else application.subject_code,
        "name_zh": subject.name_zh if subject else application.subject_code,
        "region": application.region.code,
        "submitted_at": application.submitted_at,
        "pre_examination_due": application.pre_examination_due,
        "pre_examination_due_provisional": application.pre_examination_due_provisional,
        "correction_notice": {
            "sequence": notice.sequence,
            "stage": notice.stage,
            "issued_at": notice.issued_at,
            "items": _named_items(application, notice.items),
        }
        if notice
        else None,
        "accepted_on": application.accepted_on,
        "acceptance_number": application.acceptance_number,
        "receipt_valid_until": application.receipt_valid_until,
        "cases": case_progress(application, today),
        "timeline": [
            {
                "sequence": step["sequence"],
                "at": step["at"],
                "kind": step["kind"],
                **_words("label", EVENT_LABELS.get(step["kind"], step["kind"])),
                "role": step["role"],
                **_words("role", _role_label(step["role"])),
                "to_status": step["to_status"],
                **_words("to_status", _status_label(step["to_status"])),
            }
            # Reasons and data stay out: they are free text and may name people.
            for step in timeline(application)
        ],
    }


# Statuses in which the department still decides: the time limits run until the document is
# produced; delivery lies outside them (004 附件1; 003 第二十一条).
_DECIDING = ("review", "approval", "production")


def case_progress(application: Application, today=None) -> list[dict]:
    """Per case: its department and matter, its steps done, current and to come
    (its matter version's case steps), its due date (the planned date, else the statutory
    one) and, while the department still decides and the clock runs, the working days left to
    it, negative when overdue (cases/urgency.py; 004 item 18 counts in 工作日)."""
    today = today or timezone.localdate()
    work = calendar_for(application.region.code)
    rows = []
    cases = application.cases.select_related("matter_version__matter", "department", "deadline")
    for case in cases:
        # Waiting for another case, or with the Ministry: no due date of ours (cases/steps.py).
        no_clock = case_steps.without_clock(case.matter_version, case.status)
        due = None if no_clock else case.planned_due or case.statutory_due
        running = case.status in _DECIDING and not case.paused and due is not None
        outside = case_steps.outside(case.matter_version, case.status)
        left = urgency.working_days_left(work, today, due) if running else None
        rows.append(
            {
                "matter": case.matter_version.matter.code,
                "matter_name_en": case.matter_version.name_en,
                "matter_name_zh": case.matter_version.name_zh,
                "department": case.department.code,
                "department_name_en": case.department.name_en,
                "department_name_zh": case.department.name_zh,
                "status": case.status,
                **_words("status", CaseStatus(case.status).label),  # lazy: each language its own
                "routing_due": case.routing_due,
                "planned_due": case.planned_due,
                "statutory_due": case.statutory_due,
                "due_provisional": case.due_provisional,
                "steps": _steps(case, list(case_steps.steps(case.matter_version).values())),
                "due": due,
                # The working days the case was promised in, e.g. 5 for two permits (002 §4c).
                "promised_working_days": case.deadline.working_days if case.deadline else None,
                "time_limit_source": case.time_limit_source,
                "paused": case.paused,
                # What to expect from an authority outside the city (001 办理时限: 等通知).
                "expected_en": outside["expected"]["en"] if outside else None,
                "expected_zh": outside["expected"]["zh"] if outside else None,
                "working_days_left": left,
                "overdue_working_days": -left if left is not None and left < 0 else None,
                "mark": urgency.mark(work, today, due) if running else None,
            }
        )
    return rows


def _steps(case, order: list[dict]) -> list[dict]:
    """Each step with its state: "done", "current" or "to_come"; a refused case has done the
    steps someone signed and has no current one."""
    codes = [spec["code"] for spec in order]
    if case.status == "delivered":
        done = set(codes)
    elif case.status == "rejected":
        done = {"review"} if case.reviewed_by_id else set()
        done |= {"approval"} if case.approved_by_id else set()
    else:
        done = set(codes[: codes.index(case.status)]) if case.status in codes else set()
    return [
        {
            "code": spec["code"],
            "name_en": spec["name"]["en"],
            "name_zh": spec["name"]["zh"],
            "state": "done"
            if spec["code"] in done
            else "current"
            if spec["code"] == case.status
            else "to_come",
        }
        for spec in order
    ]


def _words(name: str, label) -> dict:
    """`label` (a lazy translation) as `{name}_en` and `{name}_zh`."""
    with override("en"):
        en = str(label)
    with override("zh-hans"):
        zh = str(label)
    return {f"{name}_en": en, f"{name}_zh": zh}


def _role_label(role: str):
    return Role(role).label if role in Role.values else role


def _status_label(status: str):
    return Status(status).label if status in Status.values else status


def _subject(application: Application):
    """The recorded version of the bundle or matter applied for (it holds the names)."""
    if application.bundle_version_id:
        return application.bundle_version
    covered = application.covered.select_related("matter_version").first()
    return covered.matter_version if covered else None


def _named_items(application: Application, items: list[dict]) -> list[dict]:
    """The notice's items, each with the name of the material or form field it is about."""
    names = {}
    if any(item.get("kind") == "material" for item in items):
        names.update(
            {
                ("material", m["matter"], m["code"]): (m["name_en"], m["name_zh"])
                for m in materials_of(application)
            }
        )
    if any(item.get("kind") == "field" for item in items):
        names.update(
            {
                ("field", None, spec["code"]): (spec["en"], spec["zh"])
                for section in one_form.sections_for(application)
                for spec in section["fields"]
            }
        )
    named = []
    for item in items:
        kind = item.get("kind")
        key = (kind, item.get("matter") if kind == "material" else None, item.get("code"))
        en, zh = names.get(key, (item.get("code"), item.get("code")))
        named.append({**item, "name_en": en, "name_zh": zh})
    return named
