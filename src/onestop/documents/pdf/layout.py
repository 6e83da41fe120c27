"""The layout every document shares: A4 pages; a header naming the authority, the title, the
numbers and a QR code of the progress page; bilingual label / value rows; tables; check boxes
drawn as vector boxes (the font has no ☐ / ☑ glyphs); notes with their sources; and a footer
with "page n of m" and the time the document was made.

Every text is given in both languages as {"zh": ..., "en": ...}: Chinese first, English below
it in a smaller grey size, as on the official bilingual forms (004 附件4).
"""

from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.barcode import code128, qr
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .fonts import cjk_font

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
BOTTOM_MARGIN = 20 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN  # the frame's width: every table adds up to it
MUTED = colors.HexColor("#4a4a4a")
RULE = colors.HexColor("#8c8c8c")
SHADE = colors.HexColor("#eeeeee")

# Words used on every document.
PROGRESS = {"zh": "扫码查询办理进度", "en": "Scan to follow the progress"}
GENERATED = {"zh": "生成时间", "en": "Generated"}
NONE = {"zh": "无", "en": "None"}
BOOKING_CODE = {"zh": "预约码", "en": "Booking code"}


def words(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles in the CJK font; CJK wrapping keeps Latin words whole."""
    font = cjk_font()

    def style(name, size, leading=None, color=colors.black, **more):
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=leading or size * 1.3,
            textColor=color,
            wordWrap="CJK",
            **more,
        )

    return {
        "zh": style("zh", 9),
        "en": style("en", 7, color=MUTED),
        "value": style("value", 10),
        "body_zh": style("body_zh", 10, 14),
        "body_en": style("body_en", 8.5, 11.5, MUTED),
        "title_zh": style("title_zh", 18, 23, alignment=TA_CENTER),
        "title_en": style("title_en", 9.5, 12, MUTED, alignment=TA_CENTER),
        "authority_zh": style("authority_zh", 11, 14, alignment=TA_CENTER),
        "authority_en": style("authority_en", 8, 10, MUTED, alignment=TA_CENTER),
        "heading_zh": style("heading_zh", 11, 14),
        "heading_en": style("heading_en", 8.5, 10.5, MUTED),
        "source": style("source", 7, 9, MUTED, alignment=TA_RIGHT),
        "small": style("small", 7, 9, MUTED),
        "small_center": style("small_center", 6.5, 8, MUTED, alignment=TA_CENTER),
        "small_right": style("small_right", 6.5, 8, MUTED, alignment=TA_RIGHT),
        "number": style("number", 12, 15),
    }


def para(text, style: str = "value") -> Paragraph:
    """Plain text (never markup) as a paragraph; line breaks kept."""
    shown = escape(str(text if text is not None else "")).replace("\n", "<br/>")
    return Paragraph(shown, styles()[style])


def label(text: dict, zh: str = "zh", en: str = "en") -> list[Paragraph]:
    """A bilingual label: Chinese above, English below."""
    shown = [para(text["zh"], zh)]
    if text.get("en"):
        shown.append(para(text["en"], en))
    return shown


def sourced(shown, source: str) -> list:
    """A value with the source it rests on under it, small."""
    return [*value(shown), para(source, "small")] if source else value(shown)


def value(shown) -> list:
    """A value cell: a text, a pair of languages, a flowable, or nothing (left blank)."""
    if shown is None or shown == "":
        return [para("")]
    if isinstance(shown, dict):
        return label(shown, "value", "en")
    if isinstance(shown, Flowable):
        return [shown]
    if isinstance(shown, list):
        return shown
    return [para(shown)]


class CheckBox(Flowable):
    """A square box, ticked or empty, drawn as lines."""

    def __init__(self, checked: bool, size: float = 3.4 * mm):
        super().__init__()
        self.checked = checked
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        c = self.canv
        c.setLineWidth(0.7)
        c.rect(0, 0, self.size, self.size)
        if self.checked:
            s = self.size
            c.setLineWidth(1.3)
            path = c.beginPath()
            path.moveTo(s * 0.18, s * 0.52)
            path.lineTo(s * 0.42, s * 0.22)
            path.lineTo(s * 0.85, s * 0.85)
            c.drawPath(path, stroke=1, fill=0)


def choices(options: list[tuple[dict, bool]], width: float, per_row: int | None = None) -> Table:
    """Every option of a choice with its box, the chosen one ticked (004 附件4 □)."""
    per_row = per_row or max(1, min(len(options), int(width // (26 * mm)) or 1))
    box = 5 * mm
    text = width / per_row - box
    rows = []
    for start in range(0, len(options), per_row):
        row = []
        for words_, checked in options[start : start + per_row]:
            row += [CheckBox(checked), label(words_, "zh", "en")]
        row += [""] * (2 * per_row - len(row))
        rows.append(row)
    table = Table(rows, colWidths=[box, text] * per_row)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, RULE),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
]


def fact_rows(rows: list[tuple[dict, object]], label_width: float = 52 * mm) -> Table:
    """Label / value rows, the label shaded."""
    table = Table(
        [[label(words_), value(shown)] for words_, shown in rows],
        colWidths=[label_width, WIDTH - label_width],
    )
    table.setStyle(TableStyle([*GRID, ("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    return table


def pair_grid(
    cells: list[tuple[dict, object, bool]], width: float = WIDTH, label_width: float = 30 * mm
) -> Table:
    """Two label / value pairs a row; a cell marked wide takes the whole row."""
    value_width = width / 2 - label_width
    rows, spans, pending = [], [], []

    def flush():
        if pending:
            row = []
            for words_, shown in pending:
                row += [label(words_), value(shown)]
            rows.append(row + [""] * (4 - len(row)))
            if len(pending) == 1:
                spans.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
            pending.clear()

    for words_, shown, wide in cells:
        if wide:
            flush()
            rows.append([label(words_), value(shown), "", ""])
            spans.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
        else:
            pending.append((words_, shown))
            if len(pending) == 2:
                flush()
    flush()
    table = Table(rows, colWidths=[label_width, value_width, label_width, value_width])
    shade = [("BACKGROUND", (0, 0), (0, -1), SHADE), ("BACKGROUND", (2, 0), (2, -1), SHADE)]
    # A spanned value covers the shaded third column: paint it white again.
    unshade = [("BACKGROUND", start, end, colors.white) for _, start, end in spans]
    table.setStyle(TableStyle([*GRID, *shade, *spans, *unshade]))
    return table


def data_table(headers: list[dict], rows: list[list], widths: list[float]) -> Table:
    """A table with bilingual column headers repeated on every page; "None" when empty."""
    body = [[value(cell) for cell in row] for row in rows]
    if not body:
        body = [[label(NONE, "value", "en")] + [""] * (len(headers) - 1)]
    table = Table(
        [[label(h) for h in headers], *body],
        colWidths=widths,
        repeatRows=1,
    )
    extra = [("SPAN", (0, 1), (-1, 1))] if not rows else []
    table.setStyle(TableStyle([*GRID, ("BACKGROUND", (0, 0), (-1, 0), SHADE), *extra]))
    return table


def heading(text: dict, number: str = "", source: str = "") -> Flowable:
    """A section's title: its number, both languages and, on the right, its source."""
    title = [
        para(f"{number}{text['zh']}", "heading_zh"),
        para(text["en"], "heading_en"),
    ]
    table = Table(
        [[title, para(source, "source")]],
        colWidths=[WIDTH - 45 * mm, 45 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def note(text: dict, source: str = "") -> list:
    """A paragraph in both languages, the source after the English."""
    english = text["en"] + (f" ({source})" if source and source not in text["en"] else "")
    return [para(text["zh"], "body_zh"), para(english, "body_en"), Spacer(0, 2 * mm)]


def space(height_mm: float = 3) -> Spacer:
    return Spacer(0, height_mm * mm)


def keep(*flowables) -> KeepTogether:
    return KeepTogether(list(flowables))


def qr_code(url: str, size: float = 28 * mm) -> Flowable:
    """A QR code of `url`, a link that holds no personal data, with its quiet zone of four
    modules; drawn straight on the page (ReportLab's QR flowable, several times faster than its
    graphics widget)."""
    return qr.QrCode(url, width=size, height=size, qrLevel="M", qrBorder=4)


def barcode(code: str) -> list:
    """A Code 128 barcode of a booking code with the code under it (000 §十一 4)."""
    return [
        # 0.28 mm modules with their quiet zones: about 40 mm for an 8-character code.
        code128.Code128(code, barHeight=11 * mm, barWidth=0.28 * mm, quiet=True),
        para(code, "number"),
    ]


@dataclass
class Header:
    """What the top of the first page says."""

    authority: list[dict]  # the issuing authority, one line each
    title: dict
    numbers: list[tuple[dict, str]]  # (label, value): the application number first
    progress_url: str
    booking_code: str | None = None
    subtitle: dict | None = None


def header(top: Header) -> list:
    """Booking barcode (if any) at the top left, the authority and title in the middle, the QR
    code of the progress page at the right; the numbers under them."""
    left = (
        [label(BOOKING_CODE, "small", "small"), *barcode(top.booking_code)]
        if (top.booking_code)
        else ""
    )
    middle = []
    for line in top.authority:
        middle += [para(line["zh"], "authority_zh"), para(line["en"], "authority_en")]
    middle += [space(2), para(top.title["zh"], "title_zh"), para(top.title["en"], "title_en")]
    if top.subtitle:
        middle += [
            para(top.subtitle["zh"], "small_center"),
            para(top.subtitle["en"], "small_center"),
        ]
    right = [qr_code(top.progress_url), *label(PROGRESS, "small_right", "small_right")]
    side = 42 * mm  # both sides alike, so that the title stands in the middle of the page
    band = Table([[left, middle, right]], colWidths=[side, WIDTH - 2 * side, side])
    band.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    cells = []
    for words_, shown in top.numbers:
        cells += [label(words_), [para(shown, "number")]]
    per = WIDTH / max(1, len(top.numbers))
    numbers = Table([cells], colWidths=[32 * mm, per - 32 * mm] * len(top.numbers))
    numbers.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [band, space(3), numbers, space(2)]


def _numbered_canvas(top: Header, generated: str):
    """A canvas that draws, once the page count is known, the running header of the later
    pages and the footer of every page."""
    running = f"{top.title['zh']} {top.title['en']} · {top.numbers[0][1]}"
    footer_left = f"{GENERATED['zh']} {GENERATED['en']}: {generated}"

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int):
            font = cjk_font()
            page = self.getPageNumber()
            self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            if page > 1:
                self.setFont(font, 7.5)
                self.drawString(MARGIN, PAGE_HEIGHT - 10 * mm, running)
                self.line(
                    MARGIN, PAGE_HEIGHT - 11.5 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 11.5 * mm
                )
            self.line(MARGIN, 14 * mm, PAGE_WIDTH - MARGIN, 14 * mm)
            self.setFont(font, 7.5)
            self.drawString(MARGIN, 10 * mm, footer_left)
            self.drawRightString(
                PAGE_WIDTH - MARGIN,
                10 * mm,
                f"第 {page} 页，共 {total} 页 · Page {page} of {total}",
            )

    return NumberedCanvas


def render(top: Header, story: list) -> bytes:
    """The document as PDF bytes: the header, then `story`, on as many A4 pages as it takes.
    The file's metadata names the document and its number, never the person."""
    generated = timezone.localtime().isoformat(timespec="minutes").replace("T", " ")
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=f"{top.title['zh']} {top.title['en']} {top.numbers[0][1]}",
        author=" ".join(line["en"] for line in top.authority),
        creator="onestop",
        subject="",
    )
    document.build([*header(top), *story], canvasmaker=_numbered_canvas(top, generated))
    return buffer.getvalue()
