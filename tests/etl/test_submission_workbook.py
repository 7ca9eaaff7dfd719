"""The submission's workbook both ways: written for a year (``python -m etl template submission``),
filled in as a person fills it in Excel, loaded back as a user (``python -m etl load --as``, the
Data page) with that user's rights, whole or not at all, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import text

from db.engine import get_engine, session_scope
from etl.submission_workbook import (
    LINES,
    TARGETS,
    detect,
    load_submission_workbook,
    write_submission_workbook,
)
from tests.etl.test_demo_and_cli import run
from tests.helpers import submissions as s
from tests.helpers.database import table_counts
from tests.helpers.web import run_background, upload_payload

AUDIT = {"audit_log"}


@pytest.fixture
def draft(ref_db):
    """(database URL, submission id) of the draft of 2026 over 2025's execution."""
    return ref_db, s.open_draft(ref_db)


def _unchanged_but_audit(before: dict, after: dict) -> None:
    assert {t: n for t, n in after.items() if t not in AUDIT} == {t: n for t, n in before.items() if t not in AUDIT}
    assert after["audit_log"] == before["audit_log"] + 1  # the refused attempt is audited


def _audit_actions(url: str) -> list[str]:
    with get_engine(url).connect() as conn:
        return list(conn.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars())


# --- the workbook as written ----------------------------------------------------------------------------


def test_the_workbook_holds_the_lines_beside_last_year_locked_and_grey_with_dropdowns(draft, tmp_path):
    url, _ = draft
    path = tmp_path / "submission-2026.xlsx"
    result = run(["template", "submission", str(path), "--year", "2026"], url)
    assert result.returncode == 0, result.stderr
    assert "the submission of 2026, 5 line(s)" in result.stdout
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [LINES, TARGETS, "Instructions", "lists"]
    assert book["lists"].sheet_state == "hidden"
    lines = book[LINES]
    assert [c.value for c in lines[2]] == s.COLUMNS
    keys = [tuple(c.value for c in row[:4]) for row in lines.iter_rows(min_row=3, max_row=7)]
    assert keys == s.LINES
    kampot = {c: lines.cell(row=5, column=s.column(c)).value for c in s.COLUMNS}
    assert kampot["revised_2025"] == 1_000_000 and kampot["paid_to_date_2025"] == 500_000
    assert kampot["as_of"] == "2025-06" and kampot["execution_rate"] == pytest.approx(0.5)
    assert kampot["request_2026"] == kampot["request_2027"] == 1_000_000 and kampot["row_version"] == 1
    # Locked and grey: keys and last year's figures; open and white: the requests and justification.
    assert lines.protection.sheet is True
    for name in ("entity", "revised_2025", "paid_to_date_2025", "execution_rate", "paid_2024", "flags",
                 "row_version"):
        cell = lines.cell(row=5, column=s.column(name))
        assert cell.protection.locked and cell.fill.fgColor.rgb.endswith("D9D9D9"), name
    for name in ("request_2026", "request_2027", "request_2028", "justification"):
        cell = lines.cell(row=5, column=s.column(name))
        assert not cell.protection.locked and cell.fill.fill_type is None, name
    # An empty row below the lines takes a new line: its keys are open, with dropdowns.
    assert not lines.cell(row=8, column=s.column("cluster")).protection.locked
    assert lines.cell(row=8, column=s.column("paid_2024")).protection.locked
    rules = {str(r).split(":")[0]: v for v in lines.data_validations.dataValidation for r in v.sqref.ranges}
    assert {"A8", "B8", "C8", "D8"} <= set(rules)
    store = book["lists"]
    chapters = [c.value for c in store[get_letter(store, "economic_code")][1:] if c.value]
    assert chapters == ["60", "62", "64"]  # chapters only: a line is per chapter
    assert [c.value for c in book[TARGETS][2]] == ["indicator", "unit", "baseline", "target_2026", "target_2027",
                                                   "target_2028", "row_version"]
    words = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    assert "Fill the white cells" in words and "សូមបំពេញក្រឡាពណ៌ស" in words
    assert "more_while_underspending" in words and "ស្នើច្រើនជាង ខណៈចំណាយតិច" in words


def get_letter(sheet, header: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(c.column for c in sheet[1] if c.value == header))


