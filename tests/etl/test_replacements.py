"""A replacement nobody is told about no longer happens.

A file for an entity and period replaces that entity's rows of the period. A three-row Kampot
file replaced the seven Kampot rows of the ministry's June file with the message "loaded 3
execution rows". Now the dry run and the report list each (entity, period) replaced with rows
and totals before → after, a drop of more than half needs ``--replace``, and the history marks
the ministry's file as partly replaced, and by which file.
"""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from db.engine import get_engine
from etl.load import load_file
from tests.helpers.database import table_counts
from tests.helpers.workbooks import exec_row, execution_xlsx

ACTIVITIES = [("P1.1.1.1", "6211"), ("P1.1.1.2", "6211"), ("P1.2.1.1", "6061"), ("P2.1.1.1", "6221")]


def _ministry_june() -> bytes:
    kampot = [exec_row(entity="07", activity=a, account=c, revised=2_000_000_000, approved=2_000_000_000,
                       committed=1_000_000_000, paid=1_000_000_000) for a, c in ACTIVITIES]
    siem_reap = [exec_row(entity="17", activity=a, account=c) for a, c in ACTIVITIES[:2]]
    return execution_xlsx(kampot + siem_reap)


KAMPOT_ONLY = execution_xlsx([exec_row(entity="07", paid=639_500_000, revised=700_000_000, approved=700_000_000,
                                       committed=650_000_000)])


def _paid(url: str, entity: str) -> int:
    with get_engine(url).connect() as conn:
        return conn.execute(text("SELECT SUM(paid) FROM budget_fact WHERE entity_code = :e AND period = '2025-06'"),
                            {"e": entity}).scalar_one()


def test_a_file_that_would_take_away_more_than_half_is_refused_without_confirmation(ref_db):
    first = load_file(_ministry_june(), name="ministry-june.xlsx", url=ref_db)
    assert first.status == "loaded" and first.replacements == []
    before = table_counts(ref_db)
    refused = load_file(KAMPOT_ONLY, name="kampot-june.xlsx", url=ref_db)
    assert refused.status == "rejected"
    [problem] = refused.errors
    assert problem.type == "large-replacement" and problem.value == "07 2025-06"
    assert ("would replace entity 07, 2025-06: 4 rows → 1; revised 8,000,000,000 → 700,000,000; "
            "paid 4,000,000,000 → 639,500,000 riels: more than half would go") in problem.message
    after = table_counts(ref_db)
    assert {t: n for t, n in after.items() if t not in ("load_batch", "audit_log")} == \
        {t: n for t, n in before.items() if t not in ("load_batch", "audit_log")}
    assert _paid(ref_db, "07") == 4_000_000_000

    confirmed = load_file(KAMPOT_ONLY, name="kampot-june.xlsx", url=ref_db, replace=True)
    assert confirmed.status == "loaded"
    [replacement] = confirmed.replacements
    assert (replacement.rows_before, replacement.rows_after) == (4, 1)
    assert (replacement.paid_before, replacement.paid_after) == (4_000_000_000, 639_500_000)
    assert confirmed.replacement_lines() == [
        "  replaced entity 07, 2025-06: 4 rows → 1; revised 8,000,000,000 → 700,000,000; "
        "paid 4,000,000,000 → 639,500,000 riels"]
    assert _paid(ref_db, "07") == 639_500_000 and _paid(ref_db, "17") == 1_000_000
    with get_engine(ref_db).connect() as conn:
        status, partly = conn.execute(text("SELECT status, partly_replaced_by FROM load_batch WHERE id = :i"),
                                      {"i": first.batch_id}).one()
    # The ministry's file keeps Siem Reap's rows: partly replaced, by the Kampot file.
    assert (status, partly) == ("loaded", str(confirmed.batch_id))


def test_a_correction_of_the_same_size_loads_and_says_what_it_replaced(ref_db):
    load_file(_ministry_june(), name="ministry-june.xlsx", url=ref_db)
    corrected = execution_xlsx([exec_row(entity="07", activity=a, account=c, revised=2_000_000_000,
                                         approved=2_000_000_000, committed=1_000_000_000, paid=1_100_000_000)
                                for a, c in ACTIVITIES])
    report = load_file(corrected, name="kampot-corrected.xlsx", url=ref_db)
    assert report.status == "loaded"
    assert [(r.entity, r.paid_before, r.paid_after) for r in report.replacements] == [
        ("07", 4_000_000_000, 4_400_000_000)]


def test_the_dry_run_and_the_command_line_show_the_replacement_before_it_happens(ref_db, tmp_path):
    load_file(_ministry_june(), name="ministry-june.xlsx", url=ref_db)
    path = tmp_path / "kampot-june.xlsx"
    path.write_bytes(KAMPOT_ONLY)
    env = {"PIB_DATABASE_URL": ref_db, "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, env=env,
                              timeout=120, check=False)

    dry = run("load", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert ("  would replace entity 07, 2025-06: 4 rows → 1; revised 8,000,000,000 → 700,000,000; "
            "paid 4,000,000,000 → 639,500,000 riels") in dry.stdout.splitlines()
    assert "kampot-june.xlsx:data::: warning: this file would replace entity 07, 2025-06" in dry.stderr
    refused = run("load", str(path))
    assert refused.returncode == 1 and "--replace on the command line)" in refused.stderr
    assert _paid(ref_db, "07") == 4_000_000_000
    loaded = run("load", str(path), "--replace")
    assert loaded.returncode == 0, loaded.stderr
    assert "  replaced entity 07, 2025-06: 4 rows → 1" in loaded.stdout
    history = run("history")
    ministry = next(line for line in history.stdout.splitlines() if "\tministry-june.xlsx\t" in line)
    kampot_id = next(line.split("\t")[0] for line in history.stdout.splitlines()
                     if "\tkampot-june.xlsx\t" in line and line.endswith("\tloaded"))
    assert ministry.endswith(f"\tloaded (partly replaced by {kampot_id})")


def test_the_ministry_file_can_be_loaded_again_after_a_province_replaced_part_of_it(ref_db):
    first = load_file(_ministry_june(), name="ministry-june.xlsx", url=ref_db)
    load_file(KAMPOT_ONLY, name="kampot-june.xlsx", url=ref_db, replace=True)
    again = load_file(_ministry_june(), name="ministry-june.xlsx", url=ref_db)
    # Not a duplicate: its figures are no longer all current, and loading it is a return to them.
    assert again.status == "loaded" and again.batch_id != first.batch_id
    assert _paid(ref_db, "07") == 4_000_000_000
