"""Submission: next year's budget request, line by line beside last year's figures, its flags,
its totals against MEF's ceiling, its state and the actions each role may take, its versions.

Every change is a write of ``db/submissions.py``, which checks role, province and state inside
the write. The callbacks build the caller's scope on the server (``caller_scope()``), never from
anything the browser sends; what the browser sends (a row's version, a typed amount) is only
what the person asks for.
"""

from __future__ import annotations

import datetime as dt

import dash
import dash_ag_grid as dag
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update
from flask import has_request_context
from sqlalchemy.exc import SQLAlchemyError

from auth.web import audit_refusal, client_address
from components.answers import remembered
from components.context import caller_db_url, caller_language, caller_scope
from components.format import format_khr, format_number
from components.page import guarded, page_frame, unavailable
from components.submission import (
    EDITABLE_FIELDS,
    REQUEST_FIELDS,
    diff_view,
    grid_height,
    grid_options,
    history_list,
    line_columns,
    line_label,
    line_rows,
    progress_list,
    reasons_list,
    return_comment,
    state_word,
    totals_bar,
    versions_list,
    year_text,
)
from db import submissions as writes
from db.engine import session_scope
from db.queries import submission as reads
from db.queries.cache import CYCLE, FACTS_TO_YEAR
from db.queries.units import unit_name
from domain.access import Forbidden
from domain.submission import ACTIONS, EDITABLE, SUBMIT, default_submission_year
from domain.vocabulary import BUDGET_UNIT, PROVINCIAL_DIRECTOR
from etl.clean import KHMER_DIGITS, CellError, typed_amount
from i18n import t
from indicators.submission import THRESHOLDS

dash.register_page(__name__, path="/submission", name="submission", title="Submission", bundles=("ag_grid",))

# At most this many cells of one event are saved (an edit in the grid is one cell).
MAX_CHANGES = 20


def _switch(switch_id: str) -> html.Button:
    """A switch: a button whose ``aria-checked`` says whether it is on (its words say it too)."""
    return html.Button(id=switch_id, role="switch", className="switch", n_clicks=0, **{"aria-checked": "false"})


def _switch_face(label: str, on: bool, lang: str) -> list:
    return [html.Span(className="switch-track", **{"aria-hidden": "true"}), html.Span(label),
            html.Span(t("submission.on" if on else "submission.off", lang), className="switch-state")]


