"""The hearing page in Chromium: MEF questions a line, the budget unit answers in its thread (with
markup that shows as text), MEF endorses; then a director reads it on a 390 px phone in Khmer.
Screenshots go to tests/browser/screenshots/."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import text

from db.engine import get_engine
from tests.helpers.review import hearing
from tests.helpers.web import PEOPLE, SCREENSHOTS, browser_login, browser_switch_language


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _open(page, line: int) -> None:
    page.click(f"#review-line-{line} .line-open")
    expect(page.locator("#review-detail")).to_have_class("review-detail open")


def test_mef_asks_the_budget_unit_answers_mef_endorses_and_a_director_reads_it_on_a_phone(page_factory, sqlite_app_db,
                                                                                          tmp_path):
    url = sqlite_app_db
    lines = hearing(url, tmp_path)["lines"]
    kampot = lines["07"]

    mef = page_factory()
    browser_login(mef, PEOPLE["mef_reviewer"])
    mef.goto("/review?year=2026")
    mef.wait_for_selector(f"#review-line-{kampot}")
    expect(mef.locator("#review-state-badge")).to_contain_text("Submitted to MEF")
    # Flagged first: Kampot's line (more while off track) comes before Kandal's.
    order = mef.locator(".review-line").evaluate_all("nodes => nodes.map(n => n.dataset.line)")
    assert order == [str(kampot), str(lines["08"])]
    _open(mef, kampot)
    mef.get_by_label("Question").check()
    mef.click("#review-decide")
    expect(mef.locator("#review-line-message")).to_contain_text("the line is questioned")
    mef.fill("#review-line-text", "Why does Kampot ask for more with 25 % spent by September?")
    mef.click("#review-line-send")
    expect(mef.locator("#review-line-thread")).to_contain_text("Why does Kampot ask for more")
    expect(mef.locator(f"#review-line-{kampot} .waiting-badge")).to_be_visible()
    mef.click("#review-endorse")
    expect(mef.locator("#review-act-message")).to_contain_text("Not endorsed: 1 question(s)")
    expect(mef.locator("#review-waiting-list")).to_contain_text("07 Kampot · P1.1.1 · 62 · RGC")
    _shot(mef, "review-mef_reviewer-question-en-1366")

    unit = page_factory()
    browser_login(unit, PEOPLE["budget_unit"])
    unit.goto("/review")
    unit.wait_for_selector(f"#review-line-{kampot} .waiting-badge")
    _open(unit, kampot)
    expect(unit.locator("#review-decision-box")).to_be_hidden()
    answer = "Arrears of <b>two months</b> fall due in October <script>alert(1)</script>"
    unit.fill("#review-line-text", answer)
    unit.click("#review-line-send")
    expect(unit.locator("#review-comment-message")).to_contain_text("Your comment is added")
    last = unit.locator("#review-line-thread .comment-text").last
    expect(last).to_have_text(answer)  # the markup shows as typed
    assert unit.locator("#review-line-thread b, #review-line-thread script").count() == 0
    expect(unit.locator(f"#review-line-{kampot} .waiting-badge")).to_have_count(0)
    _shot(unit, "review-budget_unit-answer-en-1366")

    mef.reload()
    mef.wait_for_selector(f"#review-line-{kampot}")
    mef.click("#review-endorse")
    expect(mef.locator("#review-act-message")).to_contain_text("Endorsed.")
    expect(mef.locator("#review-act-message")).to_be_visible()
    expect(mef.locator("#review-actions-panel")).to_be_hidden()  # nothing left to decide
    expect(mef.locator("#review-state-badge")).to_contain_text("Endorsed by MEF")
    with get_engine(url).connect() as conn:
        assert conn.execute(text("SELECT status FROM submission")).scalar_one() == "endorsed"
    _open(mef, kampot)
    expect(mef.locator("#review-line-thread .comment")).to_have_count(2)
    # The history is read when its panel is opened: newest first, who did what.
    mef.click("#review-history-details summary")
    expect(mef.locator("#review-history-list li").first).to_contain_text("endorsed by MEF")
    expect(mef.locator("#review-history-list")).to_contain_text("Why does Kampot ask for more")
    expect(mef.locator("#review-history-list")).to_contain_text("budget")
    _shot(mef, "review-mef_reviewer-endorsed-en-1366")

    # The director of Kampot on a 390 px phone, in Khmer.
    page = page_factory(width=390, height=844)
    browser_login(page, PEOPLE["director07"])
    browser_switch_language(page, "km", "/review")
    page.wait_for_selector(f"#review-line-{lines['07']}")
    assert page.locator(".review-line").count() == 1  # his province's line only
    assert any("\u1780" <= ch <= "\u17ff" for ch in page.inner_text("#review-hearing"))
    # Nothing wider than the phone; the header comes before the lines.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 2
    assert page.locator("#review-totals").bounding_box()["y"] < page.locator("#review-hearing").bounding_box()["y"]
    _shot(page, "review-director07-km-390")
    _open(page, lines["07"])
    detail = page.locator("#review-detail").bounding_box()
    assert detail["x"] == 0 and detail["width"] == 390  # the chosen line opens over the list
    expect(page.locator("#review-line-thread .comment")).to_have_count(2)
    expect(page.locator("#review-line-compose")).to_be_visible()
    expect(page.locator("#review-decision-box")).to_be_hidden()
    # Decision and thread stack: the thread below the decision, each the screen's width.
    decision = page.locator("#review-detail-decision").bounding_box()
    thread = page.locator("#review-line-thread").bounding_box()
    assert thread["y"] > decision["y"] and thread["width"] > 300
    page.screenshot(path=str(SCREENSHOTS / "review-director07-km-390-line.png"))
    page.click("#review-close")
    expect(page.locator("#review-detail")).to_be_hidden()
