"""The start-up warm-up (warm_up.py): after it, the first requests of every kind of person with an
account (role, province, language) find their answers built, under the keys the browser's
requests look for; a kind of person without an account is not warmed; ``/readyz`` says 503
while it runs and 200 once it is over, however it ended.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import warm_up
from auth.users import create_user
from db.engine import session_scope
from db.queries import cache
from etl.load import load_file
from i18n import t
from tests.helpers.web import AuthActions, cached_hash, callback_payload, dash_post, find_dependency
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

PASSWORD = "warm-pass-1234"


@pytest.fixture
def loaded(app_db: str, tmp_path: Path) -> str:
    """Kampot (07) in June 2025 and Kandal (08) in March 2025; no answer remembered yet."""
    load_reference(app_db, tmp_path)
    rows = [exec_row(entity="07", period="2025-06", paid=500_000), exec_row(entity="08", period="2025-03")]
    assert load_file(execution_xlsx(rows), name="execution.xlsx", url=app_db).status == "loaded"
    assert load_file(indicators_xlsx([[2025, "2025-06", "07", "FP_PW", None, 100, 95]]), name="q2.xlsx",
                     url=app_db).status == "loaded"
    cache.clear()
    return app_db


def _account(url: str, name: str, role: str, province: str | None, lang: str) -> None:
    from unittest import mock

    with mock.patch("auth.users.hash_password", cached_hash), session_scope(url) as session:
        create_user(session, name, PASSWORD, role, province=province, language=lang)


@pytest.fixture
def builds(app, monkeypatch) -> list[str]:
    """Each answer of the overview or the scorecard built (their cards), by page."""
    built: list[str] = []
    for function in ("show_overview", "show_scorecard"):
        page = next(m for m in list(sys.modules.values()) if getattr(m, function, None) is not None)
        real = page.kpi_card

        def counting(*args, _real=real, _name=function, **kwargs):
            built.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(page, "kpi_card", counting)
    return built


def _signed_in(app, name: str):
    client = app.test_client()
    assert AuthActions(client).login(name, PASSWORD).status_code == 302
    return client


def _initial(client, path: str, component: str, prop: str) -> object:
    """The value the page at ``path`` gives ``component``'s ``prop`` when it opens (the router's
    answer), so that these requests send what a browser would, whatever the page's defaults."""
    payload = callback_payload(find_dependency(client, "_pages_content"),
                               {"_pages_location.pathname": path, "_pages_location.search": ""})
    found: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("id") == component:
                found.append(props.get(prop))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(dash_post(client, payload).get_json())
    assert len(found) == 1, found
    return found[0]


def _first_visit(client, page: str, main: str, asked: dict, extra: dict) -> dict:
    """What the browser posts on opening ``page``: its selectors, then its main callback with the
    year and period they chose."""
    chosen = dash_post(client, callback_payload(find_dependency(client, f"{page}-year"), {
        f"{page}-asked.data": asked, f"{page}-year.value": None})).get_json()["response"]
    values = {f"{page}-year.value": chosen[f"{page}-year"]["value"],
              f"{page}-period.value": chosen[f"{page}-period"]["value"], f"{page}-asked.data": asked, **extra}
    answer = dash_post(client, callback_payload(find_dependency(client, main), values))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def test_after_the_warm_up_every_kind_of_person_finds_the_first_answers_built(app, loaded, builds):
    _account(loaded, "kampot-en", "provincial_director", "07", "en")
    _account(loaded, "kampot-km", "provincial_director", "07", "km")
    _account(loaded, "budget-en", "budget_unit", None, "en")
    done = warm_up.warm(loaded, years=1)
    assert done["failed"] == 0 and done["answers"] > 0
    warmed = len(builds)
    assert warmed > 0

    # Kampot's director in English and in Khmer: June 2025, the newest period, with its figures.
    english = _first_visit(_signed_in(app, "kampot-en"), "scorecard", "scorecard-kpis", {"year": None, "period": None},
                           {"scorecard-code.data": "07"})
    khmer = _first_visit(_signed_in(app, "kampot-km"), "scorecard", "scorecard-kpis", {"year": None, "period": None},
                         {"scorecard-code.data": "07"})
    assert "95" in str(english["scorecard-table"]) and t("metric.score", "en") in str(english["scorecard-kpis"])
    assert t("metric.score", "km") in str(khmer["scorecard-kpis"])
    # The budget unit's overview, opened plainly and from a link naming the period.
    budget = _signed_in(app, "budget-en")
    metric = {"overview-metric.value": _initial(budget, "/", "overview-metric", "value")}
    plain = _first_visit(budget, "overview", "overview-kpis", {"year": None, "period": None}, metric)
    linked = _first_visit(budget, "overview", "overview-kpis", {"year": "2025", "period": "2025-06"}, metric)
    assert plain == linked and plain["overview-kpis"]
    assert len(builds) == warmed, builds[warmed:]

    # A kind of person who had no account when the warm-up ran is served, but not from it.
    _account(loaded, "mef-km", "mef_reviewer", None, "km")
    _first_visit(_signed_in(app, "mef-km"), "scorecard", "scorecard-kpis", {"year": None, "period": None},
                 {"scorecard-code.data": "07"})
    assert builds[warmed:] == ["show_scorecard"] * (len(builds) - warmed) and len(builds) > warmed