def layout(year: str | None = None, **_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(
            t("submission.title", lang),
            html.Div([
                html.Label([t("submission.year", lang),
                            dcc.Dropdown(id="submission-year", clearable=False, searchable=False)],
                           className="filter"),
                html.Label([t("submission.col.entity", lang),
                            dcc.Dropdown(id="submission-entity", placeholder=t("submission.all_entities", lang))],
                           className="filter filter-wide"),
                html.Div([html.Button(id="submission-open", className="button", n_clicks=0)],
                         id="submission-open-box", hidden=True, className="open-box"),
            ], className="toolbar"),
            html.Div(id="submission-open-message", role="status"),
            dcc.Store(id="submission-asked", data={"year": year}),
            dcc.Store(id="submission-opened", data=0),
            dcc.Store(id="submission-changed", data=0),
            dcc.Store(id="submission-saved", data=0),
            dcc.Store(id="submission-header", data={}),
            dcc.Store(id="submission-viewport"),
            html.Div(id="submission-status", role="status", className="page-status"),
            html.Div(id="submission-totals", className="totals-bar", role="region",
                     **{"aria-label": t("submission.totals", lang), "aria-live": "polite"}),
            html.Section([
                html.H2(t("submission.actions", lang)),
                html.Div([html.Button(t(f"submission.action.{action}", lang), id=f"submission-action-{action}",
                                      className="button", hidden=True, n_clicks=0) for action in ACTIONS],
                         className="button-row"),
                html.Div(html.Label([t("submission.comment", lang),
                                     dcc.Textarea(id="submission-comment", maxLength=4000, className="textarea")]),
                         id="submission-comment-box", hidden=True),
                html.Div(id="submission-return-comment"),
                html.Div(id="submission-act-message", role="status", **{"aria-live": "polite"}),
                html.Div(id="submission-reasons"),
                html.Div([_switch("submission-done-switch")], id="submission-done-box", hidden=True),
                html.Div([
                    html.Div([html.H3(t("submission.provinces", lang)), _switch("submission-provinces-switch"),
                              html.Div(id="submission-progress")], id="submission-provinces-box", hidden=True),
                    html.Div([html.H3(t("submission.above_ceiling", lang)),
                              html.P(t("submission.above_ceiling_hint", lang,
                                       chars=format_number(THRESHOLDS["justification_min_chars"], lang)),
                                     className="muted"),
                              dcc.Textarea(id="submission-ceiling-text", maxLength=4000, className="textarea"),
                              html.Div(html.Button(t("submission.save", lang), id="submission-ceiling-save",
                                                   className="button", n_clicks=0), className="button-row")],
                             id="submission-ceiling-box", hidden=True),
                ], className="header-columns"),
            ], id="submission-actions-panel", className="panel", hidden=True),
            html.Section([
                html.H2(t("submission.lines", lang)),
                html.P(id="submission-grid-note", className="muted"),
                html.Div(id="submission-grid-message", role="status", **{"aria-live": "polite"}),
                dag.AgGrid(id="submission-grid", rowData=[], columnDefs=[], getRowId="params.data.row_id",
                           defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1,
                                          "wrapHeaderText": True, "autoHeaderHeight": True, "editable": False},
                           dashGridOptions=grid_options(lang), className="ag-theme-alpine submission-grid",
                           style={"width": "100%", "height": "560px"}),
            ], id="submission-lines-panel", className="panel", hidden=True),
            html.Section([
                html.H2(t("submission.versions", lang)),
                html.Div(id="submission-versions"),
                html.Label([t("submission.changed_since", lang),
                            dcc.Dropdown(id="submission-diff-version", clearable=False, searchable=False)],
                           className="filter filter-narrow", id="submission-diff-label"),
                html.Div(id="submission-diff", role="region"),
                html.Div(id="submission-history"),
            ], id="submission-versions-panel", className="panel", hidden=True),
            page_id="page-submission",
        )

    return guarded("submission", build)


# The entity filter runs in the browser, on the rows already there.
clientside_callback(
    """function(entity) {
        if (!entity) { return {}; }
        return {entity: {filterType: "text", type: "equals", filter: entity}};
    }""",
    Output("submission-grid", "filterModel"), Input("submission-entity", "value"),
)


# The screen's width, once: a phone gets the grid without pinned columns, which would fill it.
clientside_callback(
    """function(_asked) { return window.innerWidth; }""",
    Output("submission-viewport", "data"), Input("submission-asked", "data"),
)

NARROW = 700  # px: below this the programme and cluster columns scroll with the others


def _year(value: object) -> int | None:
    """The selector's year, if it is one: four ASCII digits (a callback is a public endpoint)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value)
    return int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None


def _find(session, scope, year: object):
    """The submission of the selector's year, read with the caller's scope (None when there is none)."""
    year = _year(year)
    if year is None:
        return None
    found = reads.listing(session, scope, year)
    return found[0] if found else None


def _counter(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _actor(scope) -> writes.Actor:
    return writes.Actor(scope=scope, address=client_address() if has_request_context() else "")


def _refused(what: str) -> None:
    """A write the caller's role or province does not allow, written to the audit log."""
    if has_request_context():
        audit_refusal(what)


@callback(
    Output("submission-year", "options"), Output("submission-year", "value"),
    Output("submission-open-box", "hidden"), Output("submission-open", "children"),
    Input("submission-opened", "data"), State("submission-asked", "data"),
)
def fill_years(opened, asked):
    """The years that have a submission (newest first, the newest chosen), and for the budget
    unit the button that opens next year's draft when it is not open yet."""
    scope, lang = caller_scope(), caller_language()
    try:
        with session_scope(caller_db_url()) as session:
            years = [s.fiscal_year for s in reads.listing(session, scope)]
            next_year = default_submission_year(reads.latest_data_year(session), dt.date.today().year)
    except SQLAlchemyError:
        return [], None, True, ""
    wanted = _year((asked or {}).get("year")) if isinstance(asked, dict) else None
    # A draft just opened is the newest; the address's year counts when the page is opened.
    value = wanted if wanted in years and not _counter(opened) else (years[0] if years else None)
    options = [{"label": year_text(y, lang), "value": y} for y in years]
    can_open = scope.can_prepare_submission and next_year not in years
    return options, value, not can_open, t("submission.open", lang, year=year_text(next_year, lang))


