"""Writes of the submission: open a draft, save lines and targets, take a transition, open the
draft to provinces. Each write checks role, province and state inside the write, refuses a
stale change (the row's version moved on since the writer read it) and is audited with before
and after, in the caller's transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db import audit
from db.models import (
    AdminUnit,
    Ceiling,
    EconomicCode,
    Indicator,
    Programme,
    Submission,
    SubmissionLine,
    SubmissionProvince,
    SubmissionTarget,
    SubmissionVersion,
    utcnow,
)
from db.queries import submission as reads
from db.queries.cache import note_write
from domain.access import Forbidden, Scope
from domain.submission import (
    DRAFT,
    ENDORSE,
    RETURNED,
    SUBMIT,
    SUBMITTED,
    Blocked,
    WrongState,
    require_editable,
    require_line_writer,
    transition,
)
from domain.vocabulary import (
    BUDGET_UNIT,
    FUNDING_SOURCES,
    MEF_REVIEWER,
    NATIONAL,
    PROVINCE_CODES,
    PROVINCIAL_DIRECTOR,
    YEAR_MAX,
    YEAR_MIN,
)
from indicators import submission as flags

MAX_AMOUNT = 10**15  # riels: a thousand times the ministry's whole budget; anything above is a typo
MAX_TEXT = 4000


class Invalid(ValueError):
    """A value the write cannot take (HTTP 422), with the field it concerns."""

    def __init__(self, field_name: str, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.field = field_name
        self.index = index

    def as_dict(self) -> dict:
        out = {"field": self.field, "detail": str(self)}
        if self.index is not None:
            out["index"] = self.index
        return out


class Stale(Exception):
    """The row changed since the writer read it (HTTP 409); ``current`` is the newer value and
    ``index`` the position of the refused item in the request, when there was a list."""

    def __init__(self, current: dict, index: int | None = None) -> None:
        super().__init__("changed by someone else since you read it")
        self.current = current
        self.index = index


class Exists(Exception):
    """A submission for that year exists already (HTTP 409)."""

    def __init__(self, submission_id: int) -> None:
        super().__init__(f"submission {submission_id} exists for that year")
        self.submission_id = submission_id


@dataclass
class Actor:
    """Who writes: the scope, and the address for the audit log."""

    scope: Scope
    address: str = ""

    def record(self, session: Session, action: str, *, cycle_year: int | None = None,
               explained_year: int | None = None, **detail: Any) -> None:
        """Audit the write ``action`` with its ``detail`` and count it for the query cache: as a
        write of the budget cycle of ``cycle_year`` (taken from the submission the detail names,
        when it names one) or as an explanation of a deviation of ``explained_year``."""
        # user id 0 is the system acting without an account (the demo data set), audited by name.
        audit.record(session, action, username=self.scope.username, user_id=self.scope.user_id or None,
                     address=self.address, **detail)
        if cycle_year is None and detail.get("submission") is not None:
            cycle_year = submission_year(session, detail["submission"])
        note_write(session, cycle_year=cycle_year, part=part_of(detail), explained_year=explained_year)


def part_of(detail: dict) -> str | None:
    """The province whose part of a submission an audited write changes (``00``: the national
    lines), from the entity, province or unit its detail names, or None for the whole (the
    header, a transition, a comment on the whole submission)."""
    named = [detail.get("entity"), detail.get("province")]
    for row in (detail.get("after"), detail.get("before")):
        if isinstance(row, dict):
            named += [row.get("entity"), row.get("unit")]
    return next((code[:2] for code in named if isinstance(code, str) and code[:2].isdigit()), None)


def submission_year(session: Session, submission_id: int) -> int | None:
    """The fiscal year of submission ``submission_id`` (from the session's identity map when the
    write has read it, as it has)."""
    found = session.get(Submission, submission_id)
    return None if found is None else found.fiscal_year


@dataclass
class Saved:
    """What a save did: the rows as stored now (with their new versions)."""

    ids: list[int] = field(default_factory=list)
    created: int = 0
    changed: int = 0


def lock_submission(session: Session, submission_id: int) -> Submission:
    """The submission, locked for the rest of the transaction (``NotFound`` when there is none)."""
    # SELECT … FOR UPDATE on PostgreSQL serialises writers of one submission (a transition and a
    # save cannot interleave); SQLite serialises every writer already.
    found = session.scalar(select(Submission).where(Submission.id == submission_id).with_for_update()) \
        if 0 < submission_id <= reads.MAX_ID else None
    if found is None:
        raise reads.NotFound(f"no submission {submission_id}")
    return found


def open_submission(session: Session, actor: Actor, year: int) -> Submission:
    """Open the draft of ``year``: one line per (entity, cluster, chapter, source) that the
    current year's execution has, its request starting at last year's revised budget, and a
    target per indicator linked to a cluster and unit, starting at this year's target."""
    if actor.scope.role != BUDGET_UNIT:
        raise Forbidden("opening a submission")
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Invalid("year", f"a fiscal year from {YEAR_MIN} to {YEAR_MAX}")
    existing = reads.find_by_year(session, year)
    if existing is not None:
        raise Exists(existing.id)
    now, who = utcnow(), actor.scope.username
    sub = Submission(fiscal_year=year, status=DRAFT, version=1, open_to_provinces=False,
                     above_ceiling_justification="", row_version=1, created_by=who, created_at=now,
                     updated_by=who, updated_at=now)
    session.add(sub)
    session.flush()
    figures = reads.last_year_figures(session, year)
    figures = figures[figures["revised_last"].notna()]
    lines = [dict(submission_id=sub.id, entity_code=r.entity, cluster_code=r.cluster, economic_code=r.economic_code,
                  funding_source=r.funding_source, request_y1=int(r.revised_last), request_y2=int(r.revised_last),
                  request_y3=int(r.revised_last), justification="", row_version=1, updated_by=who, updated_at=now)
             for r in figures.sort_values(reads.LINE_KEYS).itertuples(index=False)]
    if lines:
        session.execute(SubmissionLine.__table__.insert(), lines)
    linked = sorted(set(reads.cluster_indicators(session)["indicator"]))
    context = reads.indicator_context(session, year, None).set_index(["unit", "indicator"])
    targets = []
    for indicator in linked:
        for unit in (NATIONAL, *PROVINCE_CODES):
            current = context["target"].get((unit, indicator)) if not context.empty else None
            value = None if current is None or current != current else float(current)
            targets.append(dict(submission_id=sub.id, indicator_code=indicator, unit_code=unit, target_y1=value,
                                target_y2=value if unit == NATIONAL else None,
                                target_y3=value if unit == NATIONAL else None, row_version=1, updated_by=who,
                                updated_at=now))
    if targets:
        session.execute(SubmissionTarget.__table__.insert(), targets)
    session.execute(SubmissionProvince.__table__.insert(), [
        dict(submission_id=sub.id, province_code=p, done=False, done_by="", done_at=None) for p in PROVINCE_CODES])
    actor.record(session, "submission.open", submission=sub.id, year=year, lines=len(lines), targets=len(targets))
    return sub