def test_the_warm_up_says_how_far_it_is_and_readyz_waits_for_it(app, loaded, monkeypatch):
    client = app.test_client()
    warm_up.status_path().unlink(missing_ok=True)
    assert client.get("/readyz").get_json() == {"status": "ok", "warm_up": "off"}

    # gunicorn's master says "pending" before its port opens; the warm-up process then counts.
    warm_up.write_status(warm_up.PENDING, done=0, of=None)
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["status"] == "warming"
    assert "no-store" in answer.headers["Cache-Control"] and "Set-Cookie" not in answer.headers
    assert client.get("/healthz").status_code == 200  # alive, only not warm

    seen: list[tuple[int, int]] = []
    monkeypatch.setenv("PIB_DATABASE_URL", loaded)
    real = warm_up.warm

    def watched(**kwargs):
        def progress(done, total):
            seen.append((client.get("/readyz").status_code, done))
            kwargs["progress"](done, total)
        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(warm_up, "warm", watched)
    # By hand, it leaves /readyz alone: a server already serving stays in the balancer.
    warm_up.status_path().unlink()
    assert warm_up.main(["--years", "1"]) == 0 and warm_up.read_status() is None
    assert seen and {status for status, _done in seen} == {200}
    seen.clear()
    warm_up.write_status(warm_up.PENDING, done=0, of=None)
    assert warm_up.main(["--years", "1", "--readiness"]) == 0
    assert seen and {status for status, _done in seen} == {503}
    status = warm_up.read_status()
    assert status["state"] == "done" and status["failed"] == 0 and status["answers"] == seen[-1][1]
    assert client.get("/readyz").get_json() == {"status": "ok", "warm_up": "done"}


def test_a_count_of_years_that_is_not_one_is_refused_with_a_message(capsys):
    warm_up.status_path().unlink(missing_ok=True)
    for wrong in ("-1", "two", "1.5"):
        with pytest.raises(SystemExit) as refused:
            warm_up.main(["--years", wrong, "--readiness"])
        assert refused.value.code == 2
        assert f"{wrong!r} is not a number of years" in capsys.readouterr().err
    assert warm_up.read_status() is None  # nothing started, nothing said


def test_a_warm_up_that_died_or_failed_does_not_keep_the_server_out(app, loaded, monkeypatch):
    client = app.test_client()
    # A pid that no process has: the warm-up was killed before it could say so.
    warm_up.write_status(warm_up.WARMING, pid=2**22 + 12_345, done=3, of=10)
    assert warm_up.read_status()["state"] == "failed"
    assert client.get("/readyz").get_json() == {"status": "ok", "warm_up": "failed"}

    # A warm-up that cannot reach its database says so and ends; the server still serves.
    monkeypatch.setenv("PIB_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert warm_up.main(["--years", "1", "--readiness"]) == 1
    status = warm_up.read_status()
    assert status["state"] == "failed" and status["error"]
    assert client.get("/readyz").status_code == 200
    assert os.getpid() == status["pid"]


def test_gunicorn_warms_at_start_and_is_ready_only_once_warm(tmp_path, demo_template):
    import shutil
    import subprocess
    import time

    import requests

    from tests.helpers.web import add_people, free_port

    db = tmp_path / "served.sqlite3"
    shutil.copyfile(demo_template, db)
    add_people(f"sqlite:///{db}")
    instance, port = tmp_path / "instance", free_port()
    env = {**os.environ, "PIB_DATABASE_URL": f"sqlite:///{db}", "PIB_INSTANCE_DIR": str(instance),
           "PIB_WARM_UP_YEARS": "1"}
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                                "app:server"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    status_file = instance / "warm-up.json"

    def state() -> str | None:
        return json.loads(status_file.read_text(encoding="utf-8"))["state"] if status_file.exists() else None

    answers: list[tuple[str | None, int, str | None]] = []  # state before, answer, state after
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (answers and answers[-1][1] == 200):
            assert process.poll() is None, process.stderr.read().decode()
            before = state()
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
            # Not listening yet, or a worker still booting on a busy machine: ask again.
            except requests.RequestException:
                time.sleep(0.2)
                continue
            answers.append((before, answer.status_code, state()))
            time.sleep(0.1)
        assert answers and answers[-1][1:] == (200, "done"), answers
        # Never ready before it is warm, never "warming" once warm (in-process, the test above
        # shows the 503 itself; here who answers first, a worker or the warm-up, is the machine's).
        assert all(after == "done" for _, status, after in answers if status == 200)
        assert all(before != "done" for before, status, _ in answers if status == 503)
        finished = json.loads((instance / "warm-up.json").read_text(encoding="utf-8"))
        # The demo's five people are four kinds that read data (admin reads none).
        assert finished["people"] == 4 and finished["answers"] > 0 and finished["failed"] == 0
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_kinds_of_reader_are_one_account_each_of_the_active_data_roles(app_db):
    from auth.users import set_active
    from db.queries.users import kinds_of_reader

    _account(app_db, "kampot-2", "provincial_director", "07", "en")  # a second of the same kind
    _account(app_db, "kampot-km", "provincial_director", "07", "km")
    _account(app_db, "battambang", "provincial_director", "02", "km")
    with session_scope(app_db) as session:
        set_active(session, "battambang", False, by="admin")
    with session_scope(app_db) as session:
        kinds = [(k["role"], k["province"], k["lang"]) for k in kinds_of_reader(session)]
        first = {k["username"] for k in kinds_of_reader(session) if k["province"] == "07" and k["lang"] == "en"}
    assert sorted(kinds) == [("budget_unit", None, "en"), ("mef_reviewer", None, "en"),
                             ("provincial_director", "07", "en"), ("provincial_director", "07", "km"),
                             ("provincial_director", "17", "en")]
    assert first == {"director07"}  # the older account of the kind
