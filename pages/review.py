"""Review: MEF's hearing of the ministry's request. The submitted lines programme by programme,
flagged first, beside last year's figures and results; MEF's decision per line; a comment
thread per line and one for the whole submission; the provinces' explanations of their
deviations; MEF's ceiling; return and endorse; the history and the downloads.

Every change is one write of ``db/review.py`` or ``db/submissions.py``, which checks role,
province and state inside the write. The callbacks build the caller's scope on the server
(``caller_scope()``); what the browser sends (a line's id, a typed amount, a row's version) is
only what the person asks for, and a refusal comes back in words.
"""

from __future__ import annotations

import datetime as dt

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html, no_update
from flask import has_request_context
from sqlalchemy.exc import SQLAlchemyError

from auth.web import audit_refusal, client_address
from components.answers import remembered
from components.context import caller_db_url, caller_language, caller_scope
from components.format import format_number
from components.page import guarded, page_frame, unavailable
from components.review import (
    HISTORY_SHOWN,
    PAGE_SIZE,
    SHOW,
    AmountRefused,
    amount_text,
    ceiling_inputs,
    ceiling_readonly,
    chosen_lines,
    decision_summary,
    downloads,
    endorsed_sums,
    explanation_list,
    header_bar,
    history_list,
    latest_explanations,
    line_label,
    page_count,
    pager_text,
    programme_sections,
    read_amount,
    thread,
    waiting_list,
)
from components.submission import state_word, year_text
from db import review as review_writes
from db import submissions as writes
from db.engine import session_scope
from db.queries import review as review_reads
from db.queries import submission as reads
from db.queries.cache import CYCLE, EXPLAINED_YEAR_BEFORE, FACTS_TO_YEAR
from db.queries.indicators import catalogue
from db.queries.units import unit_name
from domain.access import Forbidden
from domain.submission import ADJUST, AGREE, DECISIONS, ENDORSE, RETURN, SUBMITTED, default_submission_year
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER, PROVINCIAL_DIRECTOR, YEAR_MAX, YEAR_MIN
from i18n import t

dash.register_page(__name__, path="/review", name="review", title="Review")

MAX_COMMENT = review_writes.MAX_COMMENT


def _pager(where: str, lang: str) -> html.Div:
    """Previous and next page of lines, and which lines are shown."""
    return html.Div([
        html.Button(t("review.previous", lang), id=f"review-prev-{where}", n_clicks=0, className="button button-light",
                    disabled=True),
        html.Span(id=f"review-pager-{where}", className="pager-text", role="status"),
        html.Button(t("review.next", lang), id=f"review-next-{where}", n_clicks=0, className="button button-light",
                    disabled=True),
    ], className="pager", **{"aria-label": t("review.pages", lang)})


