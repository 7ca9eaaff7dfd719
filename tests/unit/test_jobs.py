"""A background job whose process ended without a result is an error, not a poll that never ends."""

import os
import subprocess
import sys

import diskcache
import pytest
from dash.exceptions import BackgroundCallbackError

from components.jobs import JOB_DIED, WatchedDiskcacheManager, job_died

DIED = {"background_callback_error": {"msg": JOB_DIED, "tb": ""}}


@pytest.fixture
def manager(tmp_path):
    cache = diskcache.Cache(str(tmp_path))
    yield WatchedDiskcacheManager(cache)
    cache.close()


def _ended_unreaped() -> subprocess.Popen:
    """A child process that has ended and is not reaped yet: a zombie, as a killed job is."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # waits for the end, leaves the zombie
    return child


def test_a_job_that_ended_without_a_result_is_reported_and_reaped(manager):
    child = _ended_unreaped()
    assert manager.get_result("key", child.pid) == DIED
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped already
    child.returncode = 0  # Popen need not reap it again


def test_a_job_long_gone_is_reported(manager):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert manager.get_result("key", child.pid) == DIED


def test_a_result_is_returned_as_dash_returns_it(manager):
    child = _ended_unreaped()
    manager.handle.set("key", ["rows", "summary", 1])
    assert manager.get_result("key", child.pid) == ["rows", "summary", 1]


def test_a_running_job_is_waited_for(manager):
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        assert manager.get_result("key", child.pid) is manager.UNDEFINED
    finally:
        child.kill()
        child.wait()


def test_only_the_death_of_a_job_counts_as_one():
    assert job_died(BackgroundCallbackError(f"An error occurred inside a background callback: {JOB_DIED}\n"))
    assert not job_died(BackgroundCallbackError("An error occurred inside a background callback: boom\n"))
    assert not job_died(ValueError(JOB_DIED))
