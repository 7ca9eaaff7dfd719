"""A small budget cycle for the submission and review tests, and JSON writes as a browser sends them."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from etl.load import load_file
from tests.helpers.workbooks import exec_row, execution_xlsx, indicators_xlsx, load_reference


def _load(url: str, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = load_file(path, url=url)
    assert report.status == "loaded", [p.render() for p in report.problems]


def load_cycle(url: str, tmp_path: Path) -> str:
    """Two provinces with a full 2024 and 2025 to September, in one cluster (P1.1.1, chapter 62):

    Kampot (07): 2024 paid 1,000,000 for 100 persons (10,000 a person); 2025 revised 1,200,000,
    paid 300,000 by September (25 %, under 60 % of the 75 % benchmark); target 200, actual 100
    (50 %: off track). Kep (08): 2025 revised 1,000,000, paid 700,000; 98 of 100 (on track).
    """
    load_reference(url, tmp_path)
    _load(url, tmp_path, "exec-2024.xlsx", execution_xlsx([
        exec_row("07", "2024-12", revised=1_000_000, paid=1_000_000, committed=1_000_000, year=2024),
        exec_row("08", "2024-12", revised=900_000, paid=900_000, committed=900_000, year=2024)]))
    _load(url, tmp_path, "exec-2025.xlsx", execution_xlsx([
        exec_row("07", "2025-09", revised=1_200_000, paid=300_000, committed=400_000),
        exec_row("08", "2025-09", revised=1_000_000, paid=700_000, committed=800_000)]))
    _load(url, tmp_path, "ind-2024.xlsx", indicators_xlsx([
        [2024, "2024-12", "07", "FP_PW", None, 120, 100], [2024, "2024-12", "08", "FP_PW", None, 90, 90]]))
    _load(url, tmp_path, "ind-2025.xlsx", indicators_xlsx([
        [2025, "2025-09", "07", "FP_PW", 100, 200, 100], [2025, "2025-09", "08", "FP_PW", 90, 100, 98]]))
    return url


def csrf_header(client: FlaskClient) -> dict:
    """The header a page's script sends with a write: the CSRF token of the session's cookie."""
    client.get("/")
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value}


def put_json(client: FlaskClient, path: str, body: dict):
    """PUT ``body`` as JSON with the CSRF header."""
    return client.put(path, json=body, headers=csrf_header(client))


def post_json(client: FlaskClient, path: str, body: dict):
    """POST ``body`` as JSON with the CSRF header."""
    return client.post(path, json=body, headers=csrf_header(client))


def open_draft(client_as, year: int = 2026) -> tuple[FlaskClient, int]:
    """The budget unit's client and the id of the draft it opened for ``year``."""
    budget = client_as("budget_unit")
    answer = post_json(budget, "/api/v1/submissions", {"year": year})
    assert answer.status_code == 201, answer.json
    return budget, answer.json["id"]


def line_key(entity: str, request: list[int] | None = None, **extra) -> dict:
    """A line of the cycle's cluster (P1.1.1, chapter 62, RGC) of ``entity``."""
    out = {"entity": entity, "cluster": "P1.1.1", "economic_code": "62", "funding_source": "RGC", **extra}
    if request is not None:
        out["request"] = request
    return out
