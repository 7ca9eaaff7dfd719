"""Background jobs in the database: a job started through one server is answered by another, and
a job whose process ended without a result is an error, not a poll that never ends."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import psutil
from dash.exceptions import BackgroundCallbackError, PreventUpdate
from sqlalchemy import insert, update

from components.jobs import DIED, HOST, JOB_DIED, NO_UPDATE, STALE_AFTER, DatabaseJobManager, job_died
from db import jobs as store
from db.engine import get_engine
from db.models import AuditLog, BackgroundJob, utcnow

JOBS = BackgroundJob.__table__


def _until(check, limit: float = 20.0):
    """``check()``'s first true answer, asked every 50 ms (a bound on a wait, not a speed test)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(0.05)
    raise AssertionError("still waiting")


def _start(manager: DatabaseJobManager, fn, args=(), progress: bool = True) -> str:
    """Start ``fn`` as Dash starts a background callback: its key is its job handle too."""
    key = manager.build_cache_key(fn, list(args), [], None)
    return manager.call_job_fn(key, manager.make_job_fn(fn, progress), list(args), {})


def _waits_for(go: Path):
    def job(set_progress, rows):
        set_progress(("40", "reading"))
        while not go.exists():
            time.sleep(0.02)
        return ["rows", rows]
    return job


def _never_ends(set_progress):
    set_progress(("5", "waiting"))
    while True:
        time.sleep(0.05)


def _pid(db_url: str, key: str) -> int:
    return _until(lambda: store.read(store.store_engine(db_url), key).pid)


def _reaped(manager: DatabaseJobManager, key: str, pid: int) -> bool:
    manager.get_result(key, key)
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_job_started_through_one_server_is_polled_through_another(db_url, tmp_path):
    one, other = DatabaseJobManager(db_url), DatabaseJobManager(db_url)
    go = tmp_path / "go"
    key = _start(one, _waits_for(go), [3])
    assert _until(lambda: other.get_progress(key)) == ["40", "reading"]
    assert other.job_running(key)
    assert other.get_result(key, key) is other.UNDEFINED
    go.touch()
    assert _until(lambda: (r := other.get_result(key, key)) is not other.UNDEFINED and r) == ["rows", 3]
    # Handed out once: the other server, polled again, has nothing more, and the job is over.
    assert one.get_result(key, key) is one.UNDEFINED
    assert not one.job_running(key)


def test_two_starts_with_the_same_inputs_are_two_jobs(db_url, tmp_path):
    manager = DatabaseJobManager(db_url)
    go = tmp_path / "go"
    go.touch()
    first, second = _start(manager, _waits_for(go), [1]), _start(manager, _waits_for(go), [1])
    assert first != second
    for key in (first, second):
        assert _until(lambda k=key: (r := manager.get_result(k, k)) is not manager.UNDEFINED and r) == ["rows", 1]


def test_a_job_whose_process_is_killed_is_reported_once_and_reaped(db_url):
    one, other = DatabaseJobManager(db_url), DatabaseJobManager(db_url)
    key = _start(one, _never_ends)
    pid = _pid(db_url, key)
    _until(lambda: other.get_progress(key))
    assert other.get_result(key, key) is other.UNDEFINED  # running: waited for
    os.kill(pid, signal.SIGKILL)
    assert _until(lambda: other.get_result(key, key) == DIED)
    assert not other.job_running(key)
    assert other.get_result(key, key) is other.UNDEFINED  # reported once; Dash then stops polling
    # The server that forked it waits for it, once all its threads have ended.
    assert _until(lambda: _reaped(one, key, pid))


def test_a_job_on_another_machine_is_alive_while_its_heartbeat_is(db_url):
    manager = DatabaseJobManager(db_url)
    engine = store.store_engine(db_url)
    store.start(engine, "far", "another-machine")
    store.started(engine, "far", 1, 0.0)  # a process id of that machine means nothing here
    assert manager.job_running("far")
    assert manager.get_result("far", "far") is manager.UNDEFINED
    with engine.begin() as conn:
        conn.execute(update(JOBS).where(JOBS.c.key == "far")
                     .values(heartbeat_at=utcnow() - STALE_AFTER - timedelta(seconds=1)))
    assert not manager.job_running("far")
    assert manager.get_result("far", "far") == DIED


