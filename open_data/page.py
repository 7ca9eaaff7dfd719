"""What the /open page shows, in the reader's language: a view model for its Jinja template.

No figure is computed here: they come from ``open_data.tables`` (the signed-in query layer with
the public scope) and are only formatted, coloured and placed on the tile map.
"""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy.orm import Session

from components.format import DASH, format_khr, format_khr_exact, format_number, format_percent
from components.tilemap import tile_positions
from db.queries.publications import Published, published_periods
from db.queries.units import unit_name
from domain.access import Scope
from domain.vocabulary import NATIONAL, PROVINCE_CODES
from extensions import OPEN_PREFIX
from i18n import LANGUAGES, khmer_digits, t
from indicators.achievement import STATUS_ICONS
from indicators.methodology import ENTRIES
from open_data.tables import LICENCE, budget_table, indicator_table

# cividis, the signed-in tile map's scale (readable with every common colour-vision deficiency).
CIVIDIS = ((0.0, (0x00, 0x20, 0x4D)), (0.25, (0x41, 0x4D, 0x6B)), (0.5, (0x7C, 0x7B, 0x78)),
           (0.75, (0xBC, 0xAF, 0x6F)), (1.0, (0xFF, 0xEA, 0x46)))
NO_DATA_COLOUR = "#d9dde3"
ABOUT = ("open_data", "execution_rate", "achievement", "status")


def digits(text: str, lang: str) -> str:
    return khmer_digits(text) if lang == "km" else text