def test_a_year_without_a_submission_or_without_year_is_a_usage_error(draft, tmp_path):
    url, _ = draft
    missing = run(["template", "submission", str(tmp_path / "x.xlsx"), "--year", "2027"], url)
    assert missing.returncode == 2 and "there is no submission for 2027" in missing.stderr
    assert run(["template", "submission", str(tmp_path / "x.xlsx")], url).returncode == 2
    assert run(["template", "execution", str(tmp_path / "x.xlsx"), "--year", "2026"], url).returncode == 2
    assert not (tmp_path / "x.xlsx").exists()


# --- the round trip ---------------------------------------------------------------------------------------


def test_filled_in_and_loaded_as_the_budget_unit_the_lines_change(draft, tmp_path):
    url, submission_id = draft
    path = tmp_path / "submission-2026.xlsx"
    assert run(["template", "submission", str(path), "--year", "2026"], url).returncode == 0
    book = openpyxl.load_workbook(path)
    lines = book[LINES]
    # Kampot's transfers: more, in text the English way and in Khmer digits, with a reason.
    s.put(lines, 5, request_2026="1,250,000", request_2027="១៣០០០០០", request_2028=1_400_000.4,
          justification="More families registered in 2025 than planned")
    new_row = s.new_line(lines)  # a line for a cluster that had no money last year
    targets = book[TARGETS]
    targets.cell(row=3, column=4, value=999)
    target_key = (targets.cell(row=3, column=1).value, targets.cell(row=3, column=2).value)
    book.save(path)

    before = s.stored_lines(url)
    result = run(["load", str(path), "--as", "budget"], url)
    assert result.returncode == 0, result.stderr
    assert "loaded the submission of 2026 as budget: 6 line(s) (1 new, 1 changed)" in result.stdout
    after = s.stored_lines(url)
    kampot = ("07", "P1.1.1", "62", "RGC")
    assert after[kampot][:3] == ((1_250_000, 1_300_000, 1_400_000), "More families registered in 2025 than planned",
                                 "budget")
    assert after[kampot][3] == before[kampot][3] + 1
    assert after[("07", "P1.1.2", "60", "RGC")][:3] == ((100_000, 110_000, 120_000),
                                                         "A new cluster for the disability census", "budget")
    assert {k: v for k, v in after.items() if k not in (kampot, ("07", "P1.1.2", "60", "RGC"))} == \
           {k: v for k, v in before.items() if k != kampot}
    with get_engine(url).connect() as conn:
        target = conn.execute(text("SELECT target_y1, updated_by FROM submission_target WHERE indicator_code = :i "
                                   "AND unit_code = :u"), {"i": target_key[0], "u": target_key[1]}).one()
    assert (target[0], target[1]) == (999, "budget")
    actions = _audit_actions(url)
    assert actions.count("submission.line") == 2 and actions[-1] == "submission.load"
    assert new_row == 8
    # The same file again: nothing to change, nothing stale (its versions are older, its values the same).
    again = run(["load", str(path), "--as", "budget"], url)
    assert again.returncode == 0, again.stderr
    assert "(0 new, 0 changed)" in again.stdout
    assert s.stored_lines(url) == after


def test_a_director_s_workbook_with_another_province_s_line_is_refused_whole(draft):
    url, submission_id = draft
    s.open_to_provinces(url, submission_id)
    book = s.workbook(url, "director07")
    lines = book[LINES]
    assert [tuple(c.value for c in row[:4]) for row in lines.iter_rows(min_row=3, max_row=4)] == s.LINES[2:4]
    assert lines.cell(row=5, column=1).value is None  # his province's lines only
    s.put(lines, 3, request_2026=1_100_000)  # his own line: fine alone
    row = s.new_line(lines, entity="17")
    before = table_counts(url)
    report = load_submission_workbook(s.to_bytes(book), name="kampot.xlsx", url=url, actor=s.actor(url, "director07"))
    assert report.status == "rejected"
    assert [p.render() for p in report.errors] == [
        f"kampot.xlsx:Lines:{row}:entity: entity: director07 may write the lines and targets of province 07 only, "
        "not of 17"]
    _unchanged_but_audit(before, table_counts(url))
    assert _audit_actions(url)[-1] == "submission.load_rejected"
    # Without the other province's line, the director's change is his to make.
    s.put(lines, row, entity=None, cluster=None, economic_code=None, funding_source=None, request_2026=None,
          request_2027=None, request_2028=None, justification=None)
    loaded = load_submission_workbook(s.to_bytes(book), name="kampot.xlsx", url=url, actor=s.actor(url, "director07"))
    assert loaded.status == "loaded", [p.render() for p in loaded.problems]
    assert s.stored_lines(url)[s.LINES[2]][0][0] == 1_100_000
    assert s.stored_lines(url)[s.LINES[2]][2] == "director07"


