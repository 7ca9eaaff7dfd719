"""Load test: gunicorn on a database, 50 Locust users for a while, and gunicorn's memory.

    python -m bench.load [--dbs postgresql-10m sqlite-10m] [--users 50] [--seconds 90]

Creates the users with ``python -m auth create-user`` (password on standard input) when they
are missing, starts ``gunicorn app:server`` (bench.env.WORKERS × THREADS, gthread) from the
current directory, runs ``locust -f bench/locustfile.py --headless`` against it, and samples
the resident memory of the gunicorn master and workers every second. Results (per request
type: count, failures, median, p95, max) go to ``bench/out/load-<db>.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.env import OUT, ROOT, THREADS, WORKERS, gunicorn, setup, tree_rss
from bench.latency import PASSWORD

DIRECTORS = ("01", "03", "07", "08", "12", "14", "17", "18", "21", "22")


def ensure_cli_users(url: str) -> None:
    """The budget unit, a reviewer and the directors, made with the project's own command."""
    env = {**os.environ, "PIB_DATABASE_URL": url}
    listed = subprocess.run([sys.executable, "-m", "auth", "list"], env=env, capture_output=True, text=True,
                            check=True).stdout
    wanted = [("bench-budget", "budget_unit", None), ("bench-reviewer", "mef_reviewer", None)]
    wanted += [(f"bench-dir{code}", "provincial_director", code) for code in DIRECTORS]
    for name, role, province in wanted:
        if any(line.split()[:1] == [name] or f" {name} " in f" {line} " for line in listed.splitlines()):
            continue
        command = [sys.executable, "-m", "auth", "create-user", name, "--role", role]
        if province:
            command += ["--province", province]
        done = subprocess.run(command, env=env, input=f"{PASSWORD}\n", capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"create-user {name}: {done.stderr or done.stdout}")


def read_stats(prefix: Path) -> list[dict]:
    """Locust's ``*_stats.csv``: one row per request type and an Aggregated row."""
    rows = []
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            def number(key: str, row: dict = row) -> float:
                value = row.get(key, "")
                return float(value) if value not in ("", "N/A") else float("nan")

            rows.append({"name": row["Name"], "type": row["Type"], "count": int(row["Request Count"]),
                         "failures": int(row["Failure Count"]), "median": number("Median Response Time"),
                         "p95": number("95%"), "p99": number("99%"), "max": number("Max Response Time"),
                         "rps": number("Requests/s")})
    return rows


def run_database(key: str, url: str, users: int, seconds: int) -> dict:
    ensure_cli_users(url)
    prefix = OUT / f"locust-{key}"
    samples: list[int] = []
    with gunicorn(url, log=OUT / f"gunicorn-load-{key}.log") as (base, process):
        idle = tree_rss(process.pid)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append(tree_rss(process.pid))
                stop.wait(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        env = {**os.environ, "PIB_BENCH_DIRECTORS": ",".join(DIRECTORS), "PIB_BENCH_PASSWORD": PASSWORD}
        locust = Path(sys.executable).parent / "locust"
        started = time.perf_counter()
        with (OUT / f"locust-{key}.log").open("w", encoding="utf-8") as log:
            subprocess.run([str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                            "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s", "--host", base,
                            "--csv", str(prefix), "--only-summary", "--stop-timeout", "15"],
                           env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        workers = len(__import__("psutil").Process(process.pid).children(recursive=True))
    failures = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with failures_csv.open(encoding="utf-8") as handle:
            failures = list(csv.DictReader(handle))
    return {"db": key, "users": users, "seconds": seconds, "elapsed": round(elapsed, 1), "workers": WORKERS,
            "threads": THREADS, "processes": workers + 1, "stats": read_stats(prefix), "failures": failures,
            "rss_idle_mb": round(idle / 2**20, 1), "rss_peak_mb": round(max(samples, default=0) / 2**20, 1),
            "rss_end_mb": round((samples[-1] if samples else 0) / 2**20, 1),
            "measured_at": time.strftime("%Y-%m-%d %H:%M:%S")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", nargs="+", default=["postgresql-10m", "sqlite-10m"])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=90)
    args = parser.parse_args()
    setup()
    from bench.scale import url_for

    builds = json.loads((OUT / "builds.json").read_text())
    for key in args.dbs:
        if key not in builds:
            print(f"{key}: not built; skipped", flush=True)
            continue
        backend, size = key.split("-")
        result = run_database(key, url_for(backend, size), args.users, args.seconds)
        result["rows"] = builds[key]["rows"]
        (OUT / f"load-{key}.json").write_text(json.dumps(result, indent=1))
        print(f"{key}: {args.users} users, {args.seconds} s; gunicorn RSS idle {result['rss_idle_mb']} MB, "
              f"peak {result['rss_peak_mb']} MB", flush=True)
        for row in result["stats"]:
            print(f"  {row['name']:<34} n={row['count']:<6} fail={row['failures']:<4} median {row['median']:6.0f} "
                  f"p95 {row['p95']:6.0f} max {row['max']:6.0f} ms", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
