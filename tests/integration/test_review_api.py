"""MEF's review through the API, on SQLite and PostgreSQL: decisions, questions answered before
an endorsement, comment threads by province, explanations of deviations with MEF's oversight,
the inbox, the history, bad input, and cached answers that see every write."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from db.engine import session_scope
from db.queries import cache
from etl.load import load_file
from tests.helpers.cycle import line_key, load_cycle, open_draft, post_json, put_json
from tests.helpers.database import table_counts
from tests.helpers.workbooks import indicators_xlsx


def _stored(url: str) -> dict[str, int]:
    """Rows per table but the audit log (which records sign-ins and refusals)."""
    return {table: rows for table, rows in table_counts(url).items() if table != "audit_log"}


JUSTIFIED = "Registrations from the 2025 ID Poor round double the caseload in the province."


@pytest.fixture
def cycle_db(app_db: str, tmp_path: Path) -> str:
    return load_cycle(app_db, tmp_path)


def _submitted(client_as) -> tuple[FlaskClient, FlaskClient, int, dict[str, int]]:
    """The budget unit and MEF's clients, a submitted 2026 submission, and its lines' ids by entity."""
    budget, sid = open_draft(client_as)
    put_json(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [line_key("07", justification=JUSTIFIED)]})
    assert post_json(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"}).status_code == 200
    lines = {line["entity"]: line["id"] for line in budget.get(f"/api/v1/submissions/{sid}").json["lines"]}
    return budget, client_as("mef_reviewer"), sid, lines


def test_a_question_must_be_answered_before_mef_endorses(cycle_db, client_as) -> None:
    budget, reviewer, sid, lines = _submitted(client_as)
    decided = put_json(reviewer, f"/api/v1/submissions/{sid}/decisions", {"decisions": [
        {"line": lines["07"], "decision": "question"},
        {"line": lines["08"], "decision": "adjust", "recommended": 900_000}]})
    assert decided.status_code == 200, decided.json
    assert [(d["line"], d["decision"], d["recommended"]) for d in decided.json["decisions"]] == [
        (lines["07"], "question", None), (lines["08"], "adjust", 900_000)]
    asked = post_json(reviewer, f"/api/v1/submissions/{sid}/comments",
                      {"line": lines["07"], "text": "Why does Kampot ask for as much with 25 % spent?"})
    assert asked.status_code == 201
    refused = post_json(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "endorse"})
    assert refused.status_code == 422
    assert [(r["code"], r["line"]) for r in refused.json["reasons"]] == [("unanswered_question", lines["07"])]
    # MEF's own follow-up is no answer; the province's director's is.
    post_json(reviewer, f"/api/v1/submissions/{sid}/comments", {"line": lines["07"], "text": "Please answer."})
    assert post_json(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "endorse"}).status_code == 422
    director = client_as("director07")
    answer = post_json(director, f"/api/v1/submissions/{sid}/comments",
                       {"line": lines["07"], "text": "Payments resume in October after the provider change."})
    assert answer.status_code == 201 and answer.json["role"] == "provincial_director"
    endorsed = post_json(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "endorse"})
    assert endorsed.status_code == 200 and endorsed.json["status"] == "endorsed"
    document = budget.get(f"/api/v1/submissions/{sid}").json
    by_entity = {line["entity"]: line for line in document["lines"]}
    # Endorsed: the recommended amount where MEF adjusted, the request elsewhere; both shown.
    assert (by_entity["08"]["request"][0], by_entity["08"]["endorsed_amount"]) == (1_000_000, 900_000)
    assert (by_entity["07"]["request"][0], by_entity["07"]["endorsed_amount"]) == (1_200_000, 1_200_000)
    assert [c["author"] for c in document["comments"]] == ["reviewer", "reviewer", "director07"]


def test_decisions_are_mefs_on_a_submitted_submission_and_its_own_lines(cycle_db, client_as) -> None:
    budget, sid = open_draft(client_as)
    reviewer = client_as("mef_reviewer")
    line = budget.get(f"/api/v1/submissions/{sid}").json["lines"][0]["id"]
    draft = put_json(reviewer, f"/api/v1/submissions/{sid}/decisions",
                     {"decisions": [{"line": line, "decision": "agree"}]})
    assert draft.status_code == 409 and "submitted" in draft.json["detail"]
    put_json(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [line_key("07", justification=JUSTIFIED)]})
    post_json(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"})
    assert put_json(budget, f"/api/v1/submissions/{sid}/decisions",
                    {"decisions": [{"line": line, "decision": "agree"}]}).status_code == 403
    other = post_json(budget, "/api/v1/submissions", {"year": 2027}).json["id"]
    assert post_json(budget, f"/api/v1/submissions/{other}/actions", {"action": "submit"}).status_code == 200
    before = _stored(cycle_db)
    for bad, field in (({"line": line, "decision": "agree"}, "line"),  # a line of the 2026 submission
                       ({"line": 10**6, "decision": "agree"}, "line")):
        answer = put_json(reviewer, f"/api/v1/submissions/{other}/decisions", {"decisions": [bad]})
        assert answer.status_code == 422 and answer.json["field"] == field
    for bad, field in (({"line": line, "decision": "adjust", "recommended": -5}, "recommended"),
                       ({"line": line, "decision": "adjust", "recommended": "a lot"}, "recommended"),
                       ({"line": line, "decision": "adjust"}, "recommended"),
                       ({"line": line, "decision": "agree", "recommended": 5}, "recommended"),
                       ({"line": line, "decision": "maybe"}, "decision")):
        answer = put_json(reviewer, f"/api/v1/submissions/{sid}/decisions", {"decisions": [bad]})
        assert answer.status_code == 422 and answer.json["field"] == field, (bad, answer.json)
    assert _stored(cycle_db) == before


def test_comments_keep_to_the_province_and_stay_text(cycle_db, client_as) -> None:
    budget, reviewer, sid, lines = _submitted(client_as)
    script = '<script>alert("x")</script><b>bold</b>'
    assert post_json(reviewer, f"/api/v1/submissions/{sid}/comments", {"line": lines["08"], "text": script}) \
        .json["text"] == script  # stored and returned as typed: the pages show it as text
    post_json(reviewer, f"/api/v1/submissions/{sid}/comments", {"line": None, "text": "Overall: fine."})
    post_json(budget, f"/api/v1/submissions/{sid}/comments", {"line": lines["07"], "text": "Kampot: see note."})
    director = client_as("director07")
    seen = director.get(f"/api/v1/submissions/{sid}").json["comments"]
    assert [(c["entity"], c["text"]) for c in seen] == [("07", "Kampot: see note.")]
    before = _stored(cycle_db)
    assert post_json(director, f"/api/v1/submissions/{sid}/comments",
                     {"line": lines["08"], "text": "Kep is fine"}).status_code == 403
    assert post_json(director, f"/api/v1/submissions/{sid}/comments",
                     {"line": None, "text": "All fine"}).status_code == 403
    for text in ("", "   ", "x" * 20_000):
        answer = post_json(budget, f"/api/v1/submissions/{sid}/comments", {"line": None, "text": text})
        assert answer.status_code == 422 and answer.json["field"] == "text"
    assert _stored(cycle_db) == before
    # A director's view of the history keeps to his province and hides MEF's words.
    history = director.get(f"/api/v1/submissions/{sid}/history").json["history"]
    assert {h["entity"] for h in history if h["entity"]} == {"07"}
    assert all(h["comment"] == "" for h in history)


def test_explanations_of_deviations_and_mefs_oversight(cycle_db, client_as) -> None:
    director = client_as("director07")
    query = "/api/v1/explanations?year=2025&period=2025-09"
    # Kampot's FP_PW is off track (100 of 200) at September; Kep's is on track.
    assert director.get(query).json["due"] == {"07": 1, "00": 1}
    explanation = {"year": 2025, "period": "2025-09", "unit": "07", "indicator": "FP_PW",
                   "reason": "Payments stopped for two months when the provider changed.",
                   "action": "Arrears paid in October; monthly reconciliation with the provider."}
    written = put_json(director, "/api/v1/explanations", explanation)
    assert written.status_code == 200 and written.json["status"] == "off_track"
    assert director.get(query).json["due"] == {"00": 1}
    before = _stored(cycle_db)
    assert put_json(director, "/api/v1/explanations", {**explanation, "unit": "08"}).status_code == 403
    budget = client_as("budget_unit")
    assert put_json(budget, "/api/v1/explanations", explanation).status_code == 403  # the province's to write
    reviewer = client_as("mef_reviewer")
    assert put_json(reviewer, "/api/v1/explanations", explanation).status_code == 403
    on_track = put_json(client_as("budget_unit"), "/api/v1/explanations", {**explanation, "unit": "00",
                                                                          "indicator": "FP_PWD"})
    assert on_track.status_code == 422 and "no deviation" in on_track.json["detail"]
    assert _stored(cycle_db) == before
    oversight = put_json(reviewer, "/api/v1/explanations", {**{k: explanation[k] for k in
                                                              ("year", "period", "unit", "indicator")},
                                                           "oversight": "Ask for the reconciliation report."})
    assert oversight.status_code == 200 and oversight.json["reason"] == explanation["reason"]
    assert oversight.json["oversight_by"] == "reviewer"
    national = put_json(budget, "/api/v1/explanations", {**explanation, "unit": "00"})
    assert national.status_code == 200 and national.json["written_by"] == "budget"
    # A director reads his province's and the national explanations, never another's.
    units = {e["unit"] for e in director.get(query).json["explanations"]}
    assert units == {"00", "07"}
    assert director.get(query + "&unit=08").status_code == 403


def test_a_director_reads_national_explanations_only_of_complete_periods(cycle_db, client_as, tmp_path) -> None:
    # December is reported by Kampot alone: its national figures would give Kampot away, so the
    # national explanation of December stays with the budget unit and MEF, with or without a period.
    path = tmp_path / "ind-2025-12.xlsx"
    path.write_bytes(indicators_xlsx([[2025, "2025-12", "07", "FP_PW", 100, 200, 110]]))
    assert load_file(path, url=cycle_db).status == "loaded"
    budget, director = client_as("budget_unit"), client_as("director07")
    for period in ("2025-09", "2025-12"):
        written = put_json(budget, "/api/v1/explanations", {
            "year": 2025, "period": period, "unit": "00", "indicator": "FP_PW",
            "reason": f"Provider changed ({period}).", "action": "Monthly reconciliation."})
        assert written.status_code == 200, written.json
    seen = {(e["unit"], e["period"]) for e in director.get("/api/v1/explanations?year=2025").json["explanations"]}
    assert seen == {("00", "2025-09")}
    assert director.get("/api/v1/explanations?year=2025&period=2025-12").json["explanations"] == []
    everything = {(e["unit"], e["period"]) for e in budget.get("/api/v1/explanations?year=2025").json["explanations"]}
    assert everything == {("00", "2025-09"), ("00", "2025-12")}


def test_the_inbox_counts_what_awaits_each_user(cycle_db, client_as) -> None:
    budget, reviewer, sid, lines = _submitted(client_as)
    assert [(i["kind"], i["count"]) for i in reviewer.get("/api/v1/inbox").json["items"]] == [("to_review", 1)]
    put_json(reviewer, f"/api/v1/submissions/{sid}/decisions", {"decisions": [
        {"line": lines["07"], "decision": "question"}]})
    director = client_as("director07")
    assert {(i["kind"], i["count"]) for i in director.get("/api/v1/inbox").json["items"]} == {
        ("questions", 1), ("to_explain", 1)}
    assert {(i["kind"], i["count"]) for i in budget.get("/api/v1/inbox").json["items"]} == {
        ("questions", 1), ("to_explain", 1)}
    post_json(budget, f"/api/v1/submissions/{sid}/comments", {"line": lines["07"], "text": "Answered here."})
    assert [i["kind"] for i in director.get("/api/v1/inbox").json["items"]] == ["to_explain"]


def test_every_write_makes_cached_answers_stale(cycle_db, client_as) -> None:
    budget, sid = open_draft(client_as)
    with session_scope(cycle_db) as session:
        before = cache.versions(session)
    put_json(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [line_key("07", [1_300_000, 0, 0])]})
    with session_scope(cycle_db) as session:
        after = cache.versions(session)
    # One write more, the same load: what shows people's writes is stale, the loaded figures are not.
    assert after[cache.PEOPLE] != before[cache.PEOPLE] and after[cache.FACTS] == before[cache.FACTS]
