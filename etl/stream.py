"""Reading a long sheet in parts, on a thread of its own, while the loader checks and writes the
rows already read.

calamine reads a sheet whole: for a 500,000-row execution sheet that is some four seconds
during which nothing else could start, since every check needs the rows. But calamine lets go
of Python's lock while it parses. So a long sheet's XML is cut at row boundaries into parts of a
few megabytes, each part is wrapped as a small workbook of its own (the original's styles,
shared strings and workbook parts, and this slice of rows) and given to calamine on a reader
thread; the main thread checks the rows of one part while calamine parses the next.

The rows are the ones calamine gives for the whole sheet: each part keeps the rows' own cell
references (``r="A250001"``), a part is cut only just after a ``</row>`` and before a ``<row>``
that states its number, and a part's rows must all lie below the previous part's. Only trailing
empty cells may be missing from a row (calamine pads every row to the widest one; the checks
treat a short row as one padded with blanks, as they do a CSV file's rows).

Two passes of calamine's become one: to list merged cells, calamine reads a sheet's XML a second
time to its end. The parts but the last have an empty ``<mergeCells>`` before their rows, which
ends that pass at once; the last part holds the sheet's real end, so whatever calamine would find
wrong there it still finds.

Anything unusual (a part calamine refuses, rows out of order, a sheet that cannot be cut) makes
the read fail with :class:`StreamFallback`: the loader then starts again and reads the file whole,
exactly as it would have without this module. Nothing read in parts has been recorded by then.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile

STREAM_MIN_BYTES = 16 * 1024 * 1024  # a sheet's XML above this is read in parts
CHUNK_BYTES = 4 * 1024 * 1024  # XML per part (more when the workbook's other parts are large)
# The parts of the workbook copied into every part read (shared strings above all) are parsed again
# each time: they may add at most this share of the sheet's XML to the work.
BASE_SHARE = 8
_CUT_TRIES = 64  # row boundaries looked at before a part is left to grow

_SHEET_DATA_START = re.compile(rb"<((?:[\w.-]+:)?)sheetData(?=[\s/>])")
_SHEET_DATA_END = re.compile(rb"</(?:[^\s<>/:]+:)?sheetData\s*>")
_ROW_WITH_NUMBER = rb"""\s*<%srow\s[^>]*?(?<=\s)r\s*=\s*["'][0-9]"""
_EARLY_MERGE_CELLS = b"<mergeCells></mergeCells>"


class StreamFallback(Exception):
    """A sheet read in parts could not be read that way: the file is to be read whole instead."""


def head_of(data: bytes) -> tuple[bytes, bytes] | None:
    """The XML before a sheet's rows, up to its ``<sheetData>`` tag, and the prefix of that tag;
    None when the first bytes of the sheet do not hold it (the sheet is then read whole)."""
    found = _SHEET_DATA_START.search(data)
    if found is None:
        return None
    close = data.find(b">", found.end())
    if close < 0 or data[close - 1:close] == b"/":  # cut off, or an empty <sheetData/>
        return None
    return data[:close + 1], found.group(1)


class RowStream:
    """The rows of one sheet, appended by a reader thread part by part (see the module's docstring).

    ``rows`` grows while the sheet is read; :meth:`wait` blocks until the rows asked for are there,
    and raises :class:`StreamFallback` if the read failed. :meth:`close` stops the thread.
    """

    def __init__(self, data: bytes, part: str, sheet: str, head: bytes, prefix: bytes, size: int) -> None:
        self.rows: list[list[object]] = []
        self._data, self._part, self._sheet, self._size = data, part, sheet, size
        self._head = head
        at = _SHEET_DATA_START.search(head).start()
        self._head_early = head[:at] + _EARLY_MERGE_CELLS + head[at:]
        self._row_end = b"</" + prefix + b"row>"
        self._row_start = re.compile(_ROW_WITH_NUMBER % re.escape(prefix))
        self._closing = b"</" + prefix + b"sheetData></worksheet>"
        self._cond = threading.Condition()
        self._done = False
        self._closed = False
        self._failure: BaseException | None = None
        self._consumed = 0  # bytes of the sheet's XML in the rows published
        self._last_row = -1  # the last row published (0 is Excel's row 1)
        self.parts = 0  # parts read so far
        self._thread = threading.Thread(target=self._run, name="pib-load-reader", daemon=True)

    def start(self) -> RowStream:
        """Start reading."""
        self._thread.start()
        return self

    def wait(self, count: int | None = None) -> None:
        """Until at least ``count`` rows are read (every row when None) or the sheet has no more."""
        with self._cond:
            while not (self._done or self._failure is not None
                       or (count is not None and len(self.rows) >= count)):
                self._cond.wait()
            if self._failure is not None and not (count is not None and len(self.rows) >= count):
                raise StreamFallback(f"sheet {self._sheet!r} cannot be read in parts") from self._failure

    @property
    def done(self) -> bool:
        """Whether every row is read."""
        return self._done

    def expected_rows(self) -> int:
        """The sheet's rows: counted when read, estimated from the XML read so far until then."""
        if self._done or not self._consumed:
            return max(len(self.rows), 1)
        return max(len(self.rows), round(len(self.rows) * self._size / self._consumed), 1)

    def close(self) -> None:
        """Stop reading (if still at it) and wait for the thread to end."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    # --- the reader thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._read()
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread as a fallback
            with self._cond:
                self._failure = exc
                self._cond.notify_all()
            return
        with self._cond:
            if self._closed:  # stopped half-way: what was read is not the sheet
                self._failure = StreamFallback("closed before its end")
            else:
                self._done = True
            self._cond.notify_all()

    def _read(self) -> None:
        with zipfile.ZipFile(io.BytesIO(self._data)) as archive:
            base = self._base(archive)
            chunk = max(CHUNK_BYTES, BASE_SHARE * len(base))
            with archive.open(self._part) as xml:
                carry = b""
                while len(carry) < len(self._head):
                    block = xml.read(chunk)
                    if not block:
                        raise StreamFallback("the sheet ends before its rows")
                    carry += block
                if not carry.startswith(self._head):
                    raise StreamFallback("the sheet's first bytes changed")
                carry = carry[len(self._head):]
                cutting = True  # until the end of the rows is in sight: the rest is the last part
                while True:
                    if self._closed:
                        return
                    block = xml.read(chunk)
                    if not block:
                        break
                    window = carry + block
                    if cutting:
                        end = self._rows_end(window, len(carry))
                        cut = self._cut(window, len(window) if end < 0 else end)
                        cutting = end < 0
                        if cut > 0:
                            self._parse(base, self._head_early + window[:cut] + self._closing, cut)
                            window = window[cut:]
                    carry = window
            self._parse(base, self._head + carry, len(carry))

    def _base(self, archive: zipfile.ZipFile) -> bytes:
        """A workbook of every part but the sheets' (to which each part read adds its rows), stored."""
        from etl.read import sheet_data_parts

        skip = sheet_data_parts(archive)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            for entry in archive.infolist():
                if entry.filename not in skip and not entry.is_dir():
                    out.writestr(entry.filename, archive.read(entry))
        return buffer.getvalue()

    def _rows_end(self, window: bytes, searched: int) -> int:
        """Where the first ``</sheetData>`` of ``window`` starts (-1 if none), looking only past what
        an earlier call saw (``searched`` bytes, less a tag's length)."""
        at = max(0, searched - 64)
        while (at := window.find(b"sheetData", at)) >= 0:
            start = window.rfind(b"</", max(0, at - 64), at)
            if start >= 0 and _SHEET_DATA_END.match(window, start):
                return start
            at += 9
        return -1

    def _cut(self, window: bytes, limit: int) -> int:
        """The last clean row boundary before ``limit``: just after a ``</row>`` and before a ``<row``
        that states its number; 0 when there is none."""
        end = limit
        for _ in range(_CUT_TRIES):
            found = window.rfind(self._row_end, 0, end)
            if found < 0:
                return 0
            after = found + len(self._row_end)
            if self._row_start.match(window, after):
                return after
            end = found
        return 0

    def _parse(self, base: bytes, xml: bytes, consumed: int) -> None:
        """Read one part with calamine and publish its rows, after those of the parts before it."""
        from python_calamine import CalamineWorkbook

        buffer = io.BytesIO(base)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as out:
            out.writestr(self._part, xml)
        del xml
        buffer.seek(0)
        book = CalamineWorkbook.from_filelike(buffer)
        try:
            sheet = book.get_sheet_by_name(self._sheet)
            start, end = sheet.start, sheet.end
            rows = sheet.to_python(skip_empty_area=True) if start is not None else []
        finally:
            book.close()
        if start is not None:
            if start[0] <= self._last_row:
                raise StreamFallback("rows out of order")
            if start[1]:  # calamine's range starts at its first column with a value: A is column 0
                pad = [""] * start[1]
                rows = [pad + row for row in rows]
            gap = [[] for _ in range(start[0] - self._last_row - 1)]  # empty rows between parts
        with self._cond:
            self.parts += 1
            if start is not None:
                self.rows.extend(gap)
                self.rows.extend(rows)
                self._last_row = end[0]
            self._consumed += consumed
            self._cond.notify_all()
