"""The 2-inch photo check (二寸近期白底正面免冠彩色照片, 000 §六; 001 二(一) 1; 002 §5 (2)).

The sources name the photo but give no dimensions; catalog/data/national/photo.yaml holds what
they say, the readings that fill the gaps (the standard photo of Chinese visas and exit-entry
documents) and the materials whose file is the photo. The loader copies those rules into the
version of each matter with a photo material (`content["photo"]`), so a photo is checked by the
rules of the version its application was filed under. A finding never refuses a file: it is
shown to the applicant on upload and offered to the pre-examiner as an item of the one-time
notice (`suggested_items`).
"""

import calendar
import io
import math
from datetime import date

from PIL import Image, ImageStat

from onestop.catalog import content

from .image_uploads import decoding

PHOTO_TYPES = ("image/jpeg", "image/png")


def rules_of(matter_version) -> dict | None:
    """The photo's rules and readings, with their sources, of a matter version (photo.yaml as
    loaded); None for a matter with no photo material."""
    return content.of(matter_version).photo


def is_photo(matter_version, material_code: str) -> bool:
    """Whether the material's file is the photo itself, by the matter version's rules."""
    rules = rules_of(matter_version)
    return bool(rules) and any(m["material"] == material_code for m in rules["materials"])


def check(content: bytes, *, rules: dict, taken_on: date | None, uploaded_on: date) -> list[dict]:
    """Findings on an image given as the photo, each {rule, message_en, message_zh, source};
    an empty list when it looks right. `content` is a decoded, upright image (uploads.clean);
    `taken_on` its EXIF date taken, read before the metadata was stripped. Decoded in its turn
    with every other image of the process (image_uploads.decoding)."""
    with decoding(), Image.open(io.BytesIO(content)) as image:
        image.load()
        width, height = image.size
        findings = [
            *_proportions(rules, width, height),
            *_resolution(rules, width, height),
            *_background(rules, image),
        ]
    return findings + _recent(rules, taken_on or uploaded_on, uploaded_on)


def not_an_image() -> list[dict]:
    """The finding on a photo given as a PDF: nothing of it can be measured."""
    return [
        {
            "rule": "image",
            "message_en": "The photo was given as a PDF, so its size and background cannot be "
            "checked: give the photo as a JPEG or PNG image.",
            "message_zh": "照片以PDF文件提交，无法检查其尺寸和背景：请以JPEG或PNG图片提交照片。",
            "source": "001 二(一) 1 电子版照片",
        }
    ]


def _proportions(rules: dict, width: int, height: int) -> list[dict]:
    rule = rules["proportions"]
    nominal = rule["width_mm"]["value"] / rule["height_mm"]["value"]
    tolerance = rule["tolerance"]["value"]
    ratio = width / height
    if abs(ratio / nominal - 1) <= tolerance + 1e-9:
        return []
    w_mm, h_mm = rule["width_mm"]["value"], rule["height_mm"]["value"]
    percent = round(tolerance * 100)
    return [
        {
            "rule": "proportions",
            "message_en": f"The photo is {width} × {height} pixels, width to height {ratio:.2f}; "
            f"a 2-inch photo is {w_mm} mm × {h_mm} mm ({nominal:.2f}, within {percent}%): "
            "crop it to those proportions.",
            "message_zh": f"照片为{width}×{height}像素，宽高比{ratio:.2f}；二寸照片为{w_mm}毫米×"
            f"{h_mm}毫米（宽高比{nominal:.2f}，误差不超过{percent}%）：请按此比例裁剪。",
            "source": f"{rule['width_mm']['source']}; {rule['tolerance']['source']}",
        }
    ]


def _resolution(rules: dict, width: int, height: int) -> list[dict]:
    rule = rules["resolution"]
    least_w, least_h = rule["min_width_px"]["value"], rule["min_height_px"]["value"]
    if width >= least_w and height >= least_h:
        return []
    return [
        {
            "rule": "resolution",
            "message_en": f"The photo is {width} × {height} pixels; it should be at least "
            f"{least_w} × {least_h}: give the original photo or a sharper scan.",
            "message_zh": f"照片为{width}×{height}像素，应不少于{least_w}×{least_h}像素："
            "请提供原始照片或更清晰的扫描件。",
            "source": rule["min_width_px"]["source"],
        }
    ]


