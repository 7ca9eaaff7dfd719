"""Downloads of any table as Excel and CSV, safe to open.

A spreadsheet turns a text cell that starts with ``=`` into a live formula; exported text is
never allowed to become one. Excel cells are written as explicit strings; CSV cells that start
with ``= + - @`` (or a tab or carriage return) get a leading apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import io
import numbers

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text value that a spreadsheet would run, made inert; everything else as it is."""
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Khmer text correctly."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


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
    # Assigning a string that starts with "=" makes openpyxl store a formula; setting the
    # data type afterwards keeps it a plain string cell.
    cell.value = text
    cell.data_type = "s"
    return cell
