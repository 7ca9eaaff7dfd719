"""The demo's indicators carry baselines, so that its scorecards show one on every row."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db.engine import get_engine


def _card(client, province: str, year: int, period: str) -> dict[str, dict]:
    answer = client.get(f"/api/v1/scorecard?year={year}&province={province}&period={period}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    rows = answer.get_json()["rows"]
    assert rows, f"no scorecard rows for {province} {period}"
    return {r["indicator"]: r for r in rows}


def test_every_demo_indicator_value_has_a_baseline(demo_db):
    with get_engine(demo_db).connect() as conn:
        missing = conn.execute(text("SELECT COUNT(*) FROM indicator_value WHERE baseline IS NULL")).scalar_one()
        total = conn.execute(text("SELECT COUNT(*) FROM indicator_value")).scalar_one()
        unrolled = conn.execute(text("SELECT COUNT(*) FROM indicator_mart WHERE baseline IS NULL")).scalar_one()
    assert total > 0 and missing == 0 and unrolled == 0


@pytest.mark.parametrize(("person", "province"), [("budget_unit", "17"), ("director07", "07")])
def test_the_scorecard_rows_have_baselines(demo_client_as, person, province):
    client = demo_client_as(person)
    for year, period in ((2025, "2025-06"), (2022, "2022-03")):  # a later year, and the first
        card = _card(client, province, year, period)
        assert all(row["baseline"] is not None for row in card.values()), card


def test_a_baseline_is_the_same_quarter_of_the_year_before(demo_client_as):
    client = demo_client_as("director07")
    this_year = _card(client, "07", 2025, "2025-06")
    last_year = _card(client, "07", 2024, "2024-06")
    # Reported by the province itself (FP_OLD, a sum) and rolled up from its communes (FP_PW).
    for indicator in ("FP_OLD", "FP_PW", "STAFF_TRAINED"):
        assert this_year[indicator]["baseline"] == last_year[indicator]["actual"], indicator
    # The first year has no year before: its baselines are figures short of the target (above
    # it for payment days, where fewer is better), not copies of it.
    first = _card(client, "07", 2022, "2022-06")
    assert 0 < first["FP_OLD"]["baseline"] < first["FP_OLD"]["target"]
    assert first["PAY_DAYS"]["baseline"] > first["PAY_DAYS"]["target"]