# --- values ---------------------------------------------------------------------------------------


def amount(value: object, name: str, index: int | None = None) -> int:
    """A request amount as whole riels: a whole, non-negative number. Text typed by a person is
    read at the edge (``etl.clean.typed_amount``), so that this layer takes numbers only."""
    if isinstance(value, bool) or value is None:
        raise Invalid(name, f"{name}: a whole number of riels, not {value!r}", index)
    if not isinstance(value, int | float) or value != value:
        raise Invalid(name, f"{name}: a whole number of riels, not {value!r}", index)
    if value < 0:
        raise Invalid(name, f"{name}: a negative amount ({value:,.0f}) is not accepted", index)
    if value > MAX_AMOUNT:
        raise Invalid(name, f"{name}: {value:,.0f} riels is beyond any budget", index)
    if float(value) != round(float(value)):
        raise Invalid(name, f"{name}: whole riels, not {value}", index)
    return int(round(float(value)))


def text_value(value: object, name: str, index: int | None) -> str:
    """Text a person typed, stripped, at most ``MAX_TEXT`` characters, storable in both databases."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(name, f"{name}: text, not {type(value).__name__}", index)
    if len(value) > MAX_TEXT:
        raise Invalid(name, f"{name}: at most {MAX_TEXT} characters, not {len(value)}", index)
    if not _storable(value):
        raise Invalid(name, f"{name}: text without control characters", index)
    return value.strip()


def _storable(text: str) -> bool:
    # PostgreSQL refuses NUL in text and neither database takes a lone surrogate ("\ud800"):
    # refused here with a message rather than by the driver with a 500. Line breaks and tabs stay.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(c) < 32 and c not in "\n\r\t" for c in text)


_CODE = re.compile(r"[A-Za-z0-9_.-]{1,32}")


def code_value(value: object, name: str, index: int | None) -> str:
    """A code (letters, digits, ``.``, ``_``, ``-``; 1 to 32), stripped; ``Invalid`` otherwise."""
    if not isinstance(value, str) or not _CODE.fullmatch(value.strip()):
        raise Invalid(name, f"{name}: a code of letters, digits, '.', '_' or '-', not {str(value)[:40]!r}", index)
    return value.strip()


def _three(values: object, name: str, index: int, parse) -> list:
    if not isinstance(values, list) or len(values) != 3:
        raise Invalid(name, f"{name}: a list of three amounts (Y, Y+1, Y+2)", index)
    return [parse(v, f"{name}[{i}]", index) for i, v in enumerate(values)]


def _target_value(value: object, name: str, index: int | None = None) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise Invalid(name, f"{name}: a number or null", index)
    if value < 0:
        raise Invalid(name, f"{name}: a target is not negative", index)
    return float(value)


def _check_line_keys(session: Session, entity: object, cluster: object, economic: object, source: object,
                     index: int) -> tuple[str, str, str, str]:
    entity, cluster, economic, source = (code_value(v, n, index) for v, n in (
        (entity, "entity"), (cluster, "cluster"), (economic, "economic_code"), (source, "funding_source")))
    unit = session.get(AdminUnit, entity)
    if unit is None or unit.level not in ("national", "province"):
        raise Invalid("entity", f"entity {entity!r}: 00 or a province code 01 to 25", index)
    node = session.get(Programme, cluster)
    if node is None or node.level != "activity_cluster":
        raise Invalid("cluster", f"cluster {cluster!r} is not an activity cluster of the programme structure", index)
    code = session.get(EconomicCode, economic)
    if code is None or code.parent_code is not None:
        raise Invalid("economic_code", f"economic_code {economic!r} is not an economic chapter", index)
    if source not in FUNDING_SOURCES:
        raise Invalid("funding_source", f"funding_source {source!r}: one of {', '.join(FUNDING_SOURCES)}", index)
    return entity, cluster, economic, source


def _line_dict(line: SubmissionLine) -> dict:
    return {"id": line.id, "entity": line.entity_code, "cluster": line.cluster_code,
            "economic_code": line.economic_code, "funding_source": line.funding_source,
            "request": [line.request_y1, line.request_y2, line.request_y3],
            "justification": line.justification, "row_version": line.row_version,
            "updated_by": line.updated_by}


def _target_dict(target: SubmissionTarget) -> dict:
    return {"id": target.id, "indicator": target.indicator_code, "unit": target.unit_code,
            "target": [target.target_y1, target.target_y2, target.target_y3], "row_version": target.row_version,
            "updated_by": target.updated_by}


# --- lines and targets --------------------------------------------------------------------------------


def save_lines(session: Session, actor: Actor, submission_id: int, items: Iterable[dict]) -> Saved:
    """Upsert lines by (entity, cluster, economic_code, funding_source).

    Each item may carry ``row_version`` (the version the writer read): a line changed since is
    refused with ``Stale``. Every item is checked before anything is written; one refusal
    leaves every line as it was.
    """
    sub = lock_submission(session, submission_id)
    require_editable(sub.status)
    items = list(items)
    if not items:
        raise Invalid("lines", "at least one line")
    planned = []
    seen: set[tuple] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise Invalid("lines", "each line is an object", index)
        keys = _check_line_keys(session, item.get("entity"), item.get("cluster"), item.get("economic_code"),
                                item.get("funding_source"), index)
        require_line_writer(actor.scope, keys[0], sub.open_to_provinces)
        if keys in seen:
            raise Invalid("lines", f"the same line twice: {'/'.join(keys)}", index)
        seen.add(keys)
        request = _three(item["request"], "request", index, amount) if "request" in item else None
        justification = text_value(item["justification"], "justification", index) if "justification" in item else None
        version = item.get("row_version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise Invalid("row_version", "row_version: a whole number", index)
        planned.append((index, keys, request, justification, version))
    saved = Saved()
    now = utcnow()
    for index, keys, request, justification, version in planned:
        line = session.scalar(select(SubmissionLine).where(
            SubmissionLine.submission_id == sub.id, SubmissionLine.entity_code == keys[0],
            SubmissionLine.cluster_code == keys[1], SubmissionLine.economic_code == keys[2],
            SubmissionLine.funding_source == keys[3]))
        if line is None:
            line = SubmissionLine(submission_id=sub.id, entity_code=keys[0], cluster_code=keys[1],
                                  economic_code=keys[2], funding_source=keys[3],
                                  request_y1=request[0] if request else 0, request_y2=request[1] if request else 0,
                                  request_y3=request[2] if request else 0, justification=justification or "",
                                  row_version=1, updated_by=actor.scope.username, updated_at=now)
            session.add(line)
            session.flush()
            actor.record(session, "submission.line", submission=sub.id, line=line.id, before=None,
                         after=_line_dict(line))
            saved.created += 1
            saved.ids.append(line.id)
            continue
        before = _line_dict(line)
        values = {}
        if request is not None:
            values.update(request_y1=request[0], request_y2=request[1], request_y3=request[2])
        if justification is not None:
            values["justification"] = justification
        if all(getattr(line, k) == v for k, v in values.items()):
            saved.ids.append(line.id)  # nothing to change: a file loaded again is no conflict
            continue
        if version is not None and version != line.row_version:
            raise Stale(before, index)
        # The version in the WHERE clause makes the check and the write one statement: two
        # writers who read the same version cannot both succeed.
        result = session.execute(update(SubmissionLine).where(
            SubmissionLine.id == line.id, SubmissionLine.row_version == line.row_version)
            .values(**values, row_version=line.row_version + 1, updated_by=actor.scope.username, updated_at=now)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            session.expire(line)
            raise Stale(_line_dict(session.get(SubmissionLine, line.id)), index)
        session.expire(line)
        actor.record(session, "submission.line", submission=sub.id, line=line.id, before=before,
                     after=_line_dict(line))
        saved.changed += 1
        saved.ids.append(line.id)
    return saved


def save_targets(session: Session, actor: Actor, submission_id: int, items: Iterable[dict]) -> Saved:
    """Upsert targets by (indicator, unit), with the same checks as :func:`save_lines`."""
    sub = lock_submission(session, submission_id)
    require_editable(sub.status)
    items = list(items)
    if not items:
        raise Invalid("targets", "at least one target")
    planned = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise Invalid("targets", "each target is an object", index)
        indicator = code_value(item.get("indicator"), "indicator", index)
        unit = code_value(item.get("unit"), "unit", index)
        if session.get(Indicator, indicator) is None:
            raise Invalid("indicator", f"indicator {indicator!r} is not in the indicator catalogue", index)
        if unit not in (NATIONAL, *PROVINCE_CODES):
            raise Invalid("unit", f"unit {unit!r}: 00 or a province code 01 to 25", index)
        require_line_writer(actor.scope, unit, sub.open_to_provinces)
        values = _three(item.get("target"), "target", index, _target_value)
        version = item.get("row_version")
        planned.append((index, indicator, unit, values, version))
    saved = Saved()
    now = utcnow()
    for index, indicator, unit, values, version in planned:
        target = session.scalar(select(SubmissionTarget).where(
            SubmissionTarget.submission_id == sub.id, SubmissionTarget.indicator_code == indicator,
            SubmissionTarget.unit_code == unit))
        if target is None:
            target = SubmissionTarget(submission_id=sub.id, indicator_code=indicator, unit_code=unit,
                                      target_y1=values[0], target_y2=values[1], target_y3=values[2], row_version=1,
                                      updated_by=actor.scope.username, updated_at=now)
            session.add(target)
            session.flush()
            actor.record(session, "submission.target", submission=sub.id, target=target.id, before=None,
                         after=_target_dict(target))
            saved.created += 1
            saved.ids.append(target.id)
            continue
        before = _target_dict(target)
        if [target.target_y1, target.target_y2, target.target_y3] == values:
            saved.ids.append(target.id)
            continue
        if version is not None and version != target.row_version:
            raise Stale(before, index)
        result = session.execute(update(SubmissionTarget).where(
            SubmissionTarget.id == target.id, SubmissionTarget.row_version == target.row_version)
            .values(target_y1=values[0], target_y2=values[1], target_y3=values[2], row_version=target.row_version + 1,
                    updated_by=actor.scope.username, updated_at=now).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            session.expire(target)
            raise Stale(_target_dict(session.get(SubmissionTarget, target.id)), index)
        session.expire(target)
        actor.record(session, "submission.target", submission=sub.id, target=target.id, before=before,
                     after=_target_dict(target))
        saved.changed += 1
        saved.ids.append(target.id)
    return saved


# --- the header --------------------------------------------------------------------------------------


def _header(sub: Submission) -> dict:
    return {"status": sub.status, "version": sub.version, "open_to_provinces": sub.open_to_provinces,
            "above_ceiling_justification": sub.above_ceiling_justification, "row_version": sub.row_version}


def _touch(session: Session, actor: Actor, sub: Submission, action: str, before: dict, **detail: Any) -> None:
    sub.row_version += 1
    sub.updated_by, sub.updated_at = actor.scope.username, utcnow()
    session.flush()
    actor.record(session, action, submission=sub.id, before=before, after=_header(sub), **detail)


def set_open_to_provinces(session: Session, actor: Actor, submission_id: int, is_open: bool) -> Submission:
    """The budget unit opens (or closes) the draft to the provincial directors."""
    sub = lock_submission(session, submission_id)
    if actor.scope.role != BUDGET_UNIT:
        raise Forbidden("opening the submission to provinces")
    require_editable(sub.status)
    before = _header(sub)
    sub.open_to_provinces = bool(is_open)
    _touch(session, actor, sub, "submission.open_to_provinces", before)
    return sub


def set_above_ceiling_justification(session: Session, actor: Actor, submission_id: int, text: object) -> Submission:
    """Why the request exceeds MEF's ceiling (needed to submit above it)."""
    sub = lock_submission(session, submission_id)
    if actor.scope.role != BUDGET_UNIT:
        raise Forbidden("the above-ceiling justification")
    require_editable(sub.status)
    before = _header(sub)
    sub.above_ceiling_justification = text_value(text, "above_ceiling_justification", None)
    _touch(session, actor, sub, "submission.above_ceiling_justification", before)
    return sub


