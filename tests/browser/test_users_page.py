"""The administrator's users page in Chromium."""

from tests.helpers.web import PEOPLE, SCREENSHOTS, browser_login


def test_administrator_lists_and_creates_users(page_factory):
    page = page_factory()
    browser_login(page, PEOPLE["admin"])
    page.click("#nav-users")
    page.wait_for_selector("#users-grid .ag-row")
    names = page.locator("#users-grid .ag-row [col-id=username]").all_inner_texts()
    assert sorted(n.strip() for n in names) == ["admin", "budget", "director07", "director17", "reviewer"]
    page.fill("#users-new-name", "director21")
    page.fill("#users-new-full", "Director, Takeo")
    page.click("#users-new-role")
    page.get_by_role("option", name="Provincial director").click()
    page.click("#users-new-province")
    page.get_by_role("option", name="21 Takeo").click()
    page.fill("#users-new-password", "takeo-pass-123")
    # A director reads figures: the administrator's own password is asked for again.
    page.click("#users-create")
    page.wait_for_selector("text=Enter your own password to confirm this change.")
    page.fill("#users-new-password", "takeo-pass-123")
    page.fill("#users-own-password", PEOPLE["admin"].password)
    page.click("#users-create")
    page.wait_for_selector("text=User director21 created.")
    page.wait_for_selector("#users-grid .ag-row >> text=director21")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "users-1366.png"), full_page=True)


def test_other_roles_get_not_permitted_on_the_users_page(page_factory):
    page = page_factory()
    browser_login(page, PEOPLE["mef_reviewer"])
    page.goto("/users")
    assert page.locator("#page-forbidden h1").inner_text() == "Not permitted"
    assert page.locator("#users-grid").count() == 0
