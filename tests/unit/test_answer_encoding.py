"""components/encoding.py: Dash's answers encoded in one pass give plotly's text, byte for byte."""

from __future__ import annotations

import datetime
import decimal

import dash_ag_grid as dag
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import dcc, html
from plotly.io.json import to_json_plotly

from components import encoding


def _answers() -> dict[str, object]:
    """Answers of the shapes the pages send, and the values plotly converts one by one."""
    figure = go.Figure(go.Bar(x=np.array(["07", "12", "15"]), y=np.array([0.91, np.nan, 1.2])))
    figure.add_scatter(x=pd.Series(pd.to_datetime(["2025-03-31", "2025-06-30"])), y=pd.Series([1, 2]))
    strided = np.arange(12, dtype="int64").reshape(3, 4)[:, 1]  # not contiguous: orjson refuses it as is
    return {
        "components": {"pages-content": {"children": html.Div(
            [html.H2("Kampot</script>"), html.P(["line\u2028two", html.Span("a/b", className="badge")]),
             dcc.Graph(id="chart", figure=figure, config={"displayModeBar": False})],
            id={"type": "card", "index": 3}, style={"width": "50%"})}},
        "grid": {"grid": {"rowData": [{"entity": "07", "request": 1.5e9, "flags": ["cost_gap"]}],
                          "columnDefs": dag.AgGrid(id="g", columnDefs=[{"field": "entity"}]).columnDefs}},
        "plain": {"out": {"children": {"n": 1, "nan": float("nan"), "keys": {1: "one", None: "none"},
                                       "tuple": (1, "two")}}},
        "numpy and pandas": {"out": {"data": [np.int64(7), np.float32(0.5), np.bool_(True), strided,
                                              np.array(["2025-01", "2025-02"], dtype="datetime64[M]"),
                                              np.array([1, "a", None], dtype=object), pd.Series([1.5, None]),
                                              pd.Timestamp("2025-06-30 12:00"), pd.NaT, pd.NA]}},
        "numpy beside a component": {"out": {"children": html.Div("x"),
                                              "data": [np.float64(0.1), np.float32(0.1), np.int8(3),
                                                       np.array(["2025-01-31"], dtype="datetime64[D]"),
                                                       np.array([0.1, 0.2], dtype="float32")]}},
        # plain data only: plotly's first attempt is its answer, numpy encoded by orjson itself
        "numpy alone": {"out": {"data": [np.array(["2025-01-31"], dtype="datetime64[D]"), np.float32(0.1)]}},
        "dates and decimals": {"out": {"data": [datetime.date(2025, 6, 30), datetime.datetime(2025, 6, 30, 8, 5),
                                                decimal.Decimal("12.50")]}},
    }


@pytest.mark.parametrize("name", list(_answers()))
def test_the_text_is_plotlys(name: str) -> None:
    answer = _answers()[name]
    assert encoding.to_json(answer) == to_json_plotly(answer)


def test_html_in_text_cannot_close_the_script_it_is_sent_in() -> None:
    text = encoding.to_json({"x": html.Div("</script><script>alert(1)</script>\u2028")})
    assert "</script>" not in text and "<" not in text and "\u2028" not in text
    assert "\\u003c\\u002fscript\\u003e" in text


def test_what_cannot_be_encoded_is_refused_as_plotly_refuses_it() -> None:
    class Opaque:
        pass

    with pytest.raises(TypeError):
        to_json_plotly({"x": Opaque()})
    with pytest.raises(TypeError):
        encoding.to_json({"x": html.Div(Opaque())})


def test_dash_sends_its_answers_and_layouts_through_it() -> None:
    encoding.install()
    import dash._callback
    import dash._utils
    import dash.dash

    assert dash._callback.to_json is encoding.to_json
    assert dash.dash.to_json is encoding.to_json
    assert dash._utils.to_json is encoding.to_json
