"""Costing benefit options (README.md, /api/v1/openapi.json): the catalogue, scenarios and their
results, and applying a scenario to a submission (with a preview of every change).

Writes go through ``db/costing.py``, which checks the role inside the write; applying writes
through the submission's write layer, which checks its state and audits each change.
"""

from __future__ import annotations

from flask import jsonify, request

from api import params
from api.routes import bp
from api.writes import BadBody, json_body, writer
from auth.web import current_scope, db_url
from db import costing as writes
from db.engine import session_scope
from db.queries import costing as reads


@bp.errorhandler(reads.MissingFigures)
def _missing_figures(error: reads.MissingFigures):
    return jsonify(error="invalid", field=error.field, detail=str(error)), 422


def _result(session, scope, scenario_id: int) -> dict:
    found, result = reads.results(session, scope, scenario_id)
    return reads.document(found, result)


@bp.get("/costing/benefits")
def costing_benefits():
    """The benefit catalogue a scenario may cost."""
    with session_scope(db_url()) as session:
        answer = reads.catalogue(session, current_scope())
    return jsonify(benefits=answer)


@bp.get("/costing/scenarios")
def costing_scenarios():
    """Every saved scenario with its options."""
    with session_scope(db_url()) as session:
        answer = reads.scenarios(session, current_scope())
    return jsonify(scenarios=answer)


@bp.post("/costing/scenarios")
def create_costing_scenario():
    """Save a scenario (budget unit, MEF); answers with its results."""
    actor = writer()
    body = json_body()
    with session_scope(db_url()) as session:
        found = writes.create_scenario(session, actor, body)
        answer = _result(session, actor.scope, found.id)
    return jsonify(answer), 201


@bp.get("/costing/scenarios/<int:scenario_id>")
def get_costing_scenario(scenario_id: int):
    """A scenario's results: cost per year (with shares of GDP and expenditure) and per unit and benefit."""
    with session_scope(db_url()) as session:
        answer = _result(session, current_scope(), scenario_id)
    return jsonify(answer)


@bp.put("/costing/scenarios/<int:scenario_id>")
def update_costing_scenario(scenario_id: int):
    """Replace a scenario's name, years and benefits."""
    actor = writer()
    body = json_body()
    with session_scope(db_url()) as session:
        writes.update_scenario(session, actor, scenario_id, body)
        answer = _result(session, actor.scope, scenario_id)
    return jsonify(answer)


@bp.delete("/costing/scenarios/<int:scenario_id>")
def delete_costing_scenario(scenario_id: int):
    """Delete a scenario."""
    actor = writer()
    with session_scope(db_url()) as session:
        before = writes.delete_scenario(session, actor, scenario_id)
    return jsonify(deleted=before)


@bp.post("/costing/scenarios/<int:scenario_id>/apply")
def apply_costing_scenario(scenario_id: int):
    """Apply the scenario to a submission's lines and targets (budget unit); ``?preview=1`` lists
    every change, old → new, and writes nothing."""
    actor = writer()
    body = json_body()
    submission = body.get("submission")
    if isinstance(submission, bool) or not isinstance(submission, int):
        raise BadBody(400, 'the body is {"submission": id}')
    flag = request.args.get("preview", "")
    if flag not in ("", "0", "1"):
        raise params.ParamError("preview", "1 to preview, 0 or nothing to apply")
    preview = flag == "1"
    with session_scope(db_url()) as session:
        if preview:
            answer = writes.plan(session, actor, scenario_id, submission)
        else:
            answer = writes.apply_scenario(session, actor, scenario_id, submission)
    return jsonify(answer)
