"""The acceptance receipt (受理回执): valid at most 7 days (004 item 35), or through the
promised date plus delivery where the region reads 002 §6 (3) so; while the passport is kept
it lets the applicant stay legally (002 §6 (3)). Each citation is the region's own or one its
region.yaml inherits (docs/adr/0007-region-rule-sets.md)."""

from onestop.applications.models import Application
from onestop.documents.pdf import layout
from onestop.documents.pdf.layout import words
from onestop.rules import bundles, window

from . import facts

TITLE = words("受理回执", "Acceptance receipt")
DATE_OF_ACCEPTANCE = words("受理日期", "Date of acceptance")
VALID_UNTIL = words("有效期至", "Valid until")
CASES = words("分送各部门办理", "Cases routed to the departments")
LEGAL_STAY = words("合法居留", "Legal stay")
COLUMNS = [
    words("事项", "Matter"),
    words("办理部门", "Department"),
    words("送达部门期限", "Reaches the department by"),
    words("承诺办结", "Promised by"),
    words("法定时限", "Statutory limit"),
]
WORKING_DAYS = words(
    "以上日期按工作日计算；“—”表示依据文件未规定时限。",
    "Dates count working days; — means the sources set no limit.",
)


def _date(day) -> str:
    return day.isoformat() if day else "—"


def _promised(case):
    """The promised date with the working days it counts, e.g. 5 (002 §4c)."""
    if not case.planned_due:
        return "—"
    days = case.deadline.working_days if case.deadline else None
    if not days:
        return _date(case.planned_due)
    return words(
        f"{_date(case.planned_due)}（{days}个工作日）",
        f"{_date(case.planned_due)} ({days} working days)",
    )


def receipt_pdf(application: Application) -> bytes:
    """The receipt of an accepted application; NotIssued before acceptance."""
    if not application.acceptance_number:
        raise facts.NotIssued("The application has not been accepted.")
    top = layout.Header(
        authority=facts.window(application),
        title=TITLE,
        numbers=[
            (facts.ACCEPTANCE_NUMBER, application.acceptance_number),
            (facts.APPLICATION_NUMBER, facts.number_of(application)),
        ],
        progress_url=facts.progress_url(),
    )
    region = application.region
    cases = list(
        application.cases.select_related("department", "matter_version", "deadline").order_by("pk")
    )
    covers = window.receipt_validity_words(
        region, [c.planned_due or c.statutory_due for c in cases]
    )
    valid_until = _date(application.receipt_valid_until)
    validity = words(f"{valid_until}（{covers['zh']}）", f"{valid_until}: {covers['en']}")
    rows = [
        [
            words(c.matter_version.name_zh, c.matter_version.name_en),
            words(c.department.name_zh, c.department.name_en),
            _date(c.routing_due),
            _promised(c),
            layout.sourced(_date(c.statutory_due), c.time_limit_source),
        ]
        for c in cases
    ]
    mm = layout.mm
    story = [
        layout.fact_rows(
            [
                (facts.APPLICANT, facts.applicant_name(application)),
                (facts.MATTERS, facts.matter_names(application)),
                (DATE_OF_ACCEPTANCE, _date(application.accepted_on)),
                (VALID_UNTIL, validity),
            ]
        ),
        # Routing cites the region's own limit (003 第十六条 in Qingdao), none where not given.
        layout.heading(CASES, source=bundles.routing_working_days(application.bundle_version)[1]),
        layout.space(2),
        layout.data_table(
            COLUMNS, rows, [48 * mm, 48 * mm, 26 * mm, 26 * mm, layout.WIDTH - 148 * mm]
        ),
        layout.space(1),
        *layout.note(WORKING_DAYS),
        layout.heading(LEGAL_STAY, source=window.legal_stay_source(region)),
        layout.space(2),
        *layout.note(window.legal_stay_note(region)),
    ]
    return layout.render(top, story)
