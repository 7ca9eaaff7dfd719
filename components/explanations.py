"""Explanations of deviations: for each indicator on ``watch`` or ``off_track`` at a period, the
reason and the corrective action (the province's director; the budget unit for ``00``) and MEF's
oversight comment, shown as plain text with a small form per deviation for whoever may write.

The scorecard (a province) and the programmes page (national) show the same panel. Each form
saves through ``db.review.explain``, which checks role, province and the deviation inside the
write and refuses a stale edit; what the browser sends (the deviation's key, the version it
read, the text) is only what the person asks for. The cards' ids carry the key as
``period/unit/indicator`` so that one pair of callbacks serves every card on either page.
"""

from __future__ import annotations

import re

import pandas as pd
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update
from flask import has_request_context
from sqlalchemy.exc import SQLAlchemyError

from auth.web import audit_refusal, client_address
from components.context import caller_db_url, caller_language, caller_scope
from components.filters import period_label
from components.format import format_moment, format_number, format_percent
from components.page import unavailable
from components.status import status_badge
from db import review as writes
from db.engine import session_scope
from db.queries import review as reads
from db.submissions import MAX_TEXT, Actor, Invalid, Stale
from domain.access import Forbidden, Scope
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER, NATIONAL, PROVINCIAL_DIRECTOR
from i18n import t

DEVIATIONS = reads.DEVIATIONS
# A deviation's key in the cards' ids: period, unit, indicator (the codes the write checks again).
ITEM = re.compile(r"^([0-9]{4}(?:-[0-9A-Z]{2})?)/([0-9]{2})/([A-Za-z0-9_.-]{1,32})$")
# The writes' own check is MAX_TEXT; this one answers in the person's language first.
_STORABLE_CONTROLS = "\n\r\t"


def item_key(period: str, unit: str, indicator: str) -> str:
    """The key of one deviation in the cards' ids."""
    return f"{period}/{unit}/{indicator}"


def writes_reason(scope: Scope, unit: str) -> bool:
    """Whether ``scope`` writes the reason and action of ``unit``'s deviations (the form is
    shown to it; ``db.review.explain`` decides again on every save)."""
    if unit == NATIONAL:
        return scope.role == BUDGET_UNIT
    return scope.role == PROVINCIAL_DIRECTOR and scope.province == unit


def writes_oversight(scope: Scope) -> bool:
    """Whether ``scope`` writes MEF's oversight comment."""
    return scope.role == MEF_REVIEWER


def deviation_items(rows: pd.DataFrame, explanations: list[dict]) -> list[dict]:
    """The deviations of ``rows`` (one unit's indicators with ``status`` and ``achievement``), each
    with its explanation or None; then any explanation whose indicator is no longer a deviation
    with the figures loaded now (kept visible: it was written, and MEF may have commented)."""
    by_indicator = {e["indicator"]: e for e in explanations}
    items = []
    for row in rows.to_dict(orient="records"):
        if row.get("status") in DEVIATIONS:
            items.append({**_names(row), "status": row["status"], "achievement": row.get("achievement"),
                          "deviating": True, "explanation": by_indicator.pop(row["indicator"], None)})
    names = {r["indicator"]: _names(r) for r in rows.to_dict(orient="records")}
    for indicator, explanation in by_indicator.items():
        named = names.get(indicator, {"indicator": indicator, "name_en": indicator, "name_km": indicator})
        items.append({**named, "status": explanation["status"], "achievement": None, "deviating": False,
                      "explanation": explanation})
    return items


def _names(row: dict) -> dict:
    return {"indicator": row["indicator"], "name_en": row.get("name_en") or row["indicator"],
            "name_km": row.get("name_km") or row.get("name_en") or row["indicator"]}


def panel(prefix: str, lang: str, *, national: bool = False) -> html.Section:
    """The panel's frame; ``{prefix}-explanations`` is filled by the page's callback."""
    return html.Section([
        html.H2(t("explain.title_national" if national else "explain.title", lang)),
        html.Div(id=f"{prefix}-explanations", className="explanations", role="region",
                 **{"aria-label": t("explain.title_national" if national else "explain.title", lang)}),
    ], className="panel explanations-panel", id=f"{prefix}-explanations-panel")


