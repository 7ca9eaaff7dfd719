"""Load test, round two: every role at once on gunicorn, a workbook loaded during the run, the
writes counted afterwards, and each worker's memory over two runs in a row.

    python -m bench.load [--dbs postgresql-1m sqlite-1m] [--users 200] [--seconds 240] [--passes 3]
                         [--load-rows 50000] [--load-at 60] [--keep] [--cpu-by-type]

For each database (``<backend>-1m`` / ``-10m`` built by ``bench.scale``; ``<backend>-demo`` is
the demo data set, built here when missing, for a quick check):

1. a working copy (``CREATE DATABASE … TEMPLATE`` / SQLite's backup), so that the writes, the
   workbook and the publications of the run never change the database the other benchmarks
   measure; dropped at the end unless ``--keep``;
2. the stage, through the write layer: one account per Locust user (directors of every
   province, budget unit readers and editors, MEF readers and reviewers), next year's draft
   (the demo's) for editing, this year's submission opened, justified and submitted for review,
   two periods published for /open, a costing scenario;
3. ``gunicorn app:server`` (bench.env.WORKERS × THREADS, ``PIB_PROXY_HOPS=1`` so that each
   simulated public reader has an address of its own for the /open rate limit);
4. ``--passes`` runs of ``locust -f bench/locustfile.py --headless`` against the same server,
   each with ``--users`` users for ``--seconds`` s. ``--load-at`` s into each run,
   ``python -m etl load`` of a ``--load-rows``-row execution workbook (2025-10, every entity;
   its bytes differ per run, so the second run's load replaces the first's, as a corrected file
   does) in a subprocess, timed;
5. after each run, the writes counted: per write kind, Locust's 2xx answers against the rows
   and audit entries in the database, and each row's final value against the last value its
   writer sent (bench/locustfile.py's ledger);
6. the resident memory of every gunicorn worker sampled every 0.5 s (psutil): its peak and end
   per run, so that growth from one run to the next shows.

``--readers-only``: the same users and pages, but no write and no workbook: what the writes cost
the readers (each write makes stale the cached answers that show it).

``--cpu-by-type``: gunicorn serves ``bench.cpu_app:server``, which writes down the CPU time of
each request's serving thread; each run then prints the ten request types that cost the server
most (count × mean), and the JSON holds them all (``cpu_by_type``). What to cut first on a
machine whose cores are saturated.

Results go to ``bench/out/load2-<db>.json``; ``bench.report`` turns them into section 5.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from bench.env import OUT, ROOT, THREADS, WORKERS, gunicorn, setup, worker_cpu, worker_rss

PASSWORD = "bench-password-1"  # noqa: S105 - benchmark users on benchmark databases
# Share of the users per Locust class (bench/locustfile.py): 200 → 75 directors (3 per
# province), 20 budget unit readers, 10 budget unit editors, 15 MEF readers, 5 MEF reviewers,
# 75 anonymous /open readers.
MIX = {"Director": 0.375, "BudgetReader": 0.10, "BudgetEditor": 0.05, "MefReader": 0.075, "Reviewer": 0.025,
       "OpenReader": 0.375}
PERIODS = ((2025, "2025-09"), (2025, "2025-06"), (2024, "2024-12"), (2023, "2023-06"))
PUBLISHED = ((2025, "2025-06"), (2024, "2024-12"))
EXPLAIN = (2025, "2025-09")  # the period whose deviations the directors explain
CPU_LOG = OUT / "cpu-by-type.log"  # bench/cpu_app.py writes it, one file per worker
LOAD_PERIOD = (2025, "2025-10")  # the month the workbook brings: the next after the demo's last
ACCOUNTS = ("6011", "6061", "6211", "6221", "6411")


def mix(users: int) -> dict[str, int]:
    """Users per class: the shares of ``MIX``, at least one each, summing to ``users``."""
    if users < len(MIX):
        raise SystemExit(f"--users must be at least {len(MIX)} (one of each kind)")
    exact = {k: users * share for k, share in MIX.items()}
    counts = {k: max(1, math.floor(v)) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - math.floor(exact[k]), reverse=True):
        if sum(counts.values()) >= users:
            break
        counts[k] += 1
    while sum(counts.values()) > users:  # the minimum of one pushed it over: take from the largest
        counts[max(counts, key=counts.get)] -= 1
    return counts


# --- the databases -------------------------------------------------------------------------------------


def source_url(key: str) -> str | None:
    """The database ``key`` names (``sqlite-1m``, ``postgresql-demo``, …); None when not built."""
    from bench.scale import fact_counts, url_for

    backend, size = key.split("-")
    url = url_for(backend, size)
    if size == "demo":
        if url.startswith("postgresql"):
            _create_if_missing(url)
        if not fact_counts(url) or not fact_counts(url)[0]:
            env = {**os.environ, "PIB_DATABASE_URL": url}
            subprocess.run([sys.executable, "-m", "db", "upgrade"], env=env, check=True, cwd=ROOT)
            subprocess.run([sys.executable, "-m", "etl", "demo", "--out", str(OUT / "demo-1")], env=env, check=True,
                           cwd=ROOT, stdout=subprocess.DEVNULL)
        return url
    builds = json.loads((OUT / "builds.json").read_text()) if (OUT / "builds.json").exists() else {}
    return url if key in builds and fact_counts(url) else None


def _admin():
    from sqlalchemy import create_engine

    from bench.scale import POSTGRES

    return create_engine(POSTGRES, isolation_level="AUTOCOMMIT")


def _create_if_missing(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin = _admin()
    name = make_url(url).database
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def working_copy(source: str, key: str) -> str:
    """A fresh copy of ``source`` for this run's writes; its URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"load-{key}"
    if source.startswith("sqlite"):
        target = OUT / f"pib-{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        # The backup API copies a consistent database, with whatever its WAL still holds.
        with sqlite3.connect(make_url(source).database) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"sqlite:///{target}"
    database = f"pib_bench_{name.replace('-', '_')}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{make_url(source).database}"'))
    admin.dispose()
    return make_url(source).set(database=database).render_as_string(hide_password=False)


