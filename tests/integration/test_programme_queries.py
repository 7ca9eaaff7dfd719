"""The programme tree, programme indicators and province unit costs against hand-worked sums
(both databases), and the item mart staying equal to the facts when a load replaces a month."""

import pytest
from sqlalchemy import text

from db.engine import get_engine, session_scope
from db.queries import overview
from db.queries import programmes as queries
from domain.access import Scope
from etl.load import load_file
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

BUDGET = Scope(user_id=1, username="budget", role="budget_unit", province=None)


@pytest.fixture
def loaded(db_url, tmp_path):
    load_reference(db_url, tmp_path)
    june = execution_xlsx([
        exec_row(entity="07", period="2025-06", activity="P1.1.1.1", revised=1_000_000, paid=400_000),
        exec_row(entity="07", period="2025-06", activity="P1.1.1.1", account="6221", revised=500_000,
                 paid=100_000),
        exec_row(entity="17", period="2025-06", activity="P1.1.1.1", revised=2_000_000, paid=1_500_000),
        exec_row(entity="17", period="2025-06", activity="P1.1.1.2", revised=300_000, paid=30_000),
        exec_row(entity="00", period="2025-06", activity="P2.1.1.1", revised=9_000_000, paid=4_500_000),
    ])
    may = execution_xlsx([exec_row(entity="07", period="2025-05", activity="P1.1.1.1", revised=1_000_000,
                                   paid=250_000)])
    values = indicators_xlsx([
        [2025, "2025-Q2", "07", "FP_PW", None, 100, 50],
        [2025, "2025-Q2", "17", "FP_PW", None, 200, 200],
    ])
    for name, data in (("may.xlsx", may), ("june.xlsx", june), ("values.xlsx", values)):
        assert load_file(data, name=name, url=db_url).status == "loaded"
    return db_url


def test_the_tree_sums_each_level_nationally(loaded):
    with session_scope(loaded) as session:
        tree = queries.programme_tree(session, BUDGET, year=2025, period="2025-06", lang="en").set_index("code")
    assert tree.loc["P1", ["revised", "paid"]].tolist() == [3_800_000, 2_030_000]
    assert tree.loc["P1.1.1", ["revised", "paid"]].tolist() == [3_800_000, 2_030_000]
    assert tree.loc["P1.1.1.1", ["revised", "paid", "level"]].tolist() == [3_500_000, 2_000_000, "activity"]
    assert tree.loc["P1.1.1.2", ["revised", "paid"]].tolist() == [300_000, 30_000]
    assert tree.loc["P2", "execution_rate"] == pytest.approx(0.5)
    assert list(tree.index) == sorted(tree.index)  # tree order: a parent before its children
    with session_scope(loaded) as session:
        kampot = queries.programme_tree(session, BUDGET, year=2025, period="2025-06", lang="en",
                                        entity="07").set_index("code")
    assert kampot.loc["P1.1.1.1", ["revised", "paid"]].tolist() == [1_500_000, 500_000]


def test_the_outline_counts_each_cluster_s_activities_and_one_cluster_opens_alone(loaded):
    with session_scope(loaded) as session:
        outline = queries.programme_outline(session, BUDGET, year=2025, period="2025-06", lang="en")
        family = queries.programme_activities(session, BUDGET, year=2025, period="2025-06", lang="en",
                                              clusters=("P1.1.1",))
    outline = outline.set_index("code")
    assert "activity" not in set(outline["level"])
    # P1.1.1 holds P1.1.1.1 (Kampot and Kep) and P1.1.1.2; P2.1.1 holds P2.1.1.1 (central).
    assert outline.loc["P1.1.1", ["activities", "revised", "paid"]].tolist() == [2, 3_800_000, 2_030_000]
    assert outline.loc["P2.1.1", "activities"] == 1 and outline.loc["P2", "paid"] == 4_500_000
    assert family["code"].tolist() == ["P1.1.1.1", "P1.1.1.2"]
    assert family["paid"].tolist() == [2_000_000, 30_000] and set(family["parent"]) == {"P1.1.1"}


