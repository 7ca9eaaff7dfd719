"""The submission's documents for MEF: the workbook of its lines and the bilingual summary by
programme as a PDF, now or as a version was sent, each under the caller's scope."""

from __future__ import annotations

import io
import subprocess

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import text

from components.format import format_number
from db.engine import get_engine, session_scope
from db.queries.submission import find_by_year
from db.submissions import act, open_submission, save_lines, set_above_ceiling_justification
from tests.helpers.submissions import actor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRAMMES = {"P1": "Social welfare", "P2": "Social security", "P3": "Institutional strengthening"}


def _open(url: str) -> int:
    """The demo's submission of 2026 (opened here unless the demo holds one already)."""
    with session_scope(url) as session:
        found = find_by_year(session, 2026)
        return found.id if found is not None else open_submission(session, actor(url, "budget"), 2026).id


def _rows(data: bytes, sheet: str = "request_lines") -> list[dict]:
    table = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    header = [c.value for c in table[1]]
    return [dict(zip(header, row, strict=True)) for row in table.iter_rows(min_row=2, values_only=True)]


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _key(line: dict) -> tuple:
    return line["entity"], line["cluster"], line["economic_code"], line["funding_source"]


def _assert_same_as_api(rows: list[dict], api_lines: list[dict]) -> None:
    assert len(rows) == len(api_lines)
    by_key = {_key(row): row for row in rows}
    for line in api_lines:
        row = by_key[_key(line)]
        assert [row["request_2026"], row["request_2027"], row["request_2028"]] == line["request"]
        for column, field in (("revised_2025", "revised_last"), ("paid_to_date_2025", "paid_to_date"),
                              ("paid_2024", "paid_full_year")):
            assert row[column] == (None if line[field] is None else round(line[field])), (column, line)
        assert row["execution_rate"] == (None if line["execution_rate"] is None
                                         else pytest.approx(line["execution_rate"], rel=1e-15))
        assert row["as_of"] == line["as_of"]
        assert (row["flags"] or "") == ", ".join(line["flags"])  # flags as codes
        assert (row["justification"] or "") == line["justification"]
        assert row["programme"] == line["programme"] and row["subprogramme"] == line["subprogramme"]


def test_the_export_holds_the_lines_the_api_gives_and_a_director_s_his_province_only(demo_client_as, demo_db):
    submission_id = _open(demo_db)
    budget = demo_client_as("budget_unit")
    api = budget.get(f"/api/v1/submissions/{submission_id}").get_json()
    answer = budget.get(f"/submission/{submission_id}/export.xlsx")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == XLSX
    assert answer.headers["Content-Disposition"] == 'attachment; filename="submission-2026-current.xlsx"'
    assert answer.headers["Cache-Control"] == "private, no-store"
    rows = _rows(answer.data)
    _assert_same_as_api(rows, api["lines"])
    assert {r["entity"] for r in rows} == {"00", *(f"{n:02d}" for n in range(1, 26))}
    about = {r["field"]: r["value"] for r in _rows(answer.data, "submission")}
    assert about["total_request_2026 (KHR)"] == api["totals"]["request"][0]
    targets = _rows(answer.data, "request_targets")
    assert len(targets) == len(api["targets"])

    director = demo_client_as("director07")
    mine = director.get(f"/api/v1/submissions/{submission_id}").get_json()
    own = _rows(director.get(f"/submission/{submission_id}/export.xlsx").data)
    assert {r["entity"] for r in own} == {"07"}
    _assert_same_as_api(own, mine["lines"])


