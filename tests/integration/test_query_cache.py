"""The query cache: an answer computed by one process is served to another from the shared tier;
a load makes every answer stale; a cache directory that cannot be used only costs speed."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from db.engine import session_scope
from db.queries import cache
from domain.access import Scope
from etl.demo import structure, write_reference
from etl.load import load_file
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

ROOT = Path(__file__).resolve().parents[2]
BUDGET = Scope(user_id=1, username="budget", role="budget_unit", province=None)
# Run in another process, as another gunicorn worker would: its answer and whether it computed it.
OTHER_WORKER = """
import sys
from domain.access import Scope
from db.engine import session_scope
from db.queries.cache import cached
from tests.integration import cache_probe
with session_scope(sys.argv[1]) as session:
    answer = cached(session, Scope(user_id=2, username="another", role="budget_unit"), cache_probe.paid_in_june)
print(answer, cache_probe.CALLS)
"""


def _other_worker(url: str, instance: Path) -> str:
    done = subprocess.run([sys.executable, "-c", OTHER_WORKER, url], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PIB_INSTANCE_DIR": str(instance)}, check=True)
    return done.stdout.strip()


def _june_loaded_with_the_cache_in(instance: Path, db_url: str, tmp_path: Path, monkeypatch) -> None:
    """June 2025 loaded (paid 4), every cache empty, the shared tier opened afresh in ``instance``."""
    from tests.integration import cache_probe

    monkeypatch.setattr("settings.INSTANCE_DIR", instance)
    monkeypatch.setattr(cache, "_shared", None)
    load_reference(db_url, tmp_path)
    june = execution_xlsx([exec_row(entity="07", period="2025-06", activity="P1.1.1.1", revised=10, paid=4)])
    assert load_file(june, name="june.xlsx", url=db_url).status == "loaded"
    cache.clear()
    cache_probe.CALLS.clear()


def test_an_answer_is_computed_once_per_machine_and_a_load_makes_it_stale(db_url, tmp_path, monkeypatch):
    from tests.integration import cache_probe

    instance = tmp_path / "instance"
    _june_loaded_with_the_cache_in(instance, db_url, tmp_path, monkeypatch)
    # Another worker computes the answer; this one then gets it without computing it.
    assert _other_worker(db_url, instance) == "4 [1]"
    with session_scope(db_url) as session:
        assert cache.cached(session, BUDGET, cache_probe.paid_in_june) == 4
    assert cache_probe.CALLS == []
    # A load of the same month with another figure: every process computes the new answer.
    again = execution_xlsx([exec_row(entity="07", period="2025-06", activity="P1.1.1.1", revised=10, paid=9)])
    assert load_file(again, name="june-again.xlsx", url=db_url).status == "loaded"
    with session_scope(db_url) as session:
        assert cache.cached(session, BUDGET, cache_probe.paid_in_june) == 9
    assert cache_probe.CALLS == [1]
    assert _other_worker(db_url, instance) == "9 []"


def test_an_upgraded_app_is_not_served_what_its_former_code_computed(db_url, tmp_path, monkeypatch):
    from tests.integration import cache_probe

    instance = tmp_path / "instance"
    _june_loaded_with_the_cache_in(instance, db_url, tmp_path, monkeypatch)
    assert _other_worker(db_url, instance) == "4 [1]"  # kept in the shared tier by the code as it is
    # The same inputs and data, asked by other code (a process started after an upgrade).
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "the next version")
    with session_scope(db_url) as session:
        assert cache.cached(session, BUDGET, cache_probe.paid_in_june) == 4
    assert cache_probe.CALLS == [1]


def test_a_cache_directory_that_cannot_be_used_only_costs_speed(db_url, tmp_path, monkeypatch):
    from tests.integration import cache_probe

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the instance folder should be")
    _june_loaded_with_the_cache_in(blocked, db_url, tmp_path, monkeypatch)
    with session_scope(db_url) as session:
        assert cache.cached(session, BUDGET, cache_probe.paid_in_june) == 4
        assert cache.cached(session, BUDGET, cache_probe.paid_in_june) == 4  # the process's own tier
    assert cache_probe.CALLS == [1]


def test_changing_an_answer_one_got_changes_nobody_elses(db_url, tmp_path, monkeypatch):
    from db.queries.budget import budget
    from db.queries.indicators import scorecard

    monkeypatch.setenv("PIB_INSTANCE_DIR", str(tmp_path / "instance"))
    cache.clear()
    load_reference(db_url, tmp_path)
    assert load_file(execution_xlsx([exec_row(entity="07", paid=500_000)]), name="june.xlsx",
                     url=db_url).status == "loaded"
    assert load_file(indicators_xlsx([[2025, "2025-06", "07", "FP_PW", None, 100, 95]]), name="q2.xlsx",
                     url=db_url).status == "loaded"
    reviewer = Scope(user_id=1, username="r", role="mef_reviewer")
    with session_scope(db_url) as session:
        first = cache.cached(session, reviewer, budget, year=2025, period="2025-06", group_by=("entity",))
        first.loc[0, "paid"] = -1  # a careless caller
        first["paid"] = 0
        again = cache.cached(session, reviewer, budget, year=2025, period="2025-06", group_by=("entity",))
        assert again["paid"].tolist() == [500_000]
        card = cache.cached(session, reviewer, scorecard, year=2025, province="07", period="2025-06")
        card["rows"].loc[:, "target"] = -1
        card["score"] = 99
        fresh = cache.cached(session, reviewer, scorecard, year=2025, province="07", period="2025-06")
        assert fresh["score"] != 99 and fresh["rows"].set_index("indicator").loc["FP_PW", "target"] == 100


# A load of this year's month need not make last year's answers cold: an answer of one fiscal year
# that reads no later year (``FACTS_TO_YEAR``) is keyed on the loads of its year and the earlier ones.

def _paid_up_to(db_url: str, year: int) -> int:
    from tests.integration import cache_probe

    with session_scope(db_url) as session:
        return cache.cached(session, BUDGET, cache_probe.paid_up_to, depends=(cache.FACTS_TO_YEAR,), year=year)


def _load(db_url: str, name: str, *rows: list) -> None:
    assert load_file(execution_xlsx(list(rows)), name=name, url=db_url).status == "loaded"


def test_a_load_of_one_year_leaves_the_answers_of_earlier_years_in_place(db_url, tmp_path, monkeypatch):
    from tests.integration import cache_probe

    monkeypatch.setattr("settings.INSTANCE_DIR", tmp_path / "instance")
    monkeypatch.setattr(cache, "_shared", None)
    load_reference(db_url, tmp_path)
    _load(db_url, "2024-12.xlsx", exec_row(period="2024-12", year=2024, paid=3))
    _load(db_url, "2025-06.xlsx", exec_row(period="2025-06", paid=4))
    cache.clear()
    cache_probe.CALLS.clear()
    assert (_paid_up_to(db_url, 2024), _paid_up_to(db_url, 2025)) == (3, 7)
    assert cache_probe.CALLS == [2024, 2025]
    # A month of 2025: the 2024 answer stays; the 2025 one is computed again and sees it.
    _load(db_url, "2025-07.xlsx", exec_row(period="2025-07", paid=5))
    assert (_paid_up_to(db_url, 2024), _paid_up_to(db_url, 2025)) == (3, 12)
    assert cache_probe.CALLS == [2024, 2025, 2025]
    # A month of 2024 is read by the answers of 2024 and of every later year.
    _load(db_url, "2024-11.xlsx", exec_row(period="2024-11", year=2024, paid=2))
    assert (_paid_up_to(db_url, 2024), _paid_up_to(db_url, 2025)) == (5, 14)
    assert cache_probe.CALLS == [2024, 2025, 2025, 2024, 2025]
    # A file of two years is of no single year: every answer is computed again.
    _load(db_url, "two-years.xlsx", exec_row(period="2024-10", year=2024, paid=1), exec_row(period="2025-08", paid=1))
    assert (_paid_up_to(db_url, 2024), _paid_up_to(db_url, 2025)) == (6, 16)
    assert cache_probe.CALLS[5:] == [2024, 2025]
    # So is a reference file (the structure, the catalogue), which every year's figures read. Its
    # content differs from the first one's (a programme renamed): the same file again, written in
    # the same second, would be refused as a duplicate.
    renamed = structure()
    renamed.programmes[0] = {**renamed.programmes[0], "name_en": "Renamed programme"}
    write_reference(tmp_path / "reference-renamed.xlsx", renamed)
    assert load_file(tmp_path / "reference-renamed.xlsx", url=db_url).status == "loaded"
    assert (_paid_up_to(db_url, 2024), _paid_up_to(db_url, 2025)) == (6, 16)
    assert cache_probe.CALLS[7:] == [2024, 2025]
    # Nothing new: both are kept.
    assert (_paid_up_to(db_url, 2024), _paid_up_to(db_url, 2025)) == (6, 16)
    assert len(cache_probe.CALLS) == 9


# Right after a load every figure's answer is cold at once, and the users who share one (the three
# directors of a province, the public readers of a period) ask for it together: it is computed once.

SLOW_WORKER = OTHER_WORKER.replace("cache_probe.paid_in_june", "cache_probe.slow_paid_in_june")


def _ask_together(db_url: str, threads: int, fn) -> list:
    barrier = threading.Barrier(threads)
    answers: list = []

    def ask() -> None:
        barrier.wait()
        with session_scope(db_url) as session:
            answers.append(cache.cached(session, BUDGET, fn))

    pool = [threading.Thread(target=ask) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return answers


def test_threads_asking_for_the_same_cold_answer_compute_it_once(db_url, tmp_path, monkeypatch):
    from tests.integration import cache_probe

    _june_loaded_with_the_cache_in(tmp_path / "instance", db_url, tmp_path, monkeypatch)
    assert _ask_together(db_url, 6, cache_probe.slow_paid_in_june) == [4] * 6
    assert cache_probe.CALLS == [1]
    assert not cache._flights  # nothing left behind per key


def test_without_a_shared_tier_the_threads_of_a_process_still_compute_it_once(db_url, tmp_path, monkeypatch):
    from tests.integration import cache_probe

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the instance folder should be")
    _june_loaded_with_the_cache_in(blocked, db_url, tmp_path, monkeypatch)
    assert _ask_together(db_url, 4, cache_probe.slow_paid_in_june) == [4] * 4
    assert cache_probe.CALLS == [1]


def test_a_process_waits_for_the_answer_another_process_is_computing(db_url, tmp_path, monkeypatch):
    from tests.integration import cache_probe

    instance = tmp_path / "instance"
    _june_loaded_with_the_cache_in(instance, db_url, tmp_path, monkeypatch)
    monkeypatch.setattr(cache_probe, "SLOW_S", 0.0)  # this process must not be the slow one
    other = subprocess.Popen([sys.executable, "-c", SLOW_WORKER, db_url], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PIB_INSTANCE_DIR": str(instance)})
    shared = cache._shared_cache()
    deadline = time.monotonic() + 30
    while not any(isinstance(key, tuple) and key[0] == cache.COMPUTING for key in shared.iterkeys()):
        assert other.poll() is None and time.monotonic() < deadline, "the other process never began"
        time.sleep(0.01)
    with session_scope(db_url) as session:
        assert cache.cached(session, BUDGET, cache_probe.slow_paid_in_june) == 4
    assert other.communicate(timeout=60)[0].strip() == "4 [1]"
    assert cache_probe.CALLS == []  # taken from the other process, not computed here


def test_a_mark_left_by_a_worker_that_died_only_costs_a_wait(db_url, tmp_path, monkeypatch):
    from tests.integration import cache_probe

    _june_loaded_with_the_cache_in(tmp_path / "instance", db_url, tmp_path, monkeypatch)
    monkeypatch.setattr(cache, "WAIT_FOR_OTHERS_S", 0.3)
    with session_scope(db_url) as session:
        key = (str(session.get_bind().url), cache.scope_key(BUDGET), cache_probe.__name__, "paid_in_june", (),
               cache.data_version(session, cache.EVERYTHING))
    cache._shared_cache().set((cache.COMPUTING, cache._digest(key)), 12345)  # never released
    waits = []
    wait = cache._wait_for_other
    monkeypatch.setattr(cache, "_wait_for_other", lambda *args: waits.append(wait(*args)) or waits[-1])
    with session_scope(db_url) as session:
        assert cache.cached(session, BUDGET, cache_probe.paid_in_june) == 4
    assert waits == [(False, None)]  # it waited for the mark, in vain, then computed the answer itself
    assert cache_probe.CALLS == [1]


def test_a_computation_that_fails_leaves_no_mark(db_url, tmp_path, monkeypatch):
    _june_loaded_with_the_cache_in(tmp_path / "instance", db_url, tmp_path, monkeypatch)

    def broken(session, scope):
        raise RuntimeError("the database went away")

    with session_scope(db_url) as session, pytest.raises(RuntimeError):
        cache.cached(session, BUDGET, broken)
    assert not [key for key in cache._shared_cache().iterkeys() if isinstance(key, tuple) and key[0] == cache.COMPUTING]
    assert not cache._flights


def test_a_process_forked_while_a_key_is_computed_can_compute_it_too(tmp_path, monkeypatch):
    # As a load started from the Data page: forked by a worker whose other threads are computing.
    monkeypatch.setattr("settings.INSTANCE_DIR", tmp_path / "instance")
    monkeypatch.setattr(cache, "_shared", None)
    monkeypatch.setattr(cache, "WAIT_FOR_OTHERS_S", 0.2)  # the parent's mark in the shared tier: a short wait
    computing, release = threading.Event(), threading.Event()

    def slow() -> int:
        computing.set()
        release.wait(30)
        return 1

    thread = threading.Thread(target=cache._once, args=("k", lambda: (False, None), slow))
    thread.start()
    assert computing.wait(30)
    child = os.fork()
    if child == 0:  # the child: the parent's lock for "k" is held there by no thread
        os._exit(0 if cache._once("k", lambda: (False, None), lambda: 2) == 2 else 1)
    try:
        deadline = time.monotonic() + 30
        while (done := os.waitpid(child, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert done[0] == child and os.waitstatus_to_exitcode(done[1]) == 0, "the child hung on the parent's lock"
    finally:
        if done[0] == 0:
            os.kill(child, 9)
            os.waitpid(child, 0)
        release.set()
        thread.join()