def test_the_quadrant_places_each_programme_of_a_province(loaded):
    with session_scope(loaded) as session:
        frame = queries.programme_quadrant(session, BUDGET, year=2025, period="2025-06", province="07",
                                           lang="en").set_index("programme")
    # Kampot in June: P1 paid 500,000 of 1,500,000 revised; FP_PW (under P1) reached 50 of 100.
    assert frame.loc["P1", "execution_rate"] == pytest.approx(1 / 3)
    assert frame.loc["P1", "achievement"] == pytest.approx(0.5)
    assert frame.loc["P1", "label"] == "Social welfare"
    # Half the year gone: 1/3 is below 90 % of the expected 50 %, and 50 % is below on-track.
    assert frame.loc["P1", "quadrant"] == "not_spending_not_delivering"


def test_programme_indicators_cost_the_linked_activity_per_unit(loaded):
    with session_scope(loaded) as session:
        national = queries.linked_indicators(session, BUDGET, year=2025, period="2025-06").set_index("indicator")
        kampot = queries.linked_indicators(session, BUDGET, year=2025, period="2025-06",
                                           unit="07").set_index("indicator")
    # FP_PW is produced by P1.1.1.1: 2,000,000 KHR paid nationally for 250 reached; 500,000 for Kampot's 50.
    assert national.loc["FP_PW", "unit_cost"] == pytest.approx(2_000_000 / 250)
    assert kampot.loc["FP_PW", "unit_cost"] == pytest.approx(500_000 / 50)


def test_province_unit_costs_use_each_province_s_latest_month(loaded):
    with session_scope(loaded) as session:
        table = overview.province_table(session, BUDGET, year=2025, period="2025-06").set_index("code")
    assert table.loc["07", "unit_cost"] == pytest.approx(500_000 / 50)
    assert table.loc["17", "unit_cost"] == pytest.approx(1_500_000 / 200)


def test_the_item_mart_follows_a_month_that_is_loaded_again(loaded):
    again = execution_xlsx([exec_row(entity="17", period="2025-06", activity="P1.1.1.1", revised=2_000_000,
                                     paid=1_900_000)])
    assert load_file(again, name="june-siem-reap.xlsx", url=loaded).status == "loaded"
    with get_engine(loaded).connect() as conn:
        mart = conn.execute(text("SELECT item_code, revised, paid FROM budget_item_mart "
                                 "WHERE period = '2025-06' ORDER BY item_code")).all()
        facts = conn.execute(text("SELECT item_code, SUM(revised), SUM(paid) FROM budget_fact "
                                  "WHERE period = '2025-06' GROUP BY item_code ORDER BY item_code")).all()
    assert [tuple(r) for r in mart] == [tuple(r) for r in facts] == [
        ("P1.1.1.1", 3_500_000, 2_400_000), ("P2.1.1.1", 9_000_000, 4_500_000)]


def test_a_programme_figure_s_sources_are_counted_from_the_mart_and_match_the_facts(loaded):
    from db.queries.lineage import budget_lineage

    director = Scope(user_id=2, username="director07", role="provincial_director", province="07")
    with session_scope(loaded) as session:
        national = budget_lineage(session, BUDGET, year=2025, period="2025-06", programme="P1")
        kampot = budget_lineage(session, director, year=2025, period="2025-06", programme="P1")
        care = budget_lineage(session, BUDGET, year=2025, period="2025-06", programme="P1", subprogramme="P1.2")
    # june.xlsx: rows 2-3 Kampot's P1, rows 4-5 Siem Reap's P1, row 6 central P2.
    assert [(s.file_name, s.sheet, s.row_count, s.rows) for s in national] == [("june.xlsx", "data", 4, [2, 3, 4, 5])]
    assert [(s.file_name, s.row_count, s.rows) for s in kampot] == [("june.xlsx", 2, [2, 3])]
    assert care == []
