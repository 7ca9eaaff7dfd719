"""Province scorecard ``/scorecard/<code>`` (DESIGN section 7): the frame and its access check."""

import dash
from dash import html

from auth.policy import Forbidden
from components.page import guarded, page_frame
from db.queries.units import unit_name
from i18n import t

dash.register_page(__name__, path_template="/scorecard/<code>", name="scorecard",
                   title="Scorecard")


def layout(code: str = "", **_query: str) -> html.Div:
    def build(scope, lang: str) -> html.Div:
        if len(code) != 2 or not code.isdigit() or not "01" <= code <= "25":
            raise Forbidden(f"province {code!r}")
        scope.require_province(code)
        return page_frame(f"{t('nav.scorecard', lang)}: {unit_name(code, lang)}",
                          page_id="page-scorecard")

    return guarded("scorecard", build)
