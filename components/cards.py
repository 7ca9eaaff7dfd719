"""KPI cards: a title, a value as text, a line under it, and an exact value on hover."""

from __future__ import annotations

from dash import html


def kpi_card(title: str, value_text: str, *, card_id: str, sub: str | None = None,
             tooltip: str | None = None) -> html.Div:
    """One KPI; ``card_id`` names the value element (``<card_id>-value``) for tests and links."""
    return html.Div(
        [
            html.Div(title, className="kpi-title"),
            html.Div(value_text, className="kpi-value", id=f"{card_id}-value", title=tooltip or ""),
            html.Div(sub or "", className="kpi-sub"),
        ],
        className="kpi-card",
        id=card_id,
    )
