"""The submission page's grid and the review page's hearing are remembered between the writes
of their year's budget cycle (components/answers.py, ``CYCLE``): a second reader is served the
first one's answer; an explanation of this year's deviations, or a ceiling of another year,
leaves them in place; a write of the cycle (a decision, a transition, a line) and an explanation
of the year the request follows are shown at once. A director's answer stays while another
province's lines are written, and follows his own province's and the whole submission's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.cycle import line_key, post_json, put_json
from tests.helpers.review import YEAR, hearing, post

EXPLAINED = {"year": 2025, "period": "2025-09", "unit": "07", "indicator": "FP_PW"}


@pytest.fixture
def review_db(app_db: str, tmp_path: Path) -> dict:
    """2026's request submitted, 2025's deviations of Kampot and Kandal explained."""
    return {"url": app_db, **hearing(app_db, tmp_path)}


def _page_module(function: str):
    # Dash imports a page when the app registers it, under a name of its own.
    return next(m for m in list(sys.modules.values()) if getattr(m, function, None) is not None)


def _counting(monkeypatch, function: str, builder: str) -> list[int]:
    """Each time the page module of ``function`` calls ``builder`` (once per answer built)."""
    page = _page_module(function)
    built: list[int] = []
    real = getattr(page, builder)

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(page, builder, counting)
    return built


def _hearing(client) -> str:
    return str(post(client, "review-hearing.children", {
        "review-year.value": YEAR, "review-line-written.data": 0, "review-header-written.data": 0,
        "review-ceiling-written.data": 0, "review-selected.data": None, "review-filter-show.value": "all"},
        changed="review-year.value")["review-hearing"]["children"])


def _grid(client) -> dict:
    return post(client, "submission-grid.rowData", {"submission-year.value": YEAR, "submission-changed.data": 0,
                                                    "submission-viewport.data": 1366})


def test_the_hearing_is_built_once_between_the_writes_it_shows(review_db, client_as, monkeypatch):
    built = _counting(monkeypatch, "show_review", "programme_sections")
    reviewer, other_reviewer = client_as("mef_reviewer"), client_as("mef_reviewer")
    first = _hearing(reviewer)
    assert "Payments stopped for two months" in first  # Kampot's explanation of September 2025
    assert _hearing(other_reviewer) == first and len(built) == 1

    # People write, but nothing the hearing of 2026 shows: a ceiling of 2027.
    assert put_json(reviewer, "/api/v1/ceilings", {"year": 2027, "total": 900_000_000}).status_code == 200
    assert _hearing(reviewer) == first and len(built) == 1

    # Kampot's director rewrites the 2025 explanation the hearing shows: seen at once.
    director = client_as("director07")
    answer = put_json(director, "/api/v1/explanations", {**EXPLAINED, "reason": "The provider went bankrupt.",
                                                         "action": "A new provider pays from November."})
    assert answer.status_code == 200, answer.json
    again = _hearing(reviewer)
    assert "The provider went bankrupt." in again and "Payments stopped for two months" not in again
    assert len(built) == 2

    # MEF asks about Kampot's line: a write of 2026's cycle, seen at once.
    line = review_db["lines"]["07"]
    answer = put_json(reviewer, f"/api/v1/submissions/{review_db['submission']}/decisions",
                      {"decisions": [{"line": line, "decision": "question"}]})
    assert answer.status_code == 200, answer.json
    assert _hearing(reviewer) != again and len(built) == 3


def test_the_grid_stays_while_deviations_are_explained_and_follows_each_write_of_its_cycle(
        review_db, client_as, monkeypatch):
    built = _counting(monkeypatch, "show_submission", "line_rows")
    budget, reviewer = client_as("budget_unit"), client_as("mef_reviewer")
    first = _grid(budget)
    assert first["submission-status"] and len(built) == 1
    assert _grid(client_as("budget_unit")) == first and len(built) == 1

    # An explanation of 2025 is a write, but not of 2026's request: the grid does not show it.
    answer = put_json(client_as("director07"), "/api/v1/explanations",
                      {**EXPLAINED, "reason": "The provider went bankrupt.", "action": "A new provider pays."})
    assert answer.status_code == 200, answer.json
    assert _grid(budget) == first and len(built) == 1

    # MEF returns the request: its state, and that the lines may be edited again, at once.
    answer = post_json(reviewer, f"/api/v1/submissions/{review_db['submission']}/actions",
                       {"action": "return", "comment": "Kampot's request: show the caseload behind it."})
    assert answer.status_code == 200, answer.json
    returned = _grid(budget)
    assert len(built) == 2
    kampot = next(row for row in returned["submission-grid"]["rowData"] if row["entity"] == "07")
    assert kampot["writable"] and kampot["request_y1"] == 1_500_000
    # The budget unit lowers Kampot's request: the new amount at once.
    answer = put_json(budget, f"/api/v1/submissions/{review_db['submission']}/lines",
                      {"lines": [line_key("07", [1_250_000, 1_250_000, 1_250_000])]})
    assert answer.status_code == 200, answer.json
    lowered = _grid(budget)
    assert len(built) == 3
    assert next(row for row in lowered["submission-grid"]["rowData"] if row["entity"] == "07")["request_y1"] \
        == 1_250_000


def test_a_directors_grid_stays_while_another_province_is_written_and_follows_his_own(
        review_db, client_as, monkeypatch):
    built = _counting(monkeypatch, "show_submission", "line_rows")
    director, budget = client_as("director07"), client_as("budget_unit")
    sid = review_db["submission"]
    first = _grid(director)
    assert [row["entity"] for row in first["submission-grid"]["rowData"]] == ["07"] and len(built) == 1
    # MEF returns the request (the whole submission): the director's answer is built again.
    answer = post_json(client_as("mef_reviewer"), f"/api/v1/submissions/{sid}/actions",
                       {"action": "return", "comment": "Show the caseload behind Kampot's request."})
    assert answer.status_code == 200, answer.json
    returned = _grid(director)
    assert returned != first and len(built) == 2
    # Kandal's line is lowered: Kampot's director is served the answer he had.
    answer = put_json(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [line_key("08", [900_000] * 3)]})
    assert answer.status_code == 200, answer.json
    assert _grid(director) == returned and len(built) == 2
    # Kampot's line is lowered: at once.
    answer = put_json(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [line_key("07", [1_250_000] * 3)]})
    assert answer.status_code == 200, answer.json
    lowered = _grid(director)
    assert lowered["submission-grid"]["rowData"][0]["request_y1"] == 1_250_000 and len(built) == 3
