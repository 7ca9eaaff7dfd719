"""Fault tests: the database going away, a load killed mid-way, readers beside a loader."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.engine import get_engine
from tests.helpers.database import POSTGRES_URL, truncate_postgres

# Without a PostgreSQL server (``make test PIB_TEST_POSTGRES_URL=``) the tests that cut its link
# have nothing to cut: they are left out, not skipped.
collect_ignore = [] if POSTGRES_URL else ["test_database_link.py"]



@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An emptied PostgreSQL database of this test session's own."""
    url = request.getfixturevalue("postgres_database")
    truncate_postgres(url)
    yield url
    get_engine(url).dispose()
