"""The HTML charts (components/htmlcharts.py) against figures worked by hand: bar widths, the
expected mark, the quadrant's lines and points, the tile map's colours, and what a hidden
province leaves out."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import plotly.utils
from dash import dcc
from dash.development.base_component import Component

from components import htmlcharts as hc
from components.format import format_percent

CIVIDIS_LOW, CIVIDIS_HIGH = "rgb(0, 34, 78)", "rgb(254, 232, 56)"  # '#00224e' and '#fee838', the scale's ends


def walk(node):
    """Every component under ``node`` (itself included)."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from walk(child)
    elif isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))


def with_class(node, name: str) -> list[Component]:
    return [c for c in walk(node) if name in (getattr(c, "className", None) or "").split()]


def words(node) -> str:
    """The text a component draws (its strings, in order)."""
    if isinstance(node, str):
        return node
    if isinstance(node, (list, tuple)):
        return "".join(words(child) for child in node)
    if isinstance(node, Component):
        return words(getattr(node, "children", None))
    return ""


def sent(node) -> str:
    """The component as the browser receives it (Dash's JSON): every text, title and style."""
    return json.dumps(node, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def percent(style_value: str) -> float:
    assert style_value.endswith("%"), style_value
    return float(style_value[:-1])


# --- budget and execution --------------------------------------------------------------------------------


def test_bars_are_shares_of_the_largest_amount_and_the_expected_mark_sits_at_its_amount():
    frame = pd.DataFrame({"label": ["Social welfare", "Pensions"], "revised": [200.0, 100.0],
                          "paid": [150.0, 125.0], "expected": [100.0, 50.0]})
    chart = hc.programme_bars(frame, "en", caption="Budget")
    revised = [percent(b.style["width"]) for b in with_class(chart, "hc-bar-revised")]
    paid = [percent(b.style["width"]) for b in with_class(chart, "hc-bar-paid")]
    marks = [percent(m.style["left"]) for m in with_class(chart, "hc-expected")]
    assert revised == [100.0, 50.0]  # 200 of 200, 100 of 200
    assert paid == [75.0, 62.5]  # paid above revised (125 > 100) is drawn longer than its budget
    assert marks == [50.0, 25.0]
    # Each bar's exact amount on hover, and the short one written beside it.
    titles = [t.title for t in with_class(chart, "hc-track")]
    assert titles == ["Social welfare · Revised: KHR 200", "Social welfare · Paid: KHR 150",
                      "Pensions · Revised: KHR 100", "Pensions · Paid: KHR 125"]
    assert [words(v) for v in with_class(chart, "hc-value")] == ["KHR 200", "KHR 150", "KHR 100", "KHR 125"]
    assert with_class(chart, "hc-expected")[0].title == "Social welfare · Expected by now: KHR 100"


def test_the_largest_amount_may_be_paid_and_a_missing_one_draws_nothing():
    frame = pd.DataFrame({"label": ["A", "B"], "revised": [80.0, 40.0], "paid": [160.0, math.nan]})
    chart = hc.programme_bars(frame, "en", caption="Budget")
    assert [percent(b.style["width"]) for b in with_class(chart, "hc-bar-revised")] == [50.0, 25.0]
    assert [percent(b.style["width"]) for b in with_class(chart, "hc-bar-paid")] == [100.0, 0.0]
    assert words(with_class(chart, "hc-value")[3]) == "–"
    assert with_class(chart, "hc-expected") == [] and "Expected" not in sent(chart)  # no period: no mark


def test_bars_in_khmer_write_khmer_digits_and_labels_and_a_table_for_screen_readers():
    frame = pd.DataFrame({"label": ["សុខុមាលភាពសង្គម"], "revised": [2_500_000_000.0], "paid": [1_250_000_000.0],
                          "expected": [1_875_000_000.0]})
    chart = hc.programme_bars(frame, "km", caption="ថវិកា")
    assert [words(v) for v in with_class(chart, "hc-value")] == ["២,៥០ ពាន់លាន", "១,២៥ ពាន់លាន"]
    legend = words(with_class(chart, "hc-legend"))
    assert "ថវិកាកែសម្រួល" in legend and "បានទូទាត់" in legend and "រំពឹងទុកដល់ពេលនេះ" in legend
    drawing, table = chart.children
    assert drawing.to_plotly_json()["props"]["aria-hidden"] == "true"
    assert table.className == "sr-only"
    assert words(table.children.children[2]) == "សុខុមាលភាពសង្គម២.៥០០.០០០.០០០ រៀល១.២៥០.០០០.០០០ រៀល១.៨៧៥.០០០.០០០ រៀល"


def test_no_programme_is_a_message_not_empty_axes():
    chart = hc.programme_bars(pd.DataFrame(columns=["label", "revised", "paid"]), "en", caption="Budget")
    assert chart.className == "hc-message" and chart.children


# --- indicator status ------------------------------------------------------------------------------------


def test_the_status_bar_is_cut_in_proportion_and_says_every_count_in_words():
    chart = hc.status_bar({"on_track": 3, "watch": 1, "off_track": 0}, "en", caption="Indicator status")
    segments = with_class(chart, "hc-segment")
    assert [(s.className.split()[-1], percent(s.style["width"]), words(s)) for s in segments] == [
        ("hc-status-on_track", 75.0, "3"), ("hc-status-watch", 25.0, "1")]  # none drawn for a count of 0
    legend = words(with_class(chart, "hc-status-legend"))
    assert legend == "✔ On track: 3⚠ Watch: 1✖ Off track: 0– No data: 0"
    assert segments[0].title == "✔ On track: 3"


def test_the_status_bar_in_khmer():
    chart = hc.status_bar({"on_track": 12, "watch": 0, "off_track": 3, "no_data": 5}, "km", caption="ស្ថានភាព")
    assert [words(s) for s in with_class(chart, "hc-segment")] == ["១២", "៣", "៥"]
    assert [percent(s.style["width"]) for s in with_class(chart, "hc-segment")] == [60.0, 15.0, 25.0]
    assert "✔ តាមគោលដៅ: ១២" in words(with_class(chart, "hc-status-legend"))


# --- the quadrant ----------------------------------------------------------------------------------------


def test_the_quadrants_lines_and_points_sit_at_their_values_on_the_axes():
    # Axes: execution 0–105 %, achievement 0–155 %. Expected 50 %: spending from 90 % × 50 % = 45 %.
    frame = pd.DataFrame({"programme": ["P1", "P2", "P3"], "label": ["Welfare", "Pensions", "Staff"],
                          "execution_rate": [0.63, 1.2, math.nan], "achievement": [0.93, 1.24, 0.9]})
    chart = hc.quadrant_chart(frame, "en", expected=0.5, caption="Budget and performance")
    pace = with_class(chart, "hc-line-x")[0]
    on_track = with_class(chart, "hc-line-y")[0]
    assert percent(pace.style["left"]) == round(100 * 0.45 / 1.05, 2)  # 42.86
    assert percent(on_track.style["bottom"]) == round(100 * 0.95 / 1.55, 2)  # 61.29
    points = with_class(chart, "hc-point")
    assert [(percent(p.style["left"]), percent(p.style["bottom"])) for p in points] == [(60.0, 60.0), (100.0, 80.0)]
    assert [words(p) for p in points] == ["P1", "P2"]  # the code by the point; no point without a rate
    assert "hc-point-left" in points[1].className  # at the right edge, its name goes inside the plot
    assert points[0].title == "Welfare: Execution rate 63 %, Mean achievement 93 %"
    # The four quadrants named in their corners, the codes' names below, each point's quadrant for a screen reader.
    assert {words(c) for c in with_class(chart, "hc-corner")} == {
        "Spending and delivering", "Delivering, not spending", "Spending, not delivering",
        "Neither spending nor delivering"}
    assert words(with_class(chart, "hc-names")) == "P1 WelfareP2 Pensions"
    table = words(with_class(chart, "sr-only"))
    assert "Welfare63 %93 %Spending, not delivering" in table and "Pensions120 %124 %Spending and delivering" in table


def test_a_quadrant_without_a_single_point_says_so():
    frame = pd.DataFrame({"label": ["A"], "execution_rate": [math.nan], "achievement": [0.5]})
    assert hc.quadrant_chart(frame, "km", expected=0.5, caption="x").children == "គ្មានទិន្នន័យ"


def test_the_quadrant_in_khmer():
    frame = pd.DataFrame({"label": ["សុខុមាលភាព"], "execution_rate": [0.6], "achievement": [1.0]})
    chart = hc.quadrant_chart(frame, "km", expected=0.75, caption="ថវិកា និងសមិទ្ធកម្ម")
    assert [words(t) for t in with_class(chart, "hc-tick")] == ["០ %", "៥០ %", "១០០ %", "១៥០ %",  # up
                                                               "០ %", "២៥ %", "៥០ %", "៧៥ %", "១០០ %"]  # across
    assert "ចំណាយ និងផ្តល់លទ្ធផល" in words(with_class(chart, "hc-corner"))
    assert words(with_class(chart, "hc-point")) == "សុខុមាលភាព"  # no code: the name by the point


# --- the tile map ----------------------------------------------------------------------------------------


def tile_of(chart, name: str) -> Component:
    (found,) = [t for t in with_class(chart, "hc-tile") if words(with_class(t, "hc-tile-name")).startswith(name)]
    return found


def test_tiles_take_the_scales_colours_at_its_ends_and_middle():
    values = pd.Series({"01": 0.25, "02": 0.5, "03": 0.75})
    chart = hc.tile_map(values, "en", metric_label="Execution rate", value_format=lambda v: format_percent(v))
    low, middle, high = (tile_of(chart, n) for n in ("Banteay Meanchey", "Battambang", "Kampong Cham"))
    assert low.style["backgroundColor"] == CIVIDIS_LOW and high.style["backgroundColor"] == CIVIDIS_HIGH
    # Halfway between the scale's fifth and sixth stops, '#707173' and '#8a8678': (125, 123.5, 117.5), rounded.
    assert middle.style["backgroundColor"] == "rgb(125, 124, 118)"
    assert low.style["color"] == "#ffffff" and high.style["color"] == "#1f2933"  # text that reads on each
    assert [words(with_class(t, "hc-tile-value")) for t in (low, middle, high)] == ["25 %", "50 %", "75 %"]
    assert (low.style["gridRow"], low.style["gridColumn"]) == ("2", "1")  # row 1, column 0 of the layout file
    # A province without a figure: no colour of the scale, and a dash.
    empty = tile_of(chart, "Kampot")
    assert "backgroundColor" not in empty.style and words(with_class(empty, "hc-tile-value")) == "–"
    scale = with_class(chart, "hc-scale")[0]
    assert words(with_class(scale, "hc-scale-ends")) == "25 %75 %"
    gradient = scale.children[1].style["backgroundImage"]
    assert gradient.startswith("linear-gradient(to right, #00224e 0%") and gradient.endswith("#fee838 100%)")
    assert len(with_class(chart, "hc-tile")) == 25


def test_hidden_provinces_carry_no_value_and_no_number_anywhere():
    values = pd.Series({"07": 0.617, "17": 0.987, "12": 0.123})
    chart = hc.tile_map(values, "en", metric_label="Execution rate", value_format=lambda v: format_percent(v),
                        exact_format=lambda v: format_percent(v, "en", 1), highlight="07",
                        hidden=set(hc.tile_positions()) - {"07"})
    for name in ("Siemreap", "Phnom Penh"):
        tile = tile_of(chart, name)
        assert "hc-tile-hidden" in tile.className
        assert not re.search(r"\d", words(tile) + tile.title), tile.title
        assert set(tile.style) == {"gridRow", "gridColumn"}  # no colour of the scale
    everything = sent(chart)
    for hidden_value in ("98", "0.987", "12.3", "0.123", "12 %"):
        assert hidden_value not in everything
    assert with_class(chart, "hc-scale") == []  # one value: its tile says it, a scale would repeat it
    own = tile_of(chart, "Kampot")
    assert "hc-tile-own" in own.className and words(own) == "Kampot ◆62 %"
    assert own.style["backgroundColor"] == hc.LONE_COLOUR and own.style["color"] == "#ffffff"
    assert own.title == "Kampot (07) · Execution rate: 61.7 %"
    assert "Kampot (your province)61.7 %" in words(with_class(chart, "sr-only"))
    assert "Siemreapnot shown" in words(with_class(chart, "sr-only"))


def test_the_scales_ends_come_from_the_shown_provinces_only():
    values = pd.Series({"07": 0.4, "08": 0.8, "17": 0.99})
    chart = hc.tile_map(values, "en", metric_label="Execution rate", value_format=lambda v: format_percent(v),
                        hidden={"17"})
    assert words(with_class(chart, "hc-scale-ends")) == "40 %80 %"
    assert tile_of(chart, "Kandal").style["backgroundColor"] == CIVIDIS_HIGH


def test_tiles_link_to_their_scorecard_at_the_period_and_hidden_ones_do_not():
    values = pd.Series({"07": 0.5, "23": 0.7})
    chart = hc.tile_map(values, "km", metric_label="អត្រា", value_format=lambda v: format_percent(v, "km"),
                        hidden={"17"}, href=hc.tile_link("2025", "2025-06"))
    links = [c for c in walk(chart) if isinstance(c, dcc.Link)]
    assert len(links) == 24 and all("hc-tile-link" in link.className for link in links)
    kep = [link for link in links if link.href.startswith("/scorecard/23")]
    assert kep[0].href == "/scorecard/23?year=2025&period=2025-06"
    assert words(with_class(kep[0], "hc-tile-value")) == "៧០ %" and words(with_class(kep[0], "hc-tile-name")) == "កែប"
    assert not any(link.href.startswith("/scorecard/17") for link in links)
    assert hc.tile_link(None, None)("07") == "/scorecard/07"
