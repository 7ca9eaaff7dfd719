"""The submission as a workbook, both ways (docs/data-contract.md, "The submission workbook").

``python -m etl template submission OUT.xlsx --year Y`` writes the submission of year Y as it
stands: a sheet ``Lines`` (one row per line: its keys, last year's figures and flags, locked and
shaded grey, then the requests for Y, Y+1, Y+2 and the justification to fill), a sheet
``Targets`` (baseline locked, targets to fill), an ``Instructions`` sheet in English and Khmer,
and dropdowns for the keys of new rows from a hidden ``lists`` sheet.

Filled in, it is loaded back with ``python -m etl load FILE --as USER`` or on the Data page,
with the rights of that user: read by the reader every workbook goes through (``etl.read``),
its cells cleaned as every workbook's are (``etl.clean``, ``etl.validate``), then written by
the submission's write layer (``db.submissions``), which checks rights and state again inside
the write. One transaction for the whole file: any problem, and nothing is written. Problems are
``FILE:SHEET:ROW:COLUMN: message``, like every other file's, and are values like theirs: a message
code and its parameters (``etl.problem_catalogue``), said in English on the command line and in the
user's language on the Data page.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from defusedxml import ElementTree
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db import audit
from db.engine import new_session, session_scope
from db.models import (
    AdminUnit,
    EconomicCode,
    Indicator,
    Programme,
    Submission,
    SubmissionLine,
    SubmissionTarget,
    User,
)
from db.queries import submission as reads
from db.queries.cache import note_cycle
from db.submissions import (
    MAX_AMOUNT,
    MAX_TEXT,
    Actor,
    Invalid,
    Stale,
    save_lines,
    save_targets,
    submission_year,
)
from domain.access import Forbidden, Scope
from domain.submission import (
    EDITABLE,
    SUBMITTED,
    WrongState,
    can_write_any,
    require_editable,
    require_line_writer,
)
from domain.vocabulary import BUDGET_UNIT, FUNDING_SOURCES, PROVINCIAL_DIRECTOR
from etl import clean, contract, validate
from etl import problem_catalogue as catalogue
from etl.problems import ERROR, WARNING, Collector, Msg, Problem, msg
from etl.read import MAX_METADATA_PART_BYTES, Sheet, UnreadableFile, read_file
from indicators import submission as flag_rules

log = logging.getLogger(__name__)

LINES, TARGETS, INSTRUCTIONS, LISTS = "Lines", "Targets", "Instructions", "lists"
TITLE_ROW, HEADER_ROW = 1, 2
FIRST_ROW = HEADER_ROW + 1
EXTRA_LINE_ROWS = 300  # empty rows below the lines, with dropdowns, for new lines
EXTRA_TARGET_ROWS = 100
LOCKED_FILL = PatternFill("solid", fgColor="D9D9D9")
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TITLE_FONT = Font(bold=True, size=12)
UNLOCKED = Protection(locked=False)
KEYS = ("entity", "cluster", "economic_code", "funding_source")
TARGET_KEYS = ("indicator", "unit")
KIND = "submission"

# --- the columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One column of the workbook: its header, its Khmer name, what it holds, and whether it is filled in."""

    name: str
    khmer: str
    en: str
    km: str
    kind: str  # key | amount | rate | number | text | version
    editable: bool
    width: int = 14


def khmer_year(year: int) -> str:
    return str(year).translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))


def line_specs(year: int) -> list[Spec]:
    """The columns of sheet ``Lines`` for a submission of ``year``, in order."""
    last, full = year - 1, year - 2
    return [
        Spec("entity", "អង្គភាព", "00 (central MoSVY) or a province 01–25; a name is read too",
             "00 (ក្រសួង) ឬខេត្ត 01–25; ឈ្មោះខេត្តក៏អាចប្រើបាន", "key", False, 9),
        Spec("cluster", "ចង្កោមសកម្មភាព", "the activity cluster of the programme structure",
             "ចង្កោមសកម្មភាព នៃរចនាសម្ព័ន្ធកម្មវិធី", "key", False, 11),
        Spec("economic_code", "ជំពូកសេដ្ឋកិច្ច", "a chapter of the economic classification",
             "ជំពូកមួយ នៃចំណាត់ថ្នាក់សេដ្ឋកិច្ច", "key", False, 15),
        Spec("funding_source", "ប្រភពថវិកា", "RGC (government) or DP (development partner)",
             "RGC (រាជរដ្ឋាភិបាល) ឬ DP (ដៃគូអភិវឌ្ឍន៍)", "key", False, 15),
        Spec(f"revised_{last}", f"ឥណទានកែសម្រួល {khmer_year(last)}", f"the revised budget of {last}, riels",
             f"ឥណទានកែសម្រួលឆ្នាំ {khmer_year(last)} (រៀល)", "amount", False, 18),
        Spec(f"paid_to_date_{last}", f"ការទូទាត់ដល់បច្ចុប្បន្ន {khmer_year(last)}",
             f"paid in {last} up to the period in as_of, riels",
             f"ការទូទាត់ឆ្នាំ {khmer_year(last)} គិតត្រឹមរយៈពេលក្នុង as_of (រៀល)", "amount", False, 18),
        Spec("as_of", "គិតត្រឹម", f"the period the figures of {last} run to",
             f"រយៈពេលដែលតួលេខឆ្នាំ {khmer_year(last)} គិតត្រឹម", "text", False, 9),
        Spec("execution_rate", "អត្រាអនុវត្តថវិកា", f"paid to date ÷ revised budget of {last}",
             f"ការទូទាត់ ÷ ឥណទានកែសម្រួល ឆ្នាំ {khmer_year(last)}", "rate", False, 11),
        Spec(f"paid_{full}", f"ការទូទាត់ {khmer_year(full)}", f"paid in {full}, the last full year, riels",
             f"ការទូទាត់ឆ្នាំ {khmer_year(full)} ឆ្នាំពេញចុងក្រោយ (រៀល)", "amount", False, 18),
        Spec("flags", "សញ្ញាព្រមាន", "the line's flags, as codes (listed in Instructions)",
             "សញ្ញាព្រមានរបស់ជួរ ជាកូដ (មើលសេចក្តីណែនាំ)", "text", False, 26),
        *(Spec(f"request_{y}", f"សំណើ {khmer_year(y)}", f"the amount asked for {y}, riels",
               f"ចំនួនទឹកប្រាក់ស្នើសុំសម្រាប់ឆ្នាំ {khmer_year(y)} (រៀល)", "amount", True, 18)
          for y in (year, year + 1, year + 2)),
        Spec("justification", "ការពន្យល់ហេតុផល",
             f"why: a flagged line needs at least {int(flag_rules.THRESHOLDS['justification_min_chars'])} "
             "characters before the submission can be submitted",
             f"ហេតុផល៖ ជួរដែលមានសញ្ញាព្រមានត្រូវការយ៉ាងហោចណាស់ "
             f"{int(flag_rules.THRESHOLDS['justification_min_chars'])} តួអក្សរ មុនពេលដាក់ស្នើ", "text", True, 50),
        Spec("row_version", "កំណែជួរ", "the line's version when this workbook was written: leave it as it is",
             "កំណែរបស់ជួរ នៅពេលសរសេរឯកសារនេះ៖ សូមកុំកែ", "version", False, 11),
    ]


