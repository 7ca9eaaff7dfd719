"""Locust users of the PIB Dashboard, round two: every role at work on one server at once.

Run by ``python -m bench.load``, which prepares the database, writes the plan this file reads
(``PIB_BENCH_PLAN``: accounts, submissions, lines, periods) and checks the writes afterwards
against the ledger this file writes (``PIB_BENCH_LEDGER``). By hand, after a ``bench.load``
run has left a plan in bench/out/:

    PIB_BENCH_PLAN=bench/out/plan-sqlite-demo.json locust -f bench/locustfile.py --headless -u 20 -t 30s --host URL

Users (``fixed_count`` from the plan's mix, so that each account and each set of lines has one
Locust user); what several of them do is one function each (``_overview`` …), weighted per
class in its ``tasks``:

* ``Director``: signs in as his or her own account (one province, up to a few accounts per
  province), reads the scorecard, the overview, the programmes and the submission, and writes
  explanations of the province's deviations (found through ``/api/v1/indicators``);
* ``BudgetReader``: the budget unit reading provinces, programmes, any scorecard, the draft
  submission and a costing scenario;
* ``BudgetEditor``: the budget unit editing its own lines of the draft
  (``PUT /api/v1/submissions/<id>/lines`` with ``row_version``);
* ``MefReader``: MEF reading the overview, provinces, programmes, scorecards and the submitted
  submission, and its hearing on the review page;
* ``Reviewer``: MEF on the review page (the page, its year, the hearing and the line detail,
  then the line opened), deciding its own lines of the submitted submission and commenting on them;
* ``OpenReader``: anonymous, ``/open`` and its JSON, from its own address (``X-Forwarded-For``
  behind ``PIB_PROXY_HOPS=1``, as behind a reverse proxy; the rate limit is per address).

A page view is what the browser does: GET the page, then POST the Dash callbacks the page fires
on load, in order, with the values the earlier answers gave (recorded from Chromium), with the
``X-CSRFToken`` header. Callback bodies are built from ``/_dash-dependencies``, so a renamed
output fails loudly. An answer saying the data is unavailable or not permitted is a failure.

Writes: every writer has its own lines or deviations, so no two Locust users write the same
row. A 409 stale refusal would then mean a version lost on the way; it is not an error: it is
counted apart (request name ``... [409 stale]``), and the write is retried once with the version
the refusal gives. The ledger records, per write kind, the 2xx answers, the 409s and the other
answers, and the last value each row was given.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["PIB_BENCH_PLAN"]).read_text(encoding="utf-8")) \
    if os.environ.get("PIB_BENCH_PLAN") else {}
PASSWORD = PLAN.get("password", "bench-password-1")
RUN = PLAN.get("run", "manual")
# What a callback answers instead of figures (i18n "error.unavailable", "forbidden.body"): a failure.
FAILURE_MARKERS = ("temporarily unavailable", "does not allow you")
DEVIATIONS = ("watch", "off_track")
VIEWPORT = 1280  # the width the submission page's grid is laid out for: a desktop

_taken: dict[str, itertools.count] = {}
_amounts = itertools.count(1)
_addresses = itertools.count(1)
_dependencies: list[dict] = []
LEDGER: dict[str, dict] = {kind: {"ok": 0, "stale": 0, "other": 0, "rows": {}}
                           for kind in ("lines", "decisions", "comments", "explanations")}


def _slot(kind: str) -> int:
    """The next free slot of a user class: its account and its rows in the plan."""
    return next(_taken.setdefault(kind, itertools.count()))


def _address(network: int) -> str:
    """An address of its own for each simulated person (sent as ``X-Forwarded-For``)."""
    n = next(_addresses)
    return f"10.{network}.{n // 250}.{n % 250 + 1}"


def _amount() -> int:
    """A riel amount no other write of this run or of an earlier pass sends."""
    return int(PLAN.get("amount_base", 1_000_000_000)) + next(_amounts) * 1_000


@events.test_stop.add_listener
def _write_ledger(**_kwargs) -> None:
    path = os.environ.get("PIB_BENCH_LEDGER")
    if path:
        Path(path).write_text(json.dumps(LEDGER, indent=1), encoding="utf-8")


def _find(output: str) -> dict:
    """The dependency of ``/_dash-dependencies`` one of whose outputs is ``output`` (id.property)."""
    for dependency in _dependencies:
        parts = [p.split("@")[0] for p in dependency["output"].strip(".").split("...")]
        if output in parts:
            return dependency
    raise KeyError(f"no callback outputs {output}: the page changed; update bench/locustfile.py")


def _body(output: str, values: dict[str, object], changed: tuple[str, ...] = ()) -> dict:
    """The ``/_dash-update-component`` body of the callback that outputs ``output``; inputs and
    state from ``values`` ("id.property" → value; a list of items for a pattern-matching input)."""
    dependency = _find(output)

    def item(spec: dict) -> object:
        key = f"{spec['id']}.{spec['property']}"
        if spec["id"].startswith("{"):  # pattern-matching (ALL): the list of matching components
            return values.get(key, [])
        return {"id": spec["id"], "property": spec["property"], "value": values.get(key)}

    outputs = [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
               for part in dependency["output"].strip(".").split("...")]
    return {"output": dependency["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [item(s) for s in dependency["inputs"]], "state": [item(s) for s in dependency["state"]],
            "changedPropIds": list(changed)}


def _walk(node: object):
    """Every dict inside a Dash answer (components are nested dicts and lists)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


