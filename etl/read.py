"""Reading workbooks safely and fast: size and zip checks first, then python-calamine.

A few kilobytes can ask the reader for gigabytes: a part that unpacks to a gigabyte of tiny
shared strings, or two cells far apart (A1 and XFD8000), which calamine turns into the full
rectangle between them, 131 million cells. So the parts' sizes are capped, and every sheet's
used area is found and refused beyond sane limits before calamine reads it: calamine's Rust code
cannot raise for want of memory, its process just ends.

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
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import PurePosixPath

from defusedxml import ElementTree

from etl.problem_catalogue import msg
from etl.stream import STREAM_MIN_BYTES, RowStream, StreamFallback, head_of

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_COMPRESSION_RATIO = 200
# calamine keeps every shared string, some 3.3 times its XML in memory when the strings are tiny
# (935 MB of them reached 3.2 GB); 500,000 rows of distinct 40-character notes take 30 MB.
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
# Parts read whole into memory besides the shared strings (workbook, relationships, styles): a
# few kilobytes to a few megabytes in real workbooks.
MAX_METADATA_PART_BYTES = 64 * 1024 * 1024
_METADATA_PARTS = {"workbook.xml", "workbook.xml.rels", ".rels", "styles.xml", "[content_types].xml"}
# The widest contract has 14 columns; room for notes and helper columns beside them.
MAX_COLUMNS = 100
MAX_ROWS = 1_048_576  # Excel's own limit: no spreadsheet program makes a longer sheet
# Reading costs some 40 bytes a cell of the area from A1, empty or not: 25 million cells are
# about 1 GB (1,000,000 rows of 25 columns, or 500,000 rows of 50).
MAX_CELLS = 25_000_000
# A sheet's XML up to this size (some 25,000 rows of 13 columns) is scanned for the cells it really
# holds, in 0.2 s at most; scanning a 500,000-row sheet would add a quarter to calamine's read. A
# larger sheet is judged by its <dimension>, which spreadsheet programs write, and past that the
# memory cap of the load (etl.limits) stops a file that lies.
EXTENT_SCAN_BYTES = 16 * 1024 * 1024
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
_HEAD_BYTES = 64 * 1024
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s(?:[^>]*?\s)?ref\s*=\s*["']([^"']*)["']""")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s/>]")
_REF = re.compile(r"\$?([A-Za-z]+)\$?(\d+)")
# A cell element with an r attribute that is not empty-tagged: calamine skips a cell without a
# value (<c r="B2" s="1"/>, a formatted blank), so it does not count towards the area either.
_VALUED_CELL = re.compile(rb"""<(?:[\w.-]+:)?c\s[^>]*?(?<=\s)r\s*=\s*["']([A-Za-z]+)(\d+)["'][^>]*(?<!/)>""")
_SST_UNIQUE_COUNT = re.compile(rb"""<(?:[\w.-]+:)?sst\s[^>]*?\buniqueCount\s*=\s*["'](\d+)["']""")


class UnreadableFile(Exception):
    """The file cannot be read as a workbook; ``said`` says why (a message of etl.problem_catalogue).

    ``sheet`` names the sheet at fault, when one is; it is a parameter of the message too.
    """

    def __init__(self, code: str, sheet: str = "", /, **params: object) -> None:
        self.said = msg(code, **({"sheet": sheet} if sheet else {}), **params)
        super().__init__(self.said.text("en"))
        self.sheet = sheet


