"""Writing checked rows: their stored form, their encoding for the database, and the thread that
writes an execution file's parts while the next part is checked.

PostgreSQL takes rows fastest as CSV through ``COPY``; SQLite as tuples in multi-row ``INSERT``s.
Nothing here commits: every write happens in the load's one transaction (``etl.load``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table

from db.marts import ITEM_KEY, ITEM_PLACE, ITEM_SUMS
from db.models import BudgetFact
from etl.batches import delete_scope

Progress = Callable[[float, str], None]  # (fraction done, what is happening) → shown to the person
BATCH_ROWS = 20_000
SQLITE_LOAD_CACHE_KB = 128 * 1024  # page cache during a load (SQLite), in KiB
SQLITE_MAX_PARAMETERS = 8_500  # per INSERT; SQLite allows 32,766 (since 3.32), 500 fact rows are plenty

# The columns one value each in a file (and so in a part) first: csv_text writes them as one prefix.
EXECUTION_COLUMNS = ["batch_id", "source_sheet", "fiscal_year", "period", "entity_code", "programme_code",
                     "subprogramme_code", "cluster_code", "activity_code", "item_code", "economic_code",
                     "funding_source", "approved", "revised", "committed", "paid", "source_row"]
INDICATOR_COLUMNS = ["fiscal_year", "period", "unit_code", "unit_level", "province_code", "indicator_code",
                     "baseline", "target", "actual", "source", "note", "batch_id", "source_sheet",
                     "source_row"]


# --- rows as stored ---------------------------------------------------------------------------------


def whole_riels(amounts: pd.Series) -> np.ndarray:
    """Amounts as whole riels, rounding half to even (banker's rounding), as int64.

    ``1.0000025`` million KHR is 1,000,002.5 riels but 1,000,002.4999999999 in binary floating
    point: rounding to a millionth of a riel first removes that noise, so that the half-even
    rule sees the half that the person typed.
    """
    values = amounts.to_numpy(dtype="float64")
    return np.rint(np.round(values, 6)).astype("int64")


def fact_rows(part: pd.DataFrame, batch_id: int, sheet: str) -> pd.DataFrame:
    """Checked execution rows (:class:`etl.validate.ExecutionParsed`) as ``budget_fact`` stores them
    (amounts in whole riels)."""
    out = pd.DataFrame({
        "fiscal_year": part["fiscal_year"].astype(int),
        "period": part["period"],
        "entity_code": part["entity_code"],
        "programme_code": part["programme"],
        "subprogramme_code": part["subprogramme"],
        "cluster_code": part["activity_cluster"],
        "activity_code": part["activity"],
        "item_code": part["item_code"],
        "economic_code": part["economic_code"],
        "funding_source": part["funding_source"],
        "batch_id": batch_id,
        "source_sheet": sheet,
        "source_row": part["source_row"].astype(int),
    })
    for column in ("approved", "revised", "committed", "paid"):
        out[column] = whole_riels(part[column])
    return out


# --- rows in the database's form ------------------------------------------------------------------------


def python_rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """The frame's rows as tuples of plain Python values (None for missing), column by column.

    Converting whole columns with ``tolist`` and zipping them is some twice as fast as
    ``itertuples`` on an object copy of the frame.
    """
    values = []
    for column in columns:
        series = frame[column]
        values.append(series.astype(object).where(series.notna(), None).tolist() if series.hasnans
                      else series.tolist())
    return list(zip(*values, strict=True))


def rows_payload(dialect: str, frame: pd.DataFrame, columns: list[str]) -> str | list[tuple]:
    """Rows in the form their database takes fastest: CSV for COPY (PostgreSQL), tuples (SQLite)."""
    if dialect == "postgresql":
        return csv_text(frame, columns)
    return python_rows(frame, columns)


_CSV_SPECIAL = frozenset(',"\r\n')


def _csv_field(value: object) -> str:
    text = str(value)
    # An empty field is NULL in PostgreSQL's CSV: an empty text is quoted to stay a text.
    return '"' + text.replace('"', '""') + '"' if not text or _CSV_SPECIAL.intersection(text) else text


def csv_text(frame: pd.DataFrame, columns: list[str]) -> str:
    """The rows as CSV for PostgreSQL's COPY: missing values as empty fields (NULL).

    A column of integers is written by ``str`` (they need no quoting); any other column formats
    each distinct value once and looks every cell up (its codes repeat a few values, held as
    the same few objects). The leading columns that hold one value in every row (a part's
    batch, sheet, year and period) are written once, as every line's prefix. The lines are
    joined in C: some three times as fast as ``DataFrame.to_csv`` on a fact table.
    """
    if not len(frame):
        return ""
    prefix, fields = [], []
    for column in columns:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):  # numbered by the checks: each value formatted once
            codes = series.cat.codes.to_numpy()
            if not fields and (codes == codes[0]).all():
                prefix.append(_csv_value(series.iat[0]))
                continue
            # A categorical's values are never missing (a missing cell is code -1).
            formatted = np.array([*map(_csv_field, series.cat.categories), ""], dtype=object)
            fields.append(formatted[codes].tolist())  # code -1 (missing) picks the appended ""
            continue
        values = series.tolist()
        if not fields and values.count(values[0]) == len(values):  # still leading, and one value
            first = values[0]
            prefix.append(str(first) if series.dtype.kind in "iu" else _csv_value(first))
            continue
        if series.dtype.kind in "iu":
            fields.append(list(map(str, values)))
            continue
        formatted = {value: _csv_value(value) for value in set(values)}
        fields.append(list(map(formatted.__getitem__, values)))
    if not fields:
        return (",".join(prefix) + "\n") * len(frame)
    lines = map(",".join, zip(*fields, strict=True))
    if not prefix:
        return "\n".join(lines) + "\n"
    # The prefix begins the text and every line after a newline: joined in, not added line by line.
    start = ",".join(prefix) + ","
    return start + ("\n" + start).join(lines) + "\n"


def _csv_value(value: object) -> str:
    return "" if pd.isna(value) else _csv_field(value)


# --- writing ---------------------------------------------------------------------------------------------


def write_rows(conn: Connection, table: Table, columns: list[str], payload: str | list[tuple]) -> None:
    """Insert a :func:`rows_payload`: one COPY on PostgreSQL, one executemany on SQLite."""
    names = ", ".join(columns)
    if isinstance(payload, str):
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(payload)
        return
    # Many rows per INSERT: sqlite3 releases the GIL while a statement runs, so a writer thread
    # then does the B-tree work beside the main thread, instead of taking turns row by row.
    row = "(" + ", ".join("?" for _ in columns) + ")"
    per = max(1, SQLITE_MAX_PARAMETERS // len(columns))
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, len(payload), per):
            chunk = payload[start:start + per]
            cursor.execute(f"INSERT INTO {table.name} ({names}) VALUES {', '.join([row] * len(chunk))}",
                           list(chain.from_iterable(chunk)))
    finally:
        cursor.close()


@contextmanager
def bulk_writing(conn: Connection) -> Iterator[None]:
    """Settings of this connection for writing many rows, restored after.

    SQLite's default page cache (2 MB) is too small for the natural-key index of a large table:
    a larger one for the load makes inserts about twice as fast.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    cursor = conn.connection.driver_connection.cursor()
    previous = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size={int(previous)}")
        cursor.close()


def bulk_insert(conn: Connection, table: Table, frame: pd.DataFrame, columns: list[str], progress: Progress,
                start: float, end: float) -> None:
    """Insert a frame's rows in batches of ``BATCH_ROWS``, reporting progress from ``start`` to ``end``
    between them."""
    total = max(len(frame), 1)
    with bulk_writing(conn):
        for i in range(0, len(frame), BATCH_ROWS):
            write_rows(conn, table, columns, rows_payload(conn.dialect.name, frame.iloc[i:i + BATCH_ROWS], columns))
            progress(start + (end - start) * min(1.0, (i + BATCH_ROWS) / total), "writing")


class PartWriter:
    """Writes an execution file's parts on a second thread while the main thread checks the next.

    The database does its share meanwhile on the other core: PostgreSQL in its own process,
    SQLite inside sqlite3's calls, which release the GIL. The rows are put in the database's
    form (CSV, tuples) on the main thread, so that the writer only waits on the database. (A
    short GIL switch interval helps the hand-overs; the process's entry point sets it, see
    ``etl.process_settings``.)

    A part is written once its own rows passed every check; the checks across rows come after
    the last part. A natural key repeated across parts therefore reaches the database's unique
    constraint first: the writer then stops, and the validator's report of the repeat rejects
    the file, whose transaction is rolled back whole.
    """

    def __init__(self, conn: Connection, sheet: str, open_batch: Callable[[], int]) -> None:
        self.conn, self.sheet, self._open_batch = conn, sheet, open_batch
        self.batch_id: int | None = None  # opened by the first part sent
        self.scopes: set[tuple[int, str, str]] = set()  # (year, period, entity) of the file
        self.touched: set[int] = set()  # earlier batches that lost rows to this one
        self.replaced: list[pd.DataFrame] = []  # item sums of the earlier rows deleted
        self.error: BaseException | None = None  # what stopped the writer, if anything did
        self._cleared: set[tuple[int, str, str]] = set()  # scopes whose earlier rows are deleted
        self._queue: queue.Queue[tuple | None] = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._run, name="pib-load-writer", daemon=True)
        self._writing = True

    def __enter__(self) -> PartWriter:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._queue.put(None)
        self._thread.join()

    def send(self, part: pd.DataFrame) -> pd.DataFrame:
        """Queue one checked part for writing; return its rows as they are stored."""
        if self.batch_id is None:  # the writer thread is idle until the first part: the connection is ours
            self.batch_id = self._open_batch()
        facts = fact_rows(part, self.batch_id, self.sheet)
        scopes = set(facts[["fiscal_year", "period", "entity_code"]].drop_duplicates()
                     .itertuples(index=False, name=None))
        self.scopes |= scopes
        if self._writing and self.error is None:
            self._queue.put((scopes, rows_payload(self.conn.dialect.name, facts, EXECUTION_COLUMNS)))
        return facts

    def stop(self) -> None:
        """Write nothing more: the file is going to be rejected."""
        self._writing = False

    def replaced_items(self) -> pd.DataFrame:
        """The item sums (:func:`db.marts.scope_item_sums`) of the earlier rows this file replaced."""
        return (pd.concat(self.replaced, ignore_index=True) if self.replaced
                else pd.DataFrame(columns=ITEM_KEY + ITEM_PLACE + ITEM_SUMS))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self.error is None:
                try:
                    self._write(*item)
                except BaseException as exc:  # noqa: BLE001 - raised on the main thread unless the file is rejected
                    self.error = exc

    def _write(self, scopes: set[tuple[int, str, str]], payload: str | list[tuple]) -> None:
        for scope in sorted(scopes - self._cleared):
            # Rows of this scope from earlier files go before this file's first row of it.
            touched = delete_scope(self.conn, *scope, self.replaced)
            self.touched |= touched
            self._cleared.add(scope)
        write_rows(self.conn, BudgetFact.__table__, EXECUTION_COLUMNS, payload)
