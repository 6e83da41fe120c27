"""Rows of the results table: each benchmark records its ratios (and absolute figures for
context) in the file named by ONESTOP_BENCH_RESULTS, which bench/run prints as one table."""

import json
import os
from dataclasses import asdict, dataclass


@dataclass
class Row:
    bench: str  # e.g. "booking rush"
    engine: str  # "sqlite", "postgresql" or "-" where no database is involved
    measure: str  # what is measured, with its unit: "bookings/s"
    value: float
    baseline: str = ""  # what it is measured against: "bare conditional UPDATE"
    baseline_value: float | None = None
    ratio: float | None = None  # value / baseline_value, unless the row says otherwise
    target: str = ""  # e.g. ">= 50 %"
    met: bool | None = None
    note: str = ""


def record(row: Row) -> Row:
    if row.ratio is None and row.baseline_value:
        row.ratio = row.value / row.baseline_value
    path = os.environ.get("ONESTOP_BENCH_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    return row


def read(path: str) -> list[Row]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as rows:
        return [Row(**json.loads(line)) for line in rows if line.strip()]


def _figure(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def _ratio(row: Row) -> str:
    if row.ratio is None:
        return ""
    if row.measure.startswith("time") or "/" not in row.measure:
        return f"{row.ratio:.2f}x"
    return f"{row.ratio:.1%}" if row.ratio < 0.1 else f"{row.ratio:.0%}"


def table(rows: list[Row]) -> str:
    header = ("benchmark", "engine", "measure", "value", "against", "value", "ratio", "target")
    lines = [
        (
            r.bench,
            r.engine,
            r.measure,
            _figure(r.value),
            r.baseline,
            _figure(r.baseline_value),
            _ratio(r),
            f"{r.target} {'met' if r.met else 'NOT met' if r.met is False else ''}".strip(),
        )
        for r in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]
    right = {3, 5, 6}

    def line(cells) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(header), line("-" * w for w in widths)]
    out += [line(cells) for cells in lines]
    notes = [f"  {r.bench} ({r.engine}): {r.note}" for r in rows if r.note]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)
