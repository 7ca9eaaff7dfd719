"""Methodology: every formula and threshold in words, from the text kept beside the code."""

import dash
from dash import html

from components.page import guarded, page_frame
from i18n import t
from indicators.methodology import ENTRIES

dash.register_page(__name__, path="/methodology", name="methodology", title="Methodology")


def layout(**_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        entries = [
            html.Section([html.H2(entry.title(lang)), html.P(entry.body(lang)),
                          html.P(html.Code(entry.formula, className="formula"))],
                         className="methodology-entry", id=f"method-{entry.key}")
            for entry in ENTRIES
        ]
        return page_frame(t("nav.methodology", lang), *entries, page_id="page-methodology")

    return guarded("methodology", build)
