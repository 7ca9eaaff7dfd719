"""The API does what its OpenAPI document says, for every operation in it (present and to come).

Schemathesis generates requests from ``/api/v1/openapi.json``: schema-valid ones must not be
refused with 400, invalid ones must be refused with 4xx, and none may answer 5xx or a body
unlike the document. It runs in-process on the WSGI app, as the budget unit (who may read
everything) and as a provincial director (whose refusals must be the documented 403).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from auth.users import create_token
from db.engine import session_scope
from etl.load import load_file
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference

EXAMPLES = 30


@pytest.fixture
def api_tokens(app, app_db, tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("schema")
    load_reference(app_db, tmp)
    files = {
        "june.xlsx": execution_xlsx([exec_row(entity="07", period="2025-06"),
                                     exec_row(entity="17", period="2025-05", paid=700_000),
                                     exec_row(entity="00", period="2025-06", activity="P2.1.1.1",
                                              account="6221")]),
        "q2.xlsx": indicators_xlsx([[2025, "2025-Q2", "070101", "FP_PW", None, 100, 95],
                                    [2025, "2025-Q2", "17", "PAY_DAYS", None, 30, 20]]),
    }
    for name, data in files.items():
        assert load_file(data, name=name, url=app_db).status == "loaded"
    with session_scope(app_db) as session:
        return {"budget": create_token(session, "budget"), "director07": create_token(session, "director07")}


def map_query(_context, query):
    """What a JSON Schema cannot say across two parameters, the document says in words: a
    period lies within its year, and indicator lineage names a unit and an indicator. Generated
    queries are made to keep those two rules; every other value stays as generated."""
    if not isinstance(query, dict):
        return query
    period, year = query.get("period"), query.get("year")
    if isinstance(period, str) and len(period) >= 4 and isinstance(year, int):
        query = {**query, "period": f"{year}{period[4:]}"}
    if query.get("kind") == "indicator":
        query = {**query, "unit": query.get("unit") or "07", "indicator": query.get("indicator") or "FP_PW"}
    return query


def _check_every_operation(app, token: str) -> list[str]:
    """Run schema-valid and schema-invalid requests against every operation; the failures."""
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app,
                                            headers={"Authorization": f"Bearer {token}"})
    loaded.hook(map_query)
    failures: list[str] = []
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 5
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _runner(operation, mode, token)()
            except Exception as error:  # noqa: BLE001 - collected, every operation is tried
                failures.append(f"{operation.label} ({mode.value}): {error}")
    return failures


def _runner(operation, mode: GenerationMode, token: str):
    # A write may refuse a schema-valid body for what a schema cannot say (an unknown programme
    # code, a flagged line without justification): the documented 422. Every other check still
    # runs on writes; reads must accept every schema-valid request.
    excluded = [] if operation.method.upper() == "GET" else [positive_data_acceptance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @(EXAMPLE_SETTINGS if not excluded else WRITE_SETTINGS)
    def run(case) -> None:
        # identity: schemathesis' WSGI transport asks for brotli but does not decode it.
        case.call_and_validate(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
                               excluded_checks=excluded)

    return run


EXAMPLE_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                            suppress_health_check=list(HealthCheck))
# Writes are many and each one a transaction with its audit row: fewer examples keep the suite short.
WRITE_SETTINGS = settings(EXAMPLE_SETTINGS, max_examples=EXAMPLES // 2)


def test_every_operation_keeps_to_its_document_for_the_budget_unit(app, api_tokens):
    failures = _check_every_operation(app, api_tokens["budget"])
    assert not failures, "\n\n".join(failures)


def test_every_operation_keeps_to_its_document_for_a_director(app, api_tokens):
    # A director's refusals (another province, a withheld national figure) are documented 403s.
    failures = _check_every_operation(app, api_tokens["director07"])
    assert not failures, "\n\n".join(failures)
