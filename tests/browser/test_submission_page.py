"""The submission page in Chromium on the demo data: a typed amount is saved and shown back in
the short form, a refused submit lists its reasons, the totals stay in view, and the page reads
on a 390 px phone; screenshots in English and Khmer go to tests/browser/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from db import submissions as writes
from db.engine import get_engine, session_scope
from db.queries import submission as reads
from domain.access import Scope
from tests.helpers.web import PEOPLE, SCREENSHOTS, browser_login, browser_switch_language

GRID_ROW = "#submission-grid .ag-center-cols-container .ag-row"


def open_draft(url: str, *, ceilings: bool = False) -> int:
    """The budget unit opens next year's draft, as the page's button does (the demo has none);
    with ``ceilings``, MEF sets a total ceiling and one per programme, each below the request."""
    with session_scope(url) as session:
        users = dict(session.execute(text("SELECT username, id FROM app_user")).all())
        year = reads.latest_data_year(session) + 1
        sub = writes.open_submission(session, writes.Actor(Scope(users["budget"], "budget", "budget_unit")), year)
        if ceilings:
            asked = reads.totals(session, sub.id)
            writes.set_ceiling(session, writes.Actor(Scope(users["reviewer"], "reviewer", "mef_reviewer")), year,
                               int(asked["request"][0] * 0.9),
                               {code: int(amount * 0.9) for code, amount in asked["programmes"].items()})
        return sub.id


def _request(url: str, line_id: int) -> int:
    with get_engine(url).connect() as conn:
        return conn.execute(text("SELECT request_y1 FROM submission_line WHERE id = :i"), {"i": line_id}).scalar_one()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_typed_amount_is_saved_and_shown_back_formatted(demo_page_factory, demo_db):
    open_draft(demo_db)
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/submission")
    page.wait_for_selector(GRID_ROW)
    total_before = page.get_attribute("#submission-total", "title")  # every riel
    row = page.locator(f"{GRID_ROW}[row-index='0']")
    line_id = int(row.get_attribute("row-id"))
    cell = row.locator("[col-id='request_y1']")
    cell.click()
    page.keyboard.type("1.2 bn")  # a key starts editing, replacing the value
    page.keyboard.press("Enter")
    expect(page.locator("#submission-save-result .notice")).to_contain_text("Saved: ")
    expect(cell).to_have_text("KHR 1.20 bn")
    assert _request(demo_db, line_id) == 1_200_000_000
    expect(page.locator("#submission-total")).not_to_have_attribute("title", total_before)
    # Something that is not an amount: refused in words, the cell shows its amount again.
    cell.click()
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    expect(page.locator("#submission-save-result .error")).to_contain_text("“lots” cannot be read as an amount")
    expect(cell).to_have_text("KHR 1.20 bn")
    assert _request(demo_db, line_id) == 1_200_000_000
    # The entity filter keeps one entity's lines.
    page.click("#submission-entity")
    page.get_by_role("option", name="07 Kampot").click()
    expect(page.locator(GRID_ROW).first).to_contain_text("07 Kampot")
    texts = page.locator(f"{GRID_ROW} [col-id='entity']").all_inner_texts()
    assert texts and all(t.startswith("07 Kampot") for t in texts)
    _shot(page, "submission-budget_unit-edit-en-1366")


def test_a_refused_submit_lists_each_blocking_line_with_its_flags(demo_page_factory, demo_db):
    submission_id = open_draft(demo_db)
    with session_scope(demo_db) as session:
        expected = writes.blocking_reasons(session, reads.get(session, Scope(1, "x", "budget_unit"), submission_id))
    assert expected, "the demo's draft has flagged lines without a justification"
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/submission")
    page.wait_for_selector(GRID_ROW)
    page.click("#submission-action-submit")
    page.wait_for_selector("#submission-reasons-list li")
    assert page.locator("#submission-reasons-list li").count() == len(expected)
    assert f"Not sent: {len(expected)} reason(s)" in page.inner_text("#submission-act-message")
    first = page.locator("#submission-reasons-list li").first.inner_text()
    line = expected[0]
    assert first.startswith(f"{line['entity']} ") and f"· {line['cluster']} · {line['economic_code']} · " in first
    assert "⚑" in first
    assert page.inner_text("#submission-reasons-list .reasons-heading") == \
        f"{len(expected)} flagged line(s) without a justification of at least 20 characters:"
    # The lines are still there to be justified.
    assert page.locator(GRID_ROW).count() > 0
    with get_engine(demo_db).connect() as conn:
        assert conn.execute(text("SELECT status FROM submission")).scalar_one() == "draft"
    _shot(page, "submission-budget_unit-refused-en-1366")


@pytest.mark.parametrize("lang", ["en", "km"])
@pytest.mark.parametrize("role", ["budget_unit", "director07", "mef_reviewer"])
def test_the_page_in_both_languages_on_a_desktop_and_a_phone(demo_page_factory, demo_db, role, lang):
    open_draft(demo_db, ceilings=True)
    for width, height in ((1366, 900), (390, 844)):
        page = demo_page_factory(width=width, height=height)
        browser_login(page, PEOPLE[role])
        browser_switch_language(page, lang, "/methodology")
        page.goto("/submission")
        page.wait_for_selector(GRID_ROW)
        page.wait_for_selector("#submission-state-badge")
        if lang == "km":
            assert any("\u1780" <= ch <= "\u17ff" for ch in page.inner_text("#submission-totals"))
            assert any("០" <= ch <= "៩" for ch in page.inner_text("#submission-total"))
        else:
            assert page.inner_text("#submission-state-badge").startswith("✎")
            assert "above the ceiling" in page.inner_text("#submission-difference")
        assert page.locator("#submission-programme-totals .programme-chip").count() == 3
        # Only the budget unit writes while the draft is closed to provinces (on a phone the
        # request's columns are off screen, and the grid draws only the columns in view).
        if width < 700:
            pass
        elif role == "budget_unit":
            expect(page.locator("#submission-grid .cell-writable").first).to_be_attached()
        else:
            expect(page.locator("#submission-grid-note")).to_contain_text(
                "Read-only" if lang == "en" else "សម្រាប់អានតែប៉ុណ្ណោះ")
            assert page.locator("#submission-grid .cell-writable").count() == 0
        if role == "director07":
            entities = set(page.locator(f"{GRID_ROW} [col-id='entity']").all_inner_texts())
            assert entities and all(e.startswith(("07 ", "០៧ ")) or e.startswith("07") for e in entities)
        # Nothing wider than the screen but the grid, which scrolls in its own box; the state and
        # the totals come before the lines.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 10
        totals = page.locator("#submission-totals").bounding_box()
        assert totals["y"] < page.locator("#submission-grid").bounding_box()["y"]
        _shot(page, f"submission-{role}-{lang}-{width}")
        # Scrolled down past them, the totals stay at the top of the screen.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(200)
        scrolled = page.evaluate("window.scrollY")
        top = page.locator("#submission-totals").bounding_box()["y"]
        assert (-1 <= top <= 2) if scrolled > totals["y"] else abs(top - (totals["y"] - scrolled)) <= 2


def test_the_budget_unit_opens_the_draft_and_then_to_provinces_and_a_director_writes_his_own(demo_page_factory,
                                                                                             demo_db):
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/submission")
    page.wait_for_selector("#submission-none")
    expect(page.locator("#submission-open")).to_have_text("Open the draft for 2026")
    page.click("#submission-open")
    page.wait_for_selector(GRID_ROW)
    expect(page.locator("#submission-open-message")).to_contain_text("The draft for 2026 is open")
    expect(page.locator("#submission-open-box")).to_be_hidden()
    switch = page.locator("#submission-provinces-switch")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(page.locator("#submission-act-message")).to_contain_text("Open to provinces")
    expect(page.locator(GRID_ROW).first).to_be_visible()  # the lines are drawn again, not lost

    director = demo_page_factory()
    browser_login(director, PEOPLE["director07"])
    director.goto("/submission")
    director.wait_for_selector(GRID_ROW)
    expect(director.locator("#submission-grid-note")).to_contain_text("Double-click")
    row = director.locator(f"{GRID_ROW}[row-index='0']")
    line_id = int(row.get_attribute("row-id"))
    cell = row.locator("[col-id='request_y1']")
    cell.click()
    director.keyboard.type("850k")
    director.keyboard.press("Enter")
    expect(director.locator("#submission-save-result .notice")).to_contain_text("Saved: 07 Kampot")
    expect(cell).to_have_text("KHR 850,000")
    assert _request(demo_db, line_id) == 850_000
    done = director.locator("#submission-done-switch")
    expect(done).to_have_attribute("aria-checked", "false")
    done.click()
    expect(done).to_have_attribute("aria-checked", "true")
    _shot(director, "submission-director07-open-en-1366")
    # The budget unit sees Kampot done.
    page.reload()
    page.wait_for_selector(GRID_ROW)
    expect(page.locator("#submission-progress-count")).to_have_text("1 of 25 provinces have finished their part")
