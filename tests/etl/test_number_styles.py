"""Numbers written as text the English way or the Khmer way, read as the user meant them.

LibreOffice in Khmer regional settings saves ``1.200.000.000`` and ``42,5``. Read the English way,
``850.000`` was 850 riels without a word. Each file's style is decided by its unambiguous values;
an ambiguous value in a file that shows no style is refused with both readings.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text

from db.engine import get_engine
from etl.load import load_file
from tests.helpers.database import table_counts
from tests.helpers.workbooks import EXEC_HEADER, IND_HEADER, exec_row, xlsx

KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")

# (approved, revised, committed, paid) as a ministry user types them, and what they mean.
STYLES = {
    "english": (["1,200,000,000", "1,200,000,000", "850,000", "640,000.5"], ","),
    "khmer": (["1.200.000.000", "1.200.000.000", "850.000", "640.000,5"], ";"),
}
MEANT = (1_200_000_000, 1_200_000_000, 850_000, 640_000)  # 640,000.5 riels are stored whole


def _as_text_cells(values: list[str], digits: str) -> list[str]:
    return [v.translate(KHMER_DIGITS) if digits == "khmer" else v for v in values]


def _file(rows: list[list], form: str, delimiter: str) -> tuple[bytes, str]:
    if form == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows(rows)  # quotes "1,200" as a spreadsheet does
        return ("\ufeff" + buffer.getvalue()).encode(), "kampot.csv"
    return xlsx(rows), "kampot.xlsx"


def _amounts(url: str) -> tuple[int, ...]:
    with get_engine(url).connect() as conn:
        return tuple(conn.execute(text("SELECT approved, revised, committed, paid FROM budget_fact")).one())


@pytest.mark.parametrize("form", ["csv", "xlsx"])
@pytest.mark.parametrize("digits", ["latin", "khmer"])
@pytest.mark.parametrize("style", ["english", "khmer"])
def test_amounts_are_read_in_the_files_own_style(ref_db, style, digits, form):
    values, delimiter = STYLES[style]
    row = exec_row()[:9] + _as_text_cells(values, digits)
    data, name = _file([EXEC_HEADER, row], form, delimiter)
    report = load_file(data, name=name, url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    approved, revised, committed, paid = _amounts(ref_db)
    assert (approved, revised, committed) == MEANT[:3]
    assert paid in (640_000, 640_001)  # half a riel, rounded either way, never 640


@pytest.mark.parametrize("form", ["csv", "xlsx"])
@pytest.mark.parametrize("digits", ["latin", "khmer"])
def test_an_indicator_target_in_the_khmer_style_is_not_divided_by_a_thousand(ref_db, digits, form):
    rows = [IND_HEADER,
            [2025, "2025-06", "07", "FP_PW", None, *_as_text_cells(["8.700", "42,5"], digits)],
            [2025, "2025-06", "17", "FP_PW", None, *_as_text_cells(["1.250", "1.100"], digits)]]
    data, name = _file(rows, form, ";")
    report = load_file(data, name=name, url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with get_engine(ref_db).connect() as conn:
        values = dict(conn.execute(text("SELECT unit_code, target FROM indicator_value")).all())
        actual = conn.execute(text("SELECT actual FROM indicator_value WHERE unit_code = '07'")).scalar_one()
    assert values == {"07": 8700, "17": 1250} and actual == 42.5


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_an_ambiguous_amount_with_nothing_else_to_go_on_is_refused_with_both_readings(ref_db, form):
    row = exec_row()[:9] + ["850.000", "850.000", "640.000", "38.500"]
    data, name = _file([EXEC_HEADER, row], form, ";")
    before = table_counts(ref_db)
    report = load_file(data, name=name, url=ref_db)
    assert report.status == "rejected"
    problem = next(p for p in report.problems if p.column == "approved")
    assert problem.row == 2 and problem.value == "850.000"
    assert "'850.000' could be 850 (a dot before decimals) or 850000 (a dot between thousands)" in problem.message
    assert "write 850000 or 850 without separators" in problem.message
    after = table_counts(ref_db)
    assert {k: v for k, v in after.items() if k not in ("load_batch", "audit_log")} == \
        {k: v for k, v in before.items() if k not in ("load_batch", "audit_log")}


def test_one_unambiguous_value_anywhere_in_the_file_decides_every_column(ref_db):
    # The first row alone is ambiguous; the second row's paid shows the Khmer style.
    rows = [EXEC_HEADER,
            exec_row(activity="P1.1.1.1")[:9] + ["850.000", "850.000", "640.000", "500.000"],
            exec_row(activity="P1.1.1.2")[:9] + ["900.000", "900.000", "640.000", "12.345,5"]]
    data, name = _file(rows, "csv", ";")
    report = load_file(data, name=name, url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with get_engine(ref_db).connect() as conn:
        approved = sorted(conn.execute(text("SELECT approved FROM budget_fact")).scalars())
    assert approved == [850_000, 900_000]


def test_a_file_that_mixes_the_two_styles_is_refused_at_the_other_style(ref_db):
    rows = [EXEC_HEADER,
            exec_row(activity="P1.1.1.1")[:9] + ["1,200,000", "1,200,000", "640,000", "500,000.5"],
            exec_row(activity="P1.1.1.2")[:9] + ["1.200.000", "1.200.000", "640.000", "500.000"]]
    data, name = _file(rows, "csv", ";")
    report = load_file(data, name=name, url=ref_db)
    assert report.status == "rejected"
    problem = next(p for p in report.problems if p.row == 3)
    assert problem.column == "approved" and problem.value == "1.200.000"
    assert "written the Khmer way" in problem.message and "this file writes numbers the English way" in problem.message


@pytest.mark.parametrize(("cell", "meant"), [
    ("1,234", 1234), ("1,234,567.5", 1234567.5), ("0.750", 0.75), ("42.5", 42.5), ("12", 12),
    ("1 200 000", 1200000), ("(1,234)", -1234), ("១,២០០.៥", 1200.5),
])
def test_english_numbers_that_were_right_stay_right(cell, meant):
    from etl.clean import number

    assert number(cell) == meant


@pytest.mark.parametrize(("typed", "convention", "riels"), [
    ("1.2 bn", None, 1_200_000_000), ("4.1 bn", None, 4_100_000_000), ("850k", None, 850_000),
    ("3 លាន", None, 3_000_000), ("៣លាន", None, 3_000_000), ("1,5 ពាន់លាន", "km", 1_500_000_000),
    ("១.២០០.០០០", "km", 1_200_000), ("1.200", "km", 1_200), ("1.200", "en", 1.2), ("1,200", "en", 1_200),
])
def test_an_amount_typed_into_a_grid_is_read_like_a_cell(typed: str, convention: str | None, riels: float) -> None:
    from etl.clean import typed_amount

    assert typed_amount(typed, convention) == riels


@pytest.mark.parametrize(("typed", "says"), [("abc", "is not a number"), ("12 xyz", "'xyz' is not a scale"),
                                             ("1.200", "could be 1.2")])
def test_an_amount_that_cannot_be_read_says_why(typed: str, says: str) -> None:
    from etl.clean import CellError, typed_amount

    with pytest.raises(CellError) as refused:
        typed_amount(typed)
    assert says in refused.value.at("2026").text("en")
    assert refused.value.at("2026").text("km").startswith("2026៖")
