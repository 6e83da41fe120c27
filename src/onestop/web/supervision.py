"""The supervision pages (004 item 35 (7) 监督; 004 items 36, 廉政风险点): the overview with its
filters, the cases behind each of its figures, and both as CSV or XLSX files.

Thin: supervision/* counts and lists over one scope (supervision/scope.py); these views read the
filters, name things in the reader's language and choose the page or file. Refused (403) to
whoever holds neither the supervisor's role nor the administrator's; a supervisor sees the
regions they supervise, an administrator every region. The filters are codes and days, not
personal data, so they travel in GET query strings and the links of the figures carry them.
"""

from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from onestop.accounts import roles
from onestop.accounts.models import Role
from onestop.audit import reads
from onestop.cases.queues import OPEN
from onestop.refusals import Refused
from onestop.satisfaction import figures as satisfaction
from onestop.supervision import behind, overview, scope, statistics, unusual

from . import exports
from .refusals import shown
from .staff_gate import open_steps, signed_in_holding, step_name

PAGE_SIZE = 50
FILTERS = ("region", "department", "matter", "accepted_from", "accepted_to")
FORMATS = ("csv", "xlsx")

FIGURE_TITLES = {
    "open": gettext_lazy("Open cases"),
    "paused": gettext_lazy("Open cases with the clock paused"),
    "overdue": gettext_lazy("Overdue"),
    "finished": gettext_lazy("Finished"),
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "refused_without_reasons": gettext_lazy("Refusals without reasons"),
    "same_person": gettext_lazy("Reviewed and decided by the same person"),
}


def _name(value) -> str:
    """The active language's side of a {"zh", "en"} name."""
    if not isinstance(value, dict):
        return value or ""
    chinese = (get_language() or "en").startswith("zh")
    return value.get("zh" if chinese else "en") or value.get("en") or ""