def mark_province_done(session: Session, actor: Actor, submission_id: int, province: str, done: bool) -> None:
    """A director (or the budget unit) marks a province's part finished, or not."""
    province = code_value(province, "province", None)
    sub = lock_submission(session, submission_id)
    require_editable(sub.status)
    scope = actor.scope
    if not (scope.role == BUDGET_UNIT or (scope.role == PROVINCIAL_DIRECTOR and scope.province == province
                                         and sub.open_to_provinces)):
        raise Forbidden(f"province {province} of the submission")
    row = session.get(SubmissionProvince, (sub.id, province))
    if row is None:
        raise Invalid("province", f"province {province!r}: a province code 01 to 25")
    before = {"done": row.done, "done_by": row.done_by}
    row.done, row.done_by, row.done_at = bool(done), scope.username if done else "", utcnow() if done else None
    actor.record(session, "submission.province_done", submission=sub.id, province=province, before=before,
                 after={"done": row.done, "done_by": row.done_by})


def set_ceiling(session: Session, actor: Actor, year: int, total: object, programmes: dict) -> None:
    """MEF sets the ceiling of ``year``: the total, and optionally per programme (replacing
    the earlier ceiling of that year whole)."""
    if actor.scope.role != MEF_REVIEWER:
        raise Forbidden("setting the ceiling")
    new = {"": amount(total, "total")}
    for code, value in programmes.items():
        code = code_value(code, "programmes", None)
        node = session.get(Programme, code)
        if node is None or node.level != "programme":
            raise Invalid("programmes", f"programmes: {code!r} is not a programme")
        new[code] = amount(value, f"programmes.{code}")
    old = {c.programme_code: c.amount for c in session.scalars(select(Ceiling).where(Ceiling.fiscal_year == year))}
    session.execute(delete(Ceiling).where(Ceiling.fiscal_year == year))
    now = utcnow()
    session.add_all(Ceiling(fiscal_year=year, programme_code=code, amount=value, set_by=actor.scope.username,
                            set_at=now) for code, value in new.items())
    actor.record(session, "ceiling.set", cycle_year=year, year=year, before=old or None, after=new)


