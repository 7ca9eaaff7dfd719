"""bench/RESULTS.md from the JSON and text that the benchmarks left in bench/out/.

    python -m bench.report

Every figure comes from a measurement file; nothing here measures. The hand-written analysis
(bench/diagnosis.md: why a bar is missed and what would fix it) is appended as it is, and the
notes of a later section (bench/notes/*.md: what its figures forced) follow that section's table.

bench/out/ is not kept in git, so a fresh machine, or a run of one benchmark, lacks the files of
the others: a section whose measurement files are missing keeps its text from the previous
RESULTS.md, marked as carried over, rather than losing the record.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import sqlite3
import statistics
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.env import OUT, ROOT, THREADS, WORKERS
from bench.latency import summary

RESULTS = ROOT / "bench" / "RESULTS.md"
DIAGNOSIS = ROOT / "bench" / "diagnosis.md"
NOTES = ROOT / "bench" / "notes"
NOT_MEASURED = ("Not measured", "Not run", "Not built")
DB_ORDER = ("sqlite-1m", "postgresql-1m", "sqlite-10m", "postgresql-10m")
BAR_MEDIAN, BAR_P95 = 150.0, 300.0
NO_DB = {"layout", "selectors"}  # callbacks that read (almost) nothing: no naive twin


def _load(name: str) -> dict | None:
    path = OUT / name
    return json.loads(path.read_text()) if path.exists() else None


def _ms(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    """Machine, date and versions."""
    import psutil

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    postgres = "unavailable"
    try:
        from sqlalchemy import create_engine, text

        from bench.scale import POSTGRES

        engine = create_engine(POSTGRES)
        with engine.connect() as conn:
            postgres = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - the report is written without a server too
        postgres = f"unavailable ({exc.__class__.__name__})"
    return [
        f"- Machine: {os.cpu_count()} CPUs ({cpu}), {psutil.virtual_memory().total / 2**30:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}",
        f"- Report written: {time.strftime('%Y-%m-%d %H:%M:%S %Z')} (each section gives when it was measured)",
        f"- Python {platform.python_version()}; dash {_package('dash')}, Flask {_package('flask')}, "
        f"SQLAlchemy {_package('sqlalchemy')}, pandas {_package('pandas')}, plotly {_package('plotly')}, "
        f"psycopg {_package('psycopg')}, gunicorn {_package('gunicorn')}, locust {_package('locust')}, "
        f"playwright {_package('playwright')}",
        f"- PostgreSQL server {postgres}; SQLite {sqlite3.sqlite_version}",
    ]


def scale_section() -> list[str]:
    builds = _load("builds.json") or {}
    plan = builds.get("_plan")
    lines = ["## 1. Demo databases at scale", ""]
    if not plan:
        return [*lines, "Not built (run `python -m bench.scale`).", ""]
    lines += [
        f"`python -m etl demo --scale N` multiplies the activities: each unit of N adds "
        f"{plan['budget_rows_per_scale']:,} `budget_fact` rows (counted from the generator at N = 1 and 2 and "
        f"checked against the loaded databases). The indicator values do **not** scale: they are one set per "
        f"commune and province per quarter, {plan['indicator_rows']:,} rows at any N. So \"1M\" and \"10M\" are "
        f"almost all budget rows; the indicator side of every page stays at the demo's ~0.1M rows.",
        "",
        "| database | N | budget_fact | indicator_value | total | build (s) | rows/s | peak RSS of build (MB) "
        "| size on disk (MB) | built |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    notes: list[str] = []
    for key in DB_ORDER:
        b = builds.get(key)
        if not b:
            lines.append(f"| {key} | – | not built | | | | | | | |")
            continue
        note = " (incl. writing the CSV files)" if b.get("files_generated") else ""
        lines.append(f"| {key} | {b['scale']} | {b['budget_rows']:,} | {b['indicator_rows']:,} | {b['rows']:,} | "
                     f"{b['build_s']:,.0f}{note} | {b['rows_per_s']:,} | {b['peak_rss_mb']:,.0f} | "
                     f"{b['db_bytes'] / 1e6:,.0f} | {b['built_at']} |")
        if b.get("note"):
            notes.append(f"- {key}: {b['note']}.")
    lines += ["", *notes] if notes else []
    lines += [
        "",
        "Build = `python -m etl demo --scale N --out bench/out/demo-N` after `python -m db upgrade`; peak RSS is the "
        "build process with its children, sampled every 0.1 s (the PostgreSQL server's own memory is not in it). "
        "The peak stays flat from 1M to 10M rows: the generator and the loader stream file by file. A database whose "
        "row count matches is reused by later runs; the figures are those of its build (bench/out/builds.json).",
        "",
    ]
    return lines


def etl_section() -> list[str]:
    path = OUT / "etl.txt"
    if not path.exists():
        return ["## 2. ETL speed", "", "Not run in this report (`python -m bench.etl`; `make bench` runs it).", ""]
    return ["## 2. ETL speed (`python -m bench.etl`)", "",
            "Bar: a full load (validated and written) in at most 1.25× (a), calamine's read alone (the first round's "
            "bar was twice). The loader pauses "
            "Python's cycle collector, which also speeds up its own read: (a') is calamine's read with the "
            "collector paused, and `load / (a')` the stricter ratio, shown for information.", "",
            "```", path.read_text().strip(), "```", ""]


def _bar(median: float, p95: float) -> str:
    return "yes" if median < BAR_MEDIAN and p95 < BAR_P95 else "**MISS**"


def latency_section() -> list[str]:
    lines = ["## 3. Callback latency", "",
             "Each page callback posted over HTTP (Werkzeug server in the benchmark process, `requests` client, gzip "
             "accepted) as signed-in users: budget unit (scorecards 07, 17, 12), MEF reviewer (07), directors of 07, "
             "17 and 12 (own scorecard); periods 2025-09, 2024-12, 2023-06. **Cold** = `db.queries.cache.clear()` "
             "right before the request (database and OS caches warm); **warm** = the same request again. Times in "
             "ms. **Naive** = the same figures from the raw facts: `pd.read_sql` of `budget_fact` / "
             "`indicator_value` (joined to `indicator`) and pandas `groupby`, at 2025-09; ratio = naive ÷ callback "
             "median. Bar (at 10M): median < 150 ms and p95 < 300 ms.", ""]
    found = False
    for key in DB_ORDER:
        data = _load(f"latency-{key}.json")
        if not data:
            continue
        found = True
        runs = data.get("runs", {})
        scope = (f"users {', '.join(data['users'])}; periods {', '.join(data['periods'])}; per user, period and "
                 f"callback {runs.get('cold')} cold + {runs.get('warm')} warm requests; naive runs "
                 f"{runs.get('naive')}" if "users" in data else "all users and periods")
        lines += [f"### {key} ({data['rows']:,} fact rows; measured {data['measured_at']}, naive check: "
                  f"{data['naive_check']})", "", scope + ". " + data.get("conditions", ""), "",
                  "| callback | cold median | cold p95 | warm median | warm p95 | n cold + warm | naive median "
                  "| naive ÷ cold | naive ÷ warm | response (KiB, gzip) | bar cold | bar warm | HTTP |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
        for name, entry in data["callbacks"].items():
            cold, warm = summary(entry["cold"]), summary(entry["warm"])
            naive = statistics.median(entry["naive"]) if entry.get("naive") else float("nan")
            ratio_cold = naive / cold["median"] if entry.get("naive") else float("nan")
            ratio_warm = naive / warm["median"] if entry.get("naive") else float("nan")
            size = statistics.median(entry["bytes"]) / 1024 if entry.get("bytes") else float("nan")
            status = ", ".join(f"{k}×{v}" for k, v in sorted(entry["status"].items()))
            lines.append(
                f"| {name} | {_ms(cold['median'])} | {_ms(cold['p95'])} | {_ms(warm['median'])} | {_ms(warm['p95'])} "
                f"| {cold['n']} + {warm['n']} | {_ms(naive)} | "
                f"{'–' if math.isnan(ratio_cold) else f'{ratio_cold:,.1f}×'} | "
                f"{'–' if math.isnan(ratio_warm) else f'{ratio_warm:,.1f}×'} | {size:,.1f} | "
                f"{_bar(cold['median'], cold['p95'])} | {_bar(warm['median'], warm['p95'])} | {status} |")
        lines.append("")
        if key.endswith("10m"):
            lines += [f"Cold median by role at {key} (ms):", "",
                      "| callback | budget_unit | mef_reviewer | provincial_director |", "|---|---:|---:|---:|"]
            for name, entry in data["callbacks"].items():
                roles = entry.get("by_role", {})
                cells = [_ms(summary(roles[r]["cold"])["median"]) if r in roles else "–"
                         for r in ("budget_unit", "mef_reviewer", "provincial_director")]
                lines.append(f"| {name} | {' | '.join(cells)} |")
            lines.append("")
    if not found:
        lines += ["Not measured (run `python -m bench.latency`).", ""]
    return lines


def firstload_section() -> list[str]:
    data = _load("firstload.json")
    lines = ["## 4. First load of the overview (Chromium)", ""]
    if not data:
        return [*lines, "Not measured (run `python -m bench.firstload`).", ""]
    lines += [f"Measured {data.get('measured_at', '?')}. gunicorn ({WORKERS} workers × {THREADS} threads), budget "
              "unit signed in beforehand through the login form (Playwright's request API, so the browser cache "
              "starts empty). Time = from `page.goto('/')` until `#kpi-revised-value` holds text; bytes = sum of "
              "CDP `Network.loadingFinished.encodedDataLength` (compressed, on the wire) until the network is idle. "
              "Return visit = a new page in the same context (HTTP cache kept). Charts = until the programme bars "
              "and the tile map are drawn too. Bar: < 2 s.", "",
              "| database | visit | median (s) | p95 (s) | n | all runs (s) | charts drawn, median / p95 (s) "
              "| transferred (KiB) | requests | bar |",
              "|---|---|---:|---:|---:|---|---|---:|---:|---|"]
    for key in DB_ORDER:
        result = data.get(key)
        if not result:
            continue
        for kind in ("first", "return"):
            f = result[kind]
            runs = ", ".join(f"{s:.2f}" for s in f["all_s"])
            if not f["n"]:
                lines.append(f"| {key} | {kind} | – | – | 0 | | | | | **MISS** |")
                continue
            charts = (f"{f['complete_median_s']:.2f} / {f['complete_p95_s']:.2f}" if "complete_median_s" in f
                      else "–")
            lines.append(f"| {key} | {kind} | {f['median_s']:.2f} | {f['p95_s']:.2f} | {f['n']} | {runs} | {charts} | "
                         f"{f['bytes'] / 1024:,.0f} | {f['requests']} | "
                         f"{'yes' if f['p95_s'] < 2 else '**MISS**'} |")
    lines.append("")
    for key in DB_ORDER:
        result = data.get(key)
        if result and (result.get("failures") or result.get("server_tracebacks")):
            lines.append(f"- {key}: failed visits: {result.get('failures') or 'none'}; tracebacks in the gunicorn log: "
                         f"{result.get('server_tracebacks', 0)} (see section 6.5).")
    lines.append("")
    for key in DB_ORDER:
        result = data.get(key)
        if not result or not result["first"]["n"]:
            continue
        for kind in ("first", "return"):
            lines += [f"Largest resources, {kind} visit ({key}):", "", "| resource | type | KiB |", "|---|---|---:|"]
            lines += [f"| `{r['url']}` | {r['type']} | {r['bytes'] / 1024:,.1f} |" for r in result[kind]["largest"]]
            lines.append("")
        errors = result["first"]["errors"] + result["return"]["errors"]
        lines += [f"Page errors: {errors or 'none'}. KPI shown: {result['first']['kpi']!r}.", ""]
        break  # one database's resource list: the assets are the same on both
    return lines


def load_section() -> list[str]:
    """Round one (50 readers, bench/out/load-*.json): round two (section 5b) replaced its locustfile,
    so its figures are those of the last report that had them."""
    lines = ["## 5. Load test, round one (50 readers; Locust, gunicorn)", ""]
    if not any((OUT / f"load-{key}.json").exists() for key in DB_ORDER):
        return [*lines, "Not measured in this run (round two's `python -m bench.load` replaced it).", ""]
    found = False
    for key in DB_ORDER:
        data = _load(f"load-{key}.json")
        if not data:
            continue
        if not found:
            lines += [
                f"`gunicorn app:server --workers {data['workers']} --threads {data['threads']} --worker-class gthread`."
                " Why: callbacks are CPU-bound Python (pandas, plotly figure building, JSON) and hold the GIL, so "
                "parallelism comes from processes: one per core plus one, so that no core idles while a worker waits "
                "on the database; 4 threads per worker overlap those waits (PostgreSQL round trips, SQLite reads) "
                "and keep a slow callback from queueing fast ones behind it. More workers would cost ~150 MB each "
                "(every worker holds the app and its own query cache) for no more CPU. Locust runs on the same "
                "2 cores (one process), so it takes CPU from the server: figures are pessimistic.",
                "",
                f"{data['users']} users for {data['seconds']} s, spawned at {max(1, data['users'] // 10)}/s: 60 % "
                "directors of 10 provinces (their scorecard ×4, the overview ×1), 20 % budget unit (provinces ×2, "
                "programmes ×1, a scorecard ×1), 20 % MEF reviewers (overview). Each signs in through the form "
                "first; a page view is the GET and the callbacks the browser fires on load (layout, selectors, main, "
                "drill-down on scorecards) with `X-CSRFToken`; think time 3–10 s. A response saying the data is "
                "unavailable or the page not permitted counts as a failure. Times in ms. Bar: p95 < 500 ms, no "
                "failures.", ""]
            found = True
        aggregated = next((r for r in data["stats"] if r["name"] == "Aggregated"), None)
        lines += [f"### {key} ({data['rows']:,} fact rows; measured {data['measured_at']})", "",
                  f"gunicorn memory (master + {data['processes'] - 1} workers, summed RSS): idle "
                  f"{data['rss_idle_mb']:,.0f} MB, peak {data['rss_peak_mb']:,.0f} MB, at the end "
                  f"{data['rss_end_mb']:,.0f} MB.", ""]
        if aggregated:
            lines += [f"All requests: {aggregated['count']:,} ({aggregated['rps']:.1f}/s), {aggregated['failures']} "
                      f"failures, median {_ms(aggregated['median'])}, p95 {_ms(aggregated['p95'])}, max "
                      f"{_ms(aggregated['max'])}.", ""]
        lines += ["| request | n | failures | median | p95 | p99 | max | bar |",
                  "|---|---:|---:|---:|---:|---:|---:|---|"]
        for row in data["stats"]:
            if row["name"] == "Aggregated":
                continue
            ok = row["p95"] < 500 and row["failures"] == 0
            lines.append(f"| {row['name']} | {row['count']:,} | {row['failures']} | {_ms(row['median'])} | "
                         f"{_ms(row['p95'])} | {_ms(row['p99'])} | {_ms(row['max'])} | {'yes' if ok else '**MISS**'} |")
        lines.append("")
        for failure in data["failures"][:10]:
            lines.append(f"- failure: {failure.get('Method')} {failure.get('Name')}: {failure.get('Error')} "
                         f"×{failure.get('Occurrences')}")
        lines.append("")
    if not found:
        lines += ["Not measured (run `python -m bench.load`).", ""]
    return lines


LOAD2_ORDER = ("sqlite-demo", "postgresql-demo", *DB_ORDER)
WRITE_KINDS = {"lines": "line saves (`PUT …/lines`)", "decisions": "MEF decisions (`PUT …/decisions`)",
               "comments": "comments (`POST …/comments`)", "explanations": "explanations (`PUT /api/v1/explanations`)"}


def load2_section() -> list[str]:
    """Round two of the load test: every role at once (bench/out/load2-*.json)."""
    lines = ["## 5b. Load test, round two: every role at once (`python -m bench.load`)", ""]
    found = [(f"{key}{variant}", _load(f"load2-{key}{variant}.json")) for key in LOAD2_ORDER
             for variant in ("", "-readers")]
    found = [(key, data) for key, data in found if data]
    if not found:
        return [*lines, "Not measured (run `python -m bench.load`).", ""]
    first = found[0][1]
    lines += [
        f"Locust users of every role on `gunicorn app:server --workers {first['workers']} --threads "
        f"{first['threads']} --worker-class gthread`, several runs in a row against the same server (the numbers "
        "under each database; ramp-up at users ÷ 20 a second inside each run's time). Each signed-in user has an "
        "account of his or her own and signs in through the form; a page view is the GET and the callbacks Chromium "
        "fires on load, in order, with the values the earlier answers gave (overview, provinces, programmes, "
        "scorecard with lineage and drill-down, submission: year, totals, grid and diff; costing: lists, compare, "
        "then the saved scenario's editor, results, columns and map"
        + ("; the review page" if first.get("review_page") else "; no review page in this build") + "). "
        "Directors read their own scorecard, the overview, programmes and the draft, and explain their province's "
        "deviations (found through `/api/v1/indicators`); the budget unit's readers add provinces, any scorecard "
        "and costing; its editors save their own lines of the draft one by one with `row_version`; MEF readers "
        "read the submitted submission; reviewers decide (adjust, a new amount each time) and comment on their own "
        "lines of it; anonymous readers open `/open` and its JSON of two published periods, each from an address "
        "of its own (`X-Forwarded-For`, `PIB_PROXY_HOPS=1`: the /open rate limit counts per address). Think time "
        "3–10 s. The run works on a copy of the database (the stage: accounts, next year's draft, this year's "
        "submission justified and submitted, two periods published, a costing scenario), so that nothing it "
        "writes reaches the other benchmarks. During each run `python -m etl load` of an execution workbook for "
        "2025-10, every entity (new bytes each run, so each run's replaces the one before) runs beside the users. "
        "A response saying the data is "
        "unavailable or not permitted is a failure; a 409 stale refusal is not (it is counted apart, `[409 "
        "stale]`, and the write retried once with the version it gives: each writer owns its rows, so none is "
        "expected). Times in ms. Bar: p95 < 500 ms per request type, no failure, no lost or doubled write.", ""]
    for key, data in found:
        passes = data["passes"]
        readers = " — readers only: nobody writes, no workbook" if data.get("readers_only") else ""
        mix = ", ".join(f"{n} {kind}" for kind, n in data["mix"].items())
        lines += [f"### {key}{readers} (measured {data['measured_at']}; stage {data['stage_s']} s)", "",
                  f"{data['users']} users ({mix}), {data['seconds']} s a run, {len(passes)} run(s)"
                  + ("." if data.get("readers_only") else
                     f"; the workbook (up to {data['load_rows']:,} rows) starts {data['load_at']} s into each run."),
                  ""]
        for run in passes:
            agg = next((r for r in run["stats"] if r["name"] == "Aggregated"), None)
            if agg:
                lines.append(f"- Run {run['pass']} ({run['elapsed']} s): {agg['count']:,} requests "
                             f"({agg['rps']:.1f}/s), {agg['failures']} failures, median {_ms(agg['median'])}, "
                             f"p95 {_ms(agg['p95'])}, max {_ms(agg['max'])}.")
        lines.append("")
        header = "| request |" + "".join(f" n, run {r['pass']} | failures | median | p95 | max |" for r in passes) \
            + " bar |"
        lines += [header, "|---|" + "---:|" * (5 * len(passes)) + "---|"]
        names = sorted({row["name"] for run in passes for row in run["stats"] if row["name"] != "Aggregated"})
        for name in names:
            cells, met = [], True
            for run in passes:
                row = next((r for r in run["stats"] if r["name"] == name), None)
                if row is None:
                    cells.append("– | – | – | – | –")
                    continue
                met &= row["failures"] == 0 and not (row["p95"] >= 500)
                cells.append(f"{row['count']:,} | {row['failures']} | {_ms(row['median'])} | {_ms(row['p95'])} | "
                             f"{_ms(row['max'])}")
            lines.append(f"| {name} | {' | '.join(cells)} | {'yes' if met else '**MISS**'} |")
        lines.append("")
        for run in passes:
            for error in run.get("exceptions", [])[:8]:
                lines.append(f"- run {run['pass']} task error (a user's task raised; its requests were not sent): "
                             f"{error.get('Message', '')[:160]} ×{error.get('Count')}")
            for failure in run["failures"][:8]:
                lines.append(f"- run {run['pass']} failure: {failure.get('Method')} {failure.get('Name')}: "
                             f"{failure.get('Error', '')[:160]} ×{failure.get('Occurrences')}")
        lines += ["", "Workbook loaded during the run (`python -m etl load`, its own process):", "",
                  "| run | rows | started at (s) | time (s) | peak RSS (MB) | exit | result |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for run in passes:
            w = run.get("workbook_load")
            if w:
                lines.append(f"| {run['pass']} | {w['rows']:,} | {w['started_at_s']} | {w['seconds']:.1f} | "
                             f"{w['peak_rss_mb']:,.0f} | {w['exit']} | {w['summary'][:120]} |")
        lines += ["", "Writes counted afterwards: Locust's answers against the database. *In the database* is "
                  "the rows for comments (each carries the run's tag) and, for the writes that update a row "
                  "(lines, decisions, explanations), the audit entries the write layer adds with each change; "
                  "*final value* compares each row written with the last value its writer was answered 2xx for.",
                  "", "| write | run | 2xx | 409 stale | other | in the database | audit entries | rows checked | "
                  "final value wrong | lost | doubled | verdict |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for kind, label in WRITE_KINDS.items():
            for run in passes:
                w = run["writes"].get(kind)
                if not w:
                    continue
                lines.append(f"| {label} | {run['pass']} | {w['answers_2xx']:,} | {w['stale_409']} | "
                             f"{w['other_answers']} | {w['db_rows']:,} | {w['audit_rows']:,} | {w['rows_checked']:,} | "
                             f"{len(w['final_value_wrong'])} | {w['lost']} | {w['doubled']} | "
                             f"{_verdict(w)} |")
        lines.append("")
        pids = sorted({pid for run in passes for pid in run["rss_peak_mb"]} | set(data["rss_idle_mb"]), key=int)
        steps = [f"run {b['pass']} − run {a['pass']}" for a, b in zip(passes, passes[1:], strict=False)]
        lines += [f"Memory of each gunicorn worker (RSS, MB; sampled every 0.5 s; {data['workers_seen']} worker "
                  f"process(es) seen for {data['workers']} workers: more would mean one was restarted). Growth = "
                  "the difference of the runs' peaks. Each worker keeps up to 512 answers in its own cache, and "
                  "every write makes the cached answers stale, so memory grows until that cache is full; growth "
                  "that goes on from run to run after that is a leak.", "",
                  "| worker pid | idle | " + " | ".join(f"run {r['pass']} peak | run {r['pass']} end" for r in passes)
                  + "".join(f" | growth {step}" for step in steps) + " |",
                  "|---|---:|" + "---:|" * (2 * len(passes) + len(steps))]
        for pid in pids:
            peaks = [run["rss_peak_mb"].get(pid) for run in passes]
            cells = " | ".join(f"{_mb(run['rss_peak_mb'].get(pid))} | {_mb(run['rss_end_mb'].get(pid))}"
                               for run in passes)
            growth = "".join(f" | {b - a:+,.0f}" if a is not None and b is not None else " | –"
                             for a, b in zip(peaks, peaks[1:], strict=False))
            lines.append(f"| {pid} | {_mb(data['rss_idle_mb'].get(pid))} | {cells}{growth} |")
        lines.append("")
    return lines


def _verdict(w: dict) -> str:
    if not w["ok"]:
        return "**MISMATCH**"
    return "no lost or doubled write" if w["answers_2xx"] else "no write made: nothing checked"


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


REPRODUCE = """## How to reproduce