def test_a_submitted_submission_is_refused_with_exit_1_and_nothing_changes(draft, tmp_path):
    url, submission_id = draft
    book = s.workbook(url)
    s.put(book[LINES], 3, request_2026=12_000_000)
    path = tmp_path / "late.xlsx"
    book.save(path)
    s.submit(url, submission_id)
    before = table_counts(url)
    result = run(["load", str(path), "--as", "budget"], url)
    assert result.returncode == 1
    assert "late.xlsx:Lines::: the submission of 2026 is submitted: it is read-only until MEF returns it" in \
        result.stderr.splitlines()
    assert "late.xlsx: rejected with 1 problem(s); nothing written" in result.stdout
    _unchanged_but_audit(before, table_counts(url))


def test_as_is_required_and_must_name_an_active_user(draft, tmp_path):
    url, _ = draft
    path = tmp_path / "s.xlsx"
    path.write_bytes(s.to_bytes(s.workbook(url)))
    before = table_counts(url)
    missing = run(["load", str(path)], url)
    assert missing.returncode == 2 and "add --as USER" in missing.stderr
    nobody = run(["load", str(path), "--as", "nobody"], url)
    assert nobody.returncode == 2 and "--as: no user 'nobody'" in nobody.stderr
    from auth.users import set_active

    with session_scope(url) as session:
        set_active(session, "director17", False, by="admin")
    before = table_counts(url)
    disabled = run(["load", str(path), "--as", "director17"], url)
    assert disabled.returncode == 2 and "the user 'director17' is disabled" in disabled.stderr
    assert table_counts(url) == before
    # The reviewer exists and is active, but changes no submission: the file is refused (exit 1).
    reviewer = run(["load", str(path), "--as", "reviewer"], url)
    assert reviewer.returncode == 1
    assert "s.xlsx:Lines::: reviewer (mef_reviewer) may not change a submission" in reviewer.stderr
    # Other files named with --as are loaded in that name, by the budget unit only.
    from tests.helpers.workbooks import exec_row, execution_xlsx

    figures = tmp_path / "kampot-july.xlsx"
    figures.write_bytes(execution_xlsx([exec_row(period="2025-07")]))
    refused = run(["load", str(figures), "--as", "director07"], url)
    assert refused.returncode == 1 and "director07 may not load workbooks" in refused.stderr
    loaded = run(["load", str(figures), "--as", "budget"], url)
    assert loaded.returncode == 0, loaded.stderr
    with get_engine(url).connect() as conn:
        assert conn.execute(text("SELECT loaded_by FROM load_batch WHERE file_name = 'kampot-july.xlsx'")) \
            .scalar_one() == "budget"


def test_a_line_someone_else_changed_after_the_workbook_was_written_is_not_overwritten(draft):
    url, submission_id = draft
    s.open_to_provinces(url, submission_id)
    book = s.workbook(url)
    s.put(book[LINES], 5, request_2026=1_500_000)  # Kampot's transfers, as the workbook read them
    s.put(book[LINES], 7, request_2026=3_300_000)  # Siem Reap's, untouched on the web
    s.change_on_the_web(url, submission_id, s.LINES[2], [1_200_000, 1_200_000, 1_200_000], who="director07")
    before = s.stored_lines(url)
    report = load_submission_workbook(s.to_bytes(book), name="old.xlsx", url=url, actor=s.actor(url, "budget"))
    assert report.status == "rejected"
    [problem] = report.errors
    assert (problem.sheet, problem.row, problem.column) == (LINES, 5, "row_version")
    assert "this line was changed by director07 on " in problem.message
    assert "(version 1, now 2); write a new workbook and make the change there" in problem.message
    assert s.stored_lines(url) == before
    # Asking for what the line holds now is no conflict; nor are one's own later changes.
    s.put(book[LINES], 5, request_2026=1_200_000, request_2027=1_200_000, request_2028=1_200_000)
    loaded = load_submission_workbook(s.to_bytes(book), name="old.xlsx", url=url, actor=s.actor(url, "budget"))
    assert loaded.status == "loaded", [p.render() for p in loaded.problems]
    s.put(book[LINES], 7, request_2026=3_400_000)  # the same file, corrected and loaded again
    again = load_submission_workbook(s.to_bytes(book), name="old.xlsx", url=url, actor=s.actor(url, "budget"))
    assert again.status == "loaded", [p.render() for p in again.problems]
    assert s.stored_lines(url)[s.LINES[4]][0][0] == 3_400_000


