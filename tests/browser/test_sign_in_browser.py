"""Signing in through the real login page in headless Chromium, as each role."""


import pytest
from playwright.sync_api import expect

from tests.helpers.web import PEOPLE, SCREENSHOTS, browser_login

NAVIGATION = {
    "budget_unit": ["Overview", "Provinces", "Programmes", "Submission", "Review", "Costing", "Data", "Methodology"],
    "mef_reviewer": ["Overview", "Provinces", "Programmes", "Submission", "Review", "Costing", "Methodology"],
    "director07": ["Overview", "Scorecard", "Programmes", "Submission", "Review", "Costing", "Methodology"],
    "director17": ["Overview", "Scorecard", "Programmes", "Submission", "Review", "Costing", "Methodology"],
    "admin": ["Methodology", "Users"],
}


def nav_texts(page) -> list[str]:
    return [text.strip() for text in page.locator("#nav a").all_inner_texts()]


@pytest.mark.parametrize("key", list(NAVIGATION))
def test_each_role_signs_in_and_sees_its_navigation(page_factory, key):
    page = page_factory()
    person = PEOPLE[key]
    browser_login(page, person)
    assert nav_texts(page) == NAVIGATION[key]
    assert page.locator("#user-name").inner_text() == f"Test {person.username}"
    if person.province:
        expected = {"07": "Kampot", "17": "Siemreap"}[person.province]
        assert page.locator("#user-province").inner_text() == expected
        assert page.locator("#nav-scorecard").get_attribute("href") == f"/scorecard/{person.province}"


def test_wrong_password_is_refused_in_the_browser(page_factory):
    page = page_factory()
    page.goto("/login")
    page.fill("#username", "budget")
    page.fill("#password", "not-the-password")
    page.click("#login-submit")
    assert page.locator("#login-error").inner_text() == "The user name or password is not correct."
    assert page.url.endswith("/login")


def test_anonymous_visit_lands_on_login_and_returns_after_sign_in(page_factory):
    page = page_factory()
    page.goto("/methodology")
    assert "/login" in page.url
    page.fill("#username", PEOPLE["mef_reviewer"].username)
    page.fill("#password", PEOPLE["mef_reviewer"].password)
    page.click("#login-submit")
    page.wait_for_selector("#shell .app-header")
    assert page.url.endswith("/methodology")


def test_khmer_navigation_is_shown_and_shaped(page_factory):
    page = page_factory()
    browser_login(page, PEOPLE["director07"])
    page.click("#lang-km")
    page.wait_for_selector("#shell.lang-km")
    assert nav_texts(page) == ["ទិដ្ឋភាពទូទៅ", "តារាងពិន្ទុ", "កម្មវិធី", "សំណើថវិកា", "ការពិនិត្យ", "ការគណនាថ្លៃដើម", "វិធីសាស្ត្រ"]
    assert page.locator("#user-role").inner_text() == "ប្រធានមន្ទីរខេត្ត"
    # The Khmer webfont from assets/ is the one used, not whatever the machine has.
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Khmer\"', 'ទិដ្ឋភាព')")
    loaded = page.evaluate(
        "Array.from(document.fonts)"
        ".filter(f => f.family.includes('Noto Sans Khmer') && f.status === 'loaded').length"
    )
    assert loaded >= 1
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "shell-km-1366.png"))
    # Back to English: the choice sticks to the user.
    page.click("#lang-en")
    page.wait_for_selector("#shell.lang-en")
    assert nav_texts(page)[0] == "Overview"


def test_login_page_in_khmer(page_factory):
    page = page_factory(width=390, height=800)
    page.goto("/login")
    page.click(".lang-switch button[lang=km]")
    page.wait_for_selector("body.lang-km")
    assert page.locator("h2").inner_text() == "ចូលប្រើប្រាស់"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "login-km-390.png"))


def test_unknown_address_shows_the_404_page(page_factory):
    page = page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/no-such-page")
    assert page.locator("#page-not-found h1").inner_text() == "Page not found"


def test_on_a_phone_the_menu_starts_folded_opens_on_a_tap_and_folds_once_a_page_is_chosen(page_factory):
    page = page_factory(width=390, height=844)
    browser_login(page, PEOPLE["budget_unit"])
    page.wait_for_selector(".page-title")
    expect(page.locator("#nav-provinces")).to_be_hidden()  # the page, not the menu, fills the first screen
    page.click(".nav-toggle")
    expect(page.locator("#nav-provinces")).to_be_visible()
    page.click("#nav-provinces")
    page.wait_for_url("**/provinces")
    expect(page.locator("#nav-provinces")).to_be_hidden()
    # On a desktop the menu is a row of links, always shown.
    desktop = page_factory()
    browser_login(desktop, PEOPLE["budget_unit"])
    expect(desktop.locator("#nav-provinces")).to_be_visible()