class FilterForm(forms.Form):
    """The filters, each offered by name."""

    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    matter = forms.ChoiceField(label=gettext_lazy("Matter"), required=False)
    accepted_from = forms.DateField(
        label=gettext_lazy("Accepted from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    accepted_to = forms.DateField(
        label=gettext_lazy("Accepted until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data, offered: dict):
        super().__init__(data)
        every = [("", _("All"))]
        for name, key in (
            ("region", "regions"),
            ("department", "departments"),
            ("matter", "matters"),
        ):
            self.fields[name].choices = every + [
                (c["code"], _name(c["name"])) for c in offered[key]
            ]

    def clean(self):
        data = super().clean()
        first, last = data.get("accepted_from"), data.get("accepted_to")
        if first and last and first > last:
            self.add_error("accepted_to", _("The last day comes before the first."))
        return data


def _scope(request, held) -> tuple[scope.Scope, FilterForm, dict]:
    """The reader's scope narrowed by the filters that are valid, the form, and the filters as
    the query string's values."""
    everywhere = Role.ADMINISTRATOR in held
    regions = (
        None
        if everywhere
        else frozenset(r.code for r in roles.regions_of(request.user, Role.SUPERVISOR))
    )
    form = FilterForm({k: request.GET.get(k, "") for k in FILTERS}, scope.choices(regions))
    form.is_valid()
    chosen = {
        k: v for k, v in getattr(form, "cleaned_data", {}).items() if v and k not in form.errors
    }
    return scope.Scope(regions=regions, **chosen), form, chosen


def _query(chosen: dict) -> dict:
    return {k: str(v) for k, v in chosen.items()}


@signed_in_holding(Role.SUPERVISOR, Role.ADMINISTRATOR)
def supervision(request, held):
    """Open cases per department and step, the overdue, the on-time rate (supervision/on_time.py),
    repeated correction notices (004 item 36.4), two counters that must stay at zero: refusals
    without reasons (004 item 36.5) and review and decision by one person (004 廉政风险点), and
    unusual reading of personal data by staff (supervision/unusual.py, 004 廉政风险点); every
    figure within the filters, every number a link to its cases."""
    where, form, chosen = _scope(request, held)
    return render(request, "web/department/supervision.html", _figures(where, form, chosen))


def _figures(where: scope.Scope, form, chosen: dict) -> dict:
    cases, today = where.cases(), timezone.localdate()
    codes = where.region_codes()
    return {
        "today": today,
        "form": form,
        "filter_query": _query(chosen),
        "open_steps": open_steps(OPEN),
        "open": overview.open_counts(cases),
        **_with_steps(overview.overdue(cases, today)),
        "on_time": overview.on_time(cases),
        **overview.notices(where.applications()),
        **overview.must_be_zero(cases),
        **unusual.unusual_reads(codes, today),
        "charts": statistics.charts(where),
        "satisfaction": _satisfaction(cases, today),
    }


def _satisfaction(cases, today) -> dict:
    """The ratings per department and per matter (satisfaction/figures.py), each count named
    by its grade."""
    shown = satisfaction.figures(cases, today)
    titles = {
        "by_department": (_("Ratings per department"), _("Department")),
        "by_matter": (_("Ratings per matter"), _("Matter")),
    }
    tables = []
    for key, (title, heading) in titles.items():
        rows = [
            {
                **row,
                "cells": [
                    {"name": g, "n": n} for g, n in zip(shown["grades"], row["grades"], strict=True)
                ],
            }
            for row in shown[key]
        ]
        tables.append({"key": key, "title": title, "heading": heading, "rows": rows})
    return {**shown, "tables": tables}


def _with_steps(overdue: dict) -> dict:
    """The overdue list with each case's step in words."""
    for row in overdue["overdue"]:
        row["step"] = step_name(row["case"])
    return overdue


def _figure_and_keys(request) -> tuple[str, dict]:
    figure = request.GET.get("figure", "")
    keys = {k: request.GET.get(k, "") for k in behind.ROW_KEYS if request.GET.get(k)}
    return figure, keys


@signed_in_holding(Role.SUPERVISOR, Role.ADMINISTRATOR)
def supervision_cases(request, held):
    """The cases behind one figure of the supervision page, within the same filters, 50 a page;
    each opens the case page (read-only for a supervisor)."""
    where, form, chosen = _scope(request, held)
    figure, keys = _figure_and_keys(request)
    cases = behind.cases_behind(where, figure, timezone.localdate(), keys)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {**_query(chosen), "figure": figure, **keys}
    return render(
        request,
        "web/department/supervision_cases.html",
        {
            "form": form,
            "figure": FIGURE_TITLES.get(figure, ""),
            "keys": _key_names(keys),
            "rows": [_case_row(c) for c in page.object_list],
            "page": page,
            "query": urlencode(query),
            "query_items": sorted(query.items()),
            "export_columns": CASE_COLUMNS,
            "back": urlencode(_query(chosen)),
        },
    )


def _key_names(keys: dict) -> list[dict]:
    """The row a list narrows to, in words."""
    offered = scope.choices(None)
    names = {
        "row_region": {c["code"]: c["name"] for c in offered["regions"]},
        "row_department": {c["code"]: c["name"] for c in offered["departments"]},
        "row_matter": {c["code"]: c["name"] for c in offered["matters"]},
    }
    labels = {
        "row_region": _("Region"),
        "row_department": _("Department"),
        "row_matter": _("Matter"),
        "step": _("Step"),
        "month": _("Month"),
    }
    steps = {s["value"]: s["name"] for s in open_steps(OPEN)}
    shown = []
    for key, value in keys.items():
        name = names.get(key, {}).get(value) or (steps.get(value) if key == "step" else value)
        shown.append({"label": labels[key], "value": _name(name)})
    return shown


def _case_row(case) -> dict:
    return {
        "case": case,
        "number": case.application.number,
        "matter": case.matter_version.name,
        "department": case.department.name,
        "region": case.region.name,
        "step": _name(step_name(case)),
        "accepted_on": case.application.accepted_on,
        "due": case.planned_due or case.statutory_due,
        "finished_on": getattr(case, "finished_on", None),
        "paused": case.paused,
    }


# Files


def _format(request) -> str:
    wanted = request.GET.get("format", "csv")
    return wanted if wanted in FORMATS else "csv"


def _file(file_format: str, filename: str, tables: list[exports.Table]):
    if file_format == "xlsx":
        return exports.xlsx_response(filename, tables)
    return exports.csv_response(filename, tables)


@signed_in_holding(Role.SUPERVISOR, Role.ADMINISTRATOR)
def supervision_export(request, held):
    """The figures of the page as shown, within its filters, as CSV or XLSX; audited."""
    where, form, chosen = _scope(request, held)
    file_format = _format(request)
    shown = _figures(where, form, chosen)
    reads.export(
        request.user,
        roles.staff_role(sorted(held)),
        figure="figures",
        file_format=file_format,
        filters=chosen,
    )
    return _file(file_format, "supervision-figures", _figure_tables(shown))


@signed_in_holding(Role.SUPERVISOR, Role.ADMINISTRATOR)
def supervision_cases_export(request, held):
    """The cases behind one figure, within the filters, as CSV or XLSX, streamed; audited."""
    where, form, chosen = _scope(request, held)
    figure, keys = _figure_and_keys(request)
    file_format = _format(request)
    try:
        columns = exports.chosen(request.GET.getlist("columns"), CASE_COLUMNS)
    except Refused as exc:
        return render(
            request, "web/department/export_refused.html", {"errors": shown(exc)}, status=400
        )
    cases = behind.cases_behind(where, figure, timezone.localdate(), keys)
    reads.export(
        request.user,
        roles.staff_role(sorted(held)),
        figure=figure if figure in behind.FIGURES else "none",
        file_format=file_format,
        filters=chosen,
        rows=cases.count(),
    )
    rows = (_case_cells(_case_row(c), columns) for c in cases.iterator(chunk_size=500))
    title = str(FIGURE_TITLES.get(figure, _("Cases")))
    return _file(
        file_format,
        f"supervision-{figure or 'cases'}",
        [exports.Table(title, [str(c.label) for c in columns], rows)],
    )


# The columns of a list's file, every one the list shows and all of them by default; none is
# personal data (the list names no applicant).
CASE_COLUMNS = (
    exports.Column("number", gettext_lazy("Application number"), ()),
    exports.Column("matter", gettext_lazy("Matter"), ()),
    exports.Column("department", gettext_lazy("Department"), ()),
    exports.Column("region", gettext_lazy("Region"), ()),
    exports.Column("step", gettext_lazy("Step"), ()),
    exports.Column("accepted_on", gettext_lazy("Accepted on"), ()),
    exports.Column("due", gettext_lazy("Due"), ()),
    exports.Column("finished_on", gettext_lazy("Finished on"), ()),
    exports.Column("paused", gettext_lazy("Paused"), ()),
)


def _case_cells(row: dict, columns: list[exports.Column]) -> list:
    cells = {
        "number": row["number"],
        "matter": row["matter"],
        "department": row["department"],
        "region": row["region"],
        "step": row["step"],
        "accepted_on": exports.day(row["accepted_on"]),
        "due": exports.day(row["due"]),
        "finished_on": exports.day(row["finished_on"]),
        "paused": _("Yes") if row["paused"] else _("No"),
    }
    return [cells[c.code] for c in columns]


def _figure_tables(shown: dict) -> list[exports.Table]:
    """The page's figures as tables, named as the page names them."""
    steps = [_name(s["name"]) for s in shown["open_steps"]]
    tables = [
        exports.Table(
            _("Open cases per department and step"),
            [_("Region"), _("Department"), *steps, _("All open"), _("Of which paused")],
            [
                [
                    _name(r["region"]),
                    _name(r["department"]),
                    *(c["n"] for c in r["counts"]),
                    r["total"],
                    r["paused"],
                ]
                for r in shown["open"]
            ],
        ),
        exports.Table(
            _("On-time rate per department and matter"),
            [_("Department"), _("Matter"), _("Finished"), _("On time"), _("Late"), _("Rate")],
            [
                [
                    _name(r["department"]),
                    _name(r["matter"]),
                    r["finished"],
                    r["on_time"],
                    r["late"],
                    r["rate"],
                ]
                for r in shown["on_time"]
            ],
        ),
        exports.Table(
            _("Finished on time, per department and month"),
            [_("Department"), _("Month"), _("Finished"), _("On time"), _("Late"), _("Rate")],
            [
                [
                    _name(r["department"]),
                    r["month"],
                    r["finished"],
                    r["on_time"],
                    r["late"],
                    r["rate"],
                ]
                for r in shown["charts"]["on_time"]
            ],
        ),
        exports.Table(
            _("Counts"),
            [_("Check"), _("Count")],
            [
                [_("Overdue"), shown["overdue_count"]],
                [_("Refusals without reasons"), shown["refusals_without_reasons_count"]],
                [_("Reviewed and decided by the same person"), shown["same_person_count"]],
            ],
        ),
        exports.Table(
            _("One-time notices per application"),
            [_("Notices"), _("Applications")],
            [[r["notices"], r["applications"]] for r in shown["charts"]["notices"]],
        ),
    ]
    rated = shown["satisfaction"]
    for table in rated["tables"]:
        tables.append(
            exports.Table(
                str(table["title"]),
                [
                    table["heading"],
                    *(_name(g) for g in rated["grades"]),
                    _("Rated"),
                    _("Satisfied"),
                    _("Open follow-ups"),
                    _("Overdue follow-ups"),
                ],
                [
                    [
                        _name(r["name"]),
                        *r["grades"],
                        r["rated"],
                        r["satisfied_percent"],
                        r["open"],
                        r["overdue"],
                    ]
                    for r in table["rows"]
                ],
            )
        )
    return tables