def panel_body(items: list[dict], *, scope: Scope, unit: str, period: str, lang: str) -> list:
    """The hint and one card per deviation, with the form of whoever may write."""
    national = unit == NATIONAL
    shown = period_label(period, lang)
    if not items:
        return [html.P(t("explain.none", lang, period=shown), className="muted", id=f"explanations-none-{unit}")]
    hint = html.P(t("explain.hint_national" if national else "explain.hint", lang, period=shown),
                  className="muted")
    return [hint, *(card(item, scope=scope, unit=unit, period=period, lang=lang) for item in items)]


def card(item: dict, *, scope: Scope, unit: str, period: str, lang: str) -> html.Article:
    """One deviation: what it is, its explanation (or "explanation due"), MEF's comment, and the
    form of the director (or budget unit) or of MEF."""
    key = item_key(period, unit, item["indicator"])
    explanation = item["explanation"]
    version = explanation["row_version"] if explanation else 0
    name = item["name_km"] if lang == "km" else item["name_en"]
    heading = [html.H3(name, className="explain-name"), status_badge(item["status"], lang)]
    if item["achievement"] is not None and item["achievement"] == item["achievement"]:
        heading.append(html.Span(t("explain.achievement", lang, value=format_percent(item["achievement"], lang)),
                                 className="muted explain-achievement"))
    form: list = []
    view_id: dict | None = None
    if item["deviating"] and writes_reason(scope, unit):
        view_id = {"type": "explain-view", "item": key}
        form = [_reason_form(key, explanation, version, lang)]
    elif item["deviating"] and writes_oversight(scope):
        view_id = {"type": "oversight-view", "item": key}
        form = [_oversight_form(key, explanation, version, lang)]
    view = view_children(explanation, item["deviating"], lang)
    return html.Article([
        html.Div(heading, className="explain-heading"),
        html.Div(view, className="explain-view", **({"id": view_id} if view_id else {})),
        *form,
    ], className="explain-card", id=f"explain-card-{unit}-{item['indicator']}")


def view_children(explanation: dict | None, deviating: bool, lang: str) -> list:
    """What is written of one deviation, as text (never markup): reason, action, who and when,
    MEF's comment; or the "explanation due" badge."""
    out: list = []
    if explanation and explanation["reason"]:
        out += [
            html.Div([html.Span(t("explain.reason", lang), className="explain-label"),
                      html.P(explanation["reason"], className="explain-text explain-reason")]),
            html.Div([html.Span(t("explain.action", lang), className="explain-label"),
                      html.P(explanation["action"], className="explain-text explain-action")]),
            html.P(t("explain.written", lang, who=explanation["written_by"],
                     when=format_moment(explanation["written_at"], lang)), className="muted explain-who"),
        ]
    elif deviating:
        out.append(html.P(html.Span(t("explain.due", lang), className="badge badge-due"), className="explain-due"))
    if not deviating:
        out.append(html.P(t("explain.no_longer", lang), className="muted"))
    if explanation and explanation["oversight"]:
        out.append(html.Div([
            html.Span(t("explain.oversight", lang), className="explain-label"),
            html.P(explanation["oversight"], className="explain-text explain-oversight"),
            html.P(t("explain.written", lang, who=explanation["oversight_by"],
                     when=format_moment(explanation["oversight_at"], lang)), className="muted explain-who"),
        ], className="explain-oversight-box"))
    return out


def _text_box(kind: str, key: str, label: str, value: str) -> html.Label:
    return html.Label([label, dcc.Textarea(id={"type": kind, "item": key}, value=value, maxLength=MAX_TEXT,
                                           className="textarea explain-textarea")], className="explain-field")


