"""Page frames: a titled page, the "not permitted" page, and the role check every page makes."""

from __future__ import annotations

from collections.abc import Callable

from dash import dcc, html

from auth.web import audit_refusal, current_language, current_scope
from components.answers import forget_this_answer
from domain.access import Forbidden, Scope
from i18n import t


def page_frame(title: str, *children, page_id: str) -> html.Div:
    """A page with its heading; ``page_id`` names the page for tests and styles."""
    return html.Div([html.H1(title, className="page-title"), *children], id=page_id,
                    className="page")


def not_permitted(lang: str) -> html.Div:
    """What a user sees on a page or province outside his or her scope."""
    return html.Div(
        [
            html.H1(t("forbidden.title", lang), className="page-title"),
            html.P(t("forbidden.body", lang)),
            dcc.Link(t("notfound.home", lang), href="/"),
        ],
        id="page-forbidden",
        className="page page-message",
    )


def guarded(page: str, build: Callable[[Scope, str], html.Div]) -> html.Div:
    """Build ``page`` for the signed-in user, or the "not permitted" page (audited).

    The check runs on the server, inside the routing callback, so a hand-made request for a
    page's layout is refused the same way as a click.
    """
    lang = current_language()
    try:
        scope = current_scope()
        if not scope.can_open(page):
            raise Forbidden(f"page {page}")
        return build(scope, lang)
    except Forbidden as refusal:
        audit_refusal(refusal.what)
        return not_permitted(lang)


def unavailable(lang: str) -> html.Div:
    """What a page shows when the database cannot answer: a message, never a traceback. A
    callback's answer that holds it is not remembered (components/answers.py)."""
    forget_this_answer()
    return html.Div(t("error.unavailable", lang), className="error", role="alert")
