"""Callback latency at scale: every page callback over HTTP, as signed-in users of each role.

    python -m bench.latency [--dbs sqlite-1m postgresql-10m ...] [--cold 2] [--warm 5] [--naive 3]

For each database built by ``bench.scale`` the app (created once, pointed at each database in
turn) is served by Werkzeug on a free localhost port, in a thread; a ``requests`` session per
user signs in through the login form and posts each callback as the browser does (JSON body,
``X-CSRFToken`` from the ``_csrf_token`` cookie, gzip accepted).

* users: the budget unit (scorecards of 07, 17 and 12), the MEF reviewer (07), and the
  directors of 07, 17 and 12 (their own scorecard);
* periods: 2025-09, 2024-12 and 2023-06;
* cold: the query cache and the remembered answers cleared right before the request (the OS and
  database caches stay warm: this measures the query layer, not the disk); warm: the same
  request again.

Beside each callback, the "naive way": the raw facts (``budget_fact``, ``indicator_value``)
read with ``pd.read_sql`` and grouped by pandas for the same figures. Results go to
``bench/out/latency-<db>.json``; ``bench.report`` turns them into tables.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import socket
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PASSWORD = "bench-password-1"  # noqa: S105 - benchmark users on benchmark databases
# username → (role, province, scorecards this user opens)
USERS = {
    "bench-budget": ("budget_unit", None, ("07", "17", "12")),
    "bench-reviewer": ("mef_reviewer", None, ("07",)),
    "bench-dir07": ("provincial_director", "07", ("07",)),
    "bench-dir17": ("provincial_director", "17", ("17",)),
    "bench-dir12": ("provincial_director", "12", ("12",)),
}
PERIODS = ((2025, "2025-09"), (2024, "2024-12"), (2023, "2023-06"))
PAGES = ("overview", "programmes", "provinces", "scorecard")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) by the nearest-rank method; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))]


def summary(values: list[float]) -> dict:
    """Median, p95 and count of a list of milliseconds."""
    return {"median": statistics.median(values) if values else float("nan"),
            "p95": percentile(values, 0.95), "n": len(values)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_users(url: str) -> None:
    """Create the benchmark users in the database at ``url`` (once)."""
    from auth.users import create_user, get_user
    from db.engine import session_scope

    with session_scope(url) as session:
        for name, (role, province, _cards) in USERS.items():
            if get_user(session, name) is None:
                create_user(session, name, PASSWORD, role, province=province, full_name=f"Benchmark {name}")


def sign_in(base: str, username: str):
    """A requests session signed in through the login form, with the CSRF header set."""
    import requests

    session = requests.Session()
    form = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = session.post(f"{base}/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False)
    if answer.status_code != 302:
        raise SystemExit(f"{username} could not sign in: {answer.status_code}")
    session.headers["X-CSRFToken"] = session.cookies["_csrf_token"]
    return session


def _outputs(spec: str) -> dict | list:
    parts = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]}
             for p in spec.strip(".").split("...")]
    return parts if len(parts) > 1 else parts[0]


def _by_output(dependencies: list[dict]) -> dict[str, dict]:
    return {d["output"].strip(".").split("...")[0].split(".")[0]: d for d in dependencies}


def payloads(dependencies: list[dict], year: int, period: str, code: str, role: str) -> dict[str, dict]:
    """Name → ``/_dash-update-component`` body for every page callback, as the browser sends it."""
    from tests.helpers.web import callback_payload

    deps = _by_output(dependencies)
    out: dict[str, dict] = {}
    search = f"?year={year}&period={period}"
    for path in ("/", "/programmes", "/provinces", f"/scorecard/{code}"):
        name = "layout " + ("/scorecard/<code>" if path.startswith("/scorecard") else path)
        out[name] = callback_payload(deps["_pages_content"], {"_pages_location.pathname": path,
                                                              "_pages_location.search": search})
    for page in PAGES:
        out[f"{page}: selectors"] = callback_payload(deps[f"{page}-year"], {
            f"{page}-asked.data": {"year": str(year), "period": period}, f"{page}-year.value": None})
    common = {"year.value": year, "period.value": period, "metric.value": "execution_rate"}
    for page, first in (("overview", "overview-kpis"), ("programmes", "programmes-grid"),
                        ("provinces", "provinces-map"), ("scorecard", "scorecard-kpis")):
        values = {f"{page}-{k}": v for k, v in common.items()} | {"scorecard-code.data": code,
                                                                  f"{page}-asked.data": {}}
        out[f"{page}: main"] = callback_payload(deps[first], values)
    out["scorecard: drill-down"] = callback_payload(deps["scorecard-drill"], {
        "scorecard-drill-indicator.value": "FP_PW", "scorecard-year.value": year, "scorecard-period.value": period,
        "scorecard-code.data": code})
    # The scorecard's "sources" buttons are pattern-matching inputs: a click on one among several.
    dep = deps["scorecard-lineage"]
    ids = [{"indicator": "FP_PW", "type": "scorecard-source"}, {"indicator": "FP_OLD", "type": "scorecard-source"}]
    states = {"scorecard-year": year, "scorecard-period": period, "scorecard-code": code}
    out["scorecard: sources"] = {
        "output": dep["output"], "outputs": _outputs(dep["output"]),
        "inputs": [[{"id": ids[0], "property": "n_clicks", "value": 1},
                    {"id": ids[1], "property": "n_clicks", "value": None}]],
        "state": [{"id": s["id"], "property": s["property"], "value": states.get(s["id"])} for s in dep["state"]],
        "changedPropIds": [json.dumps(ids[0], separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    # The programme grid: a click on the "sources" cell of programme P1's row.
    out["programmes: sources"] = callback_payload(deps["programmes-lineage"], {
        "programmes-grid.cellClicked": {"colId": "sources", "rowId": "P1", "rowIndex": 0, "value": "sources"},
        "programmes-year.value": year, "programmes-period.value": period})
    if role == "budget_unit":
        out["data: load history"] = callback_payload(deps["data-history"], {"data-loaded.data": None})
    return out


# --- the naive way: raw facts into pandas --------------------------------------------------------


def _read(conn, sql: str, **params) -> pd.DataFrame:
    return pd.read_sql(text(sql), conn, params=params)


def _indicators(conn, year: int, period: str, province: str | None = None) -> pd.DataFrame:
    """Indicator values of a period joined to their catalogue entry, rolled up by province (sum)."""
    where = " AND v.province_code = :province" if province else ""
    values = _read(conn, "SELECT v.province_code, v.unit_level, v.indicator_code, v.target, v.actual, i.aggregation "
                         "FROM indicator_value v JOIN indicator i ON i.code = v.indicator_code "
                         f"WHERE v.fiscal_year = :year AND v.period = :period{where}",
                   year=year, period=period, **({"province": province} if province else {}))
    return values.groupby(["province_code", "indicator_code"])[["target", "actual"]].sum().reset_index()


def naive_overview(conn, year: int, period: str, code: str) -> object:
    facts = _read(conn, "SELECT entity_code, period, programme_code, revised, paid FROM budget_fact "
                        "WHERE fiscal_year = :year AND period <= :period", year=year, period=period)
    now = facts[facts["period"] == period]
    totals = now[["revised", "paid"]].sum()
    by_programme = now.groupby("programme_code")[["revised", "paid"]].sum()
    reports = facts.loc[facts["entity_code"] != "00", ["entity_code", "period"]].drop_duplicates()
    rolled = _indicators(conn, year, period)
    national = rolled.groupby("indicator_code")[["target", "actual"]].sum()
    return totals, by_programme, len(reports), national


def naive_provinces(conn, year: int, period: str, code: str) -> object:
    facts = _read(conn, "SELECT entity_code, period, item_code, revised, paid FROM budget_fact "
                        "WHERE fiscal_year = :year", year=year)
    latest = facts[facts["period"] == facts.groupby("entity_code")["period"].transform("max")]
    money = latest.groupby("entity_code")[["revised", "paid"]].sum()
    reports = facts[facts["period"] <= period].groupby("entity_code")["period"].nunique()
    rolled = _indicators(conn, year, period)
    return money, reports, rolled


def naive_programmes(conn, year: int, period: str, code: str) -> object:
    facts = _read(conn, "SELECT programme_code, subprogramme_code, cluster_code, item_code, revised, paid "
                        "FROM budget_fact WHERE fiscal_year = :year AND period = :period", year=year, period=period)
    tree = [facts.groupby(c)[["revised", "paid"]].sum()
            for c in ("programme_code", "subprogramme_code", "cluster_code", "item_code")]
    rolled = _indicators(conn, year, period).groupby("indicator_code")[["target", "actual"]].sum()
    return tree, rolled


def naive_scorecard(conn, year: int, period: str, code: str) -> object:
    facts = _read(conn, "SELECT period, programme_code, revised, paid FROM budget_fact "
                        "WHERE fiscal_year = :year AND entity_code = :code", year=year, code=code)
    money = facts[facts["period"] == facts["period"].max()].groupby("programme_code")[["revised", "paid"]].sum()
    every = _indicators(conn, year, period)  # every province, for the rank
    history = _read(conn, "SELECT period, indicator_code, SUM(target) AS target, SUM(actual) AS actual "
                          "FROM indicator_value WHERE fiscal_year = :year AND province_code = :code "
                          "GROUP BY period, indicator_code", year=year, code=code)
    return money, every, history


def naive_drill(conn, year: int, period: str, code: str) -> object:
    return _read(conn, "SELECT unit_code, target, actual FROM indicator_value WHERE fiscal_year = :year "
                       "AND period = :period AND province_code = :code AND indicator_code = 'FP_PW' "
                       "AND unit_level IN ('district', 'commune') ORDER BY unit_code",
                 year=year, period=period, code=code)


def naive_selectors(conn, year: int, period: str, code: str) -> object:
    facts = _read(conn, "SELECT fiscal_year, period, entity_code FROM budget_fact")
    return facts.drop_duplicates().groupby(["fiscal_year", "period"])["entity_code"].nunique()


NAIVE: dict[str, Callable] = {
    "overview: main": naive_overview, "provinces: main": naive_provinces, "programmes: main": naive_programmes,
    "scorecard: main": naive_scorecard, "scorecard: drill-down": naive_drill,
    **{f"{page}: selectors": naive_selectors for page in PAGES},
}


def check_naive(url: str, year: int, period: str) -> str:
    """The naive national totals must equal the query layer's (else the comparison is void)."""
    from db.engine import get_engine, session_scope
    from db.queries import overview
    from domain.access import Scope

    with get_engine(url).connect() as conn:
        totals = naive_overview(conn, year, period, "07")[0]
    with session_scope(url) as session:
        kpis = overview.overview(session, Scope(user_id=0, username="bench", role="budget_unit", province=None),
                                 year=year, period=period)
    same = int(totals["revised"]) == kpis["revised"] and int(totals["paid"]) == kpis["paid"]
    return "equal" if same else f"DIFFERENT: naive {totals.to_dict()} vs query {kpis['revised']}/{kpis['paid']}"


