"""What a director reads where a national figure is withheld, and why."""

from __future__ import annotations

from components.filters import period_label
from db.queries.common import NationalWithheld
from i18n import t


def withheld_message(withheld: NationalWithheld, lang: str) -> str:
    """The reason a national figure is not shown yet, and the newest period that shows it."""
    if withheld.latest_complete is None:
        return t("national.withheld_none", lang, year=period_label(str(withheld.year), lang))
    return t("national.withheld", lang, period=period_label(withheld.period or str(withheld.year), lang),
             latest=period_label(withheld.latest_complete, lang))
