"""Workbooks built by code for the ETL tests: valid ones, messy ones and broken ones."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook

from etl.demo import EXEC_HEADER as DEMO_EXEC_HEADER
from etl.demo import execution_rows, populations, structure, write_csv, write_reference
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


# A larger structure, for loads long enough to be cut mid-way.
SCALE = 40  # activities per cluster: a month of execution is 7,240 rows, enough to be cut mid-way


def write_execution_month(folder: Path, year: int = 2024, month: int = 6) -> Path:
    """A month of synthetic execution as CSV, for the structure at ``SCALE``."""
    path = folder / f"execution-{year}-{month:02d}.csv"
    write_csv(path, DEMO_EXEC_HEADER, execution_rows(year, month, structure(SCALE), populations(), SCALE))
    return path


def load_scaled_reference(url: str, folder: Path) -> None:
    """The programme structure at ``SCALE``, so that the execution files' activities exist."""
    path = folder / "reference.xlsx"
    if not path.exists():
        write_reference(path, structure(SCALE))
    report = load_file(path, url=url)
    assert report.status == "loaded", [p.render() for p in report.problems]
