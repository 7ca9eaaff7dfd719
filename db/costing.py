"""Writes of costing: save, change and delete a scenario, and apply one to a submission.

A scenario is created by the budget unit or MEF, changed and deleted by the budget unit (MEF its
own); only the budget unit applies one. Applying writes through ``db.submissions.save_lines`` and
``save_targets``, which lock the submission, check its state and audit each line and target.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Benefit, CostingScenario, Macro, Submission, SubmissionLine, SubmissionTarget, utcnow
from db.queries import costing as reads
from db.queries.submission import MAX_ID, NotFound
from db.submissions import Actor, Invalid, Stale, lock_submission, save_lines, save_targets
from domain.access import Forbidden
from domain.submission import EDITABLE, WrongState, require_editable
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER, YEAR_MAX, YEAR_MIN

MAX_YEARS = 10
MAX_BENEFITS = 50
MAX_AMOUNT = 10**12  # riels a payment
MAX_MULTIPLIER = 10.0
FUNDING_SOURCE = "RGC"
FIELDS = {"name", "first_year", "years", "benefits"}
BENEFIT_FIELDS = {"code", "amount", "indexed", "take_up", "admin_rate", "multiplier"}


def _number(value: object, name: str, index: int | None, low: float, high: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(name, f"{name}: a number", index)
    if not low <= value <= high:
        raise Invalid(name, f"{name}: {what}", index)
    return float(value)


def _whole(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value \
            or value != int(value) or not low <= value <= high:
        raise Invalid(name, f"{name}: a whole number from {low} to {high}")
    return int(value)


def parse_body(session: Session, body: dict) -> tuple[str, int, int, list[dict]]:
    """The scenario as stored: name, first year, number of years, benefits (each checked)."""
    unknown = set(body) - FIELDS
    if unknown:
        raise Invalid(sorted(unknown)[0], f"unknown field(s): {', '.join(sorted(unknown))}")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        raise Invalid("name", "name: text of 1 to 120 characters")
    first_year = _whole(body.get("first_year"), "first_year", YEAR_MIN, YEAR_MAX)
    years = _whole(body.get("years"), "years", 1, MAX_YEARS)
    if first_year + years - 1 > YEAR_MAX:
        raise Invalid("years", f"years: the scenario must end by {YEAR_MAX}")
    span = reads.scenario_years(first_year, years)
    items = body.get("benefits")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BENEFITS:
        raise Invalid("benefits", f"benefits: a list of 1 to {MAX_BENEFITS} benefits (one left out is not costed)")
    known = {b.code: b for b in session.scalars(select(Benefit))}
    benefits, seen = [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise Invalid("benefits", "each benefit is an object", index)
        extra = set(item) - BENEFIT_FIELDS
        if extra:
            raise Invalid("benefits", f"unknown field(s): {', '.join(sorted(extra))}", index)
        code = item.get("code")
        if not isinstance(code, str) or code not in known:
            raise Invalid("code", f"benefit {code!r} is not in the benefit catalogue", index)
        if code in seen:
            raise Invalid("code", f"benefit {code!r} twice", index)
        seen.add(code)
        amount = item.get("amount")
        if amount is not None:
            amount = _number(amount, "amount", index, 0, MAX_AMOUNT, f"riels a payment, 0 to {MAX_AMOUNT:,}")
        indexed = item.get("indexed", False)
        if not isinstance(indexed, bool):
            raise Invalid("indexed", "indexed: true or false", index)
        take_up = item.get("take_up")
        if not isinstance(take_up, list) or len(take_up) != years:
            raise Invalid("take_up", f"take_up: one fraction a year ({years})", index)
        for position, value in enumerate(take_up):
            number = _number(value, "take_up", index, -math.inf, math.inf, "")
            if number > 1:
                raise Invalid("take_up", f"take_up of {span[position]}: {number:g} is above 100 % (a fraction: "
                                         "60 % is 0.6)", index)
            if number < 0:
                raise Invalid("take_up", f"take_up of {span[position]}: {number:g} is below 0", index)
        admin_rate = _number(item.get("admin_rate", 0) if item.get("admin_rate") is not None else 0, "admin_rate",
                             index, 0, 1, "a fraction from 0 to 1 (5 % is 0.05)")
        multiplier = _number(item.get("multiplier", 1) if item.get("multiplier") is not None else 1, "multiplier",
                             index, 0, MAX_MULTIPLIER, f"a number from 0 to {MAX_MULTIPLIER:g}")
        benefits.append({"code": code, "amount": amount, "indexed": indexed, "take_up": [float(t) for t in take_up],
                         "admin_rate": admin_rate, "multiplier": multiplier})
    have = set(session.scalars(select(Macro.year).where(Macro.year.in_(span))))
    missing = [y for y in span if y not in have]
    if missing:
        raise Invalid("first_year", f"no macro figures for {', '.join(map(str, missing))}: load them in the macro "
                                    "sheet of the reference workbook first")
    return name.strip(), first_year, years, benefits


def _as_dict(found: CostingScenario) -> dict:
    return {"id": found.id, "name": found.name, "first_year": found.first_year, "years": found.years,
            "benefits": json.loads(found.body)["benefits"], "row_version": found.row_version}


def _writable(actor: Actor, found: CostingScenario) -> None:
    scope = actor.scope
    if scope.role == BUDGET_UNIT or (scope.role == MEF_REVIEWER and found.created_by == scope.username):
        return
    raise Forbidden(f"costing scenario {found.id}")


def create_scenario(session: Session, actor: Actor, body: dict) -> CostingScenario:
    """Save a new scenario (budget unit or MEF)."""
    if actor.scope.role not in (BUDGET_UNIT, MEF_REVIEWER):
        raise Forbidden("creating a costing scenario")
    name, first_year, years, benefits = parse_body(session, body)
    now = utcnow()
    found = CostingScenario(name=name, first_year=first_year, years=years, body=json.dumps({"benefits": benefits}),
                            row_version=1, created_by=actor.scope.username, created_at=now,
                            updated_by=actor.scope.username, updated_at=now)
    session.add(found)
    session.flush()
    actor.record(session, "costing.scenario", scenario=found.id, before=None, after=_as_dict(found))
    return found


def _locked(session: Session, actor: Actor, scenario_id: int) -> CostingScenario:
    actor.scope.require_data()
    found = session.scalar(select(CostingScenario).where(CostingScenario.id == scenario_id).with_for_update()) \
        if 0 < scenario_id <= MAX_ID else None
    if found is None:
        raise NotFound(f"no costing scenario {scenario_id}")
    _writable(actor, found)
    return found


def update_scenario(session: Session, actor: Actor, scenario_id: int, body: dict) -> CostingScenario:
    """Replace a scenario's name, years and benefits (``row_version``, if given, must be current)."""
    body = dict(body)
    version = body.pop("row_version", None)
    found = _locked(session, actor, scenario_id)
    if version is not None and version != found.row_version:
        raise Stale(_as_dict(found))
    name, first_year, years, benefits = parse_body(session, body)
    before = _as_dict(found)
    found.name, found.first_year, found.years = name, first_year, years
    found.body = json.dumps({"benefits": benefits})
    found.row_version += 1
    found.updated_by, found.updated_at = actor.scope.username, utcnow()
    session.flush()
    actor.record(session, "costing.scenario", scenario=found.id, before=before, after=_as_dict(found))
    return found


def delete_scenario(session: Session, actor: Actor, scenario_id: int) -> dict:
    found = _locked(session, actor, scenario_id)
    before = _as_dict(found)
    session.delete(found)
    session.flush()
    actor.record(session, "costing.scenario", scenario=scenario_id, before=before, after=None)
    return before


# --- applying a scenario to a submission ---------------------------------------------------------------


def plan(session: Session, actor: Actor, scenario_id: int, submission_id: int) -> dict:
    """What applying the scenario to the submission would change: every line and target whose
    value moves, old → new, and whether the submission may change now (``editable``, ``reason``)."""
    if actor.scope.role != BUDGET_UNIT:
        raise Forbidden("applying a costing scenario")
    found = reads.get(session, actor.scope, scenario_id)
    sub = session.get(Submission, submission_id) if 0 < submission_id <= MAX_ID else None
    if sub is None:
        raise NotFound(f"no submission {submission_id}")
    span = reads.scenario_years(found.first_year, found.years)
    wanted = [sub.fiscal_year, sub.fiscal_year + 1, sub.fiscal_year + 2]
    if not set(wanted) <= set(span):
        raise Invalid("submission", f"the scenario covers {span[0]}–{span[-1]}; the submission of "
                                    f"{sub.fiscal_year} needs {wanted[0]}–{wanted[-1]}")
    try:
        result = reads.compute(session, actor.scope, found.first_year, found.years,
                               json.loads(found.body)["benefits"])
    except reads.MissingFigures as missing:
        raise Invalid(missing.field, str(missing)) from missing
    benefits = {b.code: b for b in session.scalars(select(Benefit))}
    rows = result.rows[result.rows["year"].isin(wanted)].copy()
    rows["cluster"] = rows["benefit"].map(lambda c: benefits[c].cluster_code)
    rows["economic_code"] = rows["benefit"].map(lambda c: benefits[c].economic_code)
    rows["indicator"] = rows["benefit"].map(lambda c: benefits[c].indicator_code)
    new_lines: dict[tuple, list[int]] = {}
    costs = rows.groupby(["unit", "cluster", "economic_code", "year"])["cost"].sum()
    for (unit, cluster, chapter, year), cost in costs.items():
        new_lines.setdefault((unit, cluster, chapter, FUNDING_SOURCE), [0, 0, 0])[wanted.index(int(year))] = \
            int(round(cost))
    new_targets: dict[tuple, list[float]] = {}
    for (indicator, unit, year), count in rows.groupby(["indicator", "unit", "year"])["beneficiaries"].sum().items():
        new_targets.setdefault((indicator, unit), [0.0, 0.0, 0.0])[wanted.index(int(year))] = float(round(count))
    old_lines = {(line.entity_code, line.cluster_code, line.economic_code, line.funding_source): line
                 for line in session.scalars(select(SubmissionLine).where(SubmissionLine.submission_id == sub.id))}
    old_targets = {(t.indicator_code, t.unit_code): t
                   for t in session.scalars(select(SubmissionTarget).where(SubmissionTarget.submission_id == sub.id))}
    lines, targets = [], []
    for key, new in sorted(new_lines.items()):
        line = old_lines.get(key)
        old = [line.request_y1, line.request_y2, line.request_y3] if line else None
        if old != new:
            lines.append({"entity": key[0], "cluster": key[1], "economic_code": key[2], "funding_source": key[3],
                          "old": old, "new": new})
    for key, new in sorted(new_targets.items()):
        target = old_targets.get(key)
        old = [target.target_y1, target.target_y2, target.target_y3] if target else None
        if old != new:
            targets.append({"indicator": key[0], "unit": key[1], "old": old, "new": new})
    reason = None
    if sub.status not in EDITABLE:
        try:
            require_editable(sub.status)
        except WrongState as refused:
            reason = refused.reason
    return {"scenario": found.id, "submission": sub.id, "year": sub.fiscal_year, "years": wanted,
            "editable": reason is None, "reason": reason, "lines": lines, "targets": targets}