def drop(url: str) -> None:
    """Remove a working copy."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from db.engine import dispose_all

    dispose_all()
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{make_url(url).database}{suffix}").unlink(missing_ok=True)
        return
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


# --- the stage ---------------------------------------------------------------------------------------


def accounts(counts: dict[str, int]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """One account name per Locust user of each class, and each director's province."""
    from domain.vocabulary import PROVINCE_CODES

    names: dict[str, list[str]] = {}
    provinces: dict[str, str] = {}
    for i in range(counts["Director"]):
        code = PROVINCE_CODES[i % len(PROVINCE_CODES)]
        name = f"bench-dir{code}-{i // len(PROVINCE_CODES) + 1}"
        names.setdefault("Director", []).append(name)
        provinces[name] = code
    for kind, prefix in (("BudgetReader", "bench-budget-r"), ("BudgetEditor", "bench-budget-e"),
                         ("MefReader", "bench-mef-r"), ("Reviewer", "bench-mef-d")):
        names[kind] = [f"{prefix}{n + 1}" for n in range(counts[kind])]
    return names, provinces


def stage(url: str, counts: dict[str, int]) -> dict:
    """Users, submissions, publications and a costing scenario in the working copy; the plan's
    fixed part (bench/locustfile.py reads it)."""
    from sqlalchemy import select

    from auth.users import create_user, get_user
    from db import costing as costing_writes
    from db import publications
    from db import submissions as writes
    from db.engine import session_scope
    from db.models import Benefit, CostingScenario, Macro, Publication, User
    from db.queries import submission as reads
    from domain.access import Scope
    from domain.vocabulary import BUDGET_UNIT, MEF_REVIEWER, PROVINCE_CODES, PROVINCIAL_DIRECTOR
    from etl.demo_submission import open_demo_submission

    names, provinces = accounts(counts)
    roles = {"Director": PROVINCIAL_DIRECTOR, "BudgetReader": BUDGET_UNIT, "BudgetEditor": BUDGET_UNIT,
             "MefReader": MEF_REVIEWER, "Reviewer": MEF_REVIEWER}
    with session_scope(url) as session:
        for kind, people in names.items():
            for name in people:
                if get_user(session, name) is None:
                    create_user(session, name, PASSWORD, roles[kind], province=provinces.get(name),
                                full_name=f"Benchmark {name}")

    def actor(session, name: str) -> writes.Actor:
        user = session.scalar(select(User).where(User.username == name))
        return writes.Actor(Scope.for_user(user), address="bench")

    with session_scope(url) as session:
        latest = reads.latest_data_year(session)
    draft_year, review_year = latest + 1, latest
    open_demo_submission(url, draft_year)  # the demo's draft; nothing when it is there already
    with session_scope(url) as session:
        budget = actor(session, names["BudgetEditor"][0])
        draft = reads.find_by_year(session, draft_year)
        if draft.status == writes.SUBMITTED:
            # The demo runs its review cycle, so its draft may come out submitted: MEF returns it,
            # or the editors' every save would be refused (409) and no line written.
            writes.act(session, actor(session, names["Reviewer"][0]), draft.id, "return",
                       comment="Returned for the benchmark's editors.")
        sub = reads.find_by_year(session, review_year)
        if sub is None:
            sub = writes.open_submission(session, budget, review_year)
        if sub.status != writes.SUBMITTED:
            # Every flagged line justified, the total above any ceiling explained: then submitted.
            flagged = reads.lines_with_flags(session, sub)
            flagged = flagged[flagged["flags"].map(bool)]
            if not flagged.empty:
                writes.save_lines(session, budget, sub.id, [
                    {"entity": r.entity, "cluster": r.cluster, "economic_code": r.economic_code,
                     "funding_source": r.funding_source,
                     "justification": "The caseload grew with the registration round; the request follows it."}
                    for r in flagged.itertuples(index=False)])
            writes.set_above_ceiling_justification(session, budget, sub.id,
                                                   "New beneficiaries registered this year are paid in full.")
            writes.act(session, budget, sub.id, "submit")
        ids = {"draft": {"id": draft.id, "year": draft.fiscal_year}, "submitted": {"id": sub.id, "year": review_year}}
        for year, period in PUBLISHED:
            if session.get(Publication, (year, period)) is None:
                publications.publish(session, budget, year, period)
        scenario = session.scalar(select(CostingScenario.id).where(CostingScenario.name == "Bench scenario"))
        if scenario is None:
            macro = sorted(session.scalars(select(Macro.year)))
            years = min(5, len(macro))
            benefits = [{"code": code, "indexed": True, "take_up": [0.6] * years, "admin_rate": 0.05}
                        for code in session.scalars(select(Benefit.code).order_by(Benefit.code))]
            scenario = costing_writes.create_scenario(session, budget, {
                "name": "Bench scenario", "first_year": macro[0], "years": years, "benefits": benefits}).id
    return {"password": PASSWORD, "accounts": names, "provinces": provinces, **ids, "scenario": scenario,
            "periods": [list(p) for p in PERIODS], "published": [list(p) for p in PUBLISHED],
            "explain": list(EXPLAIN), "scorecards": list(PROVINCE_CODES),
            "review_page": (ROOT / "pages" / "review.py").exists(), "mix": counts}


