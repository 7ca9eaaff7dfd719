"""Two servers, each with its own instance folder, on one database, as behind a load balancer
without sticky sessions: one signed-in session, whichever server a request reaches.

A load, an edit and a transition made through one server are seen at once through the other
(no stale cache), and a workbook upload started through one and polled through the other reports
its progress and its result, or, when its process is killed, that it stopped.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from db import jobs as job_store
from db.engine import dispose_all, get_engine
from db.migrate import upgrade
from db.models import BackgroundJob
from etl.limits import load_slot
from i18n import t
from tests.helpers.database import BACKENDS, create_postgres_database, drop_postgres_database
from tests.helpers.web import PEOPLE, add_people, callback_payload, csrf_from, free_port, is_upload
from tests.helpers.workbooks import exec_row, execution_xlsx, load_reference

ROOT = Path(__file__).resolve().parents[2]
SECRET = "the-same-key-on-every-server"
WAITING = t("data.progress.waiting", "en")


@pytest.fixture(params=BACKENDS)
def shared_database(request, tmp_path: Path, sqlite_template: Path):
    """A fresh database with the reference data and the test people."""
    if request.param == "sqlite":
        path = tmp_path / "shared.sqlite3"
        shutil.copyfile(sqlite_template, path)
        url, admin = f"sqlite:///{path}", None
    else:
        admin, url = create_postgres_database("pib_two_servers")
        upgrade(url)
    add_people(url)
    load_reference(url, tmp_path)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        if admin is not None:
            dispose_all()
            drop_postgres_database(admin, url)


class Server:
    """``gunicorn app:server`` with its own instance folder and port."""

    def __init__(self, url: str, instance: Path) -> None:
        self.instance, self.port = instance, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PIB_DATABASE_URL": url, "PIB_SECRET_KEY": SECRET, "PIB_INSTANCE_DIR": str(instance),
               "PIB_MAX_CONCURRENT_LOADS": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--threads", "4", "--worker-class", "gthread", "app:server"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait_until_healthy(self) -> requests.Response:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(self.process.stderr.read().decode())
            try:
                return requests.get(f"{self.base}/healthz", timeout=5)
            except (requests.ConnectionError, requests.Timeout):  # the worker is still starting
                time.sleep(0.2)
        raise AssertionError(f"{self.base} did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    @property
    def load_slots(self) -> Path:
        return self.instance / "load-slots"


@pytest.fixture
def servers(shared_database: str, tmp_path: Path):
    pair = [Server(shared_database, tmp_path / "instance-a"), Server(shared_database, tmp_path / "instance-b")]
    try:
        with ThreadPoolExecutor(2) as pool:
            health = list(pool.map(Server.wait_until_healthy, pair))
        for answer in health:
            assert answer.status_code == 200 and answer.json() == {"status": "ok"}
            assert "Set-Cookie" not in answer.headers
        yield pair
    finally:
        for server in pair:
            server.stop()


class Browser:
    """One person's cookies, sent to whichever server a request goes to, as through a load
    balancer (cookies do not depend on the port)."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def sign_in(self, server: Server, who: str) -> None:
        person = PEOPLE[who]
        form = self.http.get(f"{server.base}/login", timeout=10)
        answer = self.http.post(f"{server.base}/login", allow_redirects=False, timeout=30, data={
            "username": person.username, "password": person.password, "csrf_token": csrf_from(form.content)})
        assert answer.status_code == 302, answer.text[:300]
        assert self.http.get(f"{server.base}/", timeout=30).status_code == 200  # sets the CSRF cookie

    def _headers(self) -> dict:
        return {"X-CSRFToken": self.http.cookies.get("_csrf_token") or ""}

    def get(self, server: Server, path: str) -> requests.Response:
        return self.http.get(f"{server.base}{path}", timeout=30)

    def send(self, server: Server, method: str, path: str, body: dict) -> requests.Response:
        return self.http.request(method, f"{server.base}{path}", json=body, headers=self._headers(), timeout=30)

    def callback(self, server: Server, payload: dict, query: str = "") -> requests.Response:
        return self.send(server, "POST", f"/_dash-update-component{query}", payload)


def _dependencies(browser: Browser, server: Server) -> list[dict]:
    return browser.get(server, "/_dash-dependencies").json()


def _overview(browser: Browser, server: Server) -> str:
    """The overview's KPIs for June 2025, as the page asks for them."""
    dependency = next(d for d in _dependencies(browser, server) if "overview-kpis." in d["output"])
    answer = browser.callback(server, callback_payload(dependency, {
        "overview-year.value": 2025, "overview-period.value": "2025-06", "overview-metric.value": "execution_rate"}))
    assert answer.status_code == 200, answer.text[:300]
    return json.dumps(answer.json()["response"]["overview-kpis"])


def _upload(browser: Browser, server: Server, data: bytes, name: str) -> tuple[dict, str]:
    """Start an upload through ``server``: the payload, and the handles' query for the polls."""
    import base64

    dependency = next(d for d in _dependencies(browser, server) if is_upload(d))
    content = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    payload = callback_payload(dependency, {"data-upload.contents": [content], "data-upload.filename": [name],
                                            "data-loaded.data": 0})
    started = browser.callback(server, payload)
    assert started.status_code == 200, started.text[:300]
    handles = started.json()
    return payload, f"?cacheKey={handles['cacheKey']}&job={handles['job']}"