def period_label(period: str, lang: str) -> str:
    """``2025-06`` as "June 2025 (Q2)" / "ខែមិថុនា ឆ្នាំ២០២៥ (ត្រីមាសទី២)"; other months without a quarter."""
    year, month = period[:4], int(period[5:7])
    text = t("open.period_month", lang, month=t(f"open.month.{month}", lang), year=year)
    if month % 3 == 0:
        text += " " + t("open.quarter", lang, n=month // 3)
    return digits(text, lang)


def colour(rate: float | None, low: float = 0.0, high: float = 1.0) -> tuple[str, str]:
    """The tile's background for an execution rate on the scale from ``low`` to ``high`` (the
    lowest and highest rate shown, as the signed-in tile map scales), and a readable text colour."""
    if rate is None:
        return NO_DATA_COLOUR, "#1c2430"
    x = 0.5 if high <= low else min(max((float(rate) - low) / (high - low), 0.0), 1.0)
    for (x0, c0), (x1, c1) in zip(CIVIDIS, CIVIDIS[1:], strict=False):
        if x <= x1:
            f = (x - x0) / (x1 - x0)
            rgb = tuple(round(a + (b - a) * f) for a, b in zip(c0, c1, strict=True))
            break
    return "#{:02x}{:02x}{:02x}".format(*rgb), ("#ffffff" if x < 0.55 else "#1c2430")


def link(lang: str, period: str, province: str | None = None, anchor: str = "") -> str:
    """The address of the page for a period, language and province."""
    query = {"period": period, "lang": lang, **({"province": province} if province else {})}
    return f"{OPEN_PREFIX}?{urlencode(query)}{anchor}"


def billions(value, lang: str) -> str:
    """Riels in billions with two decimals, the unit being in the column's header."""
    return DASH if value is None else format_number(value / 1e9, lang, 2)


def _number(value, lang: str) -> str:
    if value is None:
        return DASH
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def empty_context(lang: str) -> dict:
    """The page when nothing is published yet."""
    return {"lang": lang, "t": t, "languages": [(code, f"{OPEN_PREFIX}?lang={code}") for code in LANGUAGES],
            "current": None, "years": []}


def page_context(session: Session, scope: Scope, *, current: Published, lang: str,
                 province: str | None) -> dict:
    """Everything the template shows for a published period (``current``)."""
    year, period = current.year, current.period
    budget = budget_table(session, scope, year=year, period=period)
    values = indicator_table(session, scope, year=year, period=period)["rows"]
    by_year: dict[int, list[dict]] = {}
    for p in published_periods(session, scope):
        by_year.setdefault(p.year, []).append({"value": p.period, "label": period_label(p.period, lang),
                                               "selected": p.period == period})
    entities = {row["entity"]: row for row in budget["rows"]}

    def budget_row(code: str, name: str, row: dict | None, *, total: bool = False) -> dict:
        row = row or {}
        late = row.get("as_of") and row["as_of"] != period
        return {"code": code, "name": name, "total": total,
                "href": link(lang, period, code, "#indicators") if code in PROVINCE_CODES else None,
                "revised": billions(row.get("revised"), lang),
                "revised_exact": format_khr_exact(row.get("revised"), lang), "revised_value": row.get("revised"),
                "paid": billions(row.get("paid"), lang), "paid_exact": format_khr_exact(row.get("paid"), lang),
                "paid_value": row.get("paid"),
                "rate": format_percent(row.get("execution_rate"), lang),
                "note": t("open.as_of_row", lang, period=period_label(row["as_of"], lang)) if late else ""}

    national = budget["national"]
    table = [budget_row("", t("open.national_total", lang), national, total=True),
             budget_row(NATIONAL, unit_name(NATIONAL, lang), entities.get(NATIONAL))]
    table += [budget_row(code, unit_name(code, lang), entities.get(code)) for code in PROVINCE_CODES]

    tiles = []
    rates = [entities[c]["execution_rate"] for c in PROVINCE_CODES
             if c in entities and entities[c]["execution_rate"] is not None]
    low, high = (min(rates), max(rates)) if rates else (0.0, 1.0)
    for code, (row, col) in sorted(tile_positions().items()):
        rate = entities.get(code, {}).get("execution_rate")
        as_of = entities.get(code, {}).get("as_of")
        background, ink = colour(rate, low, high)
        tiles.append({"code": code, "name": unit_name(code, lang), "row": row + 1, "col": col + 1,
                      "value": format_percent(rate, lang) if rate is not None else DASH,
                      "note": t("open.as_of_row", lang, period=period_label(as_of, lang))
                      if as_of and as_of != period else "",
                      "background": background, "ink": ink, "selected": code == province,
                      "href": link(lang, period, code, "#indicators")})

    where = province or NATIONAL
    shown = [r for r in values if r["unit"] == where]
    national_rows = [r for r in values if r["unit"] == NATIONAL]
    on_track = sum(r["status"] == "on_track" for r in national_rows)
    counted = sum(r["status"] != "no_data" for r in national_rows)
    name_key = "indicator_name_km" if lang == "km" else "indicator_name_en"
    about = {e.key: e for e in ENTRIES}
    return {
        **empty_context(lang),
        "languages": [(code, link(code, period, province)) for code in LANGUAGES],
        "current": {"year": year, "period": period, "label": period_label(period, lang),
                    "date": digits(current.published_at.date().isoformat(), lang)},
        "years": [(digits(str(y), lang), options) for y, options in by_year.items()],
        "provinces": [{"code": code, "name": unit_name(code, lang), "selected": code == province}
                      for code in PROVINCE_CODES],
        "kpis": [(t("open.revised", lang), format_khr(national["revised"], lang)),
                 (t("open.paid", lang), format_khr(national["paid"], lang)),
                 (t("open.rate", lang), format_percent(national["execution_rate"], lang)),
                 (t("open.achievement", lang), digits(t("open.on_track_count", lang, n=on_track, total=counted),
                                                      lang))],
        "tiles": tiles, "legend": [colour(x / 4)[0] for x in range(5)],
        "legend_ends": (format_percent(low, lang), format_percent(high, lang)),
        "budget": table,
        "where": t("open.national", lang) if where == NATIONAL else unit_name(where, lang),
        "indicators": [{"name": r[name_key] or r["indicator"], "measure": r["measure"] or "",
                        "target": _number(r["target"], lang), "actual": _number(r["actual"], lang),
                        "achievement": format_percent(r["achievement"], lang), "status": r["status"],
                        "icon": STATUS_ICONS.get(r["status"], ""), "status_word": t(f"status.{r['status']}", lang),
                        "note": t("open.as_of_row", lang, period=period_label(r["as_of"], lang))
                        if r["as_of"] != period else ""} for r in shown],
        "query": urlencode({"year": year, "period": period}),
        "licence": LICENCE,
        "about": [(about[k].title(lang), about[k].body(lang)) for k in ABOUT if k in about],
    }
