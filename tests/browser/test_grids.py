"""Grids for people: amounts in the cards' short form with every riel on hover, nothing cut off,
in both languages, on a desktop (1280 px) and a phone (390 px)."""

from __future__ import annotations

import pytest

from tests.helpers.web import PEOPLE, SCREENSHOTS, browser_login, browser_switch_language

# Every cell and header whose text is wider than its box, i.e. cut with an ellipsis.
CUT = """() => [...document.querySelectorAll('#provinces-grid .ag-cell-value, #provinces-grid .ag-header-cell-text')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent)"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_provinces_grid_shows_whole_short_amounts_with_the_exact_riels_on_hover(demo_page_factory, lang,
                                                                                    width):
    page = demo_page_factory(width=width, height=900)
    browser_login(page, PEOPLE["budget_unit"])
    browser_switch_language(page, lang, "/provinces")
    page.goto("/provinces?year=2025&period=2025-06")
    page.wait_for_selector("#provinces-grid .ag-row")
    revised = page.locator("#provinces-grid .ag-row[row-id='07'] [col-id='revised']").first
    shown = revised.inner_text().strip()
    if lang == "en":
        assert shown.startswith("KHR ") and shown.endswith((" bn", " m")), shown
    else:
        assert shown.endswith(("ពាន់លាន", "លាន")) and any("០" <= c <= "៩" for c in shown), shown
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"provinces-grid-{lang}-{width}.png"), full_page=False)
    # Every column of the first screen (a phone scrolls sideways for the rest) is whole.
    assert page.evaluate(CUT) == []
    revised.hover()
    tooltip = page.wait_for_selector(".ag-tooltip")
    exact = tooltip.inner_text().strip()
    if lang == "en":
        assert exact.startswith("KHR ") and exact.count(",") >= 3, exact
    else:
        assert exact.endswith("រៀល") and exact.count(".") >= 3, exact
    # Scrolled to its last columns, the grid cuts nothing either.
    page.evaluate("document.querySelector('#provinces-grid .ag-center-cols-viewport').scrollLeft = 10000")
    page.wait_for_timeout(200)
    assert page.evaluate(CUT) == []
