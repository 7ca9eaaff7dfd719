"""Read models of MEF's review and the performance dialogue: line decisions, comment threads,
open questions, deviation explanations (and those still due), a user's inbox, a submission's
full history. Every function takes the caller's ``Scope``; a director reads his or her
province's threads and explanations only.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    AuditLog,
    Explanation,
    IndicatorMart,
    LineDecision,
    Submission,
    SubmissionComment,
    SubmissionLine,
)
from db.queries.cache import FACTS_TO_YEAR, cached_reference
from db.queries.common import NationalWithheld, complete_periods, latest_period_join, national_period
from db.queries.indicators import catalogue, with_status
from db.queries.submission import can_read_line, get, left_join, mentions_submission, rows_frame
from domain.access import Scope
from domain.submission import ADJUST, QUESTION, SUBMITTED
from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER, NATIONAL, PROVINCIAL_DIRECTOR

DEVIATIONS = ("watch", "off_track")
# Who answers a question on a line: the budget unit, and the director of the line's province.
ANSWERING_ROLES = (BUDGET_UNIT, PROVINCIAL_DIRECTOR)


def decisions(session: Session, submission_id: int) -> pd.DataFrame:
    """MEF's decision per line: ``line``, ``decision``, ``recommended``, ``decided_by``, ``decided_at``."""
    rows = session.execute(select(LineDecision.line_id, LineDecision.decision, LineDecision.recommended,
                                  LineDecision.decided_by, LineDecision.decided_at, LineDecision.row_version)
                           .where(LineDecision.submission_id == submission_id)).all()
    return rows_frame(rows, ["id", "decision", "recommended", "decided_by", "decided_at", "decision_version"])


def with_decisions(session: Session, submission_id: int, lines: pd.DataFrame) -> pd.DataFrame:
    """``lines`` with MEF's decision, the recommended amount, and the endorsed amount (the
    recommended one where MEF adjusted, the request elsewhere)."""
    out = left_join(lines, decisions(session, submission_id), ["id"])
    adjusted = out["decision"].eq(ADJUST) & out["recommended"].notna()
    out["endorsed_amount"] = out["recommended"].where(adjusted, out["request_y1"])
    return out


def comments(session: Session, scope: Scope, submission_id: int) -> list[dict]:
    """The comments ``scope`` may read, oldest first: a director the threads of his or her
    province's lines only (never the whole-submission thread, which speaks of every province)."""
    get(session, scope, submission_id)
    query = select(SubmissionComment).where(SubmissionComment.submission_id == submission_id) \
        .order_by(SubmissionComment.id)
    if scope.provinces is not None:
        query = query.where(SubmissionComment.entity_code.in_(sorted(scope.provinces)))
    return [{"id": c.id, "line": c.line_id, "entity": c.entity_code, "author": c.author, "role": c.role,
             "text": c.text, "at": c.created_at.isoformat(timespec="seconds")} for c in session.scalars(query)]


def open_questions(session: Session, submission_id: int, entities: list[str] | None = None) -> list[dict]:
    """Lines MEF questioned whose thread has no answer (a comment of the budget unit or the
    line's director) after the question; unscoped unless ``entities`` narrows it."""
    answered = select(SubmissionComment.id).where(
        SubmissionComment.line_id == LineDecision.line_id, SubmissionComment.role.in_(ANSWERING_ROLES),
        SubmissionComment.created_at >= LineDecision.decided_at).exists()
    query = (select(LineDecision.line_id, SubmissionLine.entity_code, SubmissionLine.cluster_code,
                    SubmissionLine.economic_code, SubmissionLine.funding_source, LineDecision.decided_by)
             .join(SubmissionLine, SubmissionLine.id == LineDecision.line_id)
             .where(LineDecision.submission_id == submission_id, LineDecision.decision == QUESTION, ~answered)
             .order_by(LineDecision.line_id))
    if entities is not None:
        query = query.where(SubmissionLine.entity_code.in_(entities))
    return [{"line": line, "entity": entity, "cluster": cluster, "economic_code": chapter,
             "funding_source": source, "asked_by": who}
            for line, entity, cluster, chapter, source, who in session.execute(query)]


# --- explanations of deviations ---------------------------------------------------------------------


def _unit_filter(session: Session, scope: Scope, year: int, period: str | None) -> list[str] | None:
    """Units whose explanations ``scope`` reads: all; or the director's province, with ``00``
    only at a period whose national figures a director may read (a national deviation is a
    national figure: see ``national_period``)."""
    if scope.provinces is None:
        return None
    own = sorted(scope.provinces)
    try:
        national_period(session, scope, "indicators", year=year, period=period)
    except NationalWithheld:
        return own
    return [NATIONAL, *own]


