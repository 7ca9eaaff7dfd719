"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured).

``db_url`` is parametrised over the backends: every test that asks for it runs once on SQLite and,
when ``PIB_TEST_POSTGRES_URL`` is set, once more on a PostgreSQL database that this session
creates and drops. The application fixtures live in ``tests/app_fixtures.py``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest

# Each test process gets an instance folder of its own, never the checkout's: the shared cache
# tier and the load slots live there, and one xdist worker's test that clears the cache (or takes
# the slots) must not reach into the other worker's test, nor into an app a developer runs. Set
# before the application is imported, since settings reads it once.
_INSTANCE = tempfile.mkdtemp(prefix="pib-tests-")
os.environ["PIB_INSTANCE_DIR"] = _INSTANCE
atexit.register(shutil.rmtree, _INSTANCE, ignore_errors=True)
# The gunicorn servers that tests start warm no answers unless a test asks (gunicorn.conf.py):
# a test counts what its own requests compute.
os.environ["PIB_WARM_UP_YEARS"] = "0"

from db.engine import dispose_all, get_engine  # noqa: E402 - after the instance folder is set
from db.migrate import upgrade  # noqa: E402
from db.queries import cache  # noqa: E402
from tests.helpers.database import (  # noqa: E402
    BACKENDS,
    POSTGRES_URL,
    create_postgres_database,
    drop_postgres_database,
    truncate_postgres,
)

pytest_plugins = ["tests.app_fixtures"]

# No deadline: a property test asserts what a formula computes, never how fast; on a loaded
# 2-core machine a first example can take longer than Hypothesis's 200 ms default.
hypothesis.settings.register_profile("suite", deadline=None)
hypothesis.settings.load_profile("suite")



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
    admin, url = create_postgres_database("pib_test")
    try:
        upgrade(url)
        yield url
    finally:
        dispose_all()
        drop_postgres_database(admin, url)


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
        truncate_postgres(url)
        # The same URL, emptied: answers remembered for an earlier test's content must not meet
        # this one's where both reach the same versions (counters restart with the tables).
        cache.clear()
        yield url
