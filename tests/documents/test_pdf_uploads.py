"""Uploaded PDFs are stored as written anew from the graph that was checked, never as given:
hostile files a checking parser and a browser's engine read differently are refused or come out
clean as PDFium sees them (documents/pdf_uploads.py, through uploads.clean and add_upload).

Every hostile sample is written here byte by byte, as the outside review described them."""

import io
import re

import pikepdf
import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from onestop.applications.models import Event
from onestop.documents import uploads
from onestop.refusals import Invalid
from tests.documents.second_reader import active_content, page_count
from tests.documents.test_uploads import draft, give, stored  # noqa: F401 (draft: a fixture)

pytestmark = pytest.mark.django_db

# A PDF written by hand --------------------------------------------------------------------------

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PAGES = [
    (2, b"<</Type/Pages/Kids[3 0 R]/Count 1>>"),
    (3, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>"),
    (4, b"<</Length 35>>stream\nBT /F1 12 Tf 72 720 Td (Hi) Tj ET\nendstream"),
]
CATALOG = (1, b"<</Type/Catalog/Pages 2 0 R>>")
# The catalog a browser must not get: JavaScript run on opening, and in the names tree.
HOSTILE_CATALOG = (
    1,
    b"<</Type/Catalog/Pages 2 0 R/OpenAction 5 0 R/Names<</JavaScript 6 0 R>>>>",
)
SCRIPT = [
    (5, b"<</Type/Action/S/JavaScript/JS(app.alert\\(1\\))>>"),
    (6, b"<</Names[(run) 5 0 R]>>"),
]


def raw_pdf(objects, *, xref_to=None, shift=0, trailer=b"") -> bytes:
    """`objects` [(number, body)] in order; the table points at the last object of each number,
    or at the `xref_to[number]`-th in the list; every offset is moved by `shift` bytes."""
    out = bytearray(HEADER)
    offsets = []
    for number, body in objects:
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    numbers = sorted({n for n, _ in objects})
    chosen = {n: max(i for i, (m, _) in enumerate(objects) if m == n) for n in numbers}
    chosen.update(xref_to or {})
    size = max(numbers) + 1
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        at = offsets[chosen[number]] + shift if number in chosen else 0
        out += b"%010d 00000 %s \n" % (at, b"n" if number in chosen else b"f")
    out += b"trailer\n<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        trailer,
        table,
    )
    return bytes(out)


def updated(base: bytes, objects, *, startxref_shift=0) -> bytes:
    """`base` with an incremental update appended (ISO 32000-1 §7.5.6) replacing `objects`."""
    previous = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    size = int(re.findall(rb"/Size (\d+)", base)[-1])
    out = bytearray(base)
    offsets = {}
    for number, body in objects:
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n"
    for number in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    size = max(size, max(offsets) + 1)
    out += b"trailer\n<</Size %d/Root 1 0 R/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        previous,
        table + startxref_shift,
    )
    return bytes(out)


