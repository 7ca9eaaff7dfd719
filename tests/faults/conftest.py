"""Fault tests: the database going away, a load killed mid-way, readers beside a loader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.engine import get_engine
from etl.demo import EXEC_HEADER, execution_rows, populations, structure, write_csv, write_reference
from etl.load import load_file
from tests.conftest import POSTGRES_URL, _truncate_postgres

# Without a PostgreSQL server (``make test PIB_TEST_POSTGRES_URL=``) the tests that cut its link
# have nothing to cut: they are left out, not skipped.
collect_ignore = [] if POSTGRES_URL else ["test_database_link.py"]

SCALE = 40  # activities per cluster: a month of execution is 7,240 rows, enough to be mid-way in


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An emptied PostgreSQL database of this test session's own."""
    url = request.getfixturevalue("postgres_database")
    _truncate_postgres(url)
    yield url
    get_engine(url).dispose()


def write_execution_month(folder: Path, year: int = 2024, month: int = 6) -> Path:
    """A month of synthetic execution as CSV, for the structure at ``SCALE``."""
    path = folder / f"execution-{year}-{month:02d}.csv"
    write_csv(path, EXEC_HEADER, execution_rows(year, month, structure(SCALE), populations(), SCALE))
    return path


def load_scaled_reference(url: str, folder: Path) -> None:
    """The programme structure at ``SCALE``, so that the execution files' activities exist."""
    path = folder / "reference.xlsx"
    if not path.exists():
        write_reference(path, structure(SCALE))
    report = load_file(path, url=url)
    assert report.status == "loaded", [p.render() for p in report.problems]