def test_the_summary_pdf_names_each_programme_with_its_totals_in_both_languages(demo_client_as, demo_db, tmp_path):
    submission_id = _open(demo_db)
    budget = demo_client_as("budget_unit")
    api = budget.get(f"/api/v1/submissions/{submission_id}").get_json()
    answer = budget.get(f"/submission/{submission_id}/summary.pdf")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="submission-2026-current-summary.pdf"'
    page = PdfReader(io.BytesIO(answer.data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)  # A4 landscape
    words = _pdf_text(answer.data, tmp_path)
    assert "Budget request 2026: summary by programme" in words and "Every entity's lines" in words
    for code, name in PROGRAMMES.items():
        assert f"{code} {name}" in words
        assert format_number(api["totals"]["programmes"][code] / 1e6) in words
    assert format_number(api["totals"]["request"][0] / 1e6) in words
    assert "Total" in words and "Amounts in million riels" in words
    # The Khmer labels are there (shaped glyphs come back out of order, but the words are Khmer).
    assert "ព្រាង" in words and sum("\u1780" <= c <= "\u17ff" for c in words) > 200

    director = demo_client_as("director07")
    mine = director.get(f"/api/v1/submissions/{submission_id}").get_json()
    words = _pdf_text(director.get(f"/submission/{submission_id}/summary.pdf").data, tmp_path)
    assert "Lines of 07 Kampot only" in words
    assert format_number(sum(line["request"][0] for line in mine["lines"]) / 1e6) in words
    assert format_number(api["totals"]["request"][0] / 1e6) not in words  # not the ministry's whole request


def test_a_version_is_exported_as_it_was_sent(demo_client_as, demo_db):
    submission_id = _open(demo_db)
    budget_actor = actor(demo_db, "budget")
    budget = demo_client_as("budget_unit")
    lines = budget.get(f"/api/v1/submissions/{submission_id}").get_json()["lines"]
    with session_scope(demo_db) as session:
        save_lines(session, budget_actor, submission_id, [
            {"entity": line["entity"], "cluster": line["cluster"], "economic_code": line["economic_code"],
             "funding_source": line["funding_source"], "justification": "Checked against the 2025 execution report"}
            for line in lines])
        set_above_ceiling_justification(session, budget_actor, submission_id,
                                        "The caseload grows with the 2025 ID Poor registration round")
        act(session, budget_actor, submission_id, "submit")
    with session_scope(demo_db) as session:
        act(session, actor(demo_db, "reviewer"), submission_id, "return", "Please lower the pensions line")
    first = lines[0]
    with session_scope(demo_db) as session:
        save_lines(session, budget_actor, submission_id, [{
            "entity": first["entity"], "cluster": first["cluster"], "economic_code": first["economic_code"],
            "funding_source": first["funding_source"], "request": [1, 2, 3]}])
    sent = budget.get(f"/api/v1/submissions/{submission_id}/versions/1").get_json()
    answer = budget.get(f"/submission/{submission_id}/export.xlsx?version=1")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="submission-2026-v1.xlsx"'
    rows = {_key(r): r for r in _rows(answer.data)}
    assert len(rows) == len(sent["lines"])
    for line in sent["lines"]:
        row = rows[_key(line)]
        assert [row["request_2026"], row["request_2027"], row["request_2028"]] == line["request"]
        assert row["justification"] == line["justification"]
    assert [rows[_key(first)][f"request_{y}"] for y in (2026, 2027, 2028)] == first["request"]
    now = {_key(r): r for r in _rows(budget.get(f"/submission/{submission_id}/export.xlsx").data)}
    assert [now[_key(first)][f"request_{y}"] for y in (2026, 2027, 2028)] == [1, 2, 3]
    assert budget.get(f"/submission/{submission_id}/summary.pdf?version=1").status_code == 200


def test_refusals_say_why_and_a_role_without_figures_is_audited(demo_client_as, demo_db):
    submission_id = _open(demo_db)
    budget = demo_client_as("budget_unit")
    assert budget.get(f"/submission/{submission_id}/export.xlsx?version=one").status_code == 400
    assert budget.get(f"/submission/{submission_id}/export.xlsx?version=0").status_code == 400
    assert budget.get(f"/submission/{submission_id}/export.xlsx?version=7").status_code == 404
    assert budget.get("/submission/999/summary.pdf").status_code == 404
    admin = demo_client_as("admin")
    refused = admin.get(f"/submission/{submission_id}/export.xlsx")
    assert refused.status_code == 403
    with get_engine(demo_db).connect() as conn:
        paths = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'forbidden' AND username = 'admin'"))
        assert any("/export.xlsx" in str(p) for p in paths.scalars())