def explanations(session: Session, scope: Scope, *, year: int, period: str | None = None,
                 unit: str | None = None) -> list[dict]:
    """Explanations of ``year`` (and ``period``, ``unit``) that ``scope`` may read."""
    scope.require_data()
    if unit is not None:
        scope.require_entity(unit)
    query = select(Explanation).where(Explanation.fiscal_year == year) \
        .order_by(Explanation.period, Explanation.unit_code, Explanation.indicator_code)
    if period is not None:
        query = query.where(Explanation.period == period)
    if unit is not None:
        query = query.where(Explanation.unit_code == unit)
    if scope.provinces is not None and period is None:
        # Across periods a director reads the national explanations only of the periods whose
        # national figures he or she may read (complete ones), as at one period.
        complete, _reported = complete_periods(session, "indicators").get(year, ((), frozenset()))
        query = query.where(or_(Explanation.unit_code.in_(sorted(scope.provinces)),
                                and_(Explanation.unit_code == NATIONAL, Explanation.period.in_(complete))))
    else:
        units = _unit_filter(session, scope, year, period)
        if units is not None:
            query = query.where(Explanation.unit_code.in_(units))
    return [explanation_dict(e) for e in session.scalars(query)]


def explanation_dict(e: Explanation) -> dict:
    """One explanation as the API and the pages show it."""
    return {"id": e.id, "year": e.fiscal_year, "period": e.period, "unit": e.unit_code, "indicator": e.indicator_code,
            "status": e.status, "reason": e.reason, "action": e.action, "written_by": e.written_by,
            "written_at": e.written_at.isoformat(timespec="seconds") if e.written_at else None,
            "oversight": e.oversight, "oversight_by": e.oversight_by,
            "oversight_at": e.oversight_at.isoformat(timespec="seconds") if e.oversight_at else None,
            "row_version": e.row_version}


def deviations(session: Session, *, year: int, period: str, units: list[str] | tuple[str, ...] | None
               ) -> pd.DataFrame:
    """(unit, indicator, status, achievement) on ``watch`` or ``off_track`` at ``period`` (each
    unit's latest report at or before it), for the units asked (``00`` and provinces)."""
    table = IndicatorMart.__table__
    query = select(table.c.entity_code.label("unit"), table.c.indicator_code.label("indicator"), table.c.period,
                   table.c.baseline, table.c.target, table.c.actual).where(table.c.fiscal_year == year)
    query = latest_period_join(query, table, year, upto=period, keys=("indicator_code",))
    if units is not None:
        query = query.where(table.c.entity_code.in_(units))
    values = pd.DataFrame(session.execute(query).all(),
                          columns=["unit", "indicator", "period", "baseline", "target", "actual"])
    rated = with_status(values, catalogue(session))
    return rated.loc[rated["status"].isin(DEVIATIONS), ["unit", "indicator", "status", "achievement"]] \
        .reset_index(drop=True)


def status_at(session: Session, *, year: int, period: str, unit: str, indicator: str) -> str | None:
    """The status of one indicator of one unit at ``period`` (its latest report at or before it)."""
    found = deviations(session, year=year, period=period, units=[unit])
    hit = found[found["indicator"] == indicator]
    if not hit.empty:
        return str(hit["status"].iloc[0])
    return None


def explanations_due(session: Session, scope: Scope, *, year: int, period: str) -> dict[str, int]:
    """Per unit ``scope`` reads: how many of its deviations at ``period`` have no explanation yet."""
    scope.require_data()
    units = _unit_filter(session, scope, year, period)
    # The deviations are figures of loaded data; the explanations, people's writes, change every
    # few seconds in a busy week: only their read is done again each time.
    due = cached_reference(session, deviations, depends=(FACTS_TO_YEAR,), year=year, period=period,
                           units=None if units is None else tuple(units))
    written = {(u, i) for u, i in session.execute(
        select(Explanation.unit_code, Explanation.indicator_code).where(
            Explanation.fiscal_year == year, Explanation.period == period, Explanation.reason != ""))}
    counts: dict[str, int] = {}
    for row in due.itertuples(index=False):
        if (row.unit, row.indicator) not in written:
            counts[row.unit] = counts.get(row.unit, 0) + 1
    return counts


# --- what awaits a user --------------------------------------------------------------------------


