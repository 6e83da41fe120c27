"""The one form on a page: its sections as labelled controls, and a posted page read back.

A control's name and id follow the form's paths with dashes ("form-dependents-0-surname" for
form.dependents.0.surname), so the errors of applications/form.py and the items of a correction
notice land next to the control they are about.
"""

from datetime import date

from onestop.applications import form as one_form
from onestop.applications.form import MAX_ROWS
from onestop.documents import passport

EMPTY_ROWS = 3  # empty rows offered after the rows of a list already given
PASSPORT_SECTION = "passport"  # where the passport check's warnings are shown


def anchor(path: str) -> str:
    """The page id of a form path: "form.dependents.0.surname" -> "form-dependents-0-surname"."""
    return path.replace(".", "-")


def controls(
    sections: list[dict], values: dict, *, fixed: set[str] = frozenset()
) -> tuple[list[dict], dict[str, dict]]:
    """The sections with one control per field showing `values`, and every control and list row
    by its id (to attach errors and notice items to). The fields in `fixed` come from the
    employer's account: shown read-only, saying so."""
    index: dict[str, dict] = {}
    shown = []
    for section in sections:
        fields = [
            _control(spec, f"form-{spec['code']}", values.get(spec["code"]), index)
            for spec in section["fields"]
        ]
        for field, spec in zip(fields, section["fields"], strict=True):
            field["from_employer"] = spec["code"] in fixed
        shown.append({"code": section["code"], "title": section["title"], "fields": fields})
    warnings = passport_warnings(values)
    for section in shown:
        if section["code"] == PASSPORT_SECTION:
            section["warnings"] = warnings
    return shown, index


def passport_warnings(values: dict) -> list[dict]:
    """What the passport check finds in the form as it stands (004 item 22 (二) 3): differences
    from the passport's machine-readable zone and an expired passport. A warning, never a refusal;
    a malformed zone is the field's own error."""
    return [
        f for f in passport.form_findings(values) if not f["code"].startswith(passport.MRZ_PREFIX)
    ]


def _control(spec: dict, name: str, value, index: dict) -> dict:
    control = {
        "name": name,
        "kind": spec["type"],
        "label": {"zh": spec["zh"], "en": spec["en"]},
        "required": bool(spec.get("required")),
        "help": spec.get("help"),
        "errors": [],
        "notices": [],
    }
    kind = spec["type"]
    if kind == "bool":
        control["checked"] = value is True
    elif kind == "list":
        given = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
        rows = []
        for number in range(min(MAX_ROWS, len(given) + EMPTY_ROWS)):
            row = given[number] if number < len(given) else {}
            row_name = f"{name}-{number}"
            entry = {
                "name": row_name,
                "number": number + 1,
                "errors": [],
                "notices": [],
                "cells": [
                    _control(cell, f"{row_name}-{cell['code']}", row.get(cell["code"]), index)
                    for cell in spec["fields"]
                ],
            }
            for cell in entry["cells"]:
                cell["required"] = False  # a row is optional; the list's hint says the rest
            index[row_name] = entry
            rows.append(entry)
        control["rows"] = rows
    else:
        control["value"] = "" if value is None else str(value)
        if kind in ("text", "email"):
            control["max_length"] = one_form.max_length(spec)
        if kind == "choice":
            control["choices"] = list(spec["choices"].items())
        if kind == "date":
            # A browser empties a date control holding an impossible date: show such a value as
            # text, so that it can be corrected rather than silently lost.
            control["as_date"] = not control["value"] or is_date(control["value"])
    index[name] = control
    return control


def is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read(data, sections: list[dict]) -> dict:
    """The form's values as posted: text as typed (trimmed), a checkbox as true or false, a list
    as its rows that have anything in them."""
    values = {}
    for section in sections:
        for spec in section["fields"]:
            name = f"form-{spec['code']}"
            if spec["type"] == "list":
                values[spec["code"]] = _rows(data, spec, name)
            else:
                values[spec["code"]] = _cell(data, spec, name)
    return values


def _cell(data, spec: dict, name: str):
    if spec["type"] == "bool":
        return name in data
    return data.get(name, "").strip()


def _rows(data, spec: dict, name: str) -> list[dict]:
    rows = []
    for number in range(MAX_ROWS):
        row = {
            cell["code"]: _cell(data, cell, f"{name}-{number}-{cell['code']}")
            for cell in spec["fields"]
        }
        row = {code: value for code, value in row.items() if value not in ("", False)}
        if row:
            rows.append(row)
    return rows


def changes(posted: dict, stored: dict) -> dict:
    """What the page changed: an answer emptied is sent as empty, so that it clears the stored one;
    an answer left as it was is not sent."""

    def same(value):
        return None if value in (None, "", [], False) else value

    return {code: value for code, value in posted.items() if same(value) != same(stored.get(code))}


def attach(index: dict[str, dict], name: str | None, entry: dict, key: str) -> str | None:
    """Put `entry` on the control `name` (or the nearest one holding it: a list row, then the
    list) under `key`; answers the id it was put on, None when the page has no such control."""
    while name:
        if name in index:
            index[name][key].append(entry)
            return name
        name = name.rpartition("-")[0]
    return None
