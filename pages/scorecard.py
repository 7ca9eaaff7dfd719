"""Province scorecard ``/scorecard/<code>`` (docs/architecture.md): score, rank, every indicator,
budget by programme; printable on one A4 page; downloads.

A director opening another province's code gets the "not permitted" page, and it is audited.
"""

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from components import explanations
from components.answers import remembered
from components.cards import kpi_card
from components.context import caller_db_url, caller_language, caller_scope
from components.exports import ExportColumn, download_table
from components.filters import period_label, register_selector_callback, valid_period, year_period_selectors
from components.format import format_number, format_percent
from components.htmlcharts import programme_bars, quadrant_chart
from components.lineage import sources_list
from components.page import guarded, page_frame, unavailable
from components.status import status_badge, trend_arrow
from components.tables import html_table
from db.engine import session_scope
from db.queries import indicators as indicator_queries
from db.queries import overview as queries
from db.queries import programmes as programme_queries
from db.queries.cache import FACTS_TO_YEAR, cached
from db.queries.lineage import indicator_lineage
from db.queries.units import local_unit_name, unit_name
from domain.access import Forbidden
from i18n import t
from indicators import expected_execution, period_month

# Its charts are HTML (components/htmlcharts.py): a director's first visit fetches no plotly.js.
dash.register_page(__name__, path_template="/scorecard/<code>", name="scorecard", title="Scorecard")

# Every row carries the province's score and rank, so that a machine reading the CSV has them.
EXPORT_COLUMNS = (
    ExportColumn("province", "metric.code", "code"), ExportColumn("indicator", "scorecard.code", "code"),
    ExportColumn("name", "scorecard.indicator"), ExportColumn("period", "metric.as_of", "code"),
    ExportColumn("baseline", "scorecard.baseline", "number"), ExportColumn("target", "scorecard.target", "number"),
    ExportColumn("actual", "scorecard.actual", "number"),
    ExportColumn("achievement", "scorecard.achievement", "fraction"),
    ExportColumn("status", "scorecard.status", "status"),
    ExportColumn("score", "metric.score", "fraction"), ExportColumn("rank", "metric.rank", "integer"),
)
HEADERS = ("scorecard.indicator", "scorecard.baseline", "scorecard.target", "scorecard.actual",
           "scorecard.achievement", "scorecard.status", "scorecard.trend", "scorecard.sources")
BARS = "▁▂▃▄▅▆▇█"


def spark(values: list[float]) -> str:
    """A text sparkline of achievements over the year: light, and it prints."""
    points = [v for v in values if v == v]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    return "".join(BARS[int((v - low) / span * (len(BARS) - 1))] for v in points)


