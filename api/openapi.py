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

def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _answers(ok: str, *codes: str, created: bool = False) -> dict:
    words = {
        "400": "The body is not a JSON object of the documented form, or a cookie write lacks the "
               "`X-CSRFToken` header.",
        "403": "The caller's role or province may not do this.",
        "404": "No such submission or version.",
        "409": "The submission's state does not allow it (`conflict`, with the reason), the row "
               "changed since the caller read it (`stale`, with the `current` value), or a "
               "submission exists for that year (`exists`).",
        "415": "The body is not sent as application/json.",
        "422": "A value cannot be taken (`invalid`, naming `field` and `index`), or a transition is "
               "blocked (`blocked`, listing every `reasons` entry).",
    }
    return {"201" if created else "200": {"description": ok, "content": {"application/json": {
        "schema": {"type": "object"}}}}, "401": ERRORS["401"], **{c: {"description": words[c]} for c in codes}}


CODE = {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,32}$"}
TEXT = {"type": "string", "maxLength": 4000}
AMOUNTS = {"type": "array", "minItems": 3, "maxItems": 3,
           "items": {"type": "integer", "minimum": 0, "maximum": 10**15},
           "description": "Whole riels for Y, Y+1 and Y+2."}
LINE = {"type": "object", "required": ["entity", "cluster", "economic_code", "funding_source"], "properties": {
    "entity": {"type": "string", "pattern": f"^{ENTITY_CODE}$"}, "cluster": CODE,
    "economic_code": {**CODE, "description": "An economic chapter (the top level, e.g. 62)."},
    "funding_source": {"type": "string", "enum": ["RGC", "DP"]}, "request": AMOUNTS, "justification": TEXT,
    "row_version": {"type": "integer", "description": "The version read; a line changed since is refused (409)."}}}
TARGET = {"type": "object", "required": ["indicator", "unit", "target"], "properties": {
    "indicator": CODE, "unit": {"type": "string", "pattern": f"^{ENTITY_CODE}$"},
    "target": {"type": "array", "minItems": 3, "maxItems": 3, "items": {"type": ["number", "null"], "minimum": 0}},
    "row_version": {"type": "integer"}}}
SUBMISSION_ID = {"name": "submission_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}
WRITES = ("400", "403", "404", "409", "415", "422")

PERIOD_FORM = "^[0-9]{4}(-(0[1-9]|1[0-2])|-[Qq][1-4])?$"
FISCAL_YEAR = {"type": "integer", "minimum": 2015, "maximum": 2035}


def _publication_answers(ok: str, *codes: str, created: bool = False) -> dict:
    words = {
        "400": "The body is not a JSON object, or a cookie write lacks the `X-CSRFToken` header.",
        "403": "Only the budget unit publishes and withdraws (`forbidden`).",
        "404": "The period is not published (`not found`).",
        "409": "The period is published already (`exists`, with the `current` publication).",
        "415": "The body is not sent as application/json.",
        "422": "The year or period cannot be taken, or nothing is loaded for the period (`invalid`, "
               "naming `field`).",
    }
    return {"201" if created else "200": {"description": ok, "content": {"application/json": {
        "schema": {"type": "object"}}}}, "401": ERRORS["401"], **{c: {"description": words[c]} for c in codes}}


def _costing_answers(ok: str, *codes: str, created: bool = False) -> dict:
    words = {
        "400": "The body is not a JSON object of the documented form, or a cookie write lacks the "
               "`X-CSRFToken` header.",
        "403": "The caller's role may not do this: the budget unit and MEF create scenarios, the budget "
               "unit changes them (MEF its own) and alone applies them; an administrator reads no figures.",
        "404": "No such scenario or submission.",
        "409": "The submission is submitted or endorsed (`conflict`, with the reason), or the scenario "
               "changed since the caller read it (`stale`).",
        "415": "The body is not sent as application/json.",
        "422": "A value cannot be taken (`invalid`, naming `field` and `index`): an unknown benefit, a "
               "take-up above 100 %, a year without macro figures, years that do not cover the submission's.",
    }
    return {"201" if created else "200": {"description": ok, "content": {"application/json": {
        "schema": {"type": "object"}}}}, "401": ERRORS["401"], **{c: {"description": words[c]} for c in codes}}


FRACTION = {"type": "number", "minimum": 0, "maximum": 1}
SCENARIO = {"type": "object", "required": ["name", "first_year", "years", "benefits"], "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 120},
    "first_year": FISCAL_YEAR,
    "years": {"type": "integer", "minimum": 1, "maximum": 10},
    "row_version": {"type": "integer"},
    "benefits": {"type": "array", "minItems": 1, "maxItems": 50, "items": {
        "type": "object", "required": ["code", "take_up"], "properties": {
            "code": CODE,
            "amount": {"type": ["number", "null"], "minimum": 0, "maximum": 10**12,
                       "description": "Riels a payment; null or absent: the catalogue's."},
            "indexed": {"type": "boolean", "description": "Follows CPI inflation from the second year."},
            "take_up": {"type": "array", "items": FRACTION, "minItems": 1, "maxItems": 10,
                        "description": "One fraction a year (0.6 is 60 %)."},
            "admin_rate": FRACTION,
            "multiplier": {"type": "number", "minimum": 0, "maximum": 10}}}}}}
