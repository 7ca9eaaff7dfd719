"""The OpenAPI 3.1 description of the read API, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any


def _param(name: str, description: str, *, required: bool = False, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema or {"type": "string"}}


# Exactly what the parameters accept (api/params.py): ASCII digits, codes of the contract.
ENTITY_CODE = "(0[0-9]|1[0-9]|2[0-5])"
# An empty optional parameter means "not given".
CODE_PATTERN = "^[A-Za-z0-9_.-]{0,32}$"
YEAR = _param("year", "Fiscal year (2015–2035).", required=True,
              schema={"type": "integer", "minimum": 2015, "maximum": 2035})
PERIOD = _param("period", "YYYY-MM, YYYY-Qn or YYYY (the month the period ends in), within `year`. "
                "Without it, each entity's latest period loaded in the year; with it, that period, "
                "or for an entity that has not reported it, its latest report before it (`as_of`).",
                schema={"type": "string", "pattern": "^([0-9]{4}(-(0[1-9]|1[0-2])|-[Qq][1-4])?)?$"})
ENTITY = _param("entity", "00 (central MoSVY) or a province code 01–25.",
                schema={"type": "string", "pattern": f"^({ENTITY_CODE})?$"})
UNIT = _param("unit", "Entity or province (2 digits), district (4) or commune (6) code.",
              schema={"type": "string", "pattern": f"^({ENTITY_CODE}([0-9]{{2}}){{0,2}})?$"})
GROUPS = "(entity|programme|subprogramme|economic_code|funding_source)"


def _code(name: str, description: str, *, required: bool = False) -> dict:
    return _param(name, description, required=required, schema={"type": "string", "pattern": CODE_PATTERN})

STATUS = {"type": "string", "enum": ["on_track", "watch", "off_track", "no_data"]}
ERRORS = {
    "400": {"description": "A parameter is invalid; `parameter` names it."},
    "401": {"description": "No session and no valid bearer token."},
    "403": {"description": "The caller's scope does not include what was asked (`error`: "
                           "`forbidden`), or a national figure is withheld from a provincial "
                           "director until every entity has reported the period (`withheld`)."},
}


def _ok(description: str, schema: dict) -> dict:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": schema}}}, **ERRORS}


def _rows(properties: dict[str, Any]) -> dict:
    return {"type": "object", "properties": {
        "rows": {"type": "array", "items": {"type": "object", "properties": properties}}}}


NUMBER = {"type": ["number", "null"]}
KHR = {"type": "integer", "description": "Cambodian riels"}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "PIB Dashboard read API",
        "version": "1",
        "description": "MoSVY budget execution and programme indicators, under the same access "
                       "policy as the pages. Authenticate with the session cookie or "
                       "`Authorization: Bearer <token>` (python -m auth create-token NAME).",
    },
    "components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"},
        "session": {"type": "apiKey", "in": "cookie", "name": "pib_session"},
    }},
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/v1/budget": {"get": {
            "summary": "Budget and execution by grouping keys",
            "parameters": [
                YEAR, PERIOD, ENTITY,
                _param("group_by", "Comma-separated: entity, programme, subprogramme, "
                       "economic_code (chapter), funding_source.",
                       schema={"type": "string", "pattern": f"^({GROUPS}(,{GROUPS})*)?$"}),
            ],
            "responses": _ok("Rows of the grouping keys with amounts.", _rows({
                "approved": KHR, "revised": KHR, "committed": KHR, "paid": KHR,
                "execution_rate": NUMBER,
                "as_of": {"type": "string", "description": "With an entity: the period its figures "
                          "are of (the one asked for, or its latest report before it)."}})),
        }},
        "/api/v1/indicators": {"get": {
            "summary": "Indicator values with achievement and status",
            "parameters": [YEAR, PERIOD, UNIT, _code("indicator", "An indicator code of the catalogue.")],
            "responses": _ok("Province-level rows unless a district or commune is asked.", _rows({
                "unit": {"type": "string"}, "indicator": {"type": "string"},
                "period": {"type": "string", "description": "The period the row is of."},
                "baseline": NUMBER, "target": NUMBER, "actual": NUMBER, "achievement": NUMBER,
                "status": STATUS})),
        }},
        "/api/v1/scorecard": {"get": {
            "summary": "A province's score, rank among the 25 and indicator rows",
            "parameters": [YEAR, PERIOD, _param("province", "Province code 01–25.", required=True,
                                                schema={"type": "string",
                                                        "pattern": "^(0[1-9]|1[0-9]|2[0-5])$"})],
            "responses": _ok("The scorecard.", {"type": "object", "properties": {
                "score": NUMBER, "rank": {"type": ["integer", "null"]},
                "ranked": {"type": "integer"}, "national_mean_score": NUMBER,
                "rows": {"type": "array", "items": {"type": "object"}}}}),
        }},
        "/api/v1/lineage": {"get": {
            "summary": "The batches, files, sheets and rows one figure was summed from",
            "description": "`kind=budget` takes the budget keys; `kind=indicator` requires `unit` "
                           "and `indicator` (400 without them).",
            "parameters": [
                YEAR, {**PERIOD, "required": True, "schema": {
                    "type": "string", "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2])|-[Qq][1-4])?$"}},
                _param("kind", "budget (default) or indicator.",
                       schema={"type": "string", "pattern": "^(budget|indicator)?$"}),
                {**ENTITY, "description": "budget: 00 or 01–25"}, _code("programme", "budget"),
                _code("subprogramme", "budget"), _code("cluster", "budget: activity cluster"),
                _code("activity", "budget"), _code("economic_code", "budget: chapter or account"),
                _param("funding_source", "budget: RGC or DP", schema={"type": "string", "pattern": "^(RGC|DP)?$"}),
                {**UNIT, "description": "indicator: unit code"}, _code("indicator", "indicator: code"),
            ],
            "responses": _ok("Sources.", {"type": "object", "properties": {
                "sources": {"type": "array", "items": {"type": "object"}}}}),
        }},
        "/api/v1/whoami": {"get": {
            "summary": "The caller and the provinces the scope allows",
            "responses": _ok("The caller.", {"type": "object"}),
        }},
    },
}