class Client(FastHttpUser):
    """What every simulated person shares: geventhttpclient rather than python-requests, since the
    load generator runs on the cores it measures (several times less CPU per request), and a
    request timeout as long as gunicorn's."""

    abstract = True
    network_timeout = 120.0
    connection_timeout = 120.0

    def forwarded_for(self, address: str) -> None:
        """Send ``address`` as ``X-Forwarded-For`` on every request of this user."""
        self.client.client.default_headers["X-Forwarded-For"] = address


class Signed(Client):
    """A signed-in user: his or her own account, the browser's page views, the API's writes."""

    abstract = True
    wait_time = between(3, 10)
    kind = ""

    def on_start(self) -> None:
        self.slot = _slot(self.kind)
        accounts = PLAN["accounts"][self.kind]
        self.username = accounts[self.slot % len(accounts)]
        # Each simulated person comes from an address of his or her own, as through a proxy.
        self.forwarded_for(_address(1))
        form = self.client.get("/login", name="GET /login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        with self.client.post("/login", name="POST /login", allow_redirects=False, catch_response=True,
                              data={"username": self.username, "password": PASSWORD, "csrf_token": token}) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in of {self.username} answered {answer.status_code}")
        # What the renderer fetches on a first visit; later page views are the page and its callbacks.
        self.client.get("/_dash-layout", name="GET /_dash-layout")
        found = self.client.get("/_dash-dependencies", name="GET /_dash-dependencies").json()
        if not _dependencies:
            _dependencies.extend(found)

    # --- the browser -------------------------------------------------------------------------------

    def _csrf(self) -> dict:
        token = next((c.value for c in self.client.cookiejar if c.name == "_csrf_token"), "")
        return {"X-CSRFToken": token}

    def callback(self, name: str, output: str, values: dict[str, object], changed: tuple[str, ...] = ()) -> dict:
        """POST one callback as the renderer does; its answer's ``response`` (empty on 204 or failure)."""
        with self.client.post("/_dash-update-component", json=_body(output, values, changed), headers=self._csrf(),
                              name=name, catch_response=True) as answer:
            if answer.status_code == 204:
                return {}
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
                return {}
            if any(marker in (answer.text or "") for marker in FAILURE_MARKERS):
                answer.failure("the page says the data is unavailable or not permitted")
                return {}
            return answer.json().get("response", {})

    def page(self, label: str, path: str, search: str = "") -> None:
        """GET the page and POST the layout callback (Dash pages' router)."""
        self.client.get(path + search, name=f"GET {label}")
        self.callback(f"POST layout {label}", "_pages_content.children",
                      {"_pages_location.pathname": path, "_pages_location.search": search},
                      ("_pages_location.pathname", "_pages_location.search"))

    def figures_page(self, page: str, path: str, label: str, code: str | None = None) -> None:
        """Overview, provinces, programmes, scorecard: selectors, then the page's figures."""
        year, period = random.choice(PLAN["periods"])
        self.page(label, path, f"?year={year}&period={period}")
        self.callback(f"POST {page}: selectors", f"{page}-year.options",
                      {f"{page}-asked.data": {"year": str(year), "period": period}, f"{page}-year.value": None})
        chosen = {f"{page}-year.value": year, f"{page}-period.value": period}
        changed = (f"{page}-year.value", f"{page}-period.value")
        if page == "overview":
            self.callback("POST overview: main", "overview-kpis.children",
                          {**chosen, "overview-metric.value": "execution_rate",
                           "overview-asked.data": {"year": str(year), "period": period}}, changed)
        elif page == "provinces":
            self.callback("POST provinces: main", "provinces-map.children",
                          {**chosen, "provinces-metric.value": "execution_rate"}, changed)
        elif page == "programmes":
            self.callback("POST programmes: main", "programmes-grid.rowData", {**chosen, "programmes-open.data": []},
                          changed)
        else:
            state = {**chosen, "scorecard-code.data": code}
            shown = self.callback("POST scorecard: main", "scorecard-kpis.children", state, changed)
            sources = [{"id": d["props"]["id"], "property": "n_clicks", "value": None}
                       for d in _walk(shown.get("scorecard-table", {}))
                       if isinstance(d.get("props"), dict) and isinstance(d["props"].get("id"), dict)
                       and d["props"]["id"].get("type") == "scorecard-source"]
            pattern = next(s["id"] for s in _find("scorecard-lineage.children")["inputs"])
            self.callback("POST scorecard: lineage", "scorecard-lineage.children",
                          {**state, f"{pattern}.n_clicks": sources},
                          tuple(f"{json.dumps(s['id'], separators=(',', ':'), sort_keys=True)}.n_clicks"
                                for s in sources))
            drill = shown.get("scorecard-drill-indicator", {}).get("value")
            if drill:
                self.callback("POST scorecard: drill-down", "scorecard-drill.children",
                              {**state, "scorecard-drill-indicator.value": drill}, ("scorecard-drill-indicator.value",))

    def submission_page(self, year: int) -> None:
        """The submission of ``year``: its year list, totals, grid (lines, flags, history) and diff."""
        search = f"?year={year}"
        self.page("/submission", "/submission", search)
        chosen = self.callback("POST submission: year", "submission-year.options",
                               {"submission-opened.data": 0, "submission-asked.data": {"year": str(year)}})
        year = chosen.get("submission-year", {}).get("value", year)
        self.callback("POST submission: totals", "submission-totals.children",
                      {"submission-year.value": year, "submission-changed.data": 0, "submission-saved.data": 0},
                      ("submission-year.value",))
        self.callback("POST submission: grid", "submission-grid.rowData",
                      {"submission-year.value": year, "submission-changed.data": 0,
                       "submission-viewport.data": VIEWPORT}, ("submission-viewport.data", "submission-year.value"))
        self.callback("POST submission: diff", "submission-diff.children",
                      {"submission-diff-version.value": None, "submission-saved.data": 0,
                       "submission-changed.data": 0, "submission-year.value": year}, ("submission-diff-version.value",))

    def costing_page(self) -> None:
        """The costing page as it opens, then the saved scenario chosen: its editor, results and map."""
        self.page("/costing", "/costing")
        refresh = {"n": 0, "select": None}
        self.callback("POST costing: lists", "costing-scenario.options",
                      {"costing-refresh.data": refresh, "costing-scenario.value": None})
        self.callback("POST costing: compare", "costing-compare-chart.figure",
                      {"costing-compare.value": None, "costing-refresh.data": refresh})
        scenario = PLAN["scenario"]
        editor = self.callback("POST costing: editor", "costing-name.value",
                               {"costing-scenario.value": scenario, "costing-new.n_clicks": 0},
                               ("costing-scenario.value",))
        results = self.callback("POST costing: results", "costing-chart.figure",
                                {"costing-scenario.value": scenario, "costing-refresh.data": refresh},
                                ("costing-scenario.value",))
        first = editor.get("costing-first-year", {}).get("value")
        years = editor.get("costing-years", {}).get("value")
        self.callback("POST costing: columns", "costing-grid.columnDefs",
                      {"costing-first-year.value": first, "costing-years.value": years},
                      ("costing-first-year.value", "costing-years.value"))
        self.callback("POST costing: map", "costing-map.children",
                      {"costing-map-year.value": results.get("costing-map-year", {}).get("value"),
                       "costing-scenario.value": scenario}, ("costing-scenario.value", "costing-map-year.value"))

    def review_page(self, line: int | None = None) -> None:
        """The review page (when the app has one) as it opens: the page, its year, the hearing (the
        header and a page of lines) and the line detail; then, when ``line`` is given, that line
        opened, as a reviewer does before deciding."""
        if not PLAN.get("review_page"):
            return
        year = PLAN["submitted"]["year"]
        self.page("/review", "/review", f"?year={year}")
        chosen = self.callback("POST review: year", "review-year.options", {"review-asked.data": {"year": year}})
        year = chosen.get("review-year", {}).get("value", year)
        hearing = {"review-year.value": year, "review-line-written.data": 0, "review-header-written.data": 0,
                   "review-ceiling-written.data": 0, "review-filter-show.value": "all", "review-page.data": 0,
                   "review-page-shown.data": 0, "review-selected.data": None}
        self.callback("POST review: hearing", "review-status.children", hearing, ("review-year.value",))
        detail = {"review-selected.data": None, "review-line-written.data": 0, "review-year.value": year}
        self.callback("POST review: line", "review-detail.className", detail, ("review-selected.data",))
        if line is not None:
            self.callback("POST review: line opened", "review-detail.className",
                          {**detail, "review-selected.data": line}, ("review-selected.data",))

    # --- the API's writes ----------------------------------------------------------------------------

    def write(self, kind: str, method: str, url: str, name: str, body: dict) -> dict | None:
        """One JSON write with the CSRF header: the answer's JSON on 2xx; None on a 409 (counted
        apart, as ``name [409 stale]``) or another answer (a failure); None, unsent, when the plan
        says nobody writes (``bench.load --readers-only``)."""
        if not PLAN.get("writes", True):
            return None
        started = time.perf_counter()
        with self.client.request(method, url, json=body, headers=self._csrf(), name=name,
                                 catch_response=True) as answer:
            if 200 <= answer.status_code < 300:
                LEDGER[kind]["ok"] += 1
                return answer.json()
            if answer.status_code == 409:
                answer.success()
                LEDGER[kind]["stale"] += 1
                events.request.fire(request_type=method, name=f"{name} [409 stale]",
                                    response_time=(time.perf_counter() - started) * 1000,
                                    response_length=len(answer.content or b""), exception=None, context={})
                self.stale = answer.json() if (answer.text or "").startswith("{") else {}
                return None
            LEDGER[kind]["other"] += 1
            answer.failure(f"{answer.status_code} {answer.text[:200]}")
            return None


