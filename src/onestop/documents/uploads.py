"""What an uploaded file is and what of it is kept: the one gate every file passes.

`clean(content)` reads the type from the bytes alone, refuses programs, scripts, archives and
anything else that is not a PDF, JPEG or PNG, enforces the limits of each kind, runs the
deployment's virus scanner (settings.ONESTOP_UPLOAD_SCANNER) before any parser, then hands the
file to its kind's cleaning: images are decoded within bounds and encoded again without any
metadata (image_uploads.py); PDFs are parsed once, refused when encrypted, unreadable or active,
and written anew from the graph that was checked (pdf_uploads.py). What is stored is always
what the cleaning wrote, never the bytes given. A refusal is `Invalid` with bilingual errors on
the field "file".

The limits are the platform's own, not the sources': the sources ask for electronic materials
(003 第十四条; 004 附件1, 附件3; 001 二(一) 1 "电子版照片") without saying how big they may be.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string

from onestop.refusals import Invalid

from .image_uploads import JPEG, PNG, clean_image
from .pdf_uploads import clean_pdf
from .refusal import refusal

logger = logging.getLogger(__name__)

PDF = "application/pdf"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

MAX_BYTES = 10 * 1024 * 1024  # any file, as the upload page says
MAX_BYTES_BY_KIND = {PDF: MAX_BYTES, JPEG: MAX_BYTES, PNG: MAX_BYTES}
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


@dataclass(frozen=True)
class CleanFile:
    """A file that passed: the bytes to store and what was done to them."""

    content: bytes
    content_type: str
    extension: str
    cleaned: bool  # written anew: an image without metadata, a PDF from the checked graph
    scanned: bool  # a virus scanner looked at it and found nothing
    scanner: str  # the dotted path of that scanner, "" when none is configured
    taken_on: date | None  # the photo's EXIF DateTimeOriginal, read before it was stripped
    repaired: bool = False  # a PDF whose structure had to be rebuilt to be read


def too_big(limit_bytes: int) -> Invalid:
    mb = limit_bytes // (1024 * 1024)
    return refusal(
        "upload.too_large", f"A file may be at most {mb} MB.", f"单个文件不得超过{mb}MB。"
    )


def clean(content: bytes) -> CleanFile:
    """The file to store for `content`, or `Invalid` saying in both languages why not."""
    if len(content) > MAX_BYTES:
        raise too_big(MAX_BYTES)
    kind = sniff(content)
    if len(content) > MAX_BYTES_BY_KIND[kind]:
        raise too_big(MAX_BYTES_BY_KIND[kind])
    scanner = _scan(content, kind)
    if kind == PDF:
        pdf = clean_pdf(content)
        return CleanFile(
            pdf.content, kind, "pdf", True, bool(scanner), scanner, None, repaired=pdf.repaired
        )
    cleaned, taken_on = clean_image(content, kind)
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
            "upload.program",
            "This file is a program, not a document: give a PDF, JPEG or PNG file.",
            "该文件是可执行程序，不是文件材料：请上传PDF、JPEG或PNG文件。",
        )
    text = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(SCRIPTS):
        raise refusal(
            "upload.script",
            "This file is a script or web page, not a document: give a PDF, JPEG or PNG file.",
            "该文件是脚本或网页，不是文件材料：请上传PDF、JPEG或PNG文件。",
        )
    if content.startswith(ARCHIVES) or content[257:262] == b"ustar":
        raise refusal(
            "upload.archive_or_office",
            "This file is an archive or an office file: give each document as a PDF, JPEG or "
            "PNG file.",
            "该文件是压缩包或办公文档：请将每份材料分别以PDF、JPEG或PNG文件上传。",
        )
    raise refusal(
        "upload.unknown_type", "Give a PDF, JPEG or PNG file.", "请上传PDF、JPEG或PNG文件。"
    )


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
            "upload.virus_check_unavailable",
            "The file could not be checked for viruses just now: try again later.",
            "暂时无法对该文件进行病毒检查，请稍后再试。",
        ) from exc
    if reason:
        raise refusal(
            "upload.virus_found",
            f"The virus check refused this file ({reason}); it was not stored.",
            f"病毒检查拒绝了该文件（{reason}），文件未保存。",
        )
    return path
