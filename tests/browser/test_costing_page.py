"""The costing page in Chromium on the demo data: the budget unit builds two scenarios from the
catalogue (the second a copy with a higher amount), compares them, and applies one to an opened
draft after the preview; a director reads it on a 390 px phone, in English and Khmer. Screenshots go to
tests/browser/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from components.submission import year_text
from db.engine import get_engine, session_scope
from db.queries.units import unit_name
from db.submissions import Actor, open_submission
from domain.access import Scope
from i18n import t
from tests.helpers.web import PEOPLE, SCREENSHOTS, browser_login, browser_switch_language

GRID_ROW = "#costing-grid .ag-center-cols-container .ag-row"


def _open_draft(url: str) -> int:
    with session_scope(url) as session:
        user_id = session.execute(text("SELECT id FROM app_user WHERE username = 'budget'")).scalar_one()
        return open_submission(session, Actor(Scope(user_id, "budget", "budget_unit")), 2026).id


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _choose(page, dropdown: str, option: str) -> None:
    """Pick ``option`` in a dropdown, as a person does (a multi-select one stays open after a pick)."""
    page.keyboard.press("Escape")
    page.click(dropdown)
    # Dash's dropdown moves the options already chosen to the top a moment after it opens: a
    # click in that moment landed on the chosen one and unchose it. Wait until the list is sorted.
    page.wait_for_function("""() => {
        const chosen = Array.from(document.querySelectorAll('[role=option]'),
                                  o => o.getAttribute('aria-selected') === 'true');
        const unchosen = chosen.indexOf(false);
        return chosen.length > 0 && (unchosen < 0 || !chosen.slice(unchosen).includes(true));
    }""")
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")


def test_build_compare_and_apply_two_scenarios(demo_page_factory, demo_db):
    submission = _open_draft(demo_db)
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/costing")
    page.wait_for_selector(f"{GRID_ROW}[row-id='OLDER']")
    # The first scenario: the catalogue's amounts, 60 % take-up, 2026-2028.
    page.fill("#costing-name", "Base")
    page.click("#costing-save")
    expect(page.locator("#costing-save-message .notice")).to_contain_text("Saved: Base.")
    expect(page.locator("#costing-years-table tbody tr")).to_have_count(3)
    expect(page.locator("#costing-chart .bars")).not_to_have_count(0)  # the stacked bars are drawn
    # by the partial plotly.js, which knows no map traces (the only page that still fetches it).
    traces = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")
    assert {"bar", "scatter"} <= set(traces) and "choropleth" not in traces
    # Its tile map is HTML, one tile per province, each with its cost written in it.
    expect(page.locator("#costing-map .hc-tile-value")).to_have_count(25)
    expect(page.locator("#costing-name")).to_have_value("Base")
    base_2026 = page.locator("#costing-years-table tbody tr").first.locator("td").nth(1).get_attribute("title")
    # The second: the older persons' allowance doubled, saved as a new scenario.
    cell = page.locator(f"{GRID_ROW}[row-id='OLDER'] [col-id='amount']")
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("80000")
    page.keyboard.press("Enter")
    expect(cell).to_contain_text("80")
    page.fill("#costing-name", "Generous")
    page.click("#costing-copy")
    expect(page.locator("#costing-save-message .notice")).to_contain_text("Saved as a new scenario: Generous.")
    expect(page.locator("#costing-name")).to_have_value("Generous")
    expect(page.locator("#costing-years-table tbody tr").first.locator("td").nth(1)).not_to_have_attribute(
        "title", base_2026)
    _shot(page, "costing-budget_unit-results-en-1366")
    # Compare both: one chart and one table.
    _choose(page, "#costing-compare", "Base (2026–2028)")
    _choose(page, "#costing-compare", "Generous (2026–2028)")
    table = page.locator("#costing-compare-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("Base")
    expect(table).to_contain_text("Generous")
    _shot(page, "costing-budget_unit-compare-en-1366")
    # Apply "Generous" to the opened draft: the preview lists each change, the confirm writes them.
    _choose(page, "#costing-submission", "2026 · Draft")
    page.click("#costing-preview")
    expect(page.locator("#costing-preview-table tbody tr.costing-change").first).to_contain_text("→")
    changes = page.locator("#costing-preview-table tbody tr.costing-change").count()
    assert changes > 25  # a line per province, and the targets
    page.click("#costing-confirm")
    expect(page.locator("#costing-apply-message .applied")).to_contain_text("Applied:")
    with get_engine(demo_db).connect() as conn:
        audits = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'costing.apply'")).scalar_one()
        assert audits == 1
        assert conn.execute(text("SELECT COUNT(*) FROM submission_target WHERE submission_id = :s AND "
                                 "target_y1 > 0"), {"s": submission}).scalar_one() > 0
    _shot(page, "costing-budget_unit-applied-en-1366")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_director_reads_the_page_on_a_phone(demo_page_factory, demo_db, lang):
    _open_draft(demo_db)
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/costing")
    page.wait_for_selector(f"{GRID_ROW}[row-id='OLDER']")
    page.fill("#costing-name", "Base")
    page.click("#costing-save")
    expect(page.locator("#costing-save-message .notice")).to_contain_text("Saved: Base.")
    phone = demo_page_factory(width=390, height=844)
    browser_login(phone, PEOPLE["director07"])
    browser_switch_language(phone, lang, "/costing")
    expect(phone.locator("#costing-editor-panel")).to_be_hidden()
    expect(phone.locator("#costing-apply-panel")).to_be_hidden()
    _choose(phone, "#costing-scenario", f"Base ({year_text(2026, lang)}–{year_text(2028, lang)})")
    expect(phone.locator("#costing-years-table tbody tr")).to_have_count(3)
    expect(phone.locator("#page-costing")).to_contain_text(t("costing.director_share", lang))
    expect(phone.locator("#costing-map")).to_contain_text(unit_name("07", lang))  # the tiles are drawn
    expect(phone.locator("#costing-map .hc-tile-value")).to_have_count(1)  # a figure on Kampot's tile alone
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone: the tables scroll in their box
    _shot(phone, f"costing-director07-{lang}-390")
