"""The province tile map (docs/architecture.md): 25 equal tiles placed roughly where each lies.

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
    tick_format: str | None = None,
) -> go.Figure:
    """The tile map of ``values`` (indexed by province code), coloured on one scale.

    Drawn as a heatmap on the tile grid, so that tiles grow and shrink with the screen.
    """
    positions = tile_positions()
    exact_format = exact_format or value_format
    rows = 1 + max(r for r, _ in positions.values())
    cols = 1 + max(c for _, c in positions.values())

    def grid(fill=None):
        return [[fill] * cols for _ in range(rows)]

    z, text, hover, codes = grid(), grid(""), grid(""), grid("")
    grey, grey_text, grey_hover = grid(), grid(""), grid("")
    for code, (row, col) in positions.items():
        name = unit_name(code, lang)
        codes[row][col] = code
        if code in hidden:
            grey[row][col] = 0
            grey_text[row][col] = _short(name)
            grey_hover[row][col] = f"{name}: {t('map.hidden', lang)}"
            continue
        value = values.get(code)
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        z[row][col] = None if missing else float(value)
        mark = " ◆" if code == highlight else ""
        text[row][col] = f"{_short(name)}{mark}<br><b>{'–' if missing else value_format(value)}</b>"
        hover[row][col] = f"{name} ({code})<br>{metric_label}: {'–' if missing else exact_format(value)}"
    # One value (a director's own province) makes a scale whose ticks all repeat it: its tile says it.
    distinct = {v for line in z for v in line if v is not None}
    figure = go.Figure()
    figure.add_trace(go.Heatmap(
        z=z, text=text, texttemplate="%{text}", hovertext=hover, hoverinfo="text", customdata=codes,
        colorscale=COLORSCALE, xgap=4, ygap=4, textfont={"size": 10}, hoverongaps=False,
        showscale=len(distinct) > 1,
        # Below the tiles, so that on a phone the tiles keep the whole width.
        colorbar={"title": {"text": metric_label, "side": "top"}, "orientation": "h", "thickness": 10,
                  "len": 0.8, "y": -0.02, "yanchor": "top", "tickformat": tick_format or ""},
    ))
    if hidden:
        figure.add_trace(go.Heatmap(
            z=grey, text=grey_text, texttemplate="%{text}", hovertext=grey_hover, hoverinfo="text",
            customdata=codes, colorscale=[[0, HIDDEN_COLOUR], [1, HIDDEN_COLOUR]], showscale=False,
            xgap=4, ygap=4, textfont={"size": 10, "color": "#52606d"}, hoverongaps=False,
        ))
    if highlight in positions:
        row, col = positions[highlight]
        figure.add_shape(type="rect", x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5,
                         line={"color": "#d1242f", "width": 3})
    figure.update_layout(base_layout(lang, height=460))
    figure.update_layout(
        xaxis={"visible": False, "fixedrange": True, "constrain": "domain"},
        yaxis={"visible": False, "fixedrange": True, "autorange": "reversed", "scaleanchor": "x",
               "constrain": "domain"},
        margin={"l": 4, "r": 4, "t": 8, "b": 4},
    )
    return figure


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


@lru_cache(maxsize=4)
def _boundaries(path: str, modified: float) -> dict | None:
    import json

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def province_map(values: pd.Series, lang: str, *, metric_label: str, value_format: Callable[[float], str],
                 exact_format: Callable[[float], str] | None = None, highlight: str | None = None,
                 hidden: set[str] | frozenset[str] = frozenset(), tick_format: str | None = None) -> go.Figure:
    """The tile map, or a true choropleth when a boundary file is configured (``PIB_BOUNDARY_GEOJSON``).

    Hidden provinces carry no value in either: the choropleth leaves them out entirely.
    """
    import settings

    path = settings.boundary_geojson()
    geojson = _boundaries(str(path), path.stat().st_mtime) if path else None
    if geojson is None:
        return tile_map_figure(values, lang, metric_label=metric_label, value_format=value_format,
                               exact_format=exact_format, highlight=highlight, hidden=hidden,
                               tick_format=tick_format)
    shown = values[[code not in hidden for code in values.index]]
    return choropleth_figure(shown, geojson, lang, metric_label=metric_label)