def refresh(url: str, plan: dict) -> dict:
    """The lines each writer owns, with their versions as they are now (before each run)."""
    from sqlalchemy import func, select

    from db.engine import session_scope
    from db.models import AuditLog, LineDecision, SubmissionLine

    editors, reviewers = plan["mix"]["BudgetEditor"], plan["mix"]["Reviewer"]
    with session_scope(url) as session:
        draft = session.execute(select(SubmissionLine).where(SubmissionLine.submission_id == plan["draft"]["id"])
                                .order_by(SubmissionLine.id)).scalars().all()
        lines = [{"id": x.id, "entity": x.entity_code, "cluster": x.cluster_code, "economic_code": x.economic_code,
                  "funding_source": x.funding_source, "row_version": x.row_version} for x in draft]
        submitted = session.execute(select(SubmissionLine.id).where(
            SubmissionLine.submission_id == plan["submitted"]["id"]).order_by(SubmissionLine.id)).scalars().all()
        versions = dict(session.execute(select(LineDecision.line_id, LineDecision.row_version).where(
            LineDecision.submission_id == plan["submitted"]["id"])).all())
        mark = session.scalar(select(func.max(AuditLog.id))) or 0
    return {**plan, "editor_lines": [lines[k::editors] for k in range(editors)],
            "review_lines": [[{"id": i, "row_version": versions.get(i)} for i in submitted[k::reviewers]]
                             for k in range(reviewers)], "audit_mark": mark}


# --- the workbook loaded during the run ----------------------------------------------------------------


