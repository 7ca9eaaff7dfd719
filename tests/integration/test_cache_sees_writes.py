"""Figures people write are data too: every write makes the query cache's answers that show it
stale, in every process, on SQLite and PostgreSQL; and only those.

The cache keys each answer on the versions of what it reads (``db.queries.cache.versions``): the
loaded facts, the count of people's writes (which each write bumps in its own transaction) and
the publications. First, each kind of write through the API moves the people's version, and only
it, as a fresh session reads it; then a second instance of the app, served by gunicorn in other
processes with their shared cache tier, shows a new comment and a new amount (and the header's
inbox, which is cached, its new count) at once; and a load, a line and a publication each change
what shows them at once, while a line leaves the overview's cached answer in place (counted by
the cache itself across the workers, ``cache.computations``).
"""

from __future__ import annotations

import json
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
from tests.helpers.workbooks import exec_row, execution_xlsx
from tests.integration.test_costing_api import SCENARIO, _costing_reference

ROOT = Path(__file__).resolve().parents[2]
JUSTIFIED = "Registrations from the 2025 ID Poor round double the caseload in the province."


def _version(url: str) -> dict:
    with session_scope(url) as session:  # a new session, as another worker's next request
        return cache.versions(session)


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
    # Besides, each write of the 2026 draft's cycle (the ceiling of 2026 too) counts for 2026 only,
    # each explanation for its year, 2025, only; a costing scenario is of no year's cycle. A write
    # of the cycle counts as one of the provinces' parts it changes, or of the whole submission.
    of_year = {name: (cache.CYCLE, 2026) for name, _write in writes}
    of_year.update({"costing scenario": None, "explanation": (cache.EXPLAINED_YEAR_BEFORE, 2025),
                    "oversight comment": (cache.EXPLAINED_YEAR_BEFORE, 2025)})
    parts = {"line amount": {"08"}, "target": {"07"}, "justification": {"07", "08"}, "decision": {"07"},
             "comment": {"07"}, "costing scenario applied": {"07", "08", "whole"}}
    for name, write in writes:
        before = _version(app_db)
        answer = write()
        assert answer.status_code in (200, 201), (name, answer.json)
        after = _version(app_db)
        assert after[cache.PEOPLE] != before[cache.PEOPLE], name  # one write more
        counts = {kind: (lambda found, kind=kind: found[kind][0] if kind == cache.CYCLE else found[kind])
                  for kind in (cache.CYCLE, cache.EXPLAINED_YEAR_BEFORE)}
        moved = {(kind, year) for kind, count in counts.items() for year in set(count(before)) | set(count(after))
                 if count(before).get(year) != count(after).get(year)}
        assert moved == ({of_year[name]} if of_year[name] else set()), name
        (_all, whole_before, parts_before), (_all, whole_after, parts_after) = before[cache.CYCLE], after[cache.CYCLE]
        moved_parts = {f"{part:02d}" for (year, part) in set(parts_before) | set(parts_after)
                       if year == 2026 and parts_before.get((year, part)) != parts_after.get((year, part))}
        if whole_before.get(2026) != whole_after.get(2026):
            moved_parts.add("whole")
        expected = parts.get(name, {"whole"} if of_year[name] == (cache.CYCLE, 2026) else set())
        assert moved_parts == expected, name
        # ... and the same facts and publications: the dashboards' and /open's answers stay.
        assert [after[k] for k in (cache.FACTS, cache.PUBLICATIONS)] == \
            [before[k] for k in (cache.FACTS, cache.PUBLICATIONS)], name


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

    def callback(self, output: str, values: dict) -> dict:
        """The answer of the callback whose outputs include ``output`` (``component.property``, or a
        component id and its dot)."""
        dependency = next(d for d in self.get("/_dash-dependencies") if output in d["output"])
        answer = self.http.post(f"{self.base}/_dash-update-component", json=callback_payload(dependency, values),
                                timeout=30, headers={"X-CSRFToken": self.http.cookies["_csrf_token"]})
        assert answer.status_code == 200, answer.text[:300]
        return answer.json()["response"]

    def inbox(self) -> dict[str, int]:
        """The header's inbox on ``/``: {kind: count}."""
        answer = self.callback("inbox.", {"_pages_location.pathname": "/"})
        return {i["kind"]: i["count"] for i in answer["inbox-seen"]["data"]}

    def text(self, path: str) -> str:
        answer = self.http.get(f"{self.base}{path}", timeout=30)
        assert answer.status_code == 200, answer.text[:300]
        return answer.text

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


def test_each_change_reaches_what_shows_it_and_a_line_leaves_the_overview_cached(served, client_as, app_db) -> None:
    b, instance = served
    b.sign_in("budget_unit")
    budget, sid = open_draft(client_as)  # instance A: this process
    overview = "db.queries.overview.overview"

    def paid() -> str:
        """The overview's paid to date of September 2025, exactly (its card's tooltip), as B shows it."""
        chosen = {"overview-year.value": 2025, "overview-period.value": "2025-09",
                  "overview-metric.value": "execution_rate"}
        kpis = json.dumps(b.callback("overview-kpis.children", chosen))
        return re.search(r"KHR (1,[0-9]00,000)", kpis).group(1)

    def kep_request() -> list[int]:
        grid = b.callback("submission-grid.rowData", {"submission-year.value": 2026, "submission-viewport.data": 1400})
        kep = next(row for row in grid["submission-grid"]["rowData"] if row["entity"] == "08")
        return [kep[f"request_y{n}"] for n in (1, 2, 3)]

    def computed(name: str) -> int:
        return cache.computations(instance / "query-cache", name)

    for _ in range(2):  # whichever worker answers
        assert paid() == "1,000,000"  # Kampot 300,000 and Kep 700,000
        assert kep_request() == [1_000_000] * 3
    assert computed(overview) == 1  # once for the machine; then from a worker's memory or the shared tier

    # A: a person's write. The submission shows it at once; the overview's answer stays cached.
    assert put_json(budget, f"/api/v1/submissions/{sid}/lines",
                    {"lines": [line_key("08", [1_234_567, 0, 0])]}).status_code == 200
    for _ in range(2):
        assert kep_request() == [1_234_567, 0, 0]
        assert paid() == "1,000,000"
    assert computed(overview) == 1

    # A: publications. /open lists the new one at once; the overview still needs no new answer.
    assert post_json(budget, "/api/v1/publications", {"year": 2025, "period": "2025-09"}).status_code == 201
    for _ in range(2):
        page = b.text("/open?year=2025&period=2025-09")
        assert 'value="2025-09"' in page and 'value="2024-12"' not in page
    assert post_json(budget, "/api/v1/publications", {"year": 2024, "period": "2024-12"}).status_code == 201
    for _ in range(2):
        assert 'value="2024-12"' in b.text("/open?year=2025&period=2025-09")
    assert paid() == "1,000,000" and computed(overview) == 1

    # A: a load replaces Kampot's September. The overview shows it at once, computed anew once.
    report = load_file(execution_xlsx([exec_row("07", "2025-09", revised=1_200_000, paid=600_000,
                                                committed=700_000)]), name="kampot-again.xlsx", url=app_db)
    assert report.status == "loaded"
    for _ in range(2):
        assert paid() == "1,300,000"
    assert computed(overview) == 2