class Sheet:
    """One sheet's cells as rows (index 0 is Excel row 1), and its error cells.

    calamine reads an error cell as an empty string, so only a sheet with empty cells where
    data belongs can hide one: the validator asks for :attr:`errors` only then, and the sheet's
    XML is scanned on that first use (a 500,000-row sheet is some 300 MB of XML).

    A long sheet may be read in parts while its first rows are checked (``etl.stream``): then
    :attr:`rows` waits for the whole sheet, while :meth:`head`, :meth:`rows_between`,
    :meth:`has_row` and :meth:`iter_rows` wait only for the rows they return. Either way may
    raise :class:`etl.stream.StreamFallback`, upon which the file is to be read whole.
    """

    def __init__(self, name: str, visible: bool, rows: list[list[object]],
                 error_finder: Callable[[], dict[tuple[int, int], str]] | None = None,
                 stream: RowStream | None = None) -> None:
        self.name = name
        self.visible = visible
        self._rows = stream.rows if stream is not None else rows
        self.error_finder = error_finder
        self.stream = stream
        self._errors: dict[tuple[int, int], str] | None = None

    def __repr__(self) -> str:
        return f"Sheet({self.name!r}, visible={self.visible})"

    @property
    def rows(self) -> list[list[object]]:
        """Every row of the sheet (read to its end first, if it is being read in parts)."""
        if self.stream is not None:
            self.stream.wait()
        return self._rows

    def head(self, count: int) -> list[list[object]]:
        """The first ``count`` rows (fewer if the sheet is shorter)."""
        return self.rows_between(0, count)

    def rows_between(self, start: int, stop: int | None) -> list[list[object]]:
        """Rows ``start`` to ``stop`` (to the end when None), as ``rows[start:stop]``."""
        if self.stream is not None:
            self.stream.wait(stop)
        return self._rows[start:stop]

    def has_row(self, index: int) -> bool:
        """Whether the sheet has a row at ``index`` (0 is Excel row 1)."""
        if self.stream is not None:
            self.stream.wait(index + 1)
        return len(self._rows) > index

    def iter_rows(self) -> Iterator[list[object]]:
        """The rows in order, each as soon as it is read."""
        index = 0
        while self.has_row(index):
            available = self._rows[index:]
            yield from available
            index += len(available)

    def expected_rows(self) -> int:
        """The number of rows: exact once read, an estimate while the sheet is read in parts."""
        return self.stream.expected_rows() if self.stream is not None else len(self._rows)

    def close(self) -> None:
        """Stop reading the sheet in parts, if it still is."""
        if self.stream is not None:
            self.stream.close()

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
        raise UnreadableFile("file-empty")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile("file-too-big", size=len(data) / 1e6, maximum=MAX_FILE_BYTES / 1e6)


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs before any parsing: too many entries, too large, too compressed, and
    parts read whole (the shared strings above all) larger than a real workbook's."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnreadableFile("too-many-parts", parts=len(entries), maximum=MAX_ZIP_ENTRIES)
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile("unpacks-too-large", size=total / 1e6, maximum=MAX_UNCOMPRESSED_BYTES / 1e6)
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
            raise UnreadableFile("zip-bomb", part=entry.filename, ratio=ratio)
        cap, what = _part_cap(entry.filename)
        if cap is not None and entry.file_size > cap:
            raise UnreadableFile("part-too-large", what=what, part=entry.filename, size=entry.file_size / 2**20,
                                 maximum=cap / 2**20)
        if what == "shared strings":
            _check_string_count(archive, entry)


def _part_cap(name: str) -> tuple[int | None, str]:
    """The size cap of a part, by name (calamine finds a part whatever the case of its name, and
    reads a backslash in it as a slash)."""
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    if base == "sharedstrings.xml":
        return MAX_SHARED_STRINGS_BYTES, "shared strings"
    if base in _METADATA_PARTS:
        return MAX_METADATA_PART_BYTES, "workbook structure"
    return None, "other"


# What reading a damaged or encrypted part raises.
_PART_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


def _head(archive: zipfile.ZipFile, entry: zipfile.ZipInfo | str) -> bytes:
    """The first bytes of a part, unpacked."""
    try:
        with archive.open(entry) as stream:
            return stream.read(_HEAD_BYTES)
    except _PART_ERRORS as exc:
        name = entry.filename if isinstance(entry, zipfile.ZipInfo) else entry
        raise UnreadableFile("damaged-part", part=name, error=str(exc)) from exc


def _check_string_count(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Refuse a shared strings part that declares more strings than it can hold.

    calamine sets room aside for the declared count before it reads a string: a 600-byte
    workbook declaring four billion strings asks for 96 GB at once. A string takes at least
    five bytes (``<si/>``).
    """
    found = _SST_UNIQUE_COUNT.search(_head(archive, entry))
    declared = int(found.group(1)) if found else 0
    if declared > entry.file_size // 5 + 1:
        raise UnreadableFile("too-many-strings", part=entry.filename, declared=declared, size=entry.file_size)


def _cell_position(ref: str) -> tuple[int, int] | None:
    """(rows, columns) from A1 to a cell reference such as ``XFD8000``; None if it is not one."""
    found = _REF.fullmatch(ref.strip())
    if found is None:
        return None
    return int(found.group(2)), _column_index(found.group(1).upper().encode()) + 1


def _declared_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(rows, columns) from A1 of a sheet's ``<dimension>``, read from the head of its XML; (0, 0) if none."""
    head = _head(archive, part)
    data_start = _SHEET_DATA.search(head)
    found = _DIMENSION.search(head, 0, data_start.start() if data_start else len(head))
    if found is None:
        return 0, 0
    corners = [_cell_position(c) for c in found.group(1).decode("ascii", "replace").split(":")]
    corners = [c for c in corners if c is not None]
    return (max(r for r, _ in corners), max(c for _, c in corners)) if corners else (0, 0)


def _scanned_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(rows, columns) from A1 of the cells a sheet's XML really holds (by their ``r`` attribute)."""
    rows = columns = 0
    tail = b""
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_SCAN_CHUNK):
                window = tail + chunk
                cells = _VALUED_CELL.findall(window)
                # Distinct letters and numbers first: a sheet repeats them in every row and column.
                columns = max([columns, *(_column_index(c.upper()) + 1 for c in {c for c, _ in cells})])
                rows = max([rows, *map(int, {r for _, r in cells})])
                tail = window[-4096:]  # a cell element cut in two by the chunk boundary
    except _PART_ERRORS as exc:
        raise UnreadableFile("damaged-part", part=part, error=str(exc)) from exc
    return rows, columns


