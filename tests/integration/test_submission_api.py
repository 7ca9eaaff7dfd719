"""The submission through its API, on SQLite and PostgreSQL: last year's figures beside each
line, flags on hand-worked figures, states and rights, stale saves, CSRF, the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from db.engine import session_scope
from db.models import AuditLog, Submission, SubmissionLine
from tests.helpers.cycle import csrf_header as _csrf
from tests.helpers.cycle import line_key as _line_key
from tests.helpers.cycle import load_cycle, open_draft
from tests.helpers.cycle import post_json as _post
from tests.helpers.cycle import put_json as _put
from tests.helpers.database import table_counts


@pytest.fixture
def cycle_db(app_db: str, tmp_path: Path) -> str:
    """The small cycle of ``tests/helpers/cycle.py`` on this test's database."""
    return load_cycle(app_db, tmp_path)


def _open(client_as) -> tuple[FlaskClient, int]:
    budget, sid = open_draft(client_as)
    assert budget.get(f"/api/v1/submissions/{sid}").json["status"] == "draft"
    return budget, sid


def _line(document: dict, entity: str) -> dict:
    return next(line for line in document["lines"] if line["entity"] == entity and line["cluster"] == "P1.1.1")


def test_a_new_draft_starts_from_execution_with_last_years_figures_beside_each_line(cycle_db, client_as) -> None:
    budget, sid = _open(client_as)
    assert _post(budget, "/api/v1/submissions", {"year": 2026}).status_code == 409
    document = budget.get(f"/api/v1/submissions/{sid}").json
    kampot = _line(document, "07")
    assert kampot["request"] == [1_200_000, 1_200_000, 1_200_000]  # starts at this year's revised
    assert (kampot["revised_last"], kampot["paid_to_date"], kampot["paid_full_year"]) == (1_200_000, 300_000, 1_000_000)
    assert kampot["execution_rate"] == pytest.approx(0.25) and kampot["benchmark"] == pytest.approx(0.75)
    assert kampot["as_of"] == "2025-09"
    assert [(i["indicator"], i["status"]) for i in kampot["linked_indicators"]] == [("FP_PW", "off_track")]
    # It asks no more than last year, but 6,000 a person is 40 % under the observed 10,000.
    assert kampot["flags"] == ["unit_cost_gap"]
    assert document["totals"]["request"] == [2_200_000, 2_200_000, 2_200_000]
    target = next(t for t in document["targets"] if t["indicator"] == "FP_PW" and t["unit"] == "07")
    assert target["target"][0] == 200 and target["baseline"] == 100
    # Implied 1,200,000 ÷ 200 = 6,000 a person; observed 2024: 1,000,000 ÷ 100 = 10,000.
    assert target["implied_unit_cost"] == pytest.approx(6_000) and target["observed_unit_cost"] == pytest.approx(10_000)
    assert target["cost_basis"] == "full_year" and target["unit_cost_gap"] == pytest.approx(-0.4)


def test_flags_on_a_saved_line(cycle_db, client_as) -> None:
    budget, sid = _open(client_as)
    # Keep the target's unit cost honest first: 2,000,000 ÷ 200 = 10,000, as observed.
    answer = _put(budget, f"/api/v1/submissions/{sid}/lines",
                  {"lines": [_line_key("07", [2_000_000, 2_100_000, 2_200_000])]})
    assert answer.status_code == 200, answer.json
    assert answer.json["lines"][0]["flags"] == ["more_while_off_track", "more_while_underspending"]
    # 1,400,000 ÷ 200 = 7,000 a person, 30 % under the observed 10,000: the third flag too.
    answer = _put(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("07", [1_400_000, 0, 0])]})
    assert answer.json["lines"][0]["flags"] == ["more_while_off_track", "more_while_underspending", "unit_cost_gap"]
    # Kep spends on pace and is on track: asking more raises no flag.
    answer = _put(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("08", [1_100_000, 0, 0])]})
    assert answer.json["lines"][0]["flags"] == []
    # A target of 80 below the 98 achieved, on a line that grows; and 1,100,000 ÷ 80 = 13,750 a
    # person is 37.5 % over the 10,000 observed in 2024 (900,000 ÷ 90).
    answer = _put(budget, f"/api/v1/submissions/{sid}/targets",
                  {"targets": [{"indicator": "FP_PW", "unit": "08", "target": [80, None, None]}]})
    assert answer.status_code == 200 and answer.json["targets"][0]["flags"] == ["unit_cost_gap", "target_below_actual"]
    lines = budget.get(f"/api/v1/submissions/{sid}").json["lines"]
    assert _line({"lines": lines}, "08")["flags"] == ["unit_cost_gap", "target_below_actual"]


