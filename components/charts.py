"""Chart builders: pure functions from data frames and labels to plotly figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import settings
from components.format import format_khr, format_khr_exact, format_percent
from i18n import t

FONT_EN = "Segoe UI, Roboto, Helvetica Neue, Arial, Noto Sans Khmer, sans-serif"
FONT_KM = "Noto Sans Khmer, Segoe UI, Arial, sans-serif"
# A cartesian plotly.js with only the traces the pages draw (scatter, bar, the heat-map tiles),
# built by assets/vendor/build-plotly.sh with its brotli and gzip copies beside it: 335 KB on the
# wire, a fifth of the full bundle's. Its version must be the one plotly.py was built with (a
# test compares them).
PLOTLY_CARTESIAN = Path(__file__).resolve().parents[1] / "assets" / "vendor" / "plotly-pib-4.1.1.min.js"
BLUE, ORANGE, GREY = "#0b4f8a", "#e69f00", "#9aa5b1"
STATUS_COLOURS = {"on_track": "#1a7f37", "watch": "#b08800", "off_track": "#cf222e", "no_data": "#8c959f"}


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


def _numbers(values) -> list[float | None]:
    """Plain floats for a figure's JSON; a missing value is a gap (null), not NaN."""
    return [None if pd.isna(v) else float(v) for v in values]


# Figures are written as plain dicts, as plotly.js reads them: go.Figure validates every property
# in Python, which cost the scorecard 60 ms of its 80 ms per answer.
def budget_vs_execution_bar(frame: pd.DataFrame, lang: str) -> dict:
    """Revised budget and paid, one pair of bars per row (``label``, ``revised``, ``paid``)."""
    labels = frame["label"].tolist()
    data = [{"type": "bar", "y": labels, "x": _numbers(frame[column]), "orientation": "h", "name": t(key, lang),
             "marker": {"color": colour}, "text": [format_khr(v, lang) for v in frame[column]],
             "textposition": "auto", "hoverinfo": "text",
             "hovertext": [f"{label}: {format_khr_exact(v, lang)}" for label, v in zip(labels, frame[column],
                                                                                       strict=True)]}
            for column, colour, key in (("revised", GREY, "metric.revised"), ("paid", BLUE, "metric.paid"))]
    if "expected" in frame:
        data.append({"type": "scatter", "y": labels, "x": _numbers(frame["expected"]), "mode": "markers",
                     "name": t("metric.expected", lang),
                     "marker": {"symbol": "line-ns-open", "size": 22, "color": ORANGE, "line": {"width": 3}},
                     "hovertext": [format_khr_exact(v, lang) for v in frame["expected"]], "hoverinfo": "text"})
    layout = {**base_layout(lang, height=90 + 70 * max(len(frame), 1)), "barmode": "group",
              "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},  # above: clear of the axis title
              "xaxis": {"title": {"text": t("chart.amount_khr", lang)}, "automargin": True},
              "yaxis": {"autorange": "reversed", "automargin": True}}
    return {"data": data, "layout": layout}


def status_summary_bar(counts: dict[str, int], lang: str) -> dict:
    """How many indicators are in each status (a horizontal stacked bar, labelled)."""
    from indicators import STATUS_ICONS

    data = []
    for status in ("on_track", "watch", "off_track", "no_data"):
        n = counts.get(status, 0)
        label = f"{STATUS_ICONS[status]} {t(f'status.{status}', lang)}"
        data.append({"type": "bar", "x": [n], "y": [t("chart.indicators", lang)], "orientation": "h",
                     "name": label, "marker": {"color": STATUS_COLOURS[status]},
                     "text": [f"{label}: {n}"] if n else [""], "textposition": "inside", "hoverinfo": "name+x"})
    layout = {**base_layout(lang, height=150), "barmode": "stack", "legend": {"orientation": "h", "y": -0.4},
              "xaxis": {"visible": False}, "yaxis": {"visible": False}}
    return {"data": data, "layout": layout}


def quadrant_scatter(frame: pd.DataFrame, lang: str, *, expected: float) -> dict:
    """Execution rate against mean achievement, with the quadrant lines (``label`` per point)."""
    from indicators import DEFAULT_ON_TRACK, SPENDING_PACE

    labels = frame["label"].tolist()
    point = {"type": "scatter", "x": _numbers(frame["execution_rate"]), "y": _numbers(frame["achievement"]),
             "mode": "markers+text", "text": labels, "textposition": "top center",
             "marker": {"size": 12, "color": BLUE}, "hoverinfo": "text",
             "hovertext": [f"{label}: {format_percent(x, lang)} / {format_percent(y, lang)}"
                           for label, x, y in zip(labels, frame["execution_rate"], frame["achievement"],
                                                  strict=True)]}
    dotted = {"color": GREY, "dash": "dot"}
    shapes = [  # the expected spending pace (across the plot) and the on-track line
        {"type": "line", "xref": "x", "yref": "y domain", "x0": expected * SPENDING_PACE,
         "x1": expected * SPENDING_PACE, "y0": 0, "y1": 1, "line": dotted},
        {"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": DEFAULT_ON_TRACK,
         "y1": DEFAULT_ON_TRACK, "line": dotted},
    ]
    annotations = [{"x": x, "y": y, "text": t(f"quadrant.{key}", lang), "showarrow": False,
                    "xanchor": "right" if x else "left", "font": {"size": 11, "color": "#52606d"}}
                   for key, x, y in (("spending_delivering", 1.0, 1.45), ("not_spending_delivering", 0.0, 1.45),
                                     ("spending_not_delivering", 1.0, 0.05),
                                     ("not_spending_not_delivering", 0.0, 0.05))]
    layout = {**base_layout(lang, height=360), "shapes": shapes, "annotations": annotations, "showlegend": False,
              "xaxis": {"title": {"text": t("metric.execution_rate", lang)}, "tickformat": ".0%", "range": [0, 1.05],
                        "automargin": True},
              "yaxis": {"title": {"text": t("chart.mean_achievement", lang)}, "tickformat": ".0%",
                        "range": [0, 1.55], "automargin": True}}
    return {"data": [point], "layout": layout}


def message_figure(text: str, lang: str) -> dict:
    """A chart's place when there is nothing to draw: the reason, in words, and no bare axes."""
    layout = {**base_layout(lang, height=120), "xaxis": {"visible": False}, "yaxis": {"visible": False},
              "annotations": [{"text": text, "showarrow": False, "xref": "paper", "yref": "paper",
                               "x": 0.5, "y": 0.5, "font": {"size": 13}}]}
    return {"data": [], "layout": layout}
