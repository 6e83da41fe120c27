"""What a supervisor's figures cover: the regions they supervise, narrowed by the filters of the
supervision page — a region among those, a department, a matter, and the days between which the
applications were accepted (004 item 35 (7) 监督). Every figure and every list behind a figure
starts from the same `Scope`, so a figure and its list count the same cases.

The filters are codes and dates, never personal data: they travel in the page's query string.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef

from onestop.applications.models import Application
from onestop.appointments.models import Booking, BookingStatus
from onestop.cases.models import Case
from onestop.catalog.models import Department, MatterVersion, Region, VersionStatus


@dataclass(frozen=True)
class Scope:
    """`regions`: the codes supervised (None: every region, an administrator). The filters are
    None when not chosen."""

    regions: frozenset[str] | None
    region: str | None = None
    department: str | None = None
    matter: str | None = None
    accepted_from: date | None = None
    accepted_to: date | None = None

    def region_codes(self) -> list[str] | None:
        """The regions whose figures are shown: the chosen one, else all supervised."""
        if self.region:
            return [self.region]
        return None if self.regions is None else sorted(self.regions)

    def _accepted(self, queryset, prefix: str = ""):
        if self.accepted_from:
            queryset = queryset.filter(**{f"{prefix}accepted_on__gte": self.accepted_from})
        if self.accepted_to:
            queryset = queryset.filter(**{f"{prefix}accepted_on__lte": self.accepted_to})
        return queryset

    def cases(self):
        """The cases the figures count."""
        cases = Case.objects.all()
        codes = self.region_codes()
        if codes is not None:
            cases = cases.filter(region__code__in=codes)
        if self.department:
            cases = cases.filter(department__code=self.department)
        if self.matter:
            cases = cases.filter(matter_version__matter__code=self.matter)
        return self._accepted(cases, "application__")

    def applications(self):
        """The submitted applications the figures count: with a case of the chosen department
        or matter when one is chosen (an application is routed to several)."""
        applications = Application.objects.filter(number__isnull=False)
        codes = self.region_codes()
        if codes is not None:
            applications = applications.filter(region__code__in=codes)
        if self.department or self.matter:
            behind = Case.objects.filter(application=OuterRef("pk"))
            if self.department:
                behind = behind.filter(department__code=self.department)
            if self.matter:
                behind = behind.filter(matter_version__matter__code=self.matter)
            applications = applications.filter(Exists(behind))
        return self._accepted(applications)

    def bookings(self):
        """The bookings not cancelled at the halls of the regions, for the matter when one is
        chosen, on slots between the two days when they are given (a booking comes before its
        acceptance, so the days are the slot's)."""
        bookings = Booking.objects.exclude(status=BookingStatus.CANCELLED)
        codes = self.region_codes()
        if codes is not None:
            bookings = bookings.filter(slot__hall__region__code__in=codes)
        if self.matter:
            bookings = bookings.filter(matter=self.matter)
        if self.accepted_from:
            bookings = bookings.filter(slot__date__gte=self.accepted_from)
        if self.accepted_to:
            bookings = bookings.filter(slot__date__lte=self.accepted_to)
        return bookings


def choices(regions: frozenset[str] | None) -> dict[str, list[dict]]:
    """What the filters offer, by name ({"code", "name": {"zh", "en"}}): the regions supervised,
    every department, and every matter by the name of its newest published version."""

    def named(rows):
        return [{"code": r["code"], "name": {"zh": r["name_zh"], "en": r["name_en"]}} for r in rows]

    region_rows = Region.objects.order_by("code")
    if regions is not None:
        region_rows = region_rows.filter(code__in=regions)
    matters = {}
    for v in (
        MatterVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by("matter__code", "published_at", "pk")
        .values("matter__code", "name_zh", "name_en")
    ):
        matters[v["matter__code"]] = {"code": v["matter__code"], **v}
    return {
        "regions": named(region_rows.values("code", "name_zh", "name_en")),
        "departments": named(
            Department.objects.order_by("code").values("code", "name_zh", "name_en")
        ),
        "matters": named(matters.values()),
    }