def _parts_with_cells(archive: zipfile.ZipFile, parts: dict[str, str]) -> dict[str, str]:
    """Sheet name → part, for the sheets the workbook lists and any other part that holds sheet
    data (calamine finds the workbook through the package's relationships, not by its usual name,
    so a decoy xl/workbook.xml must not hide a sheet from the checks)."""
    found = dict(parts)
    listed = set(parts.values())
    for entry in archive.infolist():
        if entry.filename in listed or entry.is_dir():
            continue
        try:
            holds_cells = _SHEET_DATA.search(_head(archive, entry)) is not None
        except UnreadableFile:
            continue  # calamine reads only what the workbook lists, and says if that is damaged
        if holds_cells:
            found[entry.filename] = entry.filename
    return found


def check_extent(archive: zipfile.ZipFile, part: str, sheet: str) -> None:
    """Refuse a sheet whose used area, from A1, is beyond the limits, before calamine reads it.

    calamine builds the whole rectangle from A1 to the last cell, and a cell's place is all it
    takes: A1 and XFD8000 are 131 million cells, 4.2 GB before Python sees one of them.
    """
    try:
        size = archive.getinfo(part).file_size
    except KeyError:
        return  # no such part: calamine says so
    rows, columns = (_scanned_extent(archive, part) if size <= EXTENT_SCAN_BYTES
                     else _declared_extent(archive, part))
    if not rows or not columns:
        return
    span = f"A1:{column_letter(min(columns, 10**9) - 1)}{rows}"
    span = span if len(span) <= 24 else span[:23] + "…"
    if columns > MAX_COLUMNS:
        raise UnreadableFile("sheet-too-wide", sheet, span=span, maximum=MAX_COLUMNS)
    if rows > MAX_ROWS:
        raise UnreadableFile("sheet-too-long", sheet, span=span, maximum=MAX_ROWS)
    if rows * columns > MAX_CELLS:
        raise UnreadableFile("sheet-too-many-cells", sheet, span=span, cells=rows * columns, maximum=MAX_CELLS)


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


OPENDOCUMENT = b"application/vnd.oasis.opendocument"


def _refuse_opendocument(archive: zipfile.ZipFile) -> None:
    """An .ods (or .odt) is a zip too; say what it is and how to save it as .xlsx."""
    if "mimetype" not in archive.namelist() or archive.getinfo("mimetype").file_size > 200:
        return
    if archive.read("mimetype").startswith(OPENDOCUMENT):
        raise UnreadableFile("opendocument")


def sheet_data_parts(archive: zipfile.ZipFile) -> set[str]:
    """The names of a workbook's parts that hold sheet data (the sheets it lists, and any other)."""
    return set(_parts_with_cells(archive, _sheet_parts(archive)).values())


def _streamable(archive: zipfile.ZipFile, part: str) -> tuple[bytes, bytes] | None:
    """The head of a sheet's XML and its prefix (``etl.stream.head_of``) when the sheet is long
    enough to be read in parts; None when it is to be read whole."""
    entries = [e for e in archive.infolist() if e.filename == part]
    if len(entries) != 1 or entries[0].file_size < STREAM_MIN_BYTES:
        return None  # a short sheet, or a name twice in the archive: which one calamine takes is its affair
    return head_of(_head(archive, entries[0]))


