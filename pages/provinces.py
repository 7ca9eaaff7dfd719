"""Provinces (budget unit, reviewer): the 25 on a tile map and in a sortable grid.

Each tile is a link to its province's scorecard (at the period on screen), and so is a click on a
province's name in the grid. The map is HTML (components/htmlcharts.py): no plotly.js.
"""

import dash
from dash import Input, Output, State, callback, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from components.context import caller_db_url, caller_language, caller_scope
from components.exports import ExportColumn, download_table
from components.filters import period_label, register_selector_callback, valid_period, year_period_selectors
from components.format import format_number, format_percent
from components.grid import data_grid
from components.htmlcharts import tile_link
from components.page import guarded, page_frame, unavailable
from components.tilemap import province_map
from db.engine import session_scope
from db.queries import overview as queries
from db.queries import review as review_queries
from db.queries.cache import FACTS, FACTS_TO_YEAR, PEOPLE, cached
from db.queries.units import unit_name
from domain.vocabulary import NATIONAL
from i18n import t

dash.register_page(__name__, path="/provinces", name="provinces", title="Provinces", bundles=("ag_grid",))

METRICS = ("execution_rate", "score", "completeness", "unit_cost")
DEFAULT_METRIC = METRICS[0]  # what the page opens on; the start-up warm-up asks for it too
EXPORT_COLUMNS = (
    ExportColumn("code", "metric.code", "code"), ExportColumn("name", "metric.province"),
    ExportColumn("revised", "metric.revised", "amount"), ExportColumn("paid", "metric.paid", "amount"),
    ExportColumn("execution_rate", "metric.execution_rate", "fraction"),
    ExportColumn("score", "metric.score", "fraction"), ExportColumn("rank", "metric.rank", "integer"),
    ExportColumn("completeness", "metric.completeness", "fraction"),
    ExportColumn("unit_cost", "metric.unit_cost", "number"), ExportColumn("as_of", "metric.as_of", "code"),
)


def _columns(lang: str) -> list[dict]:
    return [
        {"field": "code", "header": t("metric.code", lang), "width": 80},
        {"field": "name", "header": t("metric.province", lang), "width": 150, "pinned": True},
        # Beside the name, where the note above the grid sends the reader.
        {"field": "as_of", "header": t("metric.as_of", lang), "width": 120},
        {"field": "revised", "header": t("metric.revised", lang), "kind": "khr"},
        {"field": "paid", "header": t("metric.paid", lang), "kind": "khr"},
        {"field": "execution_rate", "header": t("metric.execution_rate", lang), "kind": "percent"},
        {"field": "score", "header": t("metric.score", lang), "kind": "percent"},
        {"field": "rank", "header": t("metric.rank", lang), "kind": "number"},
        # Deviations at the period without their director's explanation, beside the score they
        # weigh on (in the first screen's columns); a click opens the scorecard.
        {"field": "explanations_due", "header": t("explain.due_column", lang), "kind": "number"},
        {"field": "completeness", "header": t("metric.completeness", lang), "kind": "percent"},
        {"field": "unit_cost", "header": t("metric.unit_cost", lang), "kind": "khr"},
    ]


def _grid(lang: str):
    grid = data_grid("provinces-grid", [], _columns(lang), row_id="code", lang=lang)
    for column in grid.columnDefs:
        if column["field"] == "explanations_due":
            column["cellClassRules"] = {"due-cell": "params.value > 0"}
    return grid


