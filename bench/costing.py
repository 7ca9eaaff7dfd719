"""Costing: the formula, and the /costing page's callbacks at scale.

    python -m bench.costing [--dbs sqlite-10m postgresql-10m] [--cold 15] [--warm 30] [--formula-only]

1. The formula: how long a scenario of 25 provinces × 5 years × 5 benefits takes to compute (the
   pure functions of ``indicators.costing``: cost rows, year totals and the ±10 % take-up band).
   Bar: under 100 ms.
2. The page's callbacks, on the databases built by ``bench.scale`` (10 million fact rows by
   default): the demo's four benefits and a fifth added for the benchmark (with its eligible
   population of 2026–2030 in the 25 provinces), and four saved scenarios of 25 provinces × 5
   years × 5 benefits. The app is served by Werkzeug on a free localhost port, in a thread;
   a ``requests`` session signed in through the login form posts each callback as the browser
   does. What a user triggers, each ``--cold`` times right after emptying the query cache (as
   after any write) and ``--warm`` times again:

   * open the page: the page's layout, then the callbacks that fill it (the scenario lists, the
     editor of a new scenario, the grid's columns);
   * choose a scenario: the editor, the results (chart, years table, band) and the tile map;
     also as a provincial director, who reads his or her province's share;
   * compare four scenarios (chart and table);
   * preview applying one to the draft submission of 2026 (every line and target that changes).

   Bar: every callback under 150 ms median and 300 ms p95. Results go to bench/out/costing.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time

import pandas as pd

from bench.env import OUT, setup
from indicators import costing

YEARS = list(range(2026, 2031))
PROVINCES = [f"{p:02d}" for p in range(1, 26)]
BENEFITS = 5
BAR_MEDIAN_MS, BAR_P95_MS = 150, 300
# The fifth benefit: the demo's catalogue has four. Illustrative, for the benchmark only.
BENCH_BENEFIT = {"code": "BENCH_CHILD", "name_en": "Child grant (benchmark only)", "name_km": "ប្រាក់ឧបត្ថម្ភកុមារ",
                 "amount": 30_000, "payments_per_year": 12, "eligible_key": "bench_children"}
SCENARIOS = ("A", "B", "C", "D")
USERS = ("bench-budget", "bench-dir07")


def run(repeats: int = 20) -> float:
    """The median time of one computation of the formula, in milliseconds."""
    eligible = pd.DataFrame([{"year": y, "unit": p, "eligible_key": f"k{b}", "count": 1000.0 + b}
                             for y in YEARS for p in PROVINCES for b in range(BENEFITS)])
    options = [costing.BenefitOption(f"B{b}", 40_000, 12, f"k{b}", [0.6] * len(YEARS), indexed=True, admin_rate=0.05)
               for b in range(BENEFITS)]
    cpi = dict.fromkeys(YEARS, 0.03)
    macro = pd.DataFrame({"year": YEARS, "gdp": [2e14] * 5, "government_expenditure": [4e13] * 5})
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        rows = costing.cost_rows(eligible, options, YEARS, cpi)
        costing.year_totals(rows, macro, YEARS)
        for factor in (1 - costing.SENSITIVITY, 1 + costing.SENSITIVITY):
            costing.year_totals(costing.cost_rows(eligible, costing.with_take_up(options, factor), YEARS, cpi),
                                macro, YEARS)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


# --- the page's callbacks at scale ---------------------------------------------------------------


def prepare(url: str) -> tuple[list[int], int]:
    """The fifth benefit and its eligible population (once), four bench scenarios (made again each
    run) and the 2026 draft submission; returns (scenario ids, submission id)."""
    from sqlalchemy import delete, select

    from db.costing import create_scenario
    from db.engine import session_scope
    from db.models import Benefit, CostingScenario, EligiblePopulation, Submission
    from db.submissions import Actor, open_submission
    from domain.access import Scope

    actor = Actor(Scope(0, "bench", "budget_unit"))
    with session_scope(url) as session:
        catalogue = list(session.scalars(select(Benefit).order_by(Benefit.code)))
        if not any(b.code == BENCH_BENEFIT["code"] for b in catalogue):
            first = catalogue[0]
            session.add(Benefit(**BENCH_BENEFIT, cluster_code=first.cluster_code, economic_code=first.economic_code,
                                indicator_code=first.indicator_code))
            session.add_all([EligiblePopulation(year=y, unit_code=p, eligible_key=BENCH_BENEFIT["eligible_key"],
                                                count=8_000.0 + 150 * int(p) + 40 * (y - YEARS[0]))
                             for y in YEARS for p in PROVINCES])
            session.flush()
        codes = sorted(session.scalars(select(Benefit.code)))
        if len(codes) != BENEFITS:
            raise SystemExit(f"the catalogue has {len(codes)} benefits, the benchmark needs {BENEFITS}: {codes}")
        session.execute(delete(CostingScenario).where(CostingScenario.name.like("bench 25×5×5 %")))
        ids = []
        for n, letter in enumerate(SCENARIOS):
            body = {"name": f"bench 25×5×5 {letter}", "first_year": YEARS[0], "years": len(YEARS),
                    "benefits": [{"code": code, "amount": None, "indexed": n % 2 == 0,
                                  "take_up": [min(1.0, 0.5 + 0.05 * n + 0.04 * k) for k in range(len(YEARS))],
                                  "admin_rate": 0.05, "multiplier": 1.0} for code in codes]}
            ids.append(create_scenario(session, actor, body).id)
        draft = session.scalar(select(Submission.id).where(Submission.fiscal_year == YEARS[0]))
        if draft is None:
            draft = open_submission(session, actor, YEARS[0]).id
    return ids, draft


def payloads(dependencies: list[dict], role: str, scenarios: list[int], submission: int) -> dict[str, dict]:
    """Name → ``/_dash-update-component`` body of each callback a user of ``role`` triggers."""
    from bench.latency import _by_output
    from tests.helpers.web import callback_payload

    deps = _by_output(dependencies)
    chosen, refresh = scenarios[0], {"n": 0, "select": None}
    out = {
        "open: layout": callback_payload(deps["_pages_content"], {"_pages_location.pathname": "/costing",
                                                                  "_pages_location.search": ""}),
        "open: scenario lists": callback_payload(deps["costing-scenario"], {"costing-refresh.data": refresh}),
        "open: editor (new scenario)": callback_payload(deps["costing-name"], {}),
        "open: grid columns": callback_payload(deps["costing-grid"], {"costing-first-year.value": YEARS[0],
                                                                      "costing-years.value": len(YEARS)}),
        "choose: editor": callback_payload(deps["costing-name"], {"costing-scenario.value": chosen}),
        "choose: results and band": callback_payload(deps["costing-chart"], {"costing-scenario.value": chosen,
                                                                             "costing-refresh.data": refresh}),
        "choose: tile map": callback_payload(deps["costing-map"], {"costing-map-year.value": YEARS[0],
                                                                   "costing-scenario.value": chosen}),
        "compare four": callback_payload(deps["costing-compare-chart"], {"costing-compare.value": scenarios,
                                                                         "costing-refresh.data": refresh}),
    }
    if role == "budget_unit":
        out["apply: preview"] = callback_payload(deps["costing-preview-message"], {
            "costing-preview.n_clicks": 1, "costing-scenario.value": chosen, "costing-submission.value": submission})
    return out


def _check(name: str, answer) -> None:
    """A timing of an answer that is not the page's is worthless: stop at the first such answer
    (an HTTP error, or a refusal or "unavailable" said to the user)."""
    from i18n import t

    refusals = [t(key, "en") for key in ("forbidden.body", "error.unavailable", "costing.gone",
                                         "costing.forbidden_apply")]
    if answer.status_code != 200 or any(words in answer.text for words in refusals):
        raise SystemExit(f"{name}: HTTP {answer.status_code}: {answer.text[:300]}")


def measure(app, key: str, url: str, cold: int, warm: int) -> dict:
    """Every callback of the page on one database, ``cold`` then ``warm`` times each; samples in ms
    by user and name."""
    from werkzeug.serving import make_server

    from bench.latency import ensure_users, free_port, sign_in
    from db.engine import dispose_all
    from db.queries.cache import clear

    ensure_users(url)
    scenarios, submission = prepare(url)
    app.config["PIB_DATABASE_URL"] = url
    clear()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    results: dict[str, dict] = {}
    try:
        for username in USERS:
            role = "budget_unit" if username == "bench-budget" else "provincial_director"
            session = sign_in(base, username)
            bodies = payloads(session.get(f"{base}/_dash-dependencies").json(), role, scenarios, submission)
            for name, body in bodies.items():
                _check(name, session.post(f"{base}/_dash-update-component", json=body))
                entry = results.setdefault(username, {}).setdefault(name, {"cold": [], "warm": []})
                # Cold: the query cache emptied first, as after a write; warm: the same request again.
                for state, count in (("cold", cold), ("warm", warm)):
                    for _ in range(count):
                        if state == "cold":
                            clear()
                        started = time.perf_counter()
                        answer = session.post(f"{base}/_dash-update-component", json=body)
                        entry[state].append((time.perf_counter() - started) * 1000)
                        if answer.status_code != 200:
                            raise SystemExit(f"{name}: HTTP {answer.status_code}")
                entry["bytes"] = len(answer.content)
            print(f"  {key}: {username} done", flush=True)
    finally:
        server.shutdown()
        dispose_all()
    return {"scenarios": scenarios, "submission": submission, "callbacks": results}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.costing", description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", nargs="+", default=["sqlite-10m", "postgresql-10m"])
    parser.add_argument("--cold", type=int, default=15, help="timed requests per user and callback, cache emptied")
    parser.add_argument("--warm", type=int, default=30, help="timed requests per user and callback, again")
    parser.add_argument("--formula-only", action="store_true")
    args = parser.parse_args()
    setup()
    formula = run()
    print(f"costing: 25 provinces × 5 years × 5 benefits, with the band: {formula:.1f} ms (median of 20)", flush=True)
    report = {"measured": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "formula_ms": formula,
              "bar": {"median_ms": BAR_MEDIAN_MS, "p95_ms": BAR_P95_MS}, "runs": {"cold": args.cold, "warm": args.warm},
              "databases": {}}
    if args.formula_only:
        (OUT / "costing.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
        return 0
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from app import create_app
    from bench.latency import summary
    from bench.scale import load_builds, url_for

    builds = load_builds()
    app = None
    for key in args.dbs:
        if key not in builds:
            print(f"{key}: not built (run python -m bench.scale); skipped", flush=True)
            continue
        url = url_for(*key.split("-"))
        if app is None:  # one Dash app per process; later databases are pointed at through its config
            app = create_app({"TESTING": True, "PIB_DATABASE_URL": url})
        print(f"{key}: {builds[key]['rows']:,} fact rows", flush=True)
        found = measure(app, key, url, args.cold, args.warm)
        found["rows"] = builds[key]["rows"]
        report["databases"][key] = found
        for username, callbacks in found["callbacks"].items():
            for name, entry in callbacks.items():
                c, w = summary(entry["cold"]), summary(entry["warm"])
                met = max(c["median"], w["median"]) < BAR_MEDIAN_MS and max(c["p95"], w["p95"]) < BAR_P95_MS
                print(f"  {username:<13}{name:<28}cold {c['median']:6.1f}/{c['p95']:6.1f}  warm {w['median']:6.1f}/"
                      f"{w['p95']:6.1f}  {entry['bytes'] / 1024:6.1f} KiB  {'met' if met else 'MISSED'}", flush=True)
    (OUT / "costing.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
