"""The figures beside a submission's lines and targets (``db.queries.submission.annotate``), on
hand-worked values of the small cycle (tests/helpers/cycle.py), on SQLite and PostgreSQL.

Last year's figures come from the query cache until the next load; the requests they are held
against are the submission's own, so a saved line moves the implied unit costs at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db.engine import session_scope
from db.queries import submission as reads
from domain.access import Scope
from tests.helpers.cycle import line_key, load_cycle, open_draft, put_json

BUDGET = Scope(user_id=1, username="budget", role="budget_unit")
KAMPOT_DIRECTOR = Scope(user_id=2, username="director07", role="provincial_director", province="07")


@pytest.fixture
def cycle_db(app_db: str, tmp_path: Path) -> str:
    return load_cycle(app_db, tmp_path)


def _targets(url: str, scope: Scope, sid: int) -> dict[tuple[str, str], dict]:
    with session_scope(url) as session:
        view = reads.view(session, scope, sid)
    return {(t["indicator"], t["unit"]): t for t in view.targets.to_dict("records")}


def test_implied_and_observed_unit_costs_by_hand(cycle_db, client_as) -> None:
    budget, sid = open_draft(client_as)
    targets = _targets(cycle_db, BUDGET, sid)
    # Requests start at 2025's revised: Kampot 1,200,000, Kep 1,000,000, both in P1.1.1, FP_PW's cluster.
    assert targets[("FP_PW", "00")]["linked_request"] == 2_200_000  # national: every entity's lines
    assert targets[("FP_PW", "07")]["linked_request"] == 1_200_000
    assert targets[("FP_PW", "08")]["linked_request"] == 1_000_000
    assert targets[("FP_PW", "09")]["linked_request"] == 0  # a linked cluster, no line of its own
    # Kep: target 100 (2025's), so 10,000 a person; observed 2024: 900,000 ÷ 90 = 10,000, no gap.
    kep = targets[("FP_PW", "08")]
    assert kep["implied_unit_cost"] == pytest.approx(10_000) and kep["observed_unit_cost"] == pytest.approx(10_000)
    assert (kep["cost_basis"], kep["unit_cost_gap"], kep["flags"]) == ("full_year", pytest.approx(0.0), [])
    assert kep["baseline"] == 98 and kep["status"] == "on_track"
    # National figures are the provinces' sums: 2025 actual 198 of a target of 300, so
    # 2,200,000 ÷ 300 a person; observed 2024: 1,900,000 paid ÷ 190 = 10,000.
    national = targets[("FP_PW", "00")]
    assert (national["baseline"], national["target_y1"]) == (198, 300)
    assert national["implied_unit_cost"] == pytest.approx(2_200_000 / 300)
    assert national["observed_unit_cost"] == pytest.approx(10_000) and national["cost_basis"] == "full_year"
    assert national["flags"] == ["unit_cost_gap"]  # 26.7 % under

    with session_scope(cycle_db) as session:
        lines = reads.view(session, BUDGET, sid).lines.set_index("entity")
    assert lines.loc["07", "linked_indicators"] == [{"indicator": "FP_PW", "achievement": pytest.approx(0.5),
                                                     "status": "off_track"}]
    assert lines.loc["08", "linked_indicators"] == [{"indicator": "FP_PW", "achievement": pytest.approx(0.98),
                                                     "status": "on_track"}]
    assert bool(lines.loc["07", "linked_off_track"]) and not bool(lines.loc["08", "linked_off_track"])
    assert bool(lines.loc["07", "cost_gap"]) and not bool(lines.loc["08", "cost_gap"])

    # A director sees his province's target, funded by his province's lines only.
    mine = _targets(cycle_db, KAMPOT_DIRECTOR, sid)
    assert {unit for _indicator, unit in mine} == {"07"}
    assert mine[("FP_PW", "07")]["linked_request"] == 1_200_000

    # Kep's line halved: its implied cost and the national sum follow at once (no load between).
    assert put_json(budget, f"/api/v1/submissions/{sid}/lines",
                    {"lines": [line_key("08", [500_000, 0, 0])]}).status_code == 200
    targets = _targets(cycle_db, BUDGET, sid)
    assert targets[("FP_PW", "00")]["linked_request"] == 1_700_000
    kep = targets[("FP_PW", "08")]
    assert kep["implied_unit_cost"] == pytest.approx(5_000) and kep["unit_cost_gap"] == pytest.approx(-0.5)
    assert kep["flags"] == ["unit_cost_gap"]
