"""Tables as CSV or XLSX files, streamed, every cell safe to open in a spreadsheet.

A text cell starting with = + - @, a tab or a carriage return would be read by a spreadsheet
as a formula (OWASP "CSV injection"); such a cell is written with a leading apostrophe, in CSV
and in XLSX alike, so a file saved again from one format into the other stays safe.

XLSX is written by XlsxWriter: it writes only (nothing is read back from users' files), has no
dependencies, and its constant-memory mode flushes each row to disk, so a long list does not
grow in memory; every cell is written as a string or a number, never as a formula.
"""

import csv
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse

from onestop.refusals import Refused

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit on a sheet's name, and the characters it refuses there.
SHEET_NAME_LENGTH = 31
NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")


@dataclass
class Table:
    """One table of a file: a sheet of an XLSX file, a block of a CSV file."""

    title: str
    header: list[str]
    rows: Iterable[list]


@dataclass(frozen=True)
class Column:
    """A column a list's export offers: its code in the query string (`columns`), its header."""

    code: str
    label: object  # a lazy translation: the header in the reader's language
    fields: tuple[str, ...]  # what it reads of a row of values
    default: bool = True
    personal: bool = False  # personal data: shown on the page, exported only when chosen


def chosen(codes: list[str], columns: tuple[Column, ...]) -> list[Column]:
    """The `columns` asked for by `codes`, in the columns' order; the default ones when none is
    asked for. A code that names no column, or more codes than there are columns, is refused:
    a file never silently lacks what was asked."""
    if not codes:
        return [c for c in columns if c.default]
    known = {c.code for c in columns}
    if len(codes) > len(columns) or any(code not in known for code in codes):
        raise Refused(
            "export.unknown_column",
            "A column asked for the file does not exist. Choose among the columns offered.",
            "导出文件所选的列不存在。请在提供的列中选择。",
            field="columns",
        )
    wanted = set(codes)
    return [c for c in columns if c.code in wanted]


def day(value) -> str:
    """A date as ISO text; empty for none."""
    return value.isoformat() if value else ""


def safe(value):
    """Numbers as they are; text prefixed with an apostrophe where a spreadsheet would see a
    formula; None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


# Rows sent together: each piece the response sends costs an encoding and a write, so rows go
# out in batches, few enough that a batch stays some tens of kilobytes (bench/export.py).
ROWS_A_PIECE = 200


def _csv_lines(tables: list[Table]):
    writer = csv.writer(_Echo())
    # A byte order mark, so that spreadsheets open the Chinese names as UTF-8.
    yield "\ufeff"
    for n, table in enumerate(tables):
        if n:
            yield writer.writerow([])
        if len(tables) > 1:
            yield writer.writerow([safe(table.title)])
        yield writer.writerow([safe(h) for h in table.header])
        piece = []
        for row in table.rows:
            piece.append(writer.writerow([safe(v) for v in row]))
            if len(piece) == ROWS_A_PIECE:
                yield "".join(piece)
                piece = []
        if piece:
            yield "".join(piece)


def csv_response(filename: str, tables: list[Table]) -> StreamingHttpResponse:
    """The tables one after the other, a blank line and each one's title between them."""
    response = StreamingHttpResponse(_csv_lines(tables), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, tables: list[Table]) -> FileResponse:
    """One sheet per table, written row by row to a temporary file that is then streamed."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    book = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = book.add_format({"bold": True})
    for n, table in enumerate(tables, start=1):
        name = NOT_IN_SHEET_NAME.sub(" ", f"{n} {table.title}")[:SHEET_NAME_LENGTH].strip()
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [str(safe(h)) for h in table.header], bold)
        for r, row in enumerate(table.rows, start=1):
            for c, value in enumerate(row):
                value = safe(value)
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )
