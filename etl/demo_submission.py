"""The demo's 2026 submission, taken once round the budget cycle, so that a new user sees it working.

Every step goes through the write layer (checked and audited, as a person's would), in one
transaction, with the same figures on every run:

1. the budget unit opens the draft from this year's execution (requests follow the last full
   year's spending with growth; a few lines of provinces whose indicators are off track ask for
   more than their revised budget), sets targets that the money buys, justifies every flagged
   line and the request above MEF's ceiling, and submits version 1;
2. MEF agrees to some lines, holds three lines of off-track provinces at this year's budget
   (``adjust``), asks four questions in the lines' threads and returns the submission with a
   comment;
3. the budget unit answers two questions, the director of Siem Reap (17) a third; the budget
   unit brings two of the held lines to MEF's amounts, says why it keeps the third, and submits
   version 2. The question on Kampot's (07) line is still open: MEF cannot endorse yet;
4. the directors of Siem Reap and of the two provinces with the most indicators off track, and
   the budget unit for the ministry (``00``), explain some of their deviations of the latest
   period; MEF adds one oversight comment.

The demo users ``director07`` and ``director17`` direct Kampot and Siem Reap: each finds
something in the inbox. The figures and words are illustrative, like the rest of the demo.
"""

from __future__ import annotations

import random

import pandas as pd

from db import review
from db import submissions as writes
from db.engine import session_scope
from db.queries import review as review_reads
from db.queries import submission as reads
from domain.access import Scope
from domain.submission import RETURN, SUBMIT, Blocked
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER, NATIONAL, PROVINCIAL_DIRECTOR
from indicators.submission import MORE_WHILE_OFF_TRACK

DEMO_AUTHOR = "demo data"
ANSWERING_DIRECTOR = "17"  # Siem Reap: its director answers MEF's question
OPEN_QUESTION_PROVINCE = "07"  # Kampot: MEF's question there waits for an answer
JUSTIFICATIONS = (
    "Caseload grows with the 2025 ID Poor registration round; the request follows the new lists.",
    "Transfers were delayed by the payment provider change in 2025; arrears fall due next year.",
    "The province takes over case management from a development partner project ending in 2025.",
)
ABOVE_CEILING = ("The request is above the ceiling by the arrears of 2025 and the caseload of the new ID Poor "
                 "lists; both are entitlements, detailed line by line.")
RETURN_COMMENT = ("Returned for version 2: please answer the questions in the lines' threads, and bring the three "
                  "lines held at this year's budget to the recommended amounts or say why not.")
OVERALL = ("Overall the request is close to the ceiling, but three provinces ask for more while their results "
           "are off track; those lines are held at this year's budget until the results recover.")
HELD = "Held at this year's revised budget until the indicators linked to this cluster are back on track."
KEPT = ("Kept as requested: these are transfers to registered households; holding them at this year's budget "
        "would stop payments in the last quarter.")
VERSION_2 = ("Version 2: the questions are answered in their threads; two of the three held lines are brought to "
             "MEF's amounts, the third is kept, with its reason in its thread.")
ANSWERS = {
    "national": ("Most of this year's spending falls in the fourth quarter, when the provinces' claims are paid; "
                 "the request follows the caseload, not the pace of payments."),
    "off_track": ("The increase pays the arrears of 2025 and two more social workers per district; the province "
                  "reports monthly on payments so that the results can be followed."),
    "director": ("Registrations from the 2025 ID Poor round add about a tenth to our caseload; payments start in "
                 "January, so the request follows the new lists, not this year's spending."),
}
# Why an indicator lagged and what is done about it, as a director would write it.
EXPLANATIONS = {
    "FP_PW": ("Payments stopped for two months while the payment provider changed.",
              "Arrears paid in October; monthly reconciliation with the provider."),
    "FP_PW_COV": ("Fewer eligible women registered while the ID Poor lists were being renewed.",
                  "Commune councils register pregnant women at the health centres' antenatal visits."),
    "FP_PW_ELIG": ("The renewal of the ID Poor lists left households unregistered for a quarter.",
                   "A registration drive with the commune councils before the end of the year."),
    "FP_PWD": ("Disability cards issued late in two districts held back enrolment.",
               "Mobile identification teams visit the districts in the next quarter."),
    "FP_OLD": ("Older persons without bank accounts could not be paid through the new provider.",
               "Cash-out points at the commune halls on payment days."),
    "DIS_ID": ("The identification teams were short of trained assessors.",
               "Six assessors trained in October; visits scheduled commune by commune."),
    "PAY_DAYS": ("Claims waited for the treasury's quarterly release.",
                 "Monthly releases agreed with the provincial treasury from next quarter."),
    "CARE_SAT": ("Two care centres were understaffed after retirements.",
                 "Recruitment under way; a visiting team covers the centres meanwhile."),
    "STAFF_TRAINED": ("Training sessions were postponed for the payment provider change.",
                      "Sessions rescheduled; the remaining staff trained by December."),
    "PENS_PAID": ("Pension files transferred between provinces were paid late.",
                  "Files now move with the pensioner's record; a weekly check of late payments."),
}
DEFAULT_EXPLANATION = ("Reports came in late and the work fell behind its plan.",
                       "Monthly follow-up with the districts until the indicator is back on track.")