def page_with(annotation: bytes) -> list:
    """The page with one annotation (object 7)."""
    return [
        PAGES[0],
        (3, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Annots[7 0 R]>>"),
        PAGES[2],
        (7, annotation),
    ]


PLAIN = raw_pdf([CATALOG, *PAGES])
EMBEDDED = [
    (1, b"<</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles 8 0 R>>>>"),
    *PAGES,
    (8, b"<</Names[(run.exe) 9 0 R]>>"),
    (9, b"<</Type/Filespec/F(run.exe)/EF<</F 10 0 R>>>>"),
    (10, b"<</Type/EmbeddedFile/Length 4>>stream\n\x7fELF\nendstream"),
]
LINK = b"<</Type/Annot/Subtype/Link/Rect[0 0 100 100]/A<<%s>>>>"

# (what, the file, whether PDFium finds active content in the file as given)
HOSTILE = [
    (
        "two objects under one number, the table 3 bytes off: a rebuilding reader takes the "
        "second, which runs JavaScript",
        raw_pdf([CATALOG, *PAGES, *SCRIPT, HOSTILE_CATALOG], xref_to={1: 0}, shift=3),
        True,
    ),
    (
        "two objects under one number, the table exact and at the harmless one",
        raw_pdf([CATALOG, *PAGES, *SCRIPT, HOSTILE_CATALOG], xref_to={1: 0}),
        False,
    ),
    (
        "two objects under one number, the JavaScript first, the table 2 bytes off",
        raw_pdf([HOSTILE_CATALOG, *PAGES, *SCRIPT, CATALOG], xref_to={1: 0}, shift=2),
        True,
    ),
    ("an incremental update adding JavaScript", updated(PLAIN, [HOSTILE_CATALOG, *SCRIPT]), True),
    (
        "an incremental update adding JavaScript, its startxref pointing nowhere",
        updated(PLAIN, [HOSTILE_CATALOG, *SCRIPT], startxref_shift=7),
        True,
    ),
    (
        "a link running JavaScript",
        raw_pdf([CATALOG, *page_with(LINK % b"/S/JavaScript/JS(app.alert\\(1\\))")]),
        True,
    ),
    (
        "a widget with additional actions",
        raw_pdf(
            [
                CATALOG,
                *page_with(
                    b"<</Type/Annot/Subtype/Widget/FT/Tx/T(a)/Rect[0 0 100 20]"
                    b"/AA<</K<</S/JavaScript/JS(app.alert\\(1\\))>>>>>>"
                ),
            ]
        ),
        True,
    ),
    ("an embedded file", raw_pdf(EMBEDDED), True),
    (
        "a link launching a program",
        raw_pdf([CATALOG, *page_with(LINK % b"/S/Launch/F(calc.exe)")]),
        True,
    ),
    (
        "a link opening another file",
        raw_pdf([CATALOG, *page_with(LINK % b"/S/GoToR/F(other.pdf)/D[0/Fit]")]),
        True,
    ),
    (
        "a launch on opening",
        raw_pdf(
            [(1, b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/Launch/F(calc.exe)>>>>"), *PAGES]
        ),
        True,
    ),
    (
        "a javascript: link",
        raw_pdf([CATALOG, *page_with(LINK % b"/S/URI/URI( javascript:alert\\(1\\))")]),
        True,
    ),
]


@pytest.mark.parametrize(
    ("what", "content", "seen_as_given"), [pytest.param(*row, id=row[0][:60]) for row in HOSTILE]
)
def test_a_hostile_pdf_is_refused_or_stored_clean_as_pdfium_sees_it(
    draft,  # noqa: F811 (the fixture)
    what,
    content,
    seen_as_given,
):
    assert bool(active_content(content)) == seen_as_given, what  # the sample is what it says
    try:
        upload = give(draft, content)
    except Invalid as refused:
        assert "This PDF contains" in refused.errors[0]["message_en"], what
        return
    kept = stored(upload)
    assert kept != content
    assert active_content(kept) == [], what
    assert page_count(kept) == 1


def test_javascript_a_browser_would_run_is_refused_even_when_the_table_points_elsewhere(draft):  # noqa: F811
    content = HOSTILE[0][1]
    # PDFium rebuilds the table and runs the script; pypdf, as the check before, did not see it.
    assert "document JavaScript" in active_content(content)
    with pytest.raises(Invalid) as refused:
        give(draft, content)
    assert refused.value.errors[0]["message_en"].startswith("This PDF contains JavaScript")
    assert refused.value.errors[0]["message_zh"].startswith("该PDF文件含有JavaScript脚本")


def test_a_repaired_pdf_is_stored_as_read_and_the_repair_is_recorded(draft):  # noqa: F811
    content = raw_pdf([CATALOG, *PAGES], shift=5)  # every offset wrong: the table is rebuilt
    upload = give(draft, content)
    kept = stored(upload)
    assert kept != content and page_count(kept) == 1 and active_content(kept) == []
    assert pikepdf.open(io.BytesIO(kept)).get_warnings() == []  # nothing left to repair
    assert Event.objects.get(kind="upload").data["repaired"] is True


def test_an_encrypted_pdf_is_refused(draft):  # noqa: F811
    out = io.BytesIO()
    pdf = pikepdf.open(io.BytesIO(PLAIN))
    pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="", R=6))
    with pytest.raises(Invalid) as refused:
        give(draft, out.getvalue())
    assert "password or encryption" in refused.value.errors[0]["message_en"]
    assert "已加密" in refused.value.errors[0]["message_zh"]


def test_a_pdf_needing_a_password_is_refused(draft):  # noqa: F811
    out = io.BytesIO()
    pikepdf.open(io.BytesIO(PLAIN)).save(
        out, encryption=pikepdf.Encryption(owner="owner", user="secret", R=4)
    )
    with pytest.raises(Invalid) as refused:
        give(draft, out.getvalue())
    assert "password or encryption" in refused.value.errors[0]["message_en"]


# What a pre-examiner reads is kept ----------------------------------------------------------


def scan(pages: int = 2) -> bytes:
    """A scan as an office's scanner makes it: a photo of the page and a line of text on each."""
    photo = Image.new("RGB", (600, 400), (240, 240, 230))
    photo.paste((30, 60, 160), (100, 100, 500, 300))
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=A4)
    for number in range(pages):
        drawing.drawImage(ImageReader(photo), 50, 300, width=480, height=320)
        drawing.drawString(72, 200, f"Passport data page {number + 1}")
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def rendered(content: bytes, index: int) -> bytes:
    document = pdfium.PdfDocument(content)
    try:
        return document[index].render(scale=0.5).to_pil().tobytes()
    finally:
        document.close()


def test_a_scan_keeps_its_pages_text_and_images_pixel_for_pixel(draft):  # noqa: F811
    given = scan()
    upload = give(draft, given)
    kept = stored(upload)
    assert kept != given and upload.cleaned
    assert page_count(kept) == 2
    assert rendered(kept, 0) == rendered(given, 0)
    assert rendered(kept, 1) == rendered(given, 1)


# Whatever a mutated file is, what is stored does not act ----------------------------------------

BENIGN = scan(pages=2)
TOKENS = [
    b"1 0 obj",
    b"endobj",
    b"/JS (x)",
    b"/OpenAction 5 0 R",
    b"xref",
    b"trailer",
    b"<<",
    b">>",
]


@st.composite
def mutated(draw) -> bytes:
    content = bytearray(BENIGN)
    for _ in range(draw(st.integers(1, 4))):
        if len(content) < 32:
            break
        at = draw(st.integers(0, len(content) - 1))
        change = draw(st.sampled_from(["flip", "delete", "insert", "token", "truncate"]))
        if change == "flip":
            content[at] ^= draw(st.integers(1, 255))
        elif change == "delete":
            del content[at : at + draw(st.integers(1, 64))]
        elif change == "insert":
            content[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif change == "token":
            content[at:at] = draw(st.sampled_from(TOKENS))
        elif at > 16:
            del content[at:]
    return bytes(content)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=mutated())
def test_whatever_a_mutated_pdf_becomes_what_is_stored_does_not_act_and_keeps_its_pages(content):
    try:
        kept = uploads.clean(content)
    except Invalid:
        return
    assert active_content(kept.content) == []
    assert page_count(kept.content) == len(pikepdf.open(io.BytesIO(content)).pages)
