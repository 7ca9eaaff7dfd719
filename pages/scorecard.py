"""Province scorecard ``/scorecard/<code>`` (DESIGN section 7): score, rank, every indicator,
budget by programme; printable on one A4 page; downloads.

A director opening another province's code gets the "not permitted" page, and it is audited.
"""

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from auth.policy import Forbidden
from components.cards import kpi_card
from components.charts import budget_vs_execution_bar
from components.context import caller_db_url, caller_language, caller_scope
from components.exports import to_csv_bytes, to_excel_bytes
from components.filters import selector_options, year_period_selectors
from components.format import format_number, format_percent
from components.page import guarded, page_frame, unavailable
from components.status import status_badge, status_label, trend_arrow
from db.engine import session_scope
from db.queries import indicators as indicator_queries
from db.queries import overview as queries
from db.queries.cache import cached
from db.queries.units import unit_name
from i18n import t

dash.register_page(__name__, path_template="/scorecard/<code>", name="scorecard", title="Scorecard")

HEADERS = ("scorecard.indicator", "scorecard.baseline", "scorecard.target", "scorecard.actual",
           "scorecard.achievement", "scorecard.status", "scorecard.trend")


def _valid_code(code: str) -> bool:
    return len(code) == 2 and code.isdigit() and "01" <= code <= "25"


def layout(code: str = "", year: str | None = None, period: str | None = None, **_query: str) -> html.Div:
    def build(scope, lang: str) -> html.Div:
        if not _valid_code(code):
            raise Forbidden(f"province {code!r}")
        scope.require_province(code)
        return page_frame(
            f"{t('nav.scorecard', lang)}: {unit_name(code, lang)}",
            html.Div([
                year_period_selectors("scorecard", lang, year, period),
                html.Button(t("scorecard.print", lang), id="scorecard-print", className="button no-print"),
            ], className="toolbar"),
            dcc.Store(id="scorecard-code", data=code),
            html.Div(id="scorecard-message", role="status"),
            dcc.Loading(html.Div(id="scorecard-kpis", className="kpi-grid"), type="dot"),
            html.Section([html.H2(t("chart.indicators", lang)), html.Div(id="scorecard-table", className="table-wrap"),
                          html.Div([html.Button(t("export.excel", lang), id="scorecard-xlsx", className="button"),
                                    html.Button(t("export.csv", lang), id="scorecard-csv", className="button"),
                                    dcc.Download(id="scorecard-download")], className="downloads")],
                         className="panel"),
            html.Section([html.H2(t("chart.budget_by_programme", lang)),
                          dcc.Graph(id="scorecard-budget", config={"displaylogo": False})], className="panel"),
            page_id="page-scorecard",
        )

    return guarded("scorecard", build)


@callback(
    Output("scorecard-year", "options"), Output("scorecard-year", "value"),
    Output("scorecard-period", "options"), Output("scorecard-period", "value"),
    Input("scorecard-asked", "data"), Input("scorecard-year", "value"),
)
def fill_selectors(asked, year):
    scope, lang = caller_scope(), caller_language()
    with session_scope(caller_db_url()) as session:
        periods = cached(session, scope, queries.selector_data)
    chosen = year if dash.ctx.triggered_id == "scorecard-year" else None
    return selector_options(*periods, asked, chosen, lang)


def _card(code: str, year, period) -> tuple[dict, dict, pd.DataFrame]:
    scope = caller_scope()
    scope.require_province(code)
    with session_scope(caller_db_url()) as session:
        card = cached(session, scope, indicator_queries.scorecard, year=int(year), province=code, period=period)
        previous = cached(session, scope, indicator_queries.previous_achievements, year=int(year),
                          province=code, period=period)
        lang = caller_language()
        money = cached(session, scope, queries.programmes, year=int(year), period=period, lang=lang, entity=code)
    return card, previous, money


@callback(
    Output("scorecard-kpis", "children"), Output("scorecard-table", "children"),
    Output("scorecard-budget", "figure"), Output("scorecard-message", "children"),
    Input("scorecard-year", "value"), Input("scorecard-period", "value"), State("scorecard-code", "data"),
)
def show_scorecard(year, period, code):
    lang = caller_language()
    if not year or not period:
        return [], [], {}, t("overview.empty", lang)
    try:
        card, previous, money = _card(str(code), year, period)
    except Forbidden:
        return [], [], {}, t("forbidden.body", lang)
    except Exception:  # noqa: BLE001 - the database may be away: say so, never a traceback
        return [], [], {}, unavailable(lang)
    rank = "–" if card["rank"] is None else f"{card['rank']} / {card['ranked']}"
    kpis = [
        kpi_card(t("metric.score", lang), format_percent(card["score"], lang), card_id="scorecard-score",
                 sub=t("scorecard.national_mean", lang, mean=format_percent(card["national_mean_score"], lang))),
        kpi_card(t("metric.rank", lang), rank, card_id="scorecard-rank"),
    ]
    rows = card["rows"]
    name_col = "name_km" if lang == "km" else "name_en"
    body = [
        html.Tr([
            html.Td(r[name_col]), html.Td(format_number(r["baseline"], lang), className="num"),
            html.Td(format_number(r["target"], lang), className="num"),
            html.Td(format_number(r["actual"], lang), className="num"),
            html.Td(format_percent(r["achievement"], lang), className="num"),
            html.Td(status_badge(r["status"], lang)),
            html.Td(trend_arrow(r["achievement"], previous.get(r["indicator"]), lang)),
        ], id=f"scorecard-row-{r['indicator']}")
        for r in rows.to_dict(orient="records")
    ]
    table = html.Table([html.Thead(html.Tr([html.Th(t(h, lang)) for h in HEADERS])), html.Tbody(body)],
                       className="table", id="scorecard-indicators")
    return kpis, table, budget_vs_execution_bar(money, lang), ""


@callback(Output("scorecard-download", "data"), Input("scorecard-xlsx", "n_clicks"),
          Input("scorecard-csv", "n_clicks"), State("scorecard-year", "value"),
          State("scorecard-period", "value"), State("scorecard-code", "data"), prevent_initial_call=True)
def download(_xlsx, _csv, year, period, code):
    lang = caller_language()
    try:
        card, _previous, _money = _card(str(code), year, period)
    except Forbidden:
        return no_update
    rows = card["rows"]
    frame = pd.DataFrame({
        t("scorecard.indicator", lang): rows["name_km" if lang == "km" else "name_en"],
        t("scorecard.baseline", lang): rows["baseline"], t("scorecard.target", lang): rows["target"],
        t("scorecard.actual", lang): rows["actual"], t("scorecard.achievement", lang): rows["achievement"],
        t("scorecard.status", lang): rows["status"].map(lambda s: status_label(s, lang)),
    })
    name = f"scorecard-{code}-{period}"
    if dash.ctx.triggered_id == "scorecard-csv":
        return dcc.send_bytes(to_csv_bytes(frame), f"{name}.csv")
    return dcc.send_bytes(to_excel_bytes(frame, "scorecard", title=f"{unit_name(code, lang)} {period}",
                                         number_formats={t("scorecard.achievement", lang): "0.0%"}),
                          f"{name}.xlsx")


# Printing is the browser's: the print stylesheet lays the scorecard out on one A4 page, and
# "Save as PDF" in the print dialogue gives the PDF.
clientside_callback("function(n) { if (n) { window.print(); } return ''; }",
                    Output("scorecard-print", "title"), Input("scorecard-print", "n_clicks"),
                    prevent_initial_call=True)
