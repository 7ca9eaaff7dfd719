"""Bad input answers 4xx in JSON without a traceback in the log, and every response carries the
security headers: a Content-Security-Policy, HSTS over HTTPS, and no caching of figures.

Each case of the first part answered 500 (or 200 with the page shell, for unknown API paths)
and logged a traceback before the fix.
"""

import base64
import copy
import hashlib
import logging
import re

import pytest

from tests.helpers.web import callback_payload, dash_post, find_dependency

BUNDLE = "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js"
LONG_YEAR = "9" * 5000


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records that carry a traceback or report an error."""
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


# --- API parameters ----------------------------------------------------------------------------

BAD_PARAMETERS = [
    ("/api/v1/budget?year=²⁰²⁵", "year"),  # superscripts pass str.isdigit(), int() refuses them
    ("/api/v1/budget?year=٢٠٢٥", "year"),  # Arabic-Indic digits: int() reads them as 2025
    (f"/api/v1/budget?year={LONG_YEAR}", "year"),  # beyond int()'s 4,300 digits
    ("/api/v1/budget?year=2025&entity=¹⁷", "entity"),
    (f"/api/v1/budget?year=2025&entity={LONG_YEAR}", "entity"),
    ("/api/v1/budget?year=2025&period=٢٠٢٥-06", "period"),
    ("/api/v1/budget?year=2025&period=2025-⁰⁶", "period"),
    ("/api/v1/indicators?year=2025&unit=¹⁷", "unit"),
    ("/api/v1/scorecard?year=2025&province=¹⁷", "province"),
    ("/api/v1/lineage?year=2025&period=2025-06&entity=⁰⁷", "entity"),
    (f"/api/v1/lineage?year=2025&period=2025-06&kind={'x' * 5000}", "kind"),
]


@pytest.mark.parametrize(("path", "parameter"), BAD_PARAMETERS, ids=[p for p, _ in BAD_PARAMETERS])
def test_a_parameter_in_other_digits_or_too_long_is_a_400_naming_it(client_as, caplog, path, parameter):
    client = client_as("budget_unit")
    answer = client.get(path)
    assert answer.status_code == 400, answer.data[:300]
    body = answer.get_json()
    assert body["error"] == "bad parameter" and body["parameter"] == parameter
    assert body["detail"].startswith(f"{parameter}: ") and len(body["detail"]) < 200  # not echoed whole
    assert not tracebacks(caplog)


def test_ascii_digits_still_work(client_as):
    client = client_as("budget_unit")
    assert client.get("/api/v1/budget?year=2025&entity=07&period=2025-Q2").status_code == 200
    assert client.get("/api/v1/indicators?year=2025&unit=0701").status_code == 200


def test_unicode_digits_are_refused_by_the_other_checks_too():
    from api import params
    from components.filters import selector_options
    from indicators.budget import period_month

    assert params.normalise_period("٢٠٢٥-06") is None
    with pytest.raises(ValueError, match="a period is"):
        period_month("٢٠٢٥-06")
    for wanted in ("²⁰²⁵", "٢٠٢٥", LONG_YEAR):
        # The URL's year names no loaded year: the latest is shown, nothing raises.
        _, year, _, _ = selector_options({2025: ["2025-06"], 2024: ["2024-12"]}, {}, {"year": wanted}, None, "en")
        assert year == 2025


# --- Unknown addresses ---------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/nope"), ("post", "/api/v1/nope"), ("delete", "/api/v1/budget/extra"),
    ("get", "/api/nope"), ("get", "/api/"), ("get", "/api"), ("put", "/api/v2/budget"),
])
def test_an_unknown_api_address_is_a_404_in_json(client_as, caplog, method, path):
    answer = getattr(client_as("budget_unit"), method)(path)
    assert answer.status_code == 404 and answer.is_json, (answer.status_code, answer.data[:200])
    assert answer.get_json()["error"] == "not found"
    assert not tracebacks(caplog)


def test_a_known_api_route_asked_with_another_method_is_a_405_in_json(client_as):
    answer = client_as("budget_unit").post("/api/v1/budget?year=2025")
    assert answer.status_code == 405 and answer.get_json()["error"] == "method not allowed"
    assert answer.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_an_unknown_api_address_still_asks_strangers_to_sign_in(app, app_db):
    answer = app.test_client().get("/api/v1/nope")
    assert answer.status_code == 401 and answer.get_json()["error"] == "authentication required"


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/dash/nope.js",
    "/_dash-component-suites/nopkg/bundle.js",
    "/_dash-component-suites/dash/../../app.py",
    "/_dash-component-suites/dash_ag_grid/nope.v35_3_0m1.min.js",
])
def test_an_unknown_bundle_is_a_404_that_lists_nothing(app, caplog, path):
    answer = app.test_client().get(path)
    assert answer.status_code == 404, answer.data[:200]
    assert answer.get_json()["error"] == "not found"
    assert b"dash_renderer" not in answer.data  # Dash's message listed every registered file
    assert not tracebacks(caplog)


# --- Callback requests ---------------------------------------------------------------------------

@pytest.fixture
def overview(client_as):
    """A signed-in client and a well-formed body for the overview's figures callback."""
    client = client_as("budget_unit")
    body = callback_payload(find_dependency(client, "overview-kpis"), {
        "overview-year.value": 2025, "overview-period.value": "2025-06", "overview-metric.value": "execution_rate"})
    return client, body


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _malformed(body: dict) -> dict[str, object]:
    def changed(**edits) -> dict:
        copied = copy.deepcopy(body)
        for key, value in edits.items():
            if value is None:
                copied.pop(key)
            else:
                copied[key] = value
        return copied

    first = body["inputs"][0]
    return {
        "null": None,
        "array": [body],
        "string": "overview-kpis.children",
        "no output": changed(output=None),
        "output not a string": changed(output=["overview-kpis.children"]),
        "no inputs": changed(inputs=None),
        "inputs not a list": changed(inputs={"id": "overview-year"}),
        "an input missing": changed(inputs=body["inputs"][:-1]),
        "an input too many": changed(inputs=[*body["inputs"], first]),
        "an input as a list": changed(inputs=[[first], *body["inputs"][1:]]),
        "an input of another component": changed(inputs=[{**first, "id": "users-grid"}, *body["inputs"][1:]]),
        "an input without property": changed(inputs=[{"id": first["id"]}, *body["inputs"][1:]]),
        "state missing": changed(state=None),
        "no outputs": changed(outputs=None),
        "outputs not a list": changed(outputs={"id": "overview-kpis", "property": "children"}),
        "an output missing": changed(outputs=body["outputs"][:-1]),
        "an output of another component": changed(outputs=[{"id": "users-grid", "property": "rowData"},
                                                           *body["outputs"][1:]]),
        "changedPropIds not a list": changed(changedPropIds=5),
        "changedPropIds of numbers": changed(changedPropIds=[1, 2]),
        "nested 100 deep": changed(state=[{**body["state"][0], "value": _nested(100)}]),
    }


