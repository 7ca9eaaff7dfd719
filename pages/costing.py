"""Costing: build a benefit scenario from the catalogue, see its cost by year (by benefit, with the
±10 % take-up band) and by province, save, copy and delete scenarios, compare two to four, download
the results, and apply one to a draft or returned submission after a preview of every change.

Every write is one of ``db/costing.py`` (which checks the role: the budget unit creates, changes
and applies; MEF creates and changes its own, never applies; a director only reads, his or her
province's share); every figure comes from ``db/queries/costing.py`` with the caller's scope,
built on the server (``caller_scope()``). The layout holds no data: callbacks fill it.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import Input, Output, State, callback, dcc, html, no_update
from flask import has_request_context
from sqlalchemy.exc import SQLAlchemyError

from auth.web import audit_refusal, client_address
from components.charts import message_figure
from components.context import caller_db_url, caller_language, caller_scope
from components.costing import (
    DEFAULT_YEARS,
    EXPORT_COLUMNS,
    MAX_YEARS,
    RowProblem,
    benefit_name,
    body_from_rows,
    compare_figure,
    compare_table,
    cost_figure,
    export_rows,
    grid_columns,
    grid_rows,
    preview_table,
    years_table,
)
from components.exports import download_table
from components.format import format_khr, format_khr_exact, format_number
from components.htmlcharts import message
from components.page import guarded, page_frame, unavailable
from components.submission import state_word, year_text
from components.tilemap import province_map
from db import costing as writes
from db.engine import session_scope
from db.queries import costing as reads
from db.queries import submission as submission_reads
from db.submissions import Actor, Invalid, Stale
from domain.access import Forbidden
from domain.submission import WrongState
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER
from i18n import t

dash.register_page(__name__, path="/costing", name="costing", title="Costing", bundles=("plotly", "ag_grid"))

MAX_COMPARED = 4


def layout(**_query: str) -> html.Div:
    def build(scope, lang: str) -> html.Div:
        may_write = scope.role in (BUDGET_UNIT, MEF_REVIEWER)
        return page_frame(
            t("costing.title", lang),
            html.P(t("costing.intro", lang), className="muted"),
            html.Div([
                html.Label([t("costing.scenario", lang),
                            dcc.Dropdown(id="costing-scenario", placeholder=t("costing.choose", lang))],
                           className="filter filter-wide"),
            ], className="toolbar"),
            dcc.Store(id="costing-refresh", data={"n": 0, "select": None}),
            dcc.Store(id="costing-editing", data=None),
            html.Section([
                html.H2(t("costing.editor", lang)),
                html.Div([
                    html.Label([t("costing.name", lang),
                                dcc.Input(id="costing-name", type="text", maxLength=120, className="input")],
                               className="filter filter-wide"),
                    html.Label([t("costing.first_year", lang),
                                dcc.Input(id="costing-first-year", type="number", min=2000, max=2100, step=1,
                                          className="input")], className="filter filter-narrow"),
                    html.Label([t("costing.years", lang),
                                dcc.Input(id="costing-years", type="number", min=1, max=MAX_YEARS, step=1,
                                          className="input")], className="filter filter-narrow"),
                ], className="toolbar"),
                html.P(t("costing.grid_hint", lang), className="muted"),
                dag.AgGrid(id="costing-grid", rowData=[], columnDefs=[], getRowId="params.data.code",
                           defaultColDef={"resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
                           dashGridOptions={"singleClickEdit": True, "stopEditingWhenCellsLoseFocus": True,
                                            "domLayout": "autoHeight"},
                           className="ag-theme-alpine costing-grid", style={"width": "100%"}),
                html.Div([
                    html.Button(t("costing.new", lang), id="costing-new", className="button", n_clicks=0),
                    html.Button(t("costing.save", lang), id="costing-save", className="button", n_clicks=0),
                    html.Button(t("costing.copy", lang), id="costing-copy", className="button", n_clicks=0),
                    html.Button(t("costing.delete", lang), id="costing-delete", className="button", n_clicks=0),
                ], className="button-row"),
                html.Div(id="costing-save-message", role="status", **{"aria-live": "polite"}),
            ], id="costing-editor-panel", className="panel", hidden=not may_write),
            html.Section([
                html.H2(t("costing.results", lang)),
                html.P(t("costing.director_share", lang), className="muted", hidden=scope.provinces is None),
                html.Div(id="costing-results-message", role="status"),
                dcc.Graph(id="costing-chart", config={"displayModeBar": False, "responsive": True}),
                html.Div(id="costing-years-box"),
                html.Div([html.Button(t("costing.download_xlsx", lang), id="costing-download-xlsx",
                                      className="button", n_clicks=0),
                          html.Button(t("costing.download_csv", lang), id="costing-download-csv",
                                      className="button", n_clicks=0),
                          dcc.Download(id="costing-download")], className="downloads button-row"),
                html.Label([t("costing.map_year", lang),
                            dcc.Dropdown(id="costing-map-year", clearable=False, searchable=False)],
                           className="filter filter-narrow"),
                html.Div(id="costing-map", className="hc-slot"),
            ], id="costing-results-panel", className="panel"),
            html.Section([
                html.H2(t("costing.compare", lang)),
                html.Label([t("costing.compare_choose", lang),
                            dcc.Dropdown(id="costing-compare", multi=True)], className="filter filter-wide"),
                html.Div(id="costing-compare-message", role="status"),
                dcc.Graph(id="costing-compare-chart", config={"displayModeBar": False, "responsive": True}),
                html.Div(id="costing-compare-box"),
            ], id="costing-compare-panel", className="panel"),
            html.Section([
                html.H2(t("costing.apply", lang)),
                html.P(t("costing.apply_hint", lang), className="muted"),
                html.Label([t("costing.submission", lang),
                            dcc.Dropdown(id="costing-submission", searchable=False)], className="filter"),
                html.Div(html.Button(t("costing.preview", lang), id="costing-preview", className="button",
                                     n_clicks=0), className="button-row"),
                html.Div(id="costing-preview-message", role="status", **{"aria-live": "polite"}),
                html.Div(id="costing-preview-box"),
                html.Div(html.Button(t("costing.confirm", lang), id="costing-confirm", className="button",
                                     n_clicks=0), id="costing-confirm-box", hidden=True, className="button-row"),
                dcc.Store(id="costing-plan", data=None),
                html.Div(id="costing-apply-message", role="status", **{"aria-live": "polite"}),
            ], id="costing-apply-panel", className="panel", hidden=scope.role != BUDGET_UNIT),
            page_id="page-costing",
        )

    return guarded("costing", build)


def _id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _actor(scope) -> Actor:
    return Actor(scope=scope, address=client_address() if has_request_context() else "")


def _refused(what: str) -> None:
    if has_request_context():
        audit_refusal(what)


def _notice(text: str, kind: str = "notice") -> html.Div:
    return html.Div(text, className=kind)


def _names(catalogue: list[dict], lang: str) -> dict[str, str]:
    return {b["code"]: benefit_name(b, lang) for b in catalogue}


# --- the lists: saved scenarios, the submissions to apply to ------------------------------------------


@callback(
    Output("costing-scenario", "options"), Output("costing-scenario", "value"),
    Output("costing-compare", "options"), Output("costing-submission", "options"),
    Input("costing-refresh", "data"), State("costing-scenario", "value"),
)
def fill_lists(refresh, current):
    """The saved scenarios (newest first) and, for the budget unit, the submissions."""
    scope, lang = caller_scope(), caller_language()
    try:
        with session_scope(caller_db_url()) as session:
            saved = reads.scenarios(session, scope)
            subs = submission_reads.listing(session, scope) if scope.role == BUDGET_UNIT else []
            subs = [(s.id, s.fiscal_year, s.status) for s in subs]
    except (Forbidden, SQLAlchemyError):
        return [], None, [], []
    options = [{"label": f"{s['name']} ({year_text(s['first_year'], lang)}–"
                         f"{year_text(s['first_year'] + s['years'] - 1, lang)})", "value": s["id"]} for s in saved]
    ids = {s["id"] for s in saved}
    wanted = (refresh or {}).get("select") if isinstance(refresh, dict) else None
    if isinstance(refresh, dict) and "select" in refresh and (refresh.get("n") or 0) > 0:
        value = wanted if wanted in ids else None
    else:
        value = current if current in ids else None
    sub_options = [{"label": f"{year_text(year, lang)} · {state_word(status, lang)}", "value": sid}
                   for sid, year, status in subs]
    return options, value, options, sub_options


# --- the editor ---------------------------------------------------------------------------------------


@callback(
    Output("costing-name", "value"), Output("costing-first-year", "value"), Output("costing-years", "value"),
    Output("costing-grid", "rowData"), Output("costing-editing", "data"),
    Input("costing-scenario", "value"), Input("costing-new", "n_clicks"),
)
def fill_editor(scenario_id, _new):
    """The chosen scenario's options, or a new one's defaults (every benefit, its catalogue amount)."""
    scope, lang = caller_scope(), caller_language()
    scenario_id = None if dash.ctx.triggered_id == "costing-new" else _id(scenario_id)
    try:
        with session_scope(caller_db_url()) as session:
            catalogue = reads.catalogue(session, scope)
            macro = sorted(reads.macro_years(session))
            found = reads.scenario_header(reads.get(session, scope, scenario_id)) if scenario_id else None
    except (Forbidden, reads.NotFound, SQLAlchemyError):
        return "", None, None, [], None
    if found is None:
        first = macro[0] if macro else None
        return "", first, min(DEFAULT_YEARS, len(macro)) if macro else DEFAULT_YEARS, grid_rows(catalogue, lang), None
    return (found["name"], found["first_year"], found["years"], grid_rows(catalogue, lang, found),
            {"id": found["id"], "row_version": found["row_version"], "name": found["name"]})


@callback(
    Output("costing-grid", "columnDefs"),
    Input("costing-first-year", "value"), Input("costing-years", "value"),
)
def grid_columns_for(first_year, years):
    scope, lang = caller_scope(), caller_language()
    return grid_columns(first_year, years, lang, editable=scope.role in (BUDGET_UNIT, MEF_REVIEWER))


@callback(
    Output("costing-save-message", "children"), Output("costing-refresh", "data"),
    Output("costing-editing", "data", allow_duplicate=True),
    Input("costing-save", "n_clicks"), Input("costing-copy", "n_clicks"), Input("costing-delete", "n_clicks"),
    State("costing-name", "value"), State("costing-first-year", "value"), State("costing-years", "value"),
    State("costing-grid", "rowData"), State("costing-editing", "data"), State("costing-refresh", "data"),
    prevent_initial_call=True,
)
def save(_save, _copy, _delete, name, first_year, years, rows, editing, refresh):
    """Save (a new scenario, or the one being edited), save as a copy, or delete: one write each."""
    scope, lang = caller_scope(), caller_language()
    trigger = dash.ctx.triggered_id
    editing = editing if isinstance(editing, dict) else {}
    editing_id = _id(editing.get("id"))
    count = (refresh.get("n") or 0) if isinstance(refresh, dict) and isinstance(refresh.get("n"), int) else 0
    name = name.strip() if isinstance(name, str) else ""
    try:
        with session_scope(caller_db_url()) as session:
            actor = _actor(scope)
            if trigger == "costing-delete":
                if editing_id is None:
                    return _notice(t("costing.nothing_chosen", lang), "error"), no_update, no_update
                gone = writes.delete_scenario(session, actor, editing_id)
                return (_notice(t("costing.deleted", lang, name=gone["name"])),
                        {"n": count + 1, "select": None}, None)
            span = years if isinstance(years, int) and not isinstance(years, bool) else DEFAULT_YEARS
            if trigger == "costing-copy" and editing_id is not None and name == editing.get("name"):
                name = t("costing.copy_name", lang, name=name)[:120]
            body = {"name": name, "first_year": first_year, "years": years,
                    "benefits": body_from_rows(rows, max(1, min(span, MAX_YEARS)))}
            if trigger == "costing-save" and editing_id is not None:
                version = editing.get("row_version")
                found = writes.update_scenario(session, actor, editing_id, {
                    **body, **({"row_version": version} if _id(version) else {})})
            else:
                found = writes.create_scenario(session, actor, body)
            saved_id, saved_name, saved_version = found.id, found.name, found.row_version
    except RowProblem as problem:
        return _notice(t("costing.unreadable", lang, benefit=problem.benefit, column=t(problem.column, lang)),
                       "error"), no_update, no_update
    except Stale as stale:
        who = stale.current.get("updated_by", "?") if isinstance(stale.current, dict) else "?"
        return _notice(t("costing.stale", lang, who=who), "error"), no_update, no_update
    except Forbidden as refusal:
        _refused(refusal.what)
        return _notice(t("costing.forbidden_write", lang), "error"), no_update, no_update
    except reads.NotFound:
        return _notice(t("costing.gone", lang), "error"), {"n": count + 1, "select": None}, None
    except Invalid as invalid:
        return _notice(t("costing.invalid", lang, detail=str(invalid)), "error"), no_update, no_update
    except SQLAlchemyError:
        return unavailable(lang), no_update, no_update
    key = "costing.copied" if trigger == "costing-copy" else "costing.saved"
    # The scenario now being edited is the one saved, at its new version: a second save is not stale.
    return (_notice(t(key, lang, name=saved_name), "notice"), {"n": count + 1, "select": saved_id},
            {"id": saved_id, "row_version": saved_version, "name": saved_name})


# --- results ------------------------------------------------------------------------------------------


def _results(session, scope, scenario_id: int, lang: str):
    found, result = reads.results(session, scope, scenario_id)
    names = _names(reads.catalogue(session, scope), lang)
    return found, result, names


@callback(
    Output("costing-chart", "figure"), Output("costing-years-box", "children"),
    Output("costing-results-message", "children"),
    Output("costing-map-year", "options"), Output("costing-map-year", "value"),
    Input("costing-scenario", "value"), Input("costing-refresh", "data"),
)
def show_results(scenario_id, _refresh):
    """The chosen scenario's cost per year stacked by benefit, with the band, and its table."""
    scope, lang = caller_scope(), caller_language()
    scenario_id = _id(scenario_id)
    empty = message_figure(t("costing.choose_hint", lang), lang)
    if scenario_id is None:
        return empty, [], [], [], None
    try:
        with session_scope(caller_db_url()) as session:
            found, result, names = _results(session, scope, scenario_id, lang)
            span = reads.scenario_years(found.first_year, found.years)
    except reads.MissingFigures as missing:
        return empty, [], _notice(t("costing.invalid", lang, detail=str(missing)), "error"), [], None
    except (Forbidden, reads.NotFound):
        return empty, [], _notice(t("costing.gone", lang), "error"), [], None
    except SQLAlchemyError:
        return empty, [], unavailable(lang), [], None
    figure = cost_figure(result.rows, result.years, result.low, result.high, names, lang)
    options = [{"label": year_text(y, lang), "value": y} for y in span]
    return figure, years_table(result.years, result.low, result.high, lang), [], options, span[0]