@callback(
    Output("submission-open-message", "children"), Output("submission-opened", "data"),
    Input("submission-open", "n_clicks"), State("submission-opened", "data"),
    prevent_initial_call=True,
)
def open_draft(_clicks, opened):
    """The budget unit opens next year's draft (the write checks the role)."""
    scope, lang = caller_scope(), caller_language()
    year = None
    try:
        with session_scope(caller_db_url()) as session:
            year = default_submission_year(reads.latest_data_year(session), dt.date.today().year)
            sub_year = writes.open_submission(session, _actor(scope), year).fiscal_year
    except Forbidden as refusal:
        _refused(refusal.what)
        return html.Div(t("submission.forbidden", lang), className="error"), no_update
    except writes.Exists:
        return html.Div(t("submission.exists", lang, year=year_text(year, lang)), className="notice"), \
            _counter(opened) + 1
    except writes.Invalid as invalid:
        return html.Div(t("submission.invalid", lang, detail=str(invalid)), className="error"), no_update
    except SQLAlchemyError:
        return unavailable(lang), no_update
    return html.Div(t("submission.opened", lang, year=year_text(sub_year, lang)), className="notice"), \
        _counter(opened) + 1


# --- the whole view ----------------------------------------------------------------------------------

VIEW_OUTPUTS = (
    ("submission-grid", "rowData", []), ("submission-grid", "columnDefs", []),
    ("submission-grid", "style", {"width": "100%", "height": "560px"}),
    ("submission-entity", "options", []), ("submission-header", "data", {}),
    ("submission-status", "children", ""), ("submission-lines-panel", "hidden", True),
    ("submission-grid-note", "children", ""), ("submission-actions-panel", "hidden", True),
    *((f"submission-action-{action}", "hidden", True) for action in ACTIONS),
    ("submission-comment-box", "hidden", True), ("submission-return-comment", "children", []),
    ("submission-provinces-box", "hidden", True), ("submission-provinces-switch", "aria-checked", "false"),
    ("submission-provinces-switch", "disabled", True), ("submission-provinces-switch", "children", []),
    ("submission-progress", "children", []),
    ("submission-done-box", "hidden", True), ("submission-done-switch", "aria-checked", "false"),
    ("submission-done-switch", "disabled", True), ("submission-done-switch", "children", []),
    ("submission-ceiling-box", "hidden", True), ("submission-ceiling-text", "value", ""),
    ("submission-ceiling-text", "disabled", True), ("submission-ceiling-save", "disabled", True),
    ("submission-versions-panel", "hidden", True), ("submission-versions", "children", []),
    ("submission-history", "children", []),
    ("submission-diff-version", "options", []), ("submission-diff-version", "value", None),
    ("submission-diff-label", "hidden", True),
)


def _answer(values: dict) -> tuple:
    return tuple(values.get((cid, prop), default) for cid, prop, default in VIEW_OUTPUTS)


def _grid_note(view, scope, lang: str) -> str:
    sub = view.submission
    if view.can_edit:
        return t("submission.editable_note", lang)
    if sub.status not in EDITABLE:
        return t("submission.readonly_state", lang, state=state_word(sub.status, lang))
    if scope.role == PROVINCIAL_DIRECTOR:
        return t("submission.readonly_closed", lang)
    return t("submission.readonly_role", lang)


