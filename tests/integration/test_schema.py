"""The schema: migrations that can be repeated, and constraints kept by the database itself."""

import subprocess
import sys

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from db.engine import get_engine
from db.models import BudgetFact, EconomicCode, IndicatorValue, LoadBatch, Programme, User
from tests.helpers.database import BACKENDS, create_postgres_database, drop_postgres_database


def _upgrade(url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "db", "upgrade"], capture_output=True, text=True,
                          env={"PIB_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}, timeout=120)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    """A database with no schema at all, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    admin, url = create_postgres_database("pib_upgrade")
    try:
        yield url
    finally:
        drop_postgres_database(admin, url)


def test_upgrade_twice_in_a_row_succeeds(empty_database_url):
    first = _upgrade(empty_database_url)
    assert first.returncode == 0, first.stderr
    assert "units added: 1 national, 25 province, 210 district, 1661 commune" in first.stdout
    second = _upgrade(empty_database_url)
    assert second.returncode == 0, second.stderr
    assert "units added: nothing new" in second.stdout


@pytest.fixture
def structure(db_url):
    """A minimal programme structure, economic code and batch to hang facts on."""
    return structure_rows(get_engine(db_url))


def structure_rows(engine):
    """Insert that structure through ``engine``; returns the engine."""
    with engine.begin() as conn:
        conn.execute(insert(Programme), [
            dict(code="P1", parent_code=None, level="programme", name_en="P", name_km="ក"),
            dict(code="P1.1", parent_code="P1", level="subprogramme", name_en="S", name_km="ក"),
            dict(code="P1.1.1", parent_code="P1.1", level="activity_cluster", name_en="C", name_km="ក"),
        ])
        conn.execute(insert(EconomicCode), [dict(code="62", parent_code=None, name_en="G", name_km="ក")])
        conn.execute(insert(LoadBatch), [dict(id=1, file_name="f.xlsx", checksum="0" * 64,
                                              kind="execution", scope_key="k", loaded_by="system",
                                              row_count=1, status="loaded", problems="[]")])
    return engine


def _fact(**changes):
    row = dict(fiscal_year=2025, period="2025-06", entity_code="07", programme_code="P1",
               subprogramme_code="P1.1", cluster_code="P1.1.1", activity_code=None,
               item_code="P1.1.1", economic_code="62", funding_source="RGC", approved=100,
               revised=100, committed=50, paid=40, batch_id=1, source_sheet="execution",
               source_row=2)
    row.update(changes)
    return row


@pytest.mark.parametrize("column", ["approved", "revised", "committed", "paid"])
def test_database_rejects_a_negative_amount(structure, column):
    with pytest.raises(IntegrityError), structure.begin() as conn:
        conn.execute(insert(BudgetFact), [_fact(**{column: -1})])
    with structure.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM budget_fact")).scalar_one() == 0


def test_database_rejects_a_duplicate_natural_key(structure):
    with structure.begin() as conn:
        conn.execute(insert(BudgetFact), [_fact()])
    with pytest.raises(IntegrityError), structure.begin() as conn:
        conn.execute(insert(BudgetFact), [_fact(paid=41, source_row=3)])
    with structure.begin() as conn:  # another period is another key
        conn.execute(insert(BudgetFact), [_fact(period="2025-07")])
        assert conn.execute(text("SELECT COUNT(*) FROM budget_fact")).scalar_one() == 2


def test_database_rejects_duplicate_indicator_values_and_unknown_units(structure):
    with structure.begin() as conn:
        conn.execute(text(
            "INSERT INTO indicator (code, name_en, name_km, unit, programme_code, level, direction,"
            " aggregation, weight) VALUES ('I1', 'i', 'ក', 'persons', 'P1', 'output', 'increase', 'sum', 1)"
        ))
    value = dict(fiscal_year=2025, period="2025-06", unit_code="070101", unit_level="commune",
                 province_code="07", indicator_code="I1", target=10, actual=8, batch_id=1,
                 source_sheet="indicators", source_row=2)
    with structure.begin() as conn:
        conn.execute(insert(IndicatorValue), [value])
    with pytest.raises(IntegrityError), structure.begin() as conn:
        conn.execute(insert(IndicatorValue), [value])
    with pytest.raises(IntegrityError), structure.begin() as conn:
        conn.execute(insert(IndicatorValue), [{**value, "unit_code": "999999"}])


def test_database_rejects_unknown_funding_source_and_director_without_province(structure):
    with pytest.raises(IntegrityError), structure.begin() as conn:
        conn.execute(insert(BudgetFact), [_fact(funding_source="XX")])
    with pytest.raises(IntegrityError), structure.begin() as conn:
        conn.execute(insert(User), [dict(username="d", full_name="d", password_hash="x",
                                         role="provincial_director", province_code=None,
                                         language="en", active=True)])


def test_migration_0003_keeps_the_facts_and_leaves_their_code_checks_to_the_loader(empty_database_url):
    from alembic import command
    from sqlalchemy import inspect

    from db.migrate import alembic_config, seed_admin_units, upgrade

    engine = get_engine(empty_database_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
        seed_admin_units(conn)
    with engine.connect() as conn:
        assert len(inspect(conn).get_foreign_keys("budget_fact")) == 8
    structure_rows(engine)
    with engine.begin() as conn:
        conn.execute(insert(BudgetFact), [_fact(), _fact(period="2025-07", paid=41)])
    upgrade(empty_database_url)
    with engine.connect() as conn:
        assert inspect(conn).get_foreign_keys("budget_fact") == []
        assert conn.execute(text("SELECT period, paid FROM budget_fact ORDER BY period")).all() == \
            [("2025-06", 40), ("2025-07", 41)]
    # The natural key and the amount checks are still the database's own.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(BudgetFact), [_fact(paid=-1, period="2025-08")])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(BudgetFact), [_fact(source_row=9)])
