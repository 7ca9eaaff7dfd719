"""The demo takes next year's submission once round the budget cycle, so that a new user sees it
working: what each demo user finds, read through the API as the pages read it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from db.engine import get_engine, session_scope
from db.models import AuditLog
from etl.demo_submission import open_demo_submission
from indicators.submission import justified
from tests.helpers.cycle import post_json

EXPLAINED = "/api/v1/explanations?year=2025&period=2025-09"


def _inbox(client) -> dict[str, int]:
    return {item["kind"]: item["count"] for item in client.get("/api/v1/inbox").json["items"]}


def test_mef_finds_version_2_with_questions_answered_and_one_open(demo_db: str, demo_client_as) -> None:
    sid = open_demo_submission(demo_db)
    assert open_demo_submission(demo_db) is None  # one per year: a second run changes nothing
    reviewer = demo_client_as("mef_reviewer")
    shown = reviewer.get(f"/api/v1/submissions/{sid}").json
    assert (shown["year"], shown["status"], shown["version"]) == (2026, "submitted", 2)
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert [h["action"] for h in shown["history"] if h["action"] in ("submit", "return")] == \
        ["submit", "return", "submit"]
    returned = next(h for h in shown["history"] if h["action"] == "return")
    assert returned["comment"].startswith("Returned for version 2")
    lines = {line["id"]: line for line in shown["lines"]}
    # Every flagged line carries its justification: that is what let the budget unit submit.
    assert len(lines) > 100 and all(justified(line["justification"]) for line in lines.values() if line["flags"])
    decisions = [line["decision"] for line in lines.values() if line["decision"]]
    assert (decisions.count("question"), decisions.count("adjust")) == (4, 3) and decisions.count("agree") > 3

    # Four questions: three answered in their threads (the budget unit twice, Siem Reap's
    # director once), Kampot's still open, so MEF cannot endorse yet.
    questioned = [i for i, line in lines.items() if line["decision"] == "question"]
    threads = {i: [c["role"] for c in shown["comments"] if c["line"] == i] for i in questioned}
    assert all(roles[0] == "mef_reviewer" for roles in threads.values())
    answers = sorted(role for roles in threads.values() for role in roles[1:])
    assert answers == ["budget_unit", "budget_unit", "provincial_director"]
    assert [(q["entity"]) for q in shown["open_questions"]] == ["07"]
    assert {lines[q["line"]]["entity"] for q in shown["open_questions"]} == {"07"}
    refused = post_json(reviewer, f"/api/v1/submissions/{sid}/actions", {"action": "endorse"})
    assert refused.status_code == 422 and [r["code"] for r in refused.json["reasons"]] == ["unanswered_question"]
    # Both whole-submission comments: MEF's at the hearing, the budget unit's with version 2.
    assert [c["role"] for c in shown["comments"] if c["line"] is None] == ["mef_reviewer", "budget_unit"]

    # Two of the three held lines were brought to MEF's amount in version 2; the third is kept.
    held = [line for line in lines.values() if line["decision"] == "adjust"]
    assert sorted(line["request"][0] == line["recommended"] for line in held) == [False, True, True]
    assert all(line["endorsed_amount"] == line["recommended"] for line in held)
    changed = reviewer.get(f"/api/v1/submissions/{sid}/diff?from=1&to=2").json["lines"]["changed"]
    assert len(changed) == 2 and all(set(c["changes"]) == {"request"} for c in changed)
    assert _inbox(reviewer) == {"to_review": 1}


def test_each_demo_user_finds_something_waiting(demo_db: str, demo_client_as) -> None:
    open_demo_submission(demo_db)
    budget = demo_client_as("budget_unit")
    kampot, siem_reap = demo_client_as("director07"), demo_client_as("director17")
    explanations = budget.get(EXPLAINED).json
    written = [e for e in explanations["explanations"] if e["reason"]]
    # Explanations by the budget unit for 00 and by the directors of three provinces, Siem Reap's among them.
    assert {e["unit"] for e in written} >= {"00", "17"} and len({e["unit"] for e in written}) == 4
    assert all(e["action"] for e in written)
    assert [e["unit"] for e in written if e["oversight"]] and sum(bool(e["oversight"]) for e in written) == 1
    # What is still due: half of 00's deviations and half of Siem Reap's.
    due = explanations["due"]
    assert due["17"] == sum(e["unit"] == "17" for e in written) == 4
    assert due["00"] == sum(e["unit"] == "00" for e in written) == 3
    assert _inbox(budget) == {"questions": 1, "to_explain": 3}
    assert _inbox(kampot) == {"questions": 1}  # the open question is on a Kampot line; 07 is on track
    assert _inbox(siem_reap) == {"to_explain": 4}
    # A director reads his province's explanations (and the national ones, once national figures
    # of the period are out), never another province's.
    assert {e["unit"] for e in siem_reap.get(EXPLAINED).json["explanations"]} - {"00"} == {"17"}
    # Every step went through the write layer: audited, by the demo's author.
    with session_scope(demo_db) as session:
        actions = [a.action for a in session.query(AuditLog).filter(AuditLog.username == "demo data")]
    assert actions.count("review.comment") == 13 and actions.count("review.explanation") == len(written) + 1
    assert actions.count("submission.submit") == 2 and actions.count("submission.return") == 1


def test_the_demo_cycle_is_the_same_on_every_run(demo_db: str, demo_template: Path, tmp_path: Path) -> None:
    other = tmp_path / "again.sqlite3"
    shutil.copyfile(demo_template, other)
    runs = []
    for url in (demo_db, f"sqlite:///{other}"):
        open_demo_submission(url)
        with session_scope(url) as session:
            rows = session.query(AuditLog.action, AuditLog.detail).filter(AuditLog.username == "demo data") \
                .order_by(AuditLog.id).all()
            runs.append([(action, _without_times(detail)) for action, detail in rows])
    get_engine(f"sqlite:///{other}").dispose()
    assert runs[0] == runs[1] and len(runs[0]) > 100


def _without_times(detail: str | None) -> str:
    # Dates of writing differ between runs; everything else is the same.
    return re.sub(r'"(\w+_at|at)": "[^"]*"', "", json.dumps(json.loads(detail or "{}"), sort_keys=True))