# --- what several kinds of users do (Locust calls each with the user) ----------------------------------


def _overview(user: Signed) -> None:
    user.figures_page("overview", "/", "/")


def _provinces(user: Signed) -> None:
    user.figures_page("provinces", "/provinces", "/provinces")


def _programmes(user: Signed) -> None:
    user.figures_page("programmes", "/programmes", "/programmes")


def _any_scorecard(user: Signed) -> None:
    code = random.choice(PLAN["scorecards"])
    user.figures_page("scorecard", f"/scorecard/{code}", "/scorecard/[code]", code)


def _draft(user: Signed) -> None:
    user.submission_page(PLAN["draft"]["year"])


def _submitted(user: Signed) -> None:
    user.submission_page(PLAN["submitted"]["year"])


def _costing(user: Signed) -> None:
    user.costing_page()


def _review(user: Signed) -> None:
    user.review_page()


class Director(Signed):
    """A provincial director: his or her own scorecard and the overview, and the province's
    deviations explained."""

    kind = "Director"
    tasks = {_overview: 1, _programmes: 1, _draft: 1}

    def on_start(self) -> None:
        super().on_start()
        self.province = PLAN["provinces"][self.username]
        year, period = PLAN["explain"]
        answer = self.client.get(f"/api/v1/indicators?year={year}&period={period}&unit={self.province}",
                                 name="GET /api/v1/indicators (deviations)")
        rows = answer.json().get("rows", []) if answer.status_code == 200 else []
        found = sorted({r["indicator"] for r in rows
                        if r.get("unit") == self.province and r.get("status") in DEVIATIONS})
        # Directors of one province share its deviations out: each writes only his or her own.
        mates = [u for u, p in PLAN["provinces"].items() if p == self.province]
        self.deviations = found[mates.index(self.username)::len(mates)]
        self.written = 0

    @task(3)
    def scorecard(self) -> None:
        self.figures_page("scorecard", f"/scorecard/{self.province}", "/scorecard/[code]", self.province)

    @task(2)
    def explain(self) -> None:
        if not self.deviations:
            return
        indicator = random.choice(self.deviations)
        year, period = PLAN["explain"]
        self.written += 1
        reason = f"bench {RUN} {self.username} #{self.written}: the lists of beneficiaries arrived late"
        answer = self.write("explanations", "PUT", "/api/v1/explanations", "PUT /api/v1/explanations",
                            {"year": year, "period": period, "unit": self.province, "indicator": indicator,
                             "reason": reason, "action": "the commune councils re-check the lists each month"})
        if answer is not None:
            LEDGER["explanations"]["rows"][f"{self.province}/{indicator}"] = {"user": self.username, "last": reason}


