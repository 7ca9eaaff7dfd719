"""On the Data page, a replacement is seen before and after, and a large one is confirmed."""

from __future__ import annotations

from sqlalchemy import text

from db.engine import get_engine
from tests.helpers.web import run_background, upload_payload
from tests.helpers.workbooks import exec_row, execution_xlsx

KAMPOT_JUNE = execution_xlsx([exec_row(entity="07", period="2025-06", paid=639_500_000, revised=700_000_000,
                                       approved=700_000_000, committed=650_000_000)])


def _kampot_june(url: str) -> tuple[int, int]:
    with get_engine(url).connect() as conn:
        return tuple(conn.execute(text("SELECT COUNT(*), SUM(paid) FROM budget_fact WHERE entity_code = '07' "
                                       "AND period = '2025-06'")).one())


def test_a_large_replacement_is_listed_then_loaded_only_when_confirmed(demo_client_as, demo_db):
    budget = demo_client_as("budget_unit")
    before = _kampot_june(demo_db)
    assert before[0] > 2

    # Check only: the page lists what would be replaced, and nothing changes.
    check = upload_payload(budget, KAMPOT_JUNE, "kampot-june.xlsx")
    check["state"] = [{**s, "value": ["dry"]} if s["id"] == "data-dry-run" else s for s in check["state"]]
    checked = run_background(budget, check)
    summary = str(checked["data-summary"]["children"])
    assert f"would replace 07 Kampot, 2025-06: {before[0]} rows → 1" in summary
    assert "→ KHR 639,500,000" in summary and "checked, nothing loaded — a valid execution file" in summary
    assert _kampot_june(demo_db) == before
    assert checked["data-load-now-box"]["hidden"] is False  # "Load these files", no second choosing

    # Loading it (the button after the check): refused, with the same listing and a button to confirm.
    load_now = upload_payload(budget, KAMPOT_JUNE, "kampot-june.xlsx")
    load_now["state"] = check["state"]
    load_now["inputs"] = [{**i, "value": 1} if i["id"] == "data-load-now" else i for i in load_now["inputs"]]
    load_now["changedPropIds"] = ["data-load-now.n_clicks"]
    refused = run_background(budget, load_now)
    assert refused["data-confirm-box"]["hidden"] is False and refused["data-load-now-box"]["hidden"] is True
    assert [r["severity"] for r in refused["data-report"]["rowData"]] == ["error"]
    assert "more than half would go" in refused["data-report"]["rowData"][0]["message"]
    assert _kampot_june(demo_db) == before

    # Confirmed: loaded, and the page says what was replaced.
    confirm = upload_payload(budget, KAMPOT_JUNE, "kampot-june.xlsx")
    confirm["inputs"] = [{**i, "value": 1} if i["id"] == "data-confirm" else i for i in confirm["inputs"]]
    confirm["changedPropIds"] = ["data-confirm.n_clicks"]
    loaded = run_background(budget, confirm)
    summary = str(loaded["data-summary"]["children"])
    assert "kampot-june.xlsx: loaded — 1 execution row(s) as batch" in summary
    assert f"replaced 07 Kampot, 2025-06: {before[0]} rows → 1" in summary
    assert loaded["data-confirm-box"]["hidden"] is True
    assert _kampot_june(demo_db) == (1, 639_500_000)
    with get_engine(demo_db).connect() as conn:
        partly = conn.execute(text("SELECT file_name, partly_replaced_by FROM load_batch "
                                   "WHERE partly_replaced_by <> ''")).all()
    assert [name for name, _ in partly] == ["execution-2025-06.xlsx"]
