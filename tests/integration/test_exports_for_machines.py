"""CSV downloads that machines read: codes as text, whole numbers without ``.0``, rates as
fractions with the unit in the header, statuses as words; each valid under its own Frictionless
schema, made from the same column definitions as the file."""

from __future__ import annotations

import base64
import csv
import io

import openpyxl
import pytest
from frictionless import Resource, Schema

from components.exports import table_schema
from tests.helpers.web import download_data

PERIOD = {"year": "2025", "period": "2025-06"}


def _valid(content: bytes, columns, lang: str = "en") -> list[dict]:
    resource = Resource(data=content, format="csv", schema=Schema.from_descriptor(table_schema(columns, lang)))
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def budget_unit(demo_client_as):
    return demo_client_as("budget_unit")


def test_the_provinces_csv_is_typed_and_valid(budget_unit):
    from pages.provinces import EXPORT_COLUMNS

    data = download_data(budget_unit, "provinces-download", "provinces-csv",
                     {"provinces-year.value": "2025", "provinces-period.value": "2025-06"})
    content = base64.b64decode(data["content"])
    rows = _valid(content, EXPORT_COLUMNS)
    assert [r["Code"] for r in rows][:3] == ["01", "02", "03"]  # leading zeros kept
    assert list(rows[0]) == ["Code", "Province", "Revised (KHR)", "Paid (KHR)",
                             "Execution rate (fraction, 1 = 100 %)", "Score (fraction, 1 = 100 %)", "Rank",
                             "Completeness (fraction, 1 = 100 %)", "Unit cost (KHR per beneficiary)",
                             "Figures as of"]
    for row in rows:
        assert row["Paid (KHR)"].isdigit() and "." not in row["Revised (KHR)"]
        assert 0 <= float(row["Execution rate (fraction, 1 = 100 %)"]) <= 1.5
        assert row["Rank"].isdigit()
    api = {r["entity"]: r for r in budget_unit.get(
        "/api/v1/budget?year=2025&period=2025-06&group_by=entity").get_json()["rows"]}
    assert all(int(r["Paid (KHR)"]) == api[r["Code"]]["paid"] for r in rows)
    # The Excel file of the same table: numbers are numbers, the rate shown as a percentage.
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download_data(
        budget_unit, "provinces-download", "provinces-xlsx",
        {"provinces-year.value": "2025", "provinces-period.value": "2025-06"})["content"])))
    sheet = book.active
    assert sheet.cell(row=4, column=1).value == "01" and isinstance(sheet.cell(row=4, column=4).value, int)
    assert sheet.cell(row=4, column=5).number_format == "0.0%"


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_scorecard_csv_carries_score_rank_and_status_words(demo_client_as, lang):
    from pages.scorecard import EXPORT_COLUMNS
    from tests.helpers.web import post_with_csrf

    client = demo_client_as("director07")
    post_with_csrf(client, f"/lang/{lang}", {"next": "/"})
    data = download_data(client, "scorecard-download", "scorecard-csv", {
        "scorecard-year.value": "2025", "scorecard-period.value": "2025-06", "scorecard-code.data": "07"})
    rows = _valid(base64.b64decode(data["content"]), EXPORT_COLUMNS, lang)
    card = client.get("/api/v1/scorecard?year=2025&province=07&period=2025-06").get_json()
    headers = [c.header(lang) for c in EXPORT_COLUMNS]
    score, rank, status = headers[-2], headers[-1], headers[-3]
    assert {r[headers[0]] for r in rows} == {"07"}
    assert all(float(r[score]) == pytest.approx(card["score"], abs=1e-6) for r in rows)
    assert {int(r[rank]) for r in rows} == {card["rank"]}
    words = {"en": {"On track", "Watch", "Off track", "No data"},
             "km": {"តាមគោលដៅ", "ត្រូវតាមដាន", "មិនតាមគោលដៅ", "គ្មានទិន្នន័យ"}}[lang]
    assert {r[status] for r in rows} <= words  # a word, never an icon
    target = headers[5]
    assert all("." not in r[target] for r in rows if float(r[target]).is_integer())


def test_the_programme_exports_are_valid(budget_unit):
    from pages.programmes import INDICATOR_EXPORT, TREE_EXPORT

    states = {"programmes-year.value": "2025", "programmes-period.value": "2025-06"}
    tree = _valid(base64.b64decode(download_data(budget_unit, "programmes-download", "programmes-csv",
                                             states)["content"]), TREE_EXPORT)
    programmes = {r["Code"]: r for r in tree if r["Level"] == "programme"}
    api = {r["programme"]: r for r in budget_unit.get(
        "/api/v1/budget?year=2025&period=2025-06&group_by=programme").get_json()["rows"]}
    assert {code: int(r["Revised (KHR)"]) for code, r in programmes.items()} == {
        code: r["revised"] for code, r in api.items()}
    indicators = _valid(base64.b64decode(download_data(budget_unit, "programmes-ind-download", "programmes-ind-csv",
                                                   states)["content"]), INDICATOR_EXPORT)
    assert indicators and all(r["Status"] in {"On track", "Watch", "Off track", "No data"} for r in indicators)


def test_the_users_csv_is_valid(client_as):
    from pages.users import EXPORT_COLUMNS

    data = download_data(client_as("admin"), "users-download", "users-csv", {})
    rows = _valid(base64.b64decode(data["content"]), EXPORT_COLUMNS)
    director = next(r for r in rows if r["User name"] == "director07")
    assert director["Province"] == "07" and director["Created by"] == "system"
    assert not any("argon2" in str(v) or "scrypt" in str(v) for r in rows for v in r.values())


def test_the_scorecard_excel_holds_every_khmer_name_exactly(demo_client_as):
    # The PDF cannot give Khmer back as text (README): the Excel download is the searchable form.
    from sqlalchemy import text as sql

    from db.engine import get_engine
    from tests.helpers.web import post_with_csrf

    client = demo_client_as("director07")
    post_with_csrf(client, "/lang/km", {"next": "/"})
    data = download_data(client, "scorecard-download", "scorecard-xlsx", {
        "scorecard-year.value": "2025", "scorecard-period.value": "2025-06", "scorecard-code.data": "07"})
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    url = client.application.config["PIB_DATABASE_URL"]
    with get_engine(url).connect() as conn:
        names = set(conn.execute(sql("SELECT name_km FROM indicator")).scalars())
    assert "ការពេញចិត្តចំពោះសេវាថែទាំ" in names
    assert names <= cells


def test_the_validation_report_and_the_load_history_csvs_are_valid(demo_client_as):
    from pages.data import HISTORY_EXPORT, REPORT_EXPORT
    from tests.helpers.web import run_background, upload_payload
    from tests.helpers.workbooks import exec_row, execution_xlsx

    budget = demo_client_as("budget_unit")
    refused = run_background(budget, upload_payload(
        budget, execution_xlsx([exec_row(period="2025-10", paid=-1)]), "broken.xlsx"))
    report = download_data(budget, "data-report-download", "data-report-csv",
                       {"data-report.rowData": refused["data-report"]["rowData"]})
    rows = _valid(base64.b64decode(report["content"]), REPORT_EXPORT)
    assert [(r["Row"], r["Column"]) for r in rows] == [("2", "paid")]
    history_csv = download_data(budget, "data-history-download", "data-history-csv", {})
    history = _valid(base64.b64decode(history_csv["content"]), HISTORY_EXPORT)
    assert history[0]["File"] == "broken.xlsx" and history[0]["Status"] == "rejected"
    assert all(r["Batch"].isdigit() for r in history)
