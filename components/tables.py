"""Plain HTML tables for short lists (a handful of indicators, a province's units): one helper, so
that every such table has the same markup, header scope and number alignment."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html


def html_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, table_id: str,
               numeric: frozenset[int] = frozenset(), row_ids: Sequence[str] | None = None) -> html.Table:
    """A ``table`` of ``headers`` and ``rows`` (each cell text or a component); the columns whose
    positions are in ``numeric`` are right-aligned numbers; ``row_ids`` names each row."""
    body = [html.Tr([html.Td(cell, className="num") if i in numeric else html.Td(cell) for i, cell in enumerate(row)],
                    **({"id": row_ids[n]} if row_ids is not None else {}))
            for n, row in enumerate(rows)]
    return html.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])), html.Tbody(body)],
                      className="table", id=table_id)
