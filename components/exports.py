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
import numbers

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n").encode("utf-8-sig")


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "data", *, title: str | None = None,
                   number_formats: dict[str, str] | None = None) -> bytes:
    """An .xlsx of ``frame``: bold header, widths, number formats; text stored as text."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
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
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(cell, text: str):
    # An .xlsx is XML, which cannot hold most control characters (an ESC in a file's name once
    # made openpyxl refuse the whole history); U+FFFD shows that something unshowable was there.
    # Assigning a string that starts with "=" makes openpyxl store a formula; setting the data
    # type afterwards keeps it a plain string cell.
    cell.value = ILLEGAL_CHARACTERS_RE.sub(UNSHOWABLE, text)
    cell.data_type = "s"
    return cell
