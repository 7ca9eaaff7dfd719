"""Programmes: programme → sub-programme → activity cluster → activity, budget and execution,
with the indicators linked to each programme, their targets, status and unit cost."""

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from components import explanations
from components.answers import remembered
from components.context import caller_db_url, caller_language, caller_scope
from components.exports import ExportColumn, download_table
from components.filters import register_selector_callback, valid_period, year_period_selectors
from components.format import format_khr, format_number, format_percent
from components.grid import LOCALE_TEXT_KM
from components.lineage import sources_list
from components.national import withheld_message
from components.page import guarded, page_frame, unavailable
from components.status import status_badge
from components.tables import html_table
from db.engine import session_scope
from db.queries import programmes as queries
from db.queries.cache import FACTS_TO_YEAR, cached
from db.queries.common import NationalWithheld
from db.queries.lineage import budget_lineage
from domain.access import Forbidden
from domain.vocabulary import NATIONAL
from i18n import t

dash.register_page(__name__, path="/programmes", name="programmes", title="Programmes", bundles=("ag_grid",))

TREE_EXPORT = (
    ExportColumn("code", "metric.code", "code"), ExportColumn("level", "programmes.level", "code"),
    ExportColumn("name", "programmes.node"), ExportColumn("revised", "metric.revised", "amount"),
    ExportColumn("paid", "metric.paid", "amount"),
    ExportColumn("execution_rate", "metric.execution_rate", "fraction"),
)
INDICATOR_EXPORT = (
    ExportColumn("programme", "nav.programmes", "code"), ExportColumn("indicator", "scorecard.code", "code"),
    ExportColumn("name", "scorecard.indicator"), ExportColumn("target", "scorecard.target", "number"),
    ExportColumn("actual", "scorecard.actual", "number"),
    ExportColumn("achievement", "scorecard.achievement", "fraction"),
    ExportColumn("status", "scorecard.status", "status"), ExportColumn("unit_cost", "metric.unit_cost", "number"),
)

# Beyond this many activities the tree opens cluster by cluster: a grid of 11,000 rows (the demo
# at 10 million facts) cost 110 ms to send even from the cache, and nobody reads it whole.
ACTIVITIES_AT_ONCE = 200

# A tree row's level → the budget_lineage filter that selects its facts.
LINEAGE_KEYS = {"programme": "programme", "subprogramme": "subprogramme", "activity_cluster": "cluster",
                "activity": "activity"}


