"""Costing benefit options through the API, on SQLite and PostgreSQL: the reference sheets loaded
and a bad one refused precisely, results against hand-worked figures, rights per role, and a
scenario applied to a submission's lines and targets (audited), refused once it is submitted."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text

from db.engine import get_engine, session_scope
from db.models import AuditLog, Benefit, EligiblePopulation, SubmissionLine, SubmissionTarget
from etl.load import load_file
from tests.helpers.cycle import load_cycle, open_draft, post_json, put_json

# A test benefit of 10,000 riels, 12 times a year, for Kampot (07) and Kep (08), 2026 to 2028.
ELIGIBLE = {("07", 2026): 1_000, ("07", 2027): 1_100, ("07", 2028): 1_200,
            ("08", 2026): 500, ("08", 2027): 500, ("08", 2028): 500}
SCENARIO = {"name": "test", "first_year": 2026, "years": 3, "benefits": [
    {"code": "TEST_B", "indexed": True, "take_up": [0.5, 0.6, 0.7], "admin_rate": 0.1, "multiplier": 1}]}
# Hand-worked: beneficiaries = eligible × take-up; cost = beneficiaries × 10,000 × 12 × index × 1.1,
# the index 1, 1.03 (2027's inflation in the demo's macro sheet), 1.03 × 1.028.
KAMPOT = [(500, 66_000_000), (660, 89_733_600), (840, 117_404_179.2)]
KEP = [(250, 33_000_000), (300, 40_788_000), (350, 48_918_408)]
GDP_2026 = 196_000_000_000_000


def _book(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _costing_reference() -> bytes:
    return _book({
        "benefits": [["code", "name_en", "name_km", "amount", "payments_per_year", "cluster", "economic_code",
                      "indicator", "eligible_key"],
                     ["TEST_B", "Test benefit", "អត្ថប្រយោជន៍សាកល្បង", 10_000, 12, "P1.1.1", "62", "FP_PW", "test_key"]],
        "eligible_population": [["year", "unit", "eligible_key", "count"],
                                *[[year, unit, "test_key", count] for (unit, year), count in ELIGIBLE.items()]],
    })


@pytest.fixture
def costing_db(app_db: str, tmp_path: Path) -> str:
    load_cycle(app_db, tmp_path)
    report = load_file(_costing_reference(), name="costing.xlsx", url=app_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    return app_db


def test_the_demo_sheets_load_and_a_bad_sheet_is_refused_precisely(costing_db) -> None:
    with session_scope(costing_db) as session:
        assert session.get(Benefit, "FP_VISITS").amount == 80_000  # the demo's, loaded by load_cycle
        before = session.scalar(select(func.count()).select_from(EligiblePopulation))
    bad = _book({
        "benefits": [["code", "name_en", "name_km", "amount", "payments_per_year", "cluster", "economic_code",
                      "indicator", "eligible_key"],
                     ["BAD", "Bad", "អាក្រក់", 1_000, 12, "P1.1", "6211", "NOPE", "k"]],
        "eligible_population": [["year", "unit", "eligible_key", "count"], [2026, "07", "k", -5],
                                [2026, "99", "k", 3]],
        "macro": [["year", "gdp", "government_expenditure", "cpi_inflation"], [2031, 1e15, 1e14, 3]],
    })
    report = load_file(bad, name="bad.xlsx", url=costing_db)
    assert report.status == "rejected"
    found = {(p.sheet, p.row, p.column, p.type, p.code) for p in report.problems}
    assert found == {
        ("benefits", 2, "cluster", "unknown-code", "benefit-unknown-cluster"),
        ("benefits", 2, "economic_code", "unknown-code", "benefit-not-chapter"),
        ("benefits", 2, "indicator", "unknown-code", "benefit-unknown-indicator"),
        ("eligible_population", 2, "count", "negative-amount", "negative-count"),
        ("eligible_population", 3, "unit", "unknown-unit", "eligible-unit-not-province"),
        ("macro", 2, "cpi_inflation", "out-of-range", "inflation-not-fraction"),
    }, [p.render() for p in report.problems]
    assert all(p.message_in("km") != p.message for p in report.problems)
    with session_scope(costing_db) as session:
        assert session.get(Benefit, "BAD") is None
        assert session.scalar(select(func.count()).select_from(EligiblePopulation)) == before


def test_results_against_hand_worked_figures_and_the_take_up_band(costing_db, client_as) -> None:
    budget = client_as("budget_unit")
    made = post_json(budget, "/api/v1/costing/scenarios", SCENARIO)
    assert made.status_code == 201, made.json
    answer = budget.get(f"/api/v1/costing/scenarios/{made.json['scenario']['id']}").json
    rows = {(r["unit"], r["year"]): (r["beneficiaries"], r["cost"]) for r in answer["rows"]}
    for unit, figures in (("07", KAMPOT), ("08", KEP)):
        for year, (people, cost) in zip((2026, 2027, 2028), figures, strict=True):
            assert rows[(unit, year)] == (pytest.approx(people), pytest.approx(cost)), (unit, year)
    first = answer["years"][0]
    assert first["year"] == 2026 and first["cost"] == pytest.approx(99_000_000) and first["beneficiaries"] == 750
    assert first["pct_gdp"] == pytest.approx(99_000_000 / GDP_2026)
    assert first["cost_low"] == pytest.approx(99_000_000 * 0.9)
    assert first["cost_high"] == pytest.approx(99_000_000 * 1.1)
    assert [s["name"] for s in budget.get("/api/v1/costing/scenarios").json["scenarios"]] == ["test"]
    # The amount defaults to the catalogue's; a given one replaces it.
    doubled = {**SCENARIO, "benefits": [{**SCENARIO["benefits"][0], "amount": 20_000}]}
    again = post_json(budget, "/api/v1/costing/scenarios", doubled).json
    assert again["years"][0]["cost"] == pytest.approx(198_000_000)


@pytest.mark.parametrize(("body", "field"), [
    ({**SCENARIO, "benefits": [{**SCENARIO["benefits"][0], "take_up": [0.5, 1.2, 0.7]}]}, "take_up"),
    ({**SCENARIO, "first_year": 2029}, "first_year"),  # 2031 has no macro figures
    ({**SCENARIO, "benefits": [{**SCENARIO["benefits"][0], "code": "NOPE"}]}, "code"),
])
def test_a_scenario_is_refused_precisely(costing_db, client_as, body, field) -> None:
    answer = post_json(client_as("budget_unit"), "/api/v1/costing/scenarios", body)
    assert answer.status_code == 422 and answer.json["field"] == field, answer.json


def test_rights_per_role(costing_db, client_as) -> None:
    reviewer = client_as("mef_reviewer")
    made = post_json(reviewer, "/api/v1/costing/scenarios", SCENARIO)
    assert made.status_code == 201
    sid = made.json["scenario"]["id"]
    budget, submission = open_draft(client_as)
    assert post_json(reviewer, f"/api/v1/costing/scenarios/{sid}/apply", {"submission": submission}).status_code == 403
    assert post_json(reviewer, f"/api/v1/costing/scenarios/{sid}/apply?preview=1",
                     {"submission": submission}).status_code == 403
    director = client_as("director07")
    assert post_json(director, "/api/v1/costing/scenarios", SCENARIO).status_code == 403
    shared = director.get(f"/api/v1/costing/scenarios/{sid}").json
    assert {r["unit"] for r in shared["rows"]} == {"07"}
    assert shared["years"][0]["cost"] == pytest.approx(66_000_000)  # Kampot's share only
    assert put_json(director, f"/api/v1/costing/scenarios/{sid}", SCENARIO).status_code == 403
    assert client_as("admin").get(f"/api/v1/costing/scenarios/{sid}").status_code == 403
    assert put_json(budget, f"/api/v1/costing/scenarios/{sid}", {**SCENARIO, "name": "renamed"}).status_code == 200


def test_apply_with_a_preview_changes_lines_and_targets_with_audit(costing_db, client_as) -> None:
    budget, submission = open_draft(client_as)
    sid = post_json(budget, "/api/v1/costing/scenarios", SCENARIO).json["scenario"]["id"]
    preview = post_json(budget, f"/api/v1/costing/scenarios/{sid}/apply?preview=1", {"submission": submission}).json
    lines = {c["entity"]: c for c in preview["lines"]}
    assert lines["07"]["old"] == [1_200_000] * 3
    assert lines["07"]["new"] == [66_000_000, 89_733_600, 117_404_179]
    assert lines["08"]["new"] == [33_000_000, 40_788_000, 48_918_408]
    targets = {(c["indicator"], c["unit"]): c for c in preview["targets"]}
    assert targets[("FP_PW", "07")]["new"] == [500, 660, 840]
    with session_scope(costing_db) as session:  # a preview writes nothing
        assert session.scalar(select(SubmissionLine.request_y1).where(
            SubmissionLine.submission_id == submission, SubmissionLine.entity_code == "07",
            SubmissionLine.cluster_code == "P1.1.1")) == 1_200_000
    applied = post_json(budget, f"/api/v1/costing/scenarios/{sid}/apply", {"submission": submission})
    assert applied.status_code == 200, applied.json
    with session_scope(costing_db) as session:
        line = session.scalar(select(SubmissionLine).where(
            SubmissionLine.submission_id == submission, SubmissionLine.entity_code == "08",
            SubmissionLine.cluster_code == "P1.1.1", SubmissionLine.economic_code == "62"))
        assert [line.request_y1, line.request_y2, line.request_y3] == [33_000_000, 40_788_000, 48_918_408]
        target = session.scalar(select(SubmissionTarget).where(
            SubmissionTarget.submission_id == submission, SubmissionTarget.indicator_code == "FP_PW",
            SubmissionTarget.unit_code == "07"))
        assert [target.target_y1, target.target_y2, target.target_y3] == [500, 660, 840]
        actions = list(session.scalars(select(AuditLog.action).where(AuditLog.action.in_(
            ("submission.line", "submission.target", "costing.apply")))))
        assert actions.count("costing.apply") == 1
        assert actions.count("submission.line") >= 2 and actions.count("submission.target") >= 2
    # Applied again: nothing left to change.
    again = post_json(budget, f"/api/v1/costing/scenarios/{sid}/apply?preview=1", {"submission": submission}).json
    assert again["lines"] == [] and again["targets"] == []


def test_apply_on_a_submitted_submission_is_refused_and_changes_nothing(costing_db, client_as) -> None:
    budget, submission = open_draft(client_as)
    sid = post_json(budget, "/api/v1/costing/scenarios", SCENARIO).json["scenario"]["id"]
    with get_engine(costing_db).begin() as conn:
        conn.execute(text("UPDATE submission SET status = 'submitted' WHERE id = :id"), {"id": submission})
        before = conn.execute(text("SELECT entity_code, request_y1, request_y2, request_y3 FROM submission_line "
                                   "ORDER BY id")).all()
        audits = conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one()
    answer = post_json(budget, f"/api/v1/costing/scenarios/{sid}/apply", {"submission": submission})
    assert answer.status_code == 409 and "submitted" in answer.json["detail"]
    preview = post_json(budget, f"/api/v1/costing/scenarios/{sid}/apply?preview=1", {"submission": submission}).json
    assert preview["editable"] is False and "submitted" in preview["reason"]
    with get_engine(costing_db).begin() as conn:
        assert conn.execute(text("SELECT entity_code, request_y1, request_y2, request_y3 FROM submission_line "
                                 "ORDER BY id")).all() == before
        assert conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one() == audits
