"""The demo opens next year's submission, so that a new user sees the budget cycle working."""

from __future__ import annotations

from db import submissions as writes
from db.engine import session_scope
from db.queries import submission as reads
from domain.access import Scope
from etl.demo_submission import open_demo_submission
from indicators.submission import justified


def test_the_demo_submission_has_flagged_lines_justified_and_not(demo_db: str) -> None:
    sid = open_demo_submission(demo_db)
    assert open_demo_submission(demo_db) is None  # one per year: a second run changes nothing
    budget = Scope(0, "budget", "budget_unit")
    with session_scope(demo_db) as session:
        shown = reads.view(session, budget, sid)
        assert (shown.submission.fiscal_year, shown.submission.status) == (2026, "draft")
        lines = shown.lines
        flagged = lines[lines["flags"].map(bool)]
        with_reason = flagged["justification"].map(justified)
        assert len(lines) > 100 and 0 < with_reason.sum() < len(flagged) < len(lines) / 2
        # Every line stands beside this year's figures.
        assert lines["revised_last"].notna().all() and lines["as_of"].eq("2025-09").any()
        assert shown.ceiling["total"] < shown.totals["request"][0]
        reasons = writes.blocking_reasons(session, shown.submission)
    unjustified = sorted(flagged.loc[~with_reason, "id"])
    assert sorted(r["line"] for r in reasons if "line" in r) == unjustified
    assert [r["code"] for r in reasons if "line" not in r] == ["above_ceiling_without_justification"]