def test_a_dry_run_checks_and_writes_nothing(draft):
    url, _ = draft
    book = s.workbook(url)
    s.put(book[LINES], 3, request_2026=9_500_000)
    before = table_counts(url)
    report = load_submission_workbook(s.to_bytes(book), name="check.xlsx", url=url, actor=s.actor(url, "budget"),
                                      dry_run=True)
    assert report.status == "valid", [p.render() for p in report.problems]
    assert report.lines_changed == 1
    assert table_counts(url) == before


def test_only_a_workbook_with_the_lines_header_is_taken_for_a_submission(draft):
    url, _ = draft
    assert detect(s.to_bytes(s.workbook(url))) is not None
    # An execution workbook, even on a sheet named Lines, is the usual loader's.
    from tests.helpers.workbooks import EXEC_HEADER, exec_row, xlsx

    assert detect(xlsx([EXEC_HEADER, exec_row()], sheet="Lines")) is None
    assert detect(xlsx([EXEC_HEADER, exec_row()])) is None
    assert detect(b"not a workbook") is None


def test_a_formula_s_fraction_of_a_riel_is_rounded_and_a_text_justification_stays_text(draft):
    url, _ = draft
    book = s.workbook(url)
    s.put(book[LINES], 3, request_2026=1_000_000.5, request_2027=1_000_001.5)
    s.put(book[LINES], 4, justification="=HYPERLINK(\"http://x\")  is what was typed")
    book[LINES].cell(row=4, column=s.column("justification")).data_type = "s"  # typed as text ('=…)
    report = load_submission_workbook(s.to_bytes(book), name="f.xlsx", url=url, actor=s.actor(url, "budget"))
    assert report.status == "loaded", [p.render() for p in report.problems]
    stored = s.stored_lines(url)
    assert stored[s.LINES[0]][0][:2] == (1_000_000, 1_000_002)  # half to even, as every workbook's amounts
    # The export writes the justification back as text, never as a formula.
    out = io.BytesIO()
    write_submission_workbook(out, 2026, url)
    again = openpyxl.load_workbook(io.BytesIO(out.getvalue()))[LINES]
    cell = again.cell(row=4, column=s.column("justification"))
    assert cell.data_type != "f" and cell.value.startswith("=HYPERLINK")


# --- the Data page ------------------------------------------------------------------------------------------


def test_the_data_page_routes_a_submission_workbook_to_the_submission_as_the_signed_in_user(
        demo_client_as, demo_db):
    from tests.integration.test_submission_exports import _open

    submission_id = _open(demo_db)
    book = s.workbook(demo_db)
    lines = book[LINES]
    s.put(lines, 3, request_2026=123_456_789, justification="Checked with the provincial office in June")
    budget = demo_client_as("budget_unit")
    answer = run_background(budget, upload_payload(budget, s.to_bytes(book), "submission-2026.xlsx"))
    summary = str(answer["data-summary"]["children"])
    assert "submission-2026.xlsx: the submission of 2026 saved as budget — " in summary, summary
    assert "1 changed" in summary
    key = tuple(lines.cell(row=3, column=i).value for i in range(1, 5))
    stored = s.stored_lines(demo_db)[key]
    assert stored[0][0] == 123_456_789 and stored[2] == "budget"
    with get_engine(demo_db).connect() as conn:
        batches = conn.execute(text("SELECT COUNT(*) FROM load_batch WHERE file_name = 'submission-2026.xlsx'"))
        assert batches.scalar_one() == 0  # a submission load is no batch of figures
    # A problem is listed in the report grid, FILE:SHEET:ROW:COLUMN, and nothing is written.
    s.put(lines, 3, request_2026=-1)
    refused = run_background(budget, upload_payload(budget, s.to_bytes(book), "submission-2026.xlsx"))
    [row] = refused["data-report"]["rowData"]
    assert (row["sheet"], row["row"], row["column"]) == (LINES, 3, "request_2026")
    assert "negative amount" in row["message"]
    assert s.stored_lines(demo_db)[key][0][0] == 123_456_789
    assert submission_id
