"""Image work is bounded: pixels read from the header before decoding, large JPEGs decoded
reduced, one decode at a time per process (documents/image_uploads.py, through add_upload)."""

import io
import threading

import pytest
from PIL import Image

from onestop.documents import image_uploads, uploads
from onestop.refusals import Invalid
from tests.documents.test_uploads import draft, give, png, stored  # noqa: F401 (draft: a fixture)

pytestmark = pytest.mark.django_db


def jpeg(size, mode="L", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, "JPEG", **options)
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header (SOF0) claims other dimensions."""
    content = bytearray(jpeg((8, 8)))
    at = content.index(b"\xff\xc0") + 5  # marker, length (2), precision (1), then height, width
    content[at : at + 4] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(content)


def size_of(upload) -> tuple[int, int]:
    return Image.open(io.BytesIO(stored(upload))).size


def test_a_49_megapixel_png_of_a_few_kilobytes_is_refused_before_decoding(draft):  # noqa: F811
    content = png((7000, 7000))
    assert len(content) < 200_000
    with pytest.raises(Invalid) as refused:
        give(draft, content, name="scan.png")
    (error,) = refused.value.errors
    assert error["message_en"] == (
        "This image has too many pixels (at most 40 megapixels): give a smaller image."
    )
    assert error["message_zh"] == "该图片像素过多（不超过4000万像素），请上传较小的图片。"


def test_a_49_megapixel_jpeg_is_kept_decoded_at_half_its_width_and_height(draft):  # noqa: F811
    content = jpeg((7000, 7000))
    assert len(content) < 1_000_000
    assert size_of(give(draft, content, name="phone.jpg")) == (3500, 3500)


def test_a_progressive_jpeg_is_reduced_too(draft):  # noqa: F811
    content = jpeg((6400, 6400), mode="RGB", progressive=True)
    assert size_of(give(draft, content, name="phone.jpg")) == (3200, 3200)


def test_an_a4_page_scanned_at_600_dpi_is_kept_at_full_size(draft):  # noqa: F811
    a4 = (4961, 7016)  # 210 × 297 mm at 600 dpi: 34.8 megapixels
    assert size_of(give(draft, jpeg(a4), name="scan.jpg")) == a4


def test_a_png_of_exactly_40_megapixels_is_kept_and_one_row_more_refused(draft):  # noqa: F811
    assert size_of(give(draft, png((8000, 5000)), name="scan.png")) == (8000, 5000)
    with pytest.raises(Invalid) as refused:
        give(draft, png((8000, 5001)), name="scan.png")
    assert "at most 40 megapixels" in refused.value.errors[0]["message_en"]


def test_a_jpeg_claiming_more_than_80_megapixels_is_refused_without_decoding(draft):  # noqa: F811
    with pytest.raises(Invalid) as refused:
        give(draft, jpeg_claiming(9000, 9000), name="phone.jpg")
    assert "at most 80 megapixels" in refused.value.errors[0]["message_en"]
    assert "不超过8000万像素" in refused.value.errors[0]["message_zh"]


def test_an_image_waits_for_its_turn_and_is_refused_when_none_comes(settings):
    settings.ONESTOP_IMAGE_DECODES = 1
    settings.ONESTOP_IMAGE_DECODE_WAIT_SECONDS = 0
    holding, done = threading.Event(), threading.Event()

    def decode_elsewhere():
        with image_uploads.decoding():
            holding.set()
            done.wait()

    other = threading.Thread(target=decode_elsewhere)
    other.start()
    holding.wait()
    try:
        with pytest.raises(Invalid) as refused:
            uploads.clean(jpeg((40, 30)))
        assert refused.value.errors[0]["message_en"] == (
            "Many images are being checked just now: give the file again in a minute."
        )
        assert (
            refused.value.errors[0]["message_zh"]
            == "当前正在检查的图片较多，请稍后重新上传该文件。"
        )
    finally:
        done.set()
        other.join()
    assert uploads.clean(jpeg((40, 30))).content_type == "image/jpeg"  # its turn came


def test_two_decodes_run_together_when_two_are_allowed(settings):
    settings.ONESTOP_IMAGE_DECODES = 2
    settings.ONESTOP_IMAGE_DECODE_WAIT_SECONDS = 0
    holding, done = threading.Event(), threading.Event()

    def decode_elsewhere():
        with image_uploads.decoding():
            holding.set()
            done.wait()

    other = threading.Thread(target=decode_elsewhere)
    other.start()
    holding.wait()
    try:
        assert uploads.clean(jpeg((40, 30))).content_type == "image/jpeg"
    finally:
        done.set()
        other.join()
