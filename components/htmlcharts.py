"""Charts drawn as HTML and CSS on the server: pure functions from data to Dash components.

The overview, the scorecards and the provinces page draw a few simple charts: bars, a stacked
bar, a quadrant and the tile map. Drawn with plotly they cost a first visit plotly.js (335 KB on
the wire, more than the rest of the page's scripts), the longest wait on a provincial link. Here
each is a few ``html.Div`` with inline widths and positions, computed in Python:

* every bar, point and tile carries its exact figure in a ``title`` (shown on hover);
* the drawing is hidden from screen readers, which read a visually hidden table of the same
  figures instead (``.sr-only``, assets/components.css);
* every figure is also written as text, so that colour is never its only carrier;
* colours print (``print-color-adjust: exact`` in the stylesheet).

Nothing here reads the database: the pages pass frames and dictionaries they have read.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd
from dash import dcc, html
from plotly.colors import get_colorscale, sample_colorscale

from components.format import format_khr, format_khr_exact, format_number, format_percent
from i18n import t

LAYOUT_FILE = Path(__file__).resolve().parent / "data" / "provinces_layout.csv"
COLORSCALE = "Cividis"  # readable with every common colour-vision deficiency
LONE_COLOUR = "rgb(11, 79, 138)"  # the brand's blue (--brand in assets/pib.css)
STATUSES = ("on_track", "watch", "off_track", "no_data")
# The quadrant's axes: execution 0–105 %, mean achievement 0–155 % (achievement is capped at 150 %).
QUADRANT_X_MAX, QUADRANT_Y_MAX = 1.05, 1.55
QUADRANT_X_TICKS, QUADRANT_Y_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0), (0.0, 0.5, 1.0, 1.5)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _pct(value: float) -> str:
    """A CSS percentage, rounded to what a screen can show (0.01 %)."""
    return f"{round(value, 2):g}%"


def share(value, largest: float) -> float:
    """``value`` as a percentage (0–100) of ``largest``: a bar's width; 0 for a missing or
    negative value, 100 at most."""
    if _missing(value) or not largest or largest <= 0:
        return 0.0
    return max(0.0, min(100.0, 100.0 * float(value) / largest))


def message(text: str) -> html.P:
    """A chart's place when there is nothing to draw: the reason, in words."""
    return html.P(text, className="hc-message")


def _sr_table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> html.Div:
    """The chart's figures for screen readers: a table that is not drawn (``.sr-only``).

    The class is on a box around the table: a table is never narrower than its content, so on
    the table itself it would widen the page."""
    return html.Div(html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
        html.Tbody([html.Tr([html.Th(row[0], scope="row"), *[html.Td(c) for c in row[1:]]]) for row in rows]),
    ]), className="sr-only")


def _chart(kind: str, drawing: list, table: html.Div) -> html.Figure:
    # The drawing is aria-hidden: a screen reader reads the table, not a heap of empty boxes.
    return html.Figure([html.Div(drawing, className="hc-drawing", **{"aria-hidden": "true"}), table],
                       className=f"hchart hc-{kind}")


def _swatch(kind: str, label: str) -> html.Span:
    return html.Span([html.Span(className=f"hc-swatch hc-swatch-{kind}"), label], className="hc-key")


# --- budget and execution by programme ---------------------------------------------------------------


