"""The demo data set through its own loader, the command line, and the templates."""

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from db.engine import get_engine
from tests.helpers.database import POSTGRES_URL
from tests.helpers.workbooks import exec_row

ROOT = Path(__file__).resolve().parents[2]


def run(args, url, **kwargs):
    env = {**os.environ, "PIB_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600, **kwargs)


def scalar(url, sql):
    with get_engine(url).connect() as conn:
        return conn.execute(text(sql)).scalar_one()


# The demo command loads 61 files: some 45 s on a quiet machine. It runs on PostgreSQL, where its
# checks are least alike SQLite's; on SQLite the same files go through the same loader when the
# demo template of the browser and page tests is built, and the totals are checked there.
CLI_BACKEND = "postgresql" if POSTGRES_URL else "sqlite"


def assert_demo_totals_agree(db_url: str) -> None:
    """The marts say what the facts say; provinces add up; the late province; pensions' share."""
    # The marts say what the facts say, for every period and entity.
    facts = scalar(db_url, "SELECT SUM(paid) FROM budget_fact")
    assert scalar(db_url, "SELECT SUM(paid) FROM budget_mart") == facts
    differing = scalar(db_url, """
        SELECT COUNT(*) FROM (
          SELECT f.fiscal_year, f.period, f.entity_code, SUM(f.revised) AS r FROM budget_fact f
          GROUP BY f.fiscal_year, f.period, f.entity_code) a
        JOIN (SELECT fiscal_year, period, entity_code, SUM(revised) AS r FROM budget_mart
          GROUP BY fiscal_year, period, entity_code) b
        ON a.fiscal_year = b.fiscal_year AND a.period = b.period AND a.entity_code = b.entity_code
        WHERE a.r <> b.r""")
    assert differing == 0
    # Provinces add up to the national roll-up of a summed indicator.
    provinces = scalar(db_url, "SELECT SUM(actual) FROM indicator_mart WHERE indicator_code = 'FP_PW' "
                               "AND period = '2025-06' AND entity_code <> '00'")
    nation = scalar(db_url, "SELECT actual FROM indicator_mart WHERE indicator_code = 'FP_PW' "
                            "AND period = '2025-06' AND entity_code = '00'")
    assert provinces == nation
    # Late provinces: Ratanak Kiri (16) stops in July 2025, the others report September.
    assert scalar(db_url, "SELECT MAX(period) FROM budget_fact WHERE entity_code = '16'") == "2025-07"
    assert scalar(db_url, "SELECT MAX(period) FROM budget_fact WHERE entity_code = '07'") == "2025-09"
    # Pensions are the bulk of the ministry's budget (about 80 %).
    share = scalar(db_url, "SELECT 1.0 * SUM(CASE WHEN programme_code = 'P2' THEN revised END) / SUM(revised) "
                           "FROM budget_mart WHERE period = '2025-06'")
    assert 0.7 < float(share) < 0.85


def test_the_demo_files_loaded_into_sqlite_give_the_same_totals(demo_template):
    url = f"sqlite:///{demo_template}"
    try:
        assert_demo_totals_agree(url)
    finally:
        get_engine(url).dispose()


@pytest.mark.parametrize("db_url", [CLI_BACKEND], indirect=True)
def test_demo_command_loads_with_no_problem_and_its_totals_agree(db_url, tmp_path):
    out = tmp_path / "demo"
    result = run(["demo", "--out", str(out)], db_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "61 files" in result.stdout and "0 rejected" in result.stdout
    assert "warning" not in result.stderr and result.stderr == ""
    assert_demo_totals_agree(db_url)
    # Next year's submission has been round the cycle once: returned by MEF, submitted again.
    assert "taken round the budget cycle: version 2 submitted to MEF" in result.stdout
    assert scalar(db_url, "SELECT status FROM submission WHERE fiscal_year = 2026") == "submitted"
    assert scalar(db_url, "SELECT version FROM submission WHERE fiscal_year = 2026") == 2
    assert scalar(db_url, "SELECT COUNT(*) FROM submission_line") > 100
    # A second run loads the same files again: recognised, nothing changes.
    batches = scalar(db_url, "SELECT COUNT(*) FROM load_batch")
    again = run(["demo", "--out", str(out)], db_url)
    assert again.returncode == 0 and again.stdout.count("already loaded") == 61
    assert scalar(db_url, "SELECT COUNT(*) FROM load_batch") == batches
    skipped = run(["demo", "--out", str(out), "--if-empty"], db_url)
    assert "holds data already" in skipped.stdout


def test_load_command_exit_codes_and_problem_lines(ref_db, tmp_path):
    from tests.helpers.workbooks import execution_xlsx

    good = tmp_path / "good.xlsx"
    good.write_bytes(execution_xlsx([exec_row()]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(execution_xlsx([exec_row(paid=-3)]))
    ok = run(["load", str(good), "--dry-run"], ref_db)
    assert ok.returncode == 0 and "valid execution file, 1 rows (dry run" in ok.stdout
    mixed = run(["load", str(good), str(bad)], ref_db)
    assert mixed.returncode == 1
    assert "good.xlsx: loaded 1 execution rows" in mixed.stdout
    assert "bad.xlsx:data:2:paid: paid: a negative amount (-3) is not accepted" in mixed.stderr.splitlines()
    assert run(["load"], ref_db).returncode == 2
    history = run(["history"], ref_db)
    assert history.returncode == 0
    lines = history.stdout.splitlines()
    assert lines[0].split("\t") == ["id", "when", "who", "file", "checksum", "kind", "scope", "rows", "status"]
    assert any("\tgood.xlsx\t" in line and line.endswith("\tloaded") and "\tsystem\t" in line for line in lines)
    assert any("\tbad.xlsx\t" in line and line.endswith("\trejected") for line in lines)


def test_templates_are_bilingual_have_dropdowns_and_load_once_filled(ref_db, tmp_path):
    for kind in ("execution", "indicators", "reference"):
        result = run(["template", kind, str(tmp_path / f"{kind}.xlsx")], ref_db)
        assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "execution.xlsx")
    assert book["lists"].sheet_state == "hidden"
    instructions = " ".join(str(c.value) for row in book["instructions"].iter_rows() for c in row if c.value)
    assert "Budget execution" in instructions and "ការអនុវត្តថវិកា" in instructions
    assert "ឥណទានអនុម័ត" in instructions  # the Khmer name of 'approved'
    sheet = book["execution"]
    validated = {str(rng).split(":")[0] for v in sheet.data_validations.dataValidation for rng in v.sqref.ranges}
    assert {"C2", "I2", "B2"} <= validated  # entity, funding source, period
    sheet.append(exec_row())
    book.save(tmp_path / "filled.xlsx")
    filled = run(["load", str(tmp_path / "filled.xlsx")], ref_db)
    assert filled.returncode == 0, filled.stderr
    assert run(["template", "budget", str(tmp_path / "x.xlsx")], ref_db).returncode == 2


def test_a_template_written_in_2027_offers_2027_and_every_period_form_it_accepts(ref_db, tmp_path):
    import datetime as dt

    from etl.load import load_file
    from etl.template import write_template

    path = tmp_path / "execution-2027.xlsx"
    write_template("execution", path, ref_db, today=dt.date(2027, 1, 4))
    book = openpyxl.load_workbook(path)
    store = book["lists"]
    column = next(c[0].column for c in store.iter_cols() if c[0].value == "period")
    periods = [c.value for c in store.iter_rows(min_row=2, min_col=column, max_col=column, values_only=False)
               for c in c if c.value]
    assert periods[:6] == ["2029", "2029-Q1", "2029-Q2", "2029-Q3", "2029-Q4", "2029-01"]
    assert {"2027", "2027-Q1", "2027-01", "2027-12", "2025-06"} <= set(periods)
    # No data in this database: the calendar's years, two back and two ahead.
    assert {p[:4] for p in periods} == {"2025", "2026", "2027", "2028", "2029"}
    period_rule = next(v for v in book["execution"].data_validations.dataValidation
                       if any(str(r).startswith("B2") for r in v.sqref.ranges))
    assert not period_rule.showErrorMessage  # a year typed as a number, or a date, is not refused by Excel
    sheet = book["execution"]
    sheet.append(exec_row(year=2027, period="2027-01"))
    sheet.append([*exec_row(year=2027, period="2027", activity="P1.1.1.2")[:1], 2027,
                  *exec_row(activity="P1.1.1.2")[2:]])
    book.save(tmp_path / "filled-2027.xlsx")
    report = load_file(tmp_path / "filled-2027.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]


def test_template_periods_reach_back_to_the_oldest_year_with_data():
    import datetime as dt

    from etl.template import period_choices

    choices = period_choices(dt.date(2026, 12, 1), {2019, 2025})
    assert choices[0] == "2028" and choices[-1] == "2019-12" and "2019" in choices
    assert len(choices) == 10 * 17  # 2019..2028, each as a year, four quarters and twelve months
    assert period_choices(dt.date(2035, 6, 1))[0] == "2035"  # never past the contract's last year