def blocking_reasons(session: Session, sub: Submission) -> list[dict]:
    """Why ``sub`` cannot be submitted now (empty when it can)."""
    lines = reads.lines_with_flags(session, sub)
    total = float(lines["request_y1"].sum()) if not lines.empty else 0.0
    ceiling = reads.ceilings(session, sub.fiscal_year)["total"]
    return flags.blocking_reasons(lines, total=total, ceiling=ceiling,
                                  above_ceiling_justification=sub.above_ceiling_justification)


def snapshot(session: Session, sub: Submission) -> dict:
    """The submission's lines and targets as they are now (a version's content)."""
    lines = session.scalars(select(SubmissionLine).where(SubmissionLine.submission_id == sub.id)
                            .order_by(SubmissionLine.entity_code, SubmissionLine.cluster_code,
                                      SubmissionLine.economic_code, SubmissionLine.funding_source))
    targets = session.scalars(select(SubmissionTarget).where(SubmissionTarget.submission_id == sub.id)
                              .order_by(SubmissionTarget.indicator_code, SubmissionTarget.unit_code))
    keep = ("entity", "cluster", "economic_code", "funding_source", "request", "justification")
    return {"lines": [{k: v for k, v in _line_dict(line).items() if k in keep} for line in lines],
            "targets": [{k: v for k, v in _target_dict(t).items() if k in ("indicator", "unit", "target")}
                        for t in targets]}


