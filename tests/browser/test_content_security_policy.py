"""Every page under the Content-Security-Policy in Chromium: no violation, and charts, grids and
the printed sheet still work.

Violations are caught twice: Chromium's console message ("… violates the following Content
Security Policy directive …") and the ``securitypolicyviolation`` DOM event, recorded by an init
script in every document. One browser context serves the whole visit, to keep the test quick.

``page.wait_for_function`` cannot be used under this policy: Playwright evaluates its predicate
with eval() in the page, which 'unsafe-eval' would have to allow. ``expect`` and
``page.evaluate`` (run through the DevTools protocol) are not affected.
"""

import re
import time

from playwright.sync_api import expect

from tests.helpers.web import PEOPLE, browser_login

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""
# These pages' charts are HTML (components/htmlcharts.py), drawn with inline styles set by React;
# the costing page's plotly charts are checked under the same policy by test_costing_page.py.
CHART = ".hchart .hc-drawing"
GRID_ROW = ".ag-center-cols-container .ag-row"
# page → what shows once its data has arrived, and whether it draws charts and grids
PAGES = {
    "/": ("#overview-map .hc-tile", True, False),
    "/provinces": ("#provinces-grid .ag-row", True, True),
    "/scorecard/07": ("#scorecard-indicators tbody tr", True, False),
    "/programmes": ("#programmes-grid .ag-row", False, True),
    "/data": ("#data-history .ag-row", False, True),
    "/methodology": ("#method-achievement", False, False),
}


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def _eventually(page, expression: str, timeout: float = 10.0) -> bool:
    """Poll ``expression`` through the DevTools protocol until it is truthy (or time runs out)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(50)
    return True


def test_no_page_violates_the_content_security_policy(demo_page_factory, live_server):
    page = demo_page_factory()
    context = page.context
    context.add_init_script(RECORD_VIOLATIONS)
    reported: list[str] = []
    context.on("console", lambda msg: reported.append(msg.text) if "Content Security Policy" in msg.text else None)
    seen: dict[str, list[str]] = {}

    def settle(path: str) -> None:
        seen[path] = _violations(page)

    # The sign-in page, then every page the budget unit has.
    browser_login(page, PEOPLE["budget_unit"])
    settle("/login")
    for path, (ready, charts, grids) in PAGES.items():
        page.goto(path)
        page.wait_for_selector(ready)
        if charts:
            page.wait_for_selector(CHART)
        if grids:
            row = page.locator(GRID_ROW).first
            # Styled by AG Grid's theme, which it injects as a <style> element: rows have height.
            assert row.bounding_box()["height"] > 10, path
        settle(path)
    # The clientside callbacks (inline scripts allowed by hash) ran: the address follows the
    # selectors.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"[?&]period="))
    settle("/ (clientside)")

    # The A4 sheet, with its print button wired by a script file, not an inline handler.
    page.goto("/scorecard/07/print")
    page.wait_for_selector("#sheet-indicators tbody tr")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("#sheet-print")
    assert page.evaluate("window.__printed === true")
    settle("/scorecard/07/print")

    # The administrator's users page.
    context.clear_cookies()
    browser_login(page, PEOPLE["admin"])
    page.goto("/users")
    page.wait_for_selector("#users-grid .ag-row")
    settle("/users")

    assert not reported, reported
    assert all(not found for found in seen.values()), seen

    # The policy is in force and both detectors work: an inline script nobody hashed is
    # refused. On a page of its own, whose console the factory does not watch.
    canary = context.new_page()
    canary.goto(f"{live_server}/methodology")
    canary.wait_for_selector("#method-achievement")
    canary.evaluate("""() => { const s = document.createElement('script');
                               s.textContent = 'window.__ran = true'; document.head.appendChild(s); }""")
    assert _eventually(canary, "window.__csp.length > 0")
    assert canary.evaluate("window.__ran") is None
    assert _violations(canary)[0].startswith("script-src")
    assert any("Content Security Policy" in text for text in reported)
    canary.close()