def target_specs(year: int) -> list[Spec]:
    """The columns of sheet ``Targets`` for a submission of ``year``, in order."""
    return [
        Spec("indicator", "សូចនាករ", "an indicator of the catalogue", "សូចនាករមួយ នៃបញ្ជីសូចនាករ", "key", False, 14),
        Spec("unit", "ទីតាំង", "00 (national) or a province 01–25", "00 (ថ្នាក់ជាតិ) ឬខេត្ត 01–25", "key", False, 8),
        Spec("baseline", "មូលដ្ឋាន", f"the latest actual of {year - 1}", f"លទ្ធផលចុងក្រោយឆ្នាំ {khmer_year(year - 1)}",
             "number", False, 14),
        *(Spec(f"target_{y}", f"គោលដៅ {khmer_year(y)}", f"the target for {y}; blank = none",
               f"គោលដៅសម្រាប់ឆ្នាំ {khmer_year(y)}; ទុកទទេ = គ្មាន", "number", True, 14)
          for y in (year, year + 1, year + 2)),
        Spec("row_version", "កំណែជួរ", "the target's version when this workbook was written: leave it as it is",
             "កំណែរបស់គោលដៅ នៅពេលសរសេរឯកសារនេះ៖ សូមកុំកែ", "version", False, 11),
    ]


def _reading_columns(sheet: str, year: int) -> tuple[contract.Column, ...]:
    """What the loader reads of a sheet: keys, the three years to fill, justification, version.

    Names are matched as every workbook's are (any case, ``_`` or space, English or Khmer); the
    grey columns are not read at all.
    """
    def col(name: str, *aliases: str, required: bool = True, amount: bool = False) -> contract.Column:
        return contract.Column(name, (name, *aliases), required, amount)

    years = (year, year + 1, year + 2)
    version = col("row_version", "version", "កំណែជួរ", required=False)
    if sheet == LINES:
        return (
            col("entity", "province", "អង្គភាព"),
            col("cluster", "activity_cluster", "ចង្កោមសកម្មភាព"),
            col("economic_code", "economic chapter", "chapter", "ជំពូកសេដ្ឋកិច្ច", "កូដសេដ្ឋកិច្ច"),
            col("funding_source", "source of funds", "ប្រភពថវិកា"),
            *(col(f"request_{y}", f"សំណើ {y}", f"សំណើ {khmer_year(y)}", amount=True) for y in years),
            col("justification", "ការពន្យល់ហេតុផល", "ហេតុផល", required=False),
            version,
        )
    return (
        col("indicator", "indicator code", "សូចនាករ"),
        col("unit", "administrative unit", "ទីតាំង"),
        *(col(f"target_{y}", f"គោលដៅ {y}", f"គោលដៅ {khmer_year(y)}") for y in years),
        version,
    )


_YEAR_HEADER = {
    LINES: re.compile(r"^(?:request|សំណើ) ?([0-9០-៩]{4})$"),
    TARGETS: re.compile(r"^(?:target|គោលដៅ) ?([0-9០-៩]{4})$"),
}

FLAG_HELP = {
    flag_rules.MORE_WHILE_OFF_TRACK: (
        "asks more than last year's revised budget while an indicator linked to its cluster is off track",
        "ស្នើច្រើនជាងឥណទានកែសម្រួលឆ្នាំមុន ខណៈសូចនាករពាក់ព័ន្ធនឹងចង្កោមមិនតាមគោលដៅ"),
    flag_rules.MORE_WHILE_UNDERSPENDING: (
        "asks more while last year's execution is below "
        f"{flag_rules.THRESHOLDS['underspending_share']:.0%} of the pro-rata benchmark",
        "ស្នើច្រើនជាង ខណៈការអនុវត្តថវិកាឆ្នាំមុនទាបជាង "
        f"{flag_rules.THRESHOLDS['underspending_share']:.0%} នៃកម្រិតរំពឹងទុកតាមសមាមាត្រ"),
    flag_rules.UNIT_COST_GAP: (
        f"a linked target's implied unit cost is more than {flag_rules.THRESHOLDS['unit_cost_gap']:.0%} "
        "away from the observed one",
        f"ថ្លៃឯកតាដែលបានគណនាពីគោលដៅពាក់ព័ន្ធ ខុសពីថ្លៃឯកតាជាក់ស្តែងលើសពី "
        f"{flag_rules.THRESHOLDS['unit_cost_gap']:.0%}"),
    flag_rules.TARGET_BELOW_ACTUAL: (
        "asks more while a linked target is below what has already been achieved",
        "ស្នើច្រើនជាង ខណៈគោលដៅពាក់ព័ន្ធទាបជាងលទ្ធផលដែលសម្រេចបានរួច"),
    flag_rules.INCOMPLETE_REPORTS: (
        "the line's province has not sent every report of the year",
        "ខេត្តនៃជួរនេះមិនទាន់ផ្ញើរបាយការណ៍គ្រប់គ្រាន់សម្រាប់ឆ្នាំនេះ"),
}

# --- writing -------------------------------------------------------------------------------------------


class NoSubmission(LookupError):
    """No submission was opened for that year."""

    def __init__(self, year: int) -> None:
        super().__init__(f"there is no submission for {year}: the budget unit opens it first "
                         "(Submission page, or POST /api/v1/submissions)")
        self.year = year


def system_scope() -> Scope:
    """The command line's reading scope when no user is named: every line, as the budget unit sees them."""
    return Scope(user_id=0, username=audit.SYSTEM_USER, role=BUDGET_UNIT)


def _text_cell(cell, value: str):
    # Text stays text: a justification typed as "=…" must not become a formula, and an .xlsx
    # cannot hold most control characters (U+FFFD shows where one was).
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _put(cell, value: object, spec: Spec) -> None:
    if _missing(value):
        return
    if spec.kind in ("key", "text"):
        _text_cell(cell, str(value))
    elif spec.kind in ("amount", "version"):
        cell.value = int(round(float(value)))
    else:
        cell.value = float(value)


_FORMATS = {"amount": "#,##0", "rate": "0.0%", "number": "#,##0.##", "version": "0", "key": "@", "text": "@"}


@dataclass
class _Lists:
    """The dropdowns' choices, and the names shown beside the codes in the instructions."""

    entities: list[tuple[str, str, str]]
    clusters: list[tuple[str, str, str]]
    chapters: list[tuple[str, str, str]]
    indicators: list[tuple[str, str, str]]


def _lists(session: Session, scope: Scope) -> _Lists:
    units = session.execute(select(AdminUnit.code, AdminUnit.name_en, AdminUnit.name_km)
                            .where(AdminUnit.level.in_(("national", "province"))).order_by(AdminUnit.code)).all()
    if scope.role == PROVINCIAL_DIRECTOR:
        units = [u for u in units if u[0] == scope.province]
    clusters = session.execute(select(Programme.code, Programme.name_en, Programme.name_km)
                               .where(Programme.level == "activity_cluster").order_by(Programme.code)).all()
    chapters = session.execute(select(EconomicCode.code, EconomicCode.name_en, EconomicCode.name_km)
                               .where(EconomicCode.parent_code.is_(None)).order_by(EconomicCode.code)).all()
    indicators = session.execute(select(Indicator.code, Indicator.name_en, Indicator.name_km)
                                 .order_by(Indicator.code)).all()
    return _Lists(*(list(map(tuple, rows)) for rows in (units, clusters, chapters, indicators)))


