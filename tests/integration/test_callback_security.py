"""Crafted callback requests: every callback is a public endpoint, and the scope holds.

As the Kampot director, every callback listed by /_dash-dependencies is posted with every
province code in its inputs; no answer may carry a Siem Reap figure (taken from the API as the
budget unit). The reviewer's upload through the data page's background callback is refused.
"""

import json
import re

from sqlalchemy import text

from components.format import format_khr
from db.engine import get_engine
from tests.helpers.web import callback_payload, dash_post, is_upload, run_background, upload_payload
from tests.helpers.workbooks import exec_row, execution_xlsx

YEAR, PERIOD = 2025, "2025-09"
CODES = [f"{n:02d}" for n in range(1, 26)]
METRICS = ["execution_rate", "score", "completeness", "unit_cost"]


def siem_reap_figures(client) -> set[str]:
    """Siem Reap's own numbers, as the budget unit reads them, in the forms a page could show."""
    figures: set[str] = set()
    for period in ("", f"&period={PERIOD}"):
        rows = client.get(f"/api/v1/budget?year={YEAR}&entity=17&group_by=programme{period}").get_json()["rows"]
        rows += client.get(f"/api/v1/budget?year={YEAR}&entity=17{period}").get_json()["rows"]
        for row in rows:
            for key in ("revised", "paid", "committed"):
                if row[key] > 10_000:
                    figures |= {str(row[key]), f"{row[key]:,}", format_khr(row[key])}
    values = client.get(f"/api/v1/indicators?year={YEAR}&unit=17").get_json()["rows"]
    for row in values:
        for key in ("target", "actual"):
            if row[key] is not None and row[key] >= 1000:  # small counts could match by chance
                figures |= {str(int(row[key])), f"{int(row[key]):,}"}
    assert len(figures) > 10
    return figures


def inputs_for(dependency: dict, code: str, metric: str) -> dict:
    values = {}
    for spec in dependency["inputs"] + dependency["state"]:
        key = f"{spec['id']}.{spec['property']}"
        prop, cid = spec["property"], spec["id"]
        if cid.endswith("-year"):
            values[key] = YEAR
        elif cid.endswith("-period"):
            values[key] = PERIOD
        elif cid.endswith("-asked"):
            values[key] = {"year": str(YEAR), "period": PERIOD}
        elif cid.endswith("-metric"):
            values[key] = metric
        elif cid == "scorecard-code":
            values[key] = code
        elif prop == "n_clicks":
            values[key] = 1
        elif prop == "cellClicked":
            values[key] = {"colId": "name", "rowId": code, "value": code}
        elif prop == "pathname":
            values[key] = f"/scorecard/{code}"
        elif prop == "search":
            values[key] = f"?year={YEAR}&period={PERIOD}"
        elif cid == "data-report" and prop == "rowData":
            values[key] = [{"file": "x", "sheet": "s", "row": 1, "column": "c", "value": code, "expected": "",
                            "message": "m", "severity": "error"}]
        elif prop in ("data", "value"):
            values[key] = 1
    return values


def for_one_card(body: dict, code: str) -> dict:
    """A pattern-matching (MATCH) callback's wildcard ids made into one card's, as the renderer
    sends them: an explanation card's key names the province (``period/unit/indicator``)."""

    def concrete(spec):
        if isinstance(spec, list):
            return [concrete(s) for s in spec]
        if not (isinstance(spec["id"], str) and '["MATCH"]' in spec["id"]):
            return spec
        cid = {k: f"{PERIOD}/{code}/FP_PW" if v == ["MATCH"] else v for k, v in json.loads(spec["id"]).items()}
        return {**spec, "id": cid, **({"value": cid} if spec["property"] == "id" else {})}

    return {**body, **{key: concrete(body[key]) for key in ("outputs", "inputs", "state")}}


def test_no_callback_answers_the_kampot_director_with_a_siem_reap_figure(demo_client_as, demo_db):
    figures = siem_reap_figures(demo_client_as("budget_unit"))
    director = demo_client_as("director07")
    dependencies = director.get("/_dash-dependencies").get_json()
    assert len(dependencies) >= 15
    posted = 0
    for dependency in dependencies:
        if dependency.get("clientside_function") or is_upload(dependency):
            continue  # the upload is a background job: tested on its own below
        metrics = METRICS if any(s["id"].endswith("-metric") for s in dependency["inputs"]) else METRICS[:1]
        for code in CODES:
            for metric in metrics:
                answer = dash_post(director, for_one_card(callback_payload(dependency, inputs_for(dependency, code,
                                                                                               metric)), code))
                assert answer.status_code in (200, 204), (dependency["output"], code, answer.data[:300])
                body = answer.get_data(as_text=True)
                # A figure counts as shown when it stands alone, not as digits inside a longer number
                # (grids now carry raw national sums and rates such as 0.6543020…).
                leaked = [f for f in figures if re.search(rf"(?<![\d.,]){re.escape(f)}(?!\d)", body)]
                assert not leaked, (dependency["output"], code, metric, leaked[:3])
                posted += 1
    assert posted > 300
    # The refusals were written to the audit log (scorecard 17 through the router, at least).
    with get_engine(demo_db).connect() as conn:
        refused = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'forbidden' "
                                    "AND username = 'director07'")).scalar_one()
    assert refused >= 24


def test_the_reviewer_cannot_load_through_the_upload_callback(demo_client_as, demo_db):
    reviewer = demo_client_as("mef_reviewer")
    with get_engine(demo_db).connect() as conn:
        before = conn.execute(text("SELECT COUNT(*) FROM load_batch")).scalar_one()
    response = run_background(reviewer, upload_payload(
        reviewer, execution_xlsx([exec_row(period="2025-10")]), "sneaky.xlsx"))
    assert response["data-summary"]["children"] == "Your role does not allow you to open this page."
    assert response["data-report"]["rowData"] == []
    with get_engine(demo_db).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM load_batch")).scalar_one() == before
        assert conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'forbidden' "
                                 "AND username = 'reviewer'")).scalar_one() >= 1


def test_the_budget_unit_loads_through_the_upload_callback(demo_client_as, demo_db):
    budget = demo_client_as("budget_unit")
    good = run_background(budget, upload_payload(
        budget, execution_xlsx([exec_row(period="2025-10", paid=4242)]), "october.xlsx"))
    assert "october.xlsx: loaded — 1 execution row(s) as batch" in str(good["data-summary"]["children"])
    bad = run_background(budget, upload_payload(
        budget, execution_xlsx([exec_row(period="2025-10", paid=-1)]), "broken.xlsx"))
    assert [(r["row"], r["column"]) for r in bad["data-report"]["rowData"]] == [(2, "paid")]
    with get_engine(demo_db).connect() as conn:
        rows = conn.execute(text("SELECT file_name, status FROM load_batch WHERE loaded_by = 'budget' "
                                 "ORDER BY id")).all()
        assert rows == [("october.xlsx", "loaded"), ("broken.xlsx", "rejected")]
        assert conn.execute(text("SELECT paid FROM budget_fact WHERE period = '2025-10'")).scalars().all() == [4242]
