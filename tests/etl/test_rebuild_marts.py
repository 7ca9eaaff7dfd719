"""``python -m db rebuild-marts``: marts changed by hand are summed again from the facts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from db.engine import get_engine
from etl.load import load_file
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx

ROOT = Path(__file__).resolve().parents[2]
MARTS = {
    "budget_mart": "fiscal_year, period, entity_code, programme_code, subprogramme_code, chapter_code, "
                   "funding_source",
    "budget_item_mart": "fiscal_year, period, item_code",
    "indicator_mart": "fiscal_year, period, entity_code, indicator_code",
}


def rebuild(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PIB_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "db", "rebuild-marts", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def marts(url: str) -> dict[str, list[tuple]]:
    """Every row of every mart, in key order."""
    with get_engine(url).connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {name} ORDER BY {key}"))]
                for name, key in MARTS.items()}


def execute(url: str, *statements: str) -> None:
    with get_engine(url).begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _load(url: str, data: bytes, name: str) -> None:
    report = load_file(data, name=name, url=url)
    assert report.status == "loaded", [p.render() for p in report.problems]


def test_rebuild_marts_restores_what_the_loader_wrote(ref_db):
    _load(ref_db, execution_xlsx([exec_row(), exec_row(account="6061", paid=7), exec_row(entity="17", source="DP"),
                                  exec_row(activity="P3.1.1.2", account="6411"), exec_row(entity="00",
                                  activity="P2.1.1.1", account="6221")]), "june.xlsx")
    _load(ref_db, execution_xlsx([exec_row(period="2025-03", paid=100), exec_row(entity="17", period="2025-03")]),
          "march.xlsx")
    _load(ref_db, execution_xlsx([exec_row(year=2024, period="2024-12")]), "2024.xlsx")
    _load(ref_db, indicators_xlsx([[2025, "2025-06", "070101", "FP_PW", 40, 50, 45],
                                   [2025, "2025-06", "070101", "FP_PW_ELIG", 90, 100, 100],
                                   [2025, "2025-06", "17", "CARE_SAT", 70, 80, 85],
                                   [2025, "2025-06", "00", "PENS_PAID", 900, 1000, 950],
                                   [2024, "2024-12", "07", "FP_OLD", 10, 12, 11]]), "indicators.xlsx")
    loaded = marts(ref_db)
    assert all(loaded[name] for name in MARTS)

    # A mart changed by hand: rows deleted, sums altered, a row with no facts behind it added.
    execute(ref_db,
            "DELETE FROM budget_mart WHERE fiscal_year = 2025 AND entity_code = '07'",
            "UPDATE budget_mart SET paid = paid + 1 WHERE fiscal_year = 2025",
            "UPDATE budget_item_mart SET revised = 0, row_count = 99 WHERE fiscal_year = 2025",
            "INSERT INTO budget_item_mart (fiscal_year, period, item_code, programme_code, subprogramme_code, "
            "cluster_code, revised, paid, row_count) VALUES (2025, '2025-09', 'P9', 'P9', 'P9.1', 'P9.1.1', 1, 1, 1)",
            "UPDATE indicator_mart SET actual = actual * 2 WHERE fiscal_year = 2025",
            "DELETE FROM indicator_mart WHERE fiscal_year = 2025 AND entity_code = '00'",
            # 2024 too: a rebuild of 2025 alone must leave it as it is.
            "UPDATE budget_mart SET paid = paid + 7 WHERE fiscal_year = 2024",
            "UPDATE indicator_mart SET target = 0 WHERE fiscal_year = 2024")
    changed = marts(ref_db)
    assert all(changed[name] != loaded[name] for name in MARTS)

    result = rebuild(ref_db, "--year", "2025")
    assert result.returncode == 0, result.stderr
    after = marts(ref_db)
    for name in MARTS:
        assert [r for r in after[name] if r[0] == 2025] == [r for r in loaded[name] if r[0] == 2025], name
        assert [r for r in after[name] if r[0] == 2024] == [r for r in changed[name] if r[0] == 2024], name
    # It says what it did: the rows each mart holds for the year.
    lines = result.stdout.splitlines()
    assert "fiscal year 2025" in lines[0]
    for name in MARTS:
        count = sum(1 for r in loaded[name] if r[0] == 2025)
        assert f"  {name}: {count:,} rows" in lines, result.stdout

    # Without --year every year is rebuilt: the marts are again exactly what the loader wrote.
    everything = rebuild(ref_db)
    assert everything.returncode == 0, everything.stderr
    assert "every fiscal year" in everything.stdout
    assert marts(ref_db) == loaded


def test_rebuild_marts_usage_errors_exit_2_and_change_nothing(ref_db):
    _load(ref_db, execution_xlsx([exec_row()]), "june.xlsx")
    execute(ref_db, "UPDATE budget_mart SET paid = 1")
    before = marts(ref_db)
    for args in (["--year", "1999"], ["--year", "twenty"], ["--year"], ["--years", "2025"]):
        result = rebuild(ref_db, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stdout == "" and "usage:" in result.stderr
    assert marts(ref_db) == before
    # A year with no facts is not a mistake: nothing to sum, and its (no) rows are said.
    empty = rebuild(ref_db, "--year", "2030")
    assert empty.returncode == 0, empty.stderr
    assert "  budget_mart: 0 rows" in empty.stdout.splitlines()
    assert marts(ref_db) == before
