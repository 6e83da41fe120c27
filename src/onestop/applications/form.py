"""The one form: which sections an application asks, and the check of what was filled in, with
bilingual messages per field.

The form travels with the catalog versions (forms/application_form.yaml, copied by the loader
into every bundle and matter version as `content["form"]`): an application is asked and checked
by the form of its own versions, its bundle version's, else its matter version's, so a form
published later never changes what an application filed before is asked."""

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from onestop import plain_text
from onestop.catalog import content
from onestop.documents.passport import mrz_errors
from onestop.notifications.models import Outbox
from onestop.notifications.outbox import ADDRESS_FIELDS

from .versions import bundle_version, covered_versions

# The form as packaged: what the API's document describes (api/bounds.py); applications read
# the form of their versions.
FORM_FILE = (
    Path(__file__).resolve().parents[1] / "catalog" / "data" / "forms" / ("application_form.yaml")
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # YYYY-MM-DD only (API-CONTRACT.md)
MAX_ROWS = 20  # rows of a list field
# Checks a text field may name (`check:`), each giving bilingual problems of the value.
CHECKS = {"icao_9303_td3": mrz_errors}  # the passport's MRZ (ICAO Doc 9303)
# Text of the form is kept encrypted in one unbounded column (protected.py); the addresses
# notices go to are also copied to the outbox, whose column is the tighter bound.
ADDRESS_CODES = frozenset(ADDRESS_FIELDS.values())


def max_length(spec: dict) -> int:
    """The most characters a text field of the form takes: one line of text, or less where the
    value also ends in a narrower column (the e-mail address and telephone in the outbox)."""
    if spec["code"] in ADDRESS_CODES:
        return min(plain_text.LINE, plain_text.column_length(Outbox, "recipient"))
    return plain_text.LINE


@lru_cache(maxsize=1)
def packaged() -> list[dict]:
    """The sections of the form as packaged, for the API's document of every field it may take;
    an application is asked and checked by the form of its own versions (`sections_for`)."""
    return yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))["sections"]


def of_versions(versions) -> list[dict]:
    """Every section of the form of the first of these catalog versions that carries one."""
    for version in versions:
        if version is not None and content.of(version).form:
            return content.of(version).form
    return []


def whole(application, versions: list | None = None) -> list[dict]:
    """Every section of the application's form: its bundle version's, else its matter
    version's (the versions it was filed under, or a draft's; `versions`: its covered_versions,
    when the caller has them already)."""
    if versions is None:
        versions = covered_versions(application)
    if application.bundle_version_id:
        return of_versions([bundle_version(application), *versions])
    return of_versions(versions)


def asked(sections: list[dict], matter_codes: list[str]) -> list[dict]:
    """The sections asked for these matters, in the form's order."""
    families = {code.split(".")[0] for code in matter_codes}
    return [s for s in sections if not s.get("families") or families & set(s["families"])]


def sections_for(application, versions: list | None = None) -> list[dict]:
    """The sections the application asks, by the form of its own versions (`versions`: its
    covered_versions, when the caller has them already)."""
    if versions is None:
        versions = covered_versions(application)
    return asked(whole(application, versions), [v.matter.code for v in versions])


def _error(code: str, field: str, en: str, zh: str) -> dict:
    return {"field": field, "code": code, "message_en": en, "message_zh": zh}