def layout(year: str | None = None, period: str | None = None, **_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(
            t("nav.provinces", lang),
            html.Div([
                year_period_selectors("provinces", lang, year, period),
                html.Label([t("filter.metric", lang), dcc.RadioItems(
                    id="provinces-metric", value=DEFAULT_METRIC, inline=True,
                    options=[{"label": t(f"metric.{m}", lang), "value": m} for m in METRICS])],
                    className="filter"),
            ], className="toolbar"),
            html.Div(id="provinces-message", role="status", className="page-status"),
            html.Section(html.Div(id="provinces-map", className="hc-slot"), className="panel"),
            html.Div([
                html.Button(t("export.excel", lang), id="provinces-xlsx", className="button"),
                html.Button(t("export.csv", lang), id="provinces-csv", className="button"),
                dcc.Download(id="provinces-download"),
            ], className="downloads"),
            html.P(id="provinces-due-note", className="muted due-note"),
            html.Section(_grid(lang), className="panel"),
            dcc.Location(id="provinces-go", refresh="callback-nav"),
            page_id="page-provinces",
        )

    return guarded("provinces", build)


def _table(year, period):
    scope = caller_scope()
    with session_scope(caller_db_url()) as session:
        return cached(session, scope, queries.province_table, depends=(FACTS_TO_YEAR,), year=int(year), period=period)


register_selector_callback("provinces")


@callback(
    Output("provinces-map", "children"), Output("provinces-grid", "rowData"),
    Output("provinces-message", "children"), Output("provinces-due-note", "children"),
    Input("provinces-year", "value"), Input("provinces-period", "value"), Input("provinces-metric", "value"),
)
def show_provinces(year, period, metric):
    scope, lang = caller_scope(), caller_language()
    if not scope.can_open("provinces"):
        return [], [], t("forbidden.body", lang), ""
    if not valid_period(year, period):
        return [], [], t("overview.empty", lang), ""
    try:
        table = _table(year, period)
        with session_scope(caller_db_url()) as session:
            due = cached(session, scope, review_queries.explanations_due, depends=(FACTS, PEOPLE),
                         year=int(year), period=period)
    except SQLAlchemyError:  # the database is away: say so; any other error is a bug, logged with an incident id
        return [], [], unavailable(lang), ""
    rows = table.assign(name=table["code"].map(lambda c: unit_name(c, lang)),
                        explanations_due=table["code"].map(lambda c: due.get(c, 0)))
    if metric == "unit_cost":
        fmt = lambda v: format_number(v / 1000, lang) + "k"  # noqa: E731 - short label in a tile
        exact = lambda v: format_number(v, lang)  # noqa: E731
    else:
        fmt = lambda v: format_percent(v, lang)  # noqa: E731
        exact = lambda v: format_percent(v, lang, 1)  # noqa: E731
    tiles = province_map(table.set_index("code")[metric], lang, metric_label=t(f"metric.{metric}", lang),
                         value_format=fmt, exact_format=exact, href=tile_link(year, period))
    rows["as_of"] = rows["as_of"].map(lambda p: period_label(p, lang) if isinstance(p, str) else None)
    records = rows.astype(object).where(rows.notna(), None).to_dict(orient="records")
    late = int(table["as_of"].notna().sum())
    note = t("provinces.as_of_note", lang, n=late, period=period_label(period, lang)) if late else ""
    return tiles, records, note, due_note(due, year, period, lang)


def due_note(due: dict[str, int], year, period: str, lang: str) -> list:
    """How many explanations the provinces owe at ``period``, and the national ones (a link to the
    programmes page, where the budget unit writes them)."""
    provinces = {code: n for code, n in due.items() if code != NATIONAL and n}
    out: list = [t("explain.due_note", lang, period=period_label(period, lang),
                   n=format_number(sum(provinces.values()), lang), provinces=format_number(len(provinces), lang))]
    if due.get(NATIONAL):
        out += [" ", dcc.Link(t("explain.due_national", lang, n=format_number(due[NATIONAL], lang)),
                              href=f"/programmes?year={year}&period={period}", id="provinces-due-national")]
    return out


@callback(Output("provinces-go", "href"), Input("provinces-grid", "cellClicked"), State("provinces-year", "value"),
          State("provinces-period", "value"), prevent_initial_call=True)
def open_scorecard(cell, year, period):
    """The scorecard of the province whose name, code or explanations due were clicked in the grid."""
    code = None
    if isinstance(cell, dict) and cell.get("colId") in ("name", "code", "explanations_due"):
        code = str(cell.get("rowId") or "")
    if not code or len(str(code)) != 2:
        return no_update
    return f"/scorecard/{code}?year={year}&period={period}"


@callback(Output("provinces-download", "data"), Input("provinces-xlsx", "n_clicks"),
          Input("provinces-csv", "n_clicks"), State("provinces-year", "value"),
          State("provinces-period", "value"), prevent_initial_call=True)
def download(_xlsx, _csv, year, period):
    scope, lang = caller_scope(), caller_language()
    if not scope.can_open("provinces") or not valid_period(year, period):
        return no_update
    table = _table(year, period)
    source = table.assign(name=table["code"].map(lambda c: unit_name(c, lang)),
                          as_of=table["as_of"].fillna(period))
    return download_table(source, EXPORT_COLUMNS, lang, name=f"provinces-{period}",
                          as_csv=dash.ctx.triggered_id == "provinces-csv", sheet="provinces",
                          title=f"{t('nav.provinces', lang)} {period}")