def test_submit_is_refused_with_every_blocking_line_then_versions_and_diff(cycle_db, client_as) -> None:
    budget, sid = _open(client_as)
    _put(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("07", [1_400_000, 0, 0])]})
    before = table_counts(cycle_db)
    refused = _post(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"})
    assert refused.status_code == 422
    assert [(r["code"], r["entity"]) for r in refused.json["reasons"]] == [("flagged_without_justification", "07")]
    assert table_counts(cycle_db)["submission_version"] == before["submission_version"] == 0
    # A ceiling below the request needs its own justification.
    reviewer = client_as("mef_reviewer")
    assert _put(reviewer, "/api/v1/ceilings", {"year": 2026, "total": 2_000_000}).status_code == 200
    _put(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key(
        "07", [1_400_000, 0, 0], justification="New registrations from the 2025 ID Poor round double the caseload.")]})
    refused = _post(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"})
    assert [r["code"] for r in refused.json["reasons"]] == ["above_ceiling_without_justification"]
    justification = {"above_ceiling_justification": "The floods of 2025 added 30 % to the caseload."}
    assert _put(budget, f"/api/v1/submissions/{sid}", justification).status_code == 200
    submitted = _post(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"})
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"

    # Read-only now, for everyone, with the reason.
    edit = _put(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("07", [1, 1, 1])]})
    assert edit.status_code == 409 and "read-only" in edit.json["detail"]
    assert _post(budget, f"/api/v1/submissions/{sid}/actions", {"action": "endorse"}).status_code == 403
    assert _post(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "return"}).status_code == 422
    returned = _post(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "return", "comment": "Cost Kep again."})
    assert returned.json["status"] == "returned"
    _put(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("08", [950_000, 0, 0])]})
    again = _post(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"})
    assert again.json["status"] == "submitted" and again.json["version"] == 2
    diff = budget.get(f"/api/v1/submissions/{sid}/diff?from=1&to=2").json
    assert diff["lines"]["changed"] == [{"entity": "08", "cluster": "P1.1.1", "economic_code": "62",
                                         "funding_source": "RGC",
                                         "changes": {"request": {"before": [1_000_000] * 3,
                                                                 "after": [950_000, 0, 0]}}}]
    assert diff["lines"]["added"] == [] and diff["lines"]["removed"] == []
    assert _post(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "endorse"}).json["status"] == "endorsed"
    assert _post(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "endorse"}).status_code == 409
    assert _post(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "reopen"}).json["status"] == "returned"
    history = budget.get(f"/api/v1/submissions/{sid}").json["history"]
    assert [h["action"] for h in history] == ["open", "above_ceiling_justification", "submit", "return", "submit",
                                              "endorse", "reopen"]
    assert history[3]["comment"] == "Cost Kep again." and history[3]["by"] == "reviewer"


def test_a_director_reads_and_writes_only_his_province(cycle_db, client_as) -> None:
    budget, sid = _open(client_as)
    director = client_as("director07")
    document = director.get(f"/api/v1/submissions/{sid}").json
    assert {line["entity"] for line in document["lines"]} == {"07"}
    assert {t["unit"] for t in document["targets"]} == {"07"}
    assert document["totals"]["request"][0] == 2_200_000  # the national total is shown
    assert director.get(f"/api/v1/submissions/{sid}/versions/1").status_code == 404
    # Closed to provinces: not even his own line.
    closed = _put(director, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("07", [5, 5, 5])]})
    assert closed.status_code == 403
    assert _put(budget, f"/api/v1/submissions/{sid}", {"open_to_provinces": True}).status_code == 200
    before = table_counts(cycle_db)
    other = _put(director, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("07", [5, 5, 5]),
                                                                          _line_key("08", [5, 5, 5])]})
    assert other.status_code == 403
    assert table_counts(cycle_db)["audit_log"] == before["audit_log"] + 1  # the refusal, nothing else
    with session_scope(cycle_db) as session:
        assert {line.request_y1 for line in session.scalars(select(SubmissionLine))} == {1_200_000, 1_000_000}
    national = _put(director, f"/api/v1/submissions/{sid}/targets",
                    {"targets": [{"indicator": "FP_PW", "unit": "00", "target": [1, 1, 1]}]})
    assert national.status_code == 403
    own = _put(director, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("07", [1_300_000, 0, 0])]})
    assert own.status_code == 200
    done = _put(director, f"/api/v1/submissions/{sid}/provinces/07", {"done": True})
    assert done.json["provinces"] == [{"province": "07", "done": True, "done_by": "director07",
                                       "done_at": done.json["provinces"][0]["done_at"]}]
    assert _put(director, f"/api/v1/submissions/{sid}/provinces/08", {"done": True}).status_code == 403
    progress = budget.get(f"/api/v1/submissions/{sid}").json["provinces"]
    assert [p["province"] for p in progress if p["done"]] == ["07"] and len(progress) == 25
    # Directors take no transition.
    assert _post(director, f"/api/v1/submissions/{sid}/actions", {"action": "submit"}).status_code == 403