@callback(
    Output("costing-map", "children"),
    Input("costing-map-year", "value"), Input("costing-scenario", "value"),
)
def show_map(year, scenario_id):
    """The chosen year's cost by province on the tile map (a director: his or her province only);
    the scenario's first year while the year chosen is not one of its years."""
    scope, lang = caller_scope(), caller_language()
    scenario_id = _id(scenario_id)
    if scenario_id is None:
        return message(t("costing.choose_hint", lang))
    try:
        with session_scope(caller_db_url()) as session:
            found, result, _names = _results(session, scope, scenario_id, lang)
            span = reads.scenario_years(found.first_year, found.years)
    except (reads.MissingFigures, Forbidden, reads.NotFound, SQLAlchemyError):
        return message(t("error.unavailable", lang))
    year = year if year in span and not isinstance(year, bool) else span[0]
    rows = result.rows[(result.rows["year"] == year) & (result.rows["unit"] != "00")]
    values = rows.groupby("unit")["cost"].sum()
    hidden = set() if scope.provinces is None else {f"{p:02d}" for p in range(1, 26)} - set(scope.provinces)
    return province_map(values, lang, metric_label=t("costing.col.cost", lang),
                        value_format=lambda v: format_khr(v, lang), exact_format=lambda v: format_khr_exact(v, lang),
                        hidden=hidden)


