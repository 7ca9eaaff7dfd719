"""PostgreSQL going away behind a proxy we cut: a translated message instead of a traceback,
nothing half-written, and recovery by itself when the link returns."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db.engine import get_engine
from etl.load import load_file
from tests.faults.proxy import TcpProxy
from tests.helpers.web import (
    PEOPLE,
    SCREENSHOTS,
    AuthActions,
    add_people,
    callback_payload,
    dash_post,
    find_dependency,
    post_with_csrf,
)
from tests.helpers.workbooks import load_scaled_reference, write_execution_month

UNAVAILABLE_EN = "Data is temporarily unavailable. Please try again in a moment."
UNAVAILABLE_KM = "ទិន្នន័យមិនអាចប្រើបានបណ្តោះអាសន្ន។"


@pytest.fixture
def proxy(postgres_url):
    from sqlalchemy.engine import make_url

    target = make_url(postgres_url)
    link = TcpProxy((target.host or "127.0.0.1", target.port or 5432)).start()
    yield link
    link.cut()


@pytest.fixture
def proxied_app(app, postgres_url, proxy, tmp_path):
    """The app reading PostgreSQL through the proxy, with a month of execution loaded."""
    load_scaled_reference(postgres_url, tmp_path)
    assert load_file(write_execution_month(tmp_path), url=postgres_url).status == "loaded"
    add_people(postgres_url)
    url = proxy.url(postgres_url)
    previous = app.config["PIB_DATABASE_URL"]
    app.config["PIB_DATABASE_URL"] = url
    yield app
    app.config["PIB_DATABASE_URL"] = previous
    get_engine(url).dispose()


def _signed_in(app, who: str):
    client = app.test_client()
    person = PEOPLE[who]
    assert AuthActions(client).login(person.username, person.password).status_code == 302
    return client


def _overview(client) -> str:
    dependency = find_dependency(client, "overview-kpis")
    payload = callback_payload(dependency, {"overview-year.value": 2024, "overview-period.value": "2024-06",
                                            "overview-metric.value": "execution_rate"})
    answer = dash_post(client, payload)
    assert answer.status_code == 200, answer.data[:300]
    return answer.get_data(as_text=True)


def test_a_cut_link_gives_a_translated_message_and_the_app_recovers_by_itself(proxied_app, proxy, postgres_url):
    budget = _signed_in(proxied_app, "budget_unit")
    director = _signed_in(proxied_app, "director07")
    post_with_csrf(director, "/lang/km", {"next": "/"})
    before = _overview(budget)
    assert "Revised budget 2024" in before and UNAVAILABLE_EN not in before

    proxy.cut()
    # Callbacks: the message in the user's language, never a traceback.
    during = _overview(budget)
    assert UNAVAILABLE_EN in during and "Traceback" not in during
    assert UNAVAILABLE_KM in _overview(director)
    # A callback without a message of its own: the shell's alert region says it.
    selectors = find_dependency(budget, "overview-year")
    answer = dash_post(budget, callback_payload(selectors, {"overview-asked.data": {}})).get_json()
    assert answer["sideUpdate"]["shell-alert"]["children"][0]["props"]["children"] == UNAVAILABLE_EN
    # Pages still open (the signed session says who the user is) and the API says 503.
    page = budget.get("/")
    assert page.status_code == 200 and b"Traceback" not in page.data
    api = budget.get("/api/v1/budget?year=2024")
    assert api.status_code == 503 and api.get_json()["error"] == "unavailable"
    assert budget.get("/scorecard/07/pdf?year=2024&period=2024-06").status_code == 503
    # Somebody signing in meanwhile is told why it cannot work.
    refused = AuthActions(proxied_app.test_client()).login("reviewer", PEOPLE["mef_reviewer"].password)
    assert refused.status_code == 200 and UNAVAILABLE_EN.encode() in refused.data

    proxy.restore()
    # No restart: the pool notices its dead connections and opens new ones.
    after = _overview(budget)
    assert "Revised budget 2024" in after and UNAVAILABLE_EN not in after
    assert budget.get("/api/v1/budget?year=2024").status_code == 200


def test_a_load_cut_in_the_middle_of_its_data_writes_nothing(proxied_app, proxy, postgres_url, tmp_path):
    month = write_execution_month(tmp_path, month=7)
    with get_engine(postgres_url).connect() as conn:
        counts = conn.execute(text("SELECT (SELECT COUNT(*) FROM budget_fact), (SELECT COUNT(*) FROM budget_mart), "
                                   "(SELECT COUNT(*) FROM load_batch), (SELECT COUNT(*) FROM audit_log)")).one()
    # The month's rows are some 900 KB of CSV on the wire: cut after 300 KB of it.
    proxy.cut_after(300_000)
    report = load_file(month, url=proxy.url(postgres_url))
    assert report.status == "failed"
    assert report.summary() == (f"{month.name}: the database did not answer; nothing was loaded, "
                                "load the file again later")
    assert [p.type for p in report.problems] == ["database-unavailable"]
    with get_engine(postgres_url).connect() as conn:
        assert conn.execute(text("SELECT (SELECT COUNT(*) FROM budget_fact), (SELECT COUNT(*) FROM budget_mart), "
                                 "(SELECT COUNT(*) FROM load_batch), (SELECT COUNT(*) FROM audit_log)")).one() == counts
    # Back again, the same file loads in full: nothing of the first try was left to make it a duplicate.
    proxy.restore()
    again = load_file(month, url=proxy.url(postgres_url))
    assert again.status == "loaded" and again.rows == 7240


def test_in_the_browser_the_outage_is_a_message_in_khmer_and_a_reload_brings_the_figures_back(
        proxied_app, proxy, browser, live_server):
    from tests.helpers.web import PageFactory, browser_login, browser_switch_language

    pages = PageFactory(browser, live_server)
    page = pages()
    browser_login(page, PEOPLE["budget_unit"])
    browser_switch_language(page, "km", "/provinces")
    page.wait_for_selector("#provinces-map .hc-tile")

    proxy.cut()
    page.goto("/provinces?year=2024&period=2024-06")
    page.wait_for_selector("#shell-alert:has-text('ទិន្នន័យមិនអាចប្រើបានបណ្តោះអាសន្ន')")
    assert "Traceback" not in page.content()
    # Not the misleading "no data loaded yet", and the grid's own words in Khmer too.
    assert not page.locator("#provinces-message").is_visible()
    assert "No Rows To Show" not in page.inner_text("#provinces-grid")
    page.screenshot(path=str(SCREENSHOTS / "budget_unit_provinces-outage-km-1366.png"), full_page=True)

    proxy.restore()
    page.locator("#shell-alert a").click()  # "reload"
    page.wait_for_selector("#provinces-map .hc-tile")
    assert page.locator("#shell-alert").inner_text() == ""
    pages.close()