def apply_scenario(session: Session, actor: Actor, scenario_id: int, submission_id: int) -> dict[str, Any]:
    """Write the scenario's costs of Y, Y+1, Y+2 as the requests of the lines (province, cluster,
    chapter, RGC) and its beneficiaries as the targets of each benefit's indicator; each change
    audited by the submission's write layer. A submitted or endorsed submission is refused
    (``WrongState``) and nothing changes."""
    if actor.scope.role != BUDGET_UNIT:
        raise Forbidden("applying a costing scenario")
    sub = lock_submission(session, submission_id)
    require_editable(sub.status)
    changes = plan(session, actor, scenario_id, submission_id)
    if changes["lines"]:
        save_lines(session, actor, submission_id, [
            {"entity": c["entity"], "cluster": c["cluster"], "economic_code": c["economic_code"],
             "funding_source": c["funding_source"], "request": c["new"]} for c in changes["lines"]])
    if changes["targets"]:
        save_targets(session, actor, submission_id, [
            {"indicator": c["indicator"], "unit": c["unit"], "target": c["new"]} for c in changes["targets"]])
    actor.record(session, "costing.apply", scenario=scenario_id, submission=submission_id,
                 lines=len(changes["lines"]), targets=len(changes["targets"]))
    return {**changes, "applied": True}
