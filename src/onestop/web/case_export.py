"""The department queue as a CSV or XLSX file: the columns a user chooses among those the queue
page shows, the rows of the page's filters and search, streamed.

Rows are read as plain values (`values()` with `iterator(chunk_size=...)`), never as a list:
names of matters, steps, regions and departments are looked up once per version or code, and
the encrypted form is read only when a column of the applicant's is chosen or a name search
narrows the list. Personal data as on the page (docs/personal-data.md): the applicant's name and
the passport number's last 4 characters, and only when chosen; the default columns hold none.
"""

from django.utils.translation import gettext_lazy

from onestop.applications.names import applicant_name, folded, masked_passport, name_matches
from onestop.cases import steps
from onestop.catalog import selectors
from onestop.catalog.models import Department, MatterVersion, Region

from . import exports
from .exports import Column
from .exports import day as _day

# Rows read from the database at a time: large enough to keep round trips few, small enough
# that a chunk of decrypted forms stays a few megabytes (an operating choice, measured by
# bench/export.py).
CHUNK = 2000


COLUMNS = (
    Column("number", gettext_lazy("Application number"), ("application__number",)),
    Column(
        "applicant",
        gettext_lazy("Applicant"),
        ("application__form",),
        default=False,
        personal=True,
    ),
    Column(
        "passport",
        gettext_lazy("Passport number (last 4 characters)"),
        ("application__form",),
        default=False,
        personal=True,
    ),
    Column("matter", gettext_lazy("Matter"), ("matter_version_id",)),
    Column("region", gettext_lazy("Region"), ("region_id",)),
    Column("department", gettext_lazy("Department"), ("department_id",)),
    Column("step", gettext_lazy("Step"), ("matter_version_id", "status")),
    Column("step_due", gettext_lazy("Step due"), ("step_due", "planned_due")),
    Column("planned_due", gettext_lazy("Promised date"), ("planned_due",), default=False),
    Column("statutory_due", gettext_lazy("Statutory due date"), ("statutory_due",), default=False),
    Column("accepted_on", gettext_lazy("Accepted on"), ("application__accepted_on",)),
    Column("paused", gettext_lazy("Paused"), ("paused",)),
)
BY_CODE = {c.code: c for c in COLUMNS}


def offered() -> list[Column]:
    """The columns the queue page offers, in file order."""
    return list(COLUMNS)


def chosen(codes: list[str]) -> list[Column]:
    """The columns asked for (exports.chosen)."""
    return exports.chosen(codes, COLUMNS)


class _Names:
    """Names in the active language, each looked up once per export."""

    def __init__(self, in_language):
        self.in_language = in_language
        self.versions: dict[int, MatterVersion] = {}
        self.matters: dict[int, str] = {}
        self.regions = {r.pk: r.name for r in Region.objects.all()}
        self.departments = {d.pk: d.name for d in Department.objects.all()}
        self.steps: dict[tuple[int, str], str] = {}

    def version(self, pk: int) -> MatterVersion:
        if pk not in self.versions:  # as the process keeps it when published (no row read)
            (self.versions[pk],) = selectors.matter_versions_by_pk([pk])
        return self.versions[pk]

    def matter(self, pk: int) -> str:
        if pk not in self.matters:
            self.matters[pk] = self.version(pk).name
        return self.matters[pk]

    def step(self, pk: int, status: str) -> str:
        key = (pk, status)
        if key not in self.steps:
            spec = steps.steps(self.version(pk)).get(status)
            self.steps[key] = self.in_language(spec["name"]) if spec else status
        return self.steps[key]


def _reader(column: Column, names: _Names, words: dict):
    """How `column`'s cell is read from a row of values, chosen once per export."""
    code = column.code
    if code == "number":
        return lambda row: row["application__number"]
    if code == "applicant":
        return lambda row: applicant_name(row["application__form"] or {})
    if code == "passport":
        return lambda row: masked_passport((row["application__form"] or {}).get("passport_number"))
    if code == "matter":
        return lambda row: names.matter(row["matter_version_id"])
    if code == "region":
        return lambda row: names.regions.get(row["region_id"], "")
    if code == "department":
        return lambda row: names.departments.get(row["department_id"], "")
    if code == "step":
        return lambda row: names.step(row["matter_version_id"], row["status"])
    if code == "step_due":
        return lambda row: _day(row["step_due"] or row["planned_due"])
    if code == "paused":
        yes, no = words["yes"], words["no"]
        return lambda row: yes if row["paused"] else no
    # The dates read as they are stored.
    field = column.fields[0]
    return lambda row: _day(row[field])


def fields_of(columns: list[Column], name_search: bool) -> list[str]:
    """What to read of each case: the chosen columns' fields, the form where a name search
    needs it, and the queue's order."""
    fields = {"pk", "queue_due"}
    for column in columns:
        fields.update(column.fields)
    if name_search:
        fields.add("application__form")
    return sorted(fields)


def rows(cases, columns: list[Column], name: str, words: dict):
    """The cells of each case of `cases` (a queryset in queue order) in the columns' order,
    read CHUNK at a time; with `name`, only the cases whose applicant's name holds it."""
    needle = folded(name)
    names = _Names(words["name"])
    readers = [_reader(c, names, words) for c in columns]
    values = cases.values(*fields_of(columns, bool(needle))).iterator(chunk_size=CHUNK)
    for row in values:
        if needle and not name_matches(row["application__form"] or {}, needle):
            continue
        yield [read(row) for read in readers]


def count(cases, name: str) -> int:
    """How many rows rows() gives for `cases` and `name` (a name search decrypts each form)."""
    needle = folded(name)
    if not needle:
        return cases.count()
    forms = cases.values_list("application__form", flat=True).iterator(chunk_size=CHUNK)
    return sum(1 for form in forms if name_matches(form or {}, needle))