def _valid_code(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isdigit() and "01" <= code <= "25"


def layout(code: str = "", year: str | None = None, period: str | None = None, **_query: str) -> html.Div:
    def build(scope, lang: str) -> html.Div:
        if not _valid_code(code):
            raise Forbidden(f"province {code!r}")
        scope.require_province(code)
        return page_frame(
            f"{t('nav.scorecard', lang)}: {unit_name(code, lang)}",
            html.Div([
                year_period_selectors("scorecard", lang, year, period),
                html.A(t("sheet.open", lang), id="scorecard-sheet-link", className="button no-print",
                       href=f"/scorecard/{code}/print", target="_blank", rel="noopener"),
                html.A(t("sheet.pdf", lang), id="scorecard-pdf-link", className="button no-print",
                       href=f"/scorecard/{code}/pdf", download=""),
            ], className="toolbar"),
            dcc.Store(id="scorecard-code", data=code),
            html.Div(id="scorecard-message", role="status", className="page-status"),
            dcc.Loading(html.Div(id="scorecard-kpis", className="kpi-grid"), type="dot"),
            html.Section([html.H2(t("chart.indicators", lang)), html.Div(id="scorecard-table", className="table-wrap"),
                          html.Div([html.Button(t("export.excel", lang), id="scorecard-xlsx", className="button"),
                                    html.Button(t("export.csv", lang), id="scorecard-csv", className="button"),
                                    dcc.Download(id="scorecard-download")], className="downloads")],
                         className="panel"),
            html.Div(id="scorecard-lineage", className="panel", role="region"),
            explanations.panel("scorecard", lang),
            html.Div([
                html.Section([html.H2(t("chart.budget_by_programme", lang)),
                              html.Div(id="scorecard-budget", className="hc-slot")], className="panel"),
                html.Section([html.H2(t("chart.quadrant", lang)),
                              html.Div(id="scorecard-quadrant", className="hc-slot")], className="panel"),
            ], className="panel-grid"),
            html.Section([html.H2(t("scorecard.drilldown", lang)),
                          dcc.Dropdown(id="scorecard-drill-indicator", clearable=False),
                          html.Div(id="scorecard-drill", className="table-wrap"),
                          html.Button(id="scorecard-drill-all", className="button drill-all", hidden=True)],
                         className="panel no-print"),
            page_id="page-scorecard",
        )

    return guarded("scorecard", build)


# A province's own scorecard: its newest period, whether or not every province has reported it.
register_selector_callback("scorecard", national=False)


def _card(code: str, year, period) -> tuple[dict, dict, pd.DataFrame]:
    scope = caller_scope()
    scope.require_province(code)
    with session_scope(caller_db_url()) as session:
        card = cached(session, scope, indicator_queries.scorecard, depends=(FACTS_TO_YEAR,),
                      year=int(year), province=code, period=period)
        previous = cached(session, scope, indicator_queries.previous_achievements, depends=(FACTS_TO_YEAR,),
                          year=int(year), province=code, period=period)
        lang = caller_language()
        money = cached(session, scope, queries.programmes, depends=(FACTS_TO_YEAR,),
                       year=int(year), period=period, lang=lang, entity=code)
    return card, previous, money


@callback(
    Output("scorecard-kpis", "children"), Output("scorecard-table", "children"),
    Output("scorecard-budget", "children"), Output("scorecard-quadrant", "children"),
    Output("scorecard-drill-indicator", "options"), Output("scorecard-drill-indicator", "value"),
    Output("scorecard-message", "children"),
    Input("scorecard-year", "value"), Input("scorecard-period", "value"), State("scorecard-code", "data"),
)
@remembered(depends=(FACTS_TO_YEAR,))
def show_scorecard(year, period, code):
    lang = caller_language()
    nothing = ([], [], [], [], [], None)
    if not valid_period(year, period):
        return *nothing, t("overview.empty", lang)
    try:
        card, previous, money = _card(str(code), year, period)
        scope = caller_scope()
        with session_scope(caller_db_url()) as session:
            history = cached(session, scope, indicator_queries.achievement_history, depends=(FACTS_TO_YEAR,),
                             year=int(year), province=str(code))
            quadrant = cached(session, scope, programme_queries.programme_quadrant, depends=(FACTS_TO_YEAR,),
                              year=int(year), period=period, province=str(code), lang=lang)
            local = cached(session, scope, indicator_queries.indicators_with_local_values, depends=(FACTS_TO_YEAR,),
                           year=int(year), period=period, province=str(code))
    except Forbidden:
        return *nothing, t("forbidden.body", lang)
    except SQLAlchemyError:  # the database is away: say so; any other error is a bug, logged with an incident id
        return *nothing, unavailable(lang)
    rank = "–" if card["rank"] is None else f"{card['rank']} / {card['ranked']}"
    kpis = [
        kpi_card(t("metric.score", lang), format_percent(card["score"], lang), card_id="scorecard-score",
                 sub=t("scorecard.national_mean", lang, mean=format_percent(card["national_mean_score"], lang))
                 if card["national_mean_score"] is not None or scope.provinces is None
                 else t("scorecard.national_mean_withheld", lang)),
        kpi_card(t("metric.rank", lang), rank, card_id="scorecard-rank"),
    ]
    rows = card["rows"]
    name_col = "name_km" if lang == "km" else "name_en"
    trends = history.groupby("indicator")["achievement"].apply(list).to_dict() if not history.empty else {}
    records = rows.to_dict(orient="records")
    cells = [[
        r[name_col], format_number(r["baseline"], lang), format_number(r["target"], lang),
        format_number(r["actual"], lang), format_percent(r["achievement"], lang), status_badge(r["status"], lang),
        [trend_arrow(r["achievement"], previous.get(r["indicator"]), lang),
         html.Span(spark(trends.get(r["indicator"], [])), className="spark", title=t("scorecard.spark", lang))],
        html.Button(t("scorecard.show_sources", lang), className="link-button",
                    id={"type": "scorecard-source", "indicator": r["indicator"]}),
    ] for r in records]
    table = html_table([t(h, lang) for h in HEADERS], cells, table_id="scorecard-indicators",
                       numeric=frozenset({1, 2, 3, 4}), row_ids=[f"scorecard-row-{r['indicator']}" for r in records])
    names = dict(zip(rows["indicator"], rows[name_col], strict=True))
    options = [{"label": names.get(i, i), "value": i} for i in local]
    expected = expected_execution(period_month(period))
    as_of = sorted({p for p in rows["period"].dropna() if p != period})
    note = (t("scorecard.as_of_note", lang, period=period_label(period, lang),
              as_of=", ".join(period_label(p, lang) for p in as_of)) if as_of else "")
    return (kpis, table, programme_bars(money, lang, caption=t("chart.budget_by_programme", lang)),
            quadrant_chart(quadrant, lang, expected=expected, caption=t("chart.quadrant", lang)),
            options, options[0]["value"] if options else None, note)


@callback(Output("scorecard-explanations", "children"), Input("scorecard-year", "value"),
          Input("scorecard-period", "value"), State("scorecard-code", "data"))
def show_explanations(year, period, code):
    """The province's deviations at the period with their explanations and MEF's comments; the
    director's form (and MEF's) on each."""
    lang = caller_language()
    if not valid_period(year, period) or not isinstance(code, str) or not _valid_code(code):
        return []
    try:
        scope = caller_scope()
        scope.require_province(code)
        with session_scope(caller_db_url()) as session:
            card = cached(session, scope, indicator_queries.scorecard, depends=(FACTS_TO_YEAR,),
                          year=int(year), province=code, period=period)
            items = explanations.read_items(session, scope, card["rows"], year=int(year), period=period, unit=code)
    except Forbidden:
        return t("forbidden.body", lang)
    except SQLAlchemyError:
        return unavailable(lang)
    return explanations.panel_body(items, scope=scope, unit=code, period=period, lang=lang)


# A province has up to ~100 districts and communes: drawing them all (some 650 components) held a
# phone's browser for 2.6 s on every visit. The first ones are drawn; the rest on a click.
DRILL_FIRST = 25


@callback(Output("scorecard-drill", "children"), Output("scorecard-drill-all", "children"),
          Output("scorecard-drill-all", "hidden"),
          Input("scorecard-drill-indicator", "value"), Input("scorecard-drill-all", "n_clicks"),
          State("scorecard-year", "value"), State("scorecard-period", "value"), State("scorecard-code", "data"),
          prevent_initial_call=True)
@remembered(depends=(FACTS_TO_YEAR,), by_trigger=True)
def drill_down(indicator, show_all, year, period, code):
    """The districts' and communes' values of one indicator in the province: the first
    ``DRILL_FIRST``, and a button for every one."""
    lang = caller_language()
    if not indicator or not valid_period(year, period):
        return [], "", True
    everything = dash.ctx.triggered_id == "scorecard-drill-all" and bool(show_all)
    try:
        scope = caller_scope()
        with session_scope(caller_db_url()) as session:
            rows = cached(session, scope, indicator_queries.local_values, depends=(FACTS_TO_YEAR,),
                          year=int(year), period=period,
                          province=str(code), indicator=indicator)
    except Forbidden:
        return t("forbidden.body", lang), "", True
    headers = [t(h, lang) for h in ("scorecard.unit", "scorecard.target", "scorecard.actual", "scorecard.achievement",
                                    "scorecard.status")]
    cells = [[f"{r['unit']} {local_unit_name(r['unit'], lang)}", format_number(r["target"], lang),
              format_number(r["actual"], lang), format_percent(r["achievement"], lang), status_badge(r["status"], lang)]
             for r in (rows if everything else rows.head(DRILL_FIRST)).to_dict(orient="records")]
    table = html_table(headers, cells, table_id="scorecard-drill-table", numeric=frozenset({1, 2, 3}))
    more = t("scorecard.drill_all", lang, shown=format_number(len(cells), lang), total=format_number(len(rows), lang))
    return table, more, len(cells) == len(rows)


@callback(Output("scorecard-lineage", "children"), Input({"type": "scorecard-source", "indicator": ALL}, "n_clicks"),
          State("scorecard-year", "value"), State("scorecard-period", "value"), State("scorecard-code", "data"),
          prevent_initial_call=True)
def show_sources(clicks, year, period, code):
    """The files, sheets and rows an indicator's value was summed from (lineage)."""
    lang = caller_language()
    trigger = dash.ctx.triggered_id
    if (not isinstance(clicks, list) or not any(clicks) or not isinstance(trigger, dict)
            or not valid_period(year, period)):
        return no_update  # nothing clicked (or a hand-made request that is not a click)
    try:
        scope = caller_scope()
        with session_scope(caller_db_url()) as session:
            sources = indicator_lineage(session, scope, year=int(year), period=period, unit=str(code),
                                        indicator=trigger["indicator"])
    except Forbidden:
        return t("forbidden.body", lang)
    return sources_list(sources, lang, what=str(trigger["indicator"]), list_id="scorecard-lineage-list")


@callback(Output("scorecard-download", "data"), Input("scorecard-xlsx", "n_clicks"),
          Input("scorecard-csv", "n_clicks"), State("scorecard-year", "value"),
          State("scorecard-period", "value"), State("scorecard-code", "data"), prevent_initial_call=True)
def download(_xlsx, _csv, year, period, code):
    lang = caller_language()
    if not valid_period(year, period):
        return no_update
    try:
        card, _previous, _money = _card(str(code), year, period)
    except Forbidden:
        return no_update
    rows = card["rows"].assign(
        name=card["rows"]["name_km" if lang == "km" else "name_en"], province=str(code),
        score=card["score"], rank=card["rank"])
    return download_table(rows, EXPORT_COLUMNS, lang, name=f"scorecard-{code}-{period}",
                          as_csv=dash.ctx.triggered_id == "scorecard-csv", sheet="scorecard",
                          title=f"{unit_name(code, lang)} {period}")


# The printed sheet and its PDF are served by reports/ for the period on screen; the links
# follow the selectors in the browser, so no request reaches the server for it.
clientside_callback(
    """function(year, period, code) {
        const query = year && period ? `?year=${year}&period=${period}` : "";
        return [`/scorecard/${code}/print${query}`, `/scorecard/${code}/pdf${query}`];
    }""",
    Output("scorecard-sheet-link", "href"), Output("scorecard-pdf-link", "href"),
    Input("scorecard-year", "value"), Input("scorecard-period", "value"), State("scorecard-code", "data"),
)
