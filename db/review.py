"""Writes of MEF's review and the performance dialogue: line decisions, comments, deviation
explanations and oversight comments. Each checks role, province and state inside the write,
refuses a stale change, and is audited with before and after (``Actor.record``, which also
counts the write for the query cache).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AdminUnit, Explanation, Indicator, LineDecision, SubmissionComment, SubmissionLine, utcnow
from db.queries import review as reads
from db.queries.submission import MAX_ID
from db.submissions import Actor, Invalid, Stale, amount, code_value, lock_submission, text_value
from domain.access import Forbidden
from domain.periods import normalise_period
from domain.submission import ADJUST, DECISIONS, SUBMITTED, WrongState
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER, NATIONAL, PROVINCIAL_DIRECTOR, YEAR_MAX, YEAR_MIN

MAX_COMMENT = 4000


def _decision_dict(d: LineDecision) -> dict:
    return {"line": d.line_id, "decision": d.decision, "recommended": d.recommended, "decided_by": d.decided_by,
            "row_version": d.row_version}


def decide(session: Session, actor: Actor, submission_id: int, items: list) -> list[int]:
    """MEF's decisions on lines of a submitted submission: ``agree``, ``adjust`` with the
    ``recommended`` amount, or ``question``. All or nothing."""
    sub = lock_submission(session, submission_id)
    if actor.scope.role != MEF_REVIEWER:
        raise Forbidden("decisions on a submission")
    if sub.status != SUBMITTED:
        raise WrongState(f"the submission is {sub.status}: MEF decides on lines of a submitted one", sub.status)
    if not items:
        raise Invalid("decisions", "at least one decision")
    planned = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise Invalid("decisions", "each decision is an object", index)
        line_id = item.get("line")
        if isinstance(line_id, bool) or not isinstance(line_id, int) or not 0 < line_id <= MAX_ID:
            raise Invalid("line", "line: the id of a line of this submission", index)
        line = session.get(SubmissionLine, line_id)
        if line is None or line.submission_id != sub.id:
            raise Invalid("line", f"line {line_id} is not a line of submission {sub.id}", index)
        decision = item.get("decision")
        if decision not in DECISIONS:
            raise Invalid("decision", f"decision: one of {', '.join(DECISIONS)}", index)
        recommended = item.get("recommended")
        if decision == ADJUST:
            recommended = amount(recommended, "recommended", index)
        elif recommended is not None:
            raise Invalid("recommended", f"recommended: only with adjust, not with {decision}", index)
        version = item.get("row_version")
        planned.append((line_id, line.entity_code, decision, recommended, version))
    now, done = utcnow(), []
    for line_id, entity, decision, recommended, version in planned:
        row = session.get(LineDecision, line_id)
        if row is None:
            row = LineDecision(line_id=line_id, submission_id=sub.id, decision=decision, recommended=recommended,
                               decided_by=actor.scope.username, decided_at=now, row_version=1)
            session.add(row)
            session.flush()
            actor.record(session, "review.decision", submission=sub.id, line=line_id, entity=entity, before=None,
                         after=_decision_dict(row))
        elif (row.decision, row.recommended) == (decision, recommended):
            pass  # the same decision again: it keeps its date, so an answered question stays answered
        else:
            before = _decision_dict(row)
            if version is not None and version != row.row_version:
                raise Stale(before)
            result = session.execute(update(LineDecision).where(
                LineDecision.line_id == line_id, LineDecision.row_version == row.row_version).values(
                decision=decision, recommended=recommended, decided_by=actor.scope.username, decided_at=now,
                row_version=row.row_version + 1).execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise Stale(before)
            session.expire(row)
            actor.record(session, "review.decision", submission=sub.id, line=line_id, entity=entity, before=before,
                         after=_decision_dict(row))
        done.append(line_id)
    return done


def add_comment(session: Session, actor: Actor, submission_id: int, line_id: object, text: object) -> SubmissionComment:
    """A comment in a line's thread (or the whole submission's when ``line_id`` is None).

    MEF and the budget unit write in every thread; a director in the threads of his or her
    province's lines only. Text is kept as typed and always shown as text, never as markup.
    """
    sub = lock_submission(session, submission_id)
    scope = actor.scope
    if scope.role not in (MEF_REVIEWER, BUDGET_UNIT, PROVINCIAL_DIRECTOR):
        raise Forbidden("comments on a submission")
    if not isinstance(text, str) or not text.strip():
        raise Invalid("text", "text: a comment cannot be empty")
    if len(text) > MAX_COMMENT:
        raise Invalid("text", f"text: at most {MAX_COMMENT} characters, not {len(text)}")
    body = text_value(text, "text", None)
    entity = None
    if line_id is not None:
        if isinstance(line_id, bool) or not isinstance(line_id, int) or not 0 < line_id <= MAX_ID:
            raise Invalid("line", "line: the id of a line of this submission, or null")
        line = session.get(SubmissionLine, line_id)
        if line is None or line.submission_id != sub.id:
            raise Invalid("line", f"line {line_id} is not a line of submission {sub.id}")
        entity = line.entity_code
    if scope.role == PROVINCIAL_DIRECTOR and (entity is None or entity == NATIONAL or entity[:2] != scope.province):
        raise Forbidden("a thread outside the director's province")
    comment = SubmissionComment(submission_id=sub.id, line_id=line_id, entity_code=entity, author=scope.username,
                                role=scope.role, text=body, created_at=utcnow())
    session.add(comment)
    session.flush()
    actor.record(session, "review.comment", submission=sub.id, line=line_id, entity=entity, before=None,
                 after={"id": comment.id, "text": body})
    return comment


def _unit(session: Session, value: object) -> str:
    code = code_value(value, "unit", None)
    unit = session.get(AdminUnit, code)
    if unit is None or unit.level not in ("national", "province"):
        raise Invalid("unit", f"unit {code!r}: 00 or a province code 01 to 25")
    return code


def explain(session: Session, actor: Actor, body: dict) -> Explanation:
    """Write the reason and corrective action of a deviation (the province's director; the
    budget unit for ``00``), or MEF's oversight comment on it (``oversight``)."""
    year = body.get("year")
    if isinstance(year, bool) or not isinstance(year, int | float) or year != int(year) \
            or not YEAR_MIN <= year <= YEAR_MAX:
        raise Invalid("year", f"year: a fiscal year from {YEAR_MIN} to {YEAR_MAX}")
    year = int(year)
    period = normalise_period(body.get("period")) if isinstance(body.get("period"), str) else None
    if period is None or int(period[:4]) != year:
        raise Invalid("period", f"period: YYYY-MM, YYYY-Qn or YYYY within {year}")
    unit = _unit(session, body.get("unit"))
    indicator = code_value(body.get("indicator"), "indicator", None)
    if session.get(Indicator, indicator) is None:
        raise Invalid("indicator", f"indicator {indicator!r} is not in the indicator catalogue")
    scope = actor.scope
    writes_oversight = "oversight" in body
    writes_reason = "reason" in body or "action" in body
    if writes_oversight == writes_reason:
        raise Invalid("reason", "send reason and action (the explanation), or oversight (MEF's comment)")
    if writes_oversight:
        if scope.role != MEF_REVIEWER:
            raise Forbidden("an oversight comment")
    elif not ((unit == NATIONAL and scope.role == BUDGET_UNIT)
              or (unit != NATIONAL and scope.role == PROVINCIAL_DIRECTOR and scope.province == unit)):
        raise Forbidden(f"explanations of {unit}")
    status = reads.status_at(session, year=year, period=period, unit=unit, indicator=indicator)
    if status is None:
        raise Invalid("indicator", f"{indicator} of {unit} is not on watch or off track at {period}: "
                                   "there is no deviation to explain")
    found = session.scalar(select(Explanation).where(
        Explanation.fiscal_year == year, Explanation.period == period, Explanation.unit_code == unit,
        Explanation.indicator_code == indicator).with_for_update())
    version = body.get("row_version")
    if found is not None and version is not None and version != found.row_version:
        raise Stale(reads.explanation_dict(found))
    before = reads.explanation_dict(found) if found is not None else None
    now = utcnow()
    if found is None:
        found = Explanation(fiscal_year=year, period=period, unit_code=unit, indicator_code=indicator, status=status,
                            reason="", action="", written_by="", oversight="", oversight_by="", row_version=0)
        session.add(found)
    if writes_oversight:
        text = text_value(body.get("oversight"), "oversight", None)
        if not text:
            raise Invalid("oversight", "oversight: a comment cannot be empty")
        found.oversight, found.oversight_by, found.oversight_at = text, scope.username, now
    else:
        reason = text_value(body.get("reason"), "reason", None)
        action = text_value(body.get("action"), "action", None)
        if not reason or not action:
            raise Invalid("reason" if not reason else "action", "both the reason and the corrective action")
        found.reason, found.action, found.written_by, found.written_at = reason, action, scope.username, now
        found.status = status
    found.row_version += 1
    session.flush()
    actor.record(session, "review.explanation", explained_year=year, year=year, period=period, entity=unit,
                 indicator=indicator, before=before, after=reads.explanation_dict(found))
    return found