def test_a_process_id_given_to_a_later_process_is_not_the_job(db_url):
    manager = DatabaseJobManager(db_url)
    engine = store.store_engine(db_url)
    store.start(engine, "reused", HOST)
    # This very process runs, but it started long before the job's process did.
    store.started(engine, "reused", os.getpid(), psutil.Process().create_time() + 60)
    assert not manager.job_running("reused")
    assert manager.get_result("reused", "reused") == DIED


def test_errors_and_prevent_update_come_back_as_dash_expects(db_url):
    manager = DatabaseJobManager(db_url)

    def fails():
        raise ValueError("the workbook is odd")

    def prevents():
        raise PreventUpdate

    failed, prevented = _start(manager, fails, progress=False), _start(manager, prevents, progress=False)
    error = _until(lambda: (r := manager.get_result(failed, failed)) is not manager.UNDEFINED and r)
    assert error["background_callback_error"]["msg"] == "the workbook is odd"
    assert "ValueError" in error["background_callback_error"]["tb"]
    assert _until(lambda: (r := manager.get_result(prevented, prevented)) is not manager.UNDEFINED and r) == NO_UPDATE


def test_a_cancelled_job_stops_on_this_machine_and_on_another(db_url):
    manager = DatabaseJobManager(db_url)
    here = _start(manager, _never_ends)
    pid = _pid(db_url, here)
    manager.terminate_job(here)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert store.read(store.store_engine(db_url), here).status == "cancelled"

    far = _start(manager, _never_ends)
    pid = _pid(db_url, far)
    with store.store_engine(db_url).begin() as conn:  # as if another machine had started it
        conn.execute(update(JOBS).where(JOBS.c.key == far).values(host="another-machine"))
    manager.terminate_job(far)
    assert psutil.pid_exists(pid)  # not killed from here: it stops itself at its next heartbeat
    assert psutil.Process(pid).wait(timeout=30) == 1
    assert manager.get_result(far, far) is manager.UNDEFINED and not manager.job_running(far)


def test_progress_is_seen_while_a_load_holds_the_database_writer(db_url):
    # An SQLite file has one writer at a time and a load holds it while it writes: progress kept
    # in that file would wait for the load it reports on.
    manager = DatabaseJobManager(db_url)
    with get_engine(db_url).connect() as load:
        load.begin()
        load.execute(insert(AuditLog).values(action="load", username="budget", detail="{}"))
        key = _start(manager, _never_ends)
        assert _until(lambda: manager.get_progress(key)) == ["5", "waiting"]
        load.rollback()
    manager.terminate_job(key)


def test_jobs_a_day_quiet_are_forgotten_at_the_next_start(db_url):
    engine = store.store_engine(db_url)
    store.start(engine, "old", HOST)
    with engine.begin() as conn:
        conn.execute(update(JOBS).where(JOBS.c.key == "old").values(heartbeat_at=utcnow() - timedelta(days=2)))
    store.start(engine, "new", HOST)
    assert store.read(engine, "old") is None and store.read(engine, "new").status == "running"


def test_an_sqlite_database_keeps_its_jobs_in_a_file_beside_it():
    assert store.store_url("sqlite:////srv/pib/pib.sqlite3") == "sqlite:////srv/pib/pib.sqlite3-jobs"
    assert store.store_url("postgresql://pib@db/pib") == "postgresql://pib@db/pib"


def test_only_the_death_of_a_job_counts_as_one():
    assert job_died(BackgroundCallbackError(f"An error occurred inside a background callback: {JOB_DIED}\n"))
    assert not job_died(BackgroundCallbackError("An error occurred inside a background callback: boom\n"))
    assert not job_died(ValueError(JOB_DIED))


def test_the_job_table_matches_its_migration(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.models import Base

    with get_engine(db_url).connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert not [d for d in differences if "background_job" in repr(d)], differences
