"""MEF's review through the API: decisions, comments, explanations, the inbox and the history.

The write layer (``db/review.py``) checks role, province and state inside each write; these
routes turn JSON into calls and refusals into status codes (``api/writes.py``).
"""

from __future__ import annotations

from flask import jsonify, request

from api import params
from api.routes import bp
from api.writes import BadBody, json_body, writer
from auth.web import current_scope, db_url
from db import review as writes
from db.engine import session_scope
from db.queries import review as reads


@bp.put("/submissions/<int:submission_id>/decisions")
def put_decisions(submission_id: int):
    """MEF's decision per line: agree, adjust (with ``recommended``) or question."""
    actor = writer()
    items = json_body().get("decisions")
    if not isinstance(items, list):
        raise BadBody(400, 'the body is {"decisions": [...]}')
    if len(items) > 20_000:
        raise BadBody(400, "at most 20,000 decisions at once")
    with session_scope(db_url()) as session:
        lines = writes.decide(session, actor, submission_id, items)
        table = reads.decisions(session, submission_id)
        chosen = table[table["id"].isin(lines)]
        answer = [{"line": int(r.id), "decision": r.decision,
                   "recommended": None if r.recommended != r.recommended or r.recommended is None
                   else int(r.recommended), "decided_by": r.decided_by, "row_version": int(r.decision_version)}
                  for r in chosen.itertuples(index=False)]
    return jsonify(decisions=answer)


@bp.post("/submissions/<int:submission_id>/comments")
def post_comment(submission_id: int):
    """A comment in a line's thread (``line``: its id) or on the whole submission (``line``: null)."""
    actor = writer()
    body = json_body()
    if "text" not in body:
        raise BadBody(400, 'the body is {"line": LINE_ID or null, "text": "..."}')
    with session_scope(db_url()) as session:
        comment = writes.add_comment(session, actor, submission_id, body.get("line"), body.get("text"))
        answer = {"id": comment.id, "line": comment.line_id, "entity": comment.entity_code, "author": comment.author,
                  "role": comment.role, "text": comment.text, "at": comment.created_at.isoformat(timespec="seconds")}
    return jsonify(answer), 201


@bp.get("/submissions/<int:submission_id>/history")
def get_history(submission_id: int):
    """Every change of the submission: who, when, before and after."""
    scope = current_scope()
    with session_scope(db_url()) as session:
        rows = reads.full_history(session, scope, submission_id)
    return jsonify(history=rows)


@bp.get("/explanations")
def get_explanations():
    """Explanations of deviations (and MEF's oversight comments) the caller may read."""
    scope = current_scope()
    args = request.args
    year = params.year(args)
    period = params.period(args, year)
    unit = params.code(args, "unit", lengths=(2,))
    with session_scope(db_url()) as session:
        rows = reads.explanations(session, scope, year=year, period=period, unit=unit)
        due = reads.explanations_due(session, scope, year=year, period=period) if period else None
    return jsonify(year=year, period=period, explanations=rows, due=due)


@bp.put("/explanations")
def put_explanation():
    """The reason and corrective action of a deviation, or MEF's ``oversight`` comment on it."""
    actor = writer()
    body = json_body()
    with session_scope(db_url()) as session:
        found = writes.explain(session, actor, body)
        answer = reads.explanation_dict(found)
    return jsonify(answer)


@bp.get("/inbox")
def get_inbox():
    """What awaits the caller: submissions to review, questions to answer, deviations to explain."""
    scope = current_scope()
    with session_scope(db_url()) as session:
        items = reads.inbox(session, scope)
    return jsonify(items=items, total=sum(i["count"] for i in items))