def test_a_malformed_callback_body_is_a_400_in_json(overview, caplog):
    client, body = overview
    assert dash_post(client, body).status_code == 200  # the well-formed body still runs
    for name, malformed in _malformed(body).items():
        answer = dash_post(client, malformed)
        assert answer.status_code == 400, (name, answer.status_code, answer.data[:200])
        assert answer.is_json and answer.get_json()["error"], name
    assert not tracebacks(caplog)


def test_a_callback_body_that_is_not_json_or_nests_thousands_deep_is_a_400(overview, caplog):
    client, _ = overview
    token = client.get_cookie("_csrf_token").value
    for data, kind in [("[" * 5000 + "]" * 5000, "application/json"), ("{\"output\": ", "application/json"),
                       ("output=overview-kpis.children", "application/x-www-form-urlencoded"), ("", "text/plain")]:
        answer = client.post("/_dash-update-component", data=data, content_type=kind,
                             headers={"X-CSRFToken": token})
        assert answer.status_code == 400, (data[:20], answer.data[:200])
        assert answer.get_json()["error"]
    assert not tracebacks(caplog)


def test_an_unknown_callback_is_a_404_in_json(overview, caplog):
    client, body = overview
    for output in ("nope.children", "overview-url-sync.data"):  # the second runs in the browser only
        answer = dash_post(client, {**body, "output": output, "outputs": {"id": output.split(".")[0],
                                                                           "property": output.split(".")[1]}})
        assert answer.status_code == 404 and answer.get_json() == {"error": "no such callback"}
    assert not tracebacks(caplog)


def test_the_gate_and_the_csrf_check_still_answer_first(app, overview):
    client, body = overview
    assert app.test_client().post("/_dash-update-component", json=None).status_code == 401
    refused = client.post("/_dash-update-component", json=body)  # no X-CSRFToken
    assert refused.status_code == 400 and "security token" in refused.get_json()["error"]


def test_a_pattern_matching_callback_passes_the_check(client_as):
    client = client_as("director07")
    body = callback_payload(find_dependency(client, "scorecard-lineage"), {"scorecard-code.data": "07"})
    # The renderer sends the wildcard input as a list of the matching buttons' specs.
    body["inputs"] = [[{"id": {"type": "scorecard-source", "indicator": "FP_PW"}, "property": "n_clicks",
                        "value": 1}]]
    assert dash_post(client, body).status_code in (200, 204)