class BudgetReader(Signed):
    """The MoSVY budget unit reading: provinces, programmes, any scorecard, the draft, costing."""

    kind = "BudgetReader"
    tasks = {_provinces: 2, _programmes: 1, _overview: 1, _any_scorecard: 1, _draft: 1, _costing: 1}


class BudgetEditor(Signed):
    """The budget unit editing the draft: the page now and then, and its own lines saved one by one."""

    kind = "BudgetEditor"
    tasks = {_draft: 1}

    def on_start(self) -> None:
        super().on_start()
        slices = PLAN["editor_lines"]
        self.lines = [dict(line) for line in slices[self.slot % len(slices)]] if self.slot < len(slices) else []

    @task(3)
    def save_line(self) -> None:
        if not self.lines:
            return
        line = random.choice(self.lines)
        amount = _amount()
        url = f"/api/v1/submissions/{PLAN['draft']['id']}/lines"
        for _attempt in range(2):
            item = {k: line[k] for k in ("entity", "cluster", "economic_code", "funding_source")}
            body = {"lines": [{**item, "request": [amount, amount, amount], "row_version": line["row_version"]}]}
            answer = self.write("lines", "PUT", url, "PUT /api/v1/submissions/[id]/lines", body)
            if answer is not None:
                saved = answer["lines"][0]
                line["row_version"] = saved["row_version"]
                row = LEDGER["lines"]["rows"].setdefault(str(line["id"]), {"user": self.username, "ok": 0})
                row["last"], row["ok"] = amount, row["ok"] + 1
                LEDGER["lines"].setdefault("changed", 0)
                LEDGER["lines"]["changed"] += int(answer.get("changed", 0))
                return
            current = (getattr(self, "stale", None) or {}).get("current") or {}
            if "row_version" not in current:
                return
            line["row_version"] = current["row_version"]  # re-read, then the one retry


