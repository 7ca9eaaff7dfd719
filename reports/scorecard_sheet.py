"""The province scorecard as one A4 sheet in English and Khmer side by side (docs/architecture.md).

The sheet is built from the same query layer as the page (so the caller's scope applies) and
rendered to HTML by a template; WeasyPrint turns that HTML into the PDF. WeasyPrint shapes Khmer
with HarfBuzz through Pango, which a PDF library drawing glyph by glyph would not: subscript
consonants and vowels would come out in the wrong place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from flask import render_template
from sqlalchemy.orm import Session

from components.explanations import deviation_items
from components.format import format_khr, format_number, format_percent
from db.queries import indicators as indicator_queries
from db.queries import overview as overview_queries
from db.queries import review as review_queries
from db.queries.units import unit_name
from domain.access import Scope
from i18n import t
from indicators import STATUS_ICONS, expected_execution, period_month, trend

ASSETS = Path(__file__).resolve().parents[1] / "assets"
ARROWS = {"up": "↑", "down": "↓", "same": "→", "": ""}
LANGUAGES = ("en", "km")


@dataclass(frozen=True)
class Label:
    """One label in both languages, printed one above the other."""

    en: str
    km: str


def both(key: str, **values: object) -> Label:
    """The message ``key`` in English and in Khmer."""
    return Label(t(key, "en", **values), t(key, "km", **values))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def scorecard_sheet(session: Session, scope: Scope, *, code: str, year: int, period: str) -> dict:
    """Everything the printed scorecard shows, in both languages; ``Forbidden`` outside the scope."""
    card = indicator_queries.scorecard(session, scope, year=year, province=code, period=period)
    previous = indicator_queries.previous_achievements(session, scope, year=year, province=code, period=period)
    money = overview_queries.programmes(session, scope, year=year, period=period, lang="en", entity=code)
    names_km = overview_queries.programmes(session, scope, year=year, period=period, lang="km",
                                           entity=code).set_index("programme")["label"]
    indicators = []
    for row in card["rows"].to_dict(orient="records"):
        status = row["status"] if row["status"] in STATUS_ICONS else "no_data"
        indicators.append({
            "name": Label(row["name_en"], row["name_km"]),
            "baseline": format_number(row["baseline"]), "target": format_number(row["target"]),
            "actual": format_number(row["actual"]), "achievement": format_percent(row["achievement"]),
            "status": status, "icon": STATUS_ICONS[status], "status_label": both(f"status.{status}"),
            "arrow": ARROWS[trend(row["achievement"], previous.get(row["indicator"]))],
        })
    programmes = []
    for row in money.to_dict(orient="records"):
        rate = row["execution_rate"]
        programmes.append({
            "name": Label(row["label"], names_km.get(row["programme"], row["label"])),
            "revised": format_khr(row["revised"]), "paid": format_khr(row["paid"]),
            "rate": format_percent(rate), "bar": 0 if _missing(rate) else max(0.0, min(float(rate), 1.0)) * 100,
        })
    rank = "–" if card["rank"] is None else f"{card['rank']} / {card['ranked']}"
    explained, due = deviation_notes(card["rows"], review_queries.explanations(
        session, scope, year=year, period=period, unit=code))
    return {
        "code": code, "year": year, "period": period,
        "province": Label(unit_name(code, "en"), unit_name(code, "km")),
        "score": format_percent(card["score"]), "rank": rank,
        "national_mean": format_percent(card["national_mean_score"]),
        "expected": expected_execution(period_month(period)) * 100,
        "expected_text": format_percent(expected_execution(period_month(period))),
        "indicators": indicators, "programmes": programmes,
        "explained": explained, "due": due,
    }


def deviation_notes(rows, explanations: list[dict]) -> tuple[list[dict], list[Label]]:
    """The explained deviations (indicator, status, reason, action, MEF's comment, who and when)
    and the names of those still due: the sheet lists the first and names the second in a line,
    so that a province with many deviations still prints on its page."""
    explained, due = [], []
    for item in deviation_items(rows, explanations):
        name = Label(item["name_en"], item["name_km"])
        found = item["explanation"]
        if not found or not found["reason"]:
            if item["deviating"]:
                due.append(name)
            if not found or not found["oversight"]:
                continue
        status = item["status"] if item["status"] in STATUS_ICONS else "no_data"
        explained.append({
            "name": name, "status": status, "icon": STATUS_ICONS[status], "status_label": both(f"status.{status}"),
            "reason": found["reason"], "action": found["action"], "written_by": found["written_by"],
            "written_at": _day(found["written_at"]), "oversight": found["oversight"],
            "oversight_by": found["oversight_by"], "oversight_at": _day(found["oversight_at"]),
        })
    return explained, due


def _day(iso: str | None) -> str:
    return (iso or "")[:10]


def render_sheet_html(sheet: dict, *, for_pdf: bool = False) -> str:
    """The sheet as an HTML page (a print button on screen; none in the PDF)."""
    labels = {key.replace(".", "_"): both(key) for key in (
        "app.title", "app.ministry", "nav.scorecard", "nav.programmes", "metric.score", "metric.rank",
        "scorecard.indicator", "scorecard.baseline", "scorecard.target", "scorecard.actual", "scorecard.achievement",
        "scorecard.status", "scorecard.trend", "chart.indicators", "chart.budget_by_programme",
        "metric.revised", "metric.paid", "metric.execution_rate", "metric.expected", "sheet.print",
        "explain.title", "explain.reason", "explain.action", "explain.oversight", "explain.sheet_none")}
    labels["explain_due"] = both("explain.sheet_due", n=len(sheet["due"]))
    labels["national_mean"] = both("scorecard.national_mean", mean=sheet["national_mean"])
    labels["period"] = both("sheet.period", year=sheet["year"], period=sheet["period"])
    return render_template("scorecard_sheet.html", sheet=sheet, label=labels, for_pdf=for_pdf,
                           font_url=(ASSETS / "fonts").as_uri() if for_pdf else "/assets/fonts")


def sheet_pdf(html: str) -> bytes:
    """The PDF of a rendered sheet."""
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    return HTML(string=html, base_url=str(ASSETS)).write_pdf()
