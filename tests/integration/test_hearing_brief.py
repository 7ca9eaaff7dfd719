"""MEF's hearing brief (a workbook and a bilingual A4 PDF) and the submission's history workbook,
on SQLite and PostgreSQL: amounts against hand-worked values, the open questions in MEF's words
until an answer comes, each director's documents keeping to his or her province, and text that
stays text (no formula in a cell, no markup in the PDF).

The hearing, on the small cycle of tests/helpers/cycle.py (one cluster, P1.1.1, chapter 62):
  00 requests 512,300,000; MEF agrees              → endorsed   512,300,000
  07 requests 1,480,600,000; MEF questions it      → endorsed 1,480,600,000 (the request)
  08 requests 1,234,500,000; MEF adjusts to 987,600,000 → endorsed 987,600,000 (change −246,900,000)
  Request 3,227,400,000; endorsed 2,980,500,000; change −246,900,000.
  Ceiling 2,900,000,000 in total (+80,500,000 endorsed above it) and 2,950,000,000 for P1 (+30,500,000).
Kampot (07) asks for more than its 2025 revised budget (1,200,000) while its indicator is off
track (100 of 200) and it has paid 25 % by September (under 60 % of the 75 % benchmark): the
line carries both "more while" flags.
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import text

from db.engine import get_engine
from tests.helpers.cycle import line_key, load_cycle, open_draft, post_json, put_json

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JUSTIFIED = "Registrations from the 2025 ID Poor round double the caseload in the province."
QUESTION = "=cmd|' /C calc'!A0 — why does Kampot ask for more with 25 % spent? <b>bold</b><script>x()</script>"
ANSWER = "Payments resume in October after the provider changed."
RETURN = "=HYPERLINK(\"http://evil.example\",\"click\") Please lower the Kandal line."


@pytest.fixture
def cycle_db(app_db: str, tmp_path: Path) -> str:
    return load_cycle(app_db, tmp_path)


def _hearing(client_as) -> tuple[FlaskClient, FlaskClient, int, dict[str, int]]:
    """The budget unit's and MEF's clients, the submitted 2026 submission with MEF's decisions,
    question and ceiling of the module's docstring, and the lines' ids by entity."""
    budget, sid = open_draft(client_as)
    saved = put_json(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [
        line_key("00", [512_300_000] * 3, justification=JUSTIFIED),
        line_key("07", [1_480_600_000] * 3, justification=JUSTIFIED),
        line_key("08", [1_234_500_000] * 3, justification=JUSTIFIED)]})
    assert saved.status_code == 200, saved.json
    assert post_json(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"}).status_code == 200
    lines = {line["entity"]: line["id"] for line in budget.get(f"/api/v1/submissions/{sid}").json["lines"]}
    reviewer = client_as("mef_reviewer")
    ceiling = put_json(reviewer, "/api/v1/ceilings", {"year": 2026, "total": 2_900_000_000,
                                                      "programmes": {"P1": 2_950_000_000}})
    assert ceiling.status_code == 200, ceiling.json
    decided = put_json(reviewer, f"/api/v1/submissions/{sid}/decisions", {"decisions": [
        {"line": lines["00"], "decision": "agree"}, {"line": lines["07"], "decision": "question"},
        {"line": lines["08"], "decision": "adjust", "recommended": 987_600_000}]})
    assert decided.status_code == 200, decided.json
    asked = post_json(reviewer, f"/api/v1/submissions/{sid}/comments", {"line": lines["07"], "text": QUESTION})
    assert asked.status_code == 201
    return budget, reviewer, sid, lines


def _sheet(data: bytes, name: str) -> list[dict]:
    table = openpyxl.load_workbook(io.BytesIO(data))[name]
    header = [c.value for c in table[1]]
    return [dict(zip(header, row, strict=True)) for row in table.iter_rows(min_row=2, values_only=True)]


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "brief.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _no_formula_anywhere(data: bytes) -> None:
    """No cell of the workbook is a formula: its sheets' XML holds no <f> element."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in book.read(name) and b"<f " not in book.read(name), name