def test_the_stale_save_is_refused_and_the_newer_value_shown(cycle_db, client_as) -> None:
    budget, sid = _open(client_as)
    colleague = client_as("budget_unit")
    read = _line(budget.get(f"/api/v1/submissions/{sid}").json, "07")
    first = _put(budget, f"/api/v1/submissions/{sid}/lines",
                 {"lines": [_line_key("07", [1_250_000, 0, 0], row_version=read["row_version"])]})
    assert first.status_code == 200 and first.json["lines"][0]["row_version"] == read["row_version"] + 1
    second = _put(colleague, f"/api/v1/submissions/{sid}/lines",
                  {"lines": [_line_key("07", [1_900_000, 0, 0], row_version=read["row_version"])]})
    assert second.status_code == 409 and second.json["error"] == "stale" and second.json["index"] == 0
    assert second.json["current"]["request"] == [1_250_000, 0, 0]
    assert second.json["current"]["updated_by"] == "budget"
    # Asking, with the old version, for what the line already holds is no conflict: nothing changes.
    same = _put(colleague, f"/api/v1/submissions/{sid}/lines",
                {"lines": [_line_key("07", [1_250_000, 0, 0], row_version=read["row_version"])]})
    assert same.status_code == 200 and same.json["changed"] == 0


def test_writes_need_json_and_csrf_with_a_cookie_but_not_with_a_token(cycle_db, client_as) -> None:
    budget, sid = _open(client_as)
    path = f"/api/v1/submissions/{sid}/lines"
    body = {"lines": [_line_key("07", [1_300_000, 0, 0])]}
    assert budget.put(path, json=body).status_code == 400  # no X-CSRFToken header
    assert budget.put(path, data={"lines": "x"}, headers=_csrf(budget)).status_code == 415
    from auth.users import create_token

    with session_scope(cycle_db) as session:
        token = create_token(session, "budget")
    anonymous = budget.application.test_client()
    answer = anonymous.put(path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json


@pytest.mark.parametrize(("line", "field"), [
    (_line_key("07", [-1, 0, 0]), "request"), (_line_key("07", ["12 apples", 0, 0]), "request"),
    (_line_key("07", [1.5, 0, 0]), "request"), (_line_key("07", [1, 2]), "request"),
    ({**_line_key("07", [1, 1, 1]), "cluster": "P9.9.9"}, "cluster"),
    ({**_line_key("07", [1, 1, 1]), "economic_code": "6211"}, "economic_code"),
    ({**_line_key("07", [1, 1, 1]), "entity": "26"}, "entity"),
    ({**_line_key("07", [1, 1, 1]), "justification": "x" * 5000}, "justification"),
])
def test_bad_lines_are_refused_and_nothing_is_stored(cycle_db, client_as, line: dict, field: str) -> None:
    budget, sid = _open(client_as)
    before = table_counts(cycle_db)
    answer = _put(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("08", [7, 7, 7]), line]})
    assert answer.status_code == 422 and answer.json["field"].startswith(field) and answer.json["index"] == 1
    assert table_counts(cycle_db) == before


def test_every_write_is_audited_with_before_and_after(cycle_db, client_as) -> None:
    budget, sid = _open(client_as)
    _put(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [_line_key("07", [1_300_000, 0, 0])]})
    with session_scope(cycle_db) as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "submission.line")).one()
        detail = json.loads(entry.detail)
        assert entry.username == "budget"
        assert detail["before"]["request"] == [1_200_000] * 3 and detail["after"]["request"] == [1_300_000, 0, 0]
        assert session.get(Submission, sid).status == "draft"
