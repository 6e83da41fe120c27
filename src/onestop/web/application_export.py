"""The pre-examination queue as a CSV or XLSX file: every submitted application of the
examiner's regions, in the page's order, in the columns chosen among those the page shows.

Rows are read as plain values in chunks, never as a list; the names of bundles and matters are
looked up once per region; the encrypted form is read only when a column of the applicant's is
chosen (docs/personal-data.md: the name and the passport number's last 4 characters, as the
page shows them).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from onestop.applications.names import applicant_name, masked_passport
from onestop.catalog import selectors as catalog
from onestop.catalog.models import Region

from . import exports
from .exports import Column, day

CHUNK = 2000  # as web/case_export.py: an operating choice

COLUMNS = (
    Column("number", gettext_lazy("Application number"), ("number",)),
    Column("applicant", gettext_lazy("Applicant"), ("form",), default=False, personal=True),
    Column(
        "passport",
        gettext_lazy("Passport number (last 4 characters)"),
        ("form",),
        default=False,
        personal=True,
    ),
    Column(
        "subject",
        gettext_lazy("Bundle or matter"),
        ("region_id", "bundle__code", "matter__code"),
    ),
    Column("region", gettext_lazy("Region"), ("region_id",)),
    Column("submitted", gettext_lazy("Submitted"), ("submitted_at",)),
    Column("due", gettext_lazy("Due"), ("pre_examination_due",)),
)


def offered() -> list[Column]:
    return list(COLUMNS)


def chosen(codes: list[str]) -> list[Column]:
    """The columns asked for (exports.chosen)."""
    return exports.chosen(codes, COLUMNS)


def _subjects(region_ids) -> dict:
    """The name of each bundle and matter offered in the regions, by (region id, code)."""
    names = {}
    for region in Region.objects.filter(pk__in=region_ids):
        for version in catalog.bundle_versions(region):
            names[(region.pk, version.bundle.code)] = version.name
        for version in catalog.matter_versions(region):
            names[(region.pk, version.matter.code)] = version.name
    return names


def _reader(column: Column, names: dict, regions: dict):
    code = column.code
    if code == "number":
        return lambda row: row["number"]
    if code == "applicant":
        return lambda row: applicant_name(row["form"] or {})
    if code == "passport":
        return lambda row: masked_passport((row["form"] or {}).get("passport_number"))
    if code == "subject":

        def subject(row):
            code = row["bundle__code"] or row["matter__code"]
            return names.get((row["region_id"], code), code)

        return subject
    if code == "region":
        return lambda row: regions.get(row["region_id"], "")
    if code == "submitted":
        # As the page shows it: local time, to the minute.
        return lambda row: (
            timezone.localtime(row["submitted_at"]).strftime("%Y-%m-%d %H:%M")
            if row["submitted_at"]
            else ""
        )
    return lambda row: day(row["pre_examination_due"])


def rows(applications, columns: list[Column], region_ids):
    """The cells of each application of `applications` (a queryset in queue order)."""
    names = _subjects(region_ids)
    regions = {r.pk: r.name for r in Region.objects.filter(pk__in=region_ids)}
    readers = [_reader(c, names, regions) for c in columns]
    fields = sorted({f for c in columns for f in c.fields})
    for row in applications.values(*fields).iterator(chunk_size=CHUNK):
        yield [read(row) for read in readers]