def layout(year: str | None = None, **_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(
            t("review.title", lang),
            html.Div([
                html.Label([t("submission.year", lang),
                            dcc.Dropdown(id="review-year", clearable=False, searchable=False)], className="filter"),
                html.Div(id="review-downloads", className="downloads"),
            ], className="toolbar"),
            dcc.Store(id="review-asked", data={"year": year}),
            dcc.Store(id="review-line-written", data=0),
            dcc.Store(id="review-header-written", data=0),
            dcc.Store(id="review-ceiling-written", data=0),
            dcc.Store(id="review-selected", data=None),
            dcc.Store(id="review-header", data={}),
            dcc.Store(id="review-line-state", data={}),
            html.Div(id="review-status", role="status", className="page-status"),
            html.Div(id="review-totals", className="totals-bar", role="region",
                     **{"aria-label": t("submission.totals", lang), "aria-live": "polite"}),
            html.Section([
                html.H2(t("review.actions", lang)),
                html.P(t("review.actions_hint", lang), className="muted"),
                html.Div([
                    html.Button(t("review.agree_unflagged", lang), id="review-agree-unflagged", n_clicks=0,
                                className="button button-light"),
                    html.Button(t("submission.action.endorse", lang), id="review-endorse", n_clicks=0,
                                className="button"),
                ], className="button-row"),
                html.Label([t("submission.comment", lang),
                            dcc.Textarea(id="review-act-comment", maxLength=MAX_COMMENT, className="textarea")]),
                html.Div(html.Button(t("submission.action.return", lang), id="review-return", n_clicks=0,
                                     className="button button-warn"), className="button-row"),
            ], id="review-actions-panel", className="panel", hidden=True),
            # Outside the panel: after an endorsement the panel goes, the words saying so stay.
            html.Div([html.Div(id="review-act-message", role="status", **{"aria-live": "polite"}),
                      html.Div(id="review-reasons")], className="act-message"),
            html.Div([
                html.Section([
                    html.H2(t("review.lines", lang)),
                    html.P(id="review-hearing-note", className="muted"),
                    html.Div([
                        html.Label([t("submission.col.programme", lang),
                                    dcc.Dropdown(id="review-filter-programme",
                                                 placeholder=t("review.all_programmes", lang))], className="filter"),
                        html.Label([t("submission.col.entity", lang),
                                    dcc.Dropdown(id="review-filter-entity",
                                                 placeholder=t("submission.all_entities", lang))],
                                   className="filter filter-wide"),
                        html.Label([t("review.show", lang),
                                    dcc.Dropdown(id="review-filter-show", value="all", clearable=False,
                                                 searchable=False,
                                                 options=[{"label": t(f"review.show.{k}", lang), "value": k}
                                                          for k in SHOW])], className="filter filter-wide"),
                    ], className="toolbar review-filters"),
                    dcc.Store(id="review-page", data=0),
                    dcc.Store(id="review-page-shown", data=0),
                    dcc.Store(id="review-scrolled"),
                    _pager("top", lang),
                    html.Div(id="review-hearing"),
                    _pager("bottom", lang),
                ], id="review-hearing-panel", className="panel review-list", hidden=True),
                html.Aside([
                    html.Div([html.H2(id="review-detail-title"),
                              html.Button("✕", id="review-close", n_clicks=0, className="close-button",
                                          title=t("review.close", lang), **{"aria-label": t("review.close", lang)})],
                             className="detail-head"),
                    html.Div(id="review-detail-summary"),
                    html.Div([
                        html.H3(t("review.your_decision", lang)),
                        dcc.RadioItems(id="review-decision", options=[
                            {"label": t(f"review.decision.{d}", lang), "value": d} for d in DECISIONS],
                            className="decision-choice", inputClassName="decision-radio"),
                        html.Label([t("review.recommended_field", lang),
                                    dcc.Input(id="review-recommended", type="text", inputMode="decimal",
                                              className="amount-input",
                                              placeholder=t("submission.examples", lang))], className="filter"),
                        html.P(t("review.question_hint", lang), className="muted small"),
                        html.Div(html.Button(t("review.save_decision", lang), id="review-decide", n_clicks=0,
                                             className="button"), className="button-row"),
                    ], id="review-decision-box", className="decision-box", hidden=True),
                    html.Div(id="review-line-message", role="status", **{"aria-live": "polite"}),
                    html.Div(id="review-detail-body"),
                    html.Div([
                        html.Label([t("review.your_comment", lang),
                                    dcc.Textarea(id="review-line-text", maxLength=MAX_COMMENT, className="textarea")]),
                        html.Div(html.Button(t("review.send", lang), id="review-line-send", n_clicks=0,
                                             className="button"), className="button-row"),
                    ], id="review-line-compose", hidden=True),
                    html.Div(id="review-comment-message", role="status", **{"aria-live": "polite"}),
                ], id="review-detail", className="review-detail", **{"aria-label": t("review.detail", lang)}),
            ], className="review-body"),
            html.Section([
                html.H2(t("review.whole_thread", lang)),
                html.Div(id="review-whole-thread"),
                html.Div([
                    html.Label([t("review.your_comment", lang),
                                dcc.Textarea(id="review-whole-text", maxLength=MAX_COMMENT, className="textarea")]),
                    html.Div(html.Button(t("review.send", lang), id="review-whole-send", n_clicks=0,
                                         className="button"), className="button-row"),
                ], id="review-whole-compose", hidden=True),
                html.Div(id="review-whole-message", role="status", **{"aria-live": "polite"}),
            ], id="review-whole-panel", className="panel", hidden=True),
            html.Section([
                html.H2(id="review-ceiling-title"),
                html.Div(id="review-ceiling-readonly"),
                html.Div([
                    html.P(t("review.ceiling_hint", lang), className="muted"),
                    html.Div([html.Label([t("review.ceiling_total", lang),
                                          dcc.Input(id="review-ceiling-total", type="text", inputMode="decimal",
                                                    className="amount-input",
                                                    placeholder=t("submission.examples", lang))],
                                         className="filter")], className="form-grid"),
                    html.Div(id="review-ceiling-programmes", className="form-grid"),
                    html.Div(html.Button(t("review.ceiling_save", lang), id="review-ceiling-save", n_clicks=0,
                                         className="button"), className="button-row"),
                ], id="review-ceiling-form", hidden=True),
                html.Div(id="review-ceiling-message", role="status", **{"aria-live": "polite"}),
            ], id="review-ceiling-panel", className="panel", hidden=True),
            html.Section([
                # Filled when opened (``show_history``): the hearing's answer stays the lines'. Dash
                # does not send a <details>' open state; it starts closed and every click on its
                # summary (a key press on it too) toggles it, so an odd count of clicks is open.
                html.Details([html.Summary(html.H2(t("review.history", lang), className="inline-heading"),
                                           id="review-history-summary", n_clicks=0),
                              html.Div(id="review-history")], id="review-history-details", open=False),
            ], id="review-history-panel", className="panel", hidden=True),
            page_id="page-review",
        )

    return guarded("review", build)


# --- small helpers --------------------------------------------------------------------------------------


def _year(value: object) -> int | None:
    """The chooser's year, if it is one (a callback is a public endpoint: anything may come)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value)
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        return None
    year = int(text)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def _find(session, scope, year: object):
    """The submission of the chooser's year, read with the caller's scope (None when there is none)."""
    year = _year(year)
    if year is None:
        return None
    found = reads.listing(session, scope, year)
    return found[0] if found else None


def _counter(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _line_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= reads.MAX_ID else None


def _actor(scope) -> writes.Actor:
    return writes.Actor(scope=scope, address=client_address() if has_request_context() else "")


def _refused(what: str) -> None:
    """A write the caller's role or province does not allow, written to the audit log."""
    if has_request_context():
        audit_refusal(what)


def _notice(text, kind: str = "notice", **extra) -> html.Div:
    return html.Div(text, className=kind, **extra)


def _comment_refusal(invalid: writes.Invalid, text: object, lang: str) -> html.Div:
    """Why a comment was not stored, in the person's words."""
    if invalid.field == "line":
        return _notice(t("review.not_this_submission", lang), "error")
    if not isinstance(text, str) or not text.strip():
        return _notice(t("review.comment_empty", lang), "error")
    if len(text) > MAX_COMMENT:
        return _notice(t("review.comment_too_long", lang, most=format_number(MAX_COMMENT, lang),
                         n=format_number(len(text), lang)), "error")
    return _notice(t("review.comment_unreadable", lang), "error")


# --- years -------------------------------------------------------------------------------------------


@callback(
    Output("review-year", "options"), Output("review-year", "value"),
    Input("review-asked", "data"),
)
def fill_years(asked):
    """The years with a submission, newest first, and next year's (for MEF's ceiling before the
    draft is opened); the address's year when it is one of them, else the latest submission."""
    scope, lang = caller_scope(), caller_language()
    try:
        with session_scope(caller_db_url()) as session:
            years = [s.fiscal_year for s in reads.listing(session, scope)]
            upcoming = default_submission_year(reads.latest_data_year(session), dt.date.today().year)
    except (Forbidden, SQLAlchemyError):  # a role without figures (the page itself refuses it too)
        return [], None
    options = [{"label": year_text(y, lang), "value": y} for y in years]
    if upcoming not in years:
        options.insert(0, {"label": t("review.year_without", lang, year=year_text(upcoming, lang)),
                           "value": upcoming})
    wanted = _year((asked or {}).get("year")) if isinstance(asked, dict) else None
    known = [o["value"] for o in options]
    value = wanted if wanted in known else (years[0] if years else upcoming)
    return options, value


# --- the whole view ---------------------------------------------------------------------------------------

VIEW_OUTPUTS = (
    ("review-status", "children", ""), ("review-totals", "children", []),
    ("review-downloads", "children", []), ("review-header", "data", {}),
    ("review-actions-panel", "hidden", True), ("review-endorse", "hidden", True), ("review-return", "hidden", True),
    ("review-agree-unflagged", "hidden", True),
    ("review-hearing-panel", "hidden", True), ("review-hearing-note", "children", ""),
    ("review-hearing", "children", []),
    ("review-filter-programme", "options", []), ("review-filter-entity", "options", []),
    ("review-page-shown", "data", 0),
    *((f"review-pager-{w}", "children", "") for w in ("top", "bottom")),
    *((f"review-{b}-{w}", "disabled", True) for b in ("prev", "next") for w in ("top", "bottom")),
    ("review-whole-panel", "hidden", True), ("review-whole-thread", "children", []),
    ("review-whole-compose", "hidden", True),
    ("review-ceiling-panel", "hidden", True), ("review-ceiling-title", "children", ""),
    ("review-ceiling-readonly", "children", []), ("review-ceiling-form", "hidden", True),
    ("review-ceiling-total", "value", ""), ("review-ceiling-programmes", "children", []),
    ("review-history-panel", "hidden", True),
)


def _answer(values: dict) -> tuple:
    return tuple(values.get((cid, prop), default) for cid, prop, default in VIEW_OUTPUTS)


def _ceiling_values(session, scope, year: int, codes: list[str], lang: str, names: dict | None = None,
                    ceiling: dict | None = None) -> dict:
    # The names and the ceiling the caller read already, when it did (the hearing: one read less each).
    names = reads.structure_names(session) if names is None else names
    ceiling = reads.ceilings(session, year) if ceiling is None else ceiling
    codes = sorted(set(codes) | set(ceiling["programmes"]))
    is_mef = scope.role == MEF_REVIEWER
    return {
        ("review-ceiling-panel", "hidden"): False,
        ("review-ceiling-title", "children"): t("review.ceiling_title", lang, year=year_text(year, lang)),
        ("review-ceiling-readonly", "children"): [] if is_mef else ceiling_readonly(ceiling, names, lang),
        ("review-ceiling-form", "hidden"): not is_mef,
        ("review-ceiling-total", "value"): amount_text(ceiling["total"], lang) if is_mef else "",
        ("review-ceiling-programmes", "children"): ceiling_inputs(codes, ceiling, names, lang) if is_mef else [],
    }


def _indicator_names(session) -> dict[str, tuple[str, str]]:
    """Each indicator's English and Khmer names, from three columns of the catalogue (a tuple per
    row of all ten, by ``itertuples``, cost more)."""
    found = catalogue(session)
    return {code: (en, km) for code, en, km in zip(
        *(found[c].tolist() for c in ("indicator", "name_en", "name_km")), strict=True)}


def _programme_codes(session) -> list[str]:
    return sorted(code for code, _names in reads.structure_names(session).items()
                  if not code.startswith("chapter:") and code.count(".") == 0)


def _explanations_by_line(session, scope, year: int, lines: pd.DataFrame) -> dict[int, list[dict]]:
    """Each visible line's explanations: those of its entity for the indicators linked to its
    cluster (the latest period of the current year), as the caller may read them."""
    if lines.empty:
        return {}
    found = latest_explanations(review_reads.explanations(session, scope, year=year - 1))
    links = reads.cluster_indicators(session)
    # In one pass over lists: a groupby and ``itertuples`` over every line cost ~2 ms a hearing.
    linked: dict[str, set[str]] = {}
    for cluster, indicator in zip(links["cluster"].tolist(), links["indicator"].tolist(), strict=True):
        linked.setdefault(cluster, set()).add(indicator)
    by_cluster = {cluster: sorted(indicators) for cluster, indicators in linked.items()}
    out = {}
    for line_id, entity, cluster in zip(*(lines[c].tolist() for c in ("id", "entity", "cluster")), strict=True):
        items = [found[(entity, i)] for i in by_cluster.get(cluster, []) if (entity, i) in found]
        if items:
            out[int(line_id)] = items
    return out


@callback(
    *(Output(cid, prop) for cid, prop, _default in VIEW_OUTPUTS),
    Input("review-year", "value"), Input("review-line-written", "data"), Input("review-header-written", "data"),
    Input("review-ceiling-written", "data"),
    Input("review-filter-programme", "value"), Input("review-filter-entity", "value"),
    Input("review-filter-show", "value"), Input("review-page", "data"),
    State("review-page-shown", "data"), State("review-selected", "data"),
)
@remembered(depends=(FACTS_TO_YEAR, CYCLE, EXPLAINED_YEAR_BEFORE), by_trigger=True)
def show_review(year, _line_written, _header_written, _ceiling_written, programme, entity, show, asked_page,
                shown_page, selected):
    """The hearing of the chosen year as the caller may see it: the header, and a page of the
    lines the filters keep (programme by programme, flagged first)."""
    scope, lang = caller_scope(), caller_language()
    trigger = dash.ctx.triggered_id
    # A filter starts again at the first page; a write keeps the page shown; the pager asks for one.
    if trigger in ("review-filter-programme", "review-filter-entity", "review-filter-show", "review-year"):
        page = 0
    else:
        page = _counter(asked_page if trigger == "review-page" else shown_page)
    chosen = _year(year)
    if chosen is None:
        return _answer({})
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, chosen)
            if sub is None:
                values = {("review-status", "children"): html.P(
                    t("review.none", lang, year=year_text(chosen, lang)), className="muted", id="review-none")}
                values.update(_ceiling_values(session, scope, chosen, _programme_codes(session), lang))
                return _answer(values)
            view = reads.view(session, scope, sub.id)
            names = reads.structure_names(session)
            indicator_names = _indicator_names(session)
            entities = reads.line_entities(scope)
            said = review_reads.comments(session, scope, sub.id)
            waiting = {q["line"] for q in review_reads.open_questions(session, sub.id, entities)}
            explained = _explanations_by_line(session, scope, sub.fiscal_year, view.lines)
            values = _ceiling_values(session, scope, sub.fiscal_year, list(view.totals["programmes"]), lang, names,
                                     view.ceiling)
    except Forbidden:
        return _answer({("review-status", "children"): t("forbidden.body", lang)})
    except SQLAlchemyError:
        return _answer({("review-status", "children"): unavailable(lang)})
    sub = view.submission
    kept = chosen_lines(view.lines, programme=programme, entity=entity, show=show if show in SHOW else "all",
                        waiting=waiting)
    pages = page_count(len(kept))
    page = min(page, pages - 1)
    on_page = kept.iloc[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    counts: dict[int, int] = {}
    for comment in said:
        if comment["line"] is not None:
            counts[comment["line"]] = counts.get(comment["line"], 0) + 1
    is_mef = scope.role == MEF_REVIEWER
    deciding = is_mef and sub.status == SUBMITTED
    whole = scope.provinces is None
    if deciding:
        note = t("review.note_deciding", lang)
    elif sub.status == SUBMITTED:
        note = t("review.note_submitted", lang)
    else:
        note = t("review.note_state", lang, state=state_word(sub.status, lang))
    values.update({
        ("review-totals", "children"): header_bar(sub, view.totals, view.ceiling, endorsed_sums(view.lines), lang,
                                                  whole=whole),
        ("review-downloads", "children"): downloads(sub.id, lang),
        ("review-header", "data"): {"id": sub.id, "year": sub.fiscal_year, "row_version": sub.row_version,
                                    "status": sub.status},
        ("review-actions-panel", "hidden"): not (RETURN in view.actions or ENDORSE in view.actions),
        ("review-endorse", "hidden"): ENDORSE not in view.actions,
        ("review-return", "hidden"): RETURN not in view.actions,
        ("review-agree-unflagged", "hidden"): not deciding,
        ("review-hearing-panel", "hidden"): False,
        ("review-hearing-note", "children"): note,
        ("review-hearing", "children"): programme_sections(
            on_page, view.lines, year=sub.fiscal_year, targets=view.targets, names=names,
            indicator_names=indicator_names, comment_counts=counts, waiting=waiting, explanations_by_line=explained,
            ceiling=view.ceiling, selected=_line_id(selected), lang=lang),
        ("review-filter-programme", "options"): [
            {"label": f"{code} {names.get(code, ('', ''))[1 if lang == 'km' else 0]}".strip(), "value": code}
            for code in sorted(set(view.lines["programme"]))] if not view.lines.empty else [],
        ("review-filter-entity", "options"): [{"label": f"{e} {unit_name(e, lang)}", "value": e}
                                              for e in sorted(set(view.lines["entity"]))]
        if not view.lines.empty else [],
        ("review-page-shown", "data"): page,
        **{(f"review-pager-{w}", "children"): pager_text(page, len(kept), lang) for w in ("top", "bottom")},
        **{(f"review-prev-{w}", "disabled"): page == 0 for w in ("top", "bottom")},
        **{(f"review-next-{w}", "disabled"): page >= pages - 1 for w in ("top", "bottom")},
        # The whole submission's thread speaks of every province: not a director's to read.
        ("review-whole-panel", "hidden"): not whole,
        ("review-whole-thread", "children"): thread([c for c in said if c["line"] is None], lang,
                                                    thread_id="review-whole-comments") if whole else [],
        ("review-whole-compose", "hidden"): scope.role not in (MEF_REVIEWER, BUDGET_UNIT),
        ("review-history-panel", "hidden"): False,
    })
    return _answer(values)


@callback(
    Output("review-history", "children"),
    Input("review-history-summary", "n_clicks"), Input("review-header", "data"),
    State("review-year", "value"),
)
def show_history(clicks, _header, year):
    """The submission's history, newest first, read when its panel is opened and after each
    answer of the hearing (a write, another year) while it is open. Out of the hearing's answer:
    ~400 components that most hearings never open."""
    if _counter(clicks) % 2 == 0:  # closed: nothing to read (opening it asks again)
        return no_update
    scope, lang = caller_scope(), caller_language()
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                return []
            events = review_reads.full_history(session, scope, sub.id)
            # Only the lines a shown decision names need a label (the other events carry their keys).
            decided = sorted({_line_id((e.get("after") or {}).get("line")) for e in events[-HISTORY_SHOWN:]
                              if e["action"] == "review.decision"} - {None})
            keys = review_reads.line_keys(session, scope, sub.id, decided)
    except Forbidden:
        return _notice(t("forbidden.body", lang), "error")
    except SQLAlchemyError:
        return unavailable(lang)
    return history_list(events, {line: line_label(row, lang) for line, row in keys.items()}, lang)


# A new page of lines starts at its top (the pager below the list would leave the reader at the end).
clientside_callback(
    """function(page) {
        var panel = document.getElementById("review-hearing-panel");
        if (panel && typeof page === "number") { panel.scrollIntoView({block: "start"}); }
        return null;
    }""",
    Output("review-scrolled", "data"), Input("review-page", "data"),
    prevent_initial_call=True,
)


@callback(
    Output("review-page", "data"),
    *(Input(f"review-{b}-{w}", "n_clicks") for b in ("prev", "next") for w in ("top", "bottom")),
    State("review-page-shown", "data"),
    prevent_initial_call=True,
)
def turn_page(*args):
    """The page before or after the one shown (the view keeps it within the lines there are)."""
    *_clicks, shown = args
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, str):
        return no_update
    step = -1 if trigger.startswith("review-prev") else 1
    shown = _counter(shown)
    # The page shown comes back from the browser: anything beyond any list starts again.
    return max(0, shown + step) if shown <= reads.MAX_ID else 0