def read_xlsx(data: bytes, stream: bool = False) -> list[Sheet]:
    """Every worksheet of an .xlsx (values as Excel cached them) with its error cells.

    With ``stream``, a long sheet is read in parts on a thread of its own (``etl.stream``) and
    this returns before it is read: its :class:`Sheet` waits for the rows asked of it. Whatever
    goes wrong once such a read has started raises :class:`etl.stream.StreamFallback`.
    """
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("not-a-workbook") from exc
    sheets: list[Sheet] = []
    with archive:
        check_zip(archive)
        _refuse_opendocument(archive)
        try:
            parts = _sheet_parts(archive)
        except (KeyError, ElementTree.ParseError) as exc:
            raise UnreadableFile("zip-not-workbook") from exc
        except Exception as exc:  # defusedxml refuses entity tricks: an attack, not a workbook
            raise UnreadableFile("structure-refused", error=exc.__class__.__name__) from exc
        for name, part in _parts_with_cells(archive, parts).items():
            check_extent(archive, part, name)
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except CalamineError as exc:
            raise UnreadableFile("workbook-unreadable", error=str(exc)) from exc
        try:
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue
                visible, part = meta.visible == SheetVisibleEnum.Visible, parts.get(meta.name, "")
                finder = partial(_error_cells_in, data, part)
                head = _streamable(archive, part) if stream else None
                if head is not None:
                    rows = RowStream(data, part, meta.name, *head, archive.getinfo(part).file_size).start()
                    sheets.append(Sheet(meta.name, visible, [], finder, stream=rows))
                    continue
                try:
                    rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                except CalamineError as exc:
                    raise UnreadableFile("sheet-unreadable", name=meta.name, error=str(exc)) from exc
                sheets.append(Sheet(meta.name, visible, rows, finder))
        except BaseException as exc:
            streamed = [s for s in sheets if s.stream is not None]
            for sheet in streamed:
                sheet.close()
            if streamed and not isinstance(exc, StreamFallback):
                # A sheet read whole failed after a sheet before it started in parts: read the
                # file whole, so that the failure reported is the one a whole read meets first.
                raise StreamFallback("a later sheet failed") from exc
            raise
        finally:
            book.close()
    return sheets


# A run of question marks is what a legacy encoding (Windows-1252, say) writes for Khmer letters
# it does not have: the text is gone from the file, and a guess would load wrong names.
_LOST_TEXT = re.compile(r"^[?\s]*\?{2,}[?\s]*$")


def decode_csv(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), or UTF-16 with its BOM (Excel's 'Unicode
    Text'); any other encoding is refused with how to save the file as UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFile("csv-not-utf16") from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableFile("csv-not-utf8", byte=exc.start) from exc
    if "\x00" in text:
        raise UnreadableFile("csv-not-text")
    return text


def _refuse_lost_text(rows: list[list[object]], sheet: str) -> None:
    """A cell of nothing but question marks is text that a legacy encoding could not write."""
    for number, row in enumerate(rows, 1):
        for cell in row:
            if isinstance(cell, str) and "??" in cell and _LOST_TEXT.match(cell):
                raise UnreadableFile("csv-lost-text", sheet, row=number, cell=cell.strip())


def read_csv(data: bytes, name: str) -> list[Sheet]:
    """A CSV file as one sheet named after the file (UTF-8, with or without BOM)."""
    text = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = PurePosixPath(name).stem
    rows: list[list[object]] = []
    cells = 0
    # The same limits as a workbook's, checked row by row before a row is kept: 64 MB of commas
    # are 64 million empty cells, of newlines 64 million empty rows.
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), 1):
        if len(row) > MAX_COLUMNS:
            raise UnreadableFile("csv-row-too-wide", sheet, row=number, columns=len(row), maximum=MAX_COLUMNS)
        if number > MAX_ROWS:
            raise UnreadableFile("csv-too-many-rows", sheet, maximum=MAX_ROWS)
        cells += len(row)
        if cells > MAX_CELLS:
            raise UnreadableFile("csv-too-many-cells", sheet, maximum=MAX_CELLS)
        rows.append(row)
    if "??" in text:  # rarely: the cell by cell look is only for files that may need it
        _refuse_lost_text(rows, sheet)
    return [Sheet(sheet, True, rows)]


def read_file(data: bytes, name: str, stream: bool = False) -> list[Sheet]:
    """Read an .xlsx or .csv file's sheets, refusing anything unsafe or unreadable.

    Running out of the memory a load may use (etl.limits) while reading is a refusal too.
    ``stream``: read long sheets in parts while the caller uses the first rows (:func:`read_xlsx`).
    """
    from etl.limits import out_of_memory_params

    check_size(data)
    lower = name.lower()
    is_csv = lower.endswith(".csv") and data[:4] != b"PK\x03\x04"
    try:
        if is_csv:
            return read_csv(data, name)
        if data[:4] != b"PK\x03\x04":
            if lower.endswith(".xls"):
                raise UnreadableFile("old-xls")
            raise UnreadableFile("not-a-workbook")
        return read_xlsx(data, stream)
    except MemoryError as exc:
        raise UnreadableFile("out-of-memory-reading", **out_of_memory_params("file" if is_csv else "workbook")) from exc