def _reason_form(key: str, explanation: dict | None, version: int, lang: str) -> html.Details:
    written = bool(explanation and explanation["reason"])
    return html.Details([
        html.Summary(t("explain.edit" if written else "explain.write", lang),
                     id={"type": "explain-summary", "item": key}),
        _text_box("explain-reason", key, t("explain.reason", lang), explanation["reason"] if explanation else ""),
        _text_box("explain-action", key, t("explain.action", lang), explanation["action"] if explanation else ""),
        html.P(t("explain.limit", lang, max=format_number(MAX_TEXT, lang)), className="muted explain-limit"),
        html.Div(html.Button(t("explain.save", lang), id={"type": "explain-save", "item": key}, className="button",
                             n_clicks=0), className="button-row"),
        dcc.Store(id={"type": "explain-version", "item": key}, data=version),
        html.Div(id={"type": "explain-message", "item": key}, role="status", **{"aria-live": "polite"}),
    ], open=False, className="explain-form")


def _oversight_form(key: str, explanation: dict | None, version: int, lang: str) -> html.Details:
    written = bool(explanation and explanation["oversight"])
    return html.Details([
        html.Summary(t("explain.edit_oversight" if written else "explain.write_oversight", lang),
                     id={"type": "oversight-summary", "item": key}),
        _text_box("oversight-text", key, t("explain.oversight", lang),
                  explanation["oversight"] if explanation else ""),
        html.P(t("explain.limit", lang, max=format_number(MAX_TEXT, lang)), className="muted explain-limit"),
        html.Div(html.Button(t("explain.save", lang), id={"type": "oversight-save", "item": key},
                             className="button", n_clicks=0), className="button-row"),
        dcc.Store(id={"type": "oversight-version", "item": key}, data=version),
        html.Div(id={"type": "oversight-message", "item": key}, role="status", **{"aria-live": "polite"}),
    ], open=False, className="explain-form")


# --- saving --------------------------------------------------------------------------------------------


def text_problem(value: object, what: str, lang: str) -> str | None:
    """Why ``value`` cannot be saved as the ``what`` (a key of ``explain.what.*``), in ``lang``;
    None when it can. The write checks the same again; this answers in the person's language."""
    label = t(f"explain.what.{what}", lang)
    if not isinstance(value, str) or not value.strip():
        return t("explain.empty", lang, what=label)
    if len(value) > MAX_TEXT:
        return t("explain.too_long", lang, what=label, n=format_number(len(value), lang),
                 max=format_number(MAX_TEXT, lang))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return t("explain.unreadable", lang, what=label)
    if any(ord(c) < 32 and c not in _STORABLE_CONTROLS for c in value):
        return t("explain.unreadable", lang, what=label)
    return None


def _notice(text: str, kind: str) -> html.Div:
    return html.Div(text, className=kind)


def _body(key: object, version: object) -> dict | None:
    """The write's body for a card's key, or None for a key no card has (a crafted request)."""
    match = ITEM.match(key) if isinstance(key, str) else None
    if match is None:
        return None
    period, unit, indicator = match.groups()
    body = {"year": int(period[:4]), "period": period, "unit": unit, "indicator": indicator}
    if isinstance(version, int) and not isinstance(version, bool) and version >= 0:
        body["row_version"] = version
    return body


def _last_writer(current: dict) -> str:
    """Who changed the explanation last: its author or MEF, whichever wrote later."""
    written = (current.get("written_at") or "", current.get("written_by") or "")
    overseen = (current.get("oversight_at") or "", current.get("oversight_by") or "")
    return max(written, overseen)[1] or "?"


