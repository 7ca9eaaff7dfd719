"""Status badges (icon + word + colour, never colour alone) and trend arrows."""

from __future__ import annotations

from dash import html

from i18n import t
from indicators import STATUS_ICONS, trend


def status_label(status: str, lang: str) -> str:
    """``✔ On track`` — the icon and the word, for grids and exports."""
    return f"{STATUS_ICONS.get(status, '–')} {t(f'status.{status}', lang)}"


def status_badge(status: str, lang: str) -> html.Span:
    """A coloured badge with the icon and the word of a status."""
    status = status if status in STATUS_ICONS else "no_data"
    return html.Span(
        [html.Span(STATUS_ICONS[status], className="badge-icon", **{"aria-hidden": "true"}),
         html.Span(t(f"status.{status}", lang))],
        className=f"badge badge-{status}",
    )


def trend_arrow(current, previous, lang: str) -> html.Span:
    """↑ ↓ → with a title saying what it means (empty when there is no previous value)."""
    direction = trend(current, previous)
    if not direction:
        return html.Span("", className="trend")
    arrow = {"up": "↑", "down": "↓", "same": "→"}[direction]
    return html.Span(arrow, title=t(f"trend.{direction}", lang), className=f"trend trend-{direction}")
