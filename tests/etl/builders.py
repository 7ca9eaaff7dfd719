"""Workbooks built by code for the ETL tests: valid ones, messy ones and broken ones."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook

from etl.demo import structure, write_reference
from etl.load import load_file

EXEC_HEADER = ["fiscal_year", "period", "entity", "programme", "subprogramme", "activity_cluster",
               "activity", "economic_code", "funding_source", "approved", "revised", "committed", "paid"]
IND_HEADER = ["fiscal_year", "period", "unit", "indicator", "baseline", "target", "actual"]


def exec_row(entity="07", period="2025-06", activity="P1.1.1.1", account="6211", source="RGC",
             approved=1_000_000, revised=1_000_000, committed=600_000, paid=500_000, year=2025):
    programme, sub, cluster = {
        "P1.1.1.1": ("P1", "P1.1", "P1.1.1"), "P1.1.1.2": ("P1", "P1.1", "P1.1.1"),
        "P1.2.1.1": ("P1", "P1.2", "P1.2.1"), "P2.1.1.1": ("P2", "P2.1", "P2.1.1"),
        "P3.1.1.2": ("P3", "P3.1", "P3.1.1"),
    }[activity]
    return [year, period, entity, programme, sub, cluster, activity, account, source, approved, revised,
            committed, paid]


def xlsx(rows: list[list], *, sheet: str = "data", before: list[list] | None = None,
         merge: str | None = None, hidden: list[tuple[str, list[list]]] | None = None,
         errors: dict[str, str] | None = None) -> bytes:
    """A workbook: ``before`` rows (titles) then ``rows``; optional merged range and error cells."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in (before or []) + rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    for ref, error in (errors or {}).items():
        ws[ref] = error  # openpyxl stores "#REF!" and friends as error cells
    for name, hidden_rows in hidden or []:
        other = book.create_sheet(name)
        for row in hidden_rows:
            other.append(row)
        other.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def execution_xlsx(rows: list[list], header: list[str] | None = None, **kwargs) -> bytes:
    return xlsx([header or EXEC_HEADER, *rows], **kwargs)


def indicators_xlsx(rows: list[list], header: list[str] | None = None, **kwargs) -> bytes:
    return xlsx([header or IND_HEADER, *rows], **kwargs)


def load_reference(url: str, tmp_path: Path) -> None:
    """Load the demo's illustrative programme structure, economic codes and catalogue."""
    path = tmp_path / "reference.xlsx"
    write_reference(path, structure())
    report = load_file(path, url=url)
    assert report.status == "loaded", [p.render() for p in report.problems]
