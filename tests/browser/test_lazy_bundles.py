"""AG Grid's bundle comes with the first grid: a chart page never fetches it, and a grid page
reached afterwards (without a reload) loads it once and draws its grid."""

from tests.helpers.web import PEOPLE, browser_login


def test_charts_without_the_grid_bundle_then_a_grid_loaded_on_demand(demo_page_factory):
    page = demo_page_factory()
    grid_bundles: list[str] = []
    page.on("request", lambda request: grid_bundles.append(request.url) if "/dash_ag_grid/" in request.url else None)
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/")
    page.wait_for_selector("#overview-programmes .hc-bar-paid")
    page.wait_for_selector("#overview-map .hc-tile")
    assert grid_bundles == []
    # The programmes page through the menu: the page is not reloaded, the stand-in fetches the grid.
    page.click("a.nav-link[href='/programmes']")
    page.wait_for_selector("#programmes-grid .ag-row")
    assert len([url for url in grid_bundles if "dash_ag_grid.v" in url]) == 1
    # The stand-in stays the component Dash renders (no remount), with the grid's helpers beside it.
    assert page.evaluate("window.dash_ag_grid.AgGrid.dashRenderType === true"
                         " && typeof window.dash_ag_grid.getApi === 'function'")
    assert page.evaluate("dash_ag_grid.getApi('programmes-grid').getDisplayedRowCount()") > 0