def latest_indicator_period(session: Session) -> tuple[int, str] | None:
    """The newest (year, period) with indicator values."""
    table = IndicatorMart.__table__
    row = session.execute(select(table.c.fiscal_year, func.max(table.c.period))
                          .group_by(table.c.fiscal_year).order_by(table.c.fiscal_year.desc()).limit(1)).first()
    return (int(row[0]), row[1]) if row else None


def inbox(session: Session, scope: Scope) -> list[dict]:
    """What awaits ``scope``: each item a ``kind``, a ``count`` and the ``href`` to go to.

    MEF: submissions submitted for review. The budget unit: questions on any line, and the
    national deviations to explain. A director: questions on his or her province's lines, and
    the province's deviations to explain.
    """
    if not scope.reads_data:
        return []
    items = []
    if scope.role == MEF_REVIEWER:
        waiting = session.scalars(select(Submission).where(Submission.status == SUBMITTED)).all()
        if waiting:
            items.append({"kind": "to_review", "count": len(waiting), "href": f"/review?year={waiting[0].fiscal_year}"})
        return items
    entities = None if scope.provinces is None else sorted(scope.provinces)
    for sub in session.scalars(select(Submission).order_by(Submission.fiscal_year.desc())):
        open_ = open_questions(session, sub.id, entities)
        if open_:
            items.append({"kind": "questions", "count": len(open_), "href": f"/review?year={sub.fiscal_year}"})
    latest = latest_indicator_period(session)
    if latest is not None:
        year, period = latest
        mine = [NATIONAL] if scope.role == BUDGET_UNIT else sorted(scope.provinces or ())
        due = explanations_due(session, scope, year=year, period=period)
        count = sum(due.get(u, 0) for u in mine)
        if count:
            target = mine[0] if scope.role != BUDGET_UNIT else NATIONAL
            href = (f"/scorecard/{target}?year={year}&period={period}" if target != NATIONAL
                    else f"/programmes?year={year}&period={period}")
            items.append({"kind": "to_explain", "count": count, "href": href})
    return items


# --- history -------------------------------------------------------------------------------------------


def line_keys(session: Session, scope: Scope, submission_id: int, line_ids: list[int]) -> dict[int, dict]:
    """The keys (entity, cluster, economic code, funding source) of ``line_ids`` that ``scope``
    reads, by line id: what the history's labels show, without reading the whole view."""
    get(session, scope, submission_id)
    if not line_ids:
        return {}
    table = SubmissionLine.__table__
    query = select(table.c.id, table.c.entity_code, table.c.cluster_code, table.c.economic_code,
                   table.c.funding_source).where(table.c.submission_id == submission_id, table.c.id.in_(line_ids))
    if scope.provinces is not None:
        query = query.where(table.c.entity_code.in_(sorted(scope.provinces)))
    return {line: {"entity": entity, "cluster": cluster, "economic_code": chapter, "funding_source": source}
            for line, entity, cluster, chapter, source in session.execute(query)}


def full_history(session: Session, scope: Scope, submission_id: int) -> list[dict]:
    """Every change of the submission from the audit log (amounts, targets, decisions, comments,
    transitions), oldest first, with who, when, before and after. A director sees the changes of
    his or her province's lines and targets, and the transitions without their comments."""
    get(session, scope, submission_id)
    rows = session.scalars(select(AuditLog).where(
        or_(AuditLog.action.like("submission.%"), AuditLog.action.like("review.%")),
        mentions_submission(submission_id)).order_by(AuditLog.id))
    out = []
    for row in rows:
        detail = json.loads(row.detail or "{}")
        if detail.get("submission") != submission_id:
            continue
        entity = detail.get("entity") or (detail.get("after") or {}).get("entity") \
            or (detail.get("after") or {}).get("unit") or (detail.get("before") or {}).get("entity")
        if scope.provinces is not None:
            if entity is not None and not can_read_line(scope, entity):
                continue
            if entity is None:
                detail = {k: v for k, v in detail.items() if k in ("submission", "before", "after")}
                detail["after"] = {k: v for k, v in (detail.get("after") or {}).items() if k in ("status", "version")}
                detail["before"] = {k: v for k, v in (detail.get("before") or {}).items()
                                    if k in ("status", "version")}
        out.append({"at": row.at.isoformat(timespec="seconds"), "by": row.username, "action": row.action,
                    "entity": entity, "before": detail.get("before"), "after": detail.get("after"),
                    "comment": detail.get("comment", "")})
    return out