def workbook(url: str, rows: int, tag: str, path: Path) -> int:
    """An execution workbook of about ``rows`` rows for ``LOAD_PERIOD``, every entity, from the
    database's own activities (the 1M databases have 999); ``tag`` in its title makes its bytes
    new each run. Returns the rows written (fewer where the database has fewer activities)."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from db.engine import session_scope
    from db.models import Programme
    from etl.contract import EXECUTION

    entities = ["00"] + [f"{n:02d}" for n in range(1, 26)]
    with session_scope(url) as session:
        nodes = {p.code: (p.parent_code, p.level) for p in session.scalars(select(Programme))}
    activities = sorted(c for c, (_parent, level) in nodes.items() if level == "activity")
    per_entity = min(len(activities), math.ceil(rows / (len(entities) * len(ACCOUNTS) * 2)))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("execution")
    sheet.append([f"MoSVY budget execution, benchmark run {tag} (synthetic)"])
    sheet.append([c.name for c in EXECUTION])
    count = 0
    year, period = LOAD_PERIOD
    for entity in entities:
        for activity in activities[:per_entity]:
            cluster = nodes[activity][0]
            sub = nodes[cluster][0]
            for account in ACCOUNTS:
                for source in ("RGC", "DP"):
                    count += 1
                    sheet.append([year, period, entity, nodes[sub][0], sub, cluster, activity, account, source,
                                  40_000_000 + count, 40_000_000 + count, 30_000_000, 25_000_000])
    book.save(path)
    return count


def load_workbook(url: str, path: Path, log: Path) -> dict:
    """``python -m etl load`` of ``path``: wall time, exit code, peak RSS of the process."""
    import psutil

    env = {**os.environ, "PIB_DATABASE_URL": url}
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen([sys.executable, "-m", "etl", "load", str(path)], env=env, cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
        peak = 0
        while process.poll() is None:
            with contextlib.suppress(psutil.Error):
                peak = max(peak, psutil.Process(process.pid).memory_info().rss)
            time.sleep(0.2)
    seconds = time.perf_counter() - started
    summary = [line for line in log.read_text(encoding="utf-8").splitlines() if "loaded" in line or "rejected" in line]
    return {"seconds": round(seconds, 2), "exit": process.returncode, "peak_rss_mb": round(peak / 2**20, 1),
            "summary": summary[-1] if summary else log.read_text(encoding="utf-8")[-300:]}


# --- the writes counted ------------------------------------------------------------------------------


def count_writes(url: str, plan: dict, ledger: dict) -> dict:
    """Per write kind: Locust's answers against the database (rows, audit entries, final values)."""
    from sqlalchemy import select

    from db.engine import session_scope
    from db.models import AuditLog, Explanation, LineDecision, SubmissionComment, SubmissionLine

    accounts_of = plan["accounts"]
    kinds = {"lines": ("submission.line", accounts_of["BudgetEditor"]),
             "decisions": ("review.decision", accounts_of["Reviewer"]),
             "comments": ("review.comment", accounts_of["Reviewer"]),
             "explanations": ("review.explanation", accounts_of["Director"])}
    out = {}
    with session_scope(url) as session:
        for kind, (action, people) in kinds.items():
            audited = session.execute(select(AuditLog.detail).where(
                AuditLog.id > plan["audit_mark"], AuditLog.action == action,
                AuditLog.username.in_(people))).scalars().all()
            details = [json.loads(d) for d in audited]
            entry = ledger.get(kind, {})
            result = {"answers_2xx": entry.get("ok", 0), "stale_409": entry.get("stale", 0),
                      "other_answers": entry.get("other", 0), "audit_rows": len(details)}
            wrong = []
            rows = entry.get("rows", {})
            if kind == "lines":
                per_line = Counter(str(d.get("line")) for d in details)
                for line_id, row in rows.items():
                    stored = session.get(SubmissionLine, int(line_id))
                    if stored is None or stored.request_y1 != row["last"] or per_line[line_id] != row["ok"]:
                        wrong.append({"line": line_id, "sent_last": row["last"], "stored": stored and stored.request_y1,
                                      "answers_2xx": row["ok"], "audit_rows": per_line[line_id]})
                result["db_rows"] = len(details)
                result["answered_changed"] = entry.get("changed", 0)
            elif kind == "decisions":
                per_line = Counter(str(d.get("line")) for d in details)
                for line_id, row in rows.items():
                    stored = session.get(LineDecision, int(line_id))
                    if stored is None or stored.recommended != row["last"] or per_line[line_id] != row["ok"]:
                        wrong.append({"line": line_id, "sent_last": row["last"],
                                      "stored": stored and stored.recommended, "answers_2xx": row["ok"],
                                      "audit_rows": per_line[line_id]})
                result["db_rows"] = len(details)
            elif kind == "comments":
                stored = session.execute(select(SubmissionComment.id, SubmissionComment.text).where(
                    SubmissionComment.text.like(f"bench {plan['run']} %"))).all()
                result["db_rows"] = len(stored)
                texts = Counter(text for _id, text in stored)
                # Every comment's text is unique: one stored twice is doubled, one never stored lost.
                wrong += [{"text": text[:60], "times": n} for text, n in texts.items() if n > 1]
                wrong += [{"text": text[:60], "times": 0}
                          for text in sorted({r["last"] for r in rows.values()} - set(texts))]
            else:
                year, period = plan["explain"]
                for key, row in rows.items():
                    unit, indicator = key.split("/")
                    stored = session.scalar(select(Explanation.reason).where(
                        Explanation.fiscal_year == year, Explanation.period == period,
                        Explanation.unit_code == unit, Explanation.indicator_code == indicator))
                    if stored != row["last"]:
                        wrong.append({"deviation": key, "sent_last": row["last"][-40:],
                                      "stored": (stored or "")[-40:]})
                result["db_rows"] = len(details)
            result["rows_checked"] = len(rows)
            result["final_value_wrong"] = wrong[:20]
            result["lost"] = max(0, result["answers_2xx"] - result["db_rows"])
            result["doubled"] = max(0, result["db_rows"] - result["answers_2xx"])
            result["ok"] = (result["db_rows"] == result["answers_2xx"] == result["audit_rows"] and not wrong)
            out[kind] = result
    return out


