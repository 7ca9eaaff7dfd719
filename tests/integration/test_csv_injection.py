"""A formula after a line break, or a terminal escape in a file's name, stays inert everywhere.

A workbook whose cell holds ``report\\r=cmd|' /C calc'!A0`` is uploaded under a name holding a
carriage return, a formula and an ANSI escape, through the data page's own upload callback. The
validation report and the load history are then downloaded as the budget unit does (CSV and
Excel), and ``python -m etl history`` is run on the same database. A name stored before names
were cleaned is in the history too: the downloads and the command line must cope with it.
"""

import base64
import io
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
from sqlalchemy import insert, select

from db.engine import get_engine
from db.models import LoadBatch
from tests.helpers.exports import csv_rows
from tests.helpers.web import (
    download_data,
    run_background,
    upload_payload,
)
from tests.helpers.workbooks import exec_row, execution_xlsx

ROOT = Path(__file__).resolve().parents[2]
CELL = "report\r=cmd|' /C calc'!A0"
NAME = "june\r=cmd|'calc'!A0 \x1b[31mred.xlsx"
# As a name could be stored before names were cleaned: an OSC title and a colour escape.
LEGACY = "\r=cmd|'calc'!A0\x1b]0;pwned\x07\x1b[31mold.xlsx"






def no_control_characters(text: str) -> bool:
    return not any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def test_a_file_name_loses_its_control_characters_and_nothing_else():
    from etl.clean import clean_file_name

    assert clean_file_name(NAME) == "june=cmd|'calc'!A0 [31mred.xlsx"
    assert clean_file_name("ខេត្ត\u200bកំពត\x00\x7f\x85\u202egpj.xlsx") == "ខេត្ត\u200bកំពត" + "gpj.xlsx"
    assert clean_file_name("\x1b\r\n") == "upload"
    assert clean_file_name("budget 2025 (final).xlsx") == "budget 2025 (final).xlsx"


def test_formulas_after_line_breaks_and_escapes_in_names_stay_inert(client_as, app_db):
    with get_engine(app_db).begin() as conn:
        conn.execute(insert(LoadBatch).values(file_name=LEGACY, checksum="0" * 64, kind="execution",
                                              loaded_by="budget", status="rejected", problems="[]"))
    budget = client_as("budget_unit")
    uploaded = run_background(budget, upload_payload(budget, execution_xlsx([exec_row(entity=CELL)]), NAME))
    rows = uploaded["data-report"]["rowData"]
    assert rows and any("=cmd" in r["value"] for r in rows)
    with get_engine(app_db).connect() as conn:
        stored = conn.execute(select(LoadBatch.file_name).order_by(LoadBatch.id)).scalars().all()
    assert stored[0] == LEGACY and len(stored) == 2
    assert no_control_characters(stored[1]) and stored[1] == "june=cmd|'calc'!A0 [31mred.xlsx"

    report = download_data(budget, "data-report-download", "data-report-csv", {"data-report.rowData": rows})
    assert report["filename"] == "validation-report.csv"
    records = csv_rows(base64.b64decode(report["content"]))
    header, cells = records[0], [dict(zip(records[0], r, strict=True)) for r in records[1:]]
    assert header[:3] == ["File", "Sheet", "Row"]
    # The cell is still readable, the line after its break cannot run; the name has no escape.
    entity = next(c for c in cells if c["Column"] == "entity")
    assert entity["Value found"] == "report\n'=cmd|' /C calc'!A0" and entity["Row"] == "2"
    assert all(c["File"] == stored[1] for c in cells)

    history = download_data(budget, "data-history-download", "data-history-csv")
    assert history["filename"] == "load-history.csv"
    records = csv_rows(base64.b64decode(history["content"]))
    names = [r[records[0].index("File")] for r in records[1:]]
    assert names == [stored[1], "'\r'=cmd|'calc'!A0\x1b]0;pwned\x07\x1b[31mold.xlsx"]  # newest first

    workbook = download_data(budget, "data-history-download", "data-history-xlsx")
    assert workbook["filename"] == "load-history.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(workbook["content"]))).active
    column = [c.value for c in sheet[1]].index("File") + 1
    shown = [sheet.cell(row=r, column=column).value for r in (2, 3)]
    assert shown[0] == stored[1] and "pwned" in shown[1] and "\x1b" not in shown[1]
    assert all(sheet.cell(row=r, column=column).data_type == "s" for r in (2, 3))

    env = {**os.environ, "PIB_DATABASE_URL": app_db}
    # Bytes, not text: universal newlines would hide a carriage return that reached the terminal.
    listing = subprocess.run([sys.executable, "-m", "etl", "history"], capture_output=True, env=env, cwd=ROOT,
                             timeout=120)
    assert listing.returncode == 0, listing.stderr
    out = listing.stdout.decode("utf-8")
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    lines = out.split("\n")[:-1]
    assert len(lines) == 3 and all(len(line.split("\t")) == 9 and no_control_characters(line.replace("\t", ""))
                                   for line in lines)
    assert f"\t{stored[1]}\t" in lines[2] and "\t=cmd|'calc'!A0]0;pwned[31mold.xlsx\t" in lines[1]
