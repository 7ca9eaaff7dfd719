"""The corpus of malformed files: each is rejected with the right place in the message and the
database left exactly as it was (on SQLite and PostgreSQL).

A rejected attempt is recorded in the load history (a batch with status ``rejected`` and its
problems) and in the audit log; every other table must be unchanged.
"""

import io
import zipfile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from etl.load import load_file
from etl.submission_workbook import load_submission_workbook
from tests.etl.crafted import one_sheet, shared_strings
from tests.helpers import submissions as sub
from tests.helpers.database import table_counts
from tests.helpers.workbooks import EXEC_HEADER, IND_HEADER, exec_row, execution_xlsx, indicators_xlsx, xlsx

HISTORY_TABLES = {"load_batch", "audit_log"}


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 300_000_000)
    return buffer.getvalue()


def _with(row, **changes):
    index = {name: i for i, name in enumerate(EXEC_HEADER)}
    row = list(row)
    for name, value in changes.items():
        row[index[name]] = value
    return row


GOOD = exec_row()
GOOD2 = exec_row(account="6061")
TOTAL_WRONG = ["Total", None, None, None, None, None, None, None, None, 2_000_000, 2_000_000, 1_200_000, 999]

# (case id, file name, bytes, sheet, row, column, a fragment of the message)
def _ods() -> bytes:
    """The start of a LibreOffice .ods: a zip whose first entry names its kind."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


CASES = [
    ("negative-amount", "neg.xlsx", execution_xlsx([_with(GOOD, paid=-5)]), "data", 2, "paid",
     "negative amount"),
    ("text-for-number", "text.xlsx", execution_xlsx([_with(GOOD, paid="about a million")]), "data", 2,
     "paid", "is not a number"),
    ("yes-no-for-number", "bool.xlsx", execution_xlsx([_with(GOOD, committed=True)]), "data", 2,
     "committed", "yes/no value"),
    ("empty-amount", "blank.xlsx", execution_xlsx([GOOD, _with(GOOD2, approved=None)]), "data", 3,
     "approved", "approved is empty"),
    ("unknown-entity", "entity.xlsx", execution_xlsx([_with(GOOD, entity="Atlantis")]), "data", 2,
     "entity", "not a known province name"),
    ("unknown-entity-code", "entity99.xlsx", execution_xlsx([_with(GOOD, entity="99")]), "data", 2,
     "entity", "not a known"),
    ("unknown-activity", "act.xlsx", execution_xlsx([_with(GOOD, activity="P1.1.1.9")]), "data", 2,
     "activity", "'P1.1.1.9' is not in the programme structure"),
    ("activity-in-wrong-cluster", "nest.xlsx", execution_xlsx([_with(GOOD, activity="P1.2.1.1")]), "data",
     2, "activity", "belongs to 'P1.2.1', not to 'P1.1.1'"),
    ("unknown-economic-code", "econ.xlsx", execution_xlsx([_with(GOOD, economic_code="9999")]), "data", 2,
     "economic_code", "not in the economic classification"),
    ("unknown-funding-source", "fund.xlsx", execution_xlsx([_with(GOOD, funding_source="World Bank")]),
     "data", 2, "funding_source", "not a funding source"),
    ("impossible-year", "year.xlsx", execution_xlsx([_with(GOOD, fiscal_year=2050, period="2050-06")]),
     "data", 2, "fiscal_year", "from 2015 to 2035"),
    ("impossible-period", "period.xlsx", execution_xlsx([_with(GOOD, period="2025-13")]), "data", 2,
     "period", "there is no month 13"),
    ("period-outside-year", "outside.xlsx", execution_xlsx([_with(GOOD, period="2024-06")]), "data", 2,
     "period", "outside fiscal year 2025"),
    ("duplicate-key", "dup.xlsx", execution_xlsx([GOOD, GOOD2, _with(GOOD, paid=7)]), "data", 4, "funding_source",
     "same year, period, entity, activity, economic code and funding source as row 2"),
    ("totals-mismatch", "total.xlsx", execution_xlsx([GOOD, GOOD2, TOTAL_WRONG]), "data", 4, "paid",
     "the totals row says 999 but the rows add up to 1,000,000"),
    ("error-cell", "ref.xlsx", execution_xlsx([GOOD], errors={"M2": "#REF!"}), "data", 2, "paid", "#REF!"),
    ("div0-cell", "div0.xlsx", execution_xlsx([GOOD], errors={"J2": "#DIV/0!"}), "data", 2, "approved",
     "#DIV/0!"),
    ("missing-column", "nocol.xlsx", xlsx([EXEC_HEADER[:-1], GOOD[:-1]]), "data", 1, "paid",
     "required column paid is missing"),
    ("unknown-unit", "unit.xlsx", execution_xlsx([GOOD], header=EXEC_HEADER[:-1] + ["paid (USD)"]), "data", 1,
     "paid", "unknown unit 'usd'"),
    ("header-without-rows", "hdr.xlsx", execution_xlsx([]), "data", 2, "", "no data rows"),
    ("no-header", "nohdr.xlsx", xlsx([["a report"], ["with", "no", "table"]]), "data", 0, "",
     "no header row"),
    ("empty-file", "empty.xlsx", b"", "", 0, "", "the file is empty"),
    ("not-a-workbook", "notes.xlsx", b"just some text, not a workbook", "", 0, "", "not an Excel workbook"),
    ("old-xls", "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "", 0, "", "save the file as .xlsx"),
    ("zip-bomb", "bomb.xlsx", _zip_bomb(), "", 0, "", "zip bomb"),
    ("csv-not-utf8", "latin.csv", ",".join(EXEC_HEADER).encode() + b"\n2025,2025-06,Kamp\xf4t\n", "", 0, "",
     "not UTF-8 text (byte 153 is not UTF-8), so Khmer letters cannot be read from it: save it again as "
     "UTF-8: in LibreOffice, Save As 'Text CSV' with the character set 'Unicode (UTF-8)'; in Excel, Save As "
     "'CSV UTF-8 (Comma delimited)'"),
    # What Windows-1252 writes for Khmer letters it does not have: question marks.
    ("csv-khmer-lost-to-a-legacy-encoding", "kampot.csv",
     (",".join(EXEC_HEADER) + "\n2025,2025-06,????? ????,P1,P1.1,P1.1.1,P1.1.1.1,6211,RGC,1,1,1,1\n").encode(),
     "kampot", 0, "", "row 2 holds '????? ????' where there was text: the file was saved in an encoding "
     "without Khmer letters"),
    ("opendocument-spreadsheet", "report.ods", _ods(), "", 0, "",
     "the file is an OpenDocument spreadsheet (.ods): in LibreOffice, use File > Save As and choose "
     "'Excel 2007-365 (.xlsx)'"),
    ("unknown-indicator", "ind.xlsx", indicators_xlsx([[2025, "2025-06", "07", "NOPE", None, 10, 5]]),
     "data", 2, "indicator", "not in the indicator catalogue"),
    ("unknown-commune", "commune.xlsx", indicators_xlsx([[2025, "2025-06", "079999", "FP_PW", None, 10, 5]]),
     "data", 2, "unit", "not a known"),
    ("target-text", "target.xlsx", indicators_xlsx([[2025, "2025-06", "07", "FP_OLD", None, "many", 5]]),
     "data", 2, "target", "'many' is not a number"),
    ("target-missing", "notarget.xlsx", indicators_xlsx([[2025, "2025-06", "07", "FP_OLD", None, None, 5]]),
     "data", 2, "target", "target is empty"),
    ("duplicate-indicator", "dupind.xlsx", indicators_xlsx([[2025, "2025-Q2", "07", "FP_OLD", None, 10, 5],
                                                             [2025, "2025-06", "07", "FP_OLD", None, 11, 6]]),
     "data", 3, "indicator_code", "same year, period, unit and indicator as row 2"),
    ("ratio-without-parts", "catalogue.xlsx",
     xlsx([["code", "name_en", "name_km", "unit", "programme", "level", "direction", "aggregation",
            "numerator", "denominator"],
           ["NEW_RATIO", "A ratio", "ផលធៀប", "%", "P1.1", "outcome", "increase", "ratio", "FP_PW", ""]],
          sheet="indicators"), "indicators", 2, "denominator", "needs a known denominator"),
    ("programme-parent-wrong-level", "structure.xlsx",
     xlsx([["code", "parent", "level", "name_en", "name_km"],
           ["P1.9", "P1.1", "subprogramme", "Misplaced", "ខុស"]], sheet="programmes"),
     "programmes", 2, "parent", "must be a programme"),
    # Crafted to make the reader allocate the rectangle between two cells (4.2 GB for A1:XFD8000).
    ("sheet-too-wide", "wide.xlsx", one_sheet({"A1": "fiscal_year", "XFD8000": 1}, "A1:XFD8000"), "data", 0, "",
     "sheet 'data' spans A1:XFD8000; at most 100 columns are read"),
    ("sheet-widest-possible", "widest.xlsx", one_sheet({"A1": 1, "XFD1048576": 1}, "A1:XFD1048576"), "data", 0, "",
     "sheet 'data' spans A1:XFD1048576; at most 100 columns are read"),
    ("sheet-dimension-lies", "liar.xlsx", one_sheet({"A1": 1, "XFD8000": 1}, "A1:B2"), "data", 0, "",
     "sheet 'data' spans A1:XFD8000; at most 100 columns are read"),
    ("sheet-without-dimension", "nodim.xlsx", one_sheet({"A1": 1, "xfd8000": 1}), "data", 0, "",
     "sheet 'data' spans A1:XFD8000; at most 100 columns are read"),
    ("sheet-too-long", "long.xlsx", one_sheet({"A1": 1, "A2000000": 1}), "data", 0, "",
     "sheet 'data' spans A1:A2000000; at most 1,048,576 rows are read"),
    ("sheet-too-many-cells", "area.xlsx", one_sheet({"A1": 1, "Z1000000": 1}), "data", 0, "",
     "sheet 'data' spans A1:Z1000000, 26,000,000 cells; at most 25,000,000 cells are read"),
    ("shared-strings-count-lie", "count.xlsx",
     one_sheet({"A1": 1}, shared_strings=shared_strings(["a"], 4_000_000_000)), "", 0, "",
     "the shared strings part xl/sharedStrings.xml declares 4,000,000,000 strings in 176 bytes: "
                "refused as a malformed workbook"),
    ("csv-too-wide", "wide.csv", (",".join(EXEC_HEADER) + "\n" + "1," * 150 + "\n").encode(), "wide", 0, "",
     "row 2 has 151 columns; at most 100 columns are read"),
]


@pytest.mark.parametrize(("case", "name", "data", "sheet", "row", "column", "fragment"), CASES,
                         ids=[c[0] for c in CASES])
def test_malformed_file_is_rejected_precisely_and_changes_nothing(ref_db, case, name, data, sheet, row,
                                                                  column, fragment):
    before = table_counts(ref_db)
    report = load_file(data, name=name, url=ref_db)
    assert report.status == "rejected", case
    matching = [p for p in report.errors
                if p.sheet == sheet and p.row == row and p.column == column and fragment in p.message]
    assert matching, [p.render() for p in report.problems]
    line = matching[0].render()
    assert line.startswith(f"{name}:{sheet}:{row or ''}:{column}: ")
    after = table_counts(ref_db)
    assert {t: n for t, n in after.items() if t not in HISTORY_TABLES} == \
           {t: n for t, n in before.items() if t not in HISTORY_TABLES}
    assert after["load_batch"] == before["load_batch"] + 1  # the attempt is in the history


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 25
    assert IND_HEADER[0] == "fiscal_year"


def test_every_problem_of_a_file_is_reported_not_only_the_first(ref_db):
    rows = [_with(GOOD, paid=-1), _with(GOOD2, entity="Atlantis"), _with(exec_row(activity="P1.2.1.1",
                                                                                   account="6061"), period="x")]
    report = load_file(execution_xlsx(rows), name="many.xlsx", url=ref_db)
    places = {(p.row, p.column) for p in report.errors}
    assert {(2, "paid"), (3, "entity"), (4, "period")} <= places


def test_a_utf16_csv_as_excel_saves_unicode_text_loads(ref_db):
    # Excel's "Unicode Text" is UTF-16 with a byte order mark: unambiguous, so it is read.
    text = "\t".join(EXEC_HEADER) + "\n" + "\t".join(str(v) for v in _with(GOOD, entity="ខេត្តកំពត")) + "\n"
    report = load_file(text.encode("utf-16"), name="kampot.csv", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]


def test_question_marks_inside_text_are_not_taken_for_lost_letters(ref_db):
    rows = [IND_HEADER + ["note"], [2025, "2025-06", "07", "FP_PW", None, 10, 5, "late?? checked twice"]]
    data = "\n".join(",".join("" if v is None else str(v) for v in r) for r in rows).encode()
    report = load_file(data, name="notes.csv", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]


def test_a_workbook_with_a_second_sheet_of_data_is_refused_not_loaded_in_part(ref_db):
    # Kampot on one sheet, Siem Reap on another: loading the first alone would load part of the file.
    book = openpyxl.Workbook()
    kampot = book.active
    kampot.title = "Kampot"
    siem_reap = book.create_sheet("Siem Reap")
    for sheet, entity in ((kampot, "07"), (siem_reap, "17")):
        sheet.append(EXEC_HEADER)
        sheet.append(exec_row(entity=entity))
    buffer = io.BytesIO()
    book.save(buffer)
    before = table_counts(ref_db)
    report = load_file(buffer.getvalue(), name="two-provinces.xlsx", url=ref_db)
    assert report.status == "rejected"
    [problem] = report.errors
    assert problem.render() == (
        "two-provinces.xlsx:Siem Reap::: this sheet holds execution rows too, but a file is loaded from one "
        "sheet ('Kampot'): move its rows to that sheet, or load it as a file of its own")
    after = table_counts(ref_db)
    assert {t: n for t, n in after.items() if t not in HISTORY_TABLES} == \
           {t: n for t, n in before.items() if t not in HISTORY_TABLES}


# --- submission workbooks: the same reading and cleaning, with the rights of the person who loads ------
# Each case starts from the workbook of the draft of 2026 (tests.helpers.submissions) as ``reader``
# reads it, runs ``prepare`` on the database, changes the workbook as a person would, and loads it
# as ``user``. A refused file changes no table; the attempt is written to the audit log.

KAMPOT_ROW, NEW_ROW = 5, 8  # Kampot's transfers; the first empty row below the five lines


def _put(row: int, **values):
    return lambda book: sub.put(book["Lines"], row, **values)


def _new_line(**values):
    return lambda book: sub.new_line(book["Lines"], **values)


def _header(old: str, new: str):
    def change(book):
        sheet = book["Lines"]
        next(c for c in sheet[2] if c.value == old).value = new
    return change


def _years(first: int):
    def change(book):
        for offset in range(3):
            _header(f"request_{2026 + offset}", f"request_{first + offset}")(book)
    return change


def _error_cell(book):
    book["Lines"][f"{get_column_letter(sub.column('request_2026'))}{KAMPOT_ROW}"] = "#REF!"


def _target(row: int, **values):
    def change(book):
        sheet = book["Targets"]
        columns = [c.value for c in sheet[2]]
        for name, value in values.items():
            sheet.cell(row=row, column=columns.index(name) + 1).value = value
    return change


def _new_target(book):
    sheet = book["Targets"]
    _target(sub.first_empty_row(sheet), indicator="NOPE", unit="07", target_2026=10)(book)


def _target_headers_renamed(book):
    for cell in book["Targets"][2]:
        if str(cell.value).startswith("target_"):
            cell.value = f"goal {cell.value.removeprefix('target_')}"


def _web_change_by_director(url: str, submission_id: int) -> None:
    sub.open_to_provinces(url, submission_id)
    sub.change_on_the_web(url, submission_id, sub.LINES[2], [1_200_000] * 3, who="director07")


def _nothing(_url: str, _id: int) -> None:
    return None


# (case, reader of the workbook, loader, prepare, change, sheet, row, column, fragment of the message)
SUBMISSION_CASES = [
    ("unknown-cluster", None, "budget", _nothing, _new_line(cluster="P9.9.9"), "Lines", NEW_ROW, "cluster",
     "cluster: 'P9.9.9' is not in the programme structure"),
    ("activity-for-cluster", None, "budget", _nothing, _new_line(cluster="P1.1.1.1"), "Lines", NEW_ROW, "cluster",
     "cluster: 'P1.1.1.1' is an activity; a line is per activity cluster (here 'P1.1.1')"),
    ("account-for-chapter", None, "budget", _nothing, _new_line(economic_code=6211), "Lines", NEW_ROW,
     "economic_code", "economic_code: '6211' is an account of chapter '62'; a line is per chapter"),
    ("unknown-entity", None, "budget", _nothing, _new_line(entity="Atlantis"), "Lines", NEW_ROW, "entity",
     "entity: 'Atlantis' is not a known province name or code"),
    ("unknown-funding-source", None, "budget", _nothing, _new_line(funding_source="World Bank"), "Lines", NEW_ROW,
     "funding_source", "funding_source: 'World Bank' is not a funding source (RGC or DP)"),
    ("negative-request", None, "budget", _nothing, _put(KAMPOT_ROW, request_2026=-5), "Lines", KAMPOT_ROW,
     "request_2026", "request_2026: a negative amount (-5) is not accepted"),
    ("text-for-request", None, "budget", _nothing, _put(KAMPOT_ROW, request_2027="about a billion"), "Lines",
     KAMPOT_ROW, "request_2027", "request_2027: 'about a billion' is not a number"),
    ("empty-request", None, "budget", _nothing, _put(KAMPOT_ROW, request_2028=None), "Lines", KAMPOT_ROW,
     "request_2028", "request_2028 is empty"),
    ("error-cell-request", None, "budget", _nothing, _error_cell, "Lines", KAMPOT_ROW, "request_2026",
     "request_2026: the cell holds the error #REF! (a broken formula)"),
    ("request-beyond-any-budget", None, "budget", _nothing, _put(KAMPOT_ROW, request_2026=10**16), "Lines",
     KAMPOT_ROW, "request_2026", "beyond any plausible amount"),
    ("duplicate-line", None, "budget", _nothing, _new_line(entity="07", cluster="P1.1.1", economic_code="62"),
     "Lines", NEW_ROW, "funding_source",
     "the same entity, cluster, economic code and funding source as row 5 (a line twice)"),
    ("another-province-s-line", "director07", "director07", lambda url, i: sub.open_to_provinces(url, i),
     _new_line(entity="17"), "Lines", 5, "entity",
     "entity: director07 may write the lines and targets of province 07 only, not of 17"),
    ("submitted-is-read-only", None, "budget", sub.submit, _put(KAMPOT_ROW, request_2026=1), "Lines", 0, "",
     "the submission of 2026 is submitted: it is read-only until MEF returns it"),
    ("draft-closed-to-provinces", "director07", "director07", _nothing, _put(3, request_2026=1), "Lines", 0, "",
     "the draft of 2026 is not open to provinces: director07 may change its lines once the budget unit opens it"),
    ("reviewer-writes-no-line", None, "reviewer", _nothing, _put(KAMPOT_ROW, request_2026=1), "Lines", 0, "",
     "reviewer (mef_reviewer) may not change a submission"),
    ("changed-by-someone-else", None, "budget", _web_change_by_director, _put(KAMPOT_ROW, request_2026=2_000_000),
     "Lines", KAMPOT_ROW, "row_version", "row_version: this line was changed by director07 on "),
    ("justification-too-long", None, "budget", _nothing, _put(KAMPOT_ROW, justification="x" * 4001), "Lines",
     KAMPOT_ROW, "justification", "justification: at most 4,000 characters, not 4,001"),
    ("totals-row-mismatch", None, "budget", _nothing, _put(NEW_ROW, entity="Total", request_2026=1), "Lines",
     NEW_ROW, "request_2026", "request_2026: the totals row says 1 but the rows add up to 19,000,000"),
    ("missing-request-column", None, "budget", _nothing, _header("request_2028", "notes"), "Lines", 2,
     "request_2028", "the required column request_2028 is missing from the header row"),
    ("unknown-unit-in-header", None, "budget", _nothing, _header("request_2026", "request_2026 (USD)"), "Lines", 2,
     "request_2026", "request_2026: unknown unit 'usd' in the header"),
    ("year-without-submission", None, "budget", _nothing, _years(2027), "Lines", 2, "request_2027",
     "request_2027: there is no submission for 2027"),
    ("unknown-indicator", None, "budget", _nothing, _new_target, "Targets", None, "indicator",
     "indicator: 'NOPE' is not in the indicator catalogue"),
    ("negative-target", None, "budget", _nothing, _target(3, target_2026=-1), "Targets", 3, "target_2026",
     "target_2026: a target is not negative (-1)"),
    ("targets-without-their-header", None, "budget", _nothing, _target_headers_renamed, "Targets", 0, "",
     "the sheet 'Targets' holds cells but no header row of targets (indicator, unit, target_2026, target_2027, "
     "target_2028) was found"),
]


@pytest.fixture
def submission_draft(ref_db):
    return ref_db, sub.open_draft(ref_db)


@pytest.mark.parametrize(("case", "reader", "user", "prepare", "change", "sheet", "row", "column", "fragment"),
                         SUBMISSION_CASES, ids=[c[0] for c in SUBMISSION_CASES])
def test_malformed_submission_workbook_is_rejected_precisely_and_changes_nothing(
        submission_draft, case, reader, user, prepare, change, sheet, row, column, fragment):
    url, submission_id = submission_draft
    book = sub.workbook(url, reader)
    prepare(url, submission_id)
    change(book)
    if row is None:  # the first empty row of the sheet, where the change was made
        row = sub.first_empty_row(book[sheet]) - 1
    name = f"{case}.xlsx"
    before = table_counts(url)
    report = load_submission_workbook(sub.to_bytes(book), name=name, url=url, actor=sub.actor(url, user))
    assert report.status == "rejected", case
    matching = [p for p in report.errors
                if p.sheet == sheet and p.row == row and p.column == column and fragment in p.message]
    assert matching, [p.render() for p in report.problems]
    assert matching[0].render().startswith(f"{name}:{sheet}:{row or ''}:{column}: ")
    after = table_counts(url)
    assert {t: n for t, n in after.items() if t != "audit_log"} == \
           {t: n for t, n in before.items() if t != "audit_log"}
    assert after["audit_log"] == before["audit_log"] + 1  # the refused attempt, and nothing else


def test_the_submission_corpus_is_large_enough():
    assert len(SUBMISSION_CASES) >= 10