# --- the run -----------------------------------------------------------------------------------------


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


def wait_cpu(process: subprocess.Popen) -> float:
    """Wait for ``process`` to end; the CPU seconds (user + system) it used, from the kernel's
    account of it (``wait4``): what the load generator took from the cores the server shares."""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def read_failures(prefix: Path, kind: str = "failures") -> list[dict]:
    """Locust's ``*_failures.csv`` (failed requests) or ``*_exceptions.csv`` (a task that raised)."""
    path = Path(f"{prefix}_{kind}.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class Sampler:
    """Every 0.5 s, the resident memory of each gunicorn worker, by pid; peaks and last values
    per phase (``phase`` is switched by the run)."""

    def __init__(self, master: int) -> None:
        self.master, self.phase = master, "idle"
        self.peak: dict[str, dict[int, int]] = {}
        self.last: dict[str, dict[int, int]] = {}
        self.cpu: dict[int, float] = {}  # each worker's CPU seconds (user + system) when last seen
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            found = worker_rss(self.master)
            peak = self.peak.setdefault(self.phase, {})
            for pid, rss in found.items():
                peak[pid] = max(peak.get(pid, 0), rss)
            self.last[self.phase] = found
            self.cpu.update(worker_cpu(self.master))
            self.stop.wait(0.5)

    def cpu_seconds(self) -> float:
        """CPU seconds the server has used so far: master and every worker seen, those that have
        exited counted at their last sample."""
        self.cpu.update(worker_cpu(self.master))
        return sum(self.cpu.values())

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join()

    def mb(self, phase: str, which: str = "peak") -> dict[str, float]:
        values = (self.peak if which == "peak" else self.last).get(phase, {})
        return {str(pid): round(rss / 2**20, 1) for pid, rss in sorted(values.items())}


def by_type(log: Path, since: float, until: float) -> list[dict]:
    """Per request type between two times: count, total and mean CPU (ms), most CPU first."""
    totals: dict[str, list[float]] = {}
    for path in log.parent.glob(f"{log.name}.*"):
        for line in path.read_text(encoding="utf-8").splitlines():
            at, name, cpu = line.split("\t")
            if since <= float(at) <= until:
                totals.setdefault(name, []).append(float(cpu))
    rows = [{"name": name, "count": len(cpus), "cpu_s": round(sum(cpus) / 1000, 2),
             "mean_ms": round(sum(cpus) / len(cpus), 1)} for name, cpus in totals.items()]
    return sorted(rows, key=lambda r: -r["cpu_s"])


def run_pass(base: str, url: str, key: str, plan: dict, number: int, args: argparse.Namespace,
             sampler: Sampler) -> dict:
    """One Locust run with the workbook load in the middle; its statistics and the writes counted."""
    tag = f"{time.strftime('%Y%m%d-%H%M%S')}-{number}"
    plan = {**refresh(url, plan), "run": tag, "amount_base": number * 1_000_000_000, "writes": not args.readers_only}
    plan_path, ledger_path = OUT / f"plan-{key}.json", OUT / f"ledger-{key}-{number}.json"
    plan_path.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    ledger_path.unlink(missing_ok=True)
    book = OUT / f"load-execution-{key}.xlsx"
    rows = workbook(url, args.load_rows, tag, book)
    prefix = OUT / f"locust-{key}-{number}"
    env = {**os.environ, "PIB_BENCH_PLAN": str(plan_path), "PIB_BENCH_LEDGER": str(ledger_path)}
    users = sum(plan["mix"].values())
    sampler.phase = f"run{number}"
    server_cpu_before, load_average = sampler.cpu_seconds(), [os.getloadavg()]
    started, began = time.perf_counter(), time.time()
    with (OUT / f"locust-{key}-{number}.log").open("w", encoding="utf-8") as log:
        locust = subprocess.Popen(
            [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(users), "-r", str(max(1, users // 20)), "-t", f"{args.seconds}s", "--host", base,
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "20"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        loaded = None
        if args.load_at < args.seconds and not args.readers_only:
            time.sleep(args.load_at)
            loaded = load_workbook(url, book, OUT / f"etl-load-{key}-{number}.log")
            loaded.update(rows=rows, started_at_s=args.load_at)
        locust_cpu = wait_cpu(locust)
    elapsed = time.perf_counter() - started
    server_cpu = sampler.cpu_seconds() - server_cpu_before
    cpu_by_type = by_type(CPU_LOG, began, time.time()) if args.cpu_by_type else None
    load_average.append(os.getloadavg())
    sampler.phase = f"after{number}"
    ledger = json.loads(ledger_path.read_text(encoding="utf-8")) if ledger_path.exists() else {}
    writes = count_writes(url, plan, ledger)
    stats = read_stats(prefix)
    requests = next((r["count"] for r in stats if r["name"] == "Aggregated"), 0)
    per_thousand = 1000 / requests if requests else float("nan")
    return {"pass": number, "run": tag, "elapsed": round(elapsed, 1), "locust_exit": locust.returncode,
            "cpu": {"locust_s": round(locust_cpu, 1), "server_s": round(server_cpu, 1),
                    "locust_s_per_1000": round(locust_cpu * per_thousand, 2),
                    "server_s_per_1000": round(server_cpu * per_thousand, 2),
                    "load_average": [[round(x, 2) for x in a] for a in load_average]},
            "stats": stats, "failures": read_failures(prefix),
            "exceptions": read_failures(prefix, "exceptions"), "workbook_load": loaded,
            "writes": writes, "rss_peak_mb": sampler.mb(f"run{number}"),
            "rss_end_mb": sampler.mb(f"run{number}", "last"), "cpu_by_type": cpu_by_type}


def run_database(key: str, source: str, args: argparse.Namespace) -> dict:
    counts = mix(args.users)
    started = time.perf_counter()
    url = working_copy(source, key)
    try:
        plan = stage(url, counts)
        staged = time.perf_counter() - started
        passes = []
        served = {"app": "bench.cpu_app:server", "env": {"PIB_PROXY_HOPS": "1", "PIB_BENCH_CPU_LOG": str(CPU_LOG)}} \
            if args.cpu_by_type else {"env": {"PIB_PROXY_HOPS": "1"}}
        for old_log in CPU_LOG.parent.glob(f"{CPU_LOG.name}.*"):
            old_log.unlink()
        with gunicorn(url, log=OUT / f"gunicorn-load2-{key}.log", **served) as (base, process), \
                Sampler(process.pid) as sampler:
            time.sleep(2)
            idle = sampler.mb("idle")
            for number in range(1, args.passes + 1):
                result = run_pass(base, url, key, plan, number, args, sampler)
                passes.append(result)
                _print_pass(key, result)
            workers_seen = sorted({pid for phase in sampler.peak.values() for pid in phase})
        from db.engine import dispose_all

        dispose_all()
    finally:
        if not args.keep:
            drop(url)
    return {"db": key, "users": args.users, "mix": counts, "seconds": args.seconds, "passes": passes,
            "workers": WORKERS, "threads": THREADS, "workers_seen": len(workers_seen), "rss_idle_mb": idle,
            "stage_s": round(staged, 1), "load_rows": args.load_rows, "load_at": args.load_at,
            "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "review_page": plan["review_page"],
            "submissions": {"draft": plan["draft"], "submitted": plan["submitted"]},
            "readers_only": args.readers_only}


def _print_pass(key: str, result: dict) -> None:
    aggregated = next((r for r in result["stats"] if r["name"] == "Aggregated"), None)
    print(f"{key} run {result['pass']}: {result['elapsed']} s; "
          + (f"{aggregated['count']} requests, {aggregated['failures']} failures, p95 {aggregated['p95']:.0f} ms"
             if aggregated else "no statistics"), flush=True)
    for row in result["stats"]:
        print(f"  {row['name']:<50} n={row['count']:<6} fail={row['failures']:<4} median {row['median']:6.0f} "
              f"p95 {row['p95']:6.0f} max {row['max']:6.0f} ms", flush=True)
    for error in result["exceptions"]:
        print(f"  task error ×{error.get('Count')}: {error.get('Message')}", flush=True)
    if result["workbook_load"]:
        w = result["workbook_load"]
        print(f"  workbook load: {w['rows']} rows in {w['seconds']} s (exit {w['exit']}): {w['summary']}", flush=True)
    for kind, w in result["writes"].items():
        print(f"  writes {kind:<13} 2xx {w['answers_2xx']:<5} 409 {w['stale_409']:<3} other {w['other_answers']:<3} "
              f"db {w['db_rows']:<5} audit {w['audit_rows']:<5} wrong {len(w['final_value_wrong'])} "
              f"{'ok' if w['ok'] else 'MISMATCH'}", flush=True)
    cpu = result["cpu"]
    print(f"  CPU s: locust {cpu['locust_s']} ({cpu['locust_s_per_1000']} per 1,000 requests), server "
          f"{cpu['server_s']} ({cpu['server_s_per_1000']} per 1,000); load average {cpu['load_average']}", flush=True)
    print(f"  worker RSS peak (MB): {result['rss_peak_mb']}", flush=True)
    if result.get("cpu_by_type"):
        print("  server CPU by request type (the serving thread's; the ten that cost most):", flush=True)
        for row in result["cpu_by_type"][:10]:
            print(f"    {row['name'][:70]:<70} n={row['count']:<6} {row['cpu_s']:7.1f} s  "
                  f"mean {row['mean_ms']:6.1f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", nargs="+", default=["postgresql-1m", "sqlite-1m"])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=240, help="length of each run, ramp-up included")
    # Three runs: the first fills each worker's cache, the second and third show whether memory then stops growing.
    parser.add_argument("--passes", type=int, default=3, help="runs in a row against the same server")
    parser.add_argument("--load-rows", type=int, default=50_000)
    parser.add_argument("--load-at", type=int, default=60, help="seconds into each run the workbook load starts")
    parser.add_argument("--keep", action="store_true", help="keep the working copy of each database")
    parser.add_argument("--cpu-by-type", action="store_true",
                        help="serve bench.cpu_app, which writes down each request's CPU time, and print the "
                             "request types that cost the server most")
    parser.add_argument("--readers-only", action="store_true",
                        help="the same users, but nobody writes and no workbook is loaded (to see what the writes "
                             "cost the readers); results in load2-<db>-readers.json")
    args = parser.parse_args()
    setup()
    for key in args.dbs:
        source = source_url(key)
        if source is None:
            print(f"{key}: not built (python -m bench.scale); skipped", flush=True)
            continue
        result = run_database(key, source, args)
        name = f"load2-{key}{'-readers' if args.readers_only else ''}.json"
        (OUT / name).write_text(json.dumps(result, indent=1), encoding="utf-8")
        print(f"wrote {OUT / name}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
