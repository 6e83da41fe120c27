"""The one CJK TrueType font every document is set in, registered once per process.

ReportLab embeds TrueType outlines (glyf) only; CFF-flavoured OpenType fonts such as Noto Sans
CJK cannot be embedded, so the default is WenQuanYi Zen Hei (Debian fonts-wqy-zenhei, installed
by scripts/setup). A deployment may name another TrueType font or collection in
ONESTOP_CJK_FONT.
"""

import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_NAME = "OnestopCJK"
# The first of these that exists is used when ONESTOP_CJK_FONT is not set (Debian packages
# fonts-wqy-zenhei, fonts-wqy-microhei, fonts-arphic-uming).
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)

_lock = threading.Lock()
_registered: list[str] = []


def font_path() -> Path:
    """The font file to use; ImproperlyConfigured, in both languages, when there is none."""
    configured = getattr(settings, "ONESTOP_CJK_FONT", "")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ImproperlyConfigured(
                f"ONESTOP_CJK_FONT names {configured}, which is not a file. "
                f"ONESTOP_CJK_FONT 指定的字体文件 {configured} 不存在。"
            )
        return path
    for candidate in CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    raise ImproperlyConfigured(
        "No CJK TrueType font for PDF documents: install fonts-wqy-zenhei (scripts/setup does) "
        "or set ONESTOP_CJK_FONT to a TrueType font file. "
        "未找到生成PDF文书所需的中文TrueType字体：请安装 fonts-wqy-zenhei（scripts/setup 会安装），"
        "或将 ONESTOP_CJK_FONT 设为一个TrueType字体文件。"
    )


def cjk_font() -> str:
    """The registered font's name; the first call registers it (about a quarter second)."""
    if _registered:
        return _registered[0]
    with _lock:
        if not _registered:
            path = font_path()
            try:
                pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            except TTFError as exc:
                raise ImproperlyConfigured(
                    f"{path} is not a TrueType (glyf) font ReportLab can embed: {exc}. "
                    f"{path} 不是可嵌入的TrueType（glyf）字体。"
                ) from exc
            _registered.append(FONT_NAME)
    return _registered[0]
