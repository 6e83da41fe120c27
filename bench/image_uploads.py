"""CPU time and peak memory of cleaning one uploaded image, as it was and as it is now.

Run: .venv/bin/python bench/image_uploads.py
Each image is cleaned in a fresh child process, so its peak resident memory (VmHWM, reset
just before, above VmRSS then) is that one image's. "Before" is the cleaning as it was until
bounded decoding (decode in full up to 50 megapixels, then three copies of the pixels); "now"
is documents/image_uploads.clean_image. A refused image costs what reading its header costs.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
from lib import results
from PIL import Image, ImageOps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
os.environ.setdefault("ONESTOP_DEBUG", "1")  # no secrets needed: nothing is served
django.setup()

from onestop.documents import image_uploads  # noqa: E402
from onestop.refusals import Invalid  # noqa: E402

# (name, how to make it): small files describing many pixels, and real documents' sizes.
CASES = {
    "49 MP PNG, colour, all white": lambda: _png((7000, 7000), "RGB"),
    "49 MP PNG, black and white": lambda: _png((7000, 7000), "1"),
    "40 MP PNG, colour (the largest kept)": lambda: _png((8000, 5000), "RGB"),
    "49 MP JPEG, grey": lambda: _jpeg((7000, 7000), "L"),
    "49 MP JPEG, colour, progressive": lambda: _jpeg((7000, 7000), "RGB", progressive=True),
    "80 MP JPEG, colour, progressive (largest)": lambda: _jpeg(
        (10000, 8000), "RGB", progressive=True
    ),
    "A4 at 600 dpi JPEG, grey (34.8 MP)": lambda: _jpeg((4961, 7016), "L"),
    "12 MP phone JPEG, colour": lambda: _jpeg((4000, 3000), "RGB"),
}


def _png(size, mode) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else "white").save(out, "PNG")
    return out.getvalue()


def _jpeg(size, mode, **options) -> bytes:
    image = Image.new(mode, size, "white")
    image.paste(128 if mode == "L" else (200, 40, 40), (0, 0, size[0] // 3, size[1] // 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **options)
    return out.getvalue()


def before(content: bytes) -> bytes:
    """The cleaning until bounded decoding: every pixel decoded, copied through bytes."""
    image = Image.open(io.BytesIO(content))
    if image.size[0] * image.size[1] > 50_000_000:
        raise ValueError("too many pixels")
    image.load()
    image = ImageOps.exif_transpose(image)
    bare = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    bare.save(out, image.format or ("JPEG" if content[:2] == b"\xff\xd8" else "PNG"))
    return out.getvalue()


def child(path: str, how: str) -> None:
    """Clean the file once; print CPU seconds, peak memory above the start, and the result."""
    content = Path(path).read_bytes()
    kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    start_kb = _status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
    began = time.process_time()
    try:
        if how == "before":
            kept = before(content)
        else:
            kept, _taken_on = image_uploads.clean_image(content, kind)
        outcome = "kept {}×{}".format(*Image.open(io.BytesIO(kept)).size)
    except Invalid as refused:
        outcome = "refused: " + ", ".join(e["code"] for e in refused.errors)
    except ValueError as refused:
        outcome = f"refused: {refused}"
    cpu = time.process_time() - began
    peak_kb = _status_kb("VmHWM") - start_kb
    print(json.dumps({"cpu_s": cpu, "peak_mb": peak_kb / 1024, "outcome": outcome}))


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc (Linux), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def measure(path: str, how: str) -> dict:
    done = subprocess.run(  # noqa: S603 - this script, in a fresh process
        [sys.executable, __file__, "--child", path, how],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"{'image':40} {'file':>8} | {'before':>28} | {'now':>28} | outcome now")
    with tempfile.TemporaryDirectory() as folder:
        for name, make in CASES.items():
            path = Path(folder) / "image"
            content = make()
            path.write_bytes(content)
            was, now = measure(str(path), "before"), measure(str(path), "now")
            # An image the cleaning before refused (over its 50 megapixels) and now keeps has no
            # "before" to compare with: what it cost then was reading its header.
            kept_only_now = _refused(was) and not _refused(now)
            before_column = (
                f"{'refused':>28}"
                if kept_only_now
                else f"{was['cpu_s']:6.2f} s CPU {was['peak_mb']:7.0f} MB peak"
            )
            print(
                f"{name:40} {len(content) // 1024:>6}KB | {before_column} | "
                f"{now['cpu_s']:6.2f} s CPU {now['peak_mb']:7.0f} MB peak | {now['outcome']}"
            )
            for measure_name, key in (("CPU s", "cpu_s"), ("peak MB", "peak_mb")):
                results.record(
                    results.Row(
                        bench="image uploads",
                        engine="-",
                        measure=f"{name}: {measure_name}",
                        value=now[key],
                        baseline="refused before (over 50 MP)"
                        if kept_only_now
                        else "decoding in full (before)",
                        baseline_value=None if kept_only_now else was[key] or None,
                        note=f"now {now['outcome']}; before {was['outcome']}",
                    )
                )


def _refused(measured: dict) -> bool:
    return measured["outcome"].startswith("refused")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
