"""Downloads of any table as Excel and CSV, safe to open.

A spreadsheet turns a text cell that starts with ``=`` into a live formula; exported text is
never allowed to become one. Excel cells are written as explicit strings, with the control
characters that an .xlsx cannot hold shown as U+FFFD. CSV fields are all quoted, and every line
of a text (the first, and each one after a line break) that starts with ``= + - @`` or a tab
gets a leading apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from dash import dcc
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from i18n import t

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
# After a line break, a line that starts with "\r" is only a further break (an empty line), and
# the line after it is checked in its turn: no apostrophe is needed on blank lines.
DANGEROUS_AFTER_BREAK = ("=", "+", "-", "@", "\t")
UNSHOWABLE = "\ufffd"


def neutralise(value: object) -> object:
    """A text value that a spreadsheet would run, made inert; everything else as it is.

    Quoting keeps a line break inside its field for a careful reader, but a reader that splits
    lines first (an import with the wrong setting, a script, ``grep``) takes the text after the
    break for the start of a row; so every line is neutralised as if it were a value of its own.
    The breaks are kept and an apostrophe goes only before a line that needs one: the text
    reads as it was typed, a note keeps its paragraphs, which replacing the breaks would lose.
    ``str.splitlines`` knows every character that some reader takes for a break (``\r`` alone,
    U+2028 …).
    """
    if not isinstance(value, str):
        return value
    lines = value.splitlines(keepends=True) or [value]
    safe = ["'" + lines[0] if lines[0].startswith(DANGEROUS_STARTS) else lines[0]]
    safe += ["'" + line if line.startswith(DANGEROUS_AFTER_BREAK) else line for line in lines[1:]]
    return "".join(safe)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Khmer text correctly; every field quoted.

    Every field is quoted so that no cell can begin in the middle of a value: Excel splits an
    unquoted ``a;=cmd…`` at the ``;`` where that is the list separator, and the second cell
    would be a formula. The CRLF line ends are RFC 4180's, whatever system the server runs on.
    """
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            # A list, not Series.map: map would make [80, 92.5] a float column that writes "80.0".
            safe[column] = pd.Series([neutralise(v) for v in safe[column].tolist()], index=safe.index,
                                     dtype=object)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n").encode("utf-8-sig")


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "data", *, title: str | None = None,
                   number_formats: dict[str, str] | None = None) -> bytes:
    """An .xlsx of ``frame``: bold header, widths, number formats; text stored as text."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    fill_sheet(sheet, frame, title=title, number_formats=number_formats)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill_sheet(sheet, frame: pd.DataFrame, *, title: str | None = None,
               number_formats: dict[str, str] | None = None) -> None:
    """Write ``frame`` on an openpyxl ``sheet`` as :func:`to_excel_bytes` does: a bold header,
    widths, number formats by column, numbers as numbers and every other value as text."""
    row = 1
    if title:
        _text_cell(sheet.cell(row=1, column=1), title).font = Font(bold=True, size=13)
        row = 3
    for col, name in enumerate(frame.columns, 1):
        _text_cell(sheet.cell(row=row, column=col), str(name)).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = max(12, min(50, len(str(name)) + 4))
    formats = number_formats or {}
    for values in frame.itertuples(index=False, name=None):
        row += 1
        for col, (name, value) in enumerate(zip(frame.columns, values, strict=True), 1):
            cell = sheet.cell(row=row, column=col)
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            if isinstance(value, numbers.Number) and not isinstance(value, bool):
                cell.value = value.item() if hasattr(value, "item") else value
                if name in formats:
                    cell.number_format = formats[name]
            else:
                _text_cell(cell, str(value))


def _text_cell(cell, text: str):
    # An .xlsx is XML, which cannot hold most control characters (an ESC in a file's name once
    # made openpyxl refuse the whole history); U+FFFD shows that something unshowable was there.
    # Assigning a string that starts with "=" makes openpyxl store a formula; setting the data
    # type afterwards keeps it a plain string cell.
    cell.value = ILLEGAL_CHARACTERS_RE.sub(UNSHOWABLE, text)
    cell.data_type = "s"
    return cell


# --- tables for machines: typed columns, units in the headers, one schema ---------------------

# Excel number formats and Frictionless types of each kind of column.
KINDS = {
    "code": ("@", "string"), "text": ("@", "string"), "status": ("@", "string"),
    "integer": ("0", "integer"), "amount": ("#,##0", "integer"), "number": ("#,##0.##", "number"),
    "fraction": ("0.0%", "number"),
}
# The unit a header carries, so that a machine (and a person) knows what a number counts.
UNITS = {"amount": {"en": "KHR", "km": "រៀល"}, "fraction": {"en": "fraction, 1 = 100 %", "km": "ប្រភាគ, 1 = 100 %"}}


@dataclass(frozen=True)
class ExportColumn:
    """One column of a download: the source field, its header (an i18n key) and its kind.

    Kinds: ``code`` (text that keeps its leading zeros), ``text``, ``status`` (the word, never
    the icon), ``integer``, ``amount`` (whole riels), ``number`` (whole numbers without ``.0``),
    ``fraction`` (a rate, 0.42 for 42 %).
    """

    field: str
    header_key: str
    kind: str = "text"

    def header(self, lang: str) -> str:
        """The header in ``lang``, with the unit where the kind has one."""
        unit = UNITS.get(self.kind, {}).get(lang)
        return f"{t(self.header_key, lang)} ({unit})" if unit else t(self.header_key, lang)


def _typed(value, kind: str, lang: str):
    """One value as its column's kind writes it; missing values as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if kind in ("code", "text"):
        return str(value)
    if kind == "status":
        return t(f"status.{value}", lang)
    if kind in ("amount", "integer"):
        return int(round(float(value)))
    return _whole(value)


def _whole(value):
    """Whole floats as ints (``1200`` rather than ``1200.0``); missing as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


def export_frame(source: pd.DataFrame, columns: Sequence[ExportColumn], lang: str) -> pd.DataFrame:
    """``source``'s fields as a download: headers in ``lang`` with units, values typed by kind."""
    out = {}
    for column in columns:
        # Plain Python lists: a pandas map would turn 80 back into 80.0 in a float column.
        values = source[column.field].tolist() if column.field in source else [None] * len(source)
        out[column.header(lang)] = pd.Series([_typed(v, column.kind, lang) for v in values], dtype=object)
    return pd.DataFrame(out, columns=[c.header(lang) for c in columns])


def table_schema(columns: Sequence[ExportColumn], lang: str) -> dict:
    """The Frictionless Table Schema of :func:`export_frame`'s CSV (one definition for both)."""
    return {"fields": [{"name": c.header(lang), "type": KINDS[c.kind][1]} for c in columns]}


def download_table(source: pd.DataFrame, columns: Sequence[ExportColumn], lang: str, *, name: str,
                   as_csv: bool, sheet: str = "data", title: str | None = None) -> dict:
    """The ``dcc.Download`` data of a table as CSV or Excel, typed and headed by ``columns``."""
    frame = export_frame(source, columns, lang)
    if as_csv:
        return dcc.send_bytes(to_csv_bytes(frame), f"{name}.csv")
    formats = {c.header(lang): KINDS[c.kind][0] for c in columns if KINDS[c.kind][0] != "@"}
    return dcc.send_bytes(to_excel_bytes(frame, sheet, title=title, number_formats=formats), f"{name}.xlsx")
