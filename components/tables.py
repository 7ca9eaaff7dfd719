"""Plain HTML tables for short lists (a handful of indicators, a province's units): one helper, so
that every such table has the same markup, header scope and number alignment."""

from __future__ import annotations

from collections.abc import Sequence

_HTML = "dash_html_components"


def _el(tag: str, children: object, **props: object) -> dict:
    """``html.<tag>(children, **props)`` as the JSON Dash sends it, without building the component
    (as ``components.review._el``): a table's rows and cells are most of its elements, and building
    Dash components (their checks) then turning them back into JSON cost a scorecard more than its
    cached reads. ``tests/unit/test_tables.py`` checks the JSON is Dash's own."""
    return {"props": {"children": children, **props}, "type": tag, "namespace": _HTML}


def html_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, table_id: str,
               numeric: frozenset[int] = frozenset(), row_ids: Sequence[str] | None = None) -> dict:
    """A ``table`` of ``headers`` and ``rows`` (each cell text or a component); the columns whose
    positions are in ``numeric`` are right-aligned numbers; ``row_ids`` names each row. Returned as
    the JSON of Dash's ``html.Table`` (a callback or a layout sends it as it is)."""
    body = [_el("Tr", [_el("Td", cell, className="num") if i in numeric else _el("Td", cell)
                       for i, cell in enumerate(row)], **({"id": row_ids[n]} if row_ids is not None else {}))
            for n, row in enumerate(rows)]
    head = _el("Thead", _el("Tr", [_el("Th", h, scope="col") for h in headers]))
    return _el("Table", [head, _el("Tbody", body)], className="table", id=table_id)
