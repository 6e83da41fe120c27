"""Every user-visible string has both languages: the messages found in the code today, extracted
afresh, all have a Chinese translation that is not marked fuzzy."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "onestop"


def test_every_message_of_the_code_has_a_chinese_translation(tmp_path):
    if not shutil.which("xgettext"):
        pytest.fail("xgettext is missing: run scripts/system-packages gettext")
    copy = tmp_path / "onestop"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
        "ONESTOP_DEBUG": "1",
        "ONESTOP_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    po = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [
        e.msgid
        for e in po
        if not e.obsolete and ("fuzzy" in e.flags or not (e.msgstr or e.msgstr_plural))
    ]
    assert not missing, f"{len(missing)} messages without Chinese: {missing[:20]}"
    assert len(po) > 300  # the extraction found the templates and the code


def test_every_record_the_back_office_lists_is_named_in_chinese():
    """The admin names each of the platform's own models and their fields in both languages
    (the libraries' models, as axes' sign-in attempts, keep their own words)."""
    from django.contrib import admin
    from django.utils import translation

    ours = [m for m in admin.site._registry if m.__module__.startswith("onestop.")]
    assert len(ours) > 15
    untranslated = []
    for model in ours:
        meta = model._meta
        with translation.override("en"):
            english = (str(meta.verbose_name), str(meta.verbose_name_plural))
        with translation.override("zh-hans"):
            chinese = (str(meta.verbose_name), str(meta.verbose_name_plural))
        untranslated += [e for e, c in zip(english, chinese, strict=True) if e == c]
        for field in meta.concrete_fields:
            if field.primary_key:
                continue
            with translation.override("en"):
                english_label = str(field.verbose_name)
            with translation.override("zh-hans"):
                if str(field.verbose_name) == english_label:
                    untranslated.append(f"{meta.label}.{field.name}")
    assert not untranslated