# --- one line: its decision, its thread, its explanations -------------------------------------------------


@callback(
    Output("review-selected", "data"),
    Input({"type": "review-open", "line": ALL}, "n_clicks"),
    Input({"type": "review-open-reason", "line": ALL}, "n_clicks"),
    Input("review-close", "n_clicks"),
    prevent_initial_call=True,
)
def select_line(_opened, _reasons, _closed):
    """The line whose decision and thread are shown (None: closed). Which lines the caller may
    read is the detail's check, not this one's."""
    trigger = dash.ctx.triggered_id
    clicked = dash.ctx.triggered[0].get("value") if dash.ctx.triggered else None
    if not clicked:  # buttons drawn again after a write report no click
        return no_update
    if trigger == "review-close":
        return None
    if isinstance(trigger, dict):
        return _line_id(trigger.get("line"))
    return no_update


DETAIL_OUTPUTS = (
    ("review-detail", "className", "review-detail"), ("review-detail-title", "children", ""),
    ("review-detail-summary", "children", []), ("review-detail-body", "children", []),
    ("review-decision-box", "hidden", True),
    ("review-decision", "value", None), ("review-recommended", "value", ""),
    ("review-line-compose", "hidden", True), ("review-line-state", "data", {}),
    ("review-line-message", "children", []), ("review-comment-message", "children", []),
)


