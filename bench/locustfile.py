"""Locust users of the PIB Dashboard: directors, the budget unit and MEF reviewers at work.

Run by ``python -m bench.load`` (which starts gunicorn and creates the users); by hand:

    PIB_BENCH_DIRECTORS=07,17 locust -f bench/locustfile.py --headless -u 50 -r 10 -t 90s --host URL

Every user signs in through the login form first (its ``csrf_token`` field), then opens pages
as the browser does: GET the page, then POST the Dash callbacks that the page fires on load
(the page layout, the year and period selectors, the page's figures), with the header
``X-CSRFToken`` set from the ``_csrf_token`` cookie. Requests are named by callback, so that
the statistics are per request type. Think time: 3 to 10 s between page views.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("PIB_BENCH_PASSWORD", "bench-password-1")
DIRECTORS = os.environ.get("PIB_BENCH_DIRECTORS", "07,17,12").split(",")
PERIODS = ((2025, "2025-09"), (2025, "2025-06"), (2024, "2024-12"), (2023, "2023-06"))
_next_director = 0
# What a callback answers instead of figures (i18n "error.unavailable", "forbidden.body"): a failure.
FAILURE_MARKERS = ("temporarily unavailable", "does not allow you")


def _layout(path: str, search: str) -> dict:
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}


def _selectors(page: str, year: int, period: str) -> dict:
    outputs = [f"{page}-year.options", f"{page}-year.value", f"{page}-period.options", f"{page}-period.value"]
    return {"output": ".." + "...".join(outputs) + "..",
            "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in outputs],
            "inputs": [{"id": f"{page}-asked", "property": "data", "value": {"year": str(year), "period": period}},
                       {"id": f"{page}-year", "property": "value", "value": None}],
            "state": [], "changedPropIds": [f"{page}-asked.data"]}


def _callback(outputs: list[str], inputs: list[tuple[str, object]], state: list[tuple[str, object]] = ()) -> dict:
    def item(key: str, value: object) -> dict:
        component, prop = key.rsplit(".", 1)
        return {"id": component, "property": prop, "value": value}

    spec = ".." + "...".join(outputs) + ".." if len(outputs) > 1 else outputs[0]
    parts = [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]} for o in outputs]
    return {"output": spec, "outputs": parts if len(parts) > 1 else parts[0],
            "inputs": [item(k, v) for k, v in inputs], "state": [item(k, v) for k, v in state],
            "changedPropIds": [inputs[0][0]]}


MAIN = {
    "overview": lambda y, p, _c: _callback(
        ["overview-kpis.children", "overview-programmes.figure", "overview-status.figure", "overview-map.figure",
         "overview-message.children"],
        [("overview-year.value", y), ("overview-period.value", p), ("overview-metric.value", "execution_rate")],
        [("overview-asked.data", {})]),
    "provinces": lambda y, p, _c: _callback(
        ["provinces-map.figure", "provinces-grid.rowData", "provinces-message.children"],
        [("provinces-year.value", y), ("provinces-period.value", p), ("provinces-metric.value", "execution_rate")]),
    "programmes": lambda y, p, _c: _callback(
        ["programmes-grid.rowData", "programmes-indicators.children", "programmes-message.children",
         "programmes-tree-note.children"],
        [("programmes-year.value", y), ("programmes-period.value", p), ("programmes-open.data", [])]),
    "scorecard": lambda y, p, c: _callback(
        ["scorecard-kpis.children", "scorecard-table.children", "scorecard-budget.figure",
         "scorecard-quadrant.figure", "scorecard-drill-indicator.options", "scorecard-drill-indicator.value",
         "scorecard-message.children"],
        [("scorecard-year.value", y), ("scorecard-period.value", p)], [("scorecard-code.data", c)]),
}


class DashboardUser(HttpUser):
    """A signed-in user who opens pages; subclasses say who and which pages."""

    abstract = True
    wait_time = between(3, 10)
    username = ""

    def on_start(self) -> None:
        form = self.client.get("/login", name="GET /login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        with self.client.post("/login", name="POST /login", allow_redirects=False, catch_response=True,
                              data={"username": self.username, "password": PASSWORD, "csrf_token": token}) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in of {self.username} answered {answer.status_code}")

    def post(self, name: str, body: dict) -> None:
        headers = {"X-CSRFToken": self.client.cookies.get("_csrf_token", "")}
        with self.client.post("/_dash-update-component", json=body, headers=headers, name=name,
                              catch_response=True) as answer:
            if answer.status_code not in (200, 204):
                answer.failure(f"{answer.status_code}")
            elif any(marker in answer.text for marker in FAILURE_MARKERS):
                answer.failure("the page says the data is unavailable or not permitted")

    def open(self, page: str, path: str, code: str | None = None) -> None:
        """What the browser does for one page view: the page, then the callbacks it fires."""
        year, period = random.choice(PERIODS)
        search = f"?year={year}&period={period}"
        label = path if code is None else "/scorecard/[code]"
        self.client.get(path + search, name=f"GET {label}")
        self.post(f"POST layout {label}", _layout(path, search))
        self.post(f"POST {page}: selectors", _selectors(page, year, period))
        self.post(f"POST {page}: main", MAIN[page](year, period, code))
        if page == "scorecard":
            self.post("POST scorecard: drill-down", _callback(
                ["scorecard-drill.children"], [("scorecard-drill-indicator.value", "FP_PW")],
                [("scorecard-year.value", year), ("scorecard-period.value", period), ("scorecard-code.data", code)]))


class Director(DashboardUser):
    """A provincial director: his or her own scorecard, now and then the overview."""

    weight = 6

    def on_start(self) -> None:
        global _next_director
        self.province = DIRECTORS[_next_director % len(DIRECTORS)]
        _next_director += 1
        self.username = f"bench-dir{self.province}"
        super().on_start()

    @task(4)
    def scorecard(self) -> None:
        self.open("scorecard", f"/scorecard/{self.province}", self.province)

    @task(1)
    def overview(self) -> None:
        self.open("overview", "/")


class BudgetUnit(DashboardUser):
    """The MoSVY budget unit: provinces side by side, the programme tree, any province's scorecard."""

    weight = 2
    username = "bench-budget"

    @task(2)
    def provinces(self) -> None:
        self.open("provinces", "/provinces")

    @task(1)
    def programmes(self) -> None:
        self.open("programmes", "/programmes")

    @task(1)
    def scorecard(self) -> None:
        code = random.choice(DIRECTORS)
        self.open("scorecard", f"/scorecard/{code}", code)


class Reviewer(DashboardUser):
    """An MEF reviewer reading the national overview."""

    weight = 2
    username = "bench-reviewer"

    @task
    def overview(self) -> None:
        self.open("overview", "/")