```sh
make install-dev          # the venv with requirements-dev.txt (locust included)
make bench                # = .venv/bin/python -m bench: every step below, then this file
```

Steps one by one (each writes bench/out/*.json; `python -m bench.report` rewrites this file from them):

```sh
.venv/bin/python -m bench.scale        # builds (or reuses) sqlite/postgresql × 1M/10M; PostgreSQL on
                                       # 127.0.0.1:5432 as postgres (databases pib_bench_1m, pib_bench_10m)
.venv/bin/python -m bench.etl --repeat 3
.venv/bin/python -m bench.latency      # --dbs sqlite-10m … --cold 2 --warm 5 --naive 3
.venv/bin/python -m bench.firstload    # Chromium at /usr/bin/chromium
.venv/bin/python -m bench.load         # round two: --dbs postgresql-1m sqlite-1m --users 200
                                       #   --seconds 240 --passes 3 (about 30 min for both databases)
.venv/bin/python -m bench.report
```

The first 10M builds take a while (see section 1); later runs reuse them. Everything the
benchmarks write is under bench/out/ (git-ignored), with their own instance folder and secret
key: instance/ is never touched.
"""


def submission_section() -> list[str]:
    """Saving one line of a 3,000-line submission (python -m bench.submission)."""
    data = _load("submission.json")
    lines = ["## 10. Saving one line of a submission (`python -m bench.submission`)", ""]
    if data is None:
        return [*lines, "Not measured on this machine yet.", ""]
    lines += [f"Measured {data['measured']}. `PUT /api/v1/submissions/<id>/lines` with one line, through the app "
              "in the benchmark process with a bearer token: authentication, the write with its checks and audit "
              "row, and the answer with the line's five flags read from the marts. The demo (one year of "
              "execution and indicators), with activity clusters added until the 2026 submission has the lines "
              f"below. Bar: p95 under {data['bar_p95_ms']} ms.", "",
              "| database | lines | saves | median (ms) | p95 (ms) | max (ms) | bar |",
              "|---|---:|---:|---:|---:|---:|---|"]
    for backend, f in data["backends"].items():
        met = "met" if f["p95_ms"] < data["bar_p95_ms"] else "missed"
        lines.append(f"| {backend} | {f['lines']:,} | {f['saves']} | {f['median_ms']:.1f} | {f['p95_ms']:.1f} | "
                     f"{f['max_ms']:.1f} | {met} |")
    return [*lines, ""]


def slow_link_section() -> list[str]:
    """First visits over an emulated slow link (bench/out/slow_link.json, ``python -m bench.slow_link``)."""
    data = _load("slow_link.json")
    lines = ["## 13. Slow link: first visits at 1.6 Mbit/s and 150 ms (`python -m bench.slow_link`)", ""]
    if not data:
        return [*lines, "Not measured (run `python -m bench.slow_link`).", ""]
    load = data.get("load_average", {})
    lines += [f"Measured {data['measured_at']} on `{data['db']}` (bytes do not depend on the data's size), "
              f"{data['runs']} runs per page. gunicorn ({WORKERS} workers × {THREADS} threads); Chromium with "
              f"CDP `Network.emulateNetworkConditions` (latency {data['latency_ms']} ms, down "
              f"{data['down_bytes_per_s'] * 8 / 1e6:.1f} Mbit/s, up {data['up_bytes_per_s'] * 8 / 1e3:.0f} kbit/s), "
              "a new context (empty cache) per visit, signed in beforehand through the login form. Interactive = the "
              "page's first figure shows and its charts are drawn (the overview: `#kpi-revised-value`, programme "
              "bars, tile map; the scorecard: `#scorecard-score-value`, budget bars, quadrant points; `/open`: the "
              "`load` event and its indicator table). Bytes = CDP `encodedDataLength` until the network is idle. "
              "Load average (1 min) "
              f"{load.get('before', [math.nan])[0]:.1f} before, {load.get('after', [math.nan])[0]:.1f} after. Bars: "
              f"< {data['bar_s']:.0f} s, < {data['bar_bytes'] / 1000:.0f} kB.", "",
              "| page | user | median (s) | max (s) | all runs (s) | network idle, median (s) | transferred (kB) "
              "| requests | bar |", "|---|---|---:|---:|---|---:|---:|---:|---|"]
    for name, page in data["pages"].items():
        if not page["n"]:
            lines.append(f"| {name} (`{page['path']}`) | {page['user']} | – | – | | | | | "
                         f"**MISS** ({page['failures']}) |")
            continue
        met = page["max_s"] < data["bar_s"] and page["bytes"] < data["bar_bytes"]
        lines.append(f"| {name} (`{page['path']}`) | {page['user']} | {page['median_s']:.2f} | {page['max_s']:.2f} | "
                     f"{', '.join(f'{s:.2f}' for s in page['all_s'])} | {page['idle_median_s']:.2f} | "
                     f"{page['bytes'] / 1000:,.0f} | {page['requests']} | {'yes' if met else '**MISS**'} |")
    lines.append("")
    for name, page in data["pages"].items():
        lines += [f"Largest resources, {name}:", "", "| resource | type | kB |", "|---|---|---:|"]
        lines += [f"| `{r['url']}` | {r['type']} | {r['bytes'] / 1000:,.1f} |" for r in page["largest"][:6]]
        lines.append("")
    errors = sorted({e for page in data["pages"].values() for e in page["errors"]})
    lines += [f"Page errors: {errors or 'none'}; tracebacks in the gunicorn log: {data['server_tracebacks']}.", ""]
    return [*lines, *_notes("slow-link")]


def _notes(name: str) -> list[str]:
    """The hand-written notes of a section (bench/notes/<name>.md), after its generated figures."""
    path = NOTES / f"{name}.md"
    return [path.read_text(encoding="utf-8").strip(), ""] if path.exists() else []


def costing_section() -> list[str]:
    """The costing formula and the /costing page's callbacks (bench/out/costing.json)."""
    data = _load("costing.json")
    lines = ["## 11. Costing: the formula and the `/costing` page's callbacks (`python -m bench.costing`)", ""]
    if data is None:
        return [*lines, "Not measured (run `python -m bench.costing`).", ""]
    bar = data["bar"]
    lines += [f"Measured {data['measured']}. Bar: the formula under 100 ms; every callback under "
              f"{bar['median_ms']:.0f} ms median and {bar['p95_ms']:.0f} ms p95.", "",
              f"**The formula** (one scenario of 25 provinces × 5 years × 5 benefits with its ±10 % take-up band, "
              f"in process): **{data['formula_ms']:.1f} ms**, median of 20. "
              f"{'Met' if data['formula_ms'] < 100 else 'Missed'}.", ""]
    if not data["databases"]:
        return [*lines, "The page's callbacks were not measured in this run (`--formula-only`, or no database "
                "built by `python -m bench.scale`).", ""]
    runs = data["runs"]
    lines += ["**The page's callbacks**, posted over HTTP as the browser posts them (Werkzeug in the benchmark "
              "process, a `requests` session signed in through the login form). **Cold** = the query cache emptied "
              f"right before the request ({runs['cold']} requests), **warm** = the same request again "
              f"({runs['warm']}); times in ms; the answer's size uncompressed.", "",
              "| database | user | callback | cold median | cold p95 | warm median | warm p95 | answer (KiB) | bar |",
              "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for key, found in data["databases"].items():
        for user, callbacks in found["callbacks"].items():
            for name, entry in callbacks.items():
                c, w = summary(entry["cold"]), summary(entry["warm"])
                met = max(c["median"], w["median"]) < bar["median_ms"] and max(c["p95"], w["p95"]) < bar["p95_ms"]
                lines.append(f"| {key} ({found['rows']:,} rows) | {user} | {name} | {_ms(c['median'])} | "
                             f"{_ms(c['p95'])} | {_ms(w['median'])} | {_ms(w['p95'])} | {entry['bytes'] / 1024:.1f} | "
                             f"{'met' if met else 'missed'} |")
    return [*lines, "", *_notes("costing")]


def etl_round_two_section() -> list[str]:
    """The second ETL round: its figures were taken in pairs by hand (bench/notes/etl-round-two.md)."""
    notes = _notes("etl-round-two")
    head = ["## 12. ETL speed, round two (a full load in at most 1.25× calamine's read)", ""]
    return [*head, *notes] if notes else [*head, "Not measured (see section 2 and `python -m bench.etl`).", ""]


def previous_sections(path: Path = RESULTS) -> dict[str, list[str]]:
    """The sections of an earlier RESULTS.md by their number ("1", "5b", "11"), each with its lines."""
    if not path.exists():
        return {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## (\d+[a-z]?)\. ", line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
        elif line.startswith("## "):
            current = None
        if current is not None:
            current.append(line)
    return sections


def carried_over(section: list[str], previous: dict[str, list[str]]) -> list[str]:
    """``section`` itself, or, when this run has no figures for it, the earlier report's same section."""
    if not section:
        return section
    number = re.match(r"## (\d+[a-z]?)\. ", section[0])
    measured = not any(line.startswith(NOT_MEASURED) for line in section[1:4])
    old = previous.get(number.group(1)) if number else None
    if measured or not old or any(line.startswith(NOT_MEASURED) for line in old[1:4]):
        return section
    note = "*Carried over from the previous report: not measured again in this run (its files are not in bench/out/).*"
    body = [line for line in old[1:] if not line.startswith("*Carried over from the previous report")]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return [old[0], "", note, "", *body, ""]


def builds_carried_over(section: list[str], previous: dict[str, list[str]]) -> list[str]:
    """Section 1 with each database this machine has not built shown as the earlier report had it
    (the 10M databases take long to build; the latency and first-load figures were taken on them)."""
    earlier = {line.split(" | ")[0]: line for line in previous.get("1", [])
               if line.startswith("| ") and " | not built |" not in line}
    return [earlier[line.split(" | ")[0]].rstrip(" |").removesuffix(" (earlier report)") + " (earlier report) |"
            if " | not built |" in line and line.split(" | ")[0] in earlier else line for line in section]


def main() -> int:
    previous = previous_sections()
    lines = ["# PIB Dashboard benchmarks", "", *machine(), ""]
    for section in (builds_carried_over(scale_section(), previous), etl_section(), latency_section(),
                    firstload_section(), load_section(),
                    load2_section(), submission_section()):
        lines += carried_over(section, previous)
    if DIAGNOSIS.exists():
        lines += [DIAGNOSIS.read_text().strip(), ""]
    for section in (costing_section(), etl_round_two_section(), slow_link_section()):
        lines += carried_over(section, previous)
    lines.append(REPRODUCE)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
