"""Saving one line of a 3,000-line submission, on SQLite and PostgreSQL; and the submission and
review pages' callbacks on a database as it is.

    python -m bench.submission [--saves 200] [--lines 3000]
    python -m bench.submission --views URL [--runs 20] [--year 2026]

Builds the demo (one year of execution and indicators) in a fresh database per backend, adds
activity clusters until the 2026 submission has ``--lines`` lines, then times
``PUT /api/v1/submissions/<id>/lines`` with one line (through the Flask app in this process,
with a bearer token: authentication, the write with its checks and audit row, and the answer
with the line's five flags read from the marts). Writes bench/out/submission.json.
Bar: p95 under 300 ms.

``--views`` posts, through Flask's test client in this process, every callback that fills the
submission page on its first load (as the budget unit and Kampot's director) and the review page
(as MEF's reviewer): once after emptying the query cache (cold), then ``--runs`` times (warm).
It prints the median and 95th percentile per callback and writes nothing (but the bench
accounts it signs in with). ``--hearing-parts`` times the parts of the review hearing instead
(with its size in bytes and components, and the median CPU time of this process per answer).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.env import OUT, setup
from bench.scale import POSTGRES, fresh

BAR_P95_MS = 300
_app = None


def build(url: str, lines: int, folder: Path) -> int:
    """The demo database with a submission of ``lines`` lines; its id."""
    from sqlalchemy import insert, select

    from db.engine import session_scope
    from db.migrate import upgrade
    from db.models import Programme, SubmissionLine
    from db.submissions import Actor, open_submission
    from domain.access import Scope
    from domain.vocabulary import ENTITY_CODES
    from etl.demo import write_demo
    from etl.load import load_file

    upgrade(url)
    for file in write_demo(folder, log=lambda _m: None):
        assert load_file(file, url=url).status == "loaded", file
    with session_scope(url) as session:
        sub = open_submission(session, Actor(Scope(0, "bench", "budget_unit")), 2026)
        have = session.scalar(select(SubmissionLine.id).order_by(SubmissionLine.id.desc()).limit(1)) or 0
        # New clusters under an existing sub-programme: lines a ministry adds for new activities.
        parent = session.scalar(select(Programme.code).where(Programme.level == "subprogramme").limit(1))
        needed, rows, k = lines - have, [], 0
        while len(rows) < needed:
            k += 1
            code = f"{parent}.{100 + k}"
            session.add(Programme(code=code, parent_code=parent, level="activity_cluster",
                                  name_en=f"Bench cluster {k}", name_km=f"ចង្កោម {k}"))
            for entity in ENTITY_CODES:
                for chapter, source in (("60", "RGC"), ("62", "RGC"), ("62", "DP")):
                    rows.append({"submission_id": sub.id, "entity_code": entity, "cluster_code": code,
                                 "economic_code": chapter, "funding_source": source, "request_y1": 1_000_000,
                                 "request_y2": 1_000_000, "request_y3": 1_000_000, "justification": "",
                                 "row_version": 1, "updated_by": "bench"})
        session.flush()
        session.execute(insert(SubmissionLine), rows[:needed])
        return sub.id


def measure(url: str, submission_id: int, saves: int) -> dict:
    """Time ``saves`` one-line saves through the API; the line count and timings in ms."""
    from sqlalchemy import func, select

    from app import create_app
    from auth.users import create_token, create_user
    from db.engine import session_scope
    from db.models import SubmissionLine

    global _app
    if _app is None:  # one Dash app per process; the second backend points it at its database
        _app = create_app({"PIB_DATABASE_URL": url, "TESTING": True})
    app = _app
    app.config["PIB_DATABASE_URL"] = url
    with session_scope(url) as session:
        create_user(session, "bench-budget", "bench-password-123", "budget_unit")
        session.flush()
        token = create_token(session, "bench-budget")
        count = session.scalar(select(func.count()).select_from(SubmissionLine)
                               .where(SubmissionLine.submission_id == submission_id))
        keys = session.execute(select(SubmissionLine.entity_code, SubmissionLine.cluster_code,
                                      SubmissionLine.economic_code, SubmissionLine.funding_source)
                               .where(SubmissionLine.submission_id == submission_id)
                               .order_by(SubmissionLine.id).limit(saves)).all()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    for i in range(saves):
        entity, cluster, chapter, source = keys[i % len(keys)]
        body = {"lines": [{"entity": entity, "cluster": cluster, "economic_code": chapter, "funding_source": source,
                           "request": [1_000_000 + i, 1_050_000, 1_100_000]}]}
        started = time.perf_counter()
        answer = client.put(f"/api/v1/submissions/{submission_id}/lines", json=body, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.json
    times.sort()
    return {"lines": count, "saves": saves, "median_ms": statistics.median(times),
            "p95_ms": times[int(0.95 * (len(times) - 1))], "max_ms": times[-1]}


# What each page's first load sends, per component id (others: None).
# The review's history is timed opened (one click on its summary; closed, its callback reads nothing).
_PAGE_VALUES = {"viewport": 1400, "filter-show": "all", "page": 0, "diff-version": 1, "history-summary": 1}


def _page_inputs(dependency: dict, year: int) -> dict:
    values = {}
    for spec in dependency["inputs"] + dependency["state"]:
        name = str(spec["id"]).split("-", 1)[-1]
        key = f"{spec['id']}.{spec['property']}"
        if name == "year":
            values[key] = year
        elif name == "asked":
            values[key] = {"year": year}
        elif name in _PAGE_VALUES:
            values[key] = _PAGE_VALUES[name]
    return values


def views(url: str, runs: int, year: int) -> None:
    """Time the callbacks of the submission and review pages' first load on ``url``."""
    import re

    from app import create_app
    from auth.users import create_user, get_user
    from db.engine import session_scope
    from db.queries.cache import clear
    from tests.helpers.web import callback_payload

    app = create_app({"PIB_DATABASE_URL": url, "TESTING": True})
    people = {"budget": ("budget_unit", None, "submission"), "director07": ("provincial_director", "07", "submission"),
              "reviewer": ("mef_reviewer", None, "review")}
    with session_scope(url) as session:
        for name, (role, province, _page) in people.items():
            if get_user(session, f"bench-{name}") is None:
                create_user(session, f"bench-{name}", "bench-password-1", role, province=province)
    # cpu: the median CPU time of this process per warm answer (moves less than the clock on a busy machine).
    print(f"{'user':<12}{'callback':<60}{'cold':>8}{'median':>8}{'p95':>8}{'cpu':>8}   (ms, {runs} warm runs)")
    for name, (_role, _province, page) in people.items():
        client = app.test_client()
        form = client.get("/login").data
        token = re.search(rb'name="csrf_token" value="([^"]+)"', form).group(1).decode()
        client.post("/login", data={"username": f"bench-{name}", "password": "bench-password-1",
                                    "csrf_token": token})
        client.get(f"/{page}")
        csrf = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
        for dependency in client.get("/_dash-dependencies").get_json():
            inputs = dependency["inputs"]
            if not dependency["output"].lstrip(".").startswith(f"{page}-") or dependency.get("clientside_function") \
                    or dependency.get("prevent_initial_call") or any(i["property"] == "n_clicks" for i in inputs) \
                    or any(isinstance(i["id"], dict) for i in inputs):
                continue  # only what the page's first load fires
            payload = callback_payload(dependency, _page_inputs(dependency, year))
            clear()
            started = time.perf_counter()
            answer = client.post("/_dash-update-component", json=payload, headers=csrf)
            cold = (time.perf_counter() - started) * 1000
            times, cpu = [], []
            for _ in range(runs):
                started, used = time.perf_counter(), time.process_time()
                client.post("/_dash-update-component", json=payload, headers=csrf)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
            times.sort()
            status = "" if answer.status_code in (200, 204) else f" [{answer.status_code}]"
            label = dependency["output"].strip(".").split("...")[0][:58]
            print(f"{name:<12}{label:<60}{cold:>8.0f}{statistics.median(times):>8.0f}"
                  f"{times[min(runs - 1, int(0.95 * runs))]:>8.0f}{statistics.median(cpu):>8.0f}{status}", flush=True)