SCENARIO_ID = {"name": "scenario_id", "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}
COSTING_WRITES = ("400", "403", "404", "409", "415", "422")


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "PIB Dashboard API",
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
        "/api/v1/submissions": {
            "get": {"summary": "The submissions (or that of `year`) with status, version, totals and ceiling",
                    "parameters": [_param("year", "A fiscal year (2015–2035); empty or absent: every year.",
                                          schema={"type": "string", "pattern": "^(20(1[5-9]|2[0-9]|3[0-5]))?$"})],
                    "responses": _answers("The submissions.", "400")},
            "post": {"summary": "Open the draft submission of a year (budget unit; one per year)",
                     "requestBody": _body({"type": "object", "required": ["year"], "properties": {
                         "year": {"type": "integer", "minimum": 2015, "maximum": 2035}}}),
                     "responses": _answers("The new draft: id, year, status, version.", *WRITES, created=True)},
        },
        "/api/v1/submissions/{submission_id}": {
            "parameters": [SUBMISSION_ID],
            "get": {"summary": "The submission: status, version, ceiling, totals, lines beside last year's "
                               "figures with flags, targets with unit costs, provinces, versions, history",
                    "description": "A provincial director sees the header, national totals and the lines and "
                                   "targets of his or her province only.",
                    "responses": _answers("The submission.", "404")},
            "put": {"summary": "The budget unit's switches: open to provinces, above-ceiling justification",
                    "requestBody": _body({"type": "object", "minProperties": 1, "additionalProperties": False,
                                          "properties": {"open_to_provinces": {"type": "boolean"},
                                                         "above_ceiling_justification": TEXT}}),
                    "responses": _answers("The header.", *WRITES)},
        },
        "/api/v1/submissions/{submission_id}/lines": {"parameters": [SUBMISSION_ID], "put": {
            "summary": "Upsert lines by (entity, cluster, economic_code, funding_source); each answers with its flags",
            "requestBody": _body({"type": "object", "required": ["lines"], "properties": {
                "lines": {"type": "array", "minItems": 1, "maxItems": 20000, "items": LINE}}}),
            "responses": _answers("The saved lines with their flags.", *WRITES)}},
        "/api/v1/submissions/{submission_id}/targets": {"parameters": [SUBMISSION_ID], "put": {
            "summary": "Upsert targets by (indicator, unit)",
            "requestBody": _body({"type": "object", "required": ["targets"], "properties": {
                "targets": {"type": "array", "minItems": 1, "maxItems": 20000, "items": TARGET}}}),
            "responses": _answers("The saved targets with unit costs and flags.", *WRITES)}},
        "/api/v1/submissions/{submission_id}/actions": {"parameters": [SUBMISSION_ID], "post": {
            "summary": "A transition: submit (budget unit), return with a comment, endorse, reopen (MEF)",
            "requestBody": _body({"type": "object", "required": ["action"], "properties": {
                "action": {"type": "string", "enum": ["submit", "return", "endorse", "reopen"]},
                "comment": TEXT, "row_version": {"type": "integer"}}}),
            "responses": _answers("The new status and version.", *WRITES)}},
        "/api/v1/submissions/{submission_id}/provinces/{province}": {"parameters": [
            SUBMISSION_ID, {"name": "province", "in": "path", "required": True,
                            "schema": {"type": "string", "pattern": "^(0[1-9]|1[0-9]|2[0-5])$"}}], "put": {
            "summary": "A province's part of an open draft marked finished, or not",
            "requestBody": _body({"type": "object", "required": ["done"], "properties": {"done": {"type": "boolean"}}}),
            "responses": _answers("Every province's progress the caller may see.", *WRITES)}},
        "/api/v1/submissions/{submission_id}/versions/{version}": {"parameters": [
            SUBMISSION_ID, {"name": "version", "in": "path", "required": True,
                                          "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}],
            "get": {"summary": "A version as it was sent to MEF", "responses": _answers("Lines and targets.", "404")}},
        "/api/v1/submissions/{submission_id}/diff": {"parameters": [SUBMISSION_ID], "get": {
            "summary": "What changed from version `from` to version `to` (default: the lines as they are now)",
            "parameters": [
                _param("from", "A version number.", required=True,
                       schema={"type": "string", "pattern": "^[1-9][0-9]{0,3}$"}),
                _param("to", "A version number.", schema={"type": "string", "pattern": "^([1-9][0-9]{0,3})?$"})],
            "responses": _answers("Lines and targets added, removed and changed.", "400", "404")}},
        "/api/v1/submissions/{submission_id}/decisions": {"parameters": [SUBMISSION_ID], "put": {
            "summary": "MEF's decision per line of a submitted submission",
            "requestBody": _body({"type": "object", "required": ["decisions"], "properties": {
                "decisions": {"type": "array", "minItems": 1, "maxItems": 20000, "items": {
                    "type": "object", "required": ["line", "decision"], "properties": {
                        "line": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                        "decision": {"type": "string", "enum": ["agree", "adjust", "question"]},
                        "recommended": {"type": ["integer", "null"], "minimum": 0, "maximum": 10**15,
                                        "description": "Required with adjust, absent otherwise."},
                        "row_version": {"type": "integer"}}}}}}),
            "responses": _answers("The decisions as stored.", *WRITES)}},
        "/api/v1/submissions/{submission_id}/comments": {"parameters": [SUBMISSION_ID], "post": {
            "summary": "A comment in a line's thread, or on the whole submission (`line`: null)",
            "description": "MEF and the budget unit write in every thread; a provincial director in the "
                           "threads of his or her province's lines. Text is shown as text, never as markup.",
            "requestBody": _body({"type": "object", "required": ["text"], "properties": {
                "line": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1},
                "text": {"type": "string", "minLength": 1, "maxLength": 4000}}}),
            "responses": _answers("The comment.", *WRITES, created=True)}},
        "/api/v1/submissions/{submission_id}/history": {"parameters": [SUBMISSION_ID], "get": {
            "summary": "Every change of the submission: who, when, before and after",
            "responses": _answers("The history, oldest first.", "404")}},
        "/api/v1/explanations": {
            "get": {"summary": "Explanations of indicators on watch or off track, and MEF's oversight comments",
                    "parameters": [YEAR, PERIOD, {**ENTITY, "name": "unit", "description": "00 or a province."}],
                    "responses": _answers("The explanations (and, with a period, how many are due per unit).",
                                          "400", "403")},
            "put": {"summary": "The reason and corrective action of a deviation (its province's director; the "
                               "budget unit for 00), or MEF's `oversight` comment",
                    "requestBody": _body({"type": "object", "required": ["year", "period", "unit", "indicator"],
                                          "properties": {
                                              "year": {"type": "integer", "minimum": 2015, "maximum": 2035},
                                              "period": {"type": "string"},
                                              "unit": {"type": "string", "pattern": f"^{ENTITY_CODE}$"},
                                              "indicator": CODE, "reason": TEXT, "action": TEXT, "oversight": TEXT,
                                              "row_version": {"type": "integer"}}}),
                    "responses": _answers("The explanation.", *WRITES)},
        },
        "/api/v1/inbox": {"get": {
            "summary": "What awaits the caller: submissions to review, questions to answer, deviations to explain",
            "responses": _answers("Items with kind, count and href.")}},
        "/api/v1/ceilings": {"put": {
            "summary": "MEF's ceiling for the ministry's request of a year, in total and per programme",
            "requestBody": _body({"type": "object", "required": ["year", "total"], "properties": {
                "year": {"type": "integer", "minimum": 2015, "maximum": 2035},
                "total": {"type": "integer", "minimum": 0, "maximum": 10**15},
                "programmes": {"type": "object", "additionalProperties": {
                    "type": "integer", "minimum": 0, "maximum": 10**15}}}}),
            "responses": _answers("The ceiling of the year.", *WRITES)}},
        "/api/v1/publications": {
            "get": {"summary": "The periods published for /open, newest first, with who published each and when",
                    "responses": {**_publication_answers("The publications."),
                                  "403": {"description": "The caller reads no figures (administrator)."}}},
            "post": {"summary": "Publish a period: its national and provincial aggregates appear on /open "
                               "(budget unit)",
                     "description": "In-year figures are working data: nothing reaches /open until its period "
                                    "is published. The period must have budget or indicator figures loaded.",
                     "requestBody": _body({"type": "object", "required": ["year", "period"], "properties": {
                         "year": FISCAL_YEAR,
                         "period": {"type": "string", "pattern": PERIOD_FORM,
                                    "description": "YYYY-MM, YYYY-Qn or YYYY, within `year`."}}}),
                     "responses": _publication_answers("The publication: year, period (YYYY-MM), published_by, "
                                                       "published_at.", "400", "403", "409", "415", "422",
                                                       created=True)},
        },
        "/api/v1/publications/{year}/{period}": {
            "parameters": [
                {"name": "year", "in": "path", "required": True, "schema": FISCAL_YEAR},
                {"name": "period", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": PERIOD_FORM}}],
            "delete": {"summary": "Withdraw a period's publication: /open stops showing it at once (budget unit)",
                       "responses": _publication_answers("The withdrawn publication.", "400", "403", "404", "422")},
        },
        "/api/v1/costing/benefits": {"get": {
            "summary": "The benefit catalogue: amount a payment, payments a year, cluster, chapter, indicator",
            "responses": _costing_answers("The benefits.", "403")}},
        "/api/v1/costing/scenarios": {
            "get": {"summary": "The saved costing scenarios with their options",
                    "responses": _costing_answers("The scenarios.", "403")},
            "post": {"summary": "Save a costing scenario (budget unit, MEF); a benefit left out is not costed",
                     "requestBody": _body(SCENARIO),
                     "responses": _costing_answers("The scenario and its results.", *COSTING_WRITES,
                                                   created=True)},
        },
        "/api/v1/costing/scenarios/{scenario_id}": {
            "parameters": [SCENARIO_ID],
            "get": {"summary": "A scenario's results: per year cost, beneficiaries, shares of GDP and of "
                               "government expenditure (fractions), the ±10 % take-up band; per year, unit "
                               "and benefit beneficiaries and cost",
                    "description": "A provincial director reads his or her province's rows and their totals only.",
                    "responses": _costing_answers("The results.", "403", "404", "422")},
            "put": {"summary": "Replace a scenario (budget unit; MEF its own)", "requestBody": _body(SCENARIO),
                    "responses": _costing_answers("The scenario and its results.", *COSTING_WRITES)},
            "delete": {"summary": "Delete a scenario (budget unit; MEF its own)",
                       "responses": _costing_answers("The deleted scenario.", "400", "403", "404")},
        },
        "/api/v1/costing/scenarios/{scenario_id}/apply": {
            "parameters": [SCENARIO_ID],
            "post": {"summary": "Apply a scenario to a submission (budget unit): the costs of Y, Y+1, Y+2 become "
                                "the requests of the lines (unit, cluster, chapter, RGC), the beneficiaries the "
                                "targets of each benefit's indicator",
                     "parameters": [_param("preview", "1: list every line and target that would change, old → "
                                           "new, and write nothing.",
                                           schema={"type": "string", "pattern": "^(0|1)?$"})],
                     "requestBody": _body({"type": "object", "required": ["submission"], "properties": {
                         "submission": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}}),
                     "responses": _costing_answers("The changes (applied, or to apply).", *COSTING_WRITES)}},
        "/api/v1/whoami": {"get": {
            "summary": "The caller and the provinces the scope allows",
            "responses": _ok("The caller.", {"type": "object"}),
        }},
    },
}
