"""The costing page's callbacks, posted as the renderer posts them (both databases).

The callbacks build the caller's scope on the server; the write layer decides. A save creates a
scenario, the preview lists every line and target that will change (old → new) and the confirm
applies them; a director can neither apply (whatever the browser sends) nor read another
province's share, and a submitted submission is refused in the user's words.
"""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest
from sqlalchemy import select, text

from db.engine import get_engine, session_scope
from db.models import CostingScenario, SubmissionLine
from etl.load import load_file
from tests.helpers.cycle import load_cycle, open_draft, post_json
from tests.helpers.web import callback_payload, dash_post, find_dependency
from tests.integration.test_costing_api import SCENARIO, _costing_reference

ROWS = [{"code": "TEST_B", "name": "Test benefit", "include": True, "amount": 10_000, "indexed": True,
         "take_up_0": 50, "take_up_1": 60, "take_up_2": 70, "admin": 10, "multiplier": 1}]


@pytest.fixture
def costing_db(app_db: str, tmp_path) -> str:
    """The API tests' cycle and costing sheets: a test benefit for Kampot (07) and Kandal (08)."""
    load_cycle(app_db, tmp_path)
    report = load_file(_costing_reference(), name="costing.xlsx", url=app_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    return app_db


def _post(client, output: str, values: dict, trigger: str | None = None) -> dict:
    dependency = find_dependency(client, output)
    payload = callback_payload(dependency, values)
    if trigger is not None:
        payload["changedPropIds"] = [trigger]
    answer = dash_post(client, payload)
    assert answer.status_code in (200, 204), answer.data[:500]
    return answer.get_json()["response"] if answer.status_code == 200 else {}


def _text(response: object) -> str:
    return json.dumps(response, ensure_ascii=False)


def _save(client, name: str = "page scenario", trigger: str = "costing-save.n_clicks", editing=None) -> dict:
    return _post(client, "costing-save-message", {
        "costing-save.n_clicks": 1, "costing-name.value": name, "costing-first-year.value": 2026,
        "costing-years.value": 3, "costing-grid.rowData": ROWS, "costing-editing.data": editing,
        "costing-refresh.data": {"n": 0, "select": None}}, trigger)


def test_a_save_creates_a_scenario_and_its_results_show(costing_db, client_as) -> None:
    budget = client_as("budget_unit")
    response = _save(budget)
    assert "Saved: page scenario." in _text(response["costing-save-message"])
    with session_scope(costing_db) as session:
        found = session.scalar(select(CostingScenario).where(CostingScenario.name == "page scenario"))
        body = json.loads(found.body)["benefits"][0]
        scenario_id = found.id
    assert response["costing-refresh"]["data"]["select"] == scenario_id
    assert body["take_up"] == [0.5, 0.6, 0.7] and body["admin_rate"] == pytest.approx(0.1) and body["indexed"]
    # Saved again as it is being edited (the version the first save answered): changed, not stale.
    editing = response["costing-editing"]["data"]
    assert editing == {"id": scenario_id, "row_version": 1, "name": "page scenario"}
    again = _save(budget, name="page scenario", editing=editing)
    assert "Saved: page scenario." in _text(again["costing-save-message"])
    assert again["costing-editing"]["data"]["row_version"] == 2
    stale = _save(budget, name="page scenario", editing=editing)  # the old version: someone saved since
    assert "changed this scenario meanwhile" in _text(stale["costing-save-message"])
    # Its results: the years table (Kampot 66 m + Kep 33 m in 2026) and a bar per benefit, with the band.
    shown = _post(budget, "costing-chart", {"costing-scenario.value": scenario_id,
                                            "costing-refresh.data": {"n": 1, "select": scenario_id}})
    assert "KHR 99.00 m" in _text(shown["costing-years-box"])
    traces = shown["costing-chart"]["figure"]["data"]
    assert traces[0]["type"] == "bar" and traces[-1]["error_y"]["visible"]
    # Saved as a copy under the same name: a second scenario, "Copy of …".
    copied = _save(budget, trigger="costing-copy.n_clicks",
                   editing={"id": scenario_id, "row_version": 2, "name": "page scenario"})
    assert "Copy of page scenario" in _text(copied["costing-save-message"])
    # A take-up that is not a number is refused in words, nothing saved.
    bad = _post(budget, "costing-save-message", {
        "costing-save.n_clicks": 1, "costing-name.value": "bad", "costing-first-year.value": 2026,
        "costing-years.value": 3, "costing-grid.rowData": [{**ROWS[0], "take_up_1": "lots"}]})
    assert "is not a number" in _text(bad["costing-save-message"])
    with session_scope(costing_db) as session:
        assert session.query(CostingScenario).count() == 2


def test_a_director_can_neither_apply_nor_read_another_provinces_share(costing_db, client_as) -> None:
    budget, submission = open_draft(client_as)
    scenario_id = post_json(budget, "/api/v1/costing/scenarios", SCENARIO).json["scenario"]["id"]
    director = client_as("director07")
    # Saving is refused by the write layer, in the user's words.
    assert "does not allow you to change" in _text(_save(director)["costing-save-message"])
    # Preview and confirm (with a plan the browser made up) are refused; nothing changes.
    refused = _post(director, "costing-preview-message", {
        "costing-preview.n_clicks": 1, "costing-scenario.value": scenario_id, "costing-submission.value": submission})
    assert "Only the budget unit may apply" in _text(refused["costing-preview-message"])
    assert refused["costing-confirm-box"]["hidden"] is True
    forged = _post(director, "costing-apply-message", {
        "costing-confirm.n_clicks": 1, "costing-plan.data": {"scenario": scenario_id, "submission": submission}})
    assert "Only the budget unit may apply" in _text(forged["costing-apply-message"])
    # MEF creates and reads scenarios but never applies one either.
    reviewer = client_as("mef_reviewer")
    assert "Saved: page scenario." in _text(_save(reviewer)["costing-save-message"])
    mef = _post(reviewer, "costing-preview-message", {
        "costing-preview.n_clicks": 1, "costing-scenario.value": scenario_id, "costing-submission.value": submission})
    assert "Only the budget unit may apply" in _text(mef["costing-preview-message"])
    with get_engine(costing_db).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'costing.apply'")).scalar_one() == 0
    # The director's results are Kampot's share only: the table, and the download.
    shown = _post(director, "costing-chart", {"costing-scenario.value": scenario_id})
    assert "KHR 66.00 m" in _text(shown["costing-years-box"]) and "KHR 99.00 m" not in _text(shown)
    download = _post(director, "costing-download", {"costing-download-csv.n_clicks": 1,
                                                    "costing-scenario.value": scenario_id},
                     trigger="costing-download-csv.n_clicks")["costing-download"]["data"]
    content = base64.b64decode(download["content"]).decode("utf-8-sig")
    units = {row[1] for row in list(csv.reader(io.StringIO(content)))[1:]}
    assert units == {"07"}
    # The budget unit reads both provinces.
    budget_download = _post(budget, "costing-download", {"costing-download-xlsx.n_clicks": 1,
                                                         "costing-download-csv.n_clicks": 1,
                                                         "costing-scenario.value": scenario_id},
                            trigger="costing-download-csv.n_clicks")["costing-download"]["data"]
    rows = list(csv.reader(io.StringIO(base64.b64decode(budget_download["content"]).decode("utf-8-sig"))))[1:]
    assert {row[1] for row in rows} == {"07", "08"}


def test_the_preview_lists_the_changes_and_the_confirm_applies_them(costing_db, client_as) -> None:
    budget, submission = open_draft(client_as)
    scenario_id = post_json(budget, "/api/v1/costing/scenarios", SCENARIO).json["scenario"]["id"]
    preview = _post(budget, "costing-preview-message", {
        "costing-preview.n_clicks": 1, "costing-scenario.value": scenario_id, "costing-submission.value": submission})
    table = _text(preview["costing-preview-box"])
    assert "will change" in _text(preview["costing-preview-message"])
    assert "07 Kampot" in table and "08 Kandal" in table
    assert "KHR 1.20 m → KHR 66.00 m" in table  # Kampot's line of 2026, old → new
    assert "→ 500" in table  # Kampot's target of 2026
    assert preview["costing-confirm-box"]["hidden"] is False
    plan = preview["costing-plan"]["data"]
    with session_scope(costing_db) as session:  # a preview writes nothing
        assert session.scalar(select(SubmissionLine.request_y1).where(
            SubmissionLine.submission_id == submission, SubmissionLine.entity_code == "07",
            SubmissionLine.cluster_code == "P1.1.1")) == 1_200_000
    applied = _post(budget, "costing-apply-message", {"costing-confirm.n_clicks": 1, "costing-plan.data": plan})
    assert "Applied:" in _text(applied["costing-apply-message"])
    with session_scope(costing_db) as session:
        assert session.scalar(select(SubmissionLine.request_y1).where(
            SubmissionLine.submission_id == submission, SubmissionLine.entity_code == "07",
            SubmissionLine.cluster_code == "P1.1.1")) == 66_000_000
    # Once submitted, the preview says why in words and offers no confirm; the confirm is refused.
    with get_engine(costing_db).begin() as conn:
        conn.execute(text("UPDATE submission SET status = 'submitted' WHERE id = :id"), {"id": submission})
    again = _post(budget, "costing-preview-message", {
        "costing-preview.n_clicks": 1, "costing-scenario.value": scenario_id, "costing-submission.value": submission})
    assert "Submitted to MEF: it cannot change now" in _text(again["costing-preview-message"])
    assert again["costing-confirm-box"]["hidden"] is True
    refused = _post(budget, "costing-apply-message", {"costing-confirm.n_clicks": 1, "costing-plan.data": plan})
    assert "cannot change now" in _text(refused["costing-apply-message"])
