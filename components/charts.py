"""What the plotly charts share (fonts, layout, colours, the partial bundle), and the message a
chart shows in place of a figure.

The overview, the scorecards and the provinces page draw HTML charts (components/htmlcharts.py);
the costing page's results and comparison and the boundary-file choropleth are plotly figures.
"""

from __future__ import annotations

from pathlib import Path

import settings

FONT_EN = "Segoe UI, Roboto, Helvetica Neue, Arial, Noto Sans Khmer, sans-serif"
FONT_KM = "Noto Sans Khmer, Segoe UI, Arial, sans-serif"
# A cartesian plotly.js with only the traces the pages drew (scatter, bar, the heat-map tiles),
# built by assets/vendor/build-plotly.sh with its brotli and gzip copies beside it: 335 KB on the
# wire, a fifth of the full bundle's. Only the costing page's charts use it now (bar, scatter):
# the tile map is HTML, so a rebuild could leave the heatmap out. Its version must be the one
# plotly.py was built with (a test compares them).
PLOTLY_CARTESIAN = Path(__file__).resolve().parents[1] / "assets" / "vendor" / "plotly-pib-4.1.1.min.js"
BLUE, ORANGE = "#0b4f8a", "#e69f00"


def cartesian_plotly_will_do() -> bool:
    """Whether the partial bundle (``PLOTLY_CARTESIAN``) draws every chart: not with a boundary
    file, whose choropleth needs plotly.js's full bundle."""
    return settings.boundary_geojson() is None


def base_layout(lang: str, *, height: int = 320) -> dict:
    """Fonts set explicitly (Khmer needs its own), transparent background, small margins."""
    return {
        "font": {"family": FONT_KM if lang == "km" else FONT_EN, "size": 13, "color": "#1f2933"},
        "height": height, "autosize": True, "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)", "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "hoverlabel": {"font": {"family": FONT_KM if lang == "km" else FONT_EN}},
    }


def message_figure(text: str, lang: str) -> dict:
    """A chart's place when there is nothing to draw: the reason, in words, and no bare axes."""
    layout = {**base_layout(lang, height=120), "xaxis": {"visible": False}, "yaxis": {"visible": False},
              "annotations": [{"text": text, "showarrow": False, "xref": "paper", "yref": "paper",
                               "x": 0.5, "y": 0.5, "font": {"size": 13}}]}
    return {"data": [], "layout": layout}
