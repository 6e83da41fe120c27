"""Uploaded PDFs: read once, refused when anything in them can act, stored as written anew.

A PDF can be read in more than one way when its structure is off: two objects under one
number, a cross-reference table pointing at one while a reader that rebuilds the table takes
the other, an update appended after the end. A check that reads one way and a viewer that reads
the other disagree on what the file contains. So the file is parsed once, by qpdf (pikepdf),
which rebuilds a damaged table as viewers do; that one object graph is walked for active
content (ISO 32000-1 §12.6 actions, §12.6.4.16 JavaScript, §7.11.4 embedded files, §12.7.8 XFA
forms, §7.6 encryption; Adobe's RichMedia extension); and what is stored is qpdf's fresh
serialisation of exactly that graph, with a new cross-reference table and nothing that was not
reachable from its trailer. The uploaded bytes are never stored, so no other reader ever gets
to read them differently.

A file qpdf had to repair is written from what qpdf recovered, not refused: scanners and office
programs write slightly wrong offsets often enough that refusing would turn away real documents,
and once the file is written anew the repaired graph is the only one there is. That it was
repaired is recorded (`CleanPdf.repaired`, the upload event's `repaired`).

Written anew, a file loses the byte-for-byte identity an electronic signature covers: a signed
PDF keeps its pages and its signature dictionary but no longer verifies (docs/documents.md).
"""

import io
from dataclasses import dataclass

import pikepdf

from onestop.refusals import Invalid

from .refusal import refusal

MAX_PDF_PAGES = 50
# A scan of 50 pages has a few thousand objects; the walk stops well beyond that.
MAX_PDF_OBJECTS = 200_000

# What makes a PDF act rather than show, in both languages.
ACTIVE = {
    "javascript": ("JavaScript", "JavaScript脚本"),
    "automatic": ("an automatic action", "自动执行的动作"),
    "opening": ("an action run on opening", "打开时执行的动作"),
    "launch": ("a launch of a program", "启动程序的动作"),
    "import": ("an import of data", "导入数据的动作"),
    "submit": ("a form that sends data", "提交数据的表单"),
    "remote": ("a link that opens another file", "打开其他文件的链接"),
    "embedded": ("an embedded file", "嵌入的文件"),
    "media": ("rich media", "富媒体内容"),
    "xfa": ("an XFA form", "XFA表单"),
}
ACTIVE_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",  # the names tree of document JavaScript (§7.7.4)
    "/AA": "automatic",  # additional actions of the document, a page, an annotation, a field
    "/Launch": "launch",
    "/EmbeddedFile": "embedded",
    "/EmbeddedFiles": "embedded",
    "/EF": "embedded",
    "/RichMedia": "media",
    "/XFA": "xfa",
}
ACTIVE_ACTIONS = {  # values of /S (§12.6.4)
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/ImportData": "import",
    "/SubmitForm": "submit",
    "/GoToR": "remote",
    "/GoToE": "embedded",
    "/GoTo3DView": "media",
    "/RichMediaExecute": "media",
    "/Rendition": "media",
    "/Movie": "media",
    "/Sound": "media",
}
ACTIVE_SUBTYPES = {  # annotations (dictionaries of /Type /Annot, which may omit the type)
    "/FileAttachment": "embedded",
    "/RichMedia": "media",
    "/Screen": "media",
    "/Movie": "media",
    "/Sound": "media",
    "/3D": "media",
}
# A link to a web page stays (a certificate may point to where it can be verified); a "link"
# that runs script or opens a local file is the JavaScript or launch it pretends not to be.
ACTIVE_URI_SCHEMES = {"javascript": "javascript", "vbscript": "javascript", "file": "launch"}
# An /OpenAction that only shows a page (a destination, or a GoTo action) is harmless.
HARMLESS_OPEN_ACTIONS = {"/GoTo"}
# What the walk goes into: a stream's dictionary is walked like any other (an embedded file is
# a stream of /Type /EmbeddedFile).
CONTAINERS = (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)


@dataclass(frozen=True)
class CleanPdf:
    """The PDF to store, written anew from the object graph that was checked."""

    content: bytes
    repaired: bool  # qpdf had to rebuild the structure to read it


