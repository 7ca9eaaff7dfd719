"""The year and period selectors every data page shares (defaults: the latest loaded)."""

from __future__ import annotations

from dash import dcc, html

from i18n import t


def period_label(period: str, lang: str) -> str:
    from i18n import khmer_digits

    return khmer_digits(period) if lang == "km" else period


def year_period_selectors(prefix: str, lang: str, year: str | None, period: str | None) -> html.Div:
    """Two dropdowns, filled by a callback; the URL's ``year`` and ``period`` wait in a store."""
    return html.Div(
        [
            html.Label([t("filter.year", lang),
                        dcc.Dropdown(id=f"{prefix}-year", clearable=False, searchable=False)],
                       className="filter"),
            html.Label([t("filter.period", lang),
                        dcc.Dropdown(id=f"{prefix}-period", clearable=False, searchable=False)],
                       className="filter"),
            dcc.Store(id=f"{prefix}-asked", data={"year": year, "period": period}),
        ],
        className="filters",
    )


def selector_options(periods_by_year: dict[int, list[str]], preferred: dict[int, str], asked: dict | None,
                     chosen_year, lang: str) -> tuple[list, int | None, list, str | None]:
    """Options and values for the two selectors, honouring the URL when it names loaded data."""
    asked = asked or {}
    years = list(periods_by_year)
    if not years:
        return [], None, [], None
    year = chosen_year
    if year is None:
        wanted = str(asked.get("year") or "")
        year = int(wanted) if wanted.isdigit() and int(wanted) in periods_by_year else years[0]
    periods = periods_by_year.get(int(year), [])
    default = preferred.get(int(year)) or (periods[0] if periods else None)
    period = asked.get("period") if asked.get("period") in periods else default
    return ([{"label": period_label(str(y), lang), "value": y} for y in years], int(year),
            [{"label": period_label(p, lang), "value": p} for p in periods], period)
