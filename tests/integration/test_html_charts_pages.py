"""The overview's, the provinces page's and the scorecard's charts as their callbacks answer them:
HTML (components/htmlcharts.py), with each figure the page may show and none that it may not."""

from __future__ import annotations

import re

import pytest

from components.format import format_percent
from i18n import t
from tests.helpers.charts import text, with_class
from tests.helpers.web import callback_payload, dash_post, find_dependency


def _response(client, output: str, values: dict) -> dict:
    answer = dash_post(client, callback_payload(find_dependency(client, output), values))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def _overview(client, period: str) -> dict:
    return _response(client, "overview-kpis", {"overview-year.value": "2025", "overview-period.value": period,
                                               "overview-metric.value": "execution_rate"})


def test_a_directors_overview_map_shows_his_province_alone(demo_client_as):
    response = _overview(demo_client_as("director07"), "2025-06")
    tiles = with_class(response["overview-map"]["children"], "hc-tile")
    hidden = [tile for tile in tiles if "hc-tile-hidden" in tile["className"]]
    assert len(tiles) == 25 and len(hidden) == 24
    for tile in hidden:  # a name and "not shown": no figure, no code, no colour
        assert not re.search(r"\d", text(tile) + tile["title"]) and "backgroundColor" not in tile["style"]
    (own,) = [tile for tile in tiles if "hc-tile-own" in tile["className"]]
    assert text(own).startswith("Kampot ◆") and text(own).endswith("%")
    assert with_class(response["overview-map"]["children"], "hc-scale") == []  # one value: no scale


def test_the_overviews_charts_say_when_national_figures_are_withheld(demo_client_as):
    # August: two provinces have not reported, so a director sees no national figure.
    response = _overview(demo_client_as("director07"), "2025-08")
    for output in ("overview-programmes", "overview-status", "overview-map"):
        chart = response[output]["children"]
        assert chart["props"]["className"] == "hc-message"
        assert text(chart) == t("overview.withheld_chart", "en")


def test_the_status_bar_counts_what_the_kpi_counts(demo_client_as):
    response = _overview(demo_client_as("budget_unit"), "2025-06")
    legend = text(with_class(response["overview-status"]["children"], "hc-status-legend"))
    counts = dict(re.findall(r"([A-Za-z ]+): (\d+)", legend.replace("✔", "").replace("⚠", "").replace("✖", "")
                             .replace("–", "")))
    counts = {k.strip(): int(v) for k, v in counts.items()}
    assert set(counts) == {"On track", "Watch", "Off track", "No data"}
    on_track = text(with_class(response["overview-kpis"]["children"], "kpi-sub")[3])  # "4 of 10 with data"
    assert on_track.startswith(f"{counts['On track']} of ")


@pytest.mark.parametrize("metric", ["execution_rate", "score"])
def test_the_provinces_tiles_write_the_grids_figures_and_open_the_scorecards_at_the_period(demo_client_as, metric):
    response = _response(demo_client_as("mef_reviewer"), "provinces-grid", {
        "provinces-year.value": "2025", "provinces-period.value": "2025-06", "provinces-metric.value": metric})
    grid = {row["code"]: row for row in response["provinces-grid"]["rowData"]}
    tiles = with_class(response["provinces-map"]["children"], "hc-tile-link")
    assert len(tiles) == 25
    for tile in tiles:
        code = re.fullmatch(r"/scorecard/(\d\d)\?year=2025&period=2025-06", tile["href"]).group(1)
        assert text(tile).endswith(format_percent(grid[code][metric])), code
        assert tile["title"] == (f"{grid[code]['name']} ({code}) · {t(f'metric.{metric}', 'en')}: "
                                 f"{format_percent(grid[code][metric], 'en', 1)}")
