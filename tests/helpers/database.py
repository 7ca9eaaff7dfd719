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


def truncate_postgres(url: str) -> None:
    """Empty every table but the seeded reference ones (and restart the ids)."""
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with get_engine(url).begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


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
