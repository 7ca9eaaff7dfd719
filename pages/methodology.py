"""Methodology: every formula and threshold in words, from the text kept beside the code."""

import dash
from dash import html

from components.page import guarded, page_frame
from i18n import t

dash.register_page(__name__, path="/methodology", name="methodology", title="Methodology")


def layout(**_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(t("nav.methodology", lang), page_id="page-methodology")

    return guarded("methodology", build)