def act(session: Session, actor: Actor, submission_id: int, action: str, comment: str = "",
        row_version: int | None = None) -> Submission:
    """Take ``action`` (submit, return, endorse, reopen) on the submission, checked in the write.

    A submit of a returned submission makes the next version; each submitted version is
    stored whole. ``row_version``, when given, refuses an action on a header changed since.
    """
    if not isinstance(comment, str):
        raise Invalid("comment", "comment: text")
    comment = text_value(comment, "comment", None)
    sub = lock_submission(session, submission_id)
    target = transition(sub.status, action, actor.scope, comment)
    if row_version is not None and row_version != sub.row_version:
        raise Stale(_header(sub))
    before = _header(sub)
    if action == ENDORSE:
        from db.queries.review import open_questions  # the review's reads import this module's reads

        unanswered = open_questions(session, sub.id)
        if unanswered:
            raise Blocked([{"code": "unanswered_question", **q} for q in unanswered])
    if action == SUBMIT:
        reasons = blocking_reasons(session, sub)
        if reasons:
            raise Blocked(reasons)
        if sub.status == RETURNED:
            sub.version += 1
        session.add(SubmissionVersion(submission_id=sub.id, version=sub.version, taken_at=utcnow(),
                                      taken_by=actor.scope.username, content=json.dumps(snapshot(session, sub))))
        sub.open_to_provinces = False
    sub.status = target
    _touch(session, actor, sub, f"submission.{action}", before, comment=comment.strip())
    return sub