def run_database(app, key: str, url: str, cold_runs: int, warm_runs: int, naive_runs: int,
                 users: list[str] | None = None, periods: int = len(PERIODS)) -> dict:
    """Every callback on one database; returns the samples (ms) by callback name."""
    from werkzeug.serving import make_server

    from db.engine import dispose_all, get_engine
    from db.queries.cache import clear

    ensure_users(url)
    app.config["PIB_DATABASE_URL"] = url
    clear()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    results: dict[str, dict] = {}
    try:
        for username, (role, _province, cards) in USERS.items():
            if users and username not in users:
                continue
            session = sign_in(base, username)
            dependencies = session.get(f"{base}/_dash-dependencies").json()
            for year, period in PERIODS[:periods]:
                for code in cards:
                    for name, body in payloads(dependencies, year, period, code, role).items():
                        entry = results.setdefault(name, {"cold": [], "warm": [], "status": {}, "bytes": [],
                                                          "by_role": {}})
                        role_entry = entry["by_role"].setdefault(role, {"cold": [], "warm": []})
                        for _ in range(cold_runs):
                            clear()
                            started = time.perf_counter()
                            answer = session.post(f"{base}/_dash-update-component", json=body)
                            ms = (time.perf_counter() - started) * 1000
                            entry["cold"].append(ms)
                            role_entry["cold"].append(ms)
                            entry["bytes"].append(int(answer.headers.get("Content-Length") or len(answer.content)))
                            status = str(answer.status_code)
                            entry["status"][status] = entry["status"].get(status, 0) + 1
                        for _ in range(warm_runs):
                            started = time.perf_counter()
                            answer = session.post(f"{base}/_dash-update-component", json=body)
                            ms = (time.perf_counter() - started) * 1000
                            entry["warm"].append(ms)
                            role_entry["warm"].append(ms)
                            status = str(answer.status_code)
                            entry["status"][status] = entry["status"].get(status, 0) + 1
            print(f"  {key}: {username} done", flush=True)
    finally:
        server.shutdown()
    year, period = PERIODS[0]
    engine = get_engine(url)
    for name, fn in NAIVE.items():
        if name.endswith("selectors") and name != "overview: selectors":
            results[name]["naive"] = results["overview: selectors"]["naive"]
            continue
        samples = []
        for _ in range(naive_runs):
            with engine.connect() as conn:
                started = time.perf_counter()
                fn(conn, year, period, "07")
                samples.append((time.perf_counter() - started) * 1000)
            if samples[-1] > 15_000:  # one run of a slow naive way says enough
                break
        results[name]["naive"] = samples
    check = check_naive(url, year, period)
    dispose_all()
    return {"db": key, "naive_check": check, "callbacks": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", nargs="+", default=["sqlite-1m", "postgresql-1m", "sqlite-10m", "postgresql-10m"])
    parser.add_argument("--cold", type=int, default=2, help="cold requests per user, period and callback")
    parser.add_argument("--warm", type=int, default=5, help="warm requests per user, period and callback")
    parser.add_argument("--naive", type=int, default=3, help="runs of each naive computation")
    parser.add_argument("--users", nargs="*", choices=list(USERS), help="only these users (default: all)")
    parser.add_argument("--note", default="", help="conditions of the run, for the report")
    parser.add_argument("--periods", type=int, default=len(PERIODS), help="the first N of the periods")
    args = parser.parse_args()
    builds = json.loads((OUT / "builds.json").read_text())
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    from bench.env import setup

    setup()

    from app import create_app
    from bench.scale import url_for

    first = args.dbs[0].split("-")
    app = create_app({"TESTING": True, "PIB_DATABASE_URL": url_for(first[0], first[1])})
    for key in args.dbs:
        if key not in builds:
            print(f"{key}: not built (run python -m bench.scale); skipped", flush=True)
            continue
        from bench.scale import url_for

        backend, size = key.split("-")
        url = url_for(backend, size)
        print(f"{key}: {builds[key]['rows']:,} fact rows", flush=True)
        started = time.perf_counter()
        result = run_database(app, key, url, args.cold, args.warm, args.naive, args.users, args.periods)
        result["rows"] = builds[key]["rows"]
        result["users"] = args.users or list(USERS)
        result["periods"] = [p for _y, p in PERIODS[:args.periods]]
        result["conditions"] = args.note
        result["runs"] = {"cold": args.cold, "warm": args.warm, "naive": args.naive}
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["measured_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
        (OUT / f"latency-{key}.json").write_text(json.dumps(result, indent=1))
        for name, entry in result["callbacks"].items():
            cold, warm = summary(entry["cold"]), summary(entry["warm"])
            naive = statistics.median(entry["naive"]) if entry.get("naive") else float("nan")
            print(f"  {name:<28} cold {cold['median']:7.1f}/{cold['p95']:7.1f}  warm {warm['median']:6.1f}/"
                  f"{warm['p95']:6.1f}  n={cold['n']}+{warm['n']}  naive {naive:8.0f}  {entry['status']}",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