def hearing_parts(url: str, runs: int, year: int) -> None:
    """Where the review hearing's time goes: timers around its parts, ``runs`` warm answers."""
    import functools
    import re

    from app import create_app
    from tests.helpers.web import callback_payload

    app = create_app({"PIB_DATABASE_URL": url, "TESTING": True})
    import pages.review as page  # registered by create_app

    spent: dict[str, list[float]] = {}

    def timed(owner, name: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def inner(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        setattr(owner, name, inner)

    timed(page.reads, "view")
    timed(page.review_reads, "full_history")
    for name in ("programme_sections", "history_list", "_explanations_by_line"):
        if hasattr(page, name):  # the history left the hearing for its own callback
            timed(page, name)
    client = app.test_client()
    token = re.search(rb'name="csrf_token" value="([^"]+)"', client.get("/login").data).group(1).decode()
    client.post("/login", data={"username": "bench-reviewer", "password": "bench-password-1", "csrf_token": token})
    client.get("/review")
    csrf = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    dependency = next(d for d in client.get("/_dash-dependencies").get_json()
                      if d["output"].lstrip(".").startswith("review-status."))
    payload = callback_payload(dependency, _page_inputs(dependency, year))
    for _ in range(3):
        client.post("/_dash-update-component", json=payload, headers=csrf)
    spent.clear()
    whole, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        answer = client.post("/_dash-update-component", json=payload, headers=csrf)
        whole.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    # CPU time of this process: on a machine shared with others it moves less than the clock.
    print(f"hearing answer: {len(answer.data):,} bytes, {_components(answer.get_json())} components, "
          f"median {statistics.median(whole):.0f} ms of {runs} (CPU {statistics.median(cpu):.0f} ms)")
    for name, times in spent.items():
        print(f"  {name:<24}{statistics.median(times):8.1f} ms")
    history = next((d for d in client.get("/_dash-dependencies").get_json()
                    if d["output"].strip(".") == "review-history.children"), None)
    if history is not None:  # the history in a callback of its own, timed opened
        payload = callback_payload(history, _page_inputs(history, year))
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            answer = client.post("/_dash-update-component", json=payload, headers=csrf)
            times.append((time.perf_counter() - started) * 1000)
        print(f"history, opened: {len(answer.data):,} bytes, median {statistics.median(times):.0f} ms of {runs}")


def _components(node: object) -> int:
    """Dash components in an answer's JSON."""
    if isinstance(node, dict):
        own = 1 if "namespace" in node and "props" in node else 0
        return own + sum(_components(v) for v in node.values())
    if isinstance(node, list):
        return sum(_components(v) for v in node)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.submission", description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--views", metavar="URL", help="time the pages' callbacks on this database instead")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--hearing-parts", action="store_true",
                        help="with --views: where the review hearing's time goes instead (run --views once first)")
    args = parser.parse_args()
    setup()
    if args.views:
        (hearing_parts if args.hearing_parts else views)(args.views, args.runs, args.year)
        return 0
    results = {"measured": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "bar_p95_ms": BAR_P95_MS,
               "backends": {}}
    for backend in ("sqlite", "postgresql"):
        if backend == "sqlite":
            url = f"sqlite:///{OUT / 'pib-submission.sqlite3'}"
        else:
            from sqlalchemy.engine import make_url

            url = make_url(args.postgres).set(database="pib_bench_submission").render_as_string(hide_password=False)
        fresh(url, args.postgres)
        sid = build(url, args.lines, OUT / f"submission-demo-{backend}")
        figures = measure(url, sid, args.saves)
        results["backends"][backend] = figures
        print(f"{backend}: {figures['lines']:,} lines, {figures['saves']} one-line saves: median "
              f"{figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, max {figures['max_ms']:.1f} ms "
              f"(bar p95 < {BAR_P95_MS} ms)", flush=True)
    (OUT / "submission.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
