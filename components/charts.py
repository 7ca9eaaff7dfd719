"""Chart builders: pure functions from data frames and labels to plotly figures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.format import format_khr, format_khr_exact, format_percent
from i18n import t

FONT_EN = "Segoe UI, Roboto, Helvetica Neue, Arial, Noto Sans Khmer, sans-serif"
FONT_KM = "Noto Sans Khmer, Segoe UI, Arial, sans-serif"
BLUE, ORANGE, GREY = "#0b4f8a", "#e69f00", "#9aa5b1"
STATUS_COLOURS = {"on_track": "#1a7f37", "watch": "#b08800", "off_track": "#cf222e", "no_data": "#8c959f"}


def base_layout(lang: str, *, height: int = 320) -> dict:
    """Fonts set explicitly (Khmer needs its own), transparent background, small margins."""
    return {
        "font": {"family": FONT_KM if lang == "km" else FONT_EN, "size": 13, "color": "#1f2933"},
        "height": height, "autosize": True, "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)", "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "hoverlabel": {"font": {"family": FONT_KM if lang == "km" else FONT_EN}},
    }


def budget_vs_execution_bar(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Revised budget and paid, one pair of bars per row (``label``, ``revised``, ``paid``)."""
    figure = go.Figure()
    for column, colour, key in (("revised", GREY, "metric.revised"), ("paid", BLUE, "metric.paid")):
        figure.add_trace(go.Bar(
            y=frame["label"], x=frame[column], orientation="h", name=t(key, lang), marker_color=colour,
            text=[format_khr(v, lang) for v in frame[column]], textposition="auto",
            hovertext=[f"{label}: {format_khr_exact(v, lang)}" for label, v in zip(frame["label"], frame[column],
                                                                                    strict=True)],
            hoverinfo="text",
        ))
    if "expected" in frame:
        figure.add_trace(go.Scatter(
            y=frame["label"], x=frame["expected"], mode="markers", name=t("metric.expected", lang),
            marker={"symbol": "line-ns-open", "size": 22, "color": ORANGE, "line": {"width": 3}},
            hovertext=[format_khr_exact(v, lang) for v in frame["expected"]], hoverinfo="text",
        ))
    figure.update_layout(base_layout(lang, height=90 + 70 * max(len(frame), 1)))
    figure.update_layout(barmode="group", legend={"orientation": "h", "y": -0.15},
                         xaxis={"title": {"text": t("chart.amount_khr", lang)}},
                         yaxis={"autorange": "reversed", "automargin": True})
    return figure


def status_summary_bar(counts: dict[str, int], lang: str) -> go.Figure:
    """How many indicators are in each status (a horizontal stacked bar, labelled)."""
    from indicators import STATUS_ICONS

    figure = go.Figure()
    for status in ("on_track", "watch", "off_track", "no_data"):
        n = counts.get(status, 0)
        label = f"{STATUS_ICONS[status]} {t(f'status.{status}', lang)}"
        figure.add_trace(go.Bar(x=[n], y=[t("chart.indicators", lang)], orientation="h", name=label,
                                marker_color=STATUS_COLOURS[status], text=[f"{label}: {n}"] if n else [""],
                                textposition="inside", hoverinfo="name+x"))
    figure.update_layout(base_layout(lang, height=150))
    figure.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.4},
                         xaxis={"visible": False}, yaxis={"visible": False})
    return figure


def sparkline(values: list[float]) -> go.Figure:
    """A tiny trend line, no axes."""
    figure = go.Figure(go.Scatter(y=values, mode="lines+markers", line={"color": BLUE, "width": 2},
                                  marker={"size": 4}, hoverinfo="y"))
    figure.update_layout(height=40, width=120, margin={"l": 2, "r": 2, "t": 2, "b": 2},
                         xaxis={"visible": False}, yaxis={"visible": False}, showlegend=False,
                         paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
    return figure


def quadrant_scatter(frame: pd.DataFrame, lang: str, *, expected: float) -> go.Figure:
    """Execution rate against mean achievement, with the quadrant lines (``label`` per point)."""
    figure = go.Figure(go.Scatter(
        x=frame["execution_rate"], y=frame["achievement"], mode="markers+text", text=frame["label"],
        textposition="top center", marker={"size": 12, "color": BLUE},
        hovertext=[f"{label}: {format_percent(x, lang)} / {format_percent(y, lang)}"
                   for label, x, y in zip(frame["label"], frame["execution_rate"], frame["achievement"],
                                          strict=True)],
        hoverinfo="text",
    ))
    from indicators import DEFAULT_ON_TRACK, SPENDING_PACE

    figure.add_vline(x=expected * SPENDING_PACE, line_dash="dot", line_color=GREY)
    figure.add_hline(y=DEFAULT_ON_TRACK, line_dash="dot", line_color=GREY)
    for key, x, y in (("spending_delivering", 1.0, 1.45), ("not_spending_delivering", 0.0, 1.45),
                      ("spending_not_delivering", 1.0, 0.05), ("not_spending_not_delivering", 0.0, 0.05)):
        figure.add_annotation(x=x, y=y, text=t(f"quadrant.{key}", lang), showarrow=False,
                              xanchor="right" if x else "left", font={"size": 11, "color": "#52606d"})
    figure.update_layout(base_layout(lang, height=360))
    figure.update_layout(xaxis={"title": {"text": t("metric.execution_rate", lang)}, "tickformat": ".0%",
                                "range": [0, 1.05]},
                         yaxis={"title": {"text": t("chart.mean_achievement", lang)}, "tickformat": ".0%",
                                "range": [0, 1.55]}, showlegend=False)
    return figure
