"""The official application form (外国人签证证件申请表, 004 附件4) filled in from the one form
(catalog/data/forms/application_form.yaml): every section the application asks, numbered as on
the official form, with both languages' labels, the chosen boxes ticked, the dependents, the
declaration and the places to sign. With a booking, its code and Code 128 barcode stand at the
top left, where the applicant would otherwise write the code by hand (000 §十一 4)."""

import re

from django.utils import timezone
from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle

from onestop.applications.form import sections_for
from onestop.applications.models import Application
from onestop.documents.pdf import layout
from onestop.documents.pdf.layout import mm, words
from onestop.rules import bundles

from . import facts

TITLE = words("外国人签证证件申请表", "VISA / STAY PERMIT / RESIDENCE PERMIT APPLICATION FORM")
# The official form's own words (004 附件4); the form a person signs prints no source codes
# (the guide and the answers carry them).
SUBTITLE = words("请用黑色或蓝色墨水笔填写内容", "Please complete the form in black or blue ink")
PHOTO = words(
    "照片\n近期2寸正面免冠白底彩色照片",
    "Photo: recent 2-inch colour photo of the face, white background, no headwear",
)
APPOINTMENT = words("预约", "Appointment")
SIGNATURE = words("申请人签字", "Applicant's signature")
AGENT_SIGNATURE = words("代办人签字", "Agent's signature")
TEL = words("联系电话", "Applicant's Tel")
AGENT_TEL = words("联系电话", "Agent's Tel")
DATE = words("申请日期", "Application date")
SEAL = words("单位印章", "Company/School's seal")
NOTE = words("备注", "Notes")
HANDLER_SIGNATURE = words("经办人签字", "Signature of the person handling the application")
NUMBERED = re.compile(r"004 附件4 §(\d+)")
LABEL_WIDTH = 30 * mm
PADDING = 8  # a cell's left and right padding, in points


def _cell(spec: dict, value, value_width: float) -> tuple[object, bool]:
    """(what the cell shows, whether it takes a whole row)."""
    kind = spec["type"]
    if kind == "choice":
        options = [
            (words(choice["zh"], choice["en"]), code == value)
            for code, choice in spec["choices"].items()
        ]
        wide = len(options) > 2
        width = (layout.WIDTH - LABEL_WIDTH if wide else value_width) - PADDING
        return layout.choices(options, width), wide
    if kind == "bool":
        return layout.choices([(words("是", "Yes"), value is True)], value_width - PADDING), False
    shown = "" if value in (None, "") else str(value)
    return shown, len(shown) > 40


def _grid(fields: list[dict], form: dict, width: float = layout.WIDTH):
    value_width = width / 2 - LABEL_WIDTH
    cells = []
    for spec in fields:
        shown, wide = _cell(spec, form.get(spec["code"]), value_width)
        cells.append((words(spec["zh"], spec["en"]), shown, wide))
    return layout.pair_grid(cells, width=width, label_width=LABEL_WIDTH)


def _photo() -> Table:
    box = Table(
        [[[layout.para(PHOTO["zh"], "small_center"), layout.para(PHOTO["en"], "small_center")]]],
        colWidths=[33 * mm],
        rowHeights=[48 * mm],
    )
    box.setStyle(
        TableStyle(
            [("BOX", (0, 0), (-1, -1), 0.7, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        )
    )
    return box


def _dependents(spec: dict, rows) -> Table:
    columns = spec["fields"]
    shown = []
    for row in rows if isinstance(rows, list) else []:
        line = []
        for field in columns:
            value = row.get(field["code"]) if isinstance(row, dict) else None
            if field["type"] == "choice" and value in field["choices"]:
                value = field["choices"][value]
            line.append(value or "")
        shown.append(line)
    widths = [34 * mm, 40 * mm, 26 * mm, 32 * mm]
    return layout.data_table(
        [words(f["zh"], f["en"]) for f in columns],
        shown,
        [*widths, layout.WIDTH - sum(widths)],
    )


def _declaration(section: dict, application: Application) -> list:
    form = application.form
    fields = {f["code"]: f for f in section["fields"]}
    shown = []
    if "notes" in fields:
        shown.append(_grid([fields["notes"]], form))
    # The bundle's words in the form's blank space, with the handler's signature (002 §4a).
    note = bundles.form_note(application.bundle_version)
    if note is not None:
        shown.append(
            layout.pair_grid(
                [
                    (
                        NOTE,
                        words(note.zh, note.en),
                        False,
                    ),
                    (HANDLER_SIGNATURE, layout.space(9), False),
                ],
                label_width=LABEL_WIDTH,
            )
        )
    spec = fields["declaration"]
    declared = Table(
        [[layout.CheckBox(form.get("declaration") is True), layout.note(spec)]],
        colWidths=[7 * mm, layout.WIDTH - 7 * mm],
    )
    declared.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 6)])
    )
    signed = layout.space(12)
    submitted = application.submitted_at and timezone.localtime(application.submitted_at).date()
    agent = form.get("agent_name") or ""
    shown += [
        declared,
        layout.pair_grid(
            [
                (SIGNATURE, signed, False),
                (AGENT_SIGNATURE, [layout.para(agent, "small"), layout.space(9)], False),
                (TEL, form.get("phone") or "", False),
                (AGENT_TEL, form.get("agent_phone") or "", False),
                (DATE, submitted.isoformat() if submitted else "", False),
                (SEAL, layout.space(18), False),
            ],
            label_width=LABEL_WIDTH,
        ),
    ]
    return shown


def _section(section: dict, application: Application) -> list:
    found = NUMBERED.search(section["source"])
    heading = layout.heading(section["title"], number=f"{found.group(1)}、" if found else "")
    if section["code"] == "dependents":
        spec = section["fields"][0]
        return [
            layout.keep(
                heading, layout.space(1), _dependents(spec, application.form.get(spec["code"]))
            )
        ]
    if section["code"] == "declaration":
        return [heading, layout.space(1), *_declaration(section, application)]
    if section["code"] == "applicant":
        width = layout.WIDTH - 36 * mm
        beside = Table(
            [[_grid(section["fields"], application.form, width), _photo()]],
            colWidths=[width, 36 * mm],
        )
        beside.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return [heading, layout.space(1), beside]
    return [layout.keep(heading, layout.space(1), _grid(section["fields"], application.form))]


def application_form_pdf(application: Application) -> bytes:
    """The form of a filed application, ready to print, sign and hand in with the materials."""
    number = facts.number_of(application)
    booked = facts.booking(application)
    top = layout.Header(
        authority=facts.window(application),
        title=TITLE,
        subtitle=SUBTITLE,
        numbers=[(facts.APPLICATION_NUMBER, number)],
        progress_url=facts.progress_url(),
        booking_code=booked.code if booked else None,
    )
    rows = [(facts.MATTERS, facts.matter_names(application))]
    if booked:
        slot = booked.slot
        when = f"{slot.starts:%H:%M}-{slot.ends:%H:%M}"
        rows.append(
            (
                APPOINTMENT,
                words(
                    f"{slot.hall.name_zh} {slot.date.isoformat()} {when}",
                    slot.hall.name_en,
                ),
            )
        )
    story = [layout.fact_rows(rows, label_width=LABEL_WIDTH)]
    for section in sections_for(application):
        story += _section(section, application)
    return layout.render(top, story)
