"""What an uploaded file is and what of it is kept: the one gate every file passes.

`clean(content)` reads the type from the bytes alone, refuses programs, scripts, archives and
anything else that is not a PDF, JPEG or PNG, enforces the limits of each kind, runs the
deployment's virus scanner (settings.ONESTOP_UPLOAD_SCANNER), decodes images and encodes them
again without any metadata (EXIF with GPS, XMP, ICC profiles, text chunks), and opens PDFs to
refuse encrypted, unreadable or active ones (JavaScript, actions, launches, embedded files,
rich media, XFA). A refusal is `Invalid` with bilingual errors on the field "file".

The limits are the platform's own, not the sources': the sources ask for electronic materials
(003 第十四条; 004 附件1, 附件3; 001 二(一) 1 "电子版照片") without saying how big they may be.
"""

import io
import logging
import warnings
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils.module_loading import import_string
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from onestop.applications.drafts import Invalid

logger = logging.getLogger(__name__)

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

MAX_BYTES = 10 * 1024 * 1024  # any file, as the upload page says
MAX_BYTES_BY_KIND = {PDF: MAX_BYTES, JPEG: MAX_BYTES, PNG: MAX_BYTES}
# A 50-megapixel photo decodes to 150 MB in RGB; a few hundred bytes of PNG may claim far more
# (a decompression bomb), so the size in the header is checked before any pixel is decoded.
MAX_IMAGE_PIXELS = 50_000_000
MAX_PDF_PAGES = 50
# A scan of 50 pages has a few thousand objects; the walk stops well beyond that.
MAX_PDF_OBJECTS = 200_000

