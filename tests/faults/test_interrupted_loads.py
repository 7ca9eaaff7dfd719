"""A load killed mid-way leaves the database as it was; readers beside a loader are never locked out."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import text

from db.engine import dispose_all, get_engine
from db.queries import overview
from domain.access import Scope
from etl.load import load_file
from tests.helpers.workbooks import load_scaled_reference, write_execution_month

ROOT = Path(__file__).resolve().parents[2]
COUNTS = ("SELECT (SELECT COUNT(*) FROM budget_fact), (SELECT COUNT(*) FROM budget_mart), "
          "(SELECT COUNT(*) FROM load_batch), (SELECT COALESCE(SUM(paid), 0) FROM budget_fact)")
BUDGET_UNIT = Scope(user_id=1, username="budget", role="budget_unit", province=None)


def _counts(url: str) -> tuple:
    with get_engine(url).connect() as conn:
        return tuple(conn.execute(text(COUNTS)).one())


def test_a_load_killed_mid_way_leaves_the_database_as_it_was(db_url, tmp_path):
    load_scaled_reference(db_url, tmp_path)
    assert load_file(write_execution_month(tmp_path, month=5), url=db_url).status == "loaded"
    before = _counts(db_url)
    june = write_execution_month(tmp_path, month=6)
    child = subprocess.Popen([sys.executable, "-m", "tests.faults.load_until_midway", str(june), db_url],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "midway"  # its rows are written, not committed
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    # As after a restart: every pooled connection dropped, the database opened afresh.
    dispose_all()
    assert _counts(db_url) == before
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = load_file(june, url=db_url)
    assert again.status == "loaded" and again.rows == 7240
    assert _counts(db_url)[0] == before[0] + 7240


def test_readers_beside_a_loader_see_the_last_committed_data_and_are_never_locked(db_url, tmp_path):
    load_scaled_reference(db_url, tmp_path)
    assert load_file(write_execution_month(tmp_path, month=5), url=db_url).status == "loaded"
    before = _counts(db_url)
    with get_engine(db_url).connect() as conn:
        national_before = conn.execute(text("SELECT SUM(revised) FROM budget_mart WHERE period = '2024-05'")).scalar()
    seen: list[tuple] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(3):
                seen.append(_counts(db_url))
                from db.engine import session_scope

                with session_scope(db_url) as session:
                    frame = overview.programmes(session, BUDGET_UNIT, year=2024, period="2024-05", lang="en")
                seen.append(("programmes", int(frame["revised"].sum())))
            if db_url.startswith("sqlite"):
                # A reader that would not wait at all: any lock would be an error at once.
                with sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=0) as conn:
                    seen.append(tuple(conn.execute(COUNTS).fetchone()))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)

    sqlite = db_url.startswith("sqlite")
    # pysqlite starts no transaction for a SELECT: a plain connection with an explicit BEGIN holds one.
    held = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None) if sqlite \
        else get_engine(db_url).connect()

    def held_counts() -> tuple:
        return tuple(held.execute(COUNTS).fetchone()) if sqlite else tuple(held.execute(text(COUNTS)).one())

    def readers_while_writing(_fraction: float, message: str) -> None:
        if message == "refreshing marts" and not seen:  # the rows are written, the transaction open
            # One reader keeps its transaction open across the loader's commit, as a slow page would.
            held.execute("BEGIN") if sqlite else held.begin()
            seen.append(held_counts())
            threads = [threading.Thread(target=read) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)

    report = load_file(write_execution_month(tmp_path, month=6), url=db_url, progress=readers_while_writing)
    # The commit did not wait for the open reader (a rollback journal would have locked it out).
    assert report.status == "loaded"
    if sqlite:
        assert held_counts() == before  # its snapshot is unchanged
    held.close()
    assert errors == []
    counts = [s for s in seen if s[0] != "programmes"]
    assert len(counts) == 1 + 4 * 3 + (4 if db_url.startswith("sqlite") else 0)
    assert set(counts) == {before}  # the loader's uncommitted rows were invisible to every reader
    assert {s[1] for s in seen if s[0] == "programmes"} == {national_before}
    assert _counts(db_url)[0] == before[0] + 7240
