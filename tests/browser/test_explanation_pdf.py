"""A director explains a deviation on his scorecard in Chromium, and the explanation is in the
PDF scorecard he downloads next (its text read back with pypdf)."""

from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.helpers.web import PEOPLE, SCREENSHOTS, browser_login

REASON = "Payments stopped for two months when the provider changed."
ACTION = "Arrears paid in October with a monthly reconciliation."


def test_an_explanation_written_on_the_scorecard_appears_in_the_pdf(demo_page_factory, tmp_path):
    page = demo_page_factory(width=1366)
    browser_login(page, PEOPLE["director17"])
    # Siem Reap's Family Package for pregnant women is on watch in September 2025 (87 % of target).
    page.goto("/scorecard/17?year=2025&period=2025-09")
    card = page.locator("#explain-card-17-FP_PW")
    card.locator("summary").click()
    card.locator("textarea").nth(0).fill(REASON)
    card.locator("textarea").nth(1).fill(ACTION)
    card.get_by_role("button", name="Save").click()
    expect(card.get_by_role("status")).to_have_text("Saved.")
    expect(card.locator(".explain-reason")).to_have_text(REASON)
    SCREENSHOTS.mkdir(exist_ok=True)
    card.screenshot(path=str(SCREENSHOTS / "explanation-card-en-1366.png"))

    with page.expect_download() as download:
        page.click("#scorecard-pdf-link")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "scorecard-17-2025-09.pdf"
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).split())
    assert "Explanations of deviations" in words
    assert REASON in words and ACTION in words
    assert "director17" in words
