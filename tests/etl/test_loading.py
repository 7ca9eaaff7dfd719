"""Loading: messy but valid files, replacement, duplicates, roll-ups, and all-or-nothing."""

import pytest
from sqlalchemy import select, text

from db.engine import get_engine, session_scope
from db.models import BudgetFact, IndicatorMart, LoadBatch
from db.queries.budget import budget
from domain.access import Scope
from etl.load import load_file
from tests.helpers.database import table_counts
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, xlsx

BUDGET_UNIT = Scope(user_id=1, username="budget", role="budget_unit")
KHMER_HEADER = ["ឆ្នាំសារពើពន្ធ", "រយៈពេល", "អង្គភាព", "កម្មវិធី", "អនុកម្មវិធី", "ចង្កោមសកម្មភាព",
                "សកម្មភាព", "កូដសេដ្ឋកិច្ច", "ប្រភពថវិកា", "ឥណទានអនុម័ត (លានរៀល)",
                "  ឥណទានកែសម្រួល   ( លានរៀល ) ", "ការសន្យាចំណាយ (លានរៀល)", "ការទូទាត់ (លានរៀល)"]


def _sums(url, **where):
    query = "SELECT entity_code, SUM(approved), SUM(revised), SUM(committed), SUM(paid) FROM budget_mart"
    clauses = " AND ".join(f"{k} = :{k}" for k in where)
    query += (" WHERE " + clauses if clauses else "") + " GROUP BY entity_code ORDER BY entity_code"
    with get_engine(url).connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(text(query), where)}


