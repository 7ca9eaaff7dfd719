"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured).

``db_url`` is parametrised over the backends: every test that asks for it runs once on SQLite and,
when ``PIB_TEST_POSTGRES_URL`` is set, once more on a PostgreSQL database that this session
creates and drops. The application fixtures live in ``tests/app_fixtures.py``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.engine import dispose_all, get_engine, normalise_url
from db.migrate import upgrade
from db.models import Base

pytest_plugins = ["tests.app_fixtures"]

POSTGRES_URL = os.environ.get("PIB_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# Reference tables survive between tests: they are seeded once by the migration.
KEEP_TABLES = {"admin_unit", "alembic_version"}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite file that each test copies instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    get_engine(url).dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database of this test session's own, migrated once, dropped at the end."""
    if not POSTGRES_URL:
        pytest.fail("PIB_TEST_POSTGRES_URL is not set")  # only reached if a test forces it
    admin_url = make_url(normalise_url(POSTGRES_URL))
    name = f"pib_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        dispose_all()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_postgres(url: str) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with get_engine(url).begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated database (reference units seeded) for one test."""
    if request.param == "sqlite":
        path = tmp_path / "pib.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield url
        get_engine(url).dispose()
    else:
        url = request.getfixturevalue("postgres_database")
        _truncate_postgres(url)
        yield url


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table: compare before and after an operation that must change nothing."""
    with get_engine(url).connect() as conn:
        return {
            t.name: conn.execute(text(f"SELECT COUNT(*) FROM {t.name}")).scalar_one()
            for t in Base.metadata.sorted_tables
        }
