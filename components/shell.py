"""The app shell: header with navigation, the inbox, the user's name, role and province, language switch."""

from __future__ import annotations

import dash
from dash import dcc, html
from flask import has_request_context
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from auth.web import current_language
from components.errors import ALERT_ID
from components.inbox import inbox_slot
from domain.access import NAV_ORDER, PROVINCIAL_DIRECTOR, Scope
from i18n import LANGUAGES, t


def _nav_links(scope: Scope, lang: str) -> list:
    registered = {page["name"]: page for page in dash.page_registry.values()}
    links = []
    for key in NAV_ORDER:
        if key not in registered or not scope.can_open(key):
            continue
        if key == "scorecard":
            # Only a director has one scorecard of his or her own; others open one from a map.
            if scope.role != PROVINCIAL_DIRECTOR:
                continue
            href = f"/scorecard/{scope.province}"
        else:
            href = registered[key]["path"]
        links.append(dcc.Link(t(f"nav.{key}", lang), href=href, className="nav-link",
                              id=f"nav-{key}"))
    return links


def _language_links(lang: str) -> html.Div:
    items = []
    for code in LANGUAGES:
        label = t(f"lang.{code}", lang)
        if code == lang:
            items.append(html.Strong(label, className="lang-current"))
        else:
            # assets/pib.js fills "next" with the current page on submit, so the switch keeps
            # the page; the server falls back on the Referer.
            items.append(_post_form(f"/lang/{code}", html.Button(
                label, type="submit", className="lang-link", lang=code, id=f"lang-{code}"),
                dcc.Input(type="hidden", name="next", value="", className="next-field")))
    return html.Div(items, className="lang-switch")


def _post_form(action: str, button, *fields) -> html.Form:
    """A one-button form that POSTs with the CSRF token: a change is never made by a GET."""
    return html.Form(
        [dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()), *fields, button],
        action=action, method="post", className="inline-form",
    )


def _province_name(code: str | None, lang: str) -> str:
    if not code:
        return ""
    from db.queries.units import unit_name

    return unit_name(code, lang)


def serve_shell() -> html.Div:
    """The layout of every page: built per request for the signed-in user (no figures in it)."""
    if not has_request_context() or not current_user.is_authenticated:
        return html.Div([dcc.Location(id="shell-location"), dash.page_container], id="shell")
    lang = current_language()
    scope = Scope.for_user(current_user)
    who = [html.Span(current_user.full_name, className="user-name", id="user-name"),
           html.Span(t(f"role.{scope.role}", lang), className="user-role", id="user-role")]
    if scope.province:
        who.append(html.Span(_province_name(scope.province, lang), className="user-province",
                             id="user-province"))
    header = html.Header(
        [
            html.Div(
                [
                    dcc.Link(t("app.title", lang), href="/", className="brand"),
                    html.Span(t("app.subtitle", lang), className="brand-sub"),
                ],
                className="brand-block",
            ),
            html.Details(
                [
                    html.Summary(t("nav.menu", lang), className="nav-toggle"),
                    html.Nav(_nav_links(scope, lang), className="nav", id="nav",
                             **{"aria-label": t("nav.menu", lang)}),
                ],
                className="nav-details",
                open=True,
            ),
            html.Div(
                [
                    inbox_slot(),
                    html.Div(who, className="who"),
                    _language_links(lang),
                    _post_form("/logout", html.Button(t("nav.sign_out", lang), type="submit",
                                                      className="sign-out", id="sign-out")),
                ],
                className="header-tools",
            ),
        ],
        className="app-header",
    )
    return html.Div(
        [header, html.Div(id=ALERT_ID, role="alert", className="shell-alert"),
         html.Main(dash.page_container, className="app-main")],
        id="shell",
        className=f"lang-{lang}",
        lang=lang,
    )