@callback(
    Output("costing-download", "data"),
    Input("costing-download-xlsx", "n_clicks"), Input("costing-download-csv", "n_clicks"),
    State("costing-scenario", "value"),
    prevent_initial_call=True,
)
def download(_xlsx, _csv, scenario_id):
    """The results per year, unit and benefit as Excel or CSV (what the caller may read)."""
    scope, lang = caller_scope(), caller_language()
    scenario_id = _id(scenario_id)
    if scenario_id is None:
        return no_update
    try:
        with session_scope(caller_db_url()) as session:
            found, result, names = _results(session, scope, scenario_id, lang)
            title = found.name
    except (reads.MissingFigures, Forbidden, reads.NotFound, SQLAlchemyError):
        return no_update
    frame = export_rows(result.rows, names, lang)
    return download_table(frame, EXPORT_COLUMNS, lang, name=f"costing-{scenario_id}",
                          as_csv=dash.ctx.triggered_id == "costing-download-csv", sheet="costing", title=title)


@callback(
    Output("costing-compare-chart", "figure"), Output("costing-compare-box", "children"),
    Output("costing-compare-message", "children"),
    Input("costing-compare", "value"), Input("costing-refresh", "data"),
)
def compare(chosen, _refresh):
    """Two to four saved scenarios side by side: total cost per year with each band, and a table."""
    scope, lang = caller_scope(), caller_language()
    ids = [i for i in (chosen if isinstance(chosen, list) else []) if _id(i)]
    ids = list(dict.fromkeys(ids))
    if not 2 <= len(ids) <= MAX_COMPARED:
        message = t("costing.compare_count", lang, low=format_number(2, lang), high=format_number(MAX_COMPARED, lang))
        return message_figure(message, lang), [], []
    compared = []
    try:
        with session_scope(caller_db_url()) as session:
            for scenario_id in ids:
                found, result = reads.results(session, scope, scenario_id)
                compared.append((found.name, result.years, result.low, result.high))
    except (reads.MissingFigures, Forbidden, reads.NotFound):
        return message_figure(t("costing.gone", lang), lang), [], _notice(t("costing.gone", lang), "error")
    except SQLAlchemyError:
        return message_figure(t("error.unavailable", lang), lang), [], unavailable(lang)
    return compare_figure(compared, lang), compare_table(compared, lang), []