OVERSIGHT = "Please attach the reconciliation with the payment provider to the next quarterly report."


def _actor(role: str, province: str | None = None) -> writes.Actor:
    return writes.Actor(Scope(0, DEMO_AUTHOR, role, province))


def _key(row) -> dict:
    return {"entity": row.entity, "cluster": row.cluster, "economic_code": row.economic_code,
            "funding_source": row.funding_source}


def _riels(value: float) -> str:
    return f"{value:,.0f} riels"


def open_demo_submission(url: str | None = None, year: int | None = None) -> int | None:
    """Open the demo submission of ``year`` (the year after the latest data) and take it round
    the cycle (module docstring); its id, or None when one exists already or there is no
    execution to start from."""
    rng = random.Random(2026)  # noqa: S311 - illustrative figures, reproducible on purpose
    budget, mef = _actor(BUDGET_UNIT), _actor(MEF_REVIEWER)
    with session_scope(url) as session:
        latest = reads.latest_data_year(session)
        if latest is None:
            return None
        year = year or latest + 1
        if reads.find_by_year(session, year) is not None:
            return None
        sub = writes.open_submission(session, budget, year)
        total = _draft(session, budget, sub, rng)
        writes.set_ceiling(session, mef, year, int(round(total * 0.98, -6)), {})
        lines = reads.lines_with_flags(session, sub)
        _justify(session, budget, sub.id, lines[lines["flags"].map(bool)])
        writes.set_above_ceiling_justification(session, budget, sub.id, ABOVE_CEILING)
        writes.act(session, budget, sub.id, SUBMIT)
        chosen = _review(session, mef, sub, lines)
        _answer(session, budget, sub, lines, chosen)
        _explain(session)
        return sub.id


def _draft(session, budget: writes.Actor, sub, rng: random.Random) -> int:
    """Requests and targets of the draft; the total request of the year."""
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
        items.append({**_key(row), "request": [int(first), int(round(first * 1.05, -5)), int(round(first * 1.1, -5))]})
    writes.save_lines(session, budget, sub.id, items)
    # Targets that the money buys at about the observed unit cost; one in ten left as they were.
    shown = reads.view(session, budget.scope, sub.id)
    targets = []
    for row in shown.targets.itertuples(index=False):
        cost, money = row.observed_unit_cost, row.linked_request
        if not (cost == cost and cost and money == money and money) or rng.random() < 0.1:
            continue
        first = round(money / cost * (0.95 + rng.random() * 0.1))
        targets.append({"indicator": row.indicator, "unit": row.unit,
                        "target": [first, *([round(first * 1.05), round(first * 1.1)] if row.unit == NATIONAL
                                            else [None, None])]})
    if targets:
        writes.save_targets(session, budget, sub.id, targets)
    return sum(item["request"][0] for item in items)


def _justify(session, budget: writes.Actor, submission_id: int, flagged: pd.DataFrame) -> None:
    items = [{**_key(r), "justification": JUSTIFICATIONS[i % len(JUSTIFICATIONS)]}
             for i, r in enumerate(flagged.itertuples(index=False)) if not r.justification]
    if items:
        writes.save_lines(session, budget, submission_id, items)


def _slowest(lines: pd.DataFrame, entity: str) -> pd.Series | None:
    """The line of ``entity`` that spends slowest against the pro-rata benchmark."""
    own = lines[lines["entity"] == entity]
    if own.empty:
        return None
    pace = (own["execution_rate"] / own["benchmark"]).fillna(1.0)
    return own.loc[pace.sort_values(kind="stable").index[0]]


def _slow_question(row: pd.Series, year: int) -> str:
    return (f"By {row['as_of']}, {row['execution_rate']:.0%} of this year's revised budget was paid, against a "
            f"benchmark of {row['benchmark']:.0%}. What will let this line spend the {_riels(row['request_y1'])} "
            f"asked for {year}?")


