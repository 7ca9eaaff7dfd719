"""National overview (docs/architecture.md): KPIs, programmes, indicator status, the province map.

The layout holds no figures; one callback answers the selectors with everything the page shows.
Its charts are HTML (components/htmlcharts.py): the page never fetches plotly.js, a third of a
first visit's bytes, unless a boundary file makes the map a choropleth.
"""

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

import settings
from components.answers import remembered
from components.cards import kpi_card
from components.context import caller_db_url, caller_language, caller_scope
from components.filters import period_label, register_selector_callback, valid_period, year_period_selectors
from components.format import format_khr, format_khr_exact, format_percent, format_points, format_usd
from components.htmlcharts import message, programme_bars, status_bar
from components.national import withheld_message
from components.page import guarded, page_frame, unavailable
from components.tilemap import province_map
from db.engine import session_scope
from db.queries import overview as queries
from db.queries.cache import FACTS_TO_YEAR, cached
from db.queries.common import NationalWithheld
from i18n import t

dash.register_page(__name__, path="/", name="overview", title="PIB Dashboard")

METRICS = ("execution_rate", "score", "completeness")
DEFAULT_METRIC = METRICS[0]  # what the page opens on; the start-up warm-up asks for it too


def layout(year: str | None = None, period: str | None = None, **_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(
            t("overview.title", lang),
            html.Div([
                year_period_selectors("overview", lang, year, period),
                html.Label([t("filter.metric", lang), dcc.RadioItems(
                    id="overview-metric", value=DEFAULT_METRIC, inline=True,
                    options=[{"label": t(f"metric.{m}", lang), "value": m} for m in METRICS])],
                    className="filter"),
            ], className="toolbar"),
            html.Div(id="overview-message", role="status", className="page-status"),
            dcc.Loading(html.Div(id="overview-kpis", className="kpi-grid"), type="dot"),
            html.Div([
                html.Section([html.H2(t("chart.budget_by_programme", lang)),
                              html.Div(id="overview-programmes", className="hc-slot")], className="panel"),
                html.Section([html.H2(t("chart.status_summary", lang)),
                              html.Div(id="overview-status", className="hc-slot")], className="panel"),
            ], className="panel-grid"),
            html.Section([html.H2(t("chart.tile_map", lang)),
                          html.Div(id="overview-map", className="hc-slot")], className="panel"),
            page_id="page-overview",
        )

    return guarded("overview", build)


register_selector_callback("overview")


@callback(
    Output("overview-kpis", "children"), Output("overview-programmes", "children"),
    Output("overview-status", "children"), Output("overview-map", "children"),
    Output("overview-message", "children"),
    Input("overview-year", "value"), Input("overview-period", "value"), Input("overview-metric", "value"),
    State("overview-asked", "data"),
)
@remembered(depends=(FACTS_TO_YEAR,))
def show_overview(year, period, metric, _asked):
    scope, lang = caller_scope(), caller_language()
    empty = ([], [], [], [])
    if not valid_period(year, period):
        return *empty, t("overview.empty", lang)
    try:
        with session_scope(caller_db_url()) as session:
            kpis = cached(session, scope, queries.overview, depends=(FACTS_TO_YEAR,), year=int(year), period=period)
            programmes = cached(session, scope, queries.programmes, depends=(FACTS_TO_YEAR,),
                                year=int(year), period=period, lang=lang)
            table = cached(session, scope, queries.province_table, depends=(FACTS_TO_YEAR,),
                           year=int(year), period=period)
    except NationalWithheld as withheld:
        # The charts say it too, rather than show empty axes that look like a page that failed.
        blank = message(t("overview.withheld_chart", lang))
        return [], blank, blank, blank, withheld_message(withheld, lang)
    except SQLAlchemyError:  # the database is away: say so; any other error is a bug, logged with an incident id
        return *empty, unavailable(lang)
    cards = [
        kpi_card(t("kpi.revised", lang, year=period_label(str(year), lang)), format_khr(kpis["revised"], lang),
                 card_id="kpi-revised", tooltip=format_khr_exact(kpis["revised"], lang),
                 sub=f"≈ {format_usd(kpis['revised'] / settings.usd_rate(), lang)}"),
        kpi_card(t("kpi.paid", lang), format_khr(kpis["paid"], lang), card_id="kpi-paid",
                 tooltip=format_khr_exact(kpis["paid"], lang),
                 sub=t("kpi.paid_sub", lang, rate=format_percent(kpis["execution_rate"], lang),
                       expected=format_percent(kpis["expected"], lang))),
        kpi_card(t("kpi.gap", lang), format_points(kpis["gap"], lang), card_id="kpi-gap",
                 sub=t("kpi.gap_sub", lang)),
        kpi_card(t("kpi.on_track", lang), format_percent(kpis["on_track_share"], lang), card_id="kpi-on-track",
                 sub=t("kpi.on_track_sub", lang, n=kpis["status_counts"]["on_track"],
                       total=kpis["indicators_with_data"])),
        kpi_card(t("kpi.completeness", lang), format_percent(kpis["completeness"], lang),
                 card_id="kpi-completeness", sub=t("kpi.completeness_sub", lang)),
    ]
    metric = metric if metric in METRICS else METRICS[0]  # a crafted request may send anything
    values = table.set_index("code")[metric] if not table.empty else pd.Series(dtype="float64")
    hidden = set() if scope.provinces is None else {f"{n:02d}" for n in range(1, 26)} - set(scope.provinces)
    tiles = province_map(values, lang, metric_label=t(f"metric.{metric}", lang),
                         value_format=lambda v: format_percent(v, lang),
                         exact_format=lambda v: format_percent(v, lang, 1), highlight=scope.province, hidden=hidden)
    return (cards, programme_bars(programmes, lang, caption=t("chart.budget_by_programme", lang)),
            status_bar(kpis["status_counts"], lang, caption=t("chart.status_summary", lang)), tiles, "")