def _header(sheet, specs: list[Spec], title: str) -> None:
    sheet.cell(row=TITLE_ROW, column=1, value=title).font = TITLE_FONT
    for index, spec in enumerate(specs, 1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=spec.name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL if spec.editable else LOCKED_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        comment = Comment(f"{spec.en}\n{spec.khmer}: {spec.km}", "PIB Dashboard")
        comment.width, comment.height = 300, 110
        cell.comment = comment
        sheet.column_dimensions[get_column_letter(index)].width = spec.width


def _body(sheet, specs: list[Spec], records: list[dict], extra_rows: int) -> int:
    """Rows of ``records`` then ``extra_rows`` empty ones: grey and locked where nothing is to be
    filled, white and open where it is (and the keys of the empty rows, for new lines)."""
    last = HEADER_ROW + len(records) + extra_rows
    for offset in range(len(records) + extra_rows):
        row = FIRST_ROW + offset
        record = records[offset] if offset < len(records) else None
        for index, spec in enumerate(specs, 1):
            cell = sheet.cell(row=row, column=index)
            if record is not None:
                _put(cell, record.get(spec.name), spec)
            cell.number_format = _FORMATS[spec.kind]
            open_cell = spec.editable or (record is None and spec.kind == "key")
            if open_cell:
                cell.protection = UNLOCKED
            else:
                cell.fill = LOCKED_FILL
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=len([s for s in specs if s.kind == "key"]) + 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(specs))}{last}"
    protection = sheet.protection
    protection.sheet = True
    # Widths, heights and the filter stay usable; the grey cells do not change by accident.
    protection.formatColumns = protection.formatRows = protection.autoFilter = False
    return last


def _list_rule(book: Workbook, sheet, name: str, values: list[str], ranges: str, strict: bool) -> None:
    if not values:
        return
    store = book[LISTS]
    column = store.max_column + 1 if store["A1"].value is not None else 1
    store.cell(row=1, column=column, value=name)
    for row, value in enumerate(values, 2):
        _text_cell(store.cell(row=row, column=column), value)
    letter = get_column_letter(column)
    rule = DataValidation(type="list", formula1=f"={LISTS}!${letter}$2:${letter}${len(values) + 1}",
                          allow_blank=True, showErrorMessage=strict)
    rule.error = f"Choose a value from the list ({name}) · សូមជ្រើសពីបញ្ជី"
    sheet.add_data_validation(rule)
    rule.add(ranges)


def _number_rule(sheet, ranges: str, what: str) -> None:
    rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                          showErrorMessage=True)
    rule.error = f"{what}: a number, 0 or more · លេខចាប់ពី 0 ឡើង"
    sheet.add_data_validation(rule)
    rule.add(ranges)


def _column_range(specs: list[Spec], name: str, first: int, last: int) -> str:
    letter = get_column_letter([s.name for s in specs].index(name) + 1)
    return f"{letter}{first}:{letter}{last}"


def _line_records(lines: pd.DataFrame, year: int) -> list[dict]:
    out = []
    for row in lines.sort_values(list(KEYS)).to_dict("records"):
        out.append({
            "entity": row["entity"], "cluster": row["cluster"], "economic_code": row["economic_code"],
            "funding_source": row["funding_source"], f"revised_{year - 1}": row.get("revised_last"),
            f"paid_to_date_{year - 1}": row.get("paid_to_date"), "as_of": row.get("as_of"),
            "execution_rate": row.get("execution_rate"), f"paid_{year - 2}": row.get("paid_full_year"),
            "flags": ", ".join(row.get("flags") or []),
            f"request_{year}": row["request_y1"], f"request_{year + 1}": row["request_y2"],
            f"request_{year + 2}": row["request_y3"], "justification": row.get("justification") or "",
            "row_version": row["row_version"],
        })
    return out


def _target_records(targets: pd.DataFrame, year: int) -> list[dict]:
    out = []
    for row in targets.sort_values(list(TARGET_KEYS)).to_dict("records"):
        out.append({"indicator": row["indicator"], "unit": row["unit"], "baseline": row.get("baseline"),
                    f"target_{year}": row["target_y1"], f"target_{year + 1}": row["target_y2"],
                    f"target_{year + 2}": row["target_y3"], "row_version": row["row_version"]})
    return out


def write_submission_workbook(out: str | Path | BinaryIO, year: int, url: str | None = None,
                              scope: Scope | None = None, *, now: datetime | None = None) -> tuple[int, int]:
    """Write the submission of ``year`` as ``scope`` reads it (a director: his province's lines
    and targets) to ``out``; return how many lines and targets it holds.

    Raises :class:`NoSubmission` when no submission was opened for ``year``.
    """
    scope = scope or system_scope()
    now = now or datetime.now()
    with session_scope(url) as session:
        found = reads.find_by_year(session, year)
        if found is None:
            raise NoSubmission(year)
        shown = reads.view(session, scope, found.id)
        lists = _lists(session, scope)
        sub = shown.submission
        lines = _line_records(shown.lines, year)
        targets = _target_records(shown.targets, year)
    book = Workbook()
    book.remove(book.active)
    state = sub.status if sub.status in EDITABLE else f"{sub.status}, read-only"
    written = f"submission {sub.id}, {state}, version {sub.version}; written {now:%Y-%m-%d %H:%M} for {scope.username}"
    line_sheet, target_sheet = book.create_sheet(LINES), book.create_sheet(TARGETS)
    book.create_sheet(INSTRUCTIONS)
    store = book.create_sheet(LISTS)
    store.sheet_state = "hidden"

    specs = line_specs(year)
    _header(line_sheet, specs, f"Budget request {year} · សំណើថវិកាឆ្នាំ {khmer_year(year)} — {written}. "
                               "Grey cells are locked; fill the white ones · ក្រឡាពណ៌ប្រផេះត្រូវបានចាក់សោ "
                               "សូមបំពេញក្រឡាពណ៌ស")
    last = _body(line_sheet, specs, lines, EXTRA_LINE_ROWS)
    new_rows = (FIRST_ROW + len(lines), last)
    _list_rule(book, line_sheet, "entity", [u[0] for u in lists.entities],
               _column_range(specs, "entity", *new_rows), strict=False)
    _list_rule(book, line_sheet, "cluster", [c[0] for c in lists.clusters],
               _column_range(specs, "cluster", *new_rows), strict=True)
    _list_rule(book, line_sheet, "economic_code", [c[0] for c in lists.chapters],
               _column_range(specs, "economic_code", *new_rows), strict=True)
    _list_rule(book, line_sheet, "funding_source", list(FUNDING_SOURCES),
               _column_range(specs, "funding_source", *new_rows), strict=False)
    for y in (year, year + 1, year + 2):
        _number_rule(line_sheet, _column_range(specs, f"request_{y}", FIRST_ROW, last), f"request_{y}")
    length = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(MAX_TEXT), allow_blank=True,
                            showErrorMessage=True)
    length.error = f"At most {MAX_TEXT:,} characters · យ៉ាងច្រើន {MAX_TEXT:,} តួអក្សរ"
    line_sheet.add_data_validation(length)
    length.add(_column_range(specs, "justification", FIRST_ROW, last))

    tspecs = target_specs(year)
    _header(target_sheet, tspecs, f"Targets {year} · គោលដៅឆ្នាំ {khmer_year(year)} — {written}")
    tlast = _body(target_sheet, tspecs, targets, EXTRA_TARGET_ROWS)
    new_targets = (FIRST_ROW + len(targets), tlast)
    _list_rule(book, target_sheet, "indicator", [i[0] for i in lists.indicators],
               _column_range(tspecs, "indicator", *new_targets), strict=True)
    _list_rule(book, target_sheet, "unit", [u[0] for u in lists.entities],
               _column_range(tspecs, "unit", *new_targets), strict=False)
    for y in (year, year + 1, year + 2):
        _number_rule(target_sheet, _column_range(tspecs, f"target_{y}", FIRST_ROW, tlast), f"target_{y}")

    _instructions(book[INSTRUCTIONS], year, written, specs, tspecs, lists)
    book.active = 0
    book.save(out)
    return len(lines), len(targets)