def _check_field(spec: dict, value, path: str, complete: bool) -> list[dict]:
    label_en, label_zh = spec["en"], spec["zh"]
    kind = spec["type"]
    if value is None or value == "" or (kind == "list" and value == []):
        if complete and spec.get("required"):
            return [_error("form.required", path, f"{label_en}: required.", f"{label_zh}：必填。")]
        return []
    if kind in ("text", "email"):
        if not isinstance(value, str):
            return [
                _error(
                    "form.not_text", path, f"{label_en}: give text.", f"{label_zh}：请填写文字。"
                )
            ]
        refused = plain_text.refusal(
            (label_en, label_zh),
            value,
            max_length=max_length(spec),
            one_line=not spec.get("multiline"),
        )
        if refused:
            return [_error("form.text_not_storable", path, *refused)]
        if kind == "email" and not EMAIL.match(value):
            return [
                _error(
                    "form.not_email",
                    path,
                    f"{label_en}: not an e-mail address.",
                    f"{label_zh}：电子邮件地址格式不正确。",
                )
            ]
        if spec.get("pattern") and not re.match(spec["pattern"], value):
            return [
                _error(
                    "form.wrong_format",
                    path,
                    f"{label_en}: not in the expected format.",
                    f"{label_zh}：格式不符。",
                )
            ]
        if spec.get("check"):
            return [
                _error(
                    "form.check_failed",
                    path,
                    f"{label_en}: {e['message_en']}",
                    f"{label_zh}：{e['message_zh']}",
                )
                for e in CHECKS[spec["check"]](value)
            ]
    elif kind == "date":
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else None
            if day is not None and not ISO_DATE.fullmatch(value):
                day = None  # fromisoformat also reads "20260131" and week dates
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year <= 2099:
            return [
                _error(
                    "form.not_a_date",
                    path,
                    f"{label_en}: give a real date as YYYY-MM-DD.",
                    f"{label_zh}：请按YYYY-MM-DD填写真实日期。",
                )
            ]
    elif kind == "choice":
        if value not in spec["choices"]:
            return [
                _error(
                    "form.not_a_choice",
                    path,
                    f"{label_en}: choose one of {', '.join(spec['choices'])}.",
                    f"{label_zh}：请选择所列选项之一。",
                )
            ]
    elif kind == "bool":
        if not isinstance(value, bool):
            return [
                _error(
                    "form.not_a_boolean",
                    path,
                    f"{label_en}: answer true or false.",
                    f"{label_zh}：请回答是或否。",
                )
            ]
        if complete and spec.get("must_be_true") and value is not True:
            return [
                _error(
                    "form.not_confirmed",
                    path,
                    f"{label_en}: must be confirmed.",
                    f"{label_zh}：须确认。",
                )
            ]
    elif kind == "list":
        if not isinstance(value, list) or len(value) > MAX_ROWS:
            return [
                _error(
                    "form.not_a_list",
                    path,
                    f"{label_en}: give a list of at most {MAX_ROWS} rows.",
                    f"{label_zh}：请提供不超过{MAX_ROWS}行的列表。",
                )
            ]
        errors = []
        for index, row in enumerate(value):
            if not isinstance(row, dict):
                errors.append(
                    _error(
                        "form.row_not_an_object",
                        f"{path}.{index}",
                        f"{label_en}: each row is an object.",
                        f"{label_zh}：每行应为对象。",
                    )
                )
                continue
            known = {f["code"] for f in spec["fields"]}
            errors += [
                _error("form.unknown_field", f"{path}.{index}.{k}", "Unknown field.", "未知字段。")
                for k in row
                if k not in known
            ]
            for field in spec["fields"]:
                errors += _check_field(
                    field, row.get(field["code"]), f"{path}.{index}.{field['code']}", complete
                )
        return errors
    return []


def check(form: dict, sections: list[dict], *, complete: bool) -> list[dict]:
    """Problems of the form against the sections asked (`sections_for`); `complete` also
    requires the required fields (a draft may be saved half-filled, never with a malformed
    value)."""
    if not isinstance(form, dict):
        return [
            _error("form.not_an_object", "form", "The form must be an object.", "表单应为对象。")
        ]
    fields = {f["code"]: f for s in sections for f in s["fields"]}
    errors = [
        _error(
            "form.unknown_field",
            f"form.{k}",
            "Unknown field for this application.",
            "本申请没有此字段。",
        )
        for k in form
        if k not in fields
    ]
    for code, spec in fields.items():
        errors += _check_field(spec, form.get(code), f"form.{code}", complete)
    return errors