def _detail(values: dict) -> tuple:
    return tuple(values.get((cid, prop), default) for cid, prop, default in DETAIL_OUTPUTS)


def _may_comment(scope, entity: str) -> bool:
    """Whether the page offers the line's thread for writing (the write layer decides again)."""
    if scope.role in (MEF_REVIEWER, BUDGET_UNIT):
        return True
    return scope.role == PROVINCIAL_DIRECTOR and entity[:2] == scope.province


@callback(
    *(Output(cid, prop) for cid, prop, _default in DETAIL_OUTPUTS),
    Input("review-selected", "data"), Input("review-line-written", "data"),
    State("review-year", "value"),
)
def show_line(selected, _written, year):
    """The chosen line's decision, thread and explanations, read with the caller's scope: a line
    the caller may not read answers as if there were none."""
    scope, lang = caller_scope(), caller_language()
    line_id = _line_id(selected)
    hint = {("review-detail-body", "children"): html.P(t("review.choose_line", lang), className="muted",
                                                       id="review-detail-hint")}
    if line_id is None:
        return _detail(hint)
    keep_message = dash.ctx.triggered_id == "review-line-written"
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                return _detail(hint)
            line = reads.line_for_edit(session, scope, sub.id, line_id)
            frame = pd.DataFrame([{"id": line["id"], "request_y1": line["request"][0]}])
            row = review_reads.with_decisions(session, sub.id, frame).to_dict("records")[0]
            said = [c for c in review_reads.comments(session, scope, sub.id) if c["line"] == line_id]
            waiting = any(q["line"] == line_id for q in review_reads.open_questions(session, sub.id, [line["entity"]]))
            links = reads.cluster_indicators(session)
            linked = set(links.loc[links["cluster"] == line["cluster"], "indicator"])
            found = latest_explanations(review_reads.explanations(session, scope, year=sub.fiscal_year - 1,
                                                                  unit=line["entity"]))
            explanations = [e for (unit, indicator), e in sorted(found.items()) if indicator in linked]
            indicator_names = _indicator_names(session)
            status = sub.status
    except Forbidden as refusal:
        _refused(refusal.what)
        return _detail({("review-detail-body", "children"): _notice(t("review.line_not_yours", lang), "error")})
    except reads.NotFound:
        return _detail({("review-detail-body", "children"): _notice(t("review.line_gone", lang), "error")})
    except SQLAlchemyError:
        return _detail({("review-detail-body", "children"): unavailable(lang)})
    row.update({k: line[k] for k in ("entity", "cluster", "economic_code", "funding_source")})
    summary = [decision_summary(row, lang)]
    if waiting:
        summary.append(html.P(t("review.awaiting_answer_long", lang), className="badge waiting-badge",
                              id="review-detail-waiting"))
    body = []
    body.append(html.Div([html.H3(t("submission.col.justification", lang)),
                          html.P(line["justification"] or t("review.no_justification", lang),
                                 className="typed" if line["justification"] else "muted")]))
    if explanations:
        body.append(html.Div([html.H3(t("review.explanations", lang)),
                              explanation_list(explanations, indicator_names, lang)]))
    body.append(html.Div([html.H3(t("review.thread", lang)), thread(said, lang, thread_id="review-line-thread")]))
    decision = row.get("decision") if isinstance(row.get("decision"), str) else None
    version = row.get("decision_version")
    values = {
        ("review-detail", "className"): "review-detail open",
        ("review-detail-title", "children"): line_label(line, lang),
        ("review-detail-summary", "children"): summary,
        ("review-detail-body", "children"): body,
        ("review-decision-box", "hidden"): not (scope.role == MEF_REVIEWER and status == SUBMITTED),
        ("review-decision", "value"): decision,
        ("review-recommended", "value"): amount_text(row.get("recommended"), lang) if decision == ADJUST else "",
        ("review-line-compose", "hidden"): not _may_comment(scope, line["entity"]),
        ("review-line-state", "data"): {"line": line_id, "version": int(version) if version == version
                                        and version is not None else None},
    }
    if keep_message:
        values[("review-line-message", "children")] = no_update
        values[("review-comment-message", "children")] = no_update
    return _detail(values)