INSTRUCTIONS_EN = (
    "This workbook is the budget request for fiscal year {year}: one row per line (entity, activity cluster, "
    "economic chapter and funding source) on sheet Lines, one row per indicator and unit on sheet Targets.",
    "Fill the white cells: the amounts asked for {year}, {y2} and {y3} in riels (or name the unit in the header, "
    "e.g. 'request_{year} (million KHR)'), and a justification. Grey cells are locked: last year's figures and "
    "flags are there to compare with, and the loader never reads them.",
    "A new line (a new cluster, chapter or source): fill an empty row below the lines, choosing entity, cluster, "
    "economic chapter and funding source from the lists. A line left out of the file stays as it is: to ask for "
    "nothing, write 0. Leave row_version as it is: it tells whether a line was changed on the web after this "
    "workbook was written, and such a line is refused rather than overwritten.",
    "Load the file on the Data page, or with: python -m etl load FILE --as USER. The whole file is loaded or "
    "nothing; every problem is listed as FILE:SHEET:ROW:COLUMN: message. Only a draft or a returned submission "
    "changes; a provincial director changes his or her province's lines only, while the draft is open to "
    "provinces.",
)
INSTRUCTIONS_KM = (
    "ឯកសារនេះជាសំណើថវិកាសម្រាប់ឆ្នាំសារពើពន្ធ {kyear}៖ មួយជួរក្នុងមួយបន្ទាត់ថវិកា (អង្គភាព ចង្កោមសកម្មភាព "
    "ជំពូកសេដ្ឋកិច្ច និងប្រភពថវិកា) នៅសន្លឹក Lines និងមួយជួរក្នុងមួយសូចនាករ និងទីតាំង នៅសន្លឹក Targets។",
    "សូមបំពេញក្រឡាពណ៌ស៖ ចំនួនទឹកប្រាក់ស្នើសុំសម្រាប់ឆ្នាំ {kyear} {ky2} និង {ky3} ជារៀល (ឬបញ្ជាក់ឯកតានៅក្បាលជួរឈរ "
    "ឧ. 'request_{year} (លានរៀល)') និងការពន្យល់ហេតុផល។ ក្រឡាពណ៌ប្រផេះត្រូវបានចាក់សោ៖ តួលេខ និងសញ្ញាព្រមាន"
    "ឆ្នាំមុនសម្រាប់ប្រៀបធៀបប៉ុណ្ណោះ ហើយប្រព័ន្ធមិនអានវាទេ។",
    "បន្ទាត់ថ្មី (ចង្កោម ជំពូក ឬប្រភពថ្មី)៖ សូមបំពេញជួរទទេខាងក្រោម ដោយជ្រើសអង្គភាព ចង្កោម ជំពូកសេដ្ឋកិច្ច និង"
    "ប្រភពថវិកាពីបញ្ជី។ បន្ទាត់ដែលមិនមាននៅក្នុងឯកសារ នៅដដែល៖ ដើម្បីមិនស្នើអ្វីសោះ សូមសរសេរ 0។ សូមកុំកែ "
    "row_version៖ វាបង្ហាញថាបន្ទាត់ត្រូវបានកែលើគេហទំព័រ បន្ទាប់ពីសរសេរឯកសារនេះ ហើយបន្ទាត់បែបនេះនឹងត្រូវបដិសេធ"
    " មិនមែនសរសេរជាន់ពីលើទេ។",
    "សូមផ្ទុកឯកសារនៅទំព័រ ទិន្នន័យ ឬដោយ៖ python -m etl load FILE --as USER។ ឯកសារទាំងមូលត្រូវបានផ្ទុក ឬមិន"
    "ផ្ទុកអ្វីសោះ៖ បញ្ហានីមួយៗត្រូវបានរាយជា FILE:SHEET:ROW:COLUMN: សារ។ មានតែសំណើជាសេចក្តីព្រាង ឬសំណើដែល"
    "ត្រូវបានបញ្ជូនត្រឡប់មកវិញប៉ុណ្ណោះ ដែលអាចកែបាន។ ប្រធានមន្ទីរខេត្តកែបានតែបន្ទាត់នៃខេត្តខ្លួន នៅពេលសេចក្តីព្រាង"
    "បើកឱ្យខេត្ត។",
)


