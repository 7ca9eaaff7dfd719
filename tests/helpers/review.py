"""A hearing to review in the tests: two provinces off track, next year's request submitted to
MEF, each province's deviation explained; and the review page's callbacks posted as the
renderer posts them."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import text

from db import review as review_writes
from db import submissions as writes
from db.engine import get_engine, session_scope
from domain.access import Scope
from etl.load import load_file
from tests.helpers.web import callback_payload, dash_post
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

YEAR = 2026
JUSTIFIED = "Registrations from the 2025 ID Poor round double the caseload in the province."
# Kampot's request grows while its indicator is off track and it spends slowly (flagged); Kandal's
# stays at this year's revised budget (no flag of its own).
REQUESTS = {"07": 1_500_000, "08": 1_000_000}
EXPLANATIONS = {
    "07": ("Payments stopped for two months when the provider changed.",
           "Arrears paid in October; monthly reconciliation with the provider."),
    "08": ("Kandal's outreach team was half staffed until August.",
           "Two social workers recruited; home visits doubled."),
}


def _load(url: str, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = load_file(path, url=url)
    assert report.status == "loaded", [p.render() for p in report.problems]


def scope_of(url: str, username: str, role: str, province: str | None = None) -> Scope:
    """The scope of a test person (made by ``add_people``), or of a director made up here."""
    with get_engine(url).connect() as conn:
        found = conn.execute(text("SELECT id FROM app_user WHERE username = :u"), {"u": username}).scalar()
    return Scope(found or 0, username, role, province)


def budget(url: str) -> writes.Actor:
    return writes.Actor(scope_of(url, "budget", "budget_unit"))


def reviewer(url: str) -> writes.Actor:
    return writes.Actor(scope_of(url, "reviewer", "mef_reviewer"))


def hearing(url: str, tmp_path: Path) -> dict:
    """2024 and 2025 (to September) for Kampot (07) and Kandal (08), one cluster (P1.1.1, chapter
    62); both provinces' FP_PW off track at September and explained by their directors; the
    2026 request submitted as version 1. Returns the submission's id and its lines' ids by entity.

    Kampot: 2025 revised 1,200,000, paid 300,000; 100 of a target of 200 persons (50 %).
    Kandal: 2025 revised 1,000,000, paid 700,000; 40 of 100 (40 %).
    """
    load_reference(url, tmp_path)
    _load(url, tmp_path, "exec-2024.xlsx", execution_xlsx([
        exec_row("07", "2024-12", revised=1_000_000, paid=1_000_000, committed=1_000_000, year=2024),
        exec_row("08", "2024-12", revised=900_000, paid=900_000, committed=900_000, year=2024)]))
    _load(url, tmp_path, "exec-2025.xlsx", execution_xlsx([
        exec_row("07", "2025-09", revised=1_200_000, paid=300_000, committed=400_000),
        exec_row("08", "2025-09", revised=1_000_000, paid=700_000, committed=800_000)]))
    _load(url, tmp_path, "ind-2024.xlsx", indicators_xlsx([
        [2024, "2024-12", "07", "FP_PW", None, 120, 100], [2024, "2024-12", "08", "FP_PW", None, 90, 90]]))
    _load(url, tmp_path, "ind-2025.xlsx", indicators_xlsx([
        [2025, "2025-09", "07", "FP_PW", 100, 200, 100], [2025, "2025-09", "08", "FP_PW", 90, 100, 40]]))
    with session_scope(url) as session:
        sid = writes.open_submission(session, budget(url), YEAR).id
    lines = line_ids(url)
    with session_scope(url) as session:
        writes.save_lines(session, budget(url), sid, [
            {"entity": entity, "cluster": "P1.1.1", "economic_code": "62", "funding_source": "RGC",
             "request": [amount, amount, amount], "justification": JUSTIFIED}
            for entity, amount in REQUESTS.items()])
        for unit, (reason, action) in EXPLANATIONS.items():
            director = writes.Actor(Scope(0, f"director{unit}", "provincial_director", unit))
            review_writes.explain(session, director, {"year": 2025, "period": "2025-09", "unit": unit,
                                                      "indicator": "FP_PW", "reason": reason, "action": action})
        writes.act(session, budget(url), sid, "submit")
    return {"submission": sid, "lines": lines}


def line_ids(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return dict(conn.execute(text("SELECT entity_code, id FROM submission_line "
                                      "WHERE submission_id = (SELECT MIN(id) FROM submission)")).all())


# --- the page's callbacks ------------------------------------------------------------------------------


def dependency(client: FlaskClient, output: str) -> dict:
    """The callback whose outputs include ``output`` (``component.property``)."""
    for found in client.get("/_dash-dependencies").get_json():
        if output in found["output"].strip(".").split("..."):
            return found
    raise AssertionError(f"no callback outputs {output}")


def post(client: FlaskClient, output: str, values: dict, *, changed: str | None = None,
         patterns: dict | None = None) -> dict:
    """Post the callback of ``output`` with ``values`` (``"id.prop": value``) as the renderer
    does; ``changed`` is the input that fired it; ``patterns`` gives the values of pattern-matching
    (ALL) inputs and states as lists of ``(id dict, value)``. Returns the response's outputs."""
    found = dependency(client, output)
    payload = callback_payload(found, values)
    for part in ("inputs", "state"):
        for index, spec in enumerate(found[part]):
            if spec["id"].startswith("{"):
                import json

                wanted = json.loads(spec["id"])
                key = (wanted["type"], spec["property"])
                payload[part][index] = [{"id": ident, "property": spec["property"], "value": value}
                                        for ident, value in (patterns or {}).get(key, [])]
    if changed is not None:
        payload["changedPropIds"] = [changed]
    answer = dash_post(client, payload)
    assert answer.status_code in (200, 204), answer.get_data(as_text=True)[:800]
    return answer.get_json()["response"] if answer.status_code == 200 else {}