@callback(
    *(Output(cid, prop) for cid, prop, _default in VIEW_OUTPUTS),
    Input("submission-year", "value"), Input("submission-changed", "data"), Input("submission-viewport", "data"),
)
@remembered(depends=(FACTS_TO_YEAR, CYCLE))
def show_submission(year, _changed, viewport):
    """The submission of the chosen year as the caller may see it."""
    scope, lang = caller_scope(), caller_language()
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                key = "submission.none_budget" if scope.can_prepare_submission else "submission.none"
                return _answer({("submission-status", "children"): html.P(t(key, lang), className="muted",
                                                                          id="submission-none")})
            view = reads.view(session, scope, sub.id)
            names = reads.structure_names(session)
            events = reads.history(session, sub.id, scope)
            if scope.provinces is not None:
                # Who marked which province done is the budget unit's progress list, not a director's.
                events = [e for e in events if e["action"] != "province_done"]
    except Forbidden:
        return _answer({("submission-status", "children"): t("forbidden.body", lang)})
    except SQLAlchemyError:
        return _answer({("submission-status", "children"): unavailable(lang)})
    sub = view.submission
    editable_state = sub.status in EDITABLE
    rows = line_rows(view.lines, scope=scope, can_edit=view.can_edit, open_to_provinces=sub.open_to_provinces,
                     lang=lang, names=names)
    entities = sorted({row["entity"] for row in rows})
    mine = next((p for p in view.provinces if p["province"] == scope.province), None)
    is_budget = scope.role == BUDGET_UNIT
    director_may_mark = scope.role == PROVINCIAL_DIRECTOR and sub.open_to_provinces and editable_state
    versions = [v["version"] for v in view.versions]
    narrow = isinstance(viewport, int | float) and not isinstance(viewport, bool) and viewport < NARROW
    values = {
        ("submission-grid", "rowData"): rows,
        ("submission-grid", "columnDefs"): line_columns(sub.fiscal_year, lang, editable=view.can_edit,
                                                        pinned=not narrow),
        ("submission-grid", "style"): {"width": "100%", "height": grid_height(rows, narrow=narrow)},
        ("submission-entity", "options"): [{"label": f"{e} {unit_name(e, lang)}", "value": e} for e in entities],
        ("submission-header", "data"): {"id": sub.id, "year": sub.fiscal_year, "row_version": sub.row_version,
                                        "open_to_provinces": bool(sub.open_to_provinces),
                                        "done": bool(mine and mine["done"])},
        ("submission-lines-panel", "hidden"): False,
        ("submission-grid-note", "children"): _grid_note(view, scope, lang),
        ("submission-actions-panel", "hidden"): not (view.actions or is_budget or director_may_mark),
        **{(f"submission-action-{action}", "hidden"): action not in view.actions for action in ACTIONS},
        ("submission-comment-box", "hidden"): not [a for a in view.actions if a != SUBMIT],
        ("submission-return-comment", "children"): return_comment(sub.status, events, lang),
        ("submission-provinces-box", "hidden"): not is_budget,
        ("submission-provinces-switch", "aria-checked"): "true" if sub.open_to_provinces else "false",
        ("submission-provinces-switch", "disabled"): not (is_budget and editable_state),
        ("submission-provinces-switch", "children"): _switch_face(t("submission.open_to_provinces", lang),
                                                                  bool(sub.open_to_provinces), lang),
        ("submission-progress", "children"): progress_list(view.provinces, lang) if is_budget else [],
        ("submission-done-box", "hidden"): not director_may_mark,
        ("submission-done-switch", "aria-checked"): "true" if mine and mine["done"] else "false",
        ("submission-done-switch", "disabled"): not director_may_mark,
        ("submission-done-switch", "children"): _switch_face(t("submission.my_province_done", lang),
                                                             bool(mine and mine["done"]), lang),
        ("submission-ceiling-box", "hidden"): not is_budget,
        ("submission-ceiling-text", "value"): sub.above_ceiling_justification,
        ("submission-ceiling-text", "disabled"): not (is_budget and editable_state),
        ("submission-ceiling-save", "disabled"): not (is_budget and editable_state),
        ("submission-versions-panel", "hidden"): False,
        ("submission-versions", "children"): versions_list(view.versions, lang),
        ("submission-history", "children"): history_list(events, lang),
        ("submission-diff-version", "options"): [{"label": t("submission.version", lang,
                                                             n=format_number(v, lang)), "value": v}
                                                 for v in versions],
        ("submission-diff-version", "value"): versions[-1] if versions else None,
        ("submission-diff-label", "hidden"): not versions,
    }
    return _answer(values)


