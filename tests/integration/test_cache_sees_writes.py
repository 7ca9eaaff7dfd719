"""Figures people write are data too: every write makes the query cache's answers stale, in
every process, on SQLite and PostgreSQL.

The cache keys each answer on the data version (``db.queries.cache.data_version``): the newest
load and the count of people's writes, which each write bumps in its own transaction. First,
each kind of write through the API moves the version as a fresh session reads it; then a second
instance of the app, served by gunicorn in other processes with their shared cache tier, shows
a new comment and a new amount (and the header's inbox, which is cached, its new count) at once.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from db.engine import session_scope
from db.queries import cache
from etl.load import load_file
from tests.helpers.cycle import line_key, load_cycle, open_draft, post_json, put_json
from tests.helpers.web import PEOPLE, callback_payload
from tests.integration.test_costing_api import SCENARIO, _costing_reference

ROOT = Path(__file__).resolve().parents[2]
JUSTIFIED = "Registrations from the 2025 ID Poor round double the caseload in the province."


def _version(url: str) -> tuple:
    with session_scope(url) as session:  # a new session, as another worker's next request
        return cache.data_version(session)


def test_every_kind_of_write_moves_the_data_version(app_db: str, tmp_path: Path, client_as) -> None:
    load_cycle(app_db, tmp_path)
    assert load_file(_costing_reference(), name="costing.xlsx", url=app_db).status == "loaded"
    budget, sid = open_draft(client_as)
    reviewer, director = client_as("mef_reviewer"), client_as("director07")
    explained = {"year": 2025, "period": "2025-09", "unit": "07", "indicator": "FP_PW"}
    scenario: dict = {}

    def create_scenario():
        answer = post_json(budget, "/api/v1/costing/scenarios", SCENARIO)
        scenario["id"] = answer.json["scenario"]["id"]
        return answer

    def line_id(entity: str) -> int:
        return next(line["id"] for line in budget.get(f"/api/v1/submissions/{sid}").json["lines"]
                    if line["entity"] == entity)

    writes = [
        ("line amount", lambda: put_json(budget, f"/api/v1/submissions/{sid}/lines",
                                         {"lines": [line_key("08", [1_100_000, 0, 0])]})),
        ("target", lambda: put_json(budget, f"/api/v1/submissions/{sid}/targets",
                                    {"targets": [{"indicator": "FP_PW", "unit": "07", "target": [150, None, None]}]})),
        ("ceiling", lambda: put_json(reviewer, "/api/v1/ceilings", {"year": 2026, "total": 900_000_000})),
        ("costing scenario", create_scenario),
        ("costing scenario applied", lambda: post_json(budget, f"/api/v1/costing/scenarios/{scenario['id']}/apply",
                                                       {"submission": sid})),
        ("justification", lambda: put_json(budget, f"/api/v1/submissions/{sid}/lines",
                                           {"lines": [line_key("07", justification=JUSTIFIED),
                                                      line_key("08", justification=JUSTIFIED)]})),
        ("above-ceiling justification", lambda: put_json(budget, f"/api/v1/submissions/{sid}",
                                                         {"above_ceiling_justification": JUSTIFIED})),
        ("transition", lambda: post_json(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"})),
        ("decision", lambda: put_json(reviewer, f"/api/v1/submissions/{sid}/decisions",
                                      {"decisions": [{"line": line_id("07"), "decision": "question"}]})),
        ("comment", lambda: post_json(director, f"/api/v1/submissions/{sid}/comments",
                                      {"line": line_id("07"), "text": "Payments resume in October."})),
        ("explanation", lambda: put_json(director, "/api/v1/explanations",
                                         {**explained, "reason": "The provider changed.", "action": "Arrears paid."})),
        ("oversight comment", lambda: put_json(reviewer, "/api/v1/explanations",
                                               {**explained, "oversight": "Send the reconciliation."})),
    ]
    for name, write in writes:
        before = _version(app_db)
        answer = write()
        assert answer.status_code in (200, 201), (name, answer.json)
        after = _version(app_db)
        assert after != before and after[:3] == before[:3], name  # the same load, one write more


# --- another instance, in other processes ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """The app in gunicorn workers on ``url``, signed in as one person with ``requests``."""

    def __init__(self, url: str, instance: Path) -> None:
        self.base = f"http://127.0.0.1:{_free_port()}"
        env = {**os.environ, "PIB_DATABASE_URL": url, "PIB_INSTANCE_DIR": str(instance)}
        # Two workers: a read may land on either, and they share the cache's disk tier.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", self.base.removeprefix("http://"), "--workers", "2",
             "app:server"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.http = requests.Session()
        deadline = time.monotonic() + 90
        while True:
            if self.process.poll() is not None:
                raise AssertionError(self.process.stderr.read().decode())
            try:
                form = self.http.get(f"{self.base}/login", timeout=90)  # a worker builds the app first
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        self.form = form.text

    def sign_in(self, key: str) -> None:
        person = PEOPLE[key]
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.form).group(1)
        answer = self.http.post(f"{self.base}/login", data={"username": person.username, "password": person.password,
                                                            "csrf_token": token}, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:300]
        self.http.get(f"{self.base}/", timeout=10)  # the CSRF cookie Dash's renderer echoes

    def get(self, path: str) -> dict:
        answer = self.http.get(f"{self.base}{path}", timeout=30)
        assert answer.status_code == 200, answer.text[:300]
        return answer.json()

    def inbox(self) -> dict[str, int]:
        """The header's inbox on ``/``: {kind: count}."""
        dependency = next(d for d in self.get("/_dash-dependencies") if "inbox." in d["output"])
        payload = callback_payload(dependency, {"_pages_location.pathname": "/"})
        answer = self.http.post(f"{self.base}/_dash-update-component", json=payload, timeout=30,
                                headers={"X-CSRFToken": self.http.cookies["_csrf_token"]})
        assert answer.status_code == 200, answer.text[:300]
        return {i["kind"]: i["count"] for i in answer.json()["response"]["inbox-seen"]["data"]}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def served(app_db: str, tmp_path: Path):
    load_cycle(app_db, tmp_path)
    instance = tmp_path / "instance-b"
    instance.mkdir()
    server = Served(app_db, instance)
    try:
        yield server, instance
    finally:
        server.stop()


