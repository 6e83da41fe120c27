"""Uploaded images: decoded within bounds of pixels, memory and concurrency, stored without
metadata.

A few hundred kilobytes of JPEG or PNG may describe tens of megapixels of one colour; decoding
them is what costs (a 49-megapixel PNG of 155 KB took 1.5 s of CPU and 514 MB to clean when it
was decoded in full: bench/image_uploads.py). So the dimensions are read from the header before
a pixel is decoded, and:

- **at most 40 megapixels are decoded** (`MAX_DECODED_PIXELS`). An A4 page scanned at 600 dpi
  is 4961 × 7016 = 34.8 megapixels, the finest scan a document needs, with room for a margin;
  a phone photo is 12 to 50 megapixels;
- **a JPEG of up to 80 megapixels is decoded reduced** (`MAX_JPEG_PIXELS`): libjpeg scales
  while decoding (Pillow's `draft`), to half the width and height above 40 megapixels, so a
  48- or 50-megapixel phone photo is kept at 12 megapixels (4000 × 3000 and more, far above
  what a pre-examiner reads a passport page at) for a quarter of the work. 80 megapixels stay
  below Pillow's own decompression-bomb threshold (89 megapixels), and a real photo that large
  does not fit in 10 MB;
- **a PNG is decoded in full, so it may have at most 40 megapixels**: PNG cannot be decoded
  reduced;
- **decoded memory is capped by the pixels**: Pillow holds a colour pixel in 4 bytes and a grey
  one in 1, so one decoded image holds at most 160 MB, and the cleaning below keeps at most two
  copies of it at once (about 310 MB at the peak, measured);
- **one image at a time per process** by default (`settings.ONESTOP_IMAGE_DECODES`): a
  semaphore around every decode, the photo check's too, so twenty uploads arriving together on
  one node wait instead of holding twenty images in memory. A decode that waited
  `settings.ONESTOP_IMAGE_DECODE_WAIT_SECONDS` without a turn is refused ("try again").

Anything beyond is refused with a reason naming the limit, before decoding: decompression bombs
(a few kilobytes claiming 100 000 × 100 000) among them.
"""

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache

from django.conf import settings
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

from .refusal import refusal

JPEG, PNG = "image/jpeg", "image/png"
MAX_DECODED_PIXELS = 40_000_000
MAX_JPEG_PIXELS = 80_000_000
MAX_HEADER_PIXELS = {JPEG: MAX_JPEG_PIXELS, PNG: MAX_DECODED_PIXELS}
JPEG_SCALES = (1, 2, 4, 8)  # what libjpeg can reduce by while decoding


def clean_image(content: bytes, kind: str) -> tuple[bytes, date | None]:
    """The pixels only, upright, in sRGB, in the same format; and the EXIF date taken, if any.

    Refused, in both languages, when the header claims more pixels than the limits or the image
    cannot be read."""
    fmt = "JPEG" if kind == JPEG else "PNG"
    with decoding():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(content), formats=[fmt])
                _reduce_within_limits(image, kind)
                image.load()
                taken_on = _taken_on(image)
                icc = image.info.get("icc_profile")
                ImageOps.exif_transpose(image, in_place=True)
                image = _plain_mode(_to_srgb(image, icc), kind)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(MAX_HEADER_PIXELS[kind]) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            raise refusal(
                "upload.image_damaged",
                "This image cannot be read: it is damaged or not really a JPEG or PNG file.",
                "无法读取该图片：文件已损坏，或并非真正的JPEG或PNG文件。",
            ) from exc
        # A new image of the same pixels carries nothing else: no info, no EXIF, no chunks.
        # Pasted rather than copied through bytes, so two copies are held at most, not three.
        bare = Image.new(image.mode, image.size)
        bare.paste(image)
        del image
        out = io.BytesIO()
        if kind == JPEG:
            bare.save(out, "JPEG", quality=92)
        else:
            bare.save(out, "PNG")
    return out.getvalue(), taken_on


@contextmanager
def decoding() -> Iterator[None]:
    """A turn to decode an image in this process, or a refusal after waiting too long."""
    slots = _slots(settings.ONESTOP_IMAGE_DECODES)
    if not slots.acquire(timeout=settings.ONESTOP_IMAGE_DECODE_WAIT_SECONDS):
        raise refusal(
            "upload.image_busy",
            "Many images are being checked just now: give the file again in a minute.",
            "当前正在检查的图片较多，请稍后重新上传该文件。",
        )
    try:
        yield
    finally:
        slots.release()


@cache
def _slots(size: int) -> threading.BoundedSemaphore:
    """One semaphore per configured size, made at first use (settings are not read at import)."""
    return threading.BoundedSemaphore(size)


def _too_many_pixels(limit: int):
    megapixels = limit // 1_000_000
    return refusal(
        "upload.image_too_many_pixels",
        f"This image has too many pixels (at most {megapixels} megapixels): give a smaller image.",
        # A megapixel is 100万 pixels.
        f"该图片像素过多（不超过{megapixels * 100}万像素），请上传较小的图片。",
    )


def _reduce_within_limits(image: Image.Image, kind: str) -> None:
    """Refuse, from the header alone, what would decode to too much; ask libjpeg to decode a
    large JPEG reduced (Pillow's `draft`, before `load`)."""
    width, height = image.size
    if width * height > MAX_HEADER_PIXELS[kind]:
        raise _too_many_pixels(MAX_HEADER_PIXELS[kind])
    if kind == JPEG and width * height > MAX_DECODED_PIXELS:
        scale = next(
            s for s in JPEG_SCALES if -(-width // s) * -(-height // s) <= MAX_DECODED_PIXELS
        )
        image.draft(image.mode, (width // scale, height // scale))


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
