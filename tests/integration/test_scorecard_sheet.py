"""The printed scorecard: one bilingual A4 sheet in HTML and as a PDF, under the caller's scope."""

import io

from pypdf import PdfReader
from sqlalchemy import text

from components.format import format_number, format_percent
from db.engine import get_engine


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_director_downloads_his_scorecard_as_one_bilingual_a4_pdf(demo_client_as):
    director = demo_client_as("director07")
    answer = director.get("/scorecard/07/pdf?year=2025&period=2025-06")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="scorecard-07-2025-06.pdf"'
    pages, words = _pdf_text(answer.data)
    assert pages == 1
    page = PdfReader(io.BytesIO(answer.data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in points
    # Both languages, and the figures the API gives for the same province and period.
    assert "Scorecard: Kampot" in words and "កំពត" in words
    assert "ពិន្ទុ" in words and "Score" in words
    card = director.get("/api/v1/scorecard?province=07&year=2025&period=2025-06").get_json()
    assert format_percent(card["score"]) in words
    assert f"{card['rank']} / {card['ranked']}" in words
    for row in card["rows"]:
        assert row["name_en"].split()[0] in words
        assert format_number(row["actual"]) in words


def test_the_print_sheet_shows_both_languages_and_a_print_button(demo_client_as):
    budget = demo_client_as("budget_unit")
    answer = budget.get("/scorecard/12/print?year=2025&period=2025-03")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "Scorecard: Phnom Penh" in html and "ភ្នំពេញ" in html
    assert "Fiscal year 2025, up to 2025-03" in html
    # The button is wired by a script file: the Content-Security-Policy runs no inline handler.
    assert 'id="sheet-print"' in html and 'src="/reports/static/sheet.js"' in html and "onclick" not in html
    card = budget.get("/api/v1/scorecard?province=12&year=2025&period=2025-03").get_json()
    # One row per indicator, each with its status in words in both languages.
    assert html.count('class="status status-') == len(card["rows"]) == 10
    assert html.count("On track") + html.count("Watch") + html.count("Off track") + html.count("No data") == 10


def test_without_a_period_the_sheet_is_the_latest_one_the_selectors_would_show(demo_client_as):
    answer = demo_client_as("director07").get("/scorecard/07/pdf")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="scorecard-07-2025-09.pdf"'


def test_another_province_s_sheet_is_refused_and_audited(demo_client_as, demo_db):
    director = demo_client_as("director07")
    for path in ("/scorecard/17/pdf?year=2025&period=2025-06", "/scorecard/17/print"):
        answer = director.get(path)
        assert answer.status_code == 403
        assert answer.get_data(as_text=True) == ("Your role does not allow you to open this page.\n"
                                                 "តួនាទីរបស់អ្នកមិនអនុញ្ញាតឱ្យបើកទំព័រនេះទេ។\n")
    with get_engine(demo_db).connect() as conn:
        paths = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'forbidden' "
                                  "AND username = 'director07'")).scalars().all()
    assert len(paths) == 2 and all("/scorecard/17/" in str(p) for p in paths)


def test_a_wrong_period_or_province_is_a_clear_refusal(demo_client_as):
    budget = demo_client_as("budget_unit")
    wrong_year = budget.get("/scorecard/07/pdf?year=2025&period=2024-06")
    assert wrong_year.status_code == 400
    assert wrong_year.get_data(as_text=True).startswith("The period must be written YYYY-MM")
    assert budget.get("/scorecard/07/pdf?period=June").status_code == 400
    for year in ("1999", "twenty"):  # a year asked for is refused, not swapped for the latest
        refused = budget.get(f"/scorecard/07/pdf?year={year}")
        assert refused.status_code == 400
        assert refused.get_data(as_text=True).startswith("No data is loaded for that year.")
    assert budget.get("/scorecard/07/pdf?year=2024").headers["Content-Disposition"] == \
        'attachment; filename="scorecard-07-2024-12.pdf"'
    assert budget.get("/scorecard/99/pdf").status_code == 404


def test_nobody_signed_in_is_sent_to_the_sign_in_page(app, demo_db):
    answer = app.test_client().get("/scorecard/07/pdf")
    assert answer.status_code == 302
    assert "/login?next=" in answer.headers["Location"]


def test_a_server_without_pango_says_so_instead_of_failing(demo_client_as, monkeypatch):
    import reports.routes

    def no_pango(_html):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(reports.routes, "sheet_pdf", no_pango)
    answer = demo_client_as("director07").get("/scorecard/07/pdf?year=2025&period=2025-06")
    assert answer.status_code == 503
    assert answer.get_data(as_text=True).startswith("This server cannot make PDFs")
