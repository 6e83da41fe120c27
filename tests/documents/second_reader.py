"""What a browser's PDF engine finds in a file: PDFium (pypdfium2), a reader other than the
qpdf that checks uploads, asked through its own API for everything that can act.

PDFium has no call for the catalog's /OpenAction or /AA; pypdf, a third reader, looks at those.
"""

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader

ACTIVE_ANNOTATIONS = {
    pdfium_c.FPDF_ANNOT_FILEATTACHMENT: "file attachment annotation",
    pdfium_c.FPDF_ANNOT_SOUND: "sound",
    pdfium_c.FPDF_ANNOT_MOVIE: "movie",
    pdfium_c.FPDF_ANNOT_SCREEN: "screen",
    pdfium_c.FPDF_ANNOT_RICHMEDIA: "rich media",
    pdfium_c.FPDF_ANNOT_THREED: "3D",
}
SHOWING_ACTIONS = {pdfium_c.PDFACTION_GOTO, pdfium_c.PDFACTION_URI}


def active_content(content: bytes) -> list[str]:
    """Everything in the file that PDFium (or, for the catalog, pypdf) sees acting."""
    found = []
    document = pdfium.PdfDocument(content)
    try:
        if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw) > 0:
            found.append("document JavaScript")
        if pdfium_c.FPDFDoc_GetAttachmentCount(document.raw) > 0:
            found.append("attachment")
        if pdfium_c.FPDF_GetFormType(document.raw) in (
            pdfium_c.FORMTYPE_XFA_FULL,
            pdfium_c.FORMTYPE_XFA_FOREGROUND,
        ):
            found.append("XFA form")
        for index in range(len(document)):
            page = document[index]
            found += [f"page {index + 1}: {what}" for what in _on_page(page)]
            page.close()
    finally:
        document.close()
    return found + _in_catalog(content)


def page_count(content: bytes) -> int:
    document = pdfium.PdfDocument(content)
    try:
        return len(document)
    finally:
        document.close()


def _on_page(page) -> list[str]:
    found = []
    for kind in (pdfium_c.FPDFPAGE_AACTION_OPEN, pdfium_c.FPDFPAGE_AACTION_CLOSE):
        if pdfium_c.FPDF_GetPageAAction(page.raw, kind):
            found.append("page action")
    for index in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annotation = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annotation)
            if subtype in ACTIVE_ANNOTATIONS:
                found.append(ACTIVE_ANNOTATIONS[subtype])
            if pdfium_c.FPDFAnnot_HasKey(annotation, b"AA"):
                found.append("annotation additional actions")
            if pdfium_c.FPDFAnnot_HasKey(annotation, b"A"):
                found += _annotation_action(annotation)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annotation)
    return found


def _annotation_action(annotation) -> list[str]:
    link = pdfium_c.FPDFAnnot_GetLink(annotation)
    action = pdfium_c.FPDFLink_GetAction(link) if link else None
    if not action:
        return ["annotation action"]
    kind = pdfium_c.FPDFAction_GetType(action)
    if kind not in SHOWING_ACTIONS:
        return [f"link action of type {kind}"]
    if kind == pdfium_c.PDFACTION_URI:
        size = pdfium_c.FPDFAction_GetURIPath(None, action, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDFAction_GetURIPath(None, action, buffer, size)
        if not buffer.value.lower().startswith((b"http:", b"https:", b"mailto:")):
            return [f"link to {buffer.value[:20]!r}"]
    return []


def _in_catalog(content: bytes) -> list[str]:
    root = PdfReader(io.BytesIO(content), strict=False).trailer["/Root"].get_object()
    found = []
    if "/AA" in root:
        found.append("document additional actions")
    opening = root.get("/OpenAction")
    opening = opening.get_object() if opening is not None else None
    if isinstance(opening, dict) and opening.get("/S") != "/GoTo":
        found.append(f"open action {opening.get('/S')}")
    return found
