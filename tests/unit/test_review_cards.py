"""The hearing's line cards are written as the JSON Dash sends (``components.review._el``), not
built as Dash components: every element must still be one Dash's html knows, with props it has,
and carry what the reader sees."""

from __future__ import annotations

import pandas as pd
from dash import html

from components.review import explanation_list, hearing_order, line_card, thread

ROW = {
    "id": 12, "entity": "07", "cluster": "P1.1.1", "economic_code": "62", "funding_source": "RGC",
    "flags": ["more_while_off_track"], "execution_rate": 0.25, "benchmark": 0.75, "recommended": 900_000.0,
    "decision": "adjust", "as_of": "2025-09", "request_y1": 1_500_000, "revised_last": 1_000_000,
    "paid_to_date": 250_000, "paid_full_year": 950_000, "endorsed_amount": 900_000.0,
    "linked_indicators": [{"indicator": "I1", "achievement": 0.4, "status": "off_track"}],
}


def _card(comments: int = 2, explained: int = 1, lang: str = "en", **change) -> dict:
    return line_card({**ROW, **change}, year=2026, costs={("07", "I1"): (1200.0, 1000.0)},
                     names={"P1.1.1": ("Cash transfers", "ការផ្ទេរ"), "chapter:62": ("Transfers", "ផ្ទេរ")},
                     indicator_names={"I1": ("Households reached", "គ្រួសារ")}, comments=comments, waiting=True,
                     explained=explained, selected=True, lang=lang)


def _elements(node: object):
    if isinstance(node, dict):
        yield node
        yield from _elements(node["props"].get("children"))
    elif isinstance(node, list):
        for child in node:
            yield from _elements(child)


def _text(node: object) -> str:
    if isinstance(node, dict):
        return _text(node["props"].get("children"))
    if isinstance(node, list):
        return "".join(_text(child) for child in node)
    return "" if node is None else str(node)


def _html_elements_only(tree: object) -> None:
    for element in _elements(tree):
        assert element["namespace"] == "dash_html_components"
        component = getattr(html, element["type"])
        props = {k: v for k, v in element["props"].items() if k != "children"}
        # Dash's own component takes these props (an unknown one raises) and sends the same JSON.
        built = component(**props).to_plotly_json()
        built["props"].pop("children", None)
        assert built == {**element, "props": props}


def test_every_element_of_a_card_is_an_html_component_with_its_own_props():
    _html_elements_only(_card())


def test_a_card_carries_the_ids_classes_and_words_the_page_and_its_tests_use():
    card = _card()
    assert card["type"] == "Li" and card["props"]["id"] == "review-line-12"
    assert card["props"]["className"] == "review-line flagged selected waiting"
    assert card["props"]["data-line"] == "12"
    opener = next(e for e in _elements(card) if e["type"] == "Button")
    assert opener["props"]["id"] == {"type": "review-open", "line": 12} and opener["props"]["n_clicks"] == 0
    assert "line-open" in opener["props"]["className"]
    classes = {c for e in _elements(card) for c in str(e["props"].get("className", "")).split()}
    assert {"line-head", "line-label", "cluster-name", "line-badges", "decision-badge", "waiting-badge", "line-flags",
            "line-figures", "figure", "request", "under-benchmark", "endorsed", "as-of", "line-indicators",
            "indicator-row", "indicator-code", "badge-off_track", "unit-costs"} <= classes
    words = _text(card)
    for said in ("07 Kampot · P1.1.1 Cash transfers · 62 Transfers · RGC", "Adjust", "awaiting an answer",
                 "KHR 1.50 m", "as of 2025-09", "40 %", "Off track", "2 comment", "1 explanation"):
        assert said in words, said


def test_a_cards_counts_of_comments_and_explanations_read_as_english():
    def opener(card: dict) -> str:
        return _text(next(e for e in _elements(card) if e["type"] == "Button"))

    assert opener(_card(comments=1, explained=1)).endswith("(1 comment) · 1 explanation")
    assert opener(_card(comments=2, explained=3)).endswith("(2 comments) · 3 explanations")
    assert opener(_card(comments=0, explained=0)).endswith("(0 comments)")
    assert opener(_card(comments=1, explained=2, lang="km")).endswith("(មតិយោបល់ ១) · ការពន្យល់ ២")


EXPLANATIONS = [
    {"unit": "07", "indicator": "I1", "period": "2025-09", "status": "off_track", "reason": "Late transfers <b>",
     "action": "", "written_by": "director07", "written_at": "2025-10-02T09:00:00", "oversight": None},
    {"unit": "08", "indicator": "I2", "period": "2025-06", "status": None, "reason": "", "oversight": "Noted",
     "oversight_by": "mef"},
]


