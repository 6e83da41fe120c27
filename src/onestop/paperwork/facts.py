"""What the documents state about an application or a case, read once here: the authority that
issues them, the applicant's name, the booking, the link to the progress page."""

from django.conf import settings
from django.urls import reverse

from onestop.applications.models import Application
from onestop.applications.versions import covered_versions
from onestop.appointments.models import Booking, BookingStatus
from onestop.cases.models import Case
from onestop.catalog import content
from onestop.documents.pdf.layout import words


class NotIssued(LookupError):
    """The document does not exist (yet) for this application or case."""


def progress_url() -> str:
    """The public progress page (made absolute with ONESTOP_SITE_URL): it asks for the numbers
    itself, so the link carries no personal data (docs/adr/0003-progress-by-passport-number.md)."""
    return f"{settings.ONESTOP_SITE_URL}{reverse('web:progress')}"


def booking(application: Application) -> Booking | None:
    """The appointment the application was booked with: the active one, else the visit made."""
    found = application.bookings.select_related("slot__hall").filter(
        status__in=(BookingStatus.ACTIVE, BookingStatus.ATTENDED)
    )
    return found.order_by("-status", "-created_at").first()  # "attended" before "active"


def window(application: Application) -> list[dict]:
    """The single window that accepts for every department (003 第十一条): the region's, and
    the hall of the booking where there is one."""
    region = application.region
    lines = [words(f"{region.name_zh}综合受理窗口", f"Single window, {region.name_en}")]
    booked = booking(application)
    if booked is not None:
        hall = booked.slot.hall
        lines.append(words(hall.name_zh, hall.name_en))
    return lines


def authority(case: Case) -> list[dict]:
    """Who decides the case: the matter's authority (004 item 5; 000 §一; 003 第五条-第七条),
    else its handling office, else the department of the region."""
    guide = content.of(case.matter_version)
    for key in ("authority", "handling_office"):
        spec = guide.field(key)
        if spec and spec.zh:
            return [words(spec.zh, spec.en)]
        if spec and spec.items:
            first = spec.items[0]
            return [words(first.zh, first.en)]
    region, department = case.region, case.department
    return [
        words(f"{region.name_zh}{department.name_zh}", f"{department.name_en}, {region.name_en}")
    ]


def applicant_name(application: Application) -> str:
    """The name as the form gives it: surname, given name, and the Chinese name if any."""
    form = application.form
    name = " ".join(p for p in (form.get("surname"), form.get("given_name")) if p)
    if form.get("chinese_name"):
        name = f"{name} {form['chinese_name']}".strip()
    return name


def matter_names(application: Application) -> dict:
    """The matters the application covers, in both languages, in the form's order."""
    versions = covered_versions(application)
    return words("；".join(v.name_zh for v in versions), "; ".join(v.name_en for v in versions))


def number_of(application: Application) -> str:
    if not application.number:
        raise NotIssued("A draft has no number and no document yet.")
    return application.number


APPLICATION_NUMBER = words("申请编号", "Application number")
ACCEPTANCE_NUMBER = words("受理编号", "Acceptance number")
APPLICANT = words("申请人", "Applicant")
MATTERS = words("申请事项", "Matters applied for")
