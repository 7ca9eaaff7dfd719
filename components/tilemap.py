"""The province tile map (DESIGN section 7): 25 equal tiles placed roughly where each lies.

Equal tiles keep Kep, Pailin and Phnom Penh as visible as Mondul Kiri. The colour scale is
cividis (readable with every common colour-vision deficiency), and the value is written in the
tile, so colour is never the only carrier. Provinces whose figures the viewer may not see are
drawn grey, with no value anywhere in the figure. With a GeoJSON boundary file configured, a
true choropleth is drawn instead (``choropleth_figure``).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from components.charts import base_layout
from db.queries.units import unit_name
from i18n import t

LAYOUT_FILE = Path(__file__).resolve().parent / "data" / "provinces_layout.csv"
COLORSCALE = "Cividis"
HIDDEN_COLOUR = "#d9dde3"


@lru_cache(maxsize=1)
def tile_positions() -> dict[str, tuple[int, int]]:
    """Province code → (row, column) of its tile."""
    with LAYOUT_FILE.open(encoding="utf-8") as handle:
        return {r["code"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(handle)}


def _short(name: str) -> str:
    # Tiles are small: a long name of two words or more goes on two lines.
    words = name.split()
    if len(name) <= 9 or len(words) < 2:
        return name
    half = (len(words) + 1) // 2
    return " ".join(words[:half]) + "<br>" + " ".join(words[half:])


def tile_map_figure(
    values: pd.Series,
    lang: str,
    *,
    metric_label: str,
    value_format: Callable[[float], str],
    exact_format: Callable[[float], str] | None = None,
    highlight: str | None = None,
    hidden: set[str] | frozenset[str] = frozenset(),
) -> go.Figure:
    """The tile map of ``values`` (indexed by province code), coloured on one scale."""
    positions = tile_positions()
    exact_format = exact_format or value_format
    shown = {code: values.get(code) for code in positions if code not in hidden}
    numbers = [v for v in shown.values() if v is not None and not (isinstance(v, float) and math.isnan(v))]
    low, high = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
    codes, xs, ys, colours, texts, hovers = [], [], [], [], [], []
    grey_x, grey_y, grey_text, grey_codes = [], [], [], []
    for code, (row, col) in sorted(positions.items()):
        name = unit_name(code, lang)
        if code in hidden:
            grey_x.append(col)
            grey_y.append(-row)
            grey_text.append(_short(name))
            grey_codes.append(code)
            continue
        value = shown.get(code)
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        codes.append(code)
        xs.append(col)
        ys.append(-row)
        colours.append(float("nan") if missing else float(value))
        label = "–" if missing else value_format(value)
        texts.append(f"{_short(name)}<br><b>{label}</b>")
        hovers.append(f"{name} ({code})<br>{metric_label}: {'–' if missing else exact_format(value)}")
    figure = go.Figure()
    marker_line = [3 if c == highlight else 1 for c in codes]
    figure.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=texts, customdata=codes, hovertext=hovers,
        hoverinfo="text", textfont={"size": 10, "color": [_ink(v, low, high) for v in colours]},
        marker={"symbol": "square", "size": 66, "color": colours, "colorscale": COLORSCALE,
                "cmin": low, "cmax": high if high > low else low + 1,
                "line": {"width": marker_line, "color": ["#d1242f" if c == highlight else "#ffffff"
                                                           for c in codes]},
                "colorbar": {"title": {"text": metric_label}, "thickness": 12, "len": 0.8}},
        name=metric_label, showlegend=False,
    ))
    if grey_codes:
        figure.add_trace(go.Scatter(
            x=grey_x, y=grey_y, mode="markers+text", text=grey_text, customdata=grey_codes,
            hovertext=[f"{unit_name(c, lang)}: {t('map.hidden', lang)}" for c in grey_codes],
            hoverinfo="text", textfont={"size": 10, "color": "#52606d"},
            marker={"symbol": "square", "size": 66, "color": HIDDEN_COLOUR, "line": {"width": 1, "color": "#fff"}},
            showlegend=False,
        ))
    figure.update_layout(base_layout(lang, height=470))
    figure.update_layout(
        xaxis={"visible": False, "range": [-0.6, 5.6], "fixedrange": True},
        yaxis={"visible": False, "range": [-5.6, 0.6], "fixedrange": True, "scaleanchor": "x"},
        margin={"l": 4, "r": 4, "t": 8, "b": 4}, clickmode="event",
    )
    return figure


def _ink(value: float, low: float, high: float) -> str:
    """Dark text on light tiles, white on dark ones (cividis runs dark blue → yellow)."""
    if isinstance(value, float) and math.isnan(value):
        return "#1f2933"
    share = 0.5 if high <= low else (value - low) / (high - low)
    return "#1f2933" if share > 0.45 else "#ffffff"


def choropleth_figure(values: pd.Series, geojson: dict, lang: str, *, metric_label: str,
                      feature_key: str = "properties.code") -> go.Figure:
    """A true choropleth from a GeoJSON whose features carry the province code at ``feature_key``."""
    frame = pd.DataFrame({"code": values.index, "value": values.to_numpy()})
    frame["name"] = frame["code"].map(lambda c: unit_name(c, lang))
    figure = go.Figure(go.Choropleth(
        geojson=geojson, locations=frame["code"], z=frame["value"], featureidkey=feature_key,
        colorscale=COLORSCALE, text=frame["name"], colorbar={"title": {"text": metric_label}},
    ))
    figure.update_geos(fitbounds="locations", visible=False)
    figure.update_layout(base_layout(lang, height=470))
    return figure
