"""Every page each role may use, in Chromium on the demo data, in English and Khmer, at 1366 px
and on a 390 px phone; screenshots go to tests/browser/screenshots/ for a person to look at."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from db.engine import get_engine
from tests.helpers.web import PEOPLE, SCREENSHOTS, browser_login, browser_switch_language

# page path → an element that only shows once the page's data has arrived
READY = {
    "/": "#overview-map .hc-tile",
    "/provinces": "#provinces-map .hc-tile",
    "/scorecard/07": "#scorecard-indicators tbody tr",
    "/scorecard/17": "#scorecard-indicators tbody tr",
    "/programmes": "#programmes-grid .ag-row",
    "/submission": "#submission-none",  # the demo has no submission (tests/browser/test_submission_page.py opens one)
    "/data": "#data-history .ag-row",
    "/methodology": "#method-achievement",
    "/users": "#users-grid .ag-row",
}
PAGES = {
    "budget_unit": ["/", "/provinces", "/scorecard/07", "/programmes", "/submission", "/data", "/methodology"],
    "mef_reviewer": ["/", "/provinces", "/scorecard/17", "/programmes", "/submission", "/methodology"],
    "director07": ["/", "/scorecard/07", "/programmes", "/submission", "/methodology"],
    "admin": ["/methodology", "/users"],
}
CASES = [(role, path) for role, paths in PAGES.items() for path in paths]


def _switch(page, lang):
    browser_switch_language(page, lang, "/methodology")


@pytest.mark.parametrize("lang", ["en", "km"])
@pytest.mark.parametrize(("role", "path"), CASES, ids=[f"{r}{p.replace('/', '_')}" for r, p in CASES])
def test_each_page_renders_for_each_role_in_both_languages(demo_page_factory, role, path, lang):
    page = demo_page_factory()
    browser_login(page, PEOPLE[role])
    _switch(page, lang)
    page.goto(path)
    page.wait_for_selector(READY[path])
    assert page.locator("#page-forbidden").count() == 0
    if lang == "km":
        # Khmer on screen where the page has words of its own.
        assert any("\u1780" <= ch <= "\u17ff" for ch in page.locator("h1").inner_text())
    SCREENSHOTS.mkdir(exist_ok=True)
    name = f"{role}{path.replace('/', '_')}-{lang}"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-1366.png"), full_page=True)
    if lang == "en":
        phone = demo_page_factory(width=390, height=844)
        browser_login(phone, PEOPLE[role])
        phone.goto(path)
        phone.wait_for_selector(READY[path])
        # Nothing wider than the phone's screen, but for tables that scroll in their own box.
        overflow = phone.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 400, overflow
        phone.screenshot(path=str(SCREENSHOTS / f"{name}-390.png"), full_page=True)


def test_overview_kpis_equal_the_api(demo_page_factory, demo_client_as):
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/")
    page.wait_for_selector("#kpi-revised-value")
    year = page.locator("#overview-year").inner_text().strip()
    period = page.locator("#overview-period").inner_text().strip()
    api = demo_client_as("budget_unit").get(f"/api/v1/budget?year={year}&period={period}").get_json()["rows"][0]
    exact = page.locator("#kpi-revised-value").get_attribute("title")
    assert exact == f"KHR {api['revised']:,}"
    assert page.locator("#kpi-paid-value").get_attribute("title") == f"KHR {api['paid']:,}"
    assert f"{round(100 * api['paid'] / api['revised'])} % of revised" in page.locator("#kpi-paid").inner_text()


def test_director_sees_his_province_highlighted_and_no_other_values(demo_page_factory):
    page = demo_page_factory()
    browser_login(page, PEOPLE["director07"])
    page.goto("/")
    page.wait_for_selector("#kpi-revised-value")
    page.wait_for_selector("#overview-map .hc-tile")
    own = page.locator("#overview-map .hc-tile-own")
    assert own.locator(".hc-tile-name").inner_text() == "Kampot ◆"
    assert own.locator(".hc-tile-value").inner_text().endswith("%")
    assert own.evaluate("e => getComputedStyle(e).boxShadow").startswith("rgb(209, 36, 47)")  # the red ring
    greyed = page.locator("#overview-map .hc-tile-hidden")
    assert greyed.count() == 24 and page.locator("#overview-map .hc-tile-value").count() == 1
    assert not any(ch.isdigit() for ch in "".join(greyed.all_inner_texts()))


def test_the_overview_and_the_scorecard_draw_their_charts_without_plotly_js(demo_page_factory):
    """On a provincial link plotly.js was a third of a first visit: these pages draw HTML charts."""
    page = demo_page_factory()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    browser_login(page, PEOPLE["director07"])
    page.goto("/")
    expect(page.locator("#overview-programmes .hc-bar-paid")).to_have_count(3)
    expect(page.locator("#overview-status .hc-segment").first).to_be_visible()
    expect(page.locator("#overview-map .hc-tile")).to_have_count(25)
    page.goto("/scorecard/07")
    expect(page.locator("#scorecard-budget .hc-bar-paid").first).to_be_visible()
    expect(page.locator("#scorecard-quadrant .hc-dot").first).to_be_visible()
    # The quadrant's two dotted lines and four corner labels, and its points inside the plot.
    assert page.locator("#scorecard-quadrant .hc-line").count() == 2
    assert page.locator("#scorecard-quadrant .hc-corner").count() == 4
    plot = page.locator("#scorecard-quadrant .hc-plot").bounding_box()
    for dot in page.locator("#scorecard-quadrant .hc-dot").all():
        box = dot.bounding_box()
        assert plot["x"] - 7 <= box["x"] and box["x"] + box["width"] <= plot["x"] + plot["width"] + 7
        assert plot["y"] - 7 <= box["y"] and box["y"] + box["height"] <= plot["y"] + plot["height"] + 7
    # A bar's length is its share of the largest amount: the paid bar of a programme is as long,
    # against the revised one, as its execution rate.
    revised = page.locator("#scorecard-budget .hc-bar-revised").first.bounding_box()["width"]
    paid = page.locator("#scorecard-budget .hc-bar-paid").first.bounding_box()["width"]
    title = page.locator("#scorecard-budget .hc-track").nth(1).get_attribute("title")
    assert 0 < paid < revised and title.startswith("Social welfare · Paid: KHR ")
    assert not [url for url in fetched if "plotly" in url or "async-graph" in url], fetched
    assert page.evaluate("typeof window.Plotly") == "undefined"


@pytest.mark.parametrize(("role", "path", "chart"), [("budget_unit", "/", "#overview-map .hc-tile"),
                                                     ("budget_unit", "/provinces", "#provinces-map .hc-tile"),
                                                     ("director07", "/scorecard/07", "#scorecard-quadrant .hc-dot")])
def test_the_charts_fit_a_phone_in_khmer(demo_page_factory, role, path, chart):
    """Khmer labels are the longest: the charts wrap them rather than widen a 390 px screen."""
    phone = demo_page_factory(width=390, height=844)
    browser_login(phone, PEOPLE[role])
    _switch(phone, "km")
    phone.goto(path)
    phone.wait_for_selector(chart)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for box in phone.locator(".hchart").all():
        edge = box.bounding_box()
        assert edge["x"] >= 0 and edge["x"] + edge["width"] <= 390, edge


def test_a_tile_of_the_provinces_map_opens_its_scorecard_from_the_keyboard(demo_page_factory):
    page = demo_page_factory()
    browser_login(page, PEOPLE["mef_reviewer"])
    page.goto("/provinces?year=2025&period=2025-06")
    kep = page.locator("#provinces-map a.hc-tile-link[href^='/scorecard/23']")
    expect(kep).to_have_attribute("href", "/scorecard/23?year=2025&period=2025-06")
    kep.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#page-scorecard")
    assert page.locator("h1").inner_text() == "Scorecard: Kep"
    # The selectors are filled by a callback after the page frame is drawn: wait for it.
    expect(page.locator("#scorecard-period")).to_have_text(re.compile(r"^\s*2025-06\s*$"))


def test_director_opening_another_province_gets_not_permitted_and_it_is_audited(demo_page_factory, demo_db):
    page = demo_page_factory()
    browser_login(page, PEOPLE["director07"])
    page.goto("/scorecard/17")
    page.wait_for_selector("#page-forbidden")
    assert page.locator("#page-forbidden h1").inner_text() == "Not permitted"
    with get_engine(demo_db).connect() as conn:
        found = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'forbidden' "
                                  "AND username = 'director07'")).scalars().all()
    assert any("province 17" in detail for detail in found)


def test_clicking_a_province_opens_its_scorecard(demo_page_factory):
    page = demo_page_factory()
    browser_login(page, PEOPLE["mef_reviewer"])
    page.goto("/provinces")
    page.wait_for_selector("#provinces-grid .ag-row")
    page.locator("#provinces-grid .ag-row[row-id='23'] [col-id=name]").click()
    page.wait_for_selector("#page-scorecard")
    assert "/scorecard/23?year=" in page.url
    assert page.locator("h1").inner_text() == "Scorecard: Kep"


def test_scorecard_link_with_a_period_is_shared_as_is(demo_page_factory):
    page = demo_page_factory()
    browser_login(page, PEOPLE["director07"])
    page.goto("/scorecard/07?year=2024&period=2024-06")
    page.wait_for_selector("#scorecard-indicators tbody tr")
    assert page.locator("#scorecard-year").inner_text().strip() == "2024"
    assert page.locator("#scorecard-period").inner_text().strip() == "2024-06"
    # The printed sheet and the PDF are those of the period on screen.
    assert page.get_attribute("#scorecard-pdf-link", "href") == "/scorecard/07/pdf?year=2024&period=2024-06"
    with page.expect_popup() as popup:
        page.click("#scorecard-sheet-link")
    sheet = popup.value
    sheet.wait_for_selector("#sheet-indicators tbody tr")
    assert "Fiscal year 2024, up to 2024-06" in sheet.inner_text("header")
    assert "កំពត" in sheet.inner_text("h1")
    sheet.screenshot(path=str(SCREENSHOTS / "director07_scorecard_sheet-1366.png"), full_page=True)


def test_scorecard_drills_down_to_communes_and_opens_a_figures_sources(demo_page_factory):
    page = demo_page_factory()
    browser_login(page, PEOPLE["director07"])
    page.goto("/scorecard/07?year=2025&period=2025-06")
    page.wait_for_selector("#scorecard-drill-table tbody tr")
    first = page.locator("#scorecard-drill-table tbody tr").first.inner_text()
    assert first.startswith("070")  # Kampot's districts and communes only
    # The first 25 are drawn at once; the rest (the demo has 93 in Kampot) on a click.
    assert page.locator("#scorecard-drill-table tbody tr").count() == 25
    page.click("#scorecard-drill-all")
    # Drawing all 93 rows takes Chromium seconds (the reason for the button); on a busy machine more.
    expect(page.locator("#scorecard-drill-table tbody tr")).to_have_count(93, timeout=30_000)
    expect(page.locator("#scorecard-drill-all")).to_be_hidden()
    page.locator("#scorecard-row-FP_PW button").click()
    page.wait_for_selector("#scorecard-lineage-list li")
    sources = page.locator("#scorecard-lineage-list").inner_text()
    assert sources.startswith("indicators-2025-Q2.xlsx, sheet data: 93 row(s)")
    assert page.locator("#scorecard-quadrant .hc-dot").count() >= 1


def test_the_address_follows_the_selectors_so_a_copied_link_shows_the_same_view(demo_page_factory):
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/")
    page.wait_for_selector("#kpi-revised-value")
    # expect, not wait_for_function: under the Content-Security-Policy the page refuses the
    # eval() Playwright polls a function with.
    expect(page).to_have_url(re.compile(r"[?&]period=2025-09"))
    page.click("#overview-period")
    page.get_by_role("option", name="2025-06").click()
    expect(page).to_have_url(re.compile(r"[?&]period=2025-06"))
    assert "year=2025" in page.url
    page.goto(page.url)  # the copied link, opened again
    page.wait_for_selector("#kpi-revised-value")
    assert page.locator("#overview-period").inner_text().strip() == "2025-06"


def test_the_load_history_downloads_as_excel(demo_page_factory, tmp_path):
    import openpyxl

    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/data")
    page.wait_for_selector("#data-history .ag-row")
    with page.expect_download() as download:
        page.click("#data-history-xlsx")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "load-history.xlsx"
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Batch", "When", "Who", "File"]
    assert sheet.max_row == 62  # the header and the demo's 61 batches
    assert isinstance(sheet["H2"].value, int)  # rows stay numbers


def test_a_programme_figure_opens_its_sources(demo_page_factory):
    page = demo_page_factory()
    browser_login(page, PEOPLE["director07"])
    page.goto("/programmes?year=2025&period=2025-06")
    page.wait_for_selector("#programmes-grid .ag-row")
    page.click("#programmes-grid .ag-row[row-index='0'] [col-id='sources']")
    page.wait_for_selector("#programmes-lineage-list li")
    sources = page.locator("#programmes-lineage-list").inner_text()
    # A director sees the sources of the national figure only for central MoSVY and Kampot.
    assert sources.startswith("execution-2025-06.xlsx, sheet data: ")
    count = int(sources.split("sheet data: ")[1].split(" row")[0])
    assert 0 < count < 30  # Kampot's and central rows of P1, not the 25 provinces'


def test_an_activity_row_opens_its_own_sources(demo_page_factory, demo_db):
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/programmes?year=2025&period=2025-06")
    page.wait_for_selector("#programmes-grid .ag-row")
    row = page.locator("#programmes-grid .ag-center-cols-container .ag-row.level-activity").first
    activity = row.get_attribute("row-id")
    row.locator("[col-id='sources']").click()
    page.wait_for_selector("#programmes-lineage-list li")
    sources = page.locator("#programmes-lineage-list").inner_text()
    with get_engine(demo_db).connect() as conn:
        expected = conn.execute(text("SELECT COUNT(*) FROM budget_fact WHERE activity_code = :a "
                                     "AND period = '2025-06'"), {"a": activity}).scalar_one()
    assert sources.startswith(f"execution-2025-06.xlsx, sheet data: {expected} row(s) (")


def test_programme_indicators_download_as_csv(demo_page_factory, tmp_path):
    page = demo_page_factory()
    browser_login(page, PEOPLE["mef_reviewer"])
    page.goto("/programmes?year=2025&period=2025-06")
    page.wait_for_selector("#programmes-indicator-table tbody tr")
    with page.expect_download() as download:
        page.click("#programmes-ind-csv")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert path.name == "indicators-2025-06.csv"
    assert lines[0].startswith('"Programmes","Indicator code","Indicator","Target","Actual",'
                               '"Achievement (fraction, 1 = 100 %)","Status"')
    assert len(lines) == 11  # the header and the ten indicators of the catalogue


def test_uploading_a_good_and_a_broken_workbook_through_the_page(demo_page_factory, demo_db, tmp_path):
    import openpyxl

    from tests.helpers.workbooks import exec_row, execution_xlsx

    good, broken = tmp_path / "october.xlsx", tmp_path / "broken.xlsx"
    good.write_bytes(execution_xlsx([exec_row(period="2025-10", paid=4242)]))
    broken.write_bytes(execution_xlsx([exec_row(period="2025-10", paid=-1),
                                       exec_row(period="2025-10", entity="99")]))
    page = demo_page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/data")
    page.wait_for_selector("#data-history .ag-row")
    page.set_input_files("#data-upload input[type=file]", [str(good), str(broken)])
    page.wait_for_selector("#data-summary-list li.load-rejected", timeout=30_000)
    summary = page.locator("#data-summary-list").inner_text()
    assert "october.xlsx: loaded — 1 execution row(s) as batch" in summary
    # The report names the broken file's rows and columns, one line per problem.
    page.wait_for_selector("#data-report .ag-row")
    assert page.locator("#data-report .ag-row").count() == 2
    report_text = page.locator("#data-report").inner_text()
    assert "broken.xlsx" in report_text and "paid" in report_text and "entity" in report_text
    # The history shows both attempts; the database holds only the good file's figure.
    expect(page.locator("#data-history .ag-row").nth(24)).to_be_attached(timeout=20_000)
    history = page.locator("#data-history").inner_text()
    assert "october.xlsx" in history and "broken.xlsx" in history
    with get_engine(demo_db).connect() as conn:
        paid = conn.execute(text("SELECT paid FROM budget_fact WHERE period = '2025-10'")).scalars().all()
    assert paid == [4242]
    with page.expect_download() as download:
        page.click("#data-report-xlsx")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert path.name == "validation-report.xlsx"
    assert [c.value for c in sheet[1]][:4] == ["File", "Sheet", "Row", "Column"]
    assert sorted((r[0], r[2], r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)) == [
        ("broken.xlsx", 2, "paid"), ("broken.xlsx", 3, "entity")]


def test_a_large_structure_opens_a_cluster_when_its_name_is_clicked(page_factory, sqlite_app_db, tmp_path):
    from etl.load import load_file
    from tests.helpers.workbooks import load_scaled_reference, write_execution_month

    load_scaled_reference(sqlite_app_db, tmp_path)
    assert load_file(write_execution_month(tmp_path), url=sqlite_app_db).status == "loaded"
    page = page_factory()
    browser_login(page, PEOPLE["budget_unit"])
    page.goto("/programmes?year=2024&period=2024-06")
    page.wait_for_selector("#programmes-grid .ag-row.level-activity_cluster")
    assert page.locator("#programmes-grid .ag-center-cols-container .ag-row.level-activity").count() == 0
    assert page.inner_text("#programmes-tree-note").startswith("360 activities are folded")
    page.click("#programmes-grid .ag-row[row-id='P2.1.2'] [col-id='label']")
    page.wait_for_selector("#programmes-grid .ag-row.level-activity")
    assert page.inner_text("#programmes-tree-note").startswith("320 activities are folded")
    assert "▾ P2.1.2" in page.inner_text("#programmes-grid .ag-row[row-id='P2.1.2']")
    page.screenshot(path=str(SCREENSHOTS / "budget_unit_programmes-large-1366.png"))