@callback(
    Output("submission-totals", "children"),
    Input("submission-year", "value"), Input("submission-changed", "data"), Input("submission-saved", "data"),
)
def show_totals(year, _changed, _saved):
    """The request against MEF's ceiling, kept in view while lines change."""
    scope, lang = caller_scope(), caller_language()
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                return []
            return totals_bar(sub, reads.totals(session, sub.id), reads.ceilings(session, sub.fiscal_year), lang)
    except Forbidden:
        return []
    except SQLAlchemyError:
        return unavailable(lang)


@callback(
    Output("submission-diff", "children"),
    Input("submission-diff-version", "value"), Input("submission-saved", "data"), Input("submission-changed", "data"),
    State("submission-year", "value"),
)
def show_diff(version, _saved, _changed, year):
    """What changed, in the lines and targets the caller reads, since the version chosen."""
    scope, lang = caller_scope(), caller_language()
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return []
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                return []
            changes = reads.diff_since(session, scope, sub.id, version)
            fiscal_year = sub.fiscal_year
    except (reads.NotFound, Forbidden):
        return []
    except SQLAlchemyError:
        return unavailable(lang)
    return diff_view(changes, version, fiscal_year, lang)


# --- a cell edit is a write ---------------------------------------------------------------------------


def _typed(text: object, lang: str) -> int:
    """A typed amount as whole riels, read with the person's own convention.

    Raises ``CellError`` for what cannot be read and ``ValueError`` (with the message key) for
    a negative, fractional or impossible amount.
    """
    if isinstance(text, bool):
        raise CellError("a number", "not a number")
    # Khmer digits as Latin ones first: etl.clean.typed_amount takes "០០០" for a scale word.
    value = float(text) if isinstance(text, int | float) else typed_amount(str(text).translate(KHMER_DIGITS), lang)
    if value != value:
        raise CellError("a number", "not a number")
    if value < 0:
        raise ValueError("submission.negative")
    if value > writes.MAX_AMOUNT:
        raise ValueError("submission.too_large")
    nearest = round(value)
    # "4.1 bn" is 4,099,999,999.9999995 in binary floating point: the person meant whole riels.
    if abs(value - nearest) > 1e-6 * max(1.0, abs(value)):
        raise ValueError("submission.not_whole")
    return int(nearest)


def _column_label(field: str, year: int, lang: str) -> str:
    if field in REQUEST_FIELDS:
        return t("submission.diff.request", lang) + " " + year_text(year + REQUEST_FIELDS.index(field), lang)
    return t("submission.col.justification", lang)


def _changes(value: object) -> list[dict]:
    """The edits of one ``cellValueChanged`` event that name an editable cell of a row."""
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    out = []
    for item in items[-MAX_CHANGES:]:
        if not isinstance(item, dict) or item.get("colId") not in EDITABLE_FIELDS:
            continue
        data = item.get("data") if isinstance(item.get("data"), dict) else {}
        line_id = data.get("id")
        if isinstance(line_id, bool) or not isinstance(line_id, int):
            continue
        new = item["newValue"] if "newValue" in item else item.get("value")
        out.append({"line": line_id, "field": item["colId"], "value": new, "version": data.get("row_version")})
    return out


def _notice(text, kind: str) -> html.Div:
    return html.Div(text, className=kind)


