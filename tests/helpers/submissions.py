"""A submission to work on in the tests: this year's execution loaded, next year's draft opened,
and its workbook written and filled by code as a person fills it in Excel."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import text

from db.engine import get_engine, session_scope
from db.submissions import Actor, act, open_submission, save_lines, set_open_to_provinces
from etl.load import load_file
from etl.submission_workbook import FIRST_ROW, actor_for, write_submission_workbook
from tests.helpers.web import add_people
from tests.helpers.workbooks import exec_row, execution_xlsx

YEAR = 2026
# This year's execution (2025, to June): two provinces and central MoSVY, four clusters, two chapters.
EXECUTION_2025 = [
    exec_row(entity="07", activity="P1.1.1.1", account="6211", revised=1_000_000, paid=500_000),
    exec_row(entity="07", activity="P1.2.1.1", account="6061", revised=2_000_000, paid=1_500_000),
    exec_row(entity="17", activity="P1.1.1.1", account="6211", revised=3_000_000, paid=1_000_000),
    exec_row(entity="00", activity="P2.1.1.1", account="6211", revised=9_000_000, paid=6_000_000),
    exec_row(entity="00", activity="P3.1.1.2", account="6061", revised=4_000_000, paid=2_500_000),
]
# The draft's lines, in the workbook's order (entity, cluster, chapter, source) from row 3.
LINES = [("00", "P2.1.1", "62", "RGC"), ("00", "P3.1.1", "60", "RGC"), ("07", "P1.1.1", "62", "RGC"),
         ("07", "P1.2.1", "60", "RGC"), ("17", "P1.1.1", "62", "RGC")]
COLUMNS = ["entity", "cluster", "economic_code", "funding_source", "revised_2025", "paid_to_date_2025", "as_of",
           "execution_rate", "paid_2024", "flags", "request_2026", "request_2027", "request_2028", "justification",
           "row_version"]


def actor(url: str, username: str) -> Actor:
    return actor_for(username, url)


def open_draft(url: str) -> int:
    """The test people, 2025's execution, and the draft of 2026 opened by the budget unit: its id."""
    add_people(url)
    report = load_file(execution_xlsx(EXECUTION_2025), name="execution-2025-06.xlsx", url=url)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with session_scope(url) as session:
        return open_submission(session, actor(url, "budget"), YEAR).id


def open_to_provinces(url: str, submission_id: int) -> None:
    with session_scope(url) as session:
        set_open_to_provinces(session, actor(url, "budget"), submission_id, True)


def submit(url: str, submission_id: int) -> None:
    with session_scope(url) as session:
        act(session, actor(url, "budget"), submission_id, "submit")


def change_on_the_web(url: str, submission_id: int, key: tuple, request: list[int], who: str = "budget") -> None:
    with session_scope(url) as session:
        save_lines(session, actor(url, who), submission_id, [
            {"entity": key[0], "cluster": key[1], "economic_code": key[2], "funding_source": key[3],
             "request": request}])


def workbook(url: str, username: str | None = None) -> openpyxl.Workbook:
    """The submission workbook of 2026 as ``username`` reads it (everything without one), opened."""
    buffer = io.BytesIO()
    write_submission_workbook(buffer, YEAR, url, actor(url, username).scope if username else None)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def to_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column(name: str, columns: list[str] = COLUMNS) -> int:
    return columns.index(name) + 1


def first_empty_row(sheet) -> int:
    row = FIRST_ROW
    while sheet.cell(row=row, column=1).value not in (None, ""):
        row += 1
    return row


def put(sheet, row: int, **values) -> None:
    """Write cells of ``row`` by column name, as a person types them."""
    columns = [c.value for c in sheet[2]]
    for name, value in values.items():
        sheet.cell(row=row, column=columns.index(name) + 1).value = value  # None empties the cell


def new_line(sheet, entity="07", cluster="P1.1.2", economic_code="60", funding_source="RGC",
             request=(100_000, 110_000, 120_000), justification="A new cluster for the disability census") -> int:
    """Fill the first empty row of ``Lines`` with a new line; its row number."""
    row = first_empty_row(sheet)
    put(sheet, row, entity=entity, cluster=cluster, economic_code=economic_code, funding_source=funding_source,
        request_2026=request[0], request_2027=request[1], request_2028=request[2], justification=justification)
    return row


def stored_lines(url: str) -> dict[tuple, tuple]:
    """(entity, cluster, chapter, source) → (requests, justification, updated_by, row_version)."""
    with get_engine(url).connect() as conn:
        rows = conn.execute(text(
            "SELECT entity_code, cluster_code, economic_code, funding_source, request_y1, request_y2, request_y3, "
            "justification, updated_by, row_version FROM submission_line")).all()
    return {tuple(r[:4]): ((int(r[4]), int(r[5]), int(r[6])), r[7], r[8], r[9]) for r in rows}
