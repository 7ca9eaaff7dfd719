"""Callback latency on a database (default: the demo data in instance/): every page callback,
posted over HTTP (Flask's test client, in process) as signed-in users, cold and warm cache.

    PIB_DATABASE_URL=... python -m bench.callbacks [--runs 20] [--writes]

Prints median and 95th percentile per callback. ``--writes``: a person's write is counted before
each warm call (outside its time), as in a busy week when directors and the budget unit write
every few seconds: what a warm answer costs when what shows people's writes is stale. Not part
of the test suite.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--writes", action="store_true", help="count a person's write before each warm call")
    args = parser.parse_args()

    from app import create_app
    from auth.users import create_user, get_user
    from db.engine import session_scope
    from db.queries.cache import clear, note_write
    from tests.helpers.web import callback_payload

    app = create_app({"TESTING": True})
    people = {"budget": ("budget_unit", None), "director07": ("provincial_director", "07")}
    with session_scope() as session:
        for name, (role, province) in people.items():
            if get_user(session, f"bench-{name}") is None:
                create_user(session, f"bench-{name}", "bench-password-1", role, province=province)
    with session_scope() as session:
        from sqlalchemy import text

        year, period = session.execute(text(
            "SELECT fiscal_year, MAX(period) FROM budget_mart GROUP BY fiscal_year ORDER BY fiscal_year DESC")).first()
    values = {"year": year, "period": period}
    print(f"callbacks at {year} {period}, {args.runs} runs each; times in ms")
    print(f"{'user':<12}{'callback':<58}{'cold':>8}{'median':>8}{'p95':>8}")
    for name in people:
        client = app.test_client()
        form = client.get("/login").data
        token = re.search(rb'name="csrf_token" value="([^"]+)"', form).group(1).decode()
        client.post("/login", data={"username": f"bench-{name}", "password": "bench-password-1",
                                    "csrf_token": token})
        csrf = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
        for dependency in client.get("/_dash-dependencies").get_json():
            output = dependency["output"]
            if dependency.get("clientside_function") or "data-upload" in str(dependency["inputs"]) \
                    or "download" in output or "users-" in output or "_pages" in output:
                continue
            inputs = {}
            for spec in dependency["inputs"] + dependency["state"]:
                key = f"{spec['id']}.{spec['property']}"
                if str(spec["id"]).endswith("-year"):
                    inputs[key] = values["year"]
                elif str(spec["id"]).endswith("-period"):
                    inputs[key] = values["period"]
                elif str(spec["id"]).endswith("-asked"):
                    inputs[key] = {}
                elif str(spec["id"]).endswith("-metric"):
                    inputs[key] = "execution_rate"
                elif spec["id"] == "scorecard-code":
                    inputs[key] = "07"
                elif spec["id"] == "scorecard-drill-indicator":
                    inputs[key] = "FP_PW"
                elif spec["property"] == "data":
                    inputs[key] = 1
            payload = callback_payload(dependency, inputs)
            clear()
            started = time.perf_counter()
            answer = client.post("/_dash-update-component", json=payload, headers=csrf)
            cold = (time.perf_counter() - started) * 1000
            times = []
            for _ in range(args.runs):
                if args.writes:
                    with session_scope() as session:
                        note_write(session)
                started = time.perf_counter()
                client.post("/_dash-update-component", json=payload, headers=csrf)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            label = output.strip(".")[:56]
            status = "" if answer.status_code in (200, 204) else f" [{answer.status_code}]"
            print(f"{name:<12}{label:<58}{cold:>8.0f}{statistics.median(times):>8.0f}{p95:>8.0f}{status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