@callback(
    Output("submission-grid", "rowTransaction"), Output("submission-grid-message", "children"),
    Output("submission-saved", "data"),
    Input("submission-grid", "cellValueChanged"), State("submission-year", "value"), State("submission-saved", "data"),
    prevent_initial_call=True,
)
def save_cell(changed, year, saved):
    """Save an edited cell through ``db.submissions.save_lines`` with the row's version; answer
    the line (and its entity's other lines, whose flags may follow) as stored now."""
    scope, lang = caller_scope(), caller_language()
    edits = _changes(changed)
    if not edits:
        return no_update, no_update, no_update
    messages, refresh, wrote = [], {}, False
    versions: dict[int, int] = {}
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                return no_update, _notice(t("submission.gone", lang), "error"), no_update
            fiscal_year = sub.fiscal_year
    except (Forbidden, SQLAlchemyError):
        return no_update, _notice(t("error.unavailable", lang), "error"), no_update
    for edit in edits:
        message, entity, ok = _save_one(scope, lang, sub.id, fiscal_year, edit, versions)
        messages.append(message)
        wrote |= ok
        if entity is not None:
            refresh[entity] = True
    rows = []
    if refresh:
        try:
            with session_scope(caller_db_url()) as session:
                header = reads.get(session, scope, sub.id)
                view_names = reads.structure_names(session)
                can_edit = header.status in EDITABLE
                for entity in refresh:
                    lines = reads.entity_lines(session, scope, sub.id, entity)
                    rows += line_rows(lines, scope=scope, can_edit=can_edit,
                                      open_to_provinces=header.open_to_provinces, lang=lang, names=view_names)
        except (Forbidden, reads.NotFound):
            rows = []
        except SQLAlchemyError:
            messages.append(_notice(t("error.unavailable", lang), "error"))
    transaction = {"update": rows} if rows else no_update
    return transaction, html.Div(messages, id="submission-save-result"), _counter(saved) + 1 if wrote else no_update


def _save_one(scope, lang: str, submission_id: int, year: int, edit: dict, versions: dict[int, int]):
    """One edited cell: (message, entity whose rows to send again, whether it was written)."""
    field = edit["field"]
    entity = None
    try:
        with session_scope(caller_db_url()) as session:
            line = reads.line_for_edit(session, scope, submission_id, edit["line"])
            entity = line["entity"]
            what = f"{line_label(line, lang)}, {_column_label(field, year, lang)}"
            version = versions.get(line["id"], edit["version"])
            if isinstance(version, bool) or not isinstance(version, int):
                return _notice(t("submission.stale_unknown", lang), "error"), entity, False
            item = {k: line[k] for k in ("entity", "cluster", "economic_code", "funding_source")}
            item["row_version"] = version
            if field == "justification":
                item["justification"] = edit["value"] if isinstance(edit["value"], str) else ""
                shown = None
            else:
                amount = _typed(edit["value"], lang)
                request = list(line["request"])
                request[REQUEST_FIELDS.index(field)] = amount
                item["request"] = request
                shown = format_khr(amount, lang)
            writes.save_lines(session, _actor(scope), submission_id, [item])
            after = reads.line_for_edit(session, scope, submission_id, line["id"])
            versions[line["id"]] = after["row_version"]
    except CellError:
        text = str(edit["value"])[:60]
        return _notice(t("submission.unreadable", lang, text=text, examples=t("submission.examples", lang)),
                       "error"), entity, False
    except ValueError as refused:
        key = str(refused) if str(refused).startswith("submission.") else None
        if isinstance(refused, writes.Invalid) or key is None:
            return _notice(t("submission.invalid", lang, detail=str(refused)), "error"), entity, False
        return _notice(t(key, lang), "error"), entity, False
    except writes.Stale as stale:
        who = stale.current.get("updated_by") or "?"
        return _notice(t("submission.stale", lang, who=who), "error stale"), entity, False
    except writes.WrongState as wrong:
        return _notice(t("submission.wrong_state", lang, state=state_word(wrong.status, lang)), "error"), \
            entity, False
    except Forbidden as refusal:
        _refused(refusal.what)
        return _notice(t("submission.forbidden_line", lang), "error"), entity, False
    except reads.NotFound:
        return _notice(t("submission.gone", lang), "error"), None, False
    except SQLAlchemyError:
        return _notice(t("error.unavailable", lang), "error"), entity, False
    if shown is None:
        return _notice(t("submission.saved", lang, what=what), "notice"), entity, True
    return _notice(t("submission.saved_amount", lang, what=what, amount=shown), "notice"), entity, True


