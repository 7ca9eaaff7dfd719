"""A Khmer user loading a broken workbook on the Data page reads every problem in Khmer: in the
report, its download, the summary and the load history. The command line says the same problems
in English, word for word as before."""

from __future__ import annotations

import base64
import csv
import io
import re

from etl.load import load_file
from tests.helpers.web import download_data, post_with_csrf, run_background, upload_payload
from tests.helpers.workbooks import exec_row, execution_xlsx, load_reference

KHMER = re.compile(r"[\u1780-\u17ff]")
BROKEN = execution_xlsx([exec_row(period="2025-10", paid=-1), exec_row(period="2025-10", entity="99")])


def test_a_rejected_workbooks_problems_are_rendered_in_khmer_for_the_data_page(app, db_url, tmp_path):
    from pages.data import problem_rows  # a page module is imported once the app is built

    load_reference(db_url, tmp_path)
    report = load_file(BROKEN, name="broken.xlsx", url=db_url)
    assert report.status == "rejected"
    problems = sorted(report.problems, key=lambda p: p.row)
    english, khmer = problem_rows(problems, "en"), problem_rows(problems, "km")
    assert [(r["row"], r["column"], r["message"]) for r in english] == [
        (2, "paid", "paid: a negative amount (-1) is not accepted"),
        (3, "entity", "entity: '99' is not a known national or province code")]
    assert [(r["row"], r["column"], r["message"], r["expected"], r["severity"]) for r in khmer] == [
        (2, "paid", "paid៖ មិនទទួលយកចំនួនទឹកប្រាក់អវិជ្ជមាន (-1) ទេ", "ចំនួនទឹកប្រាក់ 0 ឬច្រើនជាងនេះ", "កំហុស"),
        (3, "entity", "entity៖ '99' មិនមែនជាកូដថ្នាក់ជាតិ ឬកូដខេត្តដែលស្គាល់ទេ",
         "00 (ក្រសួងថ្នាក់កណ្តាល), 01–25 ឬឈ្មោះខេត្តជាភាសាអង់គ្លេស ឬខ្មែរ", "កំហុស")]
    # What the file held stays as it was: the value, the column, the file and sheet.
    assert [(r["file"], r["sheet"], r["value"]) for r in khmer] == [("broken.xlsx", "data", "-1"),
                                                                    ("broken.xlsx", "data", "99")]
    # The command line's lines are unchanged, and its summary too.
    assert [p.render() for p in problems] == [
        "broken.xlsx:data:2:paid: paid: a negative amount (-1) is not accepted",
        "broken.xlsx:data:3:entity: entity: '99' is not a known national or province code"]
    assert report.summary() == "broken.xlsx: rejected with 2 problem(s); nothing loaded"
    assert report.summary("km") == "broken.xlsx៖ ត្រូវបានបដិសេធ ដោយមានបញ្ហា 2; មិនបានផ្ទុកអ្វីទេ"


def test_the_upload_report_its_download_and_the_history_speak_khmer(demo_client_as):
    from pages.data import REPORT_EXPORT

    budget = demo_client_as("budget_unit")
    post_with_csrf(budget, "/lang/km", {"next": "/data"})
    refused = run_background(budget, upload_payload(budget, BROKEN, "broken.xlsx"))
    rows = refused["data-report"]["rowData"]
    assert [r["column"] for r in rows] == ["paid", "entity"]
    for row in rows:
        for field in ("message", "expected", "severity"):
            assert KHMER.search(row[field]), (field, row[field])
    summary = str(refused["data-summary"]["children"])
    assert "broken.xlsx៖ មិនបានផ្ទុកទេ" in summary

    report = download_data(budget, "data-report-download", "data-report-csv", {"data-report.rowData": rows})
    text = base64.b64decode(report["content"]).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    message = next(c.header("km") for c in REPORT_EXPORT if c.field == "message")
    assert [r[message] for r in records] == [r["message"] for r in rows]
    assert "not accepted" not in text and "is not a known" not in text

    history = download_data(budget, "data-history-download", "data-history-csv", {})
    records = list(csv.DictReader(io.StringIO(base64.b64decode(history["content"]).decode("utf-8-sig"))))
    status = next(k for k in records[0] if k == "ស្ថានភាព")
    assert records[0][status] == "ត្រូវបានបដិសេធ"
    assert "rejected" not in {r[status] for r in records} and "loaded" not in {r[status] for r in records}