class MefReader(Signed):
    """MEF reading: the overview, provinces, programmes, scorecards, the submitted submission and
    its hearing."""

    kind = "MefReader"
    tasks = {_overview: 2, _provinces: 1, _programmes: 1, _any_scorecard: 1, _submitted: 1, _review: 1}


class Reviewer(Signed):
    """An MEF reviewer on the review page, deciding his or her own lines of the submitted
    submission and commenting on them (each write after the line is opened on the page)."""

    kind = "Reviewer"

    def on_start(self) -> None:
        super().on_start()
        slices = PLAN["review_lines"]
        self.lines = [dict(line) for line in slices[self.slot % len(slices)]] if self.slot < len(slices) else []
        self.comments = 0

    def _open(self, line: dict | None = None) -> None:
        if PLAN.get("review_page"):
            self.review_page(line["id"] if line else None)
        else:
            self.submission_page(PLAN["submitted"]["year"])

    @task(1)
    def read(self) -> None:
        self._open()

    @task(2)
    def decide(self) -> None:
        if not self.lines:
            return
        line = random.choice(self.lines)
        self._open(line)
        amount = _amount()
        url = f"/api/v1/submissions/{PLAN['submitted']['id']}/decisions"
        for _attempt in range(2):
            decision = {"line": line["id"], "decision": "adjust", "recommended": amount}
            if line.get("row_version") is not None:
                decision["row_version"] = line["row_version"]
            answer = self.write("decisions", "PUT", url, "PUT /api/v1/submissions/[id]/decisions",
                                {"decisions": [decision]})
            if answer is not None:
                line["row_version"] = answer["decisions"][0]["row_version"]
                row = LEDGER["decisions"]["rows"].setdefault(str(line["id"]), {"user": self.username, "ok": 0})
                row["last"], row["ok"] = amount, row["ok"] + 1
                return
            current = (getattr(self, "stale", None) or {}).get("current") or {}
            if "row_version" not in current:
                return
            line["row_version"] = current["row_version"]

    @task(1)
    def comment(self) -> None:
        if not self.lines:
            return
        line = random.choice(self.lines)
        self._open(line)
        self.comments += 1
        text = f"bench {RUN} {self.username} #{self.comments}: please show the caseload behind this line"
        answer = self.write("comments", "POST", f"/api/v1/submissions/{PLAN['submitted']['id']}/comments",
                            "POST /api/v1/submissions/[id]/comments", {"line": line["id"], "text": text})
        if answer is not None:
            LEDGER["comments"]["rows"][str(answer["id"])] = {"user": self.username, "last": text}


