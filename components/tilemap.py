"""The province map (docs/architecture.md): the tile map, or a true choropleth when a boundary
file is configured.

The tile map (``components.htmlcharts.tile_map``) draws 25 equal tiles placed roughly where each
province lies: equal tiles keep Kep, Pailin and Phnom Penh as visible as Mondul Kiri. It is HTML,
so a page that shows it needs no plotly.js. With a GeoJSON boundary file (``PIB_BOUNDARY_GEOJSON``)
a plotly choropleth is drawn instead, in a ``dcc.Graph`` that fetches plotly.js's full bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.charts import base_layout
from components.htmlcharts import COLORSCALE, tile_map, tile_positions
from db.queries.units import unit_name

__all__ = ["choropleth_figure", "province_map", "tile_positions"]


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
                 hidden: set[str] | frozenset[str] = frozenset(),
                 href: Callable[[str], str] | None = None) -> html.Figure | dcc.Graph:
    """The tile map (a link per tile with ``href``), or a choropleth in a ``dcc.Graph`` when a
    boundary file is configured.

    Hidden provinces carry no value in either: the choropleth leaves them out entirely.
    """
    import settings

    path = settings.boundary_geojson()
    geojson = _boundaries(str(path), path.stat().st_mtime) if path else None
    if geojson is None:
        return tile_map(values, lang, metric_label=metric_label, value_format=value_format,
                        exact_format=exact_format, highlight=highlight, hidden=hidden, href=href)
    shown = values[[code not in hidden for code in values.index]]
    return dcc.Graph(figure=choropleth_figure(shown, geojson, lang, metric_label=metric_label),
                     config={"displaylogo": False}, className="choropleth")