@callback(
    Output("review-line-message", "children", allow_duplicate=True),
    Output("review-comment-message", "children", allow_duplicate=True), Output("review-line-written", "data"),
    Output("review-line-text", "value"),
    Input("review-decide", "n_clicks"), Input("review-line-send", "n_clicks"),
    State("review-selected", "data"), State("review-decision", "value"), State("review-recommended", "value"),
    State("review-line-text", "value"), State("review-line-state", "data"), State("review-year", "value"),
    State("review-line-written", "data"),
    prevent_initial_call=True,
)
def write_line(_decide, _send, selected, decision, recommended, text, state, year, written):
    """MEF's decision on the chosen line (``db.review.decide``), or a comment in its thread
    (``db.review.add_comment``): the write checks role, province and state."""
    scope, lang = caller_scope(), caller_language()
    trigger = dash.ctx.triggered_id
    done = _counter(written) + 1

    def answer(message, changed: bool = False, clear: bool = False) -> tuple:
        # Each message goes beside the form it answers: the decision's or the thread's.
        on_comment = trigger == "review-line-send"
        return (no_update if on_comment else message, message if on_comment else no_update,
                done if changed else no_update, "" if clear else no_update)

    line_id = _line_id(selected)
    if line_id is None:
        return answer(_notice(t("review.choose_line", lang), "error"))
    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                return answer(_notice(t("review.line_gone", lang), "error"))
            actor = _actor(scope)
            if trigger == "review-decide":
                if decision not in DECISIONS:
                    return answer(_notice(t("review.decision_missing", lang), "error"))
                item = {"line": line_id, "decision": decision}
                if decision == ADJUST:
                    item["recommended"] = read_amount(recommended, lang)
                version = state.get("version") if isinstance(state, dict) and state.get("line") == line_id else None
                if isinstance(version, int) and not isinstance(version, bool):
                    item["row_version"] = version
                review_writes.decide(session, actor, sub.id, [item])
                return answer(_notice(t(f"review.decided.{decision}", lang), id="review-line-result"), changed=True)
            if trigger == "review-line-send":
                review_writes.add_comment(session, actor, sub.id, line_id, text)
                return answer(_notice(t("review.comment_added", lang), id="review-line-result"), changed=True,
                              clear=True)
    except AmountRefused as refused:
        return answer(_notice(t(refused.key, lang), "error"))
    except writes.Invalid as invalid:
        if trigger == "review-line-send":
            return answer(_comment_refusal(invalid, text, lang))
        if invalid.field == "line":
            return answer(_notice(t("review.not_this_submission", lang), "error"))
        return answer(_notice(t("submission.invalid", lang, detail=str(invalid)), "error"))
    except writes.Stale as stale:
        who = stale.current.get("decided_by", "?") if isinstance(stale.current, dict) else "?"
        return answer(_notice(t("review.stale", lang, who=who), "error"), changed=True)
    except writes.WrongState as wrong:
        return answer(_notice(t("review.wrong_state", lang, state=state_word(wrong.status, lang)), "error"),
                      changed=True)
    except Forbidden as refusal:
        _refused(refusal.what)
        return answer(_notice(t("submission.forbidden", lang), "error"))
    except reads.NotFound:
        return answer(_notice(t("review.line_gone", lang), "error"))
    except SQLAlchemyError:
        return answer(unavailable(lang))
    return no_update, no_update, no_update, no_update