class OpenReader(Client):
    """An anonymous reader of /open: the page, then now and then its JSON, of a published period."""

    wait_time = between(3, 10)

    def on_start(self) -> None:
        # A public reader of his or her own: the rate limit counts per address.
        self.forwarded_for(_address(2))

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as answer:
            if answer.status_code not in (200, 304):
                answer.failure(f"{answer.status_code}")

    @task(2)
    def page(self) -> None:
        self._get("/open", "GET /open")

    @task(1)
    def period_page(self) -> None:
        year, period = random.choice(PLAN["published"])
        self._get(f"/open?year={year}&period={period}", "GET /open?year&period")

    @task(1)
    def budget(self) -> None:
        year, period = random.choice(PLAN["published"])
        self._get(f"/open/api/budget?year={year}&period={period}", "GET /open/api/budget")

    @task(1)
    def indicators(self) -> None:
        year, period = random.choice(PLAN["published"])
        self._get(f"/open/api/indicators?year={year}&period={period}", "GET /open/api/indicators")


def _fixed_counts() -> None:
    """Each class's number of users from the plan's mix (all fixed: the total is ``-u``)."""
    mix = PLAN.get("mix", {})
    for cls in (Director, BudgetReader, BudgetEditor, MefReader, Reviewer, OpenReader):
        cls.fixed_count = int(mix.get(cls.__name__, 0))


_fixed_counts()
