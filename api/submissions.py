"""The submission's API: open, read, save lines and targets, take a transition (README.md, /api/v1/openapi.json).

Every write goes through ``db/submissions.py``, which checks role, province and state inside the
write; these routes only turn JSON into calls and refusals into status codes (``api/writes.py``).
"""

from __future__ import annotations

import math

import pandas as pd
from flask import jsonify, request

from api import params
from api.routes import bp
from api.writes import BadBody, json_body, register_errors, writer
from auth.web import current_scope, db_url
from db import submissions as writes
from db.engine import session_scope
from db.models import Submission
from db.queries import review as review_reads
from db.queries import submission as reads
from domain.vocabulary import YEAR_MAX, YEAR_MIN

register_errors(bp)

LINE_FIELDS = ("id", "entity", "programme", "subprogramme", "cluster", "economic_code", "funding_source",
               "request", "justification", "row_version", "updated_by", "revised_last", "paid_to_date", "as_of",
               "execution_rate", "benchmark", "paid_full_year", "linked_indicators", "flags", "decision",
               "recommended", "endorsed_amount")
TARGET_FIELDS = ("id", "indicator", "unit", "target", "row_version", "baseline", "baseline_period",
                 "current_target", "status", "achievement", "linked_request", "implied_unit_cost",
                 "observed_unit_cost", "cost_basis", "unit_cost_gap", "flags")


def _plain(value: object) -> object:
    """A JSON-ready value: NaN and NaT become null, numpy numbers plain numbers."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def line_records(lines: pd.DataFrame) -> list[dict]:
    """Lines as the API gives them (``request`` as [Y, Y+1, Y+2])."""
    out = []
    for row in lines.to_dict("records"):
        row["request"] = [row["request_y1"], row["request_y2"], row["request_y3"]]
        out.append({k: _plain(row.get(k)) for k in LINE_FIELDS})
    return out


def target_records(targets: pd.DataFrame) -> list[dict]:
    """Targets as the API gives them (``target`` as [Y, Y+1, Y+2])."""
    out = []
    for row in targets.to_dict("records"):
        row["target"] = [row["target_y1"], row["target_y2"], row["target_y3"]]
        out.append({k: _plain(row.get(k)) for k in TARGET_FIELDS})
    return out


def header(sub: Submission, totals: dict | None = None, ceiling: dict | None = None) -> dict:
    """The submission's header fields."""
    out = {"id": sub.id, "year": sub.fiscal_year, "status": sub.status, "version": sub.version,
           "open_to_provinces": sub.open_to_provinces, "above_ceiling_justification": sub.above_ceiling_justification,
           "row_version": sub.row_version, "created_by": sub.created_by,
           "updated_by": sub.updated_by, "updated_at": sub.updated_at.isoformat(timespec="seconds")}
    if totals is not None:
        out["totals"] = totals
    if ceiling is not None:
        out["ceiling"] = ceiling
    return out


def submission_document(session, scope, submission_id: int) -> dict:
    """The whole submission as ``scope`` may read it."""
    shown = reads.view(session, scope, submission_id)
    return {**header(shown.submission, shown.totals, shown.ceiling), "lines": line_records(shown.lines),
            "targets": target_records(shown.targets), "provinces": shown.provinces, "versions": shown.versions,
            "actions": shown.actions, "can_edit": shown.can_edit,
            "comments": review_reads.comments(session, scope, submission_id),
            "open_questions": review_reads.open_questions(session, submission_id, reads.line_entities(scope)),
            "history": reads.history(session, submission_id, scope)}


@bp.post("/submissions")
def open_submission():
    """Open the draft submission of ``year`` (one per year)."""
    actor = writer()
    body = json_body()
    year = _year(body.get("year"))
    with session_scope(db_url()) as session:
        sub = writes.open_submission(session, actor, year)
        answer = {"id": sub.id, "year": sub.fiscal_year, "status": sub.status, "version": sub.version}
    return jsonify(answer), 201


@bp.get("/submissions")
def list_submissions():
    """Every submission (or that of ``year``), with totals and ceiling."""
    scope = current_scope()
    year = params.year(request.args, required=False)
    with session_scope(db_url()) as session:
        found = reads.listing(session, scope, year)
        out = [header(s, reads.totals(session, s.id), reads.ceilings(session, s.fiscal_year)) for s in found]
    return jsonify(submissions=out)


@bp.get("/submissions/<int:submission_id>")
def get_submission(submission_id: int):
    """The submission with its lines and targets beside last year's figures, flags and history."""
    scope = current_scope()
    with session_scope(db_url()) as session:
        document = submission_document(session, scope, submission_id)
    return jsonify(document)


@bp.put("/submissions/<int:submission_id>")
def update_submission(submission_id: int):
    """The budget unit's switches: ``open_to_provinces``, ``above_ceiling_justification``."""
    actor = writer()
    body = json_body()
    unknown = set(body) - {"open_to_provinces", "above_ceiling_justification"}
    if unknown or not body:
        raise BadBody(400, "give open_to_provinces and/or above_ceiling_justification"
                      + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else ""))
    with session_scope(db_url()) as session:
        if "open_to_provinces" in body:
            if not isinstance(body["open_to_provinces"], bool):
                raise writes.Invalid("open_to_provinces", "open_to_provinces: true or false")
            writes.set_open_to_provinces(session, actor, submission_id, body["open_to_provinces"])
        if "above_ceiling_justification" in body:
            writes.set_above_ceiling_justification(session, actor, submission_id, body["above_ceiling_justification"])
        sub = reads.get(session, actor.scope, submission_id)
        answer = header(sub)
    return jsonify(answer)