def programme_bars(frame: pd.DataFrame, lang: str, *, caption: str) -> html.Figure | html.P:
    """Revised budget and paid, a pair of bars per row (``label``, ``revised``, ``paid``), and,
    when the frame has ``expected``, the amount expected by now as a mark across the pair.

    Widths are shares of the largest amount on the chart, so that programmes compare.
    """
    if frame.empty:
        return message(t("overview.empty", lang))
    has_expected = "expected" in frame
    columns = ["revised", "paid", *(["expected"] if has_expected else [])]
    amounts = [float(v) for c in columns for v in frame[c] if not _missing(v)]
    largest = max(amounts, default=0.0)
    rows = []
    for record in frame.to_dict(orient="records"):
        label = str(record["label"])
        cells = []  # a grid: the bar of each amount, its value beside it; the expected mark across both bars
        for column in ("revised", "paid"):
            value = record[column]
            exact = f"{label} · {t(f'metric.{column}', lang)}: {format_khr_exact(value, lang)}"
            bar = html.Div(className=f"hc-bar hc-bar-{column}", style={"width": _pct(share(value, largest))})
            cells += [html.Div(bar, className=f"hc-track hc-at-{column}", title=exact),
                      html.Span(format_khr(value, lang), className=f"hc-value hc-at-{column}", title=exact)]
        if has_expected and not _missing(record["expected"]):
            cells.append(html.Div(html.Div(
                className="hc-expected", style={"left": _pct(share(record["expected"], largest))},
                title=f"{label} · {t('metric.expected', lang)}: {format_khr_exact(record['expected'], lang)}"),
                className="hc-lane"))
        rows.append(html.Div([html.Div(label, className="hc-label"), html.Div(cells, className="hc-pair")],
                             className="hc-row"))
    legend = html.Div([_swatch("revised", t("metric.revised", lang)), _swatch("paid", t("metric.paid", lang)),
                       *([_swatch("expected", t("metric.expected", lang))] if has_expected else [])],
                      className="hc-legend")
    headers = [t("subdoc.programme", lang), *(t(f"metric.{c}", lang) for c in columns)]
    table = _sr_table(caption, headers, ([str(r["label"]), *(format_khr_exact(r[c], lang) for c in columns)]
                                         for r in frame.to_dict(orient="records")))
    return _chart("bars", [legend, *rows], table)


# --- indicator status ------------------------------------------------------------------------------------


def status_bar(counts: dict[str, int], lang: str, *, caption: str) -> html.Figure:
    """How many indicators are in each status: one bar cut in proportion, and the counts in words."""
    from indicators import STATUS_ICONS

    total = sum(max(0, int(counts.get(s, 0))) for s in STATUSES)
    segments, keys, rows = [], [], []
    for status in STATUSES:
        n = max(0, int(counts.get(status, 0)))
        words = f"{STATUS_ICONS[status]} {t(f'status.{status}', lang)}"
        number = format_number(n, lang)
        if n:
            segments.append(html.Div(number, className=f"hc-segment hc-status-{status}",
                                     style={"width": _pct(100.0 * n / total)}, title=f"{words}: {number}"))
        keys.append(html.Li([html.Span(className=f"hc-swatch hc-status-{status}"), f"{words}: ", html.B(number)],
                            className="hc-key"))
        rows.append([t(f"status.{status}", lang), number])
    drawing = [html.Div(segments, className="hc-stack"), html.Ul(keys, className="hc-legend hc-status-legend")]
    return _chart("status", drawing, _sr_table(caption, [t("scorecard.status", lang), t("chart.indicators", lang)],
                                               rows))


# --- the budget–performance quadrant ---------------------------------------------------------------------