def layout(year: str | None = None, period: str | None = None, **_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(
            t("nav.programmes", lang),
            html.Div(year_period_selectors("programmes", lang, year, period), className="toolbar"),
            html.Div(id="programmes-message", role="status", className="page-status"),
            html.Section([html.P(t("programmes.sources_hint", lang), className="muted"),
                          html.P(id="programmes-tree-note", className="muted"),
                          dcc.Store(id="programmes-open", data=[]),
                          _tree_grid(lang),
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
            # The national deviations are explained here, beside the national indicators.
            explanations.panel("programmes", lang, national=True),
            html.Div(id="programmes-lineage", className="panel", role="region"),
            page_id="page-programmes",
        )

    return guarded("programmes", build)


register_selector_callback("programmes")

# A click on a row's name opens or closes that cluster (only clusters have activities to show).
clientside_callback(
    """function(clicked, opened) {
        if (!clicked || clicked.colId !== "label" || !clicked.rowId) { return dash_clientside.no_update; }
        const open = new Set(opened || []);
        if (open.has(clicked.rowId)) { open.delete(clicked.rowId); } else { open.add(clicked.rowId); }
        return Array.from(open);
    }""",
    Output("programmes-open", "data"), Input("programmes-grid", "cellClicked"), State("programmes-open", "data"),
    prevent_initial_call=True,
)


def _tree_grid(lang: str) -> dag.AgGrid:
    """The tree as a grid: rows are plain records and only the rows in view are drawn, so a
    structure of thousands of activities costs the browser no more than one of twenty."""
    columns = [
        {"field": "label", "headerName": t("programmes.node", lang), "minWidth": 260, "flex": 3,
         "cellStyle": {"function": "({paddingLeft: (8 + 18 * params.data.depth) + 'px'})"}, "sortable": False},
        {"field": "revised", "headerName": t("metric.revised", lang), "type": "rightAligned",
         "filter": "agNumberColumnFilter", "valueFormatter": {"function": "params.data.revised_text"},
         "tooltipValueGetter": {"function": f"exactRiels(params.value, '{lang}')"}},
        {"field": "paid", "headerName": t("metric.paid", lang), "type": "rightAligned",
         "filter": "agNumberColumnFilter", "valueFormatter": {"function": "params.data.paid_text"},
         "tooltipValueGetter": {"function": f"exactRiels(params.value, '{lang}')"}},
        {"field": "execution_rate", "headerName": t("metric.execution_rate", lang), "type": "rightAligned",
         "filter": "agNumberColumnFilter", "valueFormatter": {"function": "params.data.rate_text"}},
        {"field": "sources", "headerName": t("scorecard.sources", lang), "sortable": False, "filter": False,
         "valueGetter": {"function": f"'{t('scorecard.show_sources', lang)}'"}, "cellClass": "link-cell",
         "maxWidth": 130},
    ]
    return dag.AgGrid(
        id="programmes-grid", rowData=[], columnDefs=columns, getRowId="params.data.code",
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1, "minWidth": 110},
        dashGridOptions={"rowClassRules": {f"level-{level}": f"params.data.level == '{level}'"
                                           for level in LINEAGE_KEYS},
                         "tooltipShowDelay": 300, "animateRows": False,
                         **({"localeText": LOCALE_TEXT_KM} if lang == "km" else {})},
        className="ag-theme-alpine", style={"height": "520px", "width": "100%"},
    )


def tree_records(tree: pd.DataFrame) -> list[dict]:
    """The grid's rows with their numbers (for sorting and filters); text is added to those shown."""
    return [{"code": r["code"], "label": f"{r['code']} {r['name']}", "level": r["level"], "depth": int(r["depth"]),
             "parent": r["parent"], "revised": r["revised"], "paid": r["paid"],
             "execution_rate": r["execution_rate"], "activities": int(r.get("activities", 0))}
            for r in tree.to_dict(orient="records")]


def with_text(rows: list[dict], lang: str) -> list[dict]:
    """Each row with its figures as the page writes them (the grid shows these, sorts the numbers)."""
    return [{**r, "revised_text": format_khr(r["revised"], lang), "paid_text": format_khr(r["paid"], lang),
             "rate_text": format_percent(r["execution_rate"], lang)} for r in rows]


def outline_rows(session, scope, *, year: int, period: str, lang: str) -> list[dict]:
    """The grid's rows down to the clusters, each cluster with its number of activities."""
    return tree_records(queries.programme_outline(session, scope, year=year, period=period, lang=lang))


def activity_rows(session, scope, *, year: int, period: str, lang: str,
                  clusters: tuple[str, ...] | None) -> list[dict]:
    """The grid's rows of the activities of ``clusters`` (of all clusters with None)."""
    return tree_records(queries.programme_activities(session, scope, year=year, period=period, lang=lang,
                                                     clusters=clusters))


def tree_shown(session, scope, *, year: int, period: str, lang: str, opened: list[str]) -> tuple[list[dict], int]:
    """The rows to send: the whole tree, or, for a structure of more than ``ACTIVITIES_AT_ONCE``
    activities, every level down to the clusters and the activities of the clusters opened.
    Also how many activities are folded away.

    Each cluster's activities are read and cached on their own, so that opening one cluster of a
    large structure costs that cluster only.
    """
    outline = cached(session, scope, outline_rows, depends=(FACTS_TO_YEAR,), year=year, period=period, lang=lang)
    clusters = [r for r in outline if r["level"] == "activity_cluster"]
    total = sum(r["activities"] for r in clusters)
    if total <= ACTIVITIES_AT_ONCE:
        activities = cached(session, scope, activity_rows, depends=(FACTS_TO_YEAR,),
                            year=year, period=period, lang=lang, clusters=None)
        return sorted(outline + activities, key=lambda r: r["code"]), 0
    # The browser sends the list: anything but the codes of this structure's clusters is ignored.
    opened_set = {c for c in opened or [] if isinstance(c, str)} & {r["code"] for r in clusters}
    activities = [row for code in sorted(opened_set)
                  for row in cached(session, scope, activity_rows, depends=(FACTS_TO_YEAR,),
                                    year=year, period=period, lang=lang,
                                    clusters=(code,))]
    marked = [{**r, "label": ("▾ " if r["code"] in opened_set else "▸ ") + r["label"]}
              if r["level"] == "activity_cluster" else r for r in outline]
    return sorted(marked + activities, key=lambda r: r["code"]), total - len(activities)


@callback(Output("programmes-grid", "rowData"), Output("programmes-indicators", "children"),
          Output("programmes-message", "children"), Output("programmes-tree-note", "children"),
          Input("programmes-year", "value"), Input("programmes-period", "value"), Input("programmes-open", "data"))
@remembered(depends=(FACTS_TO_YEAR,))
def show_programmes(year, period, opened):
    scope, lang = caller_scope(), caller_language()
    if not valid_period(year, period):
        return [], [], t("overview.empty", lang), ""
    try:
        with session_scope(caller_db_url()) as session:
            rows, folded = tree_shown(session, scope, year=int(year), period=period, lang=lang,
                                      opened=opened if isinstance(opened, list) else [])
            linked = cached(session, scope, queries.linked_indicators, depends=(FACTS_TO_YEAR,),
                            year=int(year), period=period)
    except NationalWithheld as withheld:
        return [], [], withheld_message(withheld, lang), ""
    except SQLAlchemyError:  # the database is away: say so; any other error is a bug, logged with an incident id
        return [], [], unavailable(lang), ""
    rows = with_text(rows, lang)  # only the rows shown: 13 instead of 11,000 at 10M facts
    note = t("programmes.folded", lang, n=format_number(folded, lang)) if folded else ""
    name = "name_km" if lang == "km" else "name_en"
    headers = [t(k, lang) for k in ("nav.programmes", "scorecard.indicator", "scorecard.target", "scorecard.actual",
                                     "scorecard.status", "metric.unit_cost")]
    cells = [[r["programme"], r[name], format_number(r["target"], lang), format_number(r["actual"], lang),
              status_badge(r["status"], lang), format_number(r["unit_cost"], lang)]
             for r in linked.to_dict(orient="records")] if not linked.empty else []
    return (rows, html_table(headers, cells, table_id="programmes-indicator-table", numeric=frozenset({2, 3, 5})),
            "", note)


@callback(Output("programmes-explanations", "children"), Input("programmes-year", "value"),
          Input("programmes-period", "value"))
def show_explanations(year, period):
    """The national indicators' deviations with their explanations (the budget unit writes them)
    and MEF's comments."""
    scope, lang = caller_scope(), caller_language()
    if not valid_period(year, period):
        return []
    try:
        with session_scope(caller_db_url()) as session:
            linked = cached(session, scope, queries.linked_indicators, depends=(FACTS_TO_YEAR,),
                            year=int(year), period=period)
            items = explanations.read_items(session, scope, linked, year=int(year), period=period, unit=NATIONAL)
    except NationalWithheld:
        return []  # the page already says why the national figures are not shown
    except Forbidden:
        return t("forbidden.body", lang)
    except SQLAlchemyError:
        return unavailable(lang)
    return explanations.panel_body(items, scope=scope, unit=NATIONAL, period=period, lang=lang)


@callback(Output("programmes-download", "data"), Input("programmes-xlsx", "n_clicks"),
          Input("programmes-csv", "n_clicks"), State("programmes-year", "value"),
          State("programmes-period", "value"), prevent_initial_call=True)
def download(_xlsx, _csv, year, period):
    scope, lang = caller_scope(), caller_language()
    if not valid_period(year, period):
        return no_update
    try:
        with session_scope(caller_db_url()) as session:
            tree = cached(session, scope, queries.programme_tree, depends=(FACTS_TO_YEAR,),
                          year=int(year), period=period, lang=lang)
    except NationalWithheld:
        return no_update  # the page already says why the national figures are not shown
    return download_table(tree, TREE_EXPORT, lang, name=f"programmes-{period}",
                          as_csv=dash.ctx.triggered_id == "programmes-csv", sheet="programmes",
                          title=f"{t('nav.programmes', lang)} {period}")


@callback(Output("programmes-lineage", "children"), Input("programmes-grid", "cellClicked"),
          State("programmes-year", "value"), State("programmes-period", "value"), prevent_initial_call=True)
def show_sources(clicked, year, period):
    """The files, sheets and rows a programme's (or cluster's, or activity's) figure was summed from."""
    lang = caller_language()
    if not isinstance(clicked, dict) or clicked.get("colId") != "sources" or not valid_period(year, period):
        return no_update  # a click elsewhere in the grid (or a hand-made request that is not a click)
    code = str(clicked.get("rowId") or "")
    try:
        scope = caller_scope()
        with session_scope(caller_db_url()) as session:
            # The level comes from the structure, not from the browser.
            level = queries.node_level(session, code)
            if level not in LINEAGE_KEYS:
                return no_update
            sources = budget_lineage(session, scope, year=int(year), period=period, **{LINEAGE_KEYS[level]: code})
    except Forbidden:
        return t("forbidden.body", lang)
    return sources_list(sources, lang, what=code, list_id="programmes-lineage-list")


@callback(Output("programmes-ind-download", "data"), Input("programmes-ind-xlsx", "n_clicks"),
          Input("programmes-ind-csv", "n_clicks"), State("programmes-year", "value"),
          State("programmes-period", "value"), prevent_initial_call=True)
def download_indicators(_xlsx, _csv, year, period):
    scope, lang = caller_scope(), caller_language()
    if not valid_period(year, period):
        return no_update
    try:
        with session_scope(caller_db_url()) as session:
            linked = cached(session, scope, queries.linked_indicators, depends=(FACTS_TO_YEAR,),
                            year=int(year), period=period)
    except NationalWithheld:
        return no_update  # the page already says why the national figures are not shown
    source = linked.assign(name=linked.get("name_km" if lang == "km" else "name_en"))
    return download_table(source, INDICATOR_EXPORT, lang, name=f"indicators-{period}",
                          as_csv=dash.ctx.triggered_id == "programmes-ind-csv", sheet="indicators")