# --- the whole submission: agree to the unflagged, endorse, return, its thread ---------------------------

HEADER_BUTTONS = ("review-agree-unflagged", "review-endorse", "review-return", "review-whole-send")


@callback(
    Output("review-act-message", "children"), Output("review-reasons", "children"),
    Output("review-header-written", "data"), Output("review-act-comment", "value"),
    Output("review-whole-message", "children"), Output("review-whole-text", "value"),
    *(Input(button, "n_clicks") for button in HEADER_BUTTONS),
    State("review-year", "value"), State("review-header", "data"), State("review-act-comment", "value"),
    State("review-whole-text", "value"), State("review-header-written", "data"),
    prevent_initial_call=True,
)
def act_on_submission(*args):
    """Agree to every unflagged line still undecided, endorse, return (with a comment), or a
    comment on the whole submission: each a write that checks role and state itself."""
    *_clicks, year, header, comment, whole_text, written = args
    scope, lang = caller_scope(), caller_language()
    trigger = dash.ctx.triggered_id
    header = header if isinstance(header, dict) else {}
    done = _counter(written) + 1
    nothing = (no_update,) * 6

    def act_answer(message, reasons=None, *, changed=True, clear=False):
        return (message, reasons if reasons is not None else [], done if changed else no_update,
                "" if clear else no_update, no_update, no_update)

    def whole_answer(message, *, changed=False, clear=False):
        return (no_update, no_update, done if changed else no_update, no_update, message,
                "" if clear else no_update)

    try:
        with session_scope(caller_db_url()) as session:
            sub = _find(session, scope, year)
            if sub is None:
                return act_answer(_notice(t("review.line_gone", lang), "error"), changed=False)
            actor = _actor(scope)
            if trigger == "review-whole-send":
                try:
                    review_writes.add_comment(session, actor, sub.id, None, whole_text)
                except writes.Invalid as invalid:
                    return whole_answer(_comment_refusal(invalid, whole_text, lang))
                return whole_answer(_notice(t("review.comment_added", lang)), changed=True, clear=True)
            if trigger == "review-agree-unflagged":
                if not scope.can_review:  # said before the lines are read; the write checks it again
                    raise Forbidden("decisions on a submission")
                lines = reads.view(session, scope, sub.id).lines
                undecided = lines[lines["flags"].map(lambda f: not f) & lines["decision"].isna()] \
                    if not lines.empty else lines
                if undecided.empty:
                    return act_answer(_notice(t("review.none_unflagged", lang)), changed=False)
                review_writes.decide(session, actor, sub.id,
                                     [{"line": int(i), "decision": AGREE} for i in undecided["id"]])
                return act_answer(_notice(t("review.agreed_unflagged", lang,
                                            n=format_number(len(undecided), lang))))
            if trigger in ("review-endorse", "review-return"):
                action = ENDORSE if trigger == "review-endorse" else RETURN
                version = header.get("row_version")
                version = version if isinstance(version, int) and not isinstance(version, bool) else None
                writes.act(session, actor, sub.id, action, comment if isinstance(comment, str) else "", version)
                return act_answer(_notice(t(f"submission.done.{action}", lang, n=format_number(sub.version, lang)),
                                          id="review-act-result"), clear=True)
    except writes.Blocked as blocked:
        codes = [r.get("code") for r in blocked.reasons]
        if codes == ["comment_required"]:
            return act_answer(_notice(t("submission.comment_required", lang), "error"), changed=False)
        return act_answer(_notice(t("review.endorse_waits", lang, n=format_number(len(blocked.reasons), lang)),
                                  "error"), waiting_list(blocked.reasons, lang), changed=False)
    except writes.Stale as stale:
        who = stale.current.get("updated_by", "?") if isinstance(stale.current, dict) else "?"
        return act_answer(_notice(t("submission.stale_header", lang, who=who), "error"))
    except writes.WrongState as wrong:
        message = _notice(t("review.wrong_state", lang, state=state_word(wrong.status, lang)), "error")
        return whole_answer(message) if trigger == "review-whole-send" else act_answer(message)
    except Forbidden as refusal:
        _refused(refusal.what)
        message = _notice(t("submission.forbidden", lang), "error")
        return whole_answer(message) if trigger == "review-whole-send" else act_answer(message, changed=False)
    except writes.Invalid as invalid:
        return act_answer(_notice(t("submission.invalid", lang, detail=str(invalid)), "error"), changed=False)
    except reads.NotFound:
        return act_answer(_notice(t("review.line_gone", lang), "error"), changed=False)
    except SQLAlchemyError:
        return act_answer(unavailable(lang), changed=False)
    return nothing