def _instructions(sheet, year: int, written: str, specs: list[Spec], tspecs: list[Spec], lists: _Lists) -> None:
    values = {"year": year, "y2": year + 1, "y3": year + 2, "kyear": khmer_year(year),
              "ky2": khmer_year(year + 1), "ky3": khmer_year(year + 2)}
    bold: list[int] = []
    paragraphs: list[int] = []

    def heading(*cells: str) -> None:
        sheet.append(list(cells))
        bold.append(sheet.max_row)

    def paragraph(text: str) -> None:
        sheet.append([text])
        paragraphs.append(sheet.max_row)

    heading(f"Budget request {year} · សំណើថវិកាឆ្នាំ {khmer_year(year)}")
    sheet.append([written])
    heading("Instructions (English)")
    for text in INSTRUCTIONS_EN:
        paragraph(text.format(**values))
    heading("សេចក្តីណែនាំ (ខ្មែរ)")
    for text in INSTRUCTIONS_KM:
        paragraph(text.format(**values))
    sheet.append([])
    heading("sheet", "column", "column (Khmer)", "meaning", "អត្ថន័យ", "to fill · ត្រូវបំពេញ")
    for name, columns in ((LINES, specs), (TARGETS, tspecs)):
        for spec in columns:
            fill = "yes · បាទ/ចាស" if spec.editable else ("new rows · ជួរថ្មី" if spec.kind == "key" else "no · ទេ")
            sheet.append([name, spec.name, spec.khmer, spec.en, spec.km, fill])
    sheet.append([])
    heading("flag", "name", "ឈ្មោះ", "meaning", "អត្ថន័យ")
    for code in flag_rules.SUBMISSION_FLAGS:
        en, km = FLAG_HELP[code]
        sheet.append([code, flag_rules.flag_word(code, "en"), flag_rules.flag_word(code, "km"), en, km])
    for title, rows in (("entity · អង្គភាព", lists.entities), ("cluster · ចង្កោមសកម្មភាព", lists.clusters),
                        ("economic_code · ជំពូកសេដ្ឋកិច្ច", lists.chapters), ("indicator · សូចនាករ", lists.indicators)):
        sheet.append([])
        heading(title, "name", "ឈ្មោះ")
        for code, en, km in rows:
            row = sheet.max_row + 1
            _text_cell(sheet.cell(row=row, column=1), code)
            sheet.cell(row=row, column=2, value=en)
            sheet.cell(row=row, column=3, value=km)
    for row in bold:
        sheet.cell(row=row, column=1).font = Font(bold=True)
    for letter, width in zip("ABCDEF", (22, 34, 30, 60, 60, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in paragraphs:
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        sheet.row_dimensions[row].height = 64


# --- recognising a submission workbook -------------------------------------------------------------------

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _sheet_names(data: bytes) -> list[str]:
    """The sheet names a workbook lists, read without reading a cell (an empty list when in doubt)."""
    if data[:4] != b"PK\x03\x04":
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > MAX_METADATA_PART_BYTES:
                return []
            tree = ElementTree.fromstring(archive.read(info))
    except Exception:  # noqa: BLE001 - not a workbook we can tell apart: the usual loader says why
        return []
    return [s.get("name") or "" for s in tree.iter(f"{_MAIN_NS}sheet")]


def _named(sheets: list[Sheet], name: str) -> Sheet | None:
    wanted = contract.normalise_header(name)
    return next((s for s in sheets if contract.normalise_header(s.name) == wanted), None)


def _years(sheet: Sheet, which: str) -> tuple[int, list[tuple[int, int]]] | None:
    """The header row (Excel number) naming the most year columns (``request_2026`` …), and the
    years it names with their column positions; None when no row names one."""
    pattern = _YEAR_HEADER[which]
    best = None
    for index, cells in enumerate(sheet.rows[:validate.HEADER_SEARCH_ROWS]):
        found = []
        for position, cell in enumerate(cells):
            base, _unit = contract.split_unit(contract.normalise_header(cell))
            match = pattern.match(base)
            if match:
                found.append((int(match.group(1).translate(clean.KHMER_DIGITS)), position))
        if found and (best is None or len(found) > len(best[1])):
            best = (index + 1, found)
    return best


@dataclass
class _Layout:
    """Where a sheet's data is: its header and the year of its first column to fill."""

    sheet: Sheet
    header: contract.HeaderMatch
    year: int
    years: list[tuple[int, int]]
    columns: tuple[contract.Column, ...]


def _layout(sheet: Sheet, which: str, year: int | None = None) -> _Layout | None:
    found = _years(sheet, which)
    if found is None:
        return None
    years = found[1]
    first = year if year is not None else min(y for y, _ in years)
    columns = _reading_columns(which, first)
    header = validate.find_header(sheet, columns)
    if header is None:
        return None
    return _Layout(sheet, header, first, years, columns)


def detect(data: bytes, name: str = "upload.xlsx") -> list[Sheet] | None:
    """The sheets of ``data`` when it is a submission workbook, else None.

    A submission workbook has a sheet named ``Lines`` (any case) whose header row names the line
    keys and at least one ``request_YYYY`` column. A workbook without such a sheet is not read
    here at all (the sheet names come from the workbook's index), so an execution file costs
    nothing more; one that cannot be read is left to the usual loader, which says why.
    """
    if not any(contract.normalise_header(n) == "lines" for n in _sheet_names(data)):
        return None
    try:
        sheets = read_file(data, name)
    except (UnreadableFile, MemoryError):
        return None
    lines = _named(sheets, LINES)
    return sheets if lines is not None and _layout(lines, LINES) is not None else None


def is_submission_workbook(data: bytes, name: str = "upload.xlsx") -> bool:
    return detect(data, name) is not None


# --- loading ---------------------------------------------------------------------------------------------


@dataclass
class SubmissionReport:
    """What loading a submission workbook did (or would do, in a dry run); it answers what the
    command line and the Data page ask of every load's report (``etl.load.LoadReport``)."""

    file: str
    status: str  # loaded | rejected | valid (dry run) | failed (the database went away)
    kind: str = KIND
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    checksum: str = ""
    year: int | None = None
    submission_id: int | None = None
    loaded_as: str = ""
    lines: int = 0
    targets: int = 0
    lines_created: int = 0
    lines_changed: int = 0
    targets_created: int = 0
    targets_changed: int = 0
    batch_id: None = None  # a submission load writes no load batch
    replacements: list = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def replacement_lines(self, lang: str = "en") -> list[str]:
        return []

    def summary(self, lang: str = "en") -> str:
        """One line for a person, in ``lang`` (the command line's, in English)."""
        key = {"loaded": "submission-loaded", "valid": "submission-valid",
               "failed": "submission-failed"}.get(self.status, "submission-rejected")
        return catalogue.line(key, lang, file=self.file, year=self.year, user=self.loaded_as, lines=self.lines,
                              lines_created=self.lines_created, lines_changed=self.lines_changed,
                              targets=self.targets, targets_created=self.targets_created,
                              targets_changed=self.targets_changed, warnings=len(self.warnings),
                              errors=len(self.errors))


@dataclass
class _Current:
    request: tuple[int, int, int]
    justification: str
    row_version: int
    updated_by: str
    updated_at: datetime | None


@dataclass
class _Context:
    """What a workbook is checked against, read in the load's transaction."""

    scope: Scope
    submission: Submission
    can_write: bool
    names: clean.EntityNames
    programmes: dict[str, tuple[str | None, str]]
    economic: dict[str, str | None]
    indicators: set[str]
    lines: dict[tuple, _Current]
    targets: dict[tuple, _Current]


def _context(session: Session, scope: Scope, sub: Submission) -> _Context:
    units, names = {}, {}
    for code, level, en, km in session.execute(select(AdminUnit.code, AdminUnit.level, AdminUnit.name_en,
                                                       AdminUnit.name_km)
                                               .where(AdminUnit.level.in_(("national", "province")))):
        units[code] = level
        names[code] = (en, km)
    programmes = {c: (p, lv) for c, p, lv in session.execute(
        select(Programme.code, Programme.parent_code, Programme.level))}
    economic = dict(session.execute(select(EconomicCode.code, EconomicCode.parent_code)).all())
    indicators = set(session.scalars(select(Indicator.code)))
    lines = {(r.entity_code, r.cluster_code, r.economic_code, r.funding_source):
             _Current((r.request_y1, r.request_y2, r.request_y3), r.justification, r.row_version, r.updated_by,
                      r.updated_at)
             for r in session.scalars(select(SubmissionLine).where(SubmissionLine.submission_id == sub.id))}
    targets = {(r.indicator_code, r.unit_code):
               _Current((r.target_y1, r.target_y2, r.target_y3), "", r.row_version, r.updated_by, r.updated_at)
               for r in session.scalars(select(SubmissionTarget).where(SubmissionTarget.submission_id == sub.id))}
    return _Context(scope, sub, can_write_any(scope, sub.open_to_provinces), clean.EntityNames(units, names),
                    programmes, economic, indicators, lines, targets)


@dataclass
class _Item:
    row: int
    sheet: str
    payload: dict


def _read_only(year: int, status: str) -> Msg:
    """A submission of ``year`` that cannot change in ``status`` (domain.submission.require_editable)."""
    return msg("submission-submitted" if status == SUBMITTED else "submission-read-only", year=year, status=status)


def _rights_problem(ctx: _Context) -> Msg | None:
    """Why ``ctx.scope`` may not change this submission at all (state first, then role), or None."""
    scope, sub = ctx.scope, ctx.submission
    try:
        require_editable(sub.status)
    except WrongState as refusal:
        return _read_only(sub.fiscal_year, refusal.status)
    if ctx.can_write:
        return None
    if scope.role == PROVINCIAL_DIRECTOR:
        return msg("draft-closed-to-provinces", year=sub.fiscal_year, user=scope.username)
    return msg("role-changes-no-submission", user=scope.username, role=scope.role)


def _entity(value: object, column: str, ctx: _Context, problems: validate.Problems, row: int) -> str | None:
    if clean.is_blank(value):
        problems.add(row, column, "", msg("missing-value", column=column), "missing-cell")
        return None
    try:
        code = ctx.names.resolve(value, levels=("national", "province"))
    except clean.CellError as exc:
        problems.add(row, column, value, exc.at(column), "unknown-code")
        return None
    if ctx.can_write:
        try:
            require_line_writer(ctx.scope, code, ctx.submission.open_to_provinces)
        except Forbidden:
            problems.add(row, column, code, msg("other-province", column=column, user=ctx.scope.username,
                                                province=ctx.scope.province, code=code), "forbidden")
            return None
    return code


def _code(value: object, column: str, problems: validate.Problems, row: int) -> str | None:
    if clean.is_blank(value):
        problems.add(row, column, "", msg("missing-value", column=column), "missing-cell")
        return None
    return clean.code(value)


def _cluster(value: object, ctx: _Context, problems: validate.Problems, row: int) -> str | None:
    code = _code(value, "cluster", problems, row)
    if code is None:
        return None
    node = ctx.programmes.get(code)
    if node is None:
        said = msg("unknown-cluster", column="cluster", code=code)
    elif node[1] == "activity":
        said = msg("activity-for-cluster", column="cluster", code=code, cluster=node[0])
    elif node[1] != "activity_cluster":
        said = msg("not-a-cluster", column="cluster", code=code, level=node[1])
    else:
        return code
    problems.add(row, "cluster", code, said, "unknown-code")
    return None


def _chapter(value: object, ctx: _Context, problems: validate.Problems, row: int) -> str | None:
    code = _code(value, "economic_code", problems, row)
    if code is None:
        return None
    if code not in ctx.economic:
        said = msg("unknown-chapter", column="economic_code", code=code)
    elif ctx.economic[code] is not None:
        said = msg("account-for-chapter", column="economic_code", code=code, chapter=ctx.economic[code])
    else:
        return code
    problems.add(row, "economic_code", code, said, "unknown-code")
    return None


def _version(value: object, problems: validate.Problems, row: int) -> int | None:
    if clean.is_blank(value):
        return None
    try:
        number = clean.number(value)
    except clean.CellError:
        number = -1.0
    if number < 1 or not float(number).is_integer():
        problems.add(row, "row_version", value, msg("not-a-version", column="row_version", value=clean.text(value)),
                     "type-error")
        return None
    return int(number)


def _stale(current: _Current | None, version: int | None, same: bool, ctx: _Context, problems: validate.Problems,
           row: int, what: str) -> int | None:
    """The version to send with the write: a line someone else changed since the workbook was
    written is refused, unless the file asks for what it holds already. The loader's own later
    changes (a workbook loaded, corrected and loaded again) are not someone else's."""
    if current is None or version is None or version == current.row_version:
        return version
    if same or current.updated_by == ctx.scope.username:
        return None
    params = {"column": "row_version", "what": what, "user": current.updated_by, "version": version,
              "current": current.row_version}
    said = (msg("changed-after-writing", **params, when=f"{current.updated_at:%Y-%m-%d %H:%M}")
            if current.updated_at else msg("changed-after-writing-undated", **params))
    problems.add(row, "row_version", version, said, "stale-line")
    return None


def _storable(text: str) -> bool:
    """Text the database stores: no NUL or other control character but line breaks and tabs, no
    lone surrogate (as the write layer requires of every text)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(c) < 32 and c not in "\n\r\t" for c in text)


def _whole_riels(value: float) -> int:
    # As every workbook's amounts are stored (etl.load.whole_riels): half to even, after a
    # rounding to a millionth that removes binary noise.
    return int(round(round(value, 6)))


def _check_years(layout: _Layout, problems: validate.Problems, which: str, year: int) -> None:
    expected = {year, year + 1, year + 2}
    prefix = "request" if which == LINES else "target"
    for found, _position in layout.years:
        if found not in expected:
            column = f"{prefix}_{found}"
            problems.add(layout.header.header_row, column, column,
                         msg("unexpected-year", column=column, year=year, last=year + 2,
                             columns=[f"{prefix}_{y}" for y in sorted(expected)]), "unexpected-year")


def _read_lines(layout: _Layout, ctx: _Context, problems: validate.Problems) -> list[_Item]:
    year, header = layout.year, layout.header
    names = [f"request_{y}" for y in (year, year + 1, year + 2)]
    frame, totals = validate.whole_data(layout.sheet, header, layout.columns, problems)
    if frame.empty:
        return []
    rows = frame["source_row"]
    style = clean.NumberStyle()
    validate.survey_number_style(frame, names, style)
    amounts = pd.DataFrame({n: validate.clean_numbers(frame[n], n, problems, rows, required=True, non_negative=True,
                                                      scale=header.scales.get(n, 1), maximum=MAX_AMOUNT, style=style)
                            for n in names}, index=frame.index)
    validate.check_totals(totals, amounts, names, header.scales, problems, style)
    has_justification = "justification" in header.positions
    items: list[_Item] = []
    seen: dict[tuple, int] = {}
    for index, record in frame.to_dict("index").items():
        row = int(record["source_row"])
        entity = _entity(record.get("entity"), "entity", ctx, problems, row)
        cluster = _cluster(record.get("cluster"), ctx, problems, row)
        chapter = _chapter(record.get("economic_code"), ctx, problems, row)
        source = None
        if clean.is_blank(record.get("funding_source")):
            problems.add(row, "funding_source", "", msg("missing-value", column="funding_source"), "missing-cell")
        else:
            try:
                source = clean.funding_source(record["funding_source"])
            except clean.CellError as exc:
                problems.add(row, "funding_source", record["funding_source"], exc.at("funding_source"),
                             "unknown-code")
        justification = None
        if has_justification:
            justification = "" if clean.is_blank(record.get("justification")) else clean.text(record["justification"])
            if len(justification) > MAX_TEXT:
                problems.add(row, "justification", justification,
                             msg("text-too-long", column="justification", maximum=MAX_TEXT,
                                 length=len(justification)), "too-long")
            elif not _storable(justification):
                problems.add(row, "justification", justification, msg("control-character", column="justification"),
                             "type-error")
        version = _version(record.get("row_version"), problems, row)
        request = [amounts.at[index, n] for n in names]
        if None in (entity, cluster, chapter, source) or any(pd.isna(v) or v < 0 or v > MAX_AMOUNT for v in request):
            continue  # each wrong cell is reported already
        key = (entity, cluster, chapter, source)
        if key in seen:
            problems.add(row, "funding_source", "", msg("duplicate-line", first=seen[key]), "duplicate-row")
            continue
        seen[key] = row
        request = [_whole_riels(v) for v in request]
        current = ctx.lines.get(key)
        same = current is not None and list(current.request) == request and (
            justification is None or justification == current.justification)
        version = _stale(current, version, same, ctx, problems, row, "line")
        payload = {"entity": entity, "cluster": cluster, "economic_code": chapter, "funding_source": source,
                   "request": request}
        if justification is not None:
            payload["justification"] = justification
        if version is not None:
            payload["row_version"] = version
        items.append(_Item(row, LINES, payload))
    return items


def _read_targets(layout: _Layout, ctx: _Context, problems: validate.Problems) -> list[_Item]:
    year, header = layout.year, layout.header
    names = [f"target_{y}" for y in (year, year + 1, year + 2)]
    frame, _totals = validate.whole_data(layout.sheet, header, layout.columns, problems)
    if frame.empty:
        return []
    rows = frame["source_row"]
    style = clean.NumberStyle()
    validate.survey_number_style(frame, names, style)
    values = pd.DataFrame({n: validate.clean_numbers(frame[n], n, problems, rows, required=False, non_negative=False,
                                                     style=style) for n in names}, index=frame.index)
    items: list[_Item] = []
    seen: dict[tuple, int] = {}
    for index, record in frame.to_dict("index").items():
        row = int(record["source_row"])
        indicator = _code(record.get("indicator"), "indicator", problems, row)
        if indicator is not None and indicator not in ctx.indicators:
            problems.add(row, "indicator", indicator, msg("unknown-target-indicator", column="indicator",
                                                          code=indicator), "unknown-code")
            indicator = None
        unit = _entity(record.get("unit"), "unit", ctx, problems, row)
        target, broken = [], False
        for name in names:
            value = values.at[index, name]
            blank = clean.is_blank(frame.at[index, name])
            if not blank and pd.isna(value):
                broken = True  # reported by clean_numbers
            elif not blank and value < 0:
                problems.add(row, name, f"{value:g}", msg("negative-target", column=name, value=float(value)),
                             "negative-amount")
                broken = True
            target.append(None if blank else float(value))
        version = _version(record.get("row_version"), problems, row)
        if indicator is None or unit is None or broken:
            continue
        key = (indicator, unit)
        if key in seen:
            problems.add(row, "unit", "", msg("duplicate-target", first=seen[key]), "duplicate-row")
            continue
        seen[key] = row
        current = ctx.targets.get(key)
        same = current is not None and [None if _missing(v) else float(v) for v in current.request] == target
        version = _stale(current, version, same, ctx, problems, row, "target")
        payload = {"indicator": indicator, "unit": unit, "target": target}
        if version is not None:
            payload["row_version"] = version
        items.append(_Item(row, TARGETS, payload))
    return items


def _where(error: Invalid, items: list[_Item], year: int) -> tuple[int, str]:
    """The row and column of a refusal of the write layer (it names an item by index and a field)."""
    row = items[error.index].row if error.index is not None and error.index < len(items) else 0
    found = re.match(r"^(request|target)\[(\d)\]$", error.field)
    column = f"{found.group(1)}_{year + int(found.group(2))}" if found else error.field
    return row, "" if column in ("lines", "targets") else column


def _stale_row(error: Stale, lines: list[_Item], targets: list[_Item]) -> tuple[str, int]:
    current = error.current
    if "indicator" in current:
        key = (current.get("indicator"), current.get("unit"))
        found = next((i.row for i in targets if (i.payload["indicator"], i.payload["unit"]) == key), 0)
        return TARGETS, found
    key = tuple(current.get(k) for k in KEYS)
    return LINES, next((i.row for i in lines if tuple(i.payload[k] for k in KEYS) == key), 0)


def _warn_unjustified(session: Session, sub: Submission, lines: list[_Item], ids: list[int],
                      problems: validate.Problems) -> None:
    """A flagged line without a justification blocks the submit later: say so now, at its row."""
    if not ids:
        return
    rows = {tuple(i.payload[k] for k in KEYS): i.row for i in lines}
    least = int(flag_rules.THRESHOLDS["justification_min_chars"])
    annotated = reads.lines_with_flags(session, sub, ids)
    for record in sorted(annotated.to_dict("records"), key=lambda r: rows.get(tuple(r[k] for k in KEYS), 0)):
        codes = list(record.get("flags") or [])
        row = rows.get(tuple(record[k] for k in KEYS))
        if codes and row and not flag_rules.justified(record.get("justification")):
            problems.add(row, "justification", record.get("justification") or "",
                         msg("flag-needs-justification", column="justification", flags=codes, minimum=least),
                         "flag-needs-justification", WARNING)
    problems.close()


class _Rejected(Exception):
    """The file has errors: roll the transaction back."""


def _read_source(source: str | Path | bytes, name: str | None) -> tuple[bytes | None, str, Msg | None]:
    """The file's bytes and its name as shown; no bytes, and why, when it cannot be opened."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        shown = clean.clean_file_name(name or path.name)
        try:
            return path.read_bytes(), shown, None
        except OSError as exc:
            return None, shown, msg("cannot-open-file", error=exc.strerror or str(exc))
    return source, clean.clean_file_name(name or "upload.xlsx"), None


def load_submission_workbook(source: str | Path | bytes, *, actor: Actor, name: str | None = None,
                             url: str | None = None, dry_run: bool = False,
                             sheets: list[Sheet] | None = None) -> SubmissionReport:
    """Check and (unless ``dry_run``) write a filled submission workbook, whole or not at all, with
    the rights of ``actor``. Never raises for a bad file: the report lists its problems, and a
    refused file is written to the audit log (nothing else changes).

    ``sheets`` are the file's sheets when :func:`detect` read them already.
    """
    report = _load_file(source, actor, name, url, dry_run, sheets)
    if report.status == "rejected" and not dry_run:
        _record_rejection(report, actor, url)
    return report


def _load_file(source: str | Path | bytes, actor: Actor, name: str | None, url: str | None, dry_run: bool,
               sheets: list[Sheet] | None) -> SubmissionReport:
    data, shown, unreadable = _read_source(source, name)
    report = SubmissionReport(shown, "rejected", loaded_as=actor.scope.username)
    collector = Collector(shown)
    report.problems = collector.items
    if data is None:
        collector.add("", 0, "", "", unreadable, "unreadable-file")
        return report
    report.checksum = hashlib.sha256(data).hexdigest()
    if sheets is None:
        try:
            sheets = read_file(data, shown)
        except UnreadableFile as exc:
            collector.add(exc.sheet, 0, "", "", exc.said, "unreadable-file")
            return report
    lines_sheet = _named(sheets, LINES)
    layout = _layout(lines_sheet, LINES) if lines_sheet is not None else None
    if layout is None:
        collector.add(lines_sheet.name if lines_sheet else LINES, 0, "", "",
                      msg("no-lines-sheet", sheet=LINES, columns=[*KEYS, "request_YYYY"]), "unknown-kind")
        return report
    report.year = layout.year
    try:
        _load(report, layout, sheets, collector, actor, url, dry_run)
    except DBAPIError as exc:
        log.warning("submission load of %s failed: the database did not answer (%s)", shown, exc.__class__.__name__)
        collector.items.clear()
        collector.add("", 0, "", "", msg("database-unavailable"), "database-unavailable")
        report.status = "failed"
    return report


def _load(report: SubmissionReport, layout: _Layout, sheets: list[Sheet], collector: Collector, actor: Actor,
          url: str | None, dry_run: bool) -> None:
    lines_problems = validate.Problems(collector, layout.sheet.name)
    year = layout.year
    session = new_session(url)
    try:
        found = reads.find_by_year(session, year)
        if found is None:
            lines_problems.add(layout.header.header_row, f"request_{year}", year,
                               msg("no-submission", column=f"request_{year}", year=year), "no-submission")
            lines_problems.close()
            raise _Rejected
        # The submission's row is locked for the whole load (PostgreSQL): no transition or other
        # save can come between the checks below and the write.
        sub = session.scalar(select(Submission).where(Submission.id == found.id).with_for_update())
        report.submission_id = sub.id
        ctx = _context(session, actor.scope, sub)
        refusal = _rights_problem(ctx)
        if refusal:
            lines_problems.add(0, "", sub.status, refusal, "not-permitted")
        validate.check_columns(layout.header, layout.columns, lines_problems)
        _check_years(layout, lines_problems, LINES, year)
        lines = _read_lines(layout, ctx, lines_problems) if not _missing_columns(layout) else []
        lines_problems.close()
        targets: list[_Item] = []
        target_sheet = _named(sheets, TARGETS)
        target_layout = _layout(target_sheet, TARGETS, year) if target_sheet is not None else None
        if target_layout is None and target_sheet is not None and _holds_data(target_sheet):
            # Targets a person filled in, under a header we cannot read, are never dropped silently.
            collector.add(target_sheet.name, 0, "", "",
                          msg("no-targets-header", sheet=target_sheet.name,
                              columns=[*TARGET_KEYS, *(f"target_{y}" for y in (year, year + 1, year + 2))]),
                          "missing-column")
        if target_layout is not None:
            target_problems = validate.Problems(collector, target_sheet.name)
            validate.check_columns(target_layout.header, target_layout.columns, target_problems)
            _check_years(target_layout, target_problems, TARGETS, year)
            if not _missing_columns(target_layout):
                targets = _read_targets(target_layout, ctx, target_problems)
            target_problems.close()
        report.lines, report.targets = len(lines), len(targets)
        report.rows = len(lines) + len(targets)
        if not collector.errors and not lines and not targets:
            collector.add(layout.sheet.name, layout.header.header_row + 1, "", "", msg("no-lines-or-targets"),
                          "empty-sheet")
        if collector.errors:
            raise _Rejected
        _write(session, report, sub, lines, targets, collector, actor, layout.sheet.name)
        if collector.errors:
            raise _Rejected
        if dry_run:
            session.rollback()
            report.status = "valid"
        else:
            actor.record(session, "submission.load", submission=sub.id, year=year, file=report.file,
                         checksum=report.checksum, lines=report.lines, lines_created=report.lines_created,
                         lines_changed=report.lines_changed, targets=report.targets,
                         targets_created=report.targets_created, targets_changed=report.targets_changed)
            session.commit()
            report.status = "loaded"
    except _Rejected:
        session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _holds_data(sheet: Sheet) -> bool:
    return any(not clean.is_blank(cell) for row in sheet.rows for cell in row)


def _missing_columns(layout: _Layout) -> bool:
    return any(c.required and c.name not in layout.header.positions for c in layout.columns) or bool(
        layout.header.repeated) or bool(layout.header.unknown_units)


def _write(session: Session, report: SubmissionReport, sub: Submission, lines: list[_Item], targets: list[_Item],
           collector: Collector, actor: Actor, sheet: str) -> None:
    """The write layer does the writing, and checks everything once more inside it."""
    year = sub.fiscal_year
    try:
        if lines:
            saved = save_lines(session, actor, sub.id, [i.payload for i in lines])
            report.lines_created, report.lines_changed = saved.created, saved.changed
            _warn_unjustified(session, sub, lines, saved.ids, validate.Problems(collector, sheet))
        if targets:
            saved = save_targets(session, actor, sub.id, [i.payload for i in targets])
            report.targets_created, report.targets_changed = saved.created, saved.changed
    except Invalid as error:
        part = TARGETS if error.field in ("indicator", "unit", "targets") or error.field.startswith("target") else LINES
        items = targets if part == TARGETS else lines
        row, column = _where(error, items, year)
        collector.add(part, row, column, "", msg("write-refused", detail=str(error)), "invalid")
    except Stale as error:
        part, row = _stale_row(error, lines, targets)
        collector.add(part, row, "row_version", "",
                      msg("changed-while-loading", column="row_version", user=error.current.get("updated_by")),
                      "stale-line")
    except WrongState as error:
        collector.add(sheet, 0, "", error.status, _read_only(year, error.status), "not-permitted")
    except Forbidden as error:
        collector.add(sheet, 0, "", "", msg("write-forbidden", what=error.what), "forbidden")


def _record_rejection(report: SubmissionReport, actor: Actor, url: str | None) -> None:
    """A refused file is audited (the submission's tables stay as they were)."""
    try:
        with session_scope(url) as session:
            # audit.record, not the actor's: a refusal changes no figure. It is in the submission's
            # history, though, which the submission page shows: that year's cycle is counted.
            audit.record(session, "submission.load_rejected", username=actor.scope.username,
                         user_id=actor.scope.user_id or None, address=actor.address,
                         submission=report.submission_id, year=report.year, file=report.file,
                         checksum=report.checksum, problems=len(report.errors))
            if report.submission_id is not None:
                note_cycle(session, submission_year(session, report.submission_id))
    except DBAPIError as exc:  # the refusal stands; only its audit line is lost
        log.warning("could not audit the refused submission load of %s (%s)", report.file, exc.__class__.__name__)


def load_within_limits(source: str | Path | bytes, *, actor: Actor, name: str | None = None,
                       waiting: Callable[[], None] | None = None, **options) -> SubmissionReport:
    """:func:`load_submission_workbook` in one of the machine's load slots, as every load runs
    (``etl.limits``); running out of memory is a rejection, not a traceback."""
    from etl.limits import load_slot, out_of_memory_params

    shown = clean.clean_file_name(name or (Path(source).name if isinstance(source, (str, Path)) else "upload.xlsx"))
    with load_slot(waiting):
        try:
            return load_submission_workbook(source, actor=actor, name=name, **options)
        except MemoryError:
            log.warning("submission load of %s ran out of memory", shown)
    report = SubmissionReport(shown, "rejected", loaded_as=actor.scope.username)
    report.problems.append(Problem.of(shown, "", 0, "", "", msg("out-of-memory", **out_of_memory_params("workbook")),
                                      "out-of-memory", ERROR))
    return report


# --- who loads ---------------------------------------------------------------------------------------------


class UnknownUser(LookupError):
    """``--as`` names nobody who may act: unknown, disabled, or without a usable role."""


def actor_for(username: str, url: str | None = None, address: str = "") -> Actor:
    """The ``Actor`` of a stored, active user, with the rights that user has on the web."""
    with session_scope(url) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise UnknownUser(f"no user {username!r}")
        if not user.active:
            raise UnknownUser(f"the user {username!r} is disabled")
        try:
            scope = Scope.for_user(user)
        except Forbidden as refusal:
            raise UnknownUser(f"the user {username!r} cannot act: {refusal.what}") from refusal
    return Actor(scope=scope, address=address)


__all__ = ["KIND", "LINES", "TARGETS", "NoSubmission", "SubmissionReport", "UnknownUser", "actor_for", "detect",
           "is_submission_workbook", "line_specs", "load_submission_workbook", "load_within_limits", "system_scope",
           "target_specs", "write_submission_workbook"]
