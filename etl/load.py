"""Loading one file: read, validate, then write everything in one transaction, or nothing.

``load_file`` never raises for bad input: it returns a ``LoadReport`` with the problems. A
rejected attempt is recorded in the history (a batch with status ``rejected`` and its
problems) but leaves every fact, mart and reference table as it was. The same bytes loaded
again are recognised by their checksum and change nothing. A file for a scope already loaded
(execution: entity, year and period; indicators: province, with its districts and communes,
year and period) replaces the earlier rows; the earlier batch, once it has no rows left, is
marked superseded.

This module decides what happens to a file; the parts it calls do the work: ``etl.validate``
checks and reads the rows, ``etl.writer`` writes them (and an execution file's parts on a
second thread), ``etl.batches`` keeps the load history and deletes what a file replaces,
``etl.reference_upsert`` writes a reference workbook. Process-wide settings that speed a load
up are the entry points' to set (``etl.process_settings``), never ``load_file``'s.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from db import audit
from db.engine import get_engine
from db.marts import (
    refresh_indicator_mart,
    replace_budget_mart,
    update_budget_item_mart,
)
from db.models import (
    AdminUnit,
    BudgetFact,
    EconomicCode,
    Indicator,
    IndicatorValue,
    LoadBatch,
    Programme,
)
from etl import clean, contract, validate
from etl import problem_catalogue as catalogue
from etl.batches import (
    close_batch,
    delete_earlier,
    delete_provinces,
    mark_superseded,
    open_batch,
    provinces_of,
    record_rejection,
)
from etl.contract import HeaderMatch
from etl.file_sums import FileSums
from etl.problems import ERROR, WARNING, Collector, Problem, msg
from etl.read import Sheet, UnreadableFile, read_file
from etl.reference_upsert import write_reference
from etl.replacements import (
    Replacement,
    execution_replacements,
    indicator_replacements,
    replacements_of,
)
from etl.stream import StreamFallback
from etl.writer import INDICATOR_COLUMNS, PartWriter, Progress, bulk_insert, bulk_writing, whole_riels

log = logging.getLogger(__name__)


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


def detect(data: bytes, name: str, collector: Collector, *, stream: bool = False,
           opened: list[Sheet] | None = None) -> tuple[str, list] | None:
    """Read a file's bytes and find what it holds: its kind and the sheets (with header) of its data.

    With ``stream``, long sheets are read in parts while they are checked (``etl.stream``); the
    sheets read are added to ``opened``, whose caller closes them.
    """
    try:
        sheets = read_file(data, name, stream)
    except UnreadableFile as exc:
        collector.add(exc.sheet, 0, "", "", exc.said, "unreadable-file")
        return None
    if opened is not None:
        opened.extend(sheets)
    if not sheets or all(not any(any(not clean.is_blank(c) for c in r) for r in s.iter_rows())
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
    if isinstance(parsed, validate.ReferenceParsed):
        return f"reference:{parsed.sheet}", None, None
    return _rows_scope_key(parsed.kind, parsed.frame, parsed.unit_column)


def _rows_scope_key(kind: str, frame: pd.DataFrame, unit: str) -> tuple[str, int | None, str | None]:
    """:func:`scope_key` of rows of an execution or indicator file (checked, or as stored)."""
    years = sorted(frame["fiscal_year"].unique())
    periods = sorted(frame["period"].unique())
    units = sorted(frame[unit].unique())
    shown = ",".join(units) if len(units) <= 8 else f"{len(units)} units"
    key = f"{kind}:{','.join(map(str, years))}:{','.join(periods)}:{shown}"
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
    options = {"name": name, "url": url, "loaded_by": loaded_by, "dry_run": dry_run,
               "progress": progress or _noop, "replace": replace}
    try:
        try:
            return _load_file(source, **options, stream=True)
        except StreamFallback as exc:
            # A long sheet could not be read in parts: nothing of this attempt was recorded (its
            # transaction, if any, is rolled back), and the file is loaded again, read whole.
            log.info("reading %s whole: %s", name or (source if isinstance(source, (str, Path)) else "upload"), exc)
            return _load_file(source, **options, stream=False)
    except DBAPIError as exc:
        shown = clean.clean_file_name(name or (Path(source).name if isinstance(source, (str, Path)) else "upload"))
        log.warning("load of %s failed: the database did not answer (%s)", shown, exc.__class__.__name__)
        report = LoadReport(shown, "failed")
        report.problems.append(Problem.of(shown, "", 0, "", "", msg("database-unavailable"),
                                          "database-unavailable"))
        return report


def _load_file(source: str | Path | bytes, *, name: str | None, url: str | None, loaded_by: str,
               dry_run: bool, progress: Progress, replace: bool, stream: bool) -> LoadReport:
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
    sheets: list[Sheet] = []
    try:
        return _check_and_write(data, report, engine, ref, loaded_by, dry_run, progress, replace, stream, sheets)
    finally:
        for sheet in sheets:  # a sheet still being read in parts (the file was rejected early) stops
            sheet.close()


def _finish(sheets: list[Sheet]) -> None:
    """Wait until every sheet is read to its end: nothing is recorded about a file before that, so
    that a sheet that cannot be read in parts is read whole before any verdict (``StreamFallback``)."""
    for sheet in sheets:
        if sheet.stream is not None:
            sheet.stream.wait()


def _check_and_write(data: bytes, report: LoadReport, engine: Engine, ref: validate.Reference, loaded_by: str,
                     dry_run: bool, progress: Progress, replace: bool, stream: bool,
                     sheets: list[Sheet]) -> LoadReport:
    name = report.file
    collector = Collector(name)
    report.problems = collector.items  # the same list: filled while the file is checked
    try:
        detected = detect(data, name, collector, stream=stream, opened=sheets)
        # An execution file is loaded part by part, each part written as the next is checked.
        in_parts = detected is not None and detected[0] == "execution" and not dry_run
        parsed = _validate(detected, ref, collector) if detected is not None and not in_parts else None
    except StreamFallback:
        raise
    except Exception as exc:  # noqa: BLE001 - a file we failed to foresee ends in a message; _unforeseen logs it
        _unforeseen(collector, name, exc)
        detected, parsed, in_parts = None, None, False
    if in_parts:
        return _load_execution(engine, report, detected[1][0], sheets, ref, collector, loaded_by, progress,
                               replace)
    _finish(sheets)
    report.kind = parsed.kind if parsed else None
    progress(0.5, "validated")
    if parsed is None or collector.errors:
        if not dry_run:
            record_rejection(engine, report, loaded_by)
        return report
    report.rows = parsed.rows
    if not isinstance(parsed, validate.ReferenceParsed):
        with engine.connect() as conn:
            report.replacements = (execution_replacements(conn, _stored_amounts(parsed.frame))
                                   if isinstance(parsed, validate.ExecutionParsed)
                                   else indicator_replacements(conn, parsed.frame))
        large = [r for r in report.replacements if r.halves]
        if large and not replace:
            for replacement in large:
                _large_replacement(collector, parsed.sheet, replacement, WARNING if dry_run else ERROR)
            if not dry_run:
                record_rejection(engine, report, loaded_by)
                return report
    if dry_run:
        report.status = "valid"
        return report
    key, year, period = scope_key(parsed)
    with engine.begin() as conn:
        batch_id = open_batch(conn, report, loaded_by)
        if isinstance(parsed, validate.IndicatorsParsed):
            report.superseded = _write_indicators(conn, parsed, batch_id, progress)
        else:
            write_reference(conn, parsed)
        close_batch(conn, report, batch_id, loaded_by, key, year, period)
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
    except StreamFallback:
        raise
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


def _load_execution(engine: Engine, report: LoadReport, found: tuple[Sheet, HeaderMatch], sheets: list[Sheet],
                    ref: validate.Reference, collector: Collector, loaded_by: str, progress: Progress,
                    replace: bool) -> LoadReport:
    """Check an execution sheet part by part, writing each part while the next one is checked.

    Everything happens in one transaction: a file found wrong at any point (in a part's rows,
    or in the checks across rows after the last part) is rolled back whole and recorded as
    rejected, exactly as if nothing had been written.
    """
    sheet, header = found
    report.kind = "execution"
    checked = 0
    try:
        with engine.begin() as conn, bulk_writing(conn):
            # The batch row opens the write (and, on SQLite, takes the write lock) only when a first
            # part is ready to be written: a file wrong from its first part never takes it.
            with PartWriter(conn, sheet.name, lambda: open_batch(conn, report, loaded_by)) as writer:
                sums = FileSums(ref.economic)
                for part in _guarded(validate.execution_parts(sheet, header, ref, collector), collector,
                                     report.file):
                    if collector.errors:
                        writer.stop()  # the file is rejected: checking goes on, writing does not
                    else:
                        sums.add(writer.send(part))
                    checked = max(checked, int(part["source_row"].iat[-1]) - header.header_row)
                    height = max(sheet.expected_rows() - header.header_row, 1)  # estimated while read in parts
                    progress(0.05 + 0.85 * min(1.0, checked / height), "writing")
                _finish(sheets)  # every sheet read to its end without a fault (else: StreamFallback, rolled back)
                if collector.errors or not sums.rows:
                    raise _Rejected
                # The marts' sums of the file, while the writer finishes its last parts.
                mart_rows, items, scopes = sums.mart_rows(), sums.item_sums(), sums.scope_sums()
            if writer.error is not None:
                raise writer.error  # the file is valid: the database failed (or another load collided)
            # The marts still hold the earlier figures: what the file replaces, before → after.
            report.replacements = replacements_of(conn, scopes)
            if not replace and any(r.halves for r in report.replacements):
                for replacement in report.replacements:
                    if replacement.halves:
                        _large_replacement(collector, sheet.name, replacement, ERROR)
                raise _Rejected
            batch_id = writer.batch_id
            report.rows = sums.rows
            progress(0.92, "refreshing marts")
            report.superseded = mark_superseded(conn, BudgetFact.__table__, writer.touched, batch_id)
            replace_budget_mart(conn, writer.scopes, mart_rows)
            update_budget_item_mart(conn, items, writer.replaced_items())
            key, year, period = _rows_scope_key("execution", scopes.reset_index(),
                                                validate.ExecutionParsed.unit_column)
            close_batch(conn, report, batch_id, loaded_by, key, year, period)
    except _Rejected:
        if writer.error is not None:  # not what rejected the file, but worth a line in the log
            log.warning("while %s was being rejected, its writer had stopped on %r", report.file, writer.error)
        record_rejection(engine, report, loaded_by)
        return report
    report.status, report.batch_id = "loaded", batch_id
    progress(1.0, "loaded")
    return report


INDICATOR_KEY = ("fiscal_year", "period", "unit_code", "indicator_code")


def _write_indicators(conn: Connection, parsed: validate.IndicatorsParsed, batch_id: int,
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
    touched = delete_provinces(conn, table, scopes)
    # What is left under the file's natural keys belongs to another province: a unit re-coded
    # since it was loaded. The key allows one row, so it goes too, and its province's mart is
    # refreshed with the others.
    keys = [tuple(k) for k in frame[list(INDICATOR_KEY)].itertuples(index=False, name=None)]
    strays = provinces_of(conn, table, keys)
    if strays:
        touched |= delete_earlier(conn, table, keys, INDICATOR_KEY)
    superseded = mark_superseded(conn, table, touched, batch_id)
    frame["batch_id"] = batch_id
    frame["source_sheet"] = parsed.sheet
    frame["source_row"] = frame["source_row"].astype(int)
    bulk_insert(conn, table, frame, INDICATOR_COLUMNS, progress, 0.55, 0.9)
    progress(0.92, "refreshing marts")
    refresh_indicator_mart(conn, set(scopes) | strays)
    return superseded
