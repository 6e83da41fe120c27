"""The application's file as the staff pages show it: the one form's sections with the answers
given, the materials with their files, and the application's record (pre-examination, window).

The window's pages (web/window.py) show the whole application; a department's case page shows
the form, the application's record and only the materials of the case's own matter (004 item 35:
each department examines what its matter asks for). Plain data for the templates; no decisions.
"""

from django.utils.translation import gettext as _

from onestop.accounts.models import Role
from onestop.applications.drafts import materials_of
from onestop.applications.events import EVENT_LABELS
from onestop.applications.form import sections_for
from onestop.applications.models import Application, Status
from onestop.applications.prefill import uploads_for_matter
from onestop.progress.timeline import timeline

# Files a browser shows in the page itself; any other type is only downloaded
# (documents/uploads.py accepts PDF, JPEG and PNG only, this holds should that list grow).
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def shown(spec: dict, value):
    """A form value as shown: a choice by its {"zh", "en"} words, a list row by row."""
    if value in (None, "", []):
        return None
    kind = spec["type"]
    if kind == "choice":
        return spec["choices"].get(value, value)
    if kind == "bool":
        return _("Yes") if value else _("No")
    if kind == "list" and isinstance(value, list):
        return [
            [
                {"label": {"zh": f["zh"], "en": f["en"]}, "value": shown(f, row.get(f["code"]))}
                for f in spec["fields"]
            ]
            for row in value
            if isinstance(row, dict)
        ]
    return value


def form_sections(application: Application) -> list[dict]:
    """The one form's sections as the applicant filled them in (applications/form.py)."""
    return [
        {
            "title": s["title"],
            "source": s["source"],
            "fields": [
                {
                    "label": {"zh": f["zh"], "en": f["en"]},
                    "kind": f["type"],
                    "value": shown(f, application.form.get(f["code"])),
                }
                for f in s["fields"]
            ],
        }
        for s in sections_for(application)
    ]


def matter_materials(application: Application, matter_code: str) -> list[dict]:
    """The materials of one matter of the application, each with the files given for it, oldest
    first; the files of the application's other matters are not among them."""
    files: dict[str, list] = {}
    for upload in uploads_for_matter(application, matter_code).order_by("uploaded_at", "pk"):
        upload.inline = upload.content_type in INLINE_TYPES
        files.setdefault(upload.material_code, []).append(upload)
    return [
        {
            **m,
            "name": {"zh": m["name_zh"], "en": m["name_en"]},
            "uploads": files.get(m["code"], []),
        }
        for m in materials_of(application)
        if m["matter"] == matter_code
    ]


def timeline_rows(application: Application) -> list[dict]:
    """The application's events (submission, pre-examination, notices, the window) with the role
    that acted, for the history table."""
    return [
        {
            **event,
            "what": EVENT_LABELS.get(event["kind"], event["kind"]),
            "role": _label(Role, event["role"]),
            "to_status": _label(Status, event["to_status"]),
            "referral": event["data"].get("referral", ""),
        }
        for event in timeline(application)
    ]


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value