# The first bytes of files that are never a document (a renamed program, script or archive).
PROGRAMS = (
    b"\x7fELF",  # Linux and Unix programs
    b"MZ",  # Windows programs and libraries (PE)
    b"\xfe\xed\xfa\xce",  # macOS programs (Mach-O, both byte orders, 32 and 64 bits)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS universal programs and Java classes
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
SCRIPTS = (b"#!", b"<?php", b"<script", b"<html", b"<!doctype", b"<svg", b"<?xml", b"{\\rtf")
ARCHIVES = (
    b"PK\x03\x04",  # zip, and the formats built on it (docx, xlsx, jar, apk)
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # old Office files, which may carry macros
    b"MSCF",  # cabinet
)

# What makes a PDF act rather than show, in both languages (ISO 32000-1 §12.6 actions, §7.11.4
# embedded files, §12.7.8 XFA forms; Adobe's RichMedia extension).
ACTIVE = {
    "javascript": ("JavaScript", "JavaScript脚本"),
    "automatic": ("an automatic action", "自动执行的动作"),
    "opening": ("an action run on opening", "打开时执行的动作"),
    "launch": ("a launch of a program", "启动程序的动作"),
    "import": ("an import of data", "导入数据的动作"),
    "submit": ("a form that sends data", "提交数据的表单"),
    "embedded": ("an embedded file", "嵌入的文件"),
    "media": ("rich media", "富媒体内容"),
    "xfa": ("an XFA form", "XFA表单"),
}
ACTIVE_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/AA": "automatic",
    "/Launch": "launch",
    "/EmbeddedFile": "embedded",
    "/EmbeddedFiles": "embedded",
    "/EF": "embedded",
    "/RichMedia": "media",
    "/XFA": "xfa",
}
ACTIVE_ACTIONS = {  # values of /S
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/ImportData": "import",
    "/SubmitForm": "submit",
    "/GoToE": "embedded",
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
# An /OpenAction that only shows a page (a destination, or a GoTo action) is harmless.
HARMLESS_OPEN_ACTIONS = {"/GoTo"}


@dataclass(frozen=True)
class CleanFile:
    """A file that passed: the bytes to store and what was done to them."""

    content: bytes
    content_type: str
    extension: str
    cleaned: bool  # decoded and encoded again without metadata (images)
    scanned: bool  # a virus scanner looked at it and found nothing
    scanner: str  # the dotted path of that scanner, "" when none is configured
    taken_on: date | None  # the photo's EXIF DateTimeOriginal, read before it was stripped


def refusal(message_en: str, message_zh: str) -> Invalid:
    return Invalid([{"field": "file", "message_en": message_en, "message_zh": message_zh}])


def too_big(limit_bytes: int) -> Invalid:
    mb = limit_bytes // (1024 * 1024)
    return refusal(f"A file may be at most {mb} MB.", f"单个文件不得超过{mb}MB。")


def clean(content: bytes) -> CleanFile:
    """The file to store for `content`, or `Invalid` saying in both languages why not."""
    if len(content) > MAX_BYTES:
        raise too_big(MAX_BYTES)
    kind = sniff(content)
    if len(content) > MAX_BYTES_BY_KIND[kind]:
        raise too_big(MAX_BYTES_BY_KIND[kind])
    scanner = _scan(content, kind)
    if kind == PDF:
        _check_pdf(content)
        return CleanFile(content, kind, "pdf", False, bool(scanner), scanner, None)
    cleaned, taken_on = _reencode(content, kind)
    return CleanFile(cleaned, kind, EXTENSIONS[kind], True, bool(scanner), scanner, taken_on)


def sniff(content: bytes) -> str:
    """The file's type from its first bytes, never from its name or what the browser claims."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(PROGRAMS):
        raise refusal(
            "This file is a program, not a document: give a PDF, JPEG or PNG file.",
            "该文件是可执行程序，不是文件材料：请上传PDF、JPEG或PNG文件。",
        )
    text = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(SCRIPTS):
        raise refusal(
            "This file is a script or web page, not a document: give a PDF, JPEG or PNG file.",
            "该文件是脚本或网页，不是文件材料：请上传PDF、JPEG或PNG文件。",
        )
    if content.startswith(ARCHIVES) or content[257:262] == b"ustar":
        raise refusal(
            "This file is an archive or an office file: give each document as a PDF, JPEG or "
            "PNG file.",
            "该文件是压缩包或办公文档：请将每份材料分别以PDF、JPEG或PNG文件上传。",
        )
    raise refusal("Give a PDF, JPEG or PNG file.", "请上传PDF、JPEG或PNG文件。")


def _scan(content: bytes, kind: str) -> str:
    """The configured scanner's path when it passed the file; "" when none is configured.

    Runs before any parser sees the bytes. A scanner that fails refuses the file: nothing is
    stored unscanned because the scanner was down."""
    path = settings.ONESTOP_UPLOAD_SCANNER
    if not path:
        return ""
    try:
        reason = import_string(path)(content, kind)
    except Exception as exc:
        logger.error("upload scanner %s failed: %s", path, type(exc).__name__)
        raise refusal(
            "The file could not be checked for viruses just now: try again later.",
            "暂时无法对该文件进行病毒检查，请稍后再试。",
        ) from exc
    if reason:
        raise refusal(
            f"The virus check refused this file ({reason}); it was not stored.",
            f"病毒检查拒绝了该文件（{reason}），文件未保存。",
        )
    return path


# Images ---------------------------------------------------------------------------------------


def _reencode(content: bytes, kind: str) -> tuple[bytes, date | None]:
    """The pixels only, upright, in the same format; and the EXIF date taken, if any."""
    corrupt = refusal(
        "This image cannot be read: it is damaged or not really a JPEG or PNG file.",
        "无法读取该图片：文件已损坏，或并非真正的JPEG或PNG文件。",
    )
    fmt = "JPEG" if kind == JPEG else "PNG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=[fmt])
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels()
            image.load()
            taken_on = _taken_on(image)
            icc = image.info.get("icc_profile")
            image = ImageOps.exif_transpose(image)
            image = _plain_mode(_to_srgb(image, icc), kind)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise corrupt from exc
    # A new image of the same pixels carries nothing else: no info, no EXIF, no chunks.
    bare = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if kind == JPEG:
        bare.save(out, "JPEG", quality=92)
    else:
        bare.save(out, "PNG")
    return out.getvalue(), taken_on


def _too_many_pixels() -> Invalid:
    return refusal(
        "This image has too many pixels (at most 50 megapixels): give a smaller image.",
        "该图片像素过多（不超过5000万像素），请上传较小的图片。",
    )


def _taken_on(image: Image.Image) -> date | None:
    """DateTimeOriginal of the EXIF data ("YYYY:MM:DD HH:MM:SS"), when present and a date."""
    try:
        value = image.getexif().get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal)
    except Exception:  # EXIF is untrusted input: a broken block only loses the date
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    try:
        return datetime.strptime(str(value).strip()[:10], "%Y:%m:%d").date()
    except ValueError:
        return None


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Colours converted to sRGB before the embedded profile is dropped, so they do not shift."""
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGB" if image.mode == "CMYK" else image.mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _plain_mode(image: Image.Image, kind: str) -> Image.Image:
    """A mode the format stores as plain pixels (no palette, no CMYK)."""
    kept = ("L", "RGB") if kind == JPEG else ("1", "L", "LA", "RGB", "RGBA")
    if image.mode in kept:
        return image
    if kind == PNG and (image.mode in ("PA", "RGBa") or "transparency" in image.info):
        return image.convert("RGBA")
    return image.convert("L" if image.mode == "1" else "RGB")


# PDFs -----------------------------------------------------------------------------------------


def _check_pdf(content: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        active = None if encrypted else _active_content(reader)
    except Invalid:
        raise
    except Exception as exc:  # a parser of untrusted input may fail in any way
        raise refusal(
            "This PDF cannot be read: it is damaged. Save or scan it again.",
            "无法读取该PDF文件：文件已损坏，请重新保存或扫描。",
        ) from exc
    if encrypted:
        raise refusal(
            "This PDF is protected with a password or encryption: give it without protection.",
            "该PDF文件设有密码或已加密：请上传未加密的文件。",
        )
    if pages == 0:
        raise refusal("This PDF has no pages.", "该PDF文件没有页面。")
    if pages > MAX_PDF_PAGES:
        raise refusal(
            "A PDF may have at most 50 pages: split it into one file per document.",
            "PDF文件不得超过50页：请按材料分成多个文件上传。",
        )
    if active:
        en, zh = ACTIVE[active]
        raise refusal(
            f"This PDF contains {en}, which is not allowed: print it to a new PDF, or scan it.",
            f"该PDF文件含有{zh}，不予接收：请将其打印为新的PDF文件或重新扫描。",
        )


def _active_content(reader: PdfReader) -> str | None:
    """What makes the document act, found anywhere reachable from its trailer (the catalog,
    the pages, their annotations, forms, names): None when nothing does."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise refusal(
                "This PDF is too complex to check: print it to a new PDF, or scan it.",
                "该PDF文件结构过于复杂，无法检查：请将其打印为新的PDF文件或重新扫描。",
            )
        if isinstance(node, DictionaryObject):
            found = _active_in(node)
            if found:
                return found
            stack.extend(v for k, v in node.items() if k not in ("/Parent", "/P"))
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _active_in(node: DictionaryObject) -> str | None:
    for key, what in ACTIVE_KEYS.items():
        if key in node:
            return what
    if "/OpenAction" in node:
        found = _open_action(node["/OpenAction"])
        if found:
            return found
    if node.get("/S") in ACTIVE_ACTIONS:
        return ACTIVE_ACTIONS[node["/S"]]
    if node.get("/Type") == "/EmbeddedFile":
        return "embedded"
    if node.get("/Type") in (None, "/Annot") and node.get("/Subtype") in ACTIVE_SUBTYPES:
        return ACTIVE_SUBTYPES[node["/Subtype"]]
    return None


def _open_action(value) -> str | None:
    """What an /OpenAction does, None when it only shows a page (its /Next actions are walked
    like any other dictionary)."""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, ArrayObject):
        return None  # a destination: the page to show first
    action = value.get("/S") if isinstance(value, DictionaryObject) else None
    if action in HARMLESS_OPEN_ACTIONS:
        return None
    return ACTIVE_ACTIONS.get(action, "opening")