# --- applying a scenario to a submission ---------------------------------------------------------------


def _refusal(error: Exception, lang: str) -> html.Div:
    if isinstance(error, Forbidden):
        _refused(error.what)
        return _notice(t("costing.forbidden_apply", lang), "error")
    if isinstance(error, WrongState):
        return _notice(t("costing.not_editable", lang, state=state_word(error.status, lang)), "error")
    if isinstance(error, reads.NotFound):
        return _notice(t("costing.gone", lang), "error")
    if isinstance(error, Invalid | reads.MissingFigures):
        return _notice(t("costing.invalid", lang, detail=str(error)), "error")
    return unavailable(lang)


APPLY_ERRORS = (Forbidden, WrongState, reads.NotFound, Invalid, reads.MissingFigures, SQLAlchemyError)


@callback(
    Output("costing-preview-message", "children"), Output("costing-preview-box", "children"),
    Output("costing-confirm-box", "hidden"), Output("costing-plan", "data"),
    Input("costing-preview", "n_clicks"), State("costing-scenario", "value"), State("costing-submission", "value"),
    prevent_initial_call=True,
)
def preview(_clicks, scenario_id, submission_id):
    """Every line and target the scenario would change, old → new; the confirm button when the
    submission may change now (the write layer checks the role and the state)."""
    scope, lang = caller_scope(), caller_language()
    scenario_id, submission_id = _id(scenario_id), _id(submission_id)
    if scenario_id is None or submission_id is None:
        return _notice(t("costing.apply_choose", lang), "error"), [], True, None
    try:
        with session_scope(caller_db_url()) as session:
            plan = writes.plan(session, _actor(scope), scenario_id, submission_id)
            status = submission_reads.get(session, scope, submission_id).status
    except APPLY_ERRORS as error:
        return _refusal(error, lang), [], True, None
    count = t("costing.preview_count", lang, lines=format_number(len(plan["lines"]), lang),
              targets=format_number(len(plan["targets"]), lang))
    if not plan["editable"]:
        refusal = _notice(t("costing.not_editable", lang, state=state_word(status, lang)), "error")
        return [refusal, html.P(count)], preview_table(plan, {}, lang), True, None
    if not plan["lines"] and not plan["targets"]:
        return _notice(t("costing.no_change", lang)), [], True, None
    return (_notice(count), preview_table(plan, {}, lang), False,
            {"scenario": scenario_id, "submission": submission_id})