def test_the_brief_workbook_sets_request_recommended_and_endorsed_against_the_ceiling(cycle_db, client_as):
    budget, reviewer, sid, lines = _hearing(client_as)
    answer = reviewer.get(f"/submission/{sid}/hearing-brief.xlsx")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == XLSX
    assert answer.headers["Content-Disposition"] == 'attachment; filename="submission-2026-hearing-brief.xlsx"'
    assert answer.headers["Cache-Control"] == "private, no-store"
    rows = {r["entity"]: r for r in _sheet(answer.data, "lines")}
    picked = {e: (r["request_2026"], r["decision"], r["recommended_2026"], r["endorsed_2026"], r["change"])
              for e, r in rows.items()}
    assert picked == {"00": (512_300_000, "agree", None, 512_300_000, 0),
                      "07": (1_480_600_000, "question", None, 1_480_600_000, 0),
                      "08": (1_234_500_000, "adjust", 987_600_000, 987_600_000, -246_900_000)}
    assert [rows[e]["open_question"] for e in ("00", "07", "08")] == [None, "yes", None]
    assert {"more_while_off_track", "more_while_underspending"} <= set(rows["07"]["flags"].split(", "))
    api = {line["entity"]: line for line in budget.get(f"/api/v1/submissions/{sid}").json["lines"]}
    for entity, row in rows.items():  # the flags and endorsed amounts the API gives, as codes
        assert (row["flags"] or "") == ", ".join(api[entity]["flags"]), entity
        assert row["endorsed_2026"] == api[entity]["endorsed_amount"], entity
    totals = {r["programme"]: r for r in _sheet(answer.data, "totals")}
    assert [totals["total"][c] for c in ("lines", "request_2026", "endorsed_2026", "change", "ceiling",
                                         "endorsed_minus_ceiling")] == \
        [3, 3_227_400_000, 2_980_500_000, -246_900_000, 2_900_000_000, 80_500_000]
    assert (totals["P1"]["ceiling"], totals["P1"]["endorsed_minus_ceiling"]) == (2_950_000_000, 30_500_000)
    questions = _sheet(answer.data, "open_questions")
    assert [(q["line"], q["entity"], q["request_2026"], q["asked_by"], q["written_by"]) for q in questions] == [
        (lines["07"], "07", 1_480_600_000, "reviewer", "reviewer")]
    cell = openpyxl.load_workbook(io.BytesIO(answer.data))["open_questions"]["J2"]
    assert cell.value == QUESTION and cell.data_type == "s"  # the words as written, never a formula
    _no_formula_anywhere(answer.data)

    # MEF's follow-up is no answer; the director's is: the question leaves the brief, the decision stays.
    post_json(reviewer, f"/api/v1/submissions/{sid}/comments", {"line": lines["07"], "text": "Still waiting."})
    follow_up = _sheet(reviewer.get(f"/submission/{sid}/hearing-brief.xlsx").data, "open_questions")
    assert [q["question"] for q in follow_up] == [f"{QUESTION}\n\nStill waiting."]
    assert post_json(client_as("director07"), f"/api/v1/submissions/{sid}/comments",
                     {"line": lines["07"], "text": ANSWER}).status_code == 201
    after = reviewer.get(f"/submission/{sid}/hearing-brief.xlsx").data
    assert _sheet(after, "open_questions") == []
    answered = {r["entity"]: r for r in _sheet(after, "lines")}["07"]
    assert (answered["decision"], answered["open_question"]) == ("question", None)
    about = {r["field"]: r["value"] for r in _sheet(after, "hearing_brief")}
    assert (about["open_questions"], about["lines"], about["lines_of"]) == (0, 3, "every entity")


