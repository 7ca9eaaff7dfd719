"""The test databases: which backends run, emptying PostgreSQL between tests, counting rows."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from db.engine import get_engine, normalise_url
from db.models import Base

POSTGRES_URL = os.environ.get("PIB_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# Reference tables survive between tests: they are seeded once by the migration.
KEEP_TABLES = {"admin_unit", "alembic_version"}


# A table this large (bytes on disk) is emptied by TRUNCATE; a smaller one by DELETE.
_TRUNCATE_FROM_BYTES = 4 * 1024 * 1024


def truncate_postgres(url: str) -> None:
    """Empty every table but the seeded reference ones, and restart the ids, as a new database.

    TRUNCATE of all 30 tables cost 0.3–0.9 s per test (PostgreSQL replaces each table's files),
    some two minutes over the suite's 400 PostgreSQL tests, most of whose tables are empty. So
    only the tables holding rows are emptied: by DELETE, which is cheap for the few rows a test
    writes, or by TRUNCATE once a table's files are large (a workbook load).
    """
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with get_engine(url).begin() as conn:
        probe = " UNION ALL ".join(
            f"SELECT '{name}', pg_relation_size('{name}') WHERE EXISTS (SELECT 1 FROM {name})" for name in tables)
        filled = dict(conn.execute(text(probe)).all())
        large = [name for name in tables if filled.get(name, 0) >= _TRUNCATE_FROM_BYTES]
        if large:
            conn.execute(text(f"TRUNCATE {', '.join(large)} CASCADE"))
        for name in tables:  # children before parents: the foreign keys never refuse a DELETE
            if name in filled and name not in large:
                conn.execute(text(f"DELETE FROM {name}"))
        # The sequences of the emptied tables (serial or identity columns) that have given an id.
        used = conn.execute(text(
            "SELECT s.relname, t.relname FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "JOIN pg_sequences q ON q.sequencename = s.relname AND q.schemaname = current_schema() "
            "WHERE s.relkind = 'S' AND q.last_value IS NOT NULL")).all()
        for sequence, table in used:
            if table in tables:
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table: compare before and after an operation that must change nothing."""
    with get_engine(url).connect() as conn:
        return {
            t.name: conn.execute(text(f"SELECT COUNT(*) FROM {t.name}")).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def create_postgres_database(prefix: str) -> tuple[Engine, str]:
    """A new, empty PostgreSQL database on the test server: (admin engine, its URL).

    Without the server: a visible skip on a developer's machine, saying what did not run; a
    failure in CI, which promises both databases.
    """
    admin_url = make_url(normalise_url(POSTGRES_URL))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        where = admin_url.render_as_string(hide_password=True)
        if os.environ.get("CI"):
            pytest.fail(f"CI: PostgreSQL at {where} does not answer ({error.orig}); the suite must run on it")
        pytest.skip(f"PostgreSQL at {where} does not answer: the PostgreSQL half of this test did not run "
                    "(start the server, or run with PIB_TEST_POSTGRES_URL= for SQLite alone)")
    return admin, admin_url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(admin: Engine, url: str) -> None:
    """Drop a database made by :func:`create_postgres_database`."""
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()
