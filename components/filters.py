"""The year and period selectors every data page shares (defaults: the latest loaded)."""

from __future__ import annotations

import dash
from dash import Input, Output, clientside_callback, dcc, html

from domain.periods import is_month_period
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
            dcc.Store(id=f"{prefix}-url-sync"),
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
        # ASCII digits only: isdigit() also passes "²⁰²⁵", which int() refuses.
        known = len(wanted) == 4 and wanted.isascii() and wanted.isdigit() and int(wanted) in periods_by_year
        year = int(wanted) if known else years[0]
    periods = periods_by_year.get(int(year), [])
    default = preferred.get(int(year)) or (periods[0] if periods else None)
    period = asked.get("period") if asked.get("period") in periods else default
    return ([{"label": period_label(str(y), lang), "value": y} for y in years], int(year),
            [{"label": period_label(p, lang), "value": p} for p in periods], period)


def register_selector_callback(prefix: str, *, national: bool = True) -> None:
    """Register the callback that fills a page's year and period selectors (one per page).

    The periods come from the query layer with the caller's scope; the URL's values win when
    they name loaded data, else the default period of the year.
    """
    from components.context import caller_db_url, caller_language, caller_scope
    from db.engine import session_scope
    from db.queries.cache import FACTS, cached
    from db.queries.overview import selector_data

    @dash.callback(
        Output(f"{prefix}-year", "options"), Output(f"{prefix}-year", "value"),
        Output(f"{prefix}-period", "options"), Output(f"{prefix}-period", "value"),
        Input(f"{prefix}-asked", "data"), Input(f"{prefix}-year", "value"),
    )
    def fill_selectors(asked, year):
        scope, lang = caller_scope(), caller_language()
        with session_scope(caller_db_url()) as session:
            periods = cached(session, scope, selector_data, depends=(FACTS,), national=national)
        chosen = year if dash.ctx.triggered_id == f"{prefix}-year" else None
        return selector_options(*periods, asked if isinstance(asked, dict) else None, chosen, lang)

    # The address bar follows the selectors, so that the link a user copies shows the same view.
    # replaceState changes the address without telling the page router, so nothing re-renders.
    clientside_callback(
        """function(year, period) {
            if (year && period) {
                var params = new URLSearchParams(window.location.search);
                params.set("year", year);
                params.set("period", period);
                window.history.replaceState(window.history.state, "", window.location.pathname + "?" + params);
            }
            return window.location.search;
        }""",
        Output(f"{prefix}-url-sync", "data"), Input(f"{prefix}-year", "value"), Input(f"{prefix}-period", "value"),
    )



def valid_period(year: object, period: object) -> bool:
    """Whether the selectors' year and period are what the selectors offer: four ASCII digits and
    a ``YYYY-MM`` of that year. A callback is a public endpoint: a crafted request may send a
    5,000-digit year, superscripts or a list, which must end in an empty view, not a traceback."""
    if not isinstance(year, (str, int)) or isinstance(year, bool) or not isinstance(period, str):
        return False
    text = str(year)
    return (len(text) == 4 and text.isascii() and text.isdigit()
            and is_month_period(period) and period[:4] == text)
