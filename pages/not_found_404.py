"""The page shown for an address that no page has."""

import dash
from dash import dcc, html

from auth.web import current_language
from i18n import t

dash.register_page(__name__, path="/404", name="not_found")


def layout(**_query: str) -> html.Div:
    lang = current_language()
    return html.Div(
        [
            html.H1(t("notfound.title", lang), className="page-title"),
            html.P(t("notfound.body", lang)),
            dcc.Link(t("notfound.home", lang), href="/"),
        ],
        id="page-not-found",
        className="page page-message",
    )