# --- MEF's ceiling -------------------------------------------------------------------------------------


@callback(
    Output("review-ceiling-message", "children"), Output("review-ceiling-written", "data"),
    Input("review-ceiling-save", "n_clicks"),
    State("review-year", "value"), State("review-ceiling-total", "value"),
    State({"type": "review-ceiling-programme", "code": ALL}, "value"),
    State({"type": "review-ceiling-programme", "code": ALL}, "id"),
    State("review-ceiling-written", "data"),
    prevent_initial_call=True,
)
def save_ceiling(_clicks, year, total, values, ids, written):
    """MEF's ceiling of the chosen year: the total and, where filled, each programme's
    (``db.submissions.set_ceiling``, which checks the role)."""
    scope, lang = caller_scope(), caller_language()
    chosen = _year(year)
    if chosen is None:
        return _notice(t("review.line_gone", lang), "error"), no_update
    programmes: dict[str, int] = {}
    values = values if isinstance(values, list) else []
    ids = ids if isinstance(ids, list) else []
    try:
        amount = read_amount(total, lang)
    except AmountRefused as refused:
        return _notice(t("review.ceiling_total_refused", lang, why=t(refused.key, lang)), "error"), no_update
    for ident, value in zip(ids, values, strict=False):
        code = ident.get("code") if isinstance(ident, dict) else None
        if not isinstance(code, str) or value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            programmes[code] = read_amount(value, lang)
        except AmountRefused as refused:
            return _notice(t("review.ceiling_programme_refused", lang, programme=code[:32],
                             why=t(refused.key, lang)), "error"), no_update
    try:
        with session_scope(caller_db_url()) as session:
            writes.set_ceiling(session, _actor(scope), chosen, amount, programmes)
    except Forbidden as refusal:
        _refused(refusal.what)
        return _notice(t("submission.forbidden", lang), "error"), no_update
    except writes.Invalid as invalid:
        return _notice(t("submission.invalid", lang, detail=str(invalid)), "error"), no_update
    except SQLAlchemyError:
        return unavailable(lang), no_update
    return _notice(t("review.ceiling_saved", lang, year=year_text(chosen, lang)), id="review-ceiling-result"), \
        _counter(written) + 1