def diff(before: dict, after: dict) -> dict:
    """What changed from one version's content to another: lines and targets added, removed and
    changed (with the fields before → after)."""
    def by_key(items: list[dict], keys: tuple[str, ...]) -> dict[tuple, dict]:
        return {tuple(item[k] for k in keys): item for item in items}

    out = {}
    for part, keys in (("lines", ("entity", "cluster", "economic_code", "funding_source")),
                       ("targets", ("indicator", "unit"))):
        old, new = by_key(before.get(part, []), keys), by_key(after.get(part, []), keys)
        changed = []
        for key in sorted(set(old) & set(new)):
            fields = {f: {"before": old[key][f], "after": new[key][f]} for f in new[key]
                      if f not in keys and old[key].get(f) != new[key][f]}
            if fields:
                changed.append({**dict(zip(keys, key, strict=True)), "changes": fields})
        out[part] = {"added": [new[k] for k in sorted(set(new) - set(old))],
                     "removed": [old[k] for k in sorted(set(old) - set(new))], "changed": changed}
    return out


__all__ = ["Actor", "Blocked", "Exists", "Invalid", "Stale", "WrongState", "act", "diff", "open_submission",
           "save_lines", "save_targets", "set_open_to_provinces", "mark_province_done", "SUBMITTED"]