def test_callback_values_in_other_digits_log_no_traceback(demo_client_as, caplog):
    client = demo_client_as("budget_unit")
    selectors = find_dependency(client, "overview-year")
    figures = find_dependency(client, "overview-kpis")
    for year in ("²⁰²⁵", "٢٠٢٥", LONG_YEAR):
        answer = dash_post(client, callback_payload(selectors, {"overview-asked.data": {"year": year}}))
        assert answer.status_code == 200 and answer.get_json()["response"]["overview-year"]["value"] == 2025
        answer = dash_post(client, callback_payload(figures, {"overview-year.value": year,
                                                              "overview-period.value": "2025-06",
                                                              "overview-metric.value": "execution_rate"}))
        assert answer.status_code in (200, 204)
    assert not tracebacks(caplog)


def test_the_printed_sheet_refuses_other_digits(demo_client_as, caplog):
    client = demo_client_as("director07")
    for query in ("year=²⁰²⁵", f"year={LONG_YEAR}", "period=٢٠٢٥-06", "year=2025&period=2025-06%0A"):
        assert client.get(f"/scorecard/07/print?{query}").status_code == 400, query
    assert client.get("/scorecard/⁰⁷/print").status_code == 404
    assert not tracebacks(caplog)


# --- Headers -------------------------------------------------------------------------------------

def has_policy(response) -> bool:
    return response.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self' 'sha256-")


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


def _inline_scripts(html: str) -> list[str]:
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)  # Dash's IE warning sits in a comment
    scripts = re.finditer(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, flags=re.S)
    return [m["body"] for m in scripts if "src=" not in m["attrs"] and "application/json" not in m["attrs"]]


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def test_the_policy_allows_exactly_the_pages_inline_scripts(client_as):
    client = client_as("budget_unit")
    for path in ("/", "/scorecard/07", "/users"):
        page = client.get(path)
        directives = _directives(page)
        scripts = _inline_scripts(page.get_data(as_text=True))
        assert len(scripts) >= 2  # the renderer's start and the clientside callbacks
        assert {_hash(s) for s in scripts} <= set(directives["script-src"]), path
        assert directives["script-src"][0] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives == {
        "default-src": ["'self'"], "script-src": directives["script-src"],
        "style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"], "connect-src": ["'self'"], "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"], "form-action": ["'self'"], "object-src": ["'none'"],
    }


def test_the_sign_in_page_and_the_sheet_need_no_inline_script(app, demo_client_as):
    login = app.test_client().get("/login")
    sheet = demo_client_as("director07").get("/scorecard/07/print")
    for page in (login, sheet):
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Content-Security-Policy" in page.headers
        assert _inline_scripts(html) == []
        assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler would be refused"


def test_hsts_only_over_https(client_as):
    client = client_as("budget_unit")
    assert "Strict-Transport-Security" not in client.get("/methodology").headers
    secure = client.get("/methodology", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert has_policy(secure)


def test_figures_are_never_cached(demo_client_as):
    client = demo_client_as("director07")
    body = callback_payload(find_dependency(client, "overview-kpis"), {
        "overview-year.value": 2025, "overview-period.value": "2025-06", "overview-metric.value": "execution_rate"})
    answers = {
        "callback": dash_post(client, body),
        "bad callback": dash_post(client, None),
        "layout": client.get("/_dash-layout"),
        "dependencies": client.get("/_dash-dependencies"),
        "page": client.get("/scorecard/07"),
        "api": client.get("/api/v1/budget?year=2025"),
        "api error": client.get("/api/v1/budget?year=²⁰²⁵"),
        "api unknown": client.get("/api/v1/nope"),
        "sheet": client.get("/scorecard/07/print?year=2025&period=2025-06"),
        "pdf": client.get("/scorecard/07/pdf?year=2025&period=2025-06"),
        "refused sheet": client.get("/scorecard/17/print"),
        "login": client.get("/login"),
    }
    for name, answer in answers.items():
        assert answer.headers["Cache-Control"] == "private, no-store", (name, answer.headers.get("Cache-Control"))
        assert has_policy(answer), name
    callback = answers["callback"]
    assert callback.status_code == 200 and "Revised budget 2025" in callback.get_data(as_text=True)


def test_static_files_keep_their_caching(app, client_as):
    client = client_as("budget_unit")
    page = client.get("/").get_data(as_text=True)
    bundle = re.search(r'src="([^"]*dash_renderer[^"]*)"', page)[1]
    assert "max-age=31536000" in client.get(bundle).headers["Cache-Control"]
    plotly = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js").headers["Cache-Control"]
    assert "no-cache" in plotly and "no-store" not in plotly
    icon = client.get("/_favicon.ico?v=4.4.1").headers["Cache-Control"]
    assert "max-age=86400" in icon and "no-store" not in icon
    assert "no-store" not in client.get("/assets/pib.css").headers.get("Cache-Control", "")
