"""The name a file is kept under: bounded to its column, its real type's extension, nothing
invisible (documents/file_names.py)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.applications.models import Upload
from onestop.documents.file_names import bounded, stored_name

COLUMN = Upload._meta.get_field("original_name").max_length  # 200


@pytest.mark.parametrize(
    ("given_name", "extension", "kept"),
    [
        pytest.param("passport.pdf", "pdf", "passport.pdf", id="plain"),
        pytest.param("scan.png", "pdf", "scan.pdf", id="the real type's extension"),
        pytest.param("photo.JPEG", "jpg", "photo.JPEG", id="jpeg is a jpg"),
        pytest.param("pass\x00port.pdf", "pdf", "passport.pdf", id="NUL byte"),
        pytest.param("../../etc/passwd", "pdf", "passwd.pdf", id="a path"),
        pytest.param("C:\\Users\\me\\scan.pdf", "pdf", "scan.pdf", id="a Windows path"),
        pytest.param("evil\u202efdp.exe", "pdf", "evilfdp.pdf", id="right-to-left override"),
        pytest.param("line\r\nbreak.pdf", "pdf", "linebreak.pdf", id="line break"),
        pytest.param("护照 首页.pdf", "pdf", "护照 首页.pdf", id="CJK kept"),
        pytest.param("v1.final draft", "pdf", "v1.final draft.pdf", id="a dot in the name"),
        pytest.param("", "png", "file.png", id="no name"),
        pytest.param("\u202e\u200b", "png", "file.png", id="nothing visible"),
    ],
)
def test_a_name_is_kept_as_typed_without_what_cannot_be_seen(given_name, extension, kept):
    assert stored_name(given_name, extension, COLUMN) == kept


def test_a_300_character_name_keeps_its_start_its_end_and_its_extension():
    name = "passport-" + "x" * 280 + "-page-1.pdf"
    kept = stored_name(name, "pdf", COLUMN)
    assert len(kept) == COLUMN
    assert kept.startswith("passport-x") and kept.endswith("x-page-1.pdf") and "…" in kept


def test_a_long_chinese_name_after_a_dot_is_a_name_not_an_extension():
    kept = stored_name("扫描件." + "护照" * 150, "pdf", COLUMN)
    assert len(kept) == COLUMN and kept.startswith("扫描件.护照") and kept.endswith("护照.pdf")


@given(name=st.text(max_size=1000), extension=st.sampled_from(["pdf", "jpg", "png"]))
def test_any_name_fits_its_column_ends_with_its_type_and_shows_nothing_hidden(name, extension):
    kept = stored_name(name, extension, COLUMN)
    assert 1 <= len(kept) <= COLUMN
    assert kept.rpartition(".")[2].lower() in (
        {"jpg", "jpeg"} if extension == "jpg" else {extension}
    )
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in kept)
    assert "/" not in kept and "\\" not in kept
    kept.encode("utf-8")  # storable: no lone surrogate


@given(name=st.text(max_size=400), limit=st.integers(20, 300))
def test_a_bounded_name_is_within_its_limit_and_unchanged_when_it_fits(name, limit):
    shown = bounded(name, limit)
    assert len(shown) <= limit
    if name == bounded(name, 10_000) and len(name) <= limit:
        assert shown == name