def quadrant_chart(frame: pd.DataFrame, lang: str, *, expected: float, caption: str) -> html.Figure | html.P:
    """Execution rate (across) against mean achievement (up), one point per row (``label``,
    ``execution_rate``, ``achievement``, and ``programme``, the code written by the point when
    there is one); dotted lines at the spending pace and at the on-track threshold; the four
    quadrants named in their corners."""
    from indicators import DEFAULT_ON_TRACK, SPENDING_PACE, quadrant

    frame = frame.dropna(subset=["execution_rate", "achievement"])
    if frame.empty:
        return message(t("quadrant.no_data", lang))
    pace = expected * SPENDING_PACE

    def x(value: float) -> float:
        return max(0.0, min(100.0, 100.0 * value / QUADRANT_X_MAX))

    def y(value: float) -> float:
        return max(0.0, min(100.0, 100.0 * value / QUADRANT_Y_MAX))

    corners = [html.Div(t(f"quadrant.{key}", lang), className=f"hc-corner hc-corner-{where}")
               for key, where in (("not_spending_delivering", "top-left"), ("spending_delivering", "top-right"),
                                  ("not_spending_not_delivering", "bottom-left"),
                                  ("spending_not_delivering", "bottom-right"))]
    lines = [html.Div(className="hc-line hc-line-x", style={"left": _pct(x(pace))},
                      title=f"{t('metric.expected', lang)} × {format_percent(SPENDING_PACE, lang)}: "
                            f"{format_percent(pace, lang)}"),
             html.Div(className="hc-line hc-line-y", style={"bottom": _pct(y(DEFAULT_ON_TRACK))},
                      title=f"{t('status.on_track', lang)}: {format_percent(DEFAULT_ON_TRACK, lang)}")]
    points, rows = [], []
    for record in frame.to_dict(orient="records"):
        rate, achieved = float(record["execution_rate"]), float(record["achievement"])
        label = str(record["label"])
        mark = str(record.get("programme") or label)
        words = (f"{label}: {t('metric.execution_rate', lang)} {format_percent(rate, lang)}, "
                 f"{t('chart.mean_achievement', lang)} {format_percent(achieved, lang)}")
        # Near the right edge the point's name goes to its left, so that it stays inside the plot.
        side = "hc-point-left" if x(rate) > 80 else ""
        points.append(html.Div([html.Span(className="hc-dot"), html.Span(mark, className="hc-point-label")],
                               className=f"hc-point {side}".strip(), title=words,
                               style={"left": _pct(x(rate)), "bottom": _pct(y(achieved))}))
        rows.append([label, format_percent(rate, lang), format_percent(achieved, lang),
                     t(f"quadrant.{quadrant(rate, achieved, expected)}", lang)])
    x_ticks = [html.Span(format_percent(v, lang), className="hc-tick", style={"left": _pct(x(v))})
               for v in QUADRANT_X_TICKS]
    y_ticks = [html.Span(format_percent(v, lang), className="hc-tick", style={"bottom": _pct(y(v))})
               for v in QUADRANT_Y_TICKS]
    plot = html.Div([
        html.Div(t("chart.mean_achievement", lang), className="hc-axis-title hc-axis-title-y"),
        html.Div(y_ticks, className="hc-ticks-y"),
        html.Div([*corners, *lines, *points], className="hc-plot"),
        html.Div(x_ticks, className="hc-ticks-x"),
        html.Div(t("metric.execution_rate", lang), className="hc-axis-title hc-axis-title-x"),
    ], className="hc-quadrant-grid")
    names = html.Ul([html.Li([html.B(str(r.get("programme") or "")), " ", str(r["label"])])
                     for r in frame.to_dict(orient="records") if r.get("programme")], className="hc-names")
    headers = [t("subdoc.programme", lang), t("metric.execution_rate", lang), t("chart.mean_achievement", lang),
               t("chart.quadrant", lang)]
    return _chart("quadrant", [plot, names], _sr_table(caption, headers, rows))


