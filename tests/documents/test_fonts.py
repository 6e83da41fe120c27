"""The CJK font every PDF is drawn with (documents/pdf/fonts.py): a configured one, else the
first installed; refused in both languages when there is none."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from onestop.documents.pdf import fonts


def test_a_configured_font_that_does_not_exist_is_refused_in_both_languages(settings):
    settings.ONESTOP_CJK_FONT = "/nowhere/font.ttf"
    with pytest.raises(ImproperlyConfigured, match="ONESTOP_CJK_FONT") as refused:
        fonts.font_path()
    assert "字体" in str(refused.value)


def test_no_font_installed_is_refused_in_both_languages(settings, monkeypatch):
    settings.ONESTOP_CJK_FONT = ""
    monkeypatch.setattr(fonts, "CANDIDATES", ("/nowhere/wqy-zenhei.ttc",))
    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-zenhei") as refused:
        fonts.font_path()
    assert "未找到" in str(refused.value)


def test_the_first_installed_font_is_the_default(settings, tmp_path, monkeypatch):
    settings.ONESTOP_CJK_FONT = ""
    present = tmp_path / "uming.ttc"
    present.write_bytes(b"")
    monkeypatch.setattr(fonts, "CANDIDATES", (str(tmp_path / "missing.ttc"), str(present)))
    assert fonts.font_path() == present
