"""The header's inbox on a phone: it fits the screen, opens, and leads to the place."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from db import review
from db import submissions as writes
from db.engine import session_scope
from db.models import SubmissionLine
from domain.access import Scope
from tests.helpers.cycle import line_key, load_cycle
from tests.helpers.web import PEOPLE, browser_login

PHONE = 390


def test_a_director_opens_his_inbox_on_a_phone_and_goes_to_the_deviation(page_factory, sqlite_app_db, tmp_path):
    # Kampot's line questioned by MEF, and Kampot's FP_PW off track at 2025-09 (tests/helpers/cycle.py).
    load_cycle(sqlite_app_db, tmp_path)
    budget = writes.Actor(Scope(0, "budget", "budget_unit"))
    with session_scope(sqlite_app_db) as session:
        sub = writes.open_submission(session, budget, 2026)
        writes.save_lines(session, budget, sub.id, [line_key(
            "07", justification="Registrations from the 2025 ID Poor round double the caseload.")])
        writes.act(session, budget, sub.id, "submit")
        kampot = session.scalar(select(SubmissionLine.id).where(SubmissionLine.entity_code == "07"))
        review.decide(session, writes.Actor(Scope(0, "reviewer", "mef_reviewer")), sub.id,
                      [{"line": kampot, "decision": "question"}])
    page = page_factory(width=PHONE)
    browser_login(page, PEOPLE["director07"])
    toggle = page.locator(".inbox-toggle")
    assert toggle.locator(".inbox-badge").inner_text() == "2"
    toggle.click()
    listed = page.locator(".inbox-list")
    box = listed.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE  # the whole list on the screen
    assert listed.locator("a").all_inner_texts() == ["1 question to answer", "1 deviation to explain"]
    page.get_by_text("1 deviation to explain").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/scorecard/07")
    assert urlsplit(page.url).query == "year=2025&period=2025-09"
    # Moving to the page closes the list; the count is still there.
    listed.wait_for(state="hidden")
    assert toggle.locator(".inbox-badge").inner_text() == "2"
