"""components/tables.html_table writes the JSON Dash's html components would send."""

from __future__ import annotations

from dash import html

from components.encoding import to_json
from components.tables import html_table


def _as_dash_builds_it(headers, rows, *, table_id, numeric=frozenset(), row_ids=None) -> html.Table:
    # The helper as it was, with Dash's components: what the renderer received before.
    body = [html.Tr([html.Td(cell, className="num") if i in numeric else html.Td(cell) for i, cell in enumerate(row)],
                    **({"id": row_ids[n]} if row_ids is not None else {}))
            for n, row in enumerate(rows)]
    return html.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])), html.Tbody(body)],
                      className="table", id=table_id)


def _same(a: object, b: object) -> bool:
    import json

    return json.loads(to_json(a)) == json.loads(to_json(b))


def test_a_table_of_text_and_components_is_the_json_of_dashs_table():
    headers = ["Indicator", "Target", "Status"]
    rows = [["Households reached", "1,200", html.Span("On track", className="badge badge-on_track")],
            ["Caseload", "900", [html.Span("↑"), html.Span("▁▃▅", className="spark")]]]
    for options in ({}, {"numeric": frozenset({1})}, {"row_ids": ["row-1", "row-2"]}):
        assert _same(html_table(headers, rows, table_id="t", **options),
                     _as_dash_builds_it(headers, rows, table_id="t", **options))


def test_an_empty_table_keeps_its_header():
    assert _same(html_table(["A", "B"], [], table_id="empty"), _as_dash_builds_it(["A", "B"], [], table_id="empty"))


def test_every_element_is_an_html_component_dash_accepts_with_these_props():
    table = html_table(["A"], [["x"]], table_id="t", numeric=frozenset({0}), row_ids=["r"])
    stack = [table]
    while stack:
        element = stack.pop()
        if isinstance(element, list):
            stack.extend(element)
            continue
        if not isinstance(element, dict):
            continue
        assert element["namespace"] == "dash_html_components"
        props = {k: v for k, v in element["props"].items() if k != "children"}
        getattr(html, element["type"])(**props)  # an unknown tag or prop raises
        stack.append(element["props"]["children"])