def save(body: dict, lang: str) -> tuple[html.Div, dict | None]:
    """Write ``body`` through ``db.review.explain`` as the caller: (message, the explanation as
    stored now, or None when nothing is to be shown again)."""
    scope = caller_scope()
    try:
        with session_scope(caller_db_url()) as session:
            found = writes.explain(session, Actor(scope=scope, address=client_address() if has_request_context()
                                                  else ""), body)
            stored = reads.explanation_dict(found)
    except Forbidden as refusal:
        if has_request_context():
            audit_refusal(refusal.what)
        return _notice(t("explain.forbidden", lang), "error"), None
    except Stale as stale:
        current = stale.current if isinstance(stale.current, dict) else {}
        return _notice(t("explain.stale", lang, who=_last_writer(current)), "error stale"), current or None
    except Invalid as invalid:
        if "no deviation" in str(invalid):
            return _notice(t("explain.not_deviation", lang, period=period_label(body["period"], lang)), "error"), None
        if invalid.field in ("reason", "action", "oversight"):
            return _notice(t("explain.empty", lang, what=t(f"explain.what.{invalid.field}", lang)), "error"), None
        return _notice(t("explain.invalid", lang, detail=str(invalid)), "error"), None
    except SQLAlchemyError:
        return unavailable(lang), None
    return _notice(t("explain.saved", lang), "notice"), stored


def _save_from_card(button: object, version: object, texts: dict[str, object], shown: str,
                    summaries: tuple[str, str]) -> tuple:
    """A card's save: checks the typed ``texts``, writes them, and gives (message, view, version,
    the summary's words: ``summaries[0]`` once ``shown`` is written, ``summaries[1]`` before)."""
    lang = caller_language()
    body = _body(button.get("item") if isinstance(button, dict) else None, version)
    if body is None:
        return _notice(t("explain.forbidden", lang), "error"), no_update, no_update, no_update
    problem = next((p for field, text in texts.items() if (p := text_problem(text, field, lang))), None)
    if problem:
        return _notice(problem, "error"), no_update, no_update, no_update
    message, stored = save({**body, **texts}, lang)
    if stored is None:
        return message, no_update, no_update, no_update
    summary = t(summaries[0] if stored[shown] else summaries[1], lang)
    return message, view_children(stored, True, lang), stored["row_version"], summary


@callback(
    Output({"type": "explain-message", "item": MATCH}, "children"),
    Output({"type": "explain-view", "item": MATCH}, "children"),
    Output({"type": "explain-version", "item": MATCH}, "data"),
    Output({"type": "explain-summary", "item": MATCH}, "children"),
    Input({"type": "explain-save", "item": MATCH}, "n_clicks"),
    State({"type": "explain-reason", "item": MATCH}, "value"),
    State({"type": "explain-action", "item": MATCH}, "value"),
    State({"type": "explain-version", "item": MATCH}, "data"),
    State({"type": "explain-save", "item": MATCH}, "id"),
    prevent_initial_call=True,
)
def save_explanation(clicks, reason, action, version, button):
    """The director (the budget unit for ``00``) saves the reason and corrective action."""
    if not clicks:
        return no_update, no_update, no_update, no_update
    return _save_from_card(button, version, {"reason": reason, "action": action}, "reason",
                           ("explain.edit", "explain.write"))


@callback(
    Output({"type": "oversight-message", "item": MATCH}, "children"),
    Output({"type": "oversight-view", "item": MATCH}, "children"),
    Output({"type": "oversight-version", "item": MATCH}, "data"),
    Output({"type": "oversight-summary", "item": MATCH}, "children"),
    Input({"type": "oversight-save", "item": MATCH}, "n_clicks"),
    State({"type": "oversight-text", "item": MATCH}, "value"),
    State({"type": "oversight-version", "item": MATCH}, "data"),
    State({"type": "oversight-save", "item": MATCH}, "id"),
    prevent_initial_call=True,
)
def save_oversight(clicks, text, version, button):
    """MEF saves its oversight comment on a deviation."""
    if not clicks:
        return no_update, no_update, no_update, no_update
    return _save_from_card(button, version, {"oversight": text}, "oversight",
                           ("explain.edit_oversight", "explain.write_oversight"))


def read_items(session, scope: Scope, rows: pd.DataFrame, *, year: int, period: str, unit: str) -> list[dict]:
    """The deviations of ``rows`` with the explanations ``scope`` may read (``Forbidden`` else)."""
    return deviation_items(rows, reads.explanations(session, scope, year=year, period=period, unit=unit))
