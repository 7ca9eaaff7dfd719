"""The sources of a figure (lineage) as a list a person can read: file, sheet, rows, batch."""

from __future__ import annotations

from dash import html

from i18n import t

ROWS_SHOWN = 30


def sources_list(sources: list, lang: str, *, what: str, list_id: str) -> list:
    """A heading and one line per batch and sheet a figure was summed from."""
    items = [
        html.Li(t("scorecard.source_line", lang, file=s.file_name, sheet=s.sheet, count=s.row_count,
                  rows=", ".join(map(str, s.rows[:ROWS_SHOWN])) + (" …" if s.row_count > ROWS_SHOWN else ""),
                  batch=s.batch_id, when=s.loaded_at, who=s.loaded_by))
        for s in sources
    ]
    return [html.H2(t("scorecard.sources_of", lang, indicator=what)),
            html.Ul(items or [html.Li(t("overview.empty", lang))], id=list_id)]
