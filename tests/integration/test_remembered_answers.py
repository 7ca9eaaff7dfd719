"""Remembered callback answers (components/answers.py): a second visit gets the same answer
without building it again, a load replaces it at once, and nobody gets an answer built for
another province or language, or one that said the database was away.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from db.queries import cache
from etl.load import load_file
from tests.helpers.web import callback_payload, dash_post, find_dependency, post_with_csrf
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

SCORECARD_JUNE = {"scorecard-year.value": "2025", "scorecard-period.value": "2025-06",
                  "scorecard-code.data": "07"}


def _scorecard(client) -> dict:
    answer = dash_post(client, callback_payload(find_dependency(client, "scorecard-kpis"), SCORECARD_JUNE))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def _load_june(url: str, tmp_path: Path, actual: int, name: str) -> None:
    assert load_file(indicators_xlsx([[2025, "2025-06", "07", "FP_PW", None, 100, actual]]), name=name,
                     url=url).status == "loaded"


@pytest.fixture
def june(app_db: str, tmp_path: Path) -> str:
    """Province 07 in June 2025: paid 500,000, family-planning visits 95 of 100."""
    load_reference(app_db, tmp_path)
    assert load_file(execution_xlsx([exec_row(entity="07", period="2025-06", paid=500_000)]), name="june.xlsx",
                     url=app_db).status == "loaded"
    _load_june(app_db, tmp_path, 95, "q2.xlsx")
    cache.clear()
    return app_db


@pytest.fixture
def builds(app, monkeypatch) -> list[str]:
    """Each time the scorecard's cards are built (once per answer built), the card's title."""
    # Dash imports the page when the app registers it, under a name of its own.
    page = next(m for m in list(sys.modules.values()) if getattr(m, "show_scorecard", None) is not None)
    built: list[str] = []
    real = page.kpi_card

    def counting(title, *args, **kwargs):
        built.append(title)
        return real(title, *args, **kwargs)

    monkeypatch.setattr(page, "kpi_card", counting)
    return built


def test_a_second_visit_is_the_same_answer_and_a_load_replaces_it(june, tmp_path, client_as, builds):
    director = client_as("director07")
    first = _scorecard(director)
    assert "95 %" in str(first["scorecard-table"])  # 95 of 100
    assert len(builds) == 2  # score and rank
    assert _scorecard(director) == first
    assert len(builds) == 2  # not built again
    # Another director of the same province shares it; a new load of June is seen at once.
    _load_june(june, tmp_path, 80, "q2-corrected.xlsx")
    again = _scorecard(director)
    assert "80 %" in str(again["scorecard-table"]) and "95 %" not in str(again["scorecard-table"])
    assert len(builds) == 4


def _card_of(client, year: int, period: str) -> str:
    values = {"scorecard-year.value": str(year), "scorecard-period.value": period, "scorecard-code.data": "07"}
    answer = dash_post(client, callback_payload(find_dependency(client, "scorecard-kpis"), values))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return str(answer.get_json()["response"]["scorecard-table"])


def _visits(url: str, name: str, year: int, period: str, actual: int) -> None:
    assert load_file(indicators_xlsx([[year, period, "07", "FP_PW", None, 100, actual]]), name=name,
                     url=url).status == "loaded"


def test_a_load_of_this_year_keeps_last_years_answer_and_last_years_load_renews_this_years(
        june, tmp_path, client_as, builds):
    _visits(june, "2024-q4.xlsx", 2024, "2024-12", 90)
    director = client_as("director07")
    assert "90 %" in _card_of(director, 2024, "2024-12")
    june_card = _card_of(director, 2025, "2025-06")
    assert "95 %" in june_card and "trend-up" in june_card  # 95 % after 90 % in December
    assert len(builds) == 4
    _load_june(june, tmp_path, 80, "q2-corrected.xlsx")
    assert "90 %" in _card_of(director, 2024, "2024-12")
    assert len(builds) == 4  # December's card is not built again
    june_card = _card_of(director, 2025, "2025-06")
    assert "80 %" in june_card and "trend-down" in june_card
    assert len(builds) == 6
    # December corrected: June's arrow compares with it, so June's card is built again too.
    _visits(june, "2024-q4-corrected.xlsx", 2024, "2024-12", 70)
    assert "70 %" in _card_of(director, 2024, "2024-12")
    june_card = _card_of(director, 2025, "2025-06")
    assert "80 %" in june_card and "trend-up" in june_card
    assert len(builds) == 10


def test_no_answer_crosses_a_province_or_a_language(june, client_as, builds):
    director = client_as("director07")
    english = _scorecard(director)
    assert "Score" in str(english["scorecard-kpis"])
    # Director 17 asks for Kampot's card with the very same inputs: refused, not served 07's answer.
    refused = _scorecard(client_as("director17"))
    assert "95 %" not in str(refused) and "does not allow you" in refused["scorecard-message"]["children"]
    post_with_csrf(director, "/lang/km", {"next": "/scorecard/07"})
    khmer = _scorecard(director)
    assert khmer != english and "ពិន្ទុ" in str(khmer["scorecard-kpis"])
    assert len(builds) == 4  # English and Khmer, two cards each; the refusal builds none


def test_an_answer_that_says_the_database_is_away_is_not_kept(june, client_as, monkeypatch):
    director = client_as("director07")

    def away(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("the server closed the connection"))

    monkeypatch.setattr("db.queries.indicators.scorecard", away)
    failed = _scorecard(director)
    assert "temporarily unavailable" in str(failed["scorecard-message"])
    monkeypatch.undo()
    back = _scorecard(director)
    assert "95 %" in str(back["scorecard-table"]) and back["scorecard-message"]["children"] == ""


def test_the_drill_down_remembers_which_input_fired(demo_client_as):
    # With the same values, a click on "show all" draws every commune and a change of indicator
    # the first 25 (the demo has 93 in Kampot): the input that fired is part of the answer.
    budget = demo_client_as("budget_unit")
    dependency = find_dependency(budget, "scorecard-drill")
    values = {"scorecard-drill-indicator.value": "FP_PW", "scorecard-drill-all.n_clicks": 1,
              "scorecard-year.value": "2025", "scorecard-period.value": "2025-06", "scorecard-code.data": "07"}

    def rows(fired: str) -> int:
        payload = callback_payload(dependency, values)
        payload["changedPropIds"] = [fired]
        answer = dash_post(budget, payload)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        return str(answer.get_json()["response"]["scorecard-drill"]).count("'type': 'Tr'") - 1  # less the header row

    assert [rows("scorecard-drill-all.n_clicks"), rows("scorecard-drill-indicator.value"),
            rows("scorecard-drill-all.n_clicks"), rows("scorecard-drill-indicator.value")] == [93, 25, 93, 25]
