"""The header's inbox, as each role's header shows it on ``/``, on SQLite and PostgreSQL: counts
against hand-worked values, a director's within his province, both languages, a refresh after a
write, and nothing at all (never an error) when nothing waits or the database fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from db.queries import cache
from tests.helpers.cycle import line_key, load_cycle, open_draft, post_json, put_json
from tests.helpers.web import callback_payload, dash_post, find_dependency, post_with_csrf

JUSTIFIED = "Registrations from the 2025 ID Poor round double the caseload in the province."


@pytest.fixture
def questioned(app_db: str, tmp_path: Path, client_as) -> dict:
    """The small cycle (tests/helpers/cycle.py) with its 2026 submission submitted and MEF's
    questions on Kampot's (07) and Kep's (08) lines. At 2025-09 Kampot's FP_PW is off track
    (100 of 200) and so is the national one (198 of 300); Kep's is on track (98 of 100)."""
    load_cycle(app_db, tmp_path)
    budget, sid = open_draft(client_as)
    put_json(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [line_key("07", justification=JUSTIFIED)]})
    assert post_json(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"}).status_code == 200
    lines = {line["entity"]: line["id"] for line in budget.get(f"/api/v1/submissions/{sid}").json["lines"]}
    reviewer = client_as("mef_reviewer")
    asked = put_json(reviewer, f"/api/v1/submissions/{sid}/decisions", {"decisions": [
        {"line": lines["07"], "decision": "question"}, {"line": lines["08"], "decision": "question"}]})
    assert asked.status_code == 200
    return {"sid": sid, "lines": lines, "budget": budget, "reviewer": reviewer}


def header_inbox(client: FlaskClient, *, tick: bool = False, seen: object = None):
    """The inbox of the header on ``/``, as the page asks for it (or as the minute's tick does)."""
    payload = callback_payload(find_dependency(client, "inbox"),
                               {"_pages_location.pathname": "/", "inbox-seen.data": seen})
    if tick:
        payload["changedPropIds"] = ["inbox-tick.n_intervals"]
    return dash_post(client, payload)


def shown(client: FlaskClient) -> tuple[str | None, dict[str, str]]:
    """What the header shows: the badge, and each link's words with where it leads."""
    answer = header_inbox(client)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    tree = answer.get_json()["response"]["inbox"]["children"]
    badge, links = None, {}
    for node in _walk(tree):
        props = node.get("props", {})
        if props.get("className") == "inbox-badge":
            badge = props["children"]
        if props.get("className") == "inbox-link":
            links[props["children"]] = props["href"]
    return badge, links


def _walk(node):
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        yield from _walk(node.get("props", {}).get("children"))


def test_each_role_sees_what_awaits_it(questioned, client_as) -> None:
    assert shown(questioned["reviewer"]) == ("1", {"1 submission to review": "/review?year=2026"})
    # The budget unit answers every line's question, and explains the national deviation.
    assert shown(questioned["budget"]) == ("3", {"2 questions to answer": "/review?year=2026",
                                                 "1 deviation to explain": "/programmes?year=2025&period=2025-09"})
    # Kampot's director: his line's question only (not Kep's), and his province's deviation.
    assert shown(client_as("director07")) == ("2", {
        "1 question to answer": "/review?year=2026",
        "1 deviation to explain": "/scorecard/07?year=2025&period=2025-09"})
    # Siem Reap has no line, no question and no deviation; the administrator takes no part.
    assert shown(client_as("director17")) == (None, {})
    assert shown(client_as("admin")) == (None, {})


def test_an_answer_leaves_the_count_at_the_next_page(questioned, client_as) -> None:
    director = client_as("director07")
    assert shown(director)[0] == "2"
    answered = post_json(questioned["budget"], f"/api/v1/submissions/{questioned['sid']}/comments",
                         {"line": questioned["lines"]["07"], "text": "Payments resume in October."})
    assert answered.status_code == 201
    assert shown(director) == ("1", {"1 deviation to explain": "/scorecard/07?year=2025&period=2025-09"})
    assert shown(questioned["budget"]) == ("2", {"1 question to answer": "/review?year=2026",
                                                 "1 deviation to explain": "/programmes?year=2025&period=2025-09"})


def test_the_minutes_tick_sends_nothing_when_nothing_changed(questioned) -> None:
    reviewer = questioned["reviewer"]
    seen = header_inbox(reviewer).get_json()["response"]["inbox-seen"]["data"]
    assert seen == [{"kind": "to_review", "count": 1, "href": "/review?year=2026"}]
    quiet = header_inbox(reviewer, tick=True, seen=seen)
    assert quiet.status_code == 204, quiet.get_data(as_text=True)  # no update: an open list stays open
    returned = post_json(reviewer, f"/api/v1/submissions/{questioned['sid']}/actions", {"action": "return",
                                                                                       "comment": "See the threads."})
    assert returned.status_code == 200
    changed = header_inbox(reviewer, tick=True, seen=seen)
    assert changed.status_code == 200 and changed.get_json()["response"]["inbox"]["children"] == []


def test_the_inbox_speaks_khmer(questioned, client_as) -> None:
    director = client_as("director07")
    post_with_csrf(director, "/lang/km", {"next": "/"})
    assert shown(director) == ("២", {"សំណួរ ១ ត្រូវឆ្លើយ": "/review?year=2026",
                                     "គម្លាតពីគោលដៅ ១ ត្រូវពន្យល់": "/scorecard/07?year=2025&period=2025-09"})


def test_a_failing_inbox_query_shows_nothing_and_breaks_nothing(questioned, monkeypatch, caplog) -> None:
    from sqlalchemy.exc import OperationalError

    def broken(session, scope):
        raise OperationalError("SELECT …", {}, Exception("canceling statement due to statement timeout"))

    cache.clear()
    monkeypatch.setattr("db.queries.review.inbox", broken)
    answer = header_inbox(questioned["budget"])
    assert answer.status_code == 200
    assert answer.get_json()["response"]["inbox"]["children"] == []
    assert "shell-alert" not in answer.get_json()["response"]  # no error put over the page
    assert "inbox not shown: OperationalError" in caplog.text
