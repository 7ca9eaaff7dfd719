"""Reading workbooks safely and fast: size and zip checks first, then python-calamine.

calamine turns an error cell (``#REF!``, ``#DIV/0!`` …) into an empty string, which would let
a broken formula pass as a blank; the sheet's XML is therefore scanned for error cells, which
are reported as errors, never as blanks. No formula is evaluated: a formula cell counts by the
value Excel cached for it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath

from defusedxml import ElementTree

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_COMPRESSION_RATIO = 200
ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!")

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ERROR_CELL = re.compile(rb"""<c\b([^>]*?\bt=["']e["'][^>]*)>(.*?)</c>""", re.DOTALL)
_CELL_REF = re.compile(rb"""\br=["']([A-Z]+)(\d+)["']""")
_ERROR_MARKS = (b't="e"', b"t='e'")
_SCAN_CHUNK = 16 * 1024 * 1024
_VALUE = re.compile(rb"<v>([^<]*)</v>")


class UnreadableFile(Exception):
    """The file cannot be read as a workbook; the message says why, for a person."""


@dataclass
class Sheet:
    """One sheet's cells as rows (index 0 is Excel row 1), and its error cells.

    calamine reads an error cell as an empty string, so only a sheet with empty cells where
    data belongs can hide one: the validator asks for :attr:`errors` only then, and the sheet's
    XML is scanned on that first use (a 500,000-row sheet is some 300 MB of XML).
    """

    name: str
    visible: bool
    rows: list[list[object]]
    error_finder: Callable[[], dict[tuple[int, int], str]] | None = None
    _errors: dict[tuple[int, int], str] | None = field(default=None, repr=False)

    @property
    def errors(self) -> dict[tuple[int, int], str]:
        """(Excel row, column index) → the error text (``#REF!`` …) of each error cell."""
        if self._errors is None:
            self._errors = self.error_finder() if self.error_finder is not None else {}
        return self._errors


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + (ch - 64)
    return value - 1


def check_size(data: bytes) -> None:
    if not data:
        raise UnreadableFile("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"the file is {len(data) / 1e6:.0f} MB; at most {MAX_FILE_BYTES / 1e6:.0f} MB is accepted"
        )


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs before any parsing: too many entries, too large, too compressed."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnreadableFile(f"the workbook has {len(entries)} parts; at most {MAX_ZIP_ENTRIES} are accepted")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(f"the workbook unpacks to {total / 1e6:.0f} MB; at most "
                             f"{MAX_UNCOMPRESSED_BYTES / 1e6:.0f} MB is accepted")
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
            raise UnreadableFile(f"part {entry.filename} is compressed {ratio:.0f} times: "
                                 "refused as a possible zip bomb")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part inside the workbook."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name")] = path
    return parts


def _has_error_cell(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML marks any cell as an error, read as a stream.

    The XML of a 500,000-row sheet is some 300 MB: streaming it in chunks is faster than
    reading it whole and keeps that out of memory, in the common case of no error cell.
    """
    tail = b""
    marks = _ERROR_MARKS
    with archive.open(part) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            if not tail:  # writers quote attributes one way throughout: look for that way only
                marks = tuple(m for m in _ERROR_MARKS if m[1:3] in chunk) or _ERROR_MARKS
            window = tail + chunk
            if any(mark in window for mark in marks):
                return True
            tail = chunk[-8:]  # a mark cut in two by the chunk boundary
    return False


def _error_cells_in(data: bytes, part: str) -> dict[tuple[int, int], str]:
    """:func:`_error_cells` of a workbook's bytes (the archive is opened again: it is cheap)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return _error_cells(archive, part)


def _error_cells(archive: zipfile.ZipFile, part: str) -> dict[tuple[int, int], str]:
    """(Excel row, column index) → error text (``#REF!`` …) of every error cell of a sheet."""
    try:
        if not _has_error_cell(archive, part):  # the common case: no error cell, no parse
            return {}
        xml = archive.read(part)
    except KeyError:
        return {}
    found = {}
    for match in _ERROR_CELL.finditer(xml):
        ref = _CELL_REF.search(match.group(1))
        if ref is None:
            continue
        value = _VALUE.search(match.group(2))
        found[(int(ref.group(2)), _column_index(ref.group(1)))] = (
            value.group(1).decode("utf-8", "replace") if value else "#ERROR"
        )
    return found


def read_xlsx(data: bytes) -> list[Sheet]:
    """Every worksheet of an .xlsx (values as Excel cached them) with its error cells."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("the file is not an Excel workbook (.xlsx) nor a CSV file") from exc
    with archive:
        check_zip(archive)
        try:
            parts = _sheet_parts(archive)
        except (KeyError, ElementTree.ParseError) as exc:
            raise UnreadableFile("the file is a zip archive but not an Excel workbook") from exc
        except Exception as exc:  # defusedxml refuses entity tricks: an attack, not a workbook
            raise UnreadableFile(f"the workbook's structure was refused ({exc.__class__.__name__})") from exc
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except CalamineError as exc:
            raise UnreadableFile(f"the workbook cannot be read: {exc}") from exc
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except CalamineError as exc:
                raise UnreadableFile(f"sheet {meta.name!r} cannot be read: {exc}") from exc
            sheets.append(Sheet(meta.name, meta.visible == SheetVisibleEnum.Visible, rows,
                                partial(_error_cells_in, data, parts.get(meta.name, ""))))
        book.close()
    return sheets


def read_csv(data: bytes, name: str) -> list[Sheet]:
    """A CSV file as one sheet named after the file (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("the CSV file is not UTF-8 text (save it as 'CSV UTF-8')") from exc
    if "\x00" in text:
        raise UnreadableFile("the file is not a text CSV file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return [Sheet(PurePosixPath(name).stem, True, rows)]


def read_file(data: bytes, name: str) -> list[Sheet]:
    """Read an .xlsx or .csv file's sheets, refusing anything unsafe or unreadable."""
    check_size(data)
    lower = name.lower()
    if lower.endswith(".csv") and data[:4] != b"PK\x03\x04":
        return read_csv(data, name)
    if data[:4] != b"PK\x03\x04":
        if lower.endswith(".xls"):
            raise UnreadableFile("old .xls workbooks are not accepted: save the file as .xlsx")
        raise UnreadableFile("the file is not an Excel workbook (.xlsx) nor a CSV file")
    return read_xlsx(data)