def test_messy_but_valid_workbook_loads_to_the_hand_computed_totals(ref_db):
    rows = [
        ["២០២៥", "2025-Q2", "កំពត", "P1", "P1.1", "P1.1.1", "P1.1.1.1", "6211", "RGC",
         "១,២០០.៥", "1,250", "700.25", "៦០០"],
        [None] * 13,  # a blank row in the middle
        [2025, "2025-Q2", "Siem Reap", "P1", "P1.1", "P1.1.1", "P1.1.1.1", "6211", "rgc", 800, None, 400, 350.5],
        ["សរុប", None, None, None, None, None, None, None, None, "2,000.5", 2050, "1,100.25", 950.5],
        ["Prepared by the provincial department"],  # a note below the table
    ]
    data = xlsx([KHMER_HEADER, *rows],
                before=[["ក្រសួងសង្គមកិច្ច — Budget execution, June 2025 / ការអនុវត្តថវិកា"], []],
                merge="A1:M1")
    report = load_file(data, name="messy.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    assert report.rows == 2
    # Hand-worked: 1,200.5 million = 1,200,500,000 riels; Siem Reap's blank revised = approved.
    assert _sums(ref_db, period="2025-06") == {
        "07": (1_200_500_000, 1_250_000_000, 700_250_000, 600_000_000),
        "17": (800_000_000, 800_000_000, 400_000_000, 350_500_000),
    }
    # The note below the totals row was not loaded, and the user is told.
    assert any(p.type == "rows-after-total" and p.row == 8 for p in report.warnings)
    with session_scope(ref_db) as session:
        rows = session.execute(select(BudgetFact.entity_code, BudgetFact.source_sheet, BudgetFact.source_row)
                               .order_by(BudgetFact.source_row)).all()
    assert rows == [("07", "data", 4), ("17", "data", 6)]  # lineage: sheet and Excel row


def test_paid_above_revised_is_a_warning_not_a_rejection(ref_db):
    report = load_file(execution_xlsx([exec_row(paid=1_100_000)]), name="over.xlsx", url=ref_db)
    assert report.status == "loaded"
    assert [p.type for p in report.warnings] == ["paid-above-revised"]


def test_quarter_replaces_the_same_month_and_the_old_batch_is_superseded(ref_db):
    first = load_file(execution_xlsx([exec_row(period="2025-06", paid=500_000)]), name="june.xlsx", url=ref_db)
    second = load_file(execution_xlsx([exec_row(period="2025-Q2", paid=550_000)]), name="q2.xlsx", url=ref_db)
    assert second.status == "loaded" and second.superseded == [first.batch_id]
    assert _sums(ref_db, period="2025-06")["07"][3] == 550_000
    with session_scope(ref_db) as session:
        statuses = dict(session.execute(select(LoadBatch.id, LoadBatch.status)).all())
        assert statuses[first.batch_id] == "superseded" and statuses[second.batch_id] == "loaded"
        assert session.scalar(select(LoadBatch.superseded_by).where(LoadBatch.id == first.batch_id)) == \
            second.batch_id


def test_the_same_file_twice_changes_nothing(ref_db):
    data = execution_xlsx([exec_row()])
    assert load_file(data, name="a.xlsx", url=ref_db).status == "loaded"
    before = table_counts(ref_db)
    again = load_file(data, name="a-copy.xlsx", url=ref_db)
    assert again.status == "duplicate"
    after = table_counts(ref_db)
    assert {t: n for t, n in after.items() if t != "audit_log"} == \
           {t: n for t, n in before.items() if t != "audit_log"}


def test_an_earlier_period_loaded_later_does_not_alter_year_figures(ref_db):
    load_file(execution_xlsx([exec_row(period="2025-06", paid=500_000)]), name="june.xlsx", url=ref_db)
    with session_scope(ref_db) as session:
        year_before = budget(session, BUDGET_UNIT, year=2025)
    load_file(execution_xlsx([exec_row(period="2025-03", paid=200_000)]), name="march.xlsx", url=ref_db)
    with session_scope(ref_db) as session:
        year_after = budget(session, BUDGET_UNIT, year=2025)
        march = budget(session, BUDGET_UNIT, year=2025, period="2025-03")
    assert year_before.to_dict() == year_after.to_dict()
    assert int(year_after["paid"].iloc[0]) == 500_000  # the latest period, never June + March
    assert int(march["paid"].iloc[0]) == 200_000


def test_a_load_that_fails_mid_way_leaves_the_database_as_it_was(ref_db, monkeypatch):
    load_file(execution_xlsx([exec_row(paid=100)]), name="first.xlsx", url=ref_db)
    before = table_counts(ref_db)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the machine was switched off")

    monkeypatch.setattr("etl.load.replace_budget_mart", broken)
    with pytest.raises(RuntimeError):
        load_file(execution_xlsx([exec_row(paid=200), exec_row(entity="17")]), name="second.xlsx", url=ref_db)
    assert table_counts(ref_db) == before
    assert _sums(ref_db)["07"][3] == 100


def test_commune_values_roll_up_to_the_province_by_each_rule(ref_db):
    rows = [
        # FP_PW (sum) and FP_PW_ELIG (sum) in two Kampot communes; FP_PW_COV is their ratio.
        [2025, "2025-Q2", "070101", "FP_PW", None, 100, 90],
        [2025, "2025-Q2", "070102", "FP_PW", None, 300, 30],
        [2025, "2025-Q2", "070101", "FP_PW_ELIG", None, 200, 100],
        [2025, "2025-Q2", "070102", "FP_PW_ELIG", None, 200, 900],
        # CARE_SAT (mean) reported by two districts.
        [2025, "2025-Q2", "0701", "CARE_SAT", None, 80, 70],
        [2025, "2025-Q2", "0702", "CARE_SAT", None, 80, 90],
    ]
    report = load_file(indicators_xlsx(rows), name="kampot.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with session_scope(ref_db) as session:
        mart = {(r.entity_code, r.indicator_code): (r.target, r.actual) for r in session.scalars(
            select(IndicatorMart).where(IndicatorMart.period == "2025-06"))}
    assert mart[("07", "FP_PW")] == (400, 120)          # 100 + 300, 90 + 30
    assert mart[("07", "CARE_SAT")] == (80, 80)          # (70 + 90) ÷ 2
    # 100 × (90 + 30) ÷ (100 + 900) = 12 %, not the mean of 90 % and 3.3 %.
    assert mart[("07", "FP_PW_COV")] == (pytest.approx(100.0), pytest.approx(12.0))
    assert mart[("00", "FP_PW")] == (400, 120)           # the nation: Kampot alone so far


def test_a_province_name_in_khmer_and_a_district_code_without_its_zero(ref_db):
    rows = [[2025, "2025-06", "កំពត", "FP_OLD", None, 10, 9], [2025, "2025-06", 701, "CARE_SAT", None, 80, 60]]
    report = load_file(indicators_xlsx(rows), name="k.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with session_scope(ref_db) as session:
        units = set(session.scalars(text("SELECT unit_code FROM indicator_value")))
    assert units == {"07", "0701"}


def test_hidden_sheets_are_ignored_unless_they_hold_the_data(ref_db):
    data = execution_xlsx([exec_row()], hidden=[("old", [["fiscal_year", "period"], [2019, "junk"]])])
    assert load_file(data, name="h.xlsx", url=ref_db).status == "loaded"
    from tests.helpers.workbooks import EXEC_HEADER

    # The data on a hidden sheet, a cover note on the visible one: the hidden sheet is the data.
    only_hidden = xlsx([["see the data sheet"]],
                       hidden=[("data2", [EXEC_HEADER, exec_row(entity="17")])])
    report = load_file(only_hidden, name="h2.xlsx", url=ref_db)
    assert report.status == "loaded" and report.rows == 1


def test_dry_run_validates_without_writing(ref_db):
    before = table_counts(ref_db)
    report = load_file(execution_xlsx([exec_row()]), name="dry.xlsx", url=ref_db, dry_run=True)
    assert report.status == "valid" and report.rows == 1
    assert table_counts(ref_db) == before


def test_reference_load_adds_and_renames_but_never_deletes(ref_db):
    from db.models import Programme

    data = xlsx([["code", "parent", "level", "name_en", "name_km"],
                 ["P1", "", "programme", "Social welfare and inclusion", "សុខុមាលភាព និងបរិយាប័ន្ន"],
                 ["P1.3", "P1", "subprogramme", "Community services", "សេវាសហគមន៍"]], sheet="programmes")
    with session_scope(ref_db) as session:
        before = set(session.scalars(select(Programme.code)))
    report = load_file(data, name="structure.xlsx", url=ref_db)
    assert report.status == "loaded", [p.render() for p in report.problems]
    with session_scope(ref_db) as session:
        after = {p.code: p for p in session.scalars(select(Programme))}
        assert set(after) == before | {"P1.3"}
        assert after["P1"].name_en == "Social welfare and inclusion"
        assert after["P1.3"].parent_code == "P1"
