"""The open data page (/open) in Chromium on the demo data, without signing in: in Khmer on a 390 px
phone it fits the width, draws the Khmer font, the 25 tiles and the tables, fetches nothing of
the signed-in app (no Dash bundle, no callback), keeps no cookie, and its tile and period
selector lead where they say; screenshots go to tests/browser/screenshots/."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from db import publications
from db.engine import session_scope
from db.submissions import Actor
from domain.access import Scope
from tests.helpers.web import SCREENSHOTS


@pytest.fixture
def published(app, demo_db: str) -> str:
    """June and September 2025 of the demo published by the budget unit (the rate limit off)."""
    previous = app.config.get("PIB_OPEN_RATE_LIMIT")
    app.config["PIB_OPEN_RATE_LIMIT"] = 0
    with session_scope(demo_db) as session:
        user_id = session.execute(text("SELECT id FROM app_user WHERE username = 'budget'")).scalar_one()
        actor = Actor(Scope(user_id, "budget", "budget_unit"))
        for period in ("2025-06", "2025-09"):
            publications.publish(session, actor, 2025, period)
    yield demo_db
    app.config["PIB_OPEN_RATE_LIMIT"] = previous


def test_the_open_page_in_khmer_on_a_phone(published, demo_page_factory):
    page = demo_page_factory(width=390, height=844)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    answer = page.goto("/open?lang=km")
    assert answer is not None and answer.status == 200
    assert page.locator("html").get_attribute("lang") == "km"
    assert page.locator("h1").inner_text() == "ទិន្នន័យបើកចំហ ថវិកា និងសមិទ្ធកម្ម"
    assert "កញ្ញា" in page.locator("#as-of").inner_text()  # the latest published period: September
    assert page.locator(".tile").count() == 25
    assert page.locator("#budget-table tbody tr").count() == 27  # national, central MoSVY, 25 provinces
    assert page.locator("#indicator-table tbody tr").count() >= 5
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Khmer\"', 'ក')")
    assert page.evaluate("[...document.fonts].some(f => f.family.includes('Noto Sans Khmer') && f.status === 'loaded')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Tiles are big enough to touch and show their value.
    box = page.locator("#tile-12").bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    assert "%" in page.locator("#tile-12 .v").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "open-km-390.png"), full_page=True)
    page.screenshot(path=str(SCREENSHOTS / "open-km-390-top.png"), full_page=False)

    # A tile leads to the province's indicators; the selector to another published period.
    page.click("#tile-07")
    page.wait_for_url(lambda url: "province=07" in url)
    assert "កំពត" in page.locator("#indicators h2").inner_text()
    assert page.locator("#tile-07.selected").count() == 1
    page.select_option("select[name=period]", "2025-06")
    page.click("#choose button[type=submit]")
    page.wait_for_url(lambda url: "period=2025-06" in url)
    assert "មិថុនា" in page.locator("#as-of").inner_text()
    assert page.locator("html").get_attribute("lang") == "km"

    assert not [p for p in fetched if not (p == "/open" or p.startswith("/assets/fonts/"))], fetched
    assert page.context.cookies() == []


def test_the_open_page_in_english_on_a_desktop(published, demo_page_factory):
    page = demo_page_factory(width=1366, height=900)
    assert page.goto("/open?period=2025-06").status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert "June 2025 (Q2)" in page.locator("#as-of").inner_text()
    page.evaluate("document.fonts.ready")  # the Khmer font of the language switch
    page.screenshot(path=str(SCREENSHOTS / "open-en-1366.png"), full_page=True)
    with page.expect_download() as download:
        page.click("a[href^='/open/budget.csv']")
    assert download.value.suggested_filename == "mosvy-budget-2025-06.csv"