def test_another_instance_shows_a_new_comment_and_amount_at_once(served, client_as) -> None:
    b, instance = served
    # Instance A (this process): a submitted 2026 submission with MEF's question on Kampot's line.
    budget, sid = open_draft(client_as)
    put_json(budget, f"/api/v1/submissions/{sid}/lines", {"lines": [line_key("07", justification=JUSTIFIED)]})
    assert post_json(budget, f"/api/v1/submissions/{sid}/actions", {"action": "submit"}).status_code == 200
    kampot = next(line["id"] for line in budget.get(f"/api/v1/submissions/{sid}").json["lines"]
                  if line["entity"] == "07")
    reviewer = client_as("mef_reviewer")
    put_json(reviewer, f"/api/v1/submissions/{sid}/decisions",
             {"decisions": [{"line": kampot, "decision": "question"}]})

    # Instance B reads, twice, so that both its workers may hold the answers.
    b.sign_in("budget_unit")
    for _ in range(2):
        assert b.inbox() == {"questions": 1, "to_explain": 1}
        document = b.get(f"/api/v1/submissions/{sid}")
        assert document["comments"] == [] and [q["line"] for q in document["open_questions"]] == [kampot]
    import diskcache

    with diskcache.Cache(str(instance / "query-cache")) as shared:
        assert len(shared) > 0  # B's answers are in its shared tier: a stale one could be served

    # A: the budget unit answers the question.
    answer = post_json(budget, f"/api/v1/submissions/{sid}/comments",
                       {"line": kampot, "text": "Payments resume in October."})
    assert answer.status_code == 201
    for _ in range(2):  # whichever worker answers
        assert b.inbox() == {"to_explain": 1}
        document = b.get(f"/api/v1/submissions/{sid}")
        assert [c["text"] for c in document["comments"]] == ["Payments resume in October."]
        assert document["open_questions"] == []

    # A: MEF returns the submission; the budget unit changes Kampot's amount.
    assert post_json(reviewer, f"/api/v1/submissions/{sid}/actions",
                     {"action": "return", "comment": "Lower Kampot."}).status_code == 200
    assert put_json(budget, f"/api/v1/submissions/{sid}/lines",
                    {"lines": [line_key("07", [1_000_000, 1_050_000, 1_100_000])]}).status_code == 200
    for _ in range(2):
        document = b.get(f"/api/v1/submissions/{sid}")
        assert document["status"] == "returned"
        assert next(line["request"] for line in document["lines"] if line["id"] == kampot) == \
            [1_000_000, 1_050_000, 1_100_000]
        assert document["totals"]["request"][0] == 1_000_000 + 1_000_000  # Kampot's new amount and Kep's