# --- the header: transitions, the province switch, done, the above-ceiling justification ---------------

ACTION_BUTTONS = {f"submission-action-{action}": action for action in ACTIONS}


@callback(
    Output("submission-act-message", "children"), Output("submission-reasons", "children"),
    Output("submission-changed", "data"), Output("submission-comment", "value"),
    *(Input(button, "n_clicks") for button in ACTION_BUTTONS),
    Input("submission-provinces-switch", "n_clicks"), Input("submission-done-switch", "n_clicks"),
    Input("submission-ceiling-save", "n_clicks"),
    State("submission-year", "value"), State("submission-header", "data"), State("submission-comment", "value"),
    State("submission-ceiling-text", "value"), State("submission-changed", "data"),
    prevent_initial_call=True,
)
def change_header(*args):
    """A transition, the switch that opens the draft to provinces, a director's "done", or the
    above-ceiling justification: each one write of ``db/submissions.py``."""
    *_clicks, year, header, comment, ceiling_text, changed = args
    scope, lang = caller_scope(), caller_language()
    trigger = dash.ctx.triggered_id
    header = header if isinstance(header, dict) else {}
    comment = comment if isinstance(comment, str) else ""
    refreshed = _counter(changed) + 1
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                return _notice(t("submission.gone", lang), "error"), [], no_update, no_update
            actor = _actor(scope)
            if trigger in ACTION_BUTTONS:
                action = ACTION_BUTTONS[trigger]
                version = header.get("row_version")
                version = version if isinstance(version, int) and not isinstance(version, bool) else None
                done = writes.act(session, actor, sub.id, action, comment, version)
                message = t(f"submission.done.{action}", lang, n=format_number(done.version, lang))
                return _notice(message, "notice"), [], refreshed, ""
            if trigger == "submission-provinces-switch":
                wanted = not bool(header.get("open_to_provinces"))
                if sub.open_to_provinces != wanted:
                    writes.set_open_to_provinces(session, actor, sub.id, wanted)
                key = "submission.opened_to_provinces" if wanted else "submission.closed_to_provinces"
                return _notice(t(key, lang), "notice"), [], refreshed, no_update
            if trigger == "submission-done-switch":
                if scope.province is None:
                    raise Forbidden("province done without a province")
                wanted = not bool(header.get("done"))
                writes.mark_province_done(session, actor, sub.id, scope.province, wanted)
                key = "submission.marked_done" if wanted else "submission.marked_not_done"
                return _notice(t(key, lang), "notice"), [], refreshed, no_update
            if trigger == "submission-ceiling-save":
                writes.set_above_ceiling_justification(session, actor, sub.id,
                                                       ceiling_text if isinstance(ceiling_text, str) else "")
                return _notice(t("submission.justification_saved", lang), "notice"), [], refreshed, no_update
    except writes.Blocked as blocked:
        if [r.get("code") for r in blocked.reasons] == ["comment_required"]:
            return _notice(t("submission.comment_required", lang), "error"), [], no_update, no_update
        return (_notice(t("submission.blocked", lang, n=format_number(len(blocked.reasons), lang)), "error"),
                reasons_list(blocked.reasons, lang), no_update, no_update)
    except writes.Stale as stale:
        return (_notice(t("submission.stale_header", lang, who=stale.current.get("updated_by", "?")
                          if isinstance(stale.current, dict) else "?"), "error"), [], refreshed, no_update)
    except writes.WrongState as wrong:
        return (_notice(t("submission.wrong_state", lang, state=state_word(wrong.status, lang)), "error"), [],
                refreshed, no_update)
    except Forbidden as refusal:
        _refused(refusal.what)
        return _notice(t("submission.forbidden", lang), "error"), [], no_update, no_update
    except writes.Invalid as invalid:
        return _notice(t("submission.invalid", lang, detail=str(invalid)), "error"), [], no_update, no_update
    except reads.NotFound:
        return _notice(t("submission.gone", lang), "error"), [], refreshed, no_update
    except SQLAlchemyError:
        return unavailable(lang), [], no_update, no_update
    return no_update, no_update, no_update, no_update

