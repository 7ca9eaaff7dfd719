"""Loading one file: read, validate, then write everything in one transaction, or nothing.

``load_file`` never raises for bad input: it returns a ``LoadReport`` with the problems. A
rejected attempt is recorded in the history (a batch with status ``rejected`` and its
problems) but leaves every fact, mart and reference table as it was. The same bytes loaded
again are recognised by their checksum and change nothing. A file for a scope already loaded
(execution: entity, year and period; indicators: province, with its districts and communes,
year and period) replaces the earlier rows; the earlier batch, once it has no rows left, is
marked superseded.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select, tuple_, update
from sqlalchemy.exc import DBAPIError

from db import audit
from db.engine import get_engine
from db.marts import (
    ITEM_KEY,
    ITEM_PLACE,
    ITEM_SUMS,
    budget_mart_rows,
    item_sums,
    refresh_indicator_mart,
    replace_budget_mart,
    scope_item_sums,
    update_budget_item_mart,
)
from db.models import (
    AdminUnit,
    BudgetFact,
    EconomicCode,
    Indicator,
    IndicatorActivity,
    IndicatorValue,
    LoadBatch,
    Programme,
)
from etl import clean, contract, validate
from etl import problem_catalogue as catalogue
from etl.contract import HeaderMatch
from etl.problems import ERROR, WARNING, Collector, Problem, msg
from etl.read import Sheet, UnreadableFile, read_file
from etl.replacements import Replacement, execution_replacements, indicator_replacements

Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)
BATCH_ROWS = 20_000
SQLITE_LOAD_CACHE_KB = 128 * 1024  # page cache during a load (SQLite), in KiB
WRITER_SWITCH_INTERVAL = 0.0005  # seconds, while a load's writer thread runs (see _PartWriter)
SQLITE_MAX_PARAMETERS = 8_500  # per INSERT; SQLite allows 32,766 (since 3.32), 500 fact rows are plenty

EXECUTION_COLUMNS = ["fiscal_year", "period", "entity_code", "programme_code", "subprogramme_code",
                     "cluster_code", "activity_code", "item_code", "economic_code", "funding_source",
                     "approved", "revised", "committed", "paid", "batch_id", "source_sheet", "source_row"]
INDICATOR_COLUMNS = ["fiscal_year", "period", "unit_code", "unit_level", "province_code", "indicator_code",
                     "baseline", "target", "actual", "source", "note", "batch_id", "source_sheet",
                     "source_row"]


@dataclass
class LoadReport:
    """What happened to one file."""

    file: str
    status: str  # loaded | rejected | duplicate | valid (dry run) | failed (the database went away)
    kind: str | None = None
    rows: int = 0
    batch_id: int | None = None
    superseded: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    checksum: str = ""
    # (year, period, entity) loaded already that the file replaces (or would, in a dry run)
    replacements: list[Replacement] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def replacement_lines(self, lang: str = "en") -> list[str]:
        """One line per (entity, period) the file replaced, or would replace (dry run), in ``lang``."""
        verb = {"loaded": "replaced", "valid": "would-replace"}.get(self.status)
        if verb is None:
            return []
        return [catalogue.line(verb + ("-indicators" if r.kind == "indicators" else ""), lang, **r.as_dict())
                for r in self.replacements]

    def summary(self, lang: str = "en") -> str:
        """One line for a person, in ``lang`` (the command line's, in English, is a contract)."""
        key = {"loaded": "summary-loaded-replacing" if self.superseded else "summary-loaded",
               "valid": "summary-valid", "duplicate": "summary-duplicate",
               "failed": "summary-failed"}.get(self.status, "summary-rejected")
        return catalogue.line(key, lang, file=self.file, rows=self.rows, kind=self.kind, batch=self.batch_id,
                              superseded=", ".join(map(str, self.superseded)), warnings=len(self.warnings),
                              errors=len(self.errors))


def whole_riels(amounts: pd.Series) -> np.ndarray:
    """Amounts as whole riels, rounding half to even (banker's rounding), as int64.

    ``1.0000025`` million KHR is 1,000,002.5 riels but 1,000,002.4999999999 in binary floating
    point: rounding to a millionth of a riel first removes that noise, so that the half-even
    rule sees the half that the person typed.
    """
    values = amounts.to_numpy(dtype="float64")
    return np.rint(np.round(values, 6)).astype("int64")


def _noop(_fraction: float, _message: str) -> None:
    return None


def reference_data(conn: Connection) -> validate.Reference:
    """Everything a file is checked against, from the database."""
    units, unit_province, names = {}, {}, {}
    for row in conn.execute(select(AdminUnit.code, AdminUnit.level, AdminUnit.province_code,
                                   AdminUnit.name_en, AdminUnit.name_km)):
        units[row.code] = row.level
        unit_province[row.code] = row.province_code
        if row.level in ("province", "national"):
            names[row.code] = (row.name_en, row.name_km)
    programmes = {r.code: (r.parent_code, r.level) for r in conn.execute(
        select(Programme.code, Programme.parent_code, Programme.level))}
    economic = {r.code: r.parent_code for r in conn.execute(select(EconomicCode.code, EconomicCode.parent_code))}
    indicators = set(conn.execute(select(Indicator.code)).scalars())
    return validate.Reference(units, unit_province, names, programmes, economic, indicators)


def detect(data: bytes, name: str, collector: Collector) -> tuple[str, list] | None:
    """Read a file's bytes and find what it holds: its kind and the sheets (with header) of its data."""
    try:
        sheets = read_file(data, name)
    except UnreadableFile as exc:
        collector.add(exc.sheet, 0, "", "", exc.said, "unreadable-file")
        return None
    if not sheets or all(not any(any(not validate.clean.is_blank(c) for c in r) for r in s.rows)
                         for s in sheets):
        collector.add(sheets[0].name if sheets else "", 0, "", "", msg("empty-file"), "empty-file")
        return None
    detected = validate.detect_kind(sheets)
    if detected is None:
        collector.add(sheets[0].name, 0, "", "", msg("unknown-kind", rows=validate.HEADER_SEARCH_ROWS),
                      "unknown-kind")
        return None
    kind, found = detected
    if kind in ("execution", "indicators"):
        # A file is loaded from one sheet: a second visible sheet of data would be left out, and
        # a file is never loaded in part.
        columns = contract.EXECUTION if kind == "execution" else contract.INDICATOR_VALUES
        first = found[0][0]
        for sheet in sheets:
            if sheet is not first and sheet.visible and validate.find_header(sheet, columns) is not None:
                collector.add(sheet.name, 0, "", "", msg("extra-data-sheet", kind=kind, first=first.name),
                              "extra-data-sheet")
        if collector.errors:
            return None
    return detected


def parse(data: bytes, name: str, ref: validate.Reference, collector: Collector) -> validate.Parsed | None:
    """Read and validate a file's bytes; problems go to ``collector``."""
    detected = detect(data, name, collector)
    if detected is None:
        return None
    return _validate(detected, ref, collector)


def _validate(detected: tuple[str, list], ref: validate.Reference, collector: Collector) -> validate.Parsed | None:
    kind, found = detected
    if kind == "execution":
        sheet, header = found[0]
        return validate.validate_execution(sheet, header, ref, collector)
    if kind == "indicators":
        sheet, header = found[0]
        return validate.validate_indicators(sheet, header, ref, collector)
    return validate.validate_reference([s for s, _ in found], ref, collector)


def scope_key(parsed: validate.Parsed) -> tuple[str, int | None, str | None]:
    """A stable description of what the file covers, and its year and period if single."""
    frame = parsed.frame
    if parsed.kind == "reference":
        return f"reference:{parsed.sheet}", None, None
    unit = "entity_code" if parsed.kind == "execution" else "unit_code"
    years = sorted(frame["fiscal_year"].unique())
    periods = sorted(frame["period"].unique())
    units = sorted(frame[unit].unique())
    shown = ",".join(units) if len(units) <= 8 else f"{len(units)} units"
    key = f"{parsed.kind}:{','.join(map(str, years))}:{','.join(periods)}:{shown}"
    return key[:400], (int(years[0]) if len(years) == 1 else None), (periods[0] if len(periods) == 1 else None)


def load_file(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    url: str | None = None,
    loaded_by: str = audit.SYSTEM_USER,
    dry_run: bool = False,
    progress: Progress | None = None,
    replace: bool = False,
) -> LoadReport:
    """Validate and (unless ``dry_run``) load one workbook, all or nothing.

    A file that would take away more than half of the rows, revised budget or payments of an
    (entity, period) loaded already is refused unless ``replace`` confirms it.

    ``source`` is a path or the file's bytes (then ``name`` names it for messages). When the
    database goes away mid-way the report's status is ``failed``: the load's one transaction
    was not committed, so nothing of the file is in the database.
    """
    try:
        with _collector_paused():
            return _load_file(source, name=name, url=url, loaded_by=loaded_by, dry_run=dry_run,
                              progress=progress or _noop, replace=replace)
    except DBAPIError as exc:
        shown = clean.clean_file_name(name or (Path(source).name if isinstance(source, (str, Path)) else "upload"))
        log.warning("load of %s failed: the database did not answer (%s)", shown, exc.__class__.__name__)
        report = LoadReport(shown, "failed")
        report.problems.append(Problem.of(shown, "", 0, "", "", msg("database-unavailable"),
                                          "database-unavailable"))
        return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the load, and resumed after.

    Reading and checking a large sheet creates millions of lists and strings, none of them in a
    cycle; each time their number grows by a quarter the collector walks all of them again
    (calamine's rows alone: 0.96 s with it, 0.40 s without, for 500,000 rows).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _load_file(source: str | Path | bytes, *, name: str | None, url: str | None, loaded_by: str,
               dry_run: bool, progress: Progress, replace: bool) -> LoadReport:
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = clean.clean_file_name(name or path.name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            report = LoadReport(name, "rejected")
            report.problems.append(Problem.of(name, "", 0, "", "", msg("cannot-open-file", error=exc.strerror or exc),
                                              "unreadable-file"))
            return report
    else:
        data, name = source, clean.clean_file_name(name or "upload")
    checksum = hashlib.sha256(data).hexdigest()
    report = LoadReport(name, "rejected", checksum=checksum)
    engine = get_engine(url)
    progress(0.02, "checking")
    with engine.connect() as conn:
        # Only a batch whose rows are still current makes a file a duplicate: a file that was
        # superseded and is loaded again is a deliberate return to it, and replaces its successor.
        earlier = conn.execute(
            # A batch partly replaced by later files is not current either: loading it again is a
            # deliberate return to its figures.
            select(LoadBatch.id).where(LoadBatch.checksum == checksum, LoadBatch.status == "loaded",
                                       LoadBatch.partly_replaced_by == "")
            .order_by(LoadBatch.id)
        ).scalars().first()
        ref = reference_data(conn)
    if earlier is not None and not dry_run:
        report.status, report.batch_id = "duplicate", earlier
        with engine.begin() as conn:
            audit.record_on(conn, "load_duplicate", username=loaded_by, file=name, batch=earlier)
        return report
    progress(0.05, "reading")
    collector = Collector(name)
    report.problems = collector.items  # the same list: filled while the file is checked
    try:
        detected = detect(data, name, collector)
        # An execution file is loaded part by part, each part written as the next is checked.
        in_parts = detected is not None and detected[0] == "execution" and not dry_run
        parsed = _validate(detected, ref, collector) if detected is not None and not in_parts else None
    except Exception as exc:  # noqa: BLE001 - a file we failed to foresee ends in a message; _unforeseen logs it
        _unforeseen(collector, name, exc)
        detected, parsed, in_parts = None, None, False
    if in_parts:
        return _load_execution(engine, report, detected[1][0], ref, collector, loaded_by, progress, replace)
    report.kind = parsed.kind if parsed else None
    progress(0.5, "validated")
    if parsed is None or collector.errors:
        if not dry_run:
            _record_rejection(engine, report, loaded_by)
        return report
    report.rows = len(parsed.frame) if parsed.kind != "reference" else sum(len(f) for f in parsed.extra.values())
    if parsed.kind in ("execution", "indicators"):
        with engine.connect() as conn:
            report.replacements = (execution_replacements(conn, _stored_amounts(parsed.frame))
                                   if parsed.kind == "execution" else indicator_replacements(conn, parsed.frame))
        large = [r for r in report.replacements if r.halves]
        if large and not replace:
            for replacement in large:
                _large_replacement(collector, parsed.sheet, replacement, WARNING if dry_run else ERROR)
            if not dry_run:
                _record_rejection(engine, report, loaded_by)
                return report
    if dry_run:
        report.status = "valid"
        return report
    key, year, period = scope_key(parsed)
    with engine.begin() as conn:
        batch_id = _open_batch(conn, report, loaded_by)
        if parsed.kind == "indicators":
            report.superseded = _write_indicators(conn, parsed, batch_id, progress)
        else:
            _write_reference(conn, parsed)
        _close_batch(conn, report, batch_id, loaded_by, key, year, period)
    report.status, report.batch_id = "loaded", batch_id
    progress(1.0, "loaded")
    return report


def _unforeseen(collector: Collector, name: str, exc: Exception) -> None:
    if isinstance(exc, MemoryError):
        from etl.limits import memory_cap_mb

        cap = memory_cap_mb()
        log.warning("load of %s stopped at the memory cap", name)
        collector.add("", 0, "", "", msg("out-of-memory-checking", what="workbook",
                                         limit=f" ({cap:,} MB)" if cap else ""), "too-large")
        return
    log.error("unexpected failure reading %s", name, exc_info=exc)
    collector.add("", 0, "", "", msg("unforeseen-failure", error=exc.__class__.__name__), "unreadable-file")


def _guarded(parts: Iterator[pd.DataFrame], collector: Collector, name: str) -> Iterator[pd.DataFrame]:
    """The parts of a file; a failure of the checks themselves ends them with a problem, not a traceback."""
    try:
        yield from parts
    except Exception as exc:  # noqa: BLE001 - the file is rejected with a message
        _unforeseen(collector, name, exc)


class _Rejected(Exception):
    """The file turned out wrong after parts of it were written: roll the transaction back."""


def _stored_amounts(frame: pd.DataFrame) -> pd.DataFrame:
    """Scope and amounts of checked execution rows as they will be stored (whole riels)."""
    return pd.DataFrame({"fiscal_year": frame["fiscal_year"], "period": frame["period"],
                         "entity_code": frame["entity_code"], "revised": whole_riels(frame["revised"]),
                         "paid": whole_riels(frame["paid"])})


def _large_replacement(collector: Collector, sheet: str, replacement: Replacement, severity: str) -> None:
    code = "large-indicator-replacement" if replacement.kind == "indicators" else "large-replacement"
    collector.add(sheet, 0, "", f"{replacement.entity} {replacement.period}", msg(code, **replacement.as_dict()),
                  "large-replacement", severity)


def _load_execution(engine, report: LoadReport, found: tuple[Sheet, HeaderMatch], ref: validate.Reference,
                    collector: Collector, loaded_by: str, progress: Progress, replace: bool) -> LoadReport:
    """Check an execution sheet part by part, writing each part while the next one is checked.

    Everything happens in one transaction: a file found wrong at any point (in a part's rows,
    or in the checks across rows after the last part) is rolled back whole and recorded as
    rejected, exactly as if nothing had been written.
    """
    sheet, header = found
    report.kind = "execution"
    height = max(len(sheet.rows) - header.header_row, 1)
    checked = 0
    try:
        with engine.begin() as conn, bulk_writing(conn):
            # The batch row opens the write (and, on SQLite, takes the write lock) only when a first
            # part is ready to be written: a file wrong from its first part never takes it.
            with _PartWriter(conn, sheet.name, lambda: _open_batch(conn, report, loaded_by)) as writer:
                for part in _guarded(validate.execution_parts(sheet, header, ref, collector), collector,
                                     report.file):
                    if collector.errors:
                        writer.stop()  # the file is rejected: checking goes on, writing does not
                    else:
                        writer.send(part)
                    checked = max(checked, int(part["source_row"].iat[-1]) - header.header_row)
                    progress(0.05 + 0.85 * min(1.0, checked / height), "writing")
                if collector.errors or not writer.facts:
                    raise _Rejected
                # The marts' sums of the file, while the writer finishes its last parts.
                facts = writer.all_facts()
                mart_rows = budget_mart_rows(facts, ref.economic)
                items = item_sums(facts)
            if writer.error is not None:
                raise writer.error  # the file is valid: the database failed (or another load collided)
            # The marts still hold the earlier figures: what the file replaces, before → after.
            report.replacements = execution_replacements(conn, facts)
            if not replace and any(r.halves for r in report.replacements):
                for replacement in report.replacements:
                    if replacement.halves:
                        _large_replacement(collector, sheet.name, replacement, ERROR)
                raise _Rejected
            batch_id = writer.batch_id
            report.rows = len(facts)
            progress(0.92, "refreshing marts")
            report.superseded = _mark_superseded(conn, BudgetFact.__table__, writer.touched, batch_id)
            replace_budget_mart(conn, writer.scopes, mart_rows)
            update_budget_item_mart(conn, items, writer.replaced_items())
            key, year, period = scope_key(validate.Parsed("execution", sheet.name, facts))
            _close_batch(conn, report, batch_id, loaded_by, key, year, period)
    except _Rejected:
        if writer.error is not None:  # not what rejected the file, but worth a line in the log
            log.warning("while %s was being rejected, its writer had stopped on %r", report.file, writer.error)
        _record_rejection(engine, report, loaded_by)
        return report
    report.status, report.batch_id = "loaded", batch_id
    progress(1.0, "loaded")
    return report


class _PartWriter:
    """Writes an execution file's parts on a second thread while the main thread checks the next.

    The database does its share meanwhile on the other core: PostgreSQL in its own process,
    SQLite inside sqlite3's calls, which release the GIL. The rows are put in the database's
    form (CSV, tuples) on the main thread, so that the writer only waits on the database.

    A part is written once its own rows passed every check; the checks across rows come after
    the last part. A natural key repeated across parts therefore reaches the database's unique
    constraint first: the writer then stops, and the validator's report of the repeat rejects
    the file, whose transaction is rolled back whole.
    """

    def __init__(self, conn: Connection, sheet: str, open_batch: Callable[[], int]) -> None:
        self.conn, self.sheet, self._open_batch = conn, sheet, open_batch
        self.batch_id: int | None = None  # opened by the first part sent
        self.facts: list[pd.DataFrame] = []  # every part's rows as stored, for the marts
        self.scopes: set[tuple[int, str, str]] = set()  # (year, period, entity) of the file
        self.touched: set[int] = set()  # earlier batches that lost rows to this one
        self.replaced: list[pd.DataFrame] = []  # item sums of the earlier rows deleted
        self.error: BaseException | None = None  # what stopped the writer, if anything did
        self._cleared: set[tuple[int, str, str]] = set()  # scopes whose earlier rows are deleted
        self._queue: queue.Queue[tuple | None] = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._run, name="pib-load-writer", daemon=True)
        self._writing = True

    def __enter__(self) -> _PartWriter:
        self._thread.start()
        _short_switch_interval(+1)
        return self

    def __exit__(self, *_exc) -> None:
        try:
            self._queue.put(None)
            self._thread.join()
        finally:
            _short_switch_interval(-1)

    def send(self, part: pd.DataFrame) -> None:
        """Queue one checked part for writing."""
        if self.batch_id is None:  # the writer thread is idle until the first part: the connection is ours
            self.batch_id = self._open_batch()
        facts = fact_rows(part, self.batch_id, self.sheet)
        self.facts.append(facts)
        scopes = set(facts[["fiscal_year", "period", "entity_code"]].drop_duplicates()
                     .itertuples(index=False, name=None))
        self.scopes |= scopes
        if self._writing and self.error is None:
            self._queue.put((scopes, rows_payload(self.conn.dialect.name, facts, EXECUTION_COLUMNS)))

    def stop(self) -> None:
        """Write nothing more: the file is going to be rejected."""
        self._writing = False

    def replaced_items(self) -> pd.DataFrame:
        """The item sums (:func:`db.marts.item_sums`) of the earlier rows this file replaced."""
        return (pd.concat(self.replaced, ignore_index=True) if self.replaced
                else pd.DataFrame(columns=ITEM_KEY + ITEM_PLACE + ITEM_SUMS))

    def all_facts(self) -> pd.DataFrame:
        """Every row sent, as stored."""
        return self.facts[0] if len(self.facts) == 1 else pd.concat(self.facts, ignore_index=True)

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
            touched = _delete_scope(self.conn, *scope, self.replaced)
            self.touched |= touched
            self._cleared.add(scope)
        write_rows(self.conn, BudgetFact.__table__, EXECUTION_COLUMNS, payload)


_writers = {"running": 0, "interval": 0.005}
_writers_lock = threading.Lock()


def _short_switch_interval(change: int) -> None:
    """Shorten the GIL's switch interval while any load's writer runs; restore it after the last.

    The writer needs the GIL only for moments (to hand the database its next rows), but waits
    for it up to the switch interval each time (5 ms by default) while the main thread checks
    rows: meanwhile the database, which works beside us, would have nothing to do.
    """
    with _writers_lock:
        if change > 0 and _writers["running"] == 0:
            _writers["interval"] = sys.getswitchinterval()
            sys.setswitchinterval(WRITER_SWITCH_INTERVAL)
        _writers["running"] += change
        if _writers["running"] == 0:
            sys.setswitchinterval(_writers["interval"])


def _delete_scope(conn: Connection, year: int, period: str, entity: str, sums: list[pd.DataFrame]) -> set[int]:
    """Delete the facts of one (year, period, entity); return the batches they came from, and
    append their item sums to ``sums`` (the item mart is then corrected by difference).

    Plain equalities on the natural key's first columns: its index finds the rows (a row-value
    IN list made PostgreSQL scan the table).
    """
    fact = BudgetFact.__table__
    where = (fact.c.fiscal_year == year, fact.c.period == period, fact.c.entity_code == entity)
    touched = set(conn.execute(select(fact.c.batch_id).distinct().where(*where)).scalars())
    if touched:
        sums.append(scope_item_sums(conn, year, period, entity))
        conn.execute(delete(fact).where(*where))
    return touched


def fact_rows(part: pd.DataFrame, batch_id: int, sheet: str) -> pd.DataFrame:
    """Checked execution rows as ``budget_fact`` stores them (amounts in whole riels)."""
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


def _open_batch(conn: Connection, report: LoadReport, loaded_by: str) -> int:
    """The load's batch row; what it covers is filled in by :func:`_close_batch` in the same transaction."""
    return conn.execute(insert(LoadBatch).values(
        file_name=report.file[:255], checksum=report.checksum, kind=report.kind, scope_key="",
        loaded_by=loaded_by, row_count=0, status="loaded", problems="[]",
    ).returning(LoadBatch.id)).scalar_one()


def _close_batch(conn: Connection, report: LoadReport, batch_id: int, loaded_by: str, key: str,
                 year: int | None, period: str | None) -> None:
    conn.execute(update(LoadBatch).where(LoadBatch.id == batch_id).values(
        scope_key=key, fiscal_year=year, period=period, row_count=report.rows,
        problems=json.dumps([p.as_dict() for p in report.problems], ensure_ascii=False)))
    audit.record_on(conn, "load", username=loaded_by, file=report.file, batch=batch_id, kind=report.kind,
                    rows=report.rows, scope=key, superseded=report.superseded)


def _record_rejection(engine, report: LoadReport, loaded_by: str) -> None:
    problems = json.dumps([p.as_dict() for p in report.problems[:1000]], ensure_ascii=False)
    with engine.begin() as conn:
        batch_id = conn.execute(insert(LoadBatch).values(
            file_name=report.file[:255], checksum=report.checksum, kind=report.kind or "unknown",
            scope_key="", loaded_by=loaded_by, row_count=0, status="rejected", problems=problems,
        ).returning(LoadBatch.id)).scalar_one()
        audit.record_on(conn, "load_rejected", username=loaded_by, file=report.file, batch=batch_id,
                        problems=len(report.errors))
    report.batch_id = batch_id


def _delete_earlier(conn: Connection, table, keys: list[tuple], key_columns: tuple[str, ...]) -> set[int]:
    """Delete the rows with these keys; return the batches they came from."""
    cols = tuple(table.c[c] for c in key_columns)
    touched: set[int] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        touched |= set(conn.execute(select(table.c.batch_id).distinct().where(tuple_(*cols).in_(chunk))).scalars())
        conn.execute(delete(table).where(tuple_(*cols).in_(chunk)))
    return touched


def _mark_superseded(conn: Connection, table, touched: set[int], batch_id: int) -> list[int]:
    """Mark the batches left without rows in ``table`` as superseded by ``batch_id``."""
    superseded = []
    for old in sorted(touched):
        if old == batch_id:
            continue
        left = conn.execute(select(func.count()).select_from(table).where(table.c.batch_id == old)).scalar_one()
        if left == 0:
            conn.execute(update(LoadBatch).where(LoadBatch.id == old).values(status="superseded",
                                                                               superseded_by=batch_id))
            superseded.append(old)
        else:
            # Some of its rows are gone to this batch, others stay: the history says by which.
            earlier = conn.execute(select(LoadBatch.partly_replaced_by).where(LoadBatch.id == old)).scalar_one()
            ids = [i for i in (earlier or "").split(",") if i] + [str(batch_id)]
            conn.execute(update(LoadBatch).where(LoadBatch.id == old).values(
                partly_replaced_by=",".join(dict.fromkeys(ids))[:200]))
    return superseded


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

    Each distinct value of a column is formatted once and the lines joined in C: about twice
    as fast as ``DataFrame.to_csv`` on a fact table, whose columns repeat a few codes.
    """
    fields = []
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
        formatted = [_csv_field(u) for u in uniques.tolist()] + [""]  # code -1 (missing) takes the last
        fields.append(np.array(formatted, dtype=object)[codes].tolist())
    return "\n".join(map(",".join, zip(*fields, strict=True))) + "\n" if len(frame) else ""


def write_rows(conn: Connection, table, columns: list[str], payload: str | list[tuple]) -> None:
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
    """Settings for writing many rows, restored after.

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


def _bulk_insert(conn: Connection, table, frame: pd.DataFrame, columns: list[str], progress: Progress,
                 start: float, end: float) -> None:
    """Insert a frame's rows in batches of ``BATCH_ROWS``, reporting progress between them."""
    total = max(len(frame), 1)
    with bulk_writing(conn):
        for i in range(0, len(frame), BATCH_ROWS):
            write_rows(conn, table, columns, rows_payload(conn.dialect.name, frame.iloc[i:i + BATCH_ROWS], columns))
            progress(start + (end - start) * min(1.0, (i + BATCH_ROWS) / total), "writing")


INDICATOR_KEY = ("fiscal_year", "period", "unit_code", "indicator_code")


def _write_indicators(conn: Connection, parsed: validate.Parsed, batch_id: int,
                      progress: Progress) -> list[int]:
    """Write an indicator file in place of everything loaded earlier for its provinces and periods.

    For each (year, period, province) the file holds, every earlier row of that province's
    units (province, districts, communes; central MoSVY ``00`` is a province of its own) is
    deleted, whichever indicators the file names: a corrected file that leaves an indicator
    out takes its old value away rather than leaving it beside the new ones. Returns the
    earlier batches left without rows, now superseded.
    """
    frame = parsed.frame.copy()
    frame["fiscal_year"] = frame["fiscal_year"].astype(int)
    table = IndicatorValue.__table__
    scopes = sorted({(int(y), p, prov) for y, p, prov in
                     frame[["fiscal_year", "period", "province_code"]].drop_duplicates().itertuples(index=False)})
    touched = _delete_provinces(conn, table, scopes)
    # What is left under the file's natural keys belongs to another province: a unit re-coded
    # since it was loaded. The key allows one row, so it goes too, and its province's mart is
    # refreshed with the others.
    keys = [tuple(k) for k in frame[list(INDICATOR_KEY)].itertuples(index=False, name=None)]
    strays = _provinces_of(conn, table, keys)
    if strays:
        touched |= _delete_earlier(conn, table, keys, INDICATOR_KEY)
    superseded = _mark_superseded(conn, table, touched, batch_id)
    frame["batch_id"] = batch_id
    frame["source_sheet"] = parsed.sheet
    frame["source_row"] = frame["source_row"].astype(int)
    _bulk_insert(conn, table, frame, INDICATOR_COLUMNS, progress, 0.55, 0.9)
    progress(0.92, "refreshing marts")
    refresh_indicator_mart(conn, set(scopes) | strays)
    return superseded


def _delete_provinces(conn: Connection, table, scopes: list[tuple[int, str, str]]) -> set[int]:
    """Delete the indicator rows of these (year, period, province) scopes; return their batches.

    One scope at a time with plain equalities, so that the (province, year, period) index
    finds the rows (a row-value IN list can make PostgreSQL scan the table).
    """
    touched: set[int] = set()
    for year, period, province in scopes:
        where = (table.c.province_code == province, table.c.fiscal_year == year, table.c.period == period)
        found = set(conn.execute(select(table.c.batch_id).distinct().where(*where)).scalars())
        if found:
            conn.execute(delete(table).where(*where))
            touched |= found
    return touched


def _provinces_of(conn: Connection, table, keys: list[tuple]) -> set[tuple[int, str, str]]:
    """The (year, period, province) of the stored rows with these natural keys."""
    found: set[tuple[int, str, str]] = set()
    cols = (table.c.fiscal_year, table.c.period, table.c.unit_code, table.c.indicator_code)
    for start in range(0, len(keys), 500):
        found |= {tuple(r) for r in conn.execute(
            select(table.c.fiscal_year, table.c.period, table.c.province_code).distinct()
            .where(tuple_(*cols).in_(keys[start:start + 500])))}
    return found


def _write_reference(conn: Connection, parsed: validate.Parsed) -> None:
    """Add new codes and update names and attributes of existing ones; never delete a code."""
    sheets = parsed.extra
    if "programmes" in sheets:
        frame = sheets["programmes"]
        order = {"programme": 0, "subprogramme": 1, "activity_cluster": 2, "activity": 3}
        frame = frame.assign(rank=frame["level"].map(order)).sort_values("rank")
        _upsert(conn, Programme, frame, {"code": "code", "parent_code": "parent", "level": "level",
                                         "name_en": "name_en", "name_km": "name_km"})
    if "economic_codes" in sheets:
        frame = sheets["economic_codes"]
        frame = frame.assign(rank=(frame["parent"] != "").astype(int)).sort_values("rank")
        _upsert(conn, EconomicCode, frame, {"code": "code", "parent_code": "parent", "name_en": "name_en",
                                            "name_km": "name_km"})
    if "indicators" in sheets:
        frame = sheets["indicators"].copy()
        for column in ("direction", "aggregation", "level"):
            frame[column] = frame[column].str.lower()
        frame["weight"] = frame["weight"].map(lambda v: float(validate.clean.number(v)) if v else 1.0)
        for column in ("on_track", "watch"):
            frame[column] = frame[column].map(lambda v: float(validate.clean.number(v)) if v else None)
        mapping = {"code": "code", "name_en": "name_en", "name_km": "name_km", "unit": "unit",
                   "programme_code": "programme", "level": "level", "direction": "direction",
                   "aggregation": "aggregation", "weight": "weight", "on_track": "on_track",
                   "watch": "watch"}
        # Parts of ratios first, so the self-references hold on insert.
        plain = frame[frame["aggregation"] != "ratio"]
        ratios = frame[frame["aggregation"] == "ratio"]
        _upsert(conn, Indicator, plain, mapping | {"numerator_code": "numerator", "denominator_code": "denominator"})
        _upsert(conn, Indicator, ratios, mapping | {"numerator_code": "numerator", "denominator_code": "denominator"})
        for row in frame.itertuples(index=False):
            conn.execute(delete(IndicatorActivity).where(IndicatorActivity.indicator_code == row.code))
            activities = sorted({a.strip() for a in row.activities.split(",") if a.strip()})
            if activities:
                conn.execute(insert(IndicatorActivity), [
                    {"indicator_code": row.code, "programme_code": a} for a in activities])


def _upsert(conn: Connection, model, frame: pd.DataFrame, mapping: dict[str, str]) -> None:
    table = model.__table__
    existing = set(conn.execute(select(table.c.code)).scalars())
    for row in frame.to_dict(orient="records"):
        values = {column: (row[source] if row[source] != "" else None) for column, source in mapping.items()}
        if values["code"] in existing:
            conn.execute(update(table).where(table.c.code == values["code"]).values(values))
        else:
            conn.execute(insert(table).values(values))
            existing.add(values["code"])
