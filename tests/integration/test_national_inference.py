"""A director cannot compute another province's figures from national totals.

National totals are sums over every entity. When one province has reported August but not
September, August's national budget minus September's was that province's budget, row by row
with a grouping. A director therefore reads national figures only of periods every entity has
reported; these tests try the differences a curious director would try, for every province.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd
import pytest
from sqlalchemy import text

from db.engine import session_scope
from db.queries.budget import AMOUNTS, budget
from db.queries.cache import clear
from db.queries.common import NationalWithheld, complete_periods
from db.queries.indicators import indicator_values, scorecard
from db.queries.overview import selector_data
from domain.access import Scope
from tests.helpers.workbooks import exec_row, execution_xlsx, load_reference

PROVINCES = [f"{n:02d}" for n in range(1, 26)]
GROUPINGS = [(), ("programme",), ("programme", "subprogramme", "economic_code", "funding_source")]
BUDGET_UNIT = Scope(user_id=1, username="budget", role="budget_unit")


def director(province: str) -> Scope:
    return Scope(user_id=2, username=f"d{province}", role="provincial_director", province=province)


def _national(session, scope, year, period, grouping) -> pd.DataFrame | None:
    try:
        return budget(session, scope, year=year, period=period, group_by=list(grouping))
    except NationalWithheld:
        return None


def _rows_of(frame: pd.DataFrame, grouping) -> dict[tuple, tuple[int, ...]]:
    keys = list(grouping)
    return {tuple(r[k] for k in keys): tuple(int(r[a]) for a in AMOUNTS)
            for r in frame.to_dict(orient="records")}


def test_no_difference_of_national_budgets_isolates_a_province_in_the_demo(demo_db):
    year = 2025
    with session_scope(demo_db) as session:
        periods = sorted(p for y, p in session.execute(
            text("SELECT DISTINCT fiscal_year, period FROM budget_mart")) if y == year)
        complete, _ = complete_periods(session, "budget")[year]
        # The demo's late provinces leave August and September incomplete.
        assert complete == tuple(p for p in periods if p <= "2025-07")
        for grouping in GROUPINGS:
            # Each province's own figures, as the budget unit reads them, period by period.
            own = {(q, p): _rows_of(budget(session, BUDGET_UNIT, year=year, period=p, entity=q,
                                           group_by=list(grouping)), grouping)
                   for q in PROVINCES for p in periods}
            shown = {}
            for p in periods:
                answers = {_national(session, director(d), year, p, grouping) is None for d in PROVINCES}
                assert len(answers) == 1, "every director reads the same national figures"
                frame = _national(session, director("07"), year, p, grouping)
                assert (frame is None) == (p not in complete)
                if frame is not None:
                    shown[p] = _rows_of(frame, grouping)
            # The year without a period: the newest complete period, not each entity's latest.
            year_level = _rows_of(budget(session, director("07"), year=year, group_by=list(grouping)), grouping)
            assert year_level == shown[complete[-1]]
            for first, second in combinations(shown, 2):
                for key in shown[first].keys() | shown[second].keys():
                    a = shown[first].get(key, (0,) * 4)
                    b = shown[second].get(key, (0,) * 4)
                    for difference in ({tuple(x - y for x, y in zip(a, b, strict=True))}
                                       | {tuple(y - x for x, y in zip(a, b, strict=True))}):
                        for q in PROVINCES:
                            for p in (first, second):
                                figures = own[(q, p)].get(key)
                                # Approved and revised (constant over the year) are what an
                                # August-minus-September difference gave away.
                                if figures and any(figures[:2]):
                                    assert difference[:2] != figures[:2], (grouping, first, second, key, q)


def test_the_reported_attack_is_refused_with_the_reason(demo_client_as):
    director07 = demo_client_as("director07")
    august = director07.get("/api/v1/budget?year=2025&period=2025-08")
    september = director07.get("/api/v1/budget?year=2025&period=2025-09&group_by=programme,subprogramme,"
                               "economic_code,funding_source")
    for answer in (august, september):
        assert answer.status_code == 403
        body = answer.get_json()
        assert body["error"] == "withheld" and body["latest_complete_period"] == "2025-07"
        assert "not every province has reported" in body["detail"]
    july = director07.get("/api/v1/budget?year=2025&period=2025-07").get_json()
    assert july["rows"][0]["revised"] > 0
    # The budget unit and MEF read every period as before.
    assert demo_client_as("budget_unit").get("/api/v1/budget?year=2025&period=2025-09").status_code == 200
    # The director's own province, at any period, is his or hers to read.
    own = director07.get("/api/v1/budget?year=2025&period=2025-09&entity=07")
    assert own.status_code == 200


def test_national_indicator_roll_ups_and_the_mean_score_follow_the_same_rule(demo_db):
    with session_scope(demo_db) as session:
        complete, reported = complete_periods(session, "indicators")[2025]
        assert complete == ("2025-03", "2025-06") and "2025-09" in reported
        with pytest.raises(NationalWithheld):
            indicator_values(session, director("07"), year=2025, period="2025-09", unit="00")
        # Without a unit, the director asks for national and own rows: refused as a whole for an
        # incomplete period, so that no answer silently lacks the national rows.
        with pytest.raises(NationalWithheld):
            indicator_values(session, director("07"), year=2025, period="2025-09")
        own = indicator_values(session, director("07"), year=2025, period="2025-09", unit="07")
        assert not own.empty
        year_level = indicator_values(session, director("07"), year=2025)
        assert set(year_level.loc[year_level["unit"] == "00", "period"]) == {"2025-06"}
        # Targets of the national roll-up never differ between complete periods by one province.
        june = indicator_values(session, director("07"), year=2025, period="2025-06", unit="00")
        march = indicator_values(session, director("07"), year=2025, period="2025-03", unit="00")
        targets = june.set_index("indicator")["target"] - march.set_index("indicator")["target"]
        for q in PROVINCES:
            theirs = indicator_values(session, BUDGET_UNIT, year=2025, period="2025-06", unit=q)
            theirs = theirs.set_index("indicator")["target"].reindex(targets.index)
            assert not ((targets.abs() > 0) & (targets.abs() == theirs.abs())).any(), q
        late = scorecard(session, director("07"), year=2025, province="07", period="2025-09")
        assert late["national_mean_score"] is None and late["score"] is not None
        assert scorecard(session, director("07"), year=2025, province="07",
                         period="2025-06")["national_mean_score"] is not None
        assert scorecard(session, BUDGET_UNIT, year=2025, province="07",
                         period="2025-09")["national_mean_score"] is not None
        # A director's selectors open on the newest period whose national figures he may read.
        assert selector_data(session, director("07"))[1][2025] == "2025-07"
        assert selector_data(session, BUDGET_UNIT)[1][2025] == "2025-09"
        # His or her own scorecard opens on the province's newest period all the same.
        assert selector_data(session, director("07"), national=False)[1][2025] == "2025-09"


def test_a_late_province_withholds_the_national_figure_on_both_databases(client_as, app_db, tmp_path):
    from etl.load import load_file

    load_reference(app_db, tmp_path)
    rows = [exec_row(entity=e, period=p, revised=r, approved=r)
            for e, r in (("00", 9_000_000), ("07", 2_000_000), ("17", 3_000_000))
            for p in ("2025-08", "2025-09") if not (e == "17" and p == "2025-09")]
    for entity in ("00", "07", "17"):
        mine = [r for r in rows if r[2] == entity]
        path = tmp_path / f"exec-{entity}.xlsx"
        path.write_bytes(execution_xlsx(mine))
        assert load_file(path, url=app_db).status == "loaded"
    clear()
    director07 = client_as("director07")
    refused = director07.get("/api/v1/budget?year=2025&period=2025-09")
    assert refused.status_code == 403 and refused.get_json()["latest_complete_period"] == "2025-08"
    august = director07.get("/api/v1/budget?year=2025&period=2025-08").get_json()["rows"]
    assert august[0]["revised"] == 14_000_000
    year = director07.get("/api/v1/budget?year=2025").get_json()["rows"]
    assert year[0]["revised"] == 14_000_000  # the newest complete period: August, all three
    # The budget unit reads September, with Siem Reap as of August, its latest report.
    budget_unit = client_as("budget_unit")
    september = budget_unit.get("/api/v1/budget?year=2025&period=2025-09").get_json()["rows"]
    assert september[0]["revised"] == 14_000_000
    by_entity = budget_unit.get("/api/v1/budget?year=2025&period=2025-09&group_by=entity").get_json()["rows"]
    assert {r["entity"]: r["as_of"] for r in by_entity} == {"00": "2025-09", "07": "2025-09", "17": "2025-08"}


@pytest.mark.parametrize(("lang", "words"), [("en", "not every province has reported"),
                                             ("km", "មិនទាន់គ្រប់រាជធានី-ខេត្តទាំងអស់បានរាយការណ៍")])
def test_the_overview_and_programmes_pages_say_why_the_national_figures_are_not_shown(
        demo_client_as, demo_db, lang, words):
    from tests.helpers.web import callback_payload, dash_post, find_dependency, post_with_csrf

    client = demo_client_as("director07")
    post_with_csrf(client, f"/lang/{lang}", {"next": "/"})
    for output, inputs in (
        ("overview-kpis", {"overview-year.value": "2025", "overview-period.value": "2025-09",
                           "overview-metric.value": "execution_rate"}),
        ("programmes-grid", {"programmes-year.value": "2025", "programmes-period.value": "2025-09",
                             "programmes-open.data": []}),
    ):
        answer = dash_post(client, callback_payload(find_dependency(client, output), inputs))
        body = answer.get_data(as_text=True)
        assert answer.status_code == 200 and words in body
        assert "2,2" not in body  # no national amount in riels slipped through
    july = dash_post(client, callback_payload(find_dependency(client, "overview-kpis"), {
        "overview-year.value": "2025", "overview-period.value": "2025-07",
        "overview-metric.value": "execution_rate"}))
    assert "kpi-revised" in july.get_data(as_text=True) and words not in july.get_data(as_text=True)
