"""The query cache: an answer computed by one process is served to another from the shared tier;
a load makes every answer stale; a cache directory that cannot be used only costs speed."""

import os
import subprocess
import sys
from pathlib import Path

from db.engine import session_scope
from db.queries import cache
from domain.access import Scope
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
