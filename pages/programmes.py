"""Programmes: programme → sub-programme → activity cluster → activity, budget and execution,
with the indicators linked to each programme, their targets, status and unit cost."""

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from auth.policy import Forbidden
from components.context import caller_db_url, caller_language, caller_scope
from components.exports import to_csv_bytes, to_excel_bytes
from components.filters import register_selector_callback, year_period_selectors
from components.format import format_khr, format_khr_exact, format_number, format_percent
from components.lineage import sources_list
from components.page import guarded, page_frame, unavailable
from components.status import status_badge, status_label
from db.engine import session_scope
from db.queries import programmes as queries
from db.queries.cache import cached
from db.queries.lineage import budget_lineage
from i18n import t

dash.register_page(__name__, path="/programmes", name="programmes", title="Programmes")


def layout(year: str | None = None, period: str | None = None, **_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(
            t("nav.programmes", lang),
            html.Div(year_period_selectors("programmes", lang, year, period), className="toolbar"),
            html.Div(id="programmes-message", role="status", className="page-status"),
            html.Section([dcc.Loading(html.Div(id="programmes-tree", className="table-wrap"), type="dot"),
                          html.Div([html.Button(t("export.excel", lang), id="programmes-xlsx", className="button"),
                                    html.Button(t("export.csv", lang), id="programmes-csv", className="button"),
                                    dcc.Download(id="programmes-download")], className="downloads")],
                         className="panel"),
            html.Section([html.H2(t("chart.indicators", lang)),
                          html.Div(id="programmes-indicators", className="table-wrap"),
                          html.Div([html.Button(t("export.excel", lang), id="programmes-ind-xlsx", className="button"),
                                    html.Button(t("export.csv", lang), id="programmes-ind-csv", className="button"),
                                    dcc.Download(id="programmes-ind-download")], className="downloads")],
                         className="panel"),
            html.Div(id="programmes-lineage", className="panel", role="region"),
            page_id="page-programmes",
        )

    return guarded("programmes", build)


register_selector_callback("programmes")


@callback(Output("programmes-tree", "children"), Output("programmes-indicators", "children"),
          Output("programmes-message", "children"),
          Input("programmes-year", "value"), Input("programmes-period", "value"))
def show_programmes(year, period):
    scope, lang = caller_scope(), caller_language()
    if not year or not period:
        return [], [], t("overview.empty", lang)
    try:
        with session_scope(caller_db_url()) as session:
            tree = cached(session, scope, queries.programme_tree, year=int(year), period=period, lang=lang)
            linked = cached(session, scope, queries.linked_indicators, year=int(year), period=period)
    except Exception:  # noqa: BLE001 - the database may be away: say so, never a traceback
        return [], [], unavailable(lang)
    head = html.Thead(html.Tr([html.Th(t("programmes.node", lang)), html.Th(t("metric.revised", lang), className="num"),
                               html.Th(t("metric.paid", lang), className="num"),
                               html.Th(t("metric.execution_rate", lang), className="num"),
                               html.Th(t("scorecard.sources", lang))]))
    body = [html.Tr([
        html.Td(f"{r['code']} {r['name']}", style={"paddingLeft": f"{8 + 18 * int(r['depth'])}px"},
                className=f"level-{r['level']}"),
        html.Td(format_khr(r["revised"], lang), title=format_khr_exact(r["revised"], lang), className="num"),
        html.Td(format_khr(r["paid"], lang), title=format_khr_exact(r["paid"], lang), className="num"),
        html.Td(format_percent(r["execution_rate"], lang), className="num"),
        html.Td(html.Button(t("scorecard.show_sources", lang), className="link-button",
                            id={"type": "programme-source", "code": r["code"], "level": r["level"]})),
    ]) for r in tree.to_dict(orient="records")]
    name = "name_km" if lang == "km" else "name_en"
    ind_rows = [html.Tr([
        html.Td(r["programme"]), html.Td(r[name]), html.Td(format_number(r["target"], lang), className="num"),
        html.Td(format_number(r["actual"], lang), className="num"), html.Td(status_badge(r["status"], lang)),
        html.Td(format_number(r["unit_cost"], lang), className="num"),
    ]) for r in linked.to_dict(orient="records")] if not linked.empty else []
    ind_head = html.Thead(html.Tr([html.Th(t(k, lang)) for k in (
        "nav.programmes", "scorecard.indicator", "scorecard.target", "scorecard.actual", "scorecard.status",
        "metric.unit_cost")]))
    return (html.Table([head, html.Tbody(body)], className="table", id="programmes-table"),
            html.Table([ind_head, html.Tbody(ind_rows)], className="table", id="programmes-indicator-table"), "")


@callback(Output("programmes-download", "data"), Input("programmes-xlsx", "n_clicks"),
          Input("programmes-csv", "n_clicks"), State("programmes-year", "value"),
          State("programmes-period", "value"), prevent_initial_call=True)
def download(_xlsx, _csv, year, period):
    scope, lang = caller_scope(), caller_language()
    if not year or not period:
        return no_update
    with session_scope(caller_db_url()) as session:
        tree = cached(session, scope, queries.programme_tree, year=int(year), period=period, lang=lang)
    frame = pd.DataFrame({
        t("metric.code", lang): tree["code"], t("programmes.node", lang): tree["name"],
        t("metric.revised", lang): tree["revised"], t("metric.paid", lang): tree["paid"],
        t("metric.execution_rate", lang): tree["execution_rate"],
    })
    name = f"programmes-{period}"
    if dash.ctx.triggered_id == "programmes-csv":
        return dcc.send_bytes(to_csv_bytes(frame), f"{name}.csv")
    formats = {t("metric.revised", lang): "#,##0", t("metric.paid", lang): "#,##0",
               t("metric.execution_rate", lang): "0.0%"}
    return dcc.send_bytes(to_excel_bytes(frame, "programmes", title=f"{t('nav.programmes', lang)} {period}",
                                         number_formats=formats), f"{name}.xlsx")


# A tree row's level → the budget_lineage filter that selects its facts.
LINEAGE_KEYS = {"programme": "programme", "subprogramme": "subprogramme", "activity_cluster": "cluster",
                "activity": "activity"}


@callback(Output("programmes-lineage", "children"),
          Input({"type": "programme-source", "code": ALL, "level": ALL}, "n_clicks"),
          State("programmes-year", "value"), State("programmes-period", "value"), prevent_initial_call=True)
def show_sources(clicks, year, period):
    """The files, sheets and rows a programme's (or cluster's, or activity's) figure was summed from."""
    lang = caller_language()
    trigger = dash.ctx.triggered_id
    if not isinstance(clicks, list) or not any(clicks) or not isinstance(trigger, dict) or not year or not period:
        return no_update  # nothing clicked (or a hand-made request that is not a click)
    key = LINEAGE_KEYS.get(str(trigger.get("level")))
    if key is None:
        return no_update
    try:
        scope = caller_scope()
        with session_scope(caller_db_url()) as session:
            sources = budget_lineage(session, scope, year=int(year), period=period, **{key: str(trigger["code"])})
    except Forbidden:
        return t("forbidden.body", lang)
    return sources_list(sources, lang, what=str(trigger["code"]), list_id="programmes-lineage-list")


@callback(Output("programmes-ind-download", "data"), Input("programmes-ind-xlsx", "n_clicks"),
          Input("programmes-ind-csv", "n_clicks"), State("programmes-year", "value"),
          State("programmes-period", "value"), prevent_initial_call=True)
def download_indicators(_xlsx, _csv, year, period):
    scope, lang = caller_scope(), caller_language()
    if not year or not period:
        return no_update
    with session_scope(caller_db_url()) as session:
        linked = cached(session, scope, queries.linked_indicators, year=int(year), period=period)
    name = "name_km" if lang == "km" else "name_en"
    frame = pd.DataFrame({
        t("nav.programmes", lang): linked.get("programme"), t("scorecard.indicator", lang): linked.get(name),
        t("scorecard.target", lang): linked.get("target"), t("scorecard.actual", lang): linked.get("actual"),
        t("scorecard.achievement", lang): linked.get("achievement"),
        t("scorecard.status", lang): linked.get("status", pd.Series(dtype=object)).map(lambda v: status_label(v, lang)),
        t("metric.unit_cost", lang): linked.get("unit_cost"),
    })
    if dash.ctx.triggered_id == "programmes-ind-csv":
        return dcc.send_bytes(to_csv_bytes(frame), f"indicators-{period}.csv")
    return dcc.send_bytes(to_excel_bytes(frame, "indicators", number_formats={
        t("scorecard.achievement", lang): "0.0%", t("metric.unit_cost", lang): "#,##0"}), f"indicators-{period}.xlsx")