def _year(value: object) -> int:
    # JSON has one number type: 2026 and 2026.0 are the same integer to a JSON Schema.
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) \
            or not YEAR_MIN <= value <= YEAR_MAX:
        raise writes.Invalid("year", f"year: a fiscal year from {YEAR_MIN} to {YEAR_MAX}")
    return int(value)


def _list_of(body: dict, name: str) -> list:
    items = body.get(name)
    if not isinstance(items, list):
        raise BadBody(400, f"the body is {{\"{name}\": [...]}}")
    if len(items) > 20_000:
        raise BadBody(400, f"at most 20,000 {name} at once")
    return items


@bp.put("/submissions/<int:submission_id>/lines")
def put_lines(submission_id: int):
    """Upsert lines by (entity, cluster, economic_code, funding_source); answers each with its flags."""
    actor = writer()
    items = _list_of(json_body(), "lines")
    with session_scope(db_url()) as session:
        saved = writes.save_lines(session, actor, submission_id, items)
        sub = reads.get(session, actor.scope, submission_id)
        lines = reads.lines_with_flags(session, sub, saved.ids)
        answer = {"created": saved.created, "changed": saved.changed, "lines": line_records(lines)}
    return jsonify(answer)


@bp.put("/submissions/<int:submission_id>/targets")
def put_targets(submission_id: int):
    """Upsert targets by (indicator, unit)."""
    actor = writer()
    items = _list_of(json_body(), "targets")
    with session_scope(db_url()) as session:
        saved = writes.save_targets(session, actor, submission_id, items)
        shown = reads.view(session, actor.scope, submission_id)
        targets = shown.targets[shown.targets["id"].isin(saved.ids)]
        answer = {"created": saved.created, "changed": saved.changed, "targets": target_records(targets)}
    return jsonify(answer)


@bp.post("/submissions/<int:submission_id>/actions")
def post_action(submission_id: int):
    """A transition: submit, return (with a comment), endorse, reopen."""
    actor = writer()
    body = json_body()
    action = body.get("action")
    if not isinstance(action, str) or action not in ("submit", "return", "endorse", "reopen"):
        raise writes.Invalid("action", "action: one of submit, return, endorse, reopen")
    version = body.get("row_version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise writes.Invalid("row_version", "row_version: a whole number")
    with session_scope(db_url()) as session:
        sub = writes.act(session, actor, submission_id, action, body.get("comment") or "", version)
        answer = {"id": sub.id, "year": sub.fiscal_year, "status": sub.status, "version": sub.version,
                  "row_version": sub.row_version}
    return jsonify(answer)


@bp.put("/submissions/<int:submission_id>/provinces/<province>")
def put_province_done(submission_id: int, province: str):
    """A province's part marked finished (``{"done": true}``) or not."""
    actor = writer()
    body = json_body()
    if not isinstance(body.get("done"), bool):
        raise writes.Invalid("done", "done: true or false")
    with session_scope(db_url()) as session:
        writes.mark_province_done(session, actor, submission_id, province, body["done"])
        answer = reads.province_progress(session, actor.scope, submission_id)
    return jsonify(provinces=answer)


@bp.get("/submissions/<int:submission_id>/versions/<int:version>")
def get_version(submission_id: int, version: int):
    """A version as it was sent to MEF (the lines and targets the caller may read)."""
    scope = current_scope()
    with session_scope(db_url()) as session:
        reads.get(session, scope, submission_id)
        content = reads.version_content(session, scope, submission_id, version)
    return jsonify(version=version, **content)


@bp.get("/submissions/<int:submission_id>/diff")
def get_diff(submission_id: int):
    """What changed from version ``from`` to version ``to`` (default: the lines as they are now)."""
    scope = current_scope()
    args = request.args
    start = params.whole(args, "from", required=True)
    end = params.whole(args, "to")
    with session_scope(db_url()) as session:
        sub = reads.get(session, scope, submission_id)
        before = reads.version_content(session, scope, submission_id, start)
        if end is None:
            now = writes.snapshot(session, sub)
            after = {"lines": [line for line in now["lines"] if reads.can_read_line(scope, line["entity"])],
                     "targets": [t for t in now["targets"] if reads.can_read_line(scope, t["unit"])]}
        else:
            after = reads.version_content(session, scope, submission_id, end)
    return jsonify(**{"from": start, "to": end or "current"}, **writes.diff(before, after))


@bp.put("/ceilings")
def put_ceilings():
    """MEF's ceiling for the ministry's request of ``year``: ``total`` and optional ``programmes``."""
    actor = writer()
    body = json_body()
    year = _year(body.get("year"))
    programmes = body.get("programmes") or {}
    if not isinstance(programmes, dict):
        raise writes.Invalid("programmes", "programmes: an object of programme code → amount")
    with session_scope(db_url()) as session:
        writes.set_ceiling(session, actor, year, body.get("total"), programmes)
        answer = reads.ceilings(session, year)
    return jsonify(year=year, **answer)
