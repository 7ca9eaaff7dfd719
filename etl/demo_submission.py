"""The demo's 2026 submission: next year's request built from this year's execution, with some
lines flagged and justified, and MEF's ceiling, so that a new user sees the budget cycle working.

The figures are illustrative, like the rest of the demo. Requests follow the last full year's
spending with growth; a few lines of provinces whose indicators are off track ask for more
than their revised budget, and half of the flagged lines carry a justification (the others
show why a submit is refused until they do).
"""

from __future__ import annotations

import random

from db import submissions as writes
from db.engine import session_scope
from db.queries import submission as reads
from domain.access import Scope
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER

DEMO_AUTHOR = "demo data"
JUSTIFICATIONS = (
    "Caseload grows with the 2025 ID Poor registration round; the request follows the new lists.",
    "Transfers were delayed by the payment provider change in 2025; arrears fall due next year.",
    "The province takes over case management from a development partner project ending in 2025.",
)


def open_demo_submission(url: str | None = None, year: int | None = None) -> int | None:
    """Open and fill the demo submission of ``year`` (the year after the latest data); its id,
    or None when one exists already or there is no execution to start from."""
    rng = random.Random(2026)  # noqa: S311 - illustrative figures, reproducible on purpose
    unit = writes.Actor(Scope(0, DEMO_AUTHOR, BUDGET_UNIT))
    with session_scope(url) as session:
        latest = reads.latest_data_year(session)
        if latest is None:
            return None
        year = year or latest + 1
        if reads.find_by_year(session, year) is not None:
            return None
        sub = writes.open_submission(session, unit, year)
        lines = reads.lines_with_flags(session, sub)
        items = []
        for row in lines.itertuples(index=False):
            base = row.paid_full_year if row.paid_full_year == row.paid_full_year and row.paid_full_year \
                else row.revised_last
            growth = 1.04 + rng.random() * 0.06
            # A few provinces whose results lag ask for a good deal more than this year's budget.
            if row.linked_off_track and rng.random() < 0.5:
                growth = 1.25
                base = row.revised_last
            first = round(base * growth, -5)
            items.append({"entity": row.entity, "cluster": row.cluster, "economic_code": row.economic_code,
                          "funding_source": row.funding_source,
                          "request": [int(first), int(round(first * 1.05, -5)), int(round(first * 1.1, -5))]})
        writes.save_lines(session, unit, sub.id, items)
        # Targets that the money buys at about the observed unit cost; one in ten left as they were.
        shown = reads.view(session, unit.scope, sub.id)
        targets = []
        for row in shown.targets.itertuples(index=False):
            cost, money = row.observed_unit_cost, row.linked_request
            if not (cost == cost and cost and money == money and money) or rng.random() < 0.1:
                continue
            first = round(money / cost * (0.95 + rng.random() * 0.1))
            targets.append({"indicator": row.indicator, "unit": row.unit,
                            "target": [first, *([round(first * 1.05), round(first * 1.1)] if row.unit == "00"
                                                else [None, None])]})
        if targets:
            writes.save_targets(session, unit, sub.id, targets)
        flagged = reads.lines_with_flags(session, sub)
        flagged = flagged[flagged["flags"].map(bool)]
        justified = [{"entity": r.entity, "cluster": r.cluster, "economic_code": r.economic_code,
                      "funding_source": r.funding_source, "justification": JUSTIFICATIONS[i % len(JUSTIFICATIONS)]}
                     for i, r in enumerate(flagged.itertuples(index=False)) if i % 2 == 0]
        if justified:
            writes.save_lines(session, unit, sub.id, justified)
        total = sum(item["request"][0] for item in items)
        mef = writes.Actor(Scope(0, DEMO_AUTHOR, MEF_REVIEWER))
        writes.set_ceiling(session, mef, year, int(round(total * 0.98, -6)), {})
        return sub.id