def test_explanations_are_html_components_with_the_words_and_classes_they_had():
    """Written as Dash's JSON like the cards (the hearing lists every explanation of a programme):
    the status badge keeps its word in a span of its own, as ``components.status.status_badge``."""
    listed = explanation_list(EXPLANATIONS, {"I1": ("Households reached", "គ្រួសារ")}, "en")
    _html_elements_only(listed)
    assert listed["type"] == "Ul" and listed["props"]["className"] == "explanations"
    classes = [c for e in _elements(listed) for c in str(e["props"].get("className", "")).split()]
    assert classes.count("explanation") == 2 and classes.count("oversight") == 1
    assert {"explanation-head", "figure-label", "typed", "badge", "badge-off_track", "badge-no_data",
            "badge-icon"} <= set(classes)
    badge = next(e for e in _elements(listed) if "badge-off_track" in e["props"].get("className", ""))
    assert [child["type"] for child in badge["props"]["children"]] == ["Span", "Span"]
    words = _text(listed)
    for said in ("07 Kampot", "Late transfers <b>", "Off track", "Noted", "2025-09"):
        assert said in words, said
    title = next(e for e in _elements(listed) if e["props"].get("title") == "Households reached")
    assert title["props"]["children"] == "I1"


def test_a_thread_is_html_components_with_the_text_as_typed():
    said = [{"author": "mef1", "role": "mef_reviewer", "text": "<script>alert(1)</script>",
             "at": "2026-01-05T10:00:00"},
            {"author": None, "role": "budget_unit", "text": "Because", "at": None}]
    shown = thread(said, "en", thread_id="review-whole-comments")
    _html_elements_only(shown)
    assert shown["props"]["id"] == "review-whole-comments" and shown["props"]["className"] == "thread"
    items = [e for e in _elements(shown) if e["type"] == "Li"]
    assert [e["props"]["className"] for e in items] == ["comment comment-mef_reviewer", "comment comment-budget_unit"]
    texts = [e["props"]["children"] for e in _elements(shown) if "comment-text" in e["props"].get("className", "")]
    assert texts == ["<script>alert(1)</script>", "Because"]  # a string child: shown as typed, never run
    times = [e["props"]["dateTime"] for e in _elements(shown) if e["type"] == "Time"]
    assert times == ["2026-01-05T10:00:00", ""]
    empty = thread([], "en", thread_id="review-line-thread")
    _html_elements_only(empty)
    assert empty["props"]["id"] == "review-line-thread" and "muted" in str(empty)


def _pandas_order(lines: pd.DataFrame) -> pd.DataFrame:
    """The frame's own sort, as the hearing sorted before."""
    return lines.assign(_clear=lines["flags"].map(lambda f: 0 if f else 1)) \
        .sort_values(["programme", "_clear", "entity", "cluster", "economic_code", "funding_source"]) \
        .drop(columns="_clear")


def test_hearing_order_is_pandas_sort() -> None:
    """Sorted in Python for speed: the order of the frame's sort it replaced, flagged lines first
    within a programme, lines of equal keys in the order they came."""
    lines = pd.DataFrame({
        "id": range(1, 9),
        "programme": ["P2", "P1", "P1", "P2", "P1", "P1", "P10", "P1"],
        "entity": ["07", "08", "07", "00", "07", "07", "01", "07"],
        "cluster": ["P2.1.1", "P1.1.1", "P1.1.2", "P2.1.1", "P1.1.1", "P1.1.1", "P10.1.1", "P1.1.1"],
        "economic_code": ["62", "60", "62", "62", "62", "60", "61", "62"],
        "funding_source": ["RGC", "RGC", "DP", "RGC", "RGC", "DP", "RGC", "RGC"],
        "flags": [[], ["unit_cost_gap"], [], [], [], ["incomplete_reports"], [], []],
    }, index=[10, 11, 12, 13, 14, 15, 16, 17])
    for frame in (lines, lines.iloc[::-1], lines.iloc[[4, 7, 0]]):
        pd.testing.assert_frame_equal(hearing_order(frame), _pandas_order(frame))
    assert list(hearing_order(lines)["id"]) == [6, 2, 5, 8, 3, 7, 4, 1]  # "P10" sorts before "P2"
    missing = lines.assign(entity=["07", None, "07", "00", "07", "07", "01", "07"])  # pandas puts it last
    pd.testing.assert_frame_equal(hearing_order(missing), _pandas_order(missing))