def test_the_brief_pdf_is_bilingual_a4_and_shows_comments_as_text(cycle_db, client_as, tmp_path):
    budget, reviewer, sid, lines = _hearing(client_as)
    answer = budget.get(f"/submission/{sid}/hearing-brief.pdf")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="submission-2026-hearing-brief.pdf"'
    page = PdfReader(io.BytesIO(answer.data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)  # A4 landscape
    words = _pdf_text(answer.data, tmp_path)
    assert "Hearing brief: budget request 2026" in words and "Every entity's lines" in words
    assert "Amounts in million riels" in words
    # Million riels, one decimal: the module docstring's sums.
    for figure in ("512.3", "1,480.6", "1,234.5", "987.6", "−246.9", "3,227.4", "2,980.5", "2,900.0",
                   "+80.5", "2,950.0", "+30.5"):
        assert figure in words, figure
    assert "Adjust" in words and "Agree" in words and "Question (open)" in words
    assert "More while off track" in words and "More while underspending" in words
    assert "Open questions (1)" in words
    # The question as written, markup shown as characters (WeasyPrint would have swallowed tags).
    assert "<b>bold</b><script>x()</script>" in words and "=cmd|' /C calc'!A0" in words
    # Khmer: the labels are there in the Noto Khmer font (shaped glyphs come back partly reordered).
    assert sum("\u1780" <= c <= "\u17ff" for c in words) > 300
    assert "ជួរថវិកា" in words and "កម្មវិ" in words  # "lines of the budget", "programme"
    fonts = {str(font.get_object()["/BaseFont"]) for sheet in PdfReader(io.BytesIO(answer.data)).pages
             for font in sheet["/Resources"]["/Font"].values()}
    assert any(name.endswith("+Noto-Sans-Khmer") for name in fonts), fonts

    assert post_json(client_as("director07"), f"/api/v1/submissions/{sid}/comments",
                     {"line": lines["07"], "text": ANSWER}).status_code == 201
    words = _pdf_text(budget.get(f"/submission/{sid}/hearing-brief.pdf").data, tmp_path)
    assert "No question is waiting for an answer." in words and "Open questions (0)" in words
    assert "Question (answered)" in words and "<b>bold</b>" not in words


def test_a_director_s_brief_and_history_hold_his_province_only(cycle_db, client_as, tmp_path):
    budget, reviewer, sid, lines = _hearing(client_as)
    director = client_as("director07")
    mine = director.get(f"/submission/{sid}/hearing-brief.xlsx")
    assert mine.status_code == 200
    assert [(r["entity"], r["request_2026"]) for r in _sheet(mine.data, "lines")] == [("07", 1_480_600_000)]
    assert [q["entity"] for q in _sheet(mine.data, "open_questions")] == ["07"]
    totals = {r["programme"]: r for r in _sheet(mine.data, "totals")}
    # The province's own sums, and no ministry ceiling to measure one province against.
    assert (totals["total"]["request_2026"], totals["total"]["ceiling"]) == (1_480_600_000, None)
    words = _pdf_text(director.get(f"/submission/{sid}/hearing-brief.pdf").data, tmp_path)
    assert "Lines of 07 Kampot only" in words and "1,480.6" in words
    assert not any(f in words for f in ("1,234.5", "987.6", "512.3", "3,227.4", "2,900.0"))
    history = _sheet(director.get(f"/submission/{sid}/history.xlsx").data, "history")
    assert {r["entity"] for r in history if r["entity"]} == {"07"}
    assert any(r["action"] == "review.comment" and r["comment"] == QUESTION for r in history)

    # Siem Reap's director: a brief and a history with nothing of Kampot's, Kandal's or the centre's.
    other = client_as("director17")
    theirs = other.get(f"/submission/{sid}/hearing-brief.xlsx")
    assert theirs.status_code == 200
    assert _sheet(theirs.data, "lines") == [] and _sheet(theirs.data, "open_questions") == []
    assert "1,480.6" not in _pdf_text(other.get(f"/submission/{sid}/hearing-brief.pdf").data, tmp_path)
    rows = _sheet(other.get(f"/submission/{sid}/history.xlsx").data, "history")
    assert rows and all(r["entity"] is None and r["comment"] is None for r in rows)
    assert not any("Kampot" in (r["after"] or "") or "987600000" in (r["after"] or "") for r in rows)

    # A role without figures is refused and audited; nobody signed in goes to the sign-in page.
    for path in ("hearing-brief.xlsx", "hearing-brief.pdf", "history.xlsx"):
        refused = client_as("admin").get(f"/submission/{sid}/{path}")
        assert refused.status_code == 403 and refused.mimetype == "text/plain"
        assert client_as("budget_unit").get(f"/submission/999/{path}").status_code == 404
        anonymous = director.application.test_client().get(f"/submission/{sid}/{path}")
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    with get_engine(cycle_db).connect() as conn:
        refusals = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'forbidden' "
                                     "AND username = 'admin'")).scalars().all()
    assert sum("hearing-brief" in str(d) or "history.xlsx" in str(d) for d in refusals) == 3


def test_the_history_workbook_lists_who_did_what_with_before_and_after(cycle_db, client_as):
    budget, reviewer, sid, lines = _hearing(client_as)
    assert post_json(reviewer, f"/api/v1/submissions/{sid}/actions",
                     {"action": "return", "comment": RETURN}).status_code == 200
    answer = budget.get(f"/submission/{sid}/history.xlsx")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == XLSX
    assert answer.headers["Content-Disposition"] == 'attachment; filename="submission-2026-history.xlsx"'
    rows = _sheet(answer.data, "history")
    assert list(rows[0]) == ["when", "who", "action", "entity", "before", "after", "comment"]
    assert [(r["who"], r["action"]) for r in rows if r["action"].startswith("submission.") and
            r["action"] not in ("submission.line",)] == [
        ("budget", "submission.open"), ("budget", "submission.submit"), ("reviewer", "submission.return")]
    adjusted = next(r for r in rows if r["action"] == "review.decision" and r["entity"] == "08")
    assert adjusted["who"] == "reviewer" and adjusted["before"] is None
    assert {k: json.loads(adjusted["after"])[k] for k in ("decision", "recommended")} == {
        "decision": "adjust", "recommended": 987_600_000}
    changed = [r for r in rows if r["action"] == "submission.line" and r["entity"] == "08"]
    assert [json.loads(r["after"])["request"] for r in changed][-1] == [1_234_500_000] * 3
    assert [r["comment"] for r in rows if r["action"] == "review.comment"] == [QUESTION]
    assert [r["comment"] for r in rows if r["action"] == "submission.return"] == [RETURN]
    assert all(len(r["when"]) == 16 for r in rows)  # YYYY-MM-DD HH:MM
    sheet = openpyxl.load_workbook(io.BytesIO(answer.data))["history"]
    formulas_as_words = [c for row in sheet.iter_rows(min_row=2) for c in row
                         if isinstance(c.value, str) and c.value.startswith("=")]
    assert {c.value for c in formulas_as_words} == {QUESTION, RETURN}
    assert all(c.data_type == "s" for c in formulas_as_words)
    _no_formula_anywhere(answer.data)
    # The return's words speak of every province: a director reads the transition, not them.
    mine = _sheet(client_as("director07").get(f"/submission/{sid}/history.xlsx").data, "history")
    returned = next(r for r in mine if r["action"] == "submission.return")
    assert returned["comment"] is None and "HYPERLINK" not in (returned["after"] or "")
