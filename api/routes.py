"""Routes of the read API (README.md).

Each route builds the caller's Scope on the server (session or bearer token), checks its
parameters (400 naming the parameter), and asks the query layer, which applies the scope in
SQL; a forbidden scope answers 403, never an empty success.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import MethodNotAllowed, NotFound

from api import params
from auth.web import audit_refusal, current_scope, db_url
from db.engine import session_scope
from db.queries import budget as budget_queries
from db.queries import indicators as indicator_queries
from db.queries import lineage as lineage_queries
from db.queries.common import NationalWithheld
from domain.access import Forbidden
from domain.vocabulary import NATIONAL
from extensions import csrf
from i18n import t

bp = Blueprint("api", __name__, url_prefix="/api/v1")
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


@bp.errorhandler(Forbidden)
def _forbidden(refusal: Forbidden):
    audit_refusal(refusal.what)
    return jsonify(error="forbidden", detail=f"not permitted: {refusal.what}"), 403


@bp.errorhandler(NationalWithheld)
def _national_withheld(withheld: NationalWithheld):
    # Not a refusal worth auditing: the figure will be shown once every entity has reported.
    detail = (t("national.withheld", "en", period=withheld.period or withheld.year,
                latest=withheld.latest_complete) if withheld.latest_complete
              else t("national.withheld_none", "en", year=withheld.year))
    return jsonify(error="withheld", detail=detail, latest_complete_period=withheld.latest_complete), 403


@bp.errorhandler(params.ParamError)
def _bad_parameter(error: params.ParamError):
    return jsonify(error="bad parameter", parameter=error.name, detail=str(error)), 400


@bp.get("/whoami")
def whoami():
    """Who the session or token belongs to, and what the scope allows."""
    scope = current_scope()
    provinces = scope.provinces
    return jsonify(
        username=scope.username,
        role=scope.role,
        province=scope.province,
        provinces="all" if provinces is None else sorted(provinces),
        reads_data=scope.reads_data,
    )


def _records(frame) -> list[dict]:
    # pandas' own JSON writer turns numpy integers into JSON integers and NaN into null.
    return json.loads(frame.to_json(orient="records", double_precision=6))


@bp.get("/budget")
def budget():
    """Budget by grouping keys, with execution rate (paid ÷ revised)."""
    scope = current_scope()
    args = request.args
    year = params.year(args)
    period = params.period(args, year)
    entity = params.code(args, "entity", lengths=(2,))
    group_by = params.choices(args, "group_by", tuple(budget_queries.GROUPINGS))
    with session_scope(db_url()) as session:
        frame = budget_queries.budget(session, scope, year=year, period=period, entity=entity,
                                      group_by=group_by)
    from indicators import execution_rate

    frame["execution_rate"] = execution_rate(frame["paid"], frame["revised"])
    return jsonify(year=year, period=period, group_by=group_by, rows=_records(frame))


@bp.get("/lineage")
def lineage():
    """For one figure's keys, the batches, files, sheets and rows it was summed from.

    ``kind=budget`` (default) takes year, period, [entity, programme, subprogramme, cluster,
    activity, economic_code, funding_source]; ``kind=indicator`` takes year, period, unit, indicator.
    """
    scope = current_scope()
    args = request.args
    year = params.year(args)
    period = params.period(args, year)
    if period is None:
        raise params.ParamError("period", "is required for lineage (YYYY-MM, YYYY-Qn or YYYY)")
    kind = params.one_of(args, "kind", ("budget", "indicator")) or "budget"
    # Every parameter is checked whatever the kind, so that nothing sent is silently ignored.
    budget_keys = {
        "entity": params.code(args, "entity", lengths=(2,)),
        **{name: params.text(args, name)
           for name in ("programme", "subprogramme", "cluster", "activity", "economic_code")},
        "funding_source": params.one_of(args, "funding_source", ("RGC", "DP")),
    }
    unit = params.code(args, "unit", lengths=(2, 4, 6))
    indicator = params.text(args, "indicator")
    with session_scope(db_url()) as session:
        if kind == "budget":
            sources = lineage_queries.budget_lineage(session, scope, year=year, period=period, **budget_keys)
        else:
            if unit is None or indicator is None:
                raise params.ParamError("unit" if unit is None else "indicator", "is required")
            sources = lineage_queries.indicator_lineage(
                session, scope, year=year, period=period, unit=unit, indicator=indicator
            )
    return jsonify(sources=[asdict(s) for s in sources])


@bp.get("/indicators")
def indicator_values():
    """Indicator rows with achievement and status (province level unless a unit is asked)."""
    scope = current_scope()
    args = request.args
    year = params.year(args)
    period = params.period(args, year)
    unit = params.code(args, "unit", lengths=(2, 4, 6))
    indicator = params.text(args, "indicator")
    with session_scope(db_url()) as session:
        frame = indicator_queries.indicator_values(session, scope, year=year, period=period,
                                                   unit=unit, indicator=indicator)
    columns = ["unit", "indicator", "period", "baseline", "target", "actual", "achievement", "status"]
    return jsonify(year=year, period=period, rows=_records(frame[columns]))


@bp.get("/scorecard")
def scorecard():
    """A province's score, rank among the 25, and indicator rows."""
    scope = current_scope()
    args = request.args
    year = params.year(args)
    period = params.period(args, year)
    province = params.code(args, "province", lengths=(2,))
    if province is None or province == NATIONAL:
        raise params.ParamError("province", "is required (a province code 01 to 25)")
    with session_scope(db_url()) as session:
        card = indicator_queries.scorecard(session, scope, year=year, province=province, period=period)
    columns = ["indicator", "name_en", "name_km", "period", "baseline", "target", "actual",
               "achievement", "status", "weight"]
    rows = card.pop("rows")
    return jsonify(**card, rows=_records(rows[columns]))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI description of this API."""
    from api.openapi import SPEC

    return jsonify(SPEC)


@csrf.exempt  # like the API it stands for: there is nothing here a forged form could change
def not_an_api_route(rest: str = ""):
    """Any other address under ``/api/``: 404 (405 for a known route asked with another
    method) in JSON, where Dash's catch-all would answer 200 with the page shell."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _ = adapter.match(request.path, method="GET")
    except (NotFound, MethodNotAllowed):
        endpoint = None
    if endpoint is not None and endpoint.startswith(f"{bp.name}.") and request.method != "GET":
        answer = jsonify(error="method not allowed", detail=f"{request.path} answers GET only")
        return answer, 405, {"Allow": "GET, HEAD, OPTIONS"}
    return jsonify(error="not found", detail=f"no API route at {request.path}; see /api/v1/openapi.json"), 404


@bp.record_once
def _answer_unknown_addresses(state: BlueprintSetupState) -> None:
    # On the application, not the blueprint: the blueprint's prefix is /api/v1, and /api/x must
    # be caught too. Werkzeug prefers the longer static prefix, so this wins over Dash's
    # catch-all, and the routes above win over this for their own methods.
    for rule in ("/api", "/api/", "/api/<path:rest>"):
        state.app.add_url_rule(rule, "api_not_found", not_an_api_route, methods=ANY_METHOD)