def clean_pdf(content: bytes) -> CleanPdf:
    """`content` parsed once and written anew, or `Invalid` saying in both languages why not."""
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except Exception as exc:  # a parser of untrusted input may fail in any way
        raise _unreadable() from exc
    with pdf:
        if pdf.is_encrypted:
            raise _encrypted()
        try:
            pages = len(pdf.pages)
            active = _active_content(pdf) if 0 < pages <= MAX_PDF_PAGES else None
        except Invalid:
            raise
        except Exception as exc:  # a key that is not UTF-8, a broken object deep inside ...
            raise _unreadable() from exc
        if pages == 0:
            raise refusal("upload.pdf_no_pages", "This PDF has no pages.", "该PDF文件没有页面。")
        if pages > MAX_PDF_PAGES:
            raise refusal(
                "upload.pdf_too_many_pages",
                "A PDF may have at most 50 pages: split it into one file per document.",
                "PDF文件不得超过50页：请按材料分成多个文件上传。",
            )
        if active:
            en, zh = ACTIVE[active]
            raise refusal(
                "upload.pdf_active_content",
                f"This PDF contains {en}, which is not allowed: print it to a new PDF, or scan it.",
                f"该PDF文件含有{zh}，不予接收：请将其打印为新的PDF文件或重新扫描。",
            )
        repaired = bool(pdf.get_warnings())
        out = io.BytesIO()
        try:
            # Only objects reachable from the trailer are written; a new cross-reference table;
            # an /ID computed from the content, so the same upload gives the same file.
            pdf.save(
                out,
                fix_metadata_version=False,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                deterministic_id=True,
            )
        except Exception as exc:  # an object qpdf read but cannot write
            raise _unreadable() from exc
    written = out.getvalue()
    _check_written(written, pages)
    return CleanPdf(written, repaired)


def _check_written(written: bytes, pages: int) -> None:
    """What is stored reads without any repair and with its pages. A file recovered from too
    little (no trailer left, say) can be written in a form qpdf itself cannot read back."""
    try:
        with pikepdf.open(io.BytesIO(written), attempt_recovery=False) as again:
            if again.get_warnings() or len(again.pages) != pages:
                raise _unreadable()
    except pikepdf.PdfError as exc:
        raise _unreadable() from exc


def _encrypted():
    return refusal(
        "upload.pdf_encrypted",
        "This PDF is protected with a password or encryption: give it without protection.",
        "该PDF文件设有密码或已加密：请上传未加密的文件。",
    )


def _unreadable():
    return refusal(
        "upload.pdf_damaged",
        "This PDF cannot be read: it is damaged. Save or scan it again.",
        "无法读取该PDF文件：文件已损坏，请重新保存或扫描。",
    )


def _active_content(pdf: pikepdf.Pdf) -> str | None:
    """What makes the document act, found anywhere reachable from its trailer (the catalog,
    the names, the pages, their annotations, forms, actions and their /Next chains): None when
    nothing does. Names written with escapes (/J#61vaScript) reach here decoded by qpdf."""
    seen: set[tuple[int, int]] = set()
    stack: list = [pdf.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise refusal(
                "upload.pdf_too_complex",
                "This PDF is too complex to check: print it to a new PDF, or scan it.",
                "该PDF文件结构过于复杂，无法检查：请将其打印为新的PDF文件或重新扫描。",
            )
        if isinstance(node, pikepdf.Array):
            stack.extend(v for v in node if isinstance(v, CONTAINERS))
            continue
        found = _active_in(node)
        if found:
            return found
        # /Parent and /P lead back up to what is walked anyway.
        stack.extend(
            v for k, v in node.items() if k not in ("/Parent", "/P") and isinstance(v, CONTAINERS)
        )
    return None


def _active_in(node) -> str | None:
    """What this dictionary (or stream's dictionary) does, if it acts."""
    keys = set(node.keys())
    for key, what in ACTIVE_KEYS.items():
        if key in keys:
            return what
    if "/OpenAction" in keys:
        found = _open_action(node["/OpenAction"])
        if found:
            return found
    action = _name(node, "/S", keys)
    if action in ACTIVE_ACTIONS:
        return ACTIVE_ACTIONS[action]
    if action == "/URI" and "/URI" in keys:
        scheme = str(node["/URI"]).split(":", 1)[0] if ":" in str(node["/URI"]) else ""
        # Viewers skip blanks and controls before the scheme, as browsers do.
        scheme = "".join(c for c in scheme if c.isalnum()).lower()
        if scheme in ACTIVE_URI_SCHEMES:
            return ACTIVE_URI_SCHEMES[scheme]
    kind = _name(node, "/Type", keys)
    if kind == "/EmbeddedFile":
        return "embedded"
    subtype = _name(node, "/Subtype", keys)
    if kind in (None, "/Annot") and subtype in ACTIVE_SUBTYPES:
        return ACTIVE_SUBTYPES[subtype]
    return None


def _name(node, key: str, keys: set) -> str | None:
    if key not in keys:
        return None
    value = node[key]
    if not isinstance(value, pikepdf.Name):
        return None
    try:
        return str(value)
    except UnicodeDecodeError:  # not UTF-8, so none of the names looked for
        return None


def _open_action(value) -> str | None:
    """What an /OpenAction does, None when it only shows a page (its /Next actions are walked
    like any other dictionary)."""
    if isinstance(value, pikepdf.Array):
        return None  # a destination: the page to show first
    if not isinstance(value, pikepdf.Dictionary | pikepdf.Stream):
        return "opening"
    action = _name(value, "/S", set(value.keys()))
    if action in HARMLESS_OPEN_ACTIONS:
        return None
    return ACTIVE_ACTIONS.get(action, "opening")
