"""A selected period means that period on every page, export and API answer.

With June selected, the provinces grid showed September's paid, execution rate and unit cost
beside June's score, rank and completeness. Each page's figures are compared here with the API
for periods that are not the latest: June (every province reported) and August (two have not:
their figures are their July reports, marked "as of", never a later one).
"""

from __future__ import annotations

import base64
import csv
import io

import pytest

from components.format import format_khr_exact
from tests.helpers.charts import text, with_class
from tests.helpers.web import callback_payload, dash_post, find_dependency

PERIODS = ["2025-06", "2025-08"]


def _response(client, output: str, values: dict, changed: list[str] | None = None) -> dict:
    payload = callback_payload(find_dependency(client, output), values)
    if changed:
        payload["changedPropIds"] = changed
    answer = dash_post(client, payload)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def _api(client, path: str) -> dict:
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()


@pytest.fixture
def budget_unit(demo_client_as):
    return demo_client_as("budget_unit")


@pytest.mark.parametrize("period", PERIODS)
def test_the_provinces_grid_and_its_export_agree_with_the_api(budget_unit, period):
    response = _response(budget_unit, "provinces-grid", {
        "provinces-year.value": "2025", "provinces-period.value": period,
        "provinces-metric.value": "execution_rate"})
    grid = {r["code"]: r for r in response["provinces-grid"]["rowData"]}
    money = {r["entity"]: r for r in _api(budget_unit, f"/api/v1/budget?year=2025&period={period}"
                                                      "&group_by=entity")["rows"]}
    late = {code for code, row in money.items() if row["as_of"] != period}
    assert (period == "2025-08") == bool(late)  # the demo's late provinces have not reported August
    for code, row in grid.items():
        assert (row["revised"], row["paid"]) == (money[code]["revised"], money[code]["paid"]), code
        # The API writes rates to six decimals.
        assert row["execution_rate"] == pytest.approx(money[code]["execution_rate"], abs=1e-6)
        card = _api(budget_unit, f"/api/v1/scorecard?year=2025&province={code}&period={period}")
        assert row["rank"] == card["rank"] and row["score"] == pytest.approx(card["score"], abs=1e-6), code
        # Marked as of the July report where August is missing; nothing marked otherwise.
        assert (row["as_of"] is not None) == (code in late), code
    if late:
        assert "have not reported" in response["provinces-message"]["children"]
        for code in late:
            assert money[code]["as_of"] < period and grid[code]["as_of"]
    export = _response(budget_unit, "provinces-download", {
        "provinces-csv.n_clicks": 1, "provinces-year.value": "2025", "provinces-period.value": period},
        changed=["provinces-csv.n_clicks"])["provinces-download"]["data"]
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(export["content"]).decode("utf-8-sig"))))
    assert len(rows) == 25
    for row in rows:
        code = row["Code"]
        assert int(row["Paid (KHR)"]) == money[code]["paid"], code
        assert row["Figures as of"] == money[code]["as_of"]


@pytest.mark.parametrize("period", PERIODS)
def test_the_overview_agrees_with_the_api(budget_unit, period):
    response = _response(budget_unit, "overview-kpis", {
        "overview-year.value": "2025", "overview-period.value": period,
        "overview-metric.value": "execution_rate"})
    national = _api(budget_unit, f"/api/v1/budget?year=2025&period={period}")["rows"][0]
    body = str(response["overview-kpis"])
    assert format_khr_exact(national["revised"]) in body and format_khr_exact(national["paid"]) in body
    programmes = _api(budget_unit, f"/api/v1/budget?year=2025&period={period}&group_by=programme")["rows"]
    # Each bar's exact amount is its title: "<programme> · Revised: KHR 1,234".
    bars = [track["title"] for track in with_class(response["overview-programmes"]["children"], "hc-track")]
    assert sorted(b.split(": ")[-1] for b in bars if "· Revised" in b) == sorted(
        format_khr_exact(r["revised"]) for r in programmes)
    assert sorted(b.split(": ")[-1] for b in bars if "· Paid" in b) == sorted(
        format_khr_exact(r["paid"]) for r in programmes)


@pytest.mark.parametrize("period", PERIODS)
def test_the_programmes_tree_agrees_with_the_api(budget_unit, period):
    response = _response(budget_unit, "programmes-grid", {
        "programmes-year.value": "2025", "programmes-period.value": period, "programmes-open.data": []})
    tree = {r["code"]: r for r in response["programmes-grid"]["rowData"] if r["level"] == "programme"}
    api = {r["programme"]: r for r in _api(
        budget_unit, f"/api/v1/budget?year=2025&period={period}&group_by=programme")["rows"]}
    assert set(tree) == set(api)
    for code, row in tree.items():
        assert (row["revised"], row["paid"]) == (api[code]["revised"], api[code]["paid"]), code


@pytest.mark.parametrize(("province", "period"), [("07", "2025-06"), ("24", "2025-08"), ("25", "2025-08")])
def test_the_scorecard_agrees_with_the_api(budget_unit, province, period):
    response = _response(budget_unit, "scorecard-kpis", {
        "scorecard-year.value": "2025", "scorecard-period.value": period, "scorecard-code.data": province})
    card = _api(budget_unit, f"/api/v1/scorecard?year=2025&province={province}&period={period}")
    values = {r["indicator"]: r for r in _api(
        budget_unit, f"/api/v1/indicators?year=2025&period={period}&unit={province}")["rows"]}
    body = str(response["scorecard-table"])
    for row in card["rows"]:
        assert row["target"] == values[row["indicator"]]["target"]
        assert f"scorecard-row-{row['indicator']}" in body
    money = _api(budget_unit, f"/api/v1/budget?year=2025&period={period}&entity={province}")["rows"][0]
    budget = response["scorecard-budget"]["children"]
    programmes = _api(budget_unit, f"/api/v1/budget?year=2025&period={period}&entity={province}"
                                   "&group_by=programme")["rows"]
    assert sum(r["revised"] for r in programmes) == money["revised"]
    assert sum(r["paid"] for r in programmes) == money["paid"]
    bars = [track["title"] for track in with_class(budget, "hc-track")]
    for column in ("revised", "paid"):
        assert sorted(b.split(": ")[-1] for b in bars if f"· {column.title()}" in b) == sorted(
            format_khr_exact(r[column]) for r in programmes)
    assert len(with_class(budget, "hc-expected")) == len(programmes)  # the pace mark on every programme
    points = with_class(response["scorecard-quadrant"]["children"], "hc-point")
    assert points and all(text(p) in {r["programme"] for r in programmes} for p in points)  # named by their code
    # Quarterly indicators in August: each is its June report, and the page says so.
    assert ("as of" in response["scorecard-message"]["children"]) == any(
        r["period"] != period for r in values.values())
    assert all(r["period"] <= period for r in values.values())