def _poll(browser: Browser, server: Server, payload: dict, query: str, until, limit: float = 45) -> list[dict]:
    """Poll as the page does, once every 0.2 s, until ``until(answer)``: every answer seen."""
    seen: list[dict] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        answer = browser.callback(server, payload, query)
        assert answer.status_code in (200, 204), answer.text[:300]
        seen.append(answer.json() if answer.status_code == 200 else {})
        if until(seen[-1]):
            return seen
        time.sleep(0.2)
    raise AssertionError(f"no such answer through {server.base}: {seen[-3:]}")


def _running_job_pid(url: str) -> int:
    engine = job_store.store_engine(url)
    with engine.connect() as conn:
        return conn.scalar(select(BackgroundJob.pid).where(BackgroundJob.status == "running"))


def test_two_servers_on_one_database_answer_for_each_other(servers, shared_database):
    one, other = servers
    budget = Browser()
    budget.sign_in(one, "budget_unit")
    # Signed in through one server, the person is signed in on the other: no sticky sessions.
    assert budget.get(other, "/api/v1/submissions").json() == {"submissions": []}

    # Nothing loaded for 2025 yet; the other server computes (and caches) that answer.
    assert "KHR 500,000" not in _overview(budget, other)

    # A load started through one server, polled through the other. It waits for the one load
    # slot of its server (held here), so its progress is seen before its end.
    june = execution_xlsx([exec_row("07", "2025-06", revised=1_000_000, paid=500_000)])
    with load_slot(directory=one.load_slots, limit=1):
        payload, handles = _upload(budget, one, june, "june.xlsx")
        waiting = _poll(budget, other, payload, handles, lambda a: WAITING in json.dumps(a.get("progress", {})))
    assert waiting[-1]["progress"]["data-progress-label.children"] == f"june.xlsx: {WAITING}"
    done = _poll(budget, other, payload, handles, lambda a: "response" in a)[-1]
    assert done["response"]["data-summary"]["children"]["props"]["children"][0]["props"]["children"][0] == (
        "june.xlsx: loaded — 1 execution row(s) as batch 2; 0 warning(s)")
    assert done["progress"]["data-progress.value"] == "100"

    # The load is seen at once by the other server: its cached answer is stale.
    assert "KHR 500,000" in _overview(budget, other)

    # An edit through one server, seen through the other.
    opened = budget.send(one, "POST", "/api/v1/submissions", {"year": 2026})
    assert opened.status_code == 201, opened.text
    sid = opened.json()["id"]
    line = {"entity": "07", "cluster": "P1.1.1", "economic_code": "62", "funding_source": "RGC"}

    def kampot(server: Server) -> dict:
        lines = budget.get(server, f"/api/v1/submissions/{sid}").json()["lines"]
        return next(row for row in lines if {k: row[k] for k in line} == line)

    assert kampot(other)["request"] == [1_000_000, 1_000_000, 1_000_000]  # starts at the revised budget
    saved = budget.send(one, "PUT", f"/api/v1/submissions/{sid}/lines", {"lines": [
        {**line, "request": [1_250_000, 1_300_000, 1_350_000],
         "justification": "The 2025 ID Poor round adds a quarter to Kampot's caseload."}]})
    assert saved.status_code == 200, saved.text
    assert kampot(other)["request"] == [1_250_000, 1_300_000, 1_350_000]

    # A transition through one server: the other shows it, and refuses an edit it now forbids.
    submitted = budget.send(one, "POST", f"/api/v1/submissions/{sid}/actions", {"action": "submit"})
    assert submitted.status_code == 200, submitted.text
    assert budget.get(other, f"/api/v1/submissions/{sid}").json()["status"] == "submitted"
    refused = budget.send(other, "PUT", f"/api/v1/submissions/{sid}/lines", {"lines": [{**line, "request": [1, 1, 1]}]})
    assert refused.status_code == 409 and "read-only" in refused.json()["detail"]

    # A load whose process is killed on the first server is reported as stopped by the second.
    july = execution_xlsx([exec_row("07", "2025-07", revised=1_000_000, paid=600_000)])
    with load_slot(directory=one.load_slots, limit=1):
        payload, handles = _upload(budget, one, july, "july.xlsx")
        _poll(budget, other, payload, handles, lambda a: WAITING in json.dumps(a.get("progress", {})))
        os.kill(_running_job_pid(shared_database), signal.SIGKILL)
        stopped = _poll(budget, other, payload, handles, lambda a: "response" in a)[-1]
    assert "The load stopped before it finished" in json.dumps(stopped["response"]["data-summary"])
    assert "KHR 600,000" not in _overview(budget, other)


def test_the_health_check_says_whether_the_database_answers(app, app_db):
    client = app.test_client()  # nobody signed in: a load balancer
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}
    assert "Set-Cookie" not in answer.headers
    app.config["PIB_DATABASE_URL"] = f"postgresql://pib@127.0.0.1:{free_port()}/pib"  # nothing listens there
    try:
        answer = client.get("/healthz")
    finally:
        app.config["PIB_DATABASE_URL"] = app_db
    assert answer.status_code == 503 and answer.json == {"status": "database unavailable"}