@callback(
    Output("costing-apply-message", "children"), Output("costing-confirm-box", "hidden", allow_duplicate=True),
    Output("costing-preview-box", "children", allow_duplicate=True),
    Output("costing-preview-message", "children", allow_duplicate=True),
    Input("costing-confirm", "n_clicks"), State("costing-plan", "data"),
    prevent_initial_call=True,
)
def confirm(_clicks, planned):
    """Apply the previewed scenario: the submission's write layer writes and audits each change."""
    scope, lang = caller_scope(), caller_language()
    planned = planned if isinstance(planned, dict) else {}
    scenario_id, submission_id = _id(planned.get("scenario")), _id(planned.get("submission"))
    if scenario_id is None or submission_id is None:
        return _notice(t("costing.apply_choose", lang), "error"), True, no_update, no_update
    try:
        with session_scope(caller_db_url()) as session:
            done = writes.apply_scenario(session, _actor(scope), scenario_id, submission_id)
    except APPLY_ERRORS as error:
        return _refusal(error, lang), True, no_update, no_update
    # The preview is spent: what it listed is now the submission's.
    return (_notice(t("costing.applied", lang, lines=format_number(len(done["lines"]), lang),
                      targets=format_number(len(done["targets"]), lang)), "notice applied"), True, [], [])