def background_of(rules: dict, image: Image.Image) -> tuple[float, float]:
    """Mean lightness and its spread (standard deviation), 0-255, on the border band: the top
    strip and the side strips above the shoulders (photo.yaml `background.band`)."""
    band = rules["background"]["band"]
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        white = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(white, image.convert("RGBA"))
    gray = image.convert("L")
    width, height = gray.size
    top = max(1, round(height * band["top"]))
    side = max(1, round(width * band["sides"]))
    down_to = max(top + 1, round(height * band["sides_down_to"]))
    boxes = [(0, 0, width, top), (0, top, side, down_to), (width - side, top, width, down_to)]
    count = total = squares = 0.0
    for box in boxes:
        stat = ImageStat.Stat(gray.crop(box))
        count += stat.count[0]
        total += stat.sum[0]
        squares += stat.sum2[0]
    mean = total / count
    return mean, math.sqrt(max(squares / count - mean * mean, 0.0))


def _background(rules: dict, image: Image.Image) -> list[dict]:
    rule = rules["background"]
    least, most = rule["min_mean_lightness"]["value"], rule["max_spread"]["value"]
    mean, spread = background_of(rules, image)
    dark, uneven = mean < least, spread > most
    if not (dark or uneven):
        return []
    what_en = " and ".join(w for w, on in (("dark", dark), ("uneven", uneven)) if on)
    what_zh = "且".join(w for w, on in (("偏暗", dark), ("不均匀", uneven)) if on)
    return [
        {
            "rule": "background",
            "message_en": f"The background looks {what_en} (lightness {mean:.0f} of 255, spread "
            f"{spread:.0f}); it should be an even white or light blue (lightness at least "
            f"{least}, spread at most {most}).",
            "message_zh": f"照片背景{what_zh}（亮度{mean:.0f}/255，离散度{spread:.0f}）；"
            f"应为均匀的白色或淡蓝色背景（亮度不低于{least}，离散度不超过{most}）。",
            "source": rule["min_mean_lightness"]["source"],
        }
    ]


def months_later(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _recent(rules: dict, taken_on: date, uploaded_on: date) -> list[dict]:
    rule = rules["recent"]["within_months"]
    months = rule["value"]
    if uploaded_on <= months_later(taken_on, months):
        return []
    return [
        {
            "rule": "recent",
            "message_en": f"The photo was taken on {taken_on:%Y-%m-%d} (the camera's date), more "
            f"than {months} months before it was given on {uploaded_on:%Y-%m-%d}: give a photo "
            f"taken in the last {months} months.",
            "message_zh": f"照片拍摄于{taken_on:%Y-%m-%d}（相机记录的日期），距提交日"
            f"{uploaded_on:%Y-%m-%d}已超过{months}个月：请提供近{months}个月内拍摄的照片。",
            "source": rule["source"],
        }
    ]


def suggested_items(uploads, asked: set[tuple[str, str]]) -> list[dict]:
    """One-time notice items for the photos whose check found something, one per material, in
    the shape pre_examination.request_correction takes (kind "material", matter, code,
    reason_en, reason_zh). `uploads` are an application's files in the order they were given
    (each with `matter_code`, `material_code` and its `checks`); only the materials in `asked`,
    (matter, code) pairs still asked of the application, are offered. Files are named by their
    place in the material's list ("file 2"), as the upload page lists them, never by the name
    they were given, which may carry a person's name into notices."""
    position: dict[tuple[str, str], int] = {}
    found: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for upload in uploads:
        key = (upload.matter_code, upload.material_code)
        position[key] = number = position.get(key, 0) + 1
        if key not in asked or not upload.checks:
            continue
        en, zh = found.setdefault(key, ([], []))
        for finding in upload.checks:
            en.append(f"file {number}: {finding['message_en']} ({finding['source']})")
            zh.append(f"第{number}个文件：{finding['message_zh']}（{finding['source']}）")
    return [
        {
            "kind": "material",
            "matter": matter,
            "code": code,
            "reason_en": "Photo check, " + " ".join(en),
            "reason_zh": "照片检查，" + "".join(zh),
        }
        for (matter, code), (en, zh) in found.items()
    ]