def _review(session, mef: writes.Actor, sub, lines: pd.DataFrame) -> dict[str, int]:
    """MEF's hearing of version 1: questions, held lines, agreements, and the return. The
    questioned and held lines' ids by role in the story."""
    chosen: dict[str, int] = {}
    questions: dict[int, str] = {}
    for name, entity in (("national", NATIONAL), ("director", ANSWERING_DIRECTOR), ("open", OPEN_QUESTION_PROVINCE)):
        row = _slowest(lines, entity)
        if row is not None:
            chosen[name] = int(row["id"])
            questions[int(row["id"])] = _slow_question(row, sub.fiscal_year)
    growing = lines[lines["flags"].map(lambda f: MORE_WHILE_OFF_TRACK in f) & ~lines["id"].isin(list(chosen.values()))]
    growing = growing.sort_values(["request_y1", "id"], ascending=[False, True])
    if not growing.empty:
        row = growing.iloc[0]
        chosen["off_track"] = int(row["id"])
        questions[int(row["id"])] = (
            f"The request is {row['request_y1'] / row['revised_last'] - 1:+.0%} on this year's revised budget while "
            "an indicator linked to this cluster is off track. What will the increase change in the results?")
    held = growing.iloc[1:4]
    decided = set(questions) | set(held["id"])
    agreed = lines[lines["entity"].isin([NATIONAL, OPEN_QUESTION_PROVINCE]) & ~lines["id"].isin(decided)]
    review.decide(session, mef, sub.id, [
        *({"line": line, "decision": "question"} for line in questions),
        *({"line": int(r.id), "decision": "adjust", "recommended": int(round(r.revised_last, -5))}
          for r in held.itertuples(index=False)),
        *({"line": int(r.id), "decision": "agree"} for r in agreed.itertuples(index=False))])
    for line, text in questions.items():
        review.add_comment(session, mef, sub.id, line, text)
    for row in held.itertuples(index=False):
        review.add_comment(session, mef, sub.id, int(row.id), HELD)
    chosen.update({f"held{i}": int(r.id) for i, r in enumerate(held.itertuples(index=False))})
    review.add_comment(session, mef, sub.id, None, OVERALL)
    writes.act(session, mef, sub.id, RETURN, RETURN_COMMENT)
    return chosen


def _answer(session, budget: writes.Actor, sub, lines: pd.DataFrame, chosen: dict[str, int]) -> None:
    """Version 2: answers in the threads, two held lines at MEF's amounts, the submit."""
    for name in ("national", "off_track"):
        if name in chosen:
            review.add_comment(session, budget, sub.id, chosen[name], ANSWERS[name])
    if "director" in chosen:
        director = _actor(PROVINCIAL_DIRECTOR, ANSWERING_DIRECTOR)
        review.add_comment(session, director, sub.id, chosen["director"], ANSWERS["director"])
    by_id = lines.set_index("id")
    lowered = []
    for name in ("held0", "held1"):
        if name in chosen:
            row = by_id.loc[chosen[name]]
            first = int(round(row["revised_last"], -5))
            lowered.append({"entity": row["entity"], "cluster": row["cluster"], "economic_code": row["economic_code"],
                            "funding_source": row["funding_source"],
                            "request": [first, int(round(first * 1.05, -5)), int(round(first * 1.1, -5))]})
    if lowered:
        writes.save_lines(session, budget, sub.id, lowered)
    if "held2" in chosen:
        review.add_comment(session, budget, sub.id, chosen["held2"], KEPT)
    review.add_comment(session, budget, sub.id, None, VERSION_2)
    try:
        writes.act(session, budget, sub.id, SUBMIT)
    except Blocked as blocked:
        # A lower request moves an implied unit cost, which can flag a line that had no reason
        # to be justified before: justify it, as the budget unit would, and submit.
        refused = {r["line"] for r in blocked.reasons if "line" in r}
        now = reads.lines_with_flags(session, sub)
        _justify(session, budget, sub.id, now[now["id"].isin(refused)])
        writes.act(session, budget, sub.id, SUBMIT)


def _explain(session) -> None:
    """Explanations of deviations at the latest period, and one oversight comment of MEF."""
    latest = review_reads.latest_indicator_period(session)
    if latest is None:
        return
    year, period = latest
    deviations = review_reads.deviations(session, year=year, period=period, units=None) \
        .sort_values(["unit", "indicator"], kind="stable")
    provinces = deviations[deviations["unit"] != NATIONAL]
    off_track = provinces[provinces["status"] == "off_track"]["unit"].value_counts()
    worst = sorted(off_track.index, key=lambda u: (-off_track[u], u))[:2]
    writers = []
    for unit, share in ((ANSWERING_DIRECTOR, 0.5), *((u, 1.0) for u in worst), (NATIONAL, 0.5)):
        own = deviations[deviations["unit"] == unit]
        actor = _actor(BUDGET_UNIT) if unit == NATIONAL else _actor(PROVINCIAL_DIRECTOR, unit)
        for row in own.head(int(round(len(own) * share))).itertuples(index=False):
            reason, action = EXPLANATIONS.get(row.indicator, DEFAULT_EXPLANATION)
            review.explain(session, actor, {"year": year, "period": period, "unit": unit, "indicator": row.indicator,
                                            "reason": reason, "action": action})
            writers.append((unit, row.indicator, row.status))
    first_off = next(((u, i) for u, i, s in writers if s == "off_track"), None)
    if first_off is not None:
        review.explain(session, _actor(MEF_REVIEWER), {"year": year, "period": period, "unit": first_off[0],
                                                       "indicator": first_off[1], "oversight": OVERSIGHT})
