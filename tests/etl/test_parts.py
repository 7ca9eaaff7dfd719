"""Execution files checked and written in parts: the same outcome as checking the file whole.

A large file is checked in parts, and each part is written while the next one is checked. These
tests make the parts two rows long, so that every file below spans several of them.
"""

import gc
import sys
import threading

import pytest
from sqlalchemy import text

from db.engine import get_engine
from etl.load import load_file
from etl.process_settings import LOAD_SWITCH_INTERVAL, bulk_process_settings
from etl.writer import csv_text
from tests.helpers.database import table_counts
from tests.helpers.workbooks import exec_row, execution_xlsx

HISTORY_TABLES = {"load_batch", "audit_log"}


@pytest.fixture
def parts_of_two(monkeypatch):
    monkeypatch.setattr("etl.validate.EXECUTION_PART_ROWS", 2)


def _facts(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT entity_code, item_code, economic_code, funding_source, paid, source_row FROM budget_fact "
            "ORDER BY entity_code, source_row"))]


def _mart_paid(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {e: int(p) for e, p in conn.execute(text(
            "SELECT entity_code, SUM(paid) FROM budget_mart GROUP BY entity_code"))}


def _unchanged(before: dict, after: dict) -> bool:
    return {t: n for t, n in after.items() if t not in HISTORY_TABLES} == \
           {t: n for t, n in before.items() if t not in HISTORY_TABLES}


def test_a_file_of_several_parts_loads_every_row_and_its_sums(ref_db, parts_of_two):
    rows = [exec_row(entity="07", account="6211", paid=100), exec_row(entity="07", account="6061", paid=200),
            exec_row(entity="07", activity="P1.1.1.2", paid=300), exec_row(entity="17", paid=400),
            exec_row(entity="17", source="DP", paid=500)]
    report = load_file(execution_xlsx(rows), name="five.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    assert report.rows == 5
    # 100 + 200 + 300 riels paid in Kampot, 400 + 500 in Siem Reap.
    assert _mart_paid(ref_db) == {"07": 600, "17": 900}
    assert [r[5] for r in _facts(ref_db)] == [2, 3, 4, 5, 6]


def test_the_marts_summed_part_by_part_equal_the_marts_rebuilt_from_the_stored_rows(ref_db, parts_of_two):
    from db.marts import rebuild_marts
    from tests.etl.test_rebuild_marts import marts

    earlier = load_file(execution_xlsx([exec_row(entity="07", paid=50), exec_row(entity="00", paid=70)]),
                        name="earlier.xlsx", url=ref_db)
    assert earlier.status == "loaded"
    # Parts of two rows: one mart row and one item summed from rows of three parts, two periods,
    # chapters 62 and 60 (6211, 6061), both funding sources; Kampot's earlier row replaced.
    rows = [exec_row(entity="07", account="6211", paid=100), exec_row(entity="17", account="6061", paid=7),
            exec_row(entity="07", activity="P1.1.1.2", account="6211", paid=300),
            exec_row(entity="07", account="6211", source="DP", paid=11),
            exec_row(entity="07", period="2025-03", activity="P2.1.1.1", account="6061", paid=13),
            exec_row(entity="17", account="6211", activity="P1.1.1.2", paid=17),
            exec_row(entity="07", account="6061", activity="P1.1.1.2", paid=19)]
    report = load_file(execution_xlsx(rows), name="seven.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    written = marts(ref_db)
    with get_engine(ref_db).begin() as conn:
        rebuild_marts(conn)
    assert marts(ref_db) == written
    # June's item P1.1.1.2 in every entity: 300 and 19 riels in Kampot, 17 in Siem Reap (parts 2, 3, 4).
    with get_engine(ref_db).connect() as conn:
        assert conn.execute(text("SELECT paid, row_count FROM budget_item_mart WHERE period = '2025-06' "
                                 "AND item_code = 'P1.1.1.2'")).one() == (300 + 17 + 19, 3)


def test_a_file_of_several_parts_replaces_the_earlier_rows_of_its_scope_only_once(ref_db, parts_of_two):
    first = load_file(execution_xlsx([exec_row(entity="07", paid=50), exec_row(entity="17", paid=70)]),
                      name="v1.xlsx", url=ref_db)
    # Kampot's June again, in three parts: the second and third must not delete the first's rows.
    rows = [exec_row(entity="07", account="6211", paid=1), exec_row(entity="07", account="6061", paid=2),
            exec_row(entity="07", activity="P1.1.1.2", paid=3), exec_row(entity="07", source="DP", paid=4),
            exec_row(entity="07", activity="P2.1.1.1", paid=5)]
    # Its paid falls from 50 to 15 riels: a large replacement, confirmed (this test is about parts).
    second = load_file(execution_xlsx(rows), name="v2.xlsx", url=ref_db, replace=True)
    assert second.status == "loaded", [p.render() for p in second.problems]
    assert second.superseded == []  # Siem Reap's row of v1 is still current
    assert _mart_paid(ref_db) == {"07": 1 + 2 + 3 + 4 + 5, "17": 70}
    facts = _facts(ref_db)
    assert [r[4] for r in facts if r[0] == "07"] == [1, 2, 3, 4, 5]
    assert len(facts) == 6
    # A file for Siem Reap alone empties v1, which is then superseded by it.
    third = load_file(execution_xlsx([exec_row(entity="17", paid=9)]), name="v3.xlsx", url=ref_db, replace=True)
    assert third.superseded == [first.batch_id]


def test_a_key_repeated_in_a_later_part_rejects_the_file_and_writes_nothing(ref_db, parts_of_two):
    before = table_counts(ref_db)
    rows = [exec_row(account="6211"), exec_row(account="6061"), exec_row(activity="P1.1.1.2"),
            exec_row(account="6211", paid=7)]  # row 5 repeats row 2, in the next part
    report = load_file(execution_xlsx(rows), name="repeat.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert [(p.row, p.type) for p in report.errors] == [(5, "duplicate-row")]
    assert "the same year, period, entity, activity, economic code and funding source as row 2" in \
        report.errors[0].message
    assert _unchanged(before, table_counts(ref_db))


def test_errors_in_several_parts_are_all_reported_and_nothing_is_written(ref_db, parts_of_two):
    before = table_counts(ref_db)
    rows = [exec_row(account="6211"), exec_row(account="6061", paid=-5), exec_row(activity="P1.1.1.2"),
            exec_row(entity="17"), exec_row(entity="Atlantis")]
    report = load_file(execution_xlsx(rows), name="two-errors.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert {(p.row, p.column) for p in report.errors} == {(3, "paid"), (6, "entity")}
    assert _unchanged(before, table_counts(ref_db))


def test_a_totals_row_in_an_early_part_ends_the_data_of_every_later_part(ref_db, parts_of_two):
    rows = [exec_row(account="6211", paid=100), exec_row(account="6061", paid=200),
            ["Total", None, None, None, None, None, None, None, None, 2_000_000, 2_000_000, 1_200_000, 300],
            exec_row(entity="17", paid=999), ["Prepared by the provincial department"],
            exec_row(entity="18", paid=999)]
    report = load_file(execution_xlsx(rows), name="totals.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    assert report.rows == 2
    assert [(p.row, p.type, p.message) for p in report.warnings] == [
        (5, "rows-after-total", "3 row(s) below the totals row (row 4) were not loaded")]
    assert _mart_paid(ref_db) == {"07": 300}


def test_a_totals_row_that_disagrees_with_rows_of_several_parts_rejects_the_file(ref_db, parts_of_two):
    before = table_counts(ref_db)
    rows = [exec_row(account="6211", paid=100), exec_row(account="6061", paid=200),
            exec_row(activity="P1.1.1.2", paid=300),
            ["Total", None, None, None, None, None, None, None, None, 3_000_000, 3_000_000, 1_800_000, 500]]
    report = load_file(execution_xlsx(rows), name="bad-total.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert [(p.row, p.column, p.type) for p in report.errors] == [(5, "paid", "total-mismatch")]
    assert "the totals row says 500 but the rows add up to 600" in report.errors[0].message
    assert _unchanged(before, table_counts(ref_db))


def test_a_sheet_name_with_a_comma_and_quotes_is_stored_as_written(ref_db):
    # On PostgreSQL the rows travel as CSV: the sheet's name must not be taken for two fields.
    name = 'June, "final"'
    report = load_file(execution_xlsx([exec_row()], sheet=name), name="quoted.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with get_engine(ref_db).connect() as conn:
        assert conn.execute(text("SELECT DISTINCT source_sheet FROM budget_fact")).scalars().all() == [name]


def test_csv_for_copy_quotes_what_must_be_quoted_and_leaves_missing_values_empty():
    import pandas as pd

    frame = pd.DataFrame({"code": ["P1", 'a "b"', "x,y", ""], "activity": [None, "A1", None, "A2"],
                          "paid": [1, 20, 300, 4_000]})
    assert csv_text(frame, ["code", "activity", "paid"]) == \
        'P1,,1\n"a ""b""",A1,20\n"x,y",,300\n"",A2,4000\n'
    # Leading columns of one value are written once as each line's prefix, quoted as any field.
    frame["batch"], frame["sheet"] = 7, 'June, "final"'
    assert csv_text(frame, ["batch", "sheet", "paid", "code"]) == (
        '7,"June, ""final""",1,P1\n7,"June, ""final""",20,"a ""b"""\n7,"June, ""final""",300,"x,y"\n'
        '7,"June, ""final""",4000,""\n')
    # A constant column after a varying one is written in every line all the same.
    assert csv_text(frame.iloc[:2], ["paid", "batch"]) == "1,7\n20,7\n"
    assert csv_text(frame.iloc[:2], ["batch", "sheet"]) == '7,"June, ""final"""\n' * 2


def _process_state() -> tuple[bool, float]:
    return gc.isenabled(), sys.getswitchinterval()


def test_a_load_leaves_the_collector_and_the_switch_interval_as_they_are(ref_db):
    # Process-wide settings are the entry points' (etl.process_settings), never the loader's.
    before, seen = _process_state(), set()
    report = load_file(execution_xlsx([exec_row()]), name="ok.xlsx", url=ref_db,
                       progress=lambda _fraction, _message: seen.add(_process_state()))
    assert report.status == "loaded", [p.render() for p in report.problems]
    assert seen == {before}
    assert _process_state() == before
    assert not [t for t in threading.enumerate() if t.name == "pib-load-writer"]


def test_the_process_settings_hold_for_the_load_and_are_restored_after_it_succeeds_or_fails(ref_db, monkeypatch):
    before, seen = _process_state(), set()
    with bulk_process_settings():
        report = load_file(execution_xlsx([exec_row()]), name="ok.xlsx", url=ref_db,
                           progress=lambda _fraction, _message: seen.add(_process_state()))
    assert report.status == "loaded", [p.render() for p in report.problems]
    assert seen == {(False, LOAD_SWITCH_INTERVAL)}
    assert _process_state() == before
    assert not [t for t in threading.enumerate() if t.name == "pib-load-writer"]

    def broken(*_args, **_kwargs):
        raise RuntimeError("the machine was switched off")

    # Inside the writer's block: the load's transaction and its writer thread both end in the failure.
    monkeypatch.setattr("etl.load.FileSums.add", broken)
    with pytest.raises(RuntimeError), bulk_process_settings():
        load_file(execution_xlsx([exec_row(paid=9)]), name="broken.xlsx", url=ref_db)
    assert _process_state() == before
    assert not [t for t in threading.enumerate() if t.name == "pib-load-writer"]


def test_process_settings_entered_twice_are_restored_by_the_last_to_leave():
    before = _process_state()
    with bulk_process_settings():
        with bulk_process_settings():
            assert _process_state() == (False, LOAD_SWITCH_INTERVAL)
        assert _process_state() == (False, LOAD_SWITCH_INTERVAL)
    assert _process_state() == before


def test_a_database_failure_in_the_writer_fails_a_valid_file_and_writes_nothing(ref_db, parts_of_two, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import etl.writer

    written = []
    real = etl.writer.write_rows

    def failing_second_time(*args):
        if written:
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        written.append(args)
        real(*args)

    monkeypatch.setattr("etl.writer.write_rows", failing_second_time)
    before = table_counts(ref_db)
    rows = [exec_row(account="6211"), exec_row(account="6061"), exec_row(activity="P1.1.1.2"),
            exec_row(entity="17"), exec_row(entity="18")]
    report = load_file(execution_xlsx(rows), name="cut.xlsx", url=ref_db)
    assert report.status == "failed"
    assert [p.type for p in report.problems] == ["database-unavailable"]
    assert len(written) == 1  # the first part was written, then rolled back with the rest
    assert table_counts(ref_db) == before


@pytest.mark.parametrize("part_rows", [3, 50_000])
def test_code_columns_numbered_once_report_blank_and_error_cells_where_they_are(ref_db, monkeypatch, part_rows):
    # Parts of three rows (and the file whole): each part's entity, programme and account columns
    # repeat a few values, so that they are numbered once and checked by number.
    monkeypatch.setattr("etl.validate.EXECUTION_PART_ROWS", part_rows)
    before = table_counts(ref_db)
    rows = [exec_row(account="6211"), exec_row(account="6061"), exec_row(entity="   ", account="6411"),
            exec_row(activity="P1.1.1.2"), exec_row(activity="P1.1.1.2", account="6061"),
            exec_row(activity="P1.1.1.2", account="6411"), exec_row(entity="17"), exec_row(entity="17", account="6061")]
    # Row 6's programme is an error cell (#N/A), which calamine reads as an empty text.
    report = load_file(execution_xlsx(rows, errors={"D6": "#N/A"}), name="cells.xlsx", url=ref_db)
    assert report.status == "rejected"
    assert sorted((p.row, p.column, p.type) for p in report.errors) == [(4, "entity", "missing-cell"),
                                                                  (6, "programme", "error-cell")]
    assert _unchanged(before, table_counts(ref_db))
    # The same rows without those two cells load whole, each part's codes read right.
    rows[2] = exec_row(entity="07", account="6411")
    report = load_file(execution_xlsx(rows), name="cells.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    assert [(r[0], r[1], r[2]) for r in _facts(ref_db)] == [
        ("07", "P1.1.1.1", "6211"), ("07", "P1.1.1.1", "6061"), ("07", "P1.1.1.1", "6411"),
        ("07", "P1.1.1.2", "6211"), ("07", "P1.1.1.2", "6061"), ("07", "P1.1.1.2", "6411"),
        ("17", "P1.1.1.1", "6211"), ("17", "P1.1.1.1", "6061")]
