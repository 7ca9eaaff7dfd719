"""National overview (DESIGN section 7). The frame only; figures arrive through callbacks."""

import dash
from dash import html

from components.page import guarded, page_frame
from i18n import t

dash.register_page(__name__, path="/", name="overview", title="PIB Dashboard")


def layout(**_query: str) -> html.Div:
    def build(_scope, lang: str) -> html.Div:
        return page_frame(
            t("overview.title", lang),
            html.P(t("overview.empty", lang), className="muted", id="overview-empty"),
            page_id="page-overview",
        )

    return guarded("overview", build)