# --- the province tile map -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def tile_positions() -> dict[str, tuple[int, int]]:
    """Province code → (row, column) of its tile (components/data/provinces_layout.csv)."""
    with LAYOUT_FILE.open(encoding="utf-8") as handle:
        return {r["code"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _stops() -> tuple[tuple[float, str], ...]:
    # plotly finds a named scale by inspecting its modules: 3 ms a call, 78 ms of a provinces answer's
    # 143 ms with a call per tile. Read once.
    return tuple((float(position), str(colour)) for position, colour in get_colorscale(COLORSCALE))


def scale_colour(fraction: float) -> str:
    """The cividis colour at ``fraction`` (0–1) of the scale, as ``rgb(r, g, b)``."""
    return sample_colorscale([list(stop) for stop in _stops()], [max(0.0, min(1.0, fraction))])[0]


def ink_for(colour: str) -> str:
    """Dark or white text, whichever reads better on ``colour`` (``rgb(r, g, b)``)."""
    r, g, b = (int(float(c)) / 255 for c in colour[colour.index("(") + 1:-1].split(","))
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Contrast with white (1.05 / (L + .05)) against contrast with the ink (L + .05) / (.016 + .05).
    return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.066 else "#1f2933"


def _gradient() -> str:
    stops = _stops()
    return "linear-gradient(to right, " + ", ".join(f"{c} {_pct(100 * p)}" for p, c in stops) + ")"


def tile_map(
    values: pd.Series,
    lang: str,
    *,
    metric_label: str,
    value_format: Callable[[float], str],
    exact_format: Callable[[float], str] | None = None,
    highlight: str | None = None,
    hidden: set[str] | frozenset[str] = frozenset(),
    href: Callable[[str], str] | None = None,
) -> html.Figure:
    """The 25 provinces as equal tiles placed roughly where each lies, coloured by ``values``
    (indexed by province code) on one scale, each with its value written in it.

    Provinces in ``hidden`` are grey and carry no value, no code and no colour of the scale:
    nothing on the page, not even the scale's ends, depends on their figures. ``highlight`` (a
    director's own province) is outlined. With ``href``, each shown tile is a link to
    ``href(code)`` (reachable with the keyboard).
    """
    from db.queries.units import unit_name

    exact_format = exact_format or value_format
    shown = {}
    for code in tile_positions():
        value = None if code in hidden else values.get(code)
        shown[code] = None if _missing(value) else float(value)
    present = [v for v in shown.values() if v is not None]
    low, high = (min(present), max(present)) if present else (0.0, 0.0)
    tiles, rows = [], {}
    # Tiles in reading order (row by row), which is also the order the keyboard reaches links in.
    for code, (row, col) in sorted(tile_positions().items(), key=lambda item: item[1]):
        name = unit_name(code, lang)
        place = {"gridRow": str(row + 1), "gridColumn": str(col + 1)}
        if code in hidden:
            tiles.append(html.Div(html.Span(name, className="hc-tile-name"), className="hc-tile hc-tile-hidden",
                                  style=place, title=f"{name}: {t('map.hidden', lang)}"))
            rows[code] = [name, t("map.hidden", lang)]
            continue
        value = shown[code]
        if value is None:
            colour, written, exact = None, "–", "–"
        else:
            # One value has no scale to place it on: the brand's blue, not the scale's middle grey,
            # which looked like the grey of the provinces not shown.
            colour = LONE_COLOUR if high == low else scale_colour((value - low) / (high - low))
            written, exact = value_format(value), exact_format(value)
        own = code == highlight
        content = [html.Span(f"{name} ◆" if own else name, className="hc-tile-name"),
                   html.Span(written, className="hc-tile-value")]
        style = {**place, **({"backgroundColor": colour, "color": ink_for(colour)} if colour else {})}
        classes = "hc-tile" + (" hc-tile-own" if own else "") + (" hc-tile-empty" if colour is None else "")
        title = f"{name} ({code}) · {metric_label}: {exact}"
        if href is not None:
            tiles.append(dcc.Link(content, href=href(code), className=classes + " hc-tile-link", style=style,
                                  title=title))
        else:
            tiles.append(html.Div(content, className=classes, style=style, title=title))
        rows[code] = [f"{name} ({t('map.your_province', lang)})" if own else name, exact]
    legend = []
    if len(set(present)) > 1:  # one value (a director's own province) needs no scale: its tile says it
        legend = [html.Div([
            html.Span(metric_label, className="hc-scale-title"),
            html.Div(className="hc-scale-bar", style={"backgroundImage": _gradient()}),
            html.Div([html.Span(value_format(low)), html.Span(value_format(high))], className="hc-scale-ends"),
        ], className="hc-scale")]
    table = _sr_table(f"{t('chart.tile_map', lang)}: {metric_label}", [t("metric.province", lang), metric_label],
                      [rows[code] for code in sorted(rows)])
    return _chart("tilemap", [html.Div(tiles, className="hc-tiles"), *legend], table)


def tile_link(year, period) -> Callable[[str], str]:
    """The address of a province's scorecard at the period on screen (for ``tile_map(href=...)``)."""
    query = f"?year={year}&period={period}" if year and period else ""
    return lambda code: f"/scorecard/{code}{query}"
