"""Errors that say what happened: the database away is said as such; a bug is logged with its
traceback under an incident id, and the user sees that id, never a traceback nor silence."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy.exc import OperationalError

from tests.helpers.web import callback_payload, dash_post, find_dependency

OVERVIEW = {"overview-year.value": "2025", "overview-period.value": "2025-06",
            "overview-metric.value": "execution_rate"}


def _overview(client) -> dict:
    answer = dash_post(client, callback_payload(find_dependency(client, "overview-kpis"), OVERVIEW))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()


def test_a_bug_in_a_callback_shows_an_incident_id_that_the_log_has_with_the_traceback(
        client_as, monkeypatch, caplog):
    import db.queries.overview as queries

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug, not an outage")

    monkeypatch.setattr(queries, "overview", broken)
    caplog.set_level(logging.ERROR)
    body = _overview(client_as("budget_unit"))
    alert = str(body["sideUpdate"]["shell-alert"]["children"])
    incident = re.search(r"incident ([0-9a-f]{8})", alert).group(1)
    assert "Data is temporarily unavailable" not in alert and "Traceback" not in str(body)
    logged = [r for r in caplog.records if incident in r.getMessage()]
    assert logged and logged[0].exc_info[0] is ZeroDivisionError


def test_the_database_away_in_a_callback_is_said_as_such(client_as, monkeypatch, caplog):
    import db.queries.overview as queries

    def away(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("the server is down"))

    monkeypatch.setattr(queries, "overview", away)
    body = _overview(client_as("budget_unit"))
    message = body["response"]["overview-message"]["children"]["props"]["children"]
    assert message == "Data is temporarily unavailable. Please try again in a moment."
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.fixture
def errors_handled(app):
    # In tests Flask hands exceptions to the test; in production it calls the error handler.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.config["PROPAGATE_EXCEPTIONS"] = None


def test_a_bug_outside_callbacks_answers_500_with_an_incident_id(client_as, errors_handled, monkeypatch, caplog):
    import db.queries.budget as budget_queries

    def broken(*_args, **_kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(budget_queries, "budget", broken)
    caplog.set_level(logging.ERROR)
    client = client_as("mef_reviewer")
    answer = client.get("/api/v1/budget?year=2025")
    assert answer.status_code == 500
    body = answer.get_json()
    assert body["error"] == "unexpected" and re.fullmatch(r"[0-9a-f]{8}", body["incident"])
    assert any(body["incident"] in r.getMessage() and r.exc_info for r in caplog.records)
    page = client.get("/api/v1/budget?year=2025", headers={"Accept": "text/html"})
    assert page.status_code == 500 and "Traceback" not in page.get_data(as_text=True)
