"""ETL speed: a 500,000-row execution workbook read by calamine alone, validated, and loaded.

    python -m bench.etl [--rows 500000] [--repeat 3] [--postgres URL] [--no-memory]

Prints each timing and its ratio to calamine's read time (the bar: a full load in at most 1.25
times that), and to calamine's read with the cycle collector paused as the loader pauses it (the
stricter ratio, for information). Each figure is the best of --repeat runs; since a shared
machine's speed drifts over minutes, each full load is also divided by a read taken right before
it. Then the peak memory
(RSS) of a full load: two loads one after the other in this process, and one load in each of two
fresh processes, to see whether a load leaves memory behind. Builds the workbook once under
bench/out/; every database it creates is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
ACCOUNTS = ("6011", "6061", "6211", "6221", "6411")
SOURCES = ("RGC", "DP")


def build(rows: int) -> tuple[Path, Path]:
    """The reference workbook (enough activities) and the execution workbook of ``rows`` rows."""
    from etl.contract import EXECUTION
    from etl.demo import structure, write_reference

    OUT.mkdir(parents=True, exist_ok=True)
    entities = ["00"] + [f"{n:02d}" for n in range(1, 26)]
    base = [r for r in structure().programmes if r["level"] == "activity"]
    per_scale = len(entities) * len(base) * len(ACCOUNTS) * len(SOURCES)
    scale = -(-rows // per_scale)
    struct = structure(scale)
    reference = OUT / f"reference-{scale}.xlsx"
    workbook = OUT / f"execution-{rows}.xlsx"
    if not reference.exists():
        write_reference(reference, struct)
    if workbook.exists():
        return reference, workbook
    activities = [r["code"] for r in struct.programmes if r["level"] == "activity"]
    parents = struct.parents
    book = Workbook(write_only=True)
    sheet = book.create_sheet("execution")
    sheet.append(["MoSVY budget execution, benchmark (synthetic)"])
    sheet.append([c.name for c in EXECUTION])
    count = 0
    for entity in entities:
        for activity in activities:
            cluster = parents[activity]
            sub = parents[cluster]
            for account in ACCOUNTS:
                for source in SOURCES:
                    if count == rows:
                        break
                    sheet.append([2025, "2025-06", entity, parents[sub], sub, cluster, activity, account, source,
                                  1_000_000 + count, 1_000_000 + count, 600_000, 500_000])
                    count += 1
    book.save(workbook)
    return reference, workbook


def timed(label: str, fn) -> float:
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"{label:<40} {seconds:8.2f} s", flush=True)
    return seconds


def read_calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def read_calamine_collector_paused(path: Path) -> None:
    """calamine's read as a load's process does it: Python's cycle collector paused (etl.process_settings)."""
    import gc

    gc.disable()
    try:
        read_calamine(path)
    finally:
        gc.enable()


def load_as_the_cli_does(source: Path, **options):
    """``etl.load.load_file`` under the process settings that ``python -m etl load`` enters around it."""
    from etl.load import load_file
    from etl.process_settings import bulk_process_settings

    with bulk_process_settings():
        return load_file(source, **options)


def fresh_database(kind: str, postgres: str | None) -> str:
    from sqlalchemy import create_engine, text

    from db.migrate import upgrade

    if kind == "sqlite":
        path = OUT / f"bench-{uuid.uuid4().hex[:6]}.sqlite3"
        url = f"sqlite:///{path}"
    else:
        admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
        name = f"pib_bench_{uuid.uuid4().hex[:6]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url


def drop_database(url: str, postgres: str | None) -> None:
    """Remove a benchmark database, so that repeated runs leave nothing behind."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from db.engine import dispose_all

    dispose_all()
    if url.startswith("sqlite"):
        Path(make_url(url).database).unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(make_url(url).database + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is kept")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="an existing database to create the benchmark database from ('' to skip)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak memory of loads")
    parser.add_argument("--memory-child", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    reference, workbook = build(args.rows)
    if args.memory_child:  # one load in this fresh process (see memory()); its figures as JSON
        print(json.dumps(measured_load(reference, workbook, args.memory_child, args.postgres or None)))
        return 0
    print(f"workbook: {workbook.name}, {workbook.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows; "
          f"best of {args.repeat}")
    # The best of a few runs, as timeit does: other work on the machine only ever adds time.
    base = min(timed("(a) calamine read alone", lambda: read_calamine(workbook)) for _ in range(args.repeat))
    # A load's process pauses the cycle collector, which makes its own read faster than (a): the
    # ratio to this faster read is shown too, so that no one mistakes where the time went.
    paused = min(timed("(a') calamine read, collector paused", lambda: read_calamine_collector_paused(workbook))
                 for _ in range(args.repeat))
    results, paired = {}, {}
    for kind in ("sqlite", "postgresql") if args.postgres else ("sqlite",):
        dry = full = float("inf")
        paired[kind] = []
        for _ in range(args.repeat):
            url = fresh_database(kind, args.postgres)  # a full load needs a database without the file
            try:
                _check(load_as_the_cli_does(reference, url=url))
                dry = min(dry, timed(f"(b) {kind}: etl load --dry-run",
                                     lambda u=url: _check(load_as_the_cli_does(workbook, url=u, dry_run=True))))
                # The machine's speed drifts over minutes: a read right before each load sees the same machine.
                read = timed("(a) calamine read, right before the load", lambda: read_calamine(workbook))
                seconds = timed(f"(c) {kind}: full load", lambda u=url: _check(load_as_the_cli_does(workbook, url=u)))
                full = min(full, seconds)
                paired[kind].append(seconds / read)
            finally:
                drop_database(url, args.postgres)
        results[kind] = (dry, full)
    print()
    strict = "load / (a')"
    print(f"{'database':<12}{'dry-run / (a)':>16}{'load / (a)':>14}{strict:>14}{'rows/s (load)':>16}")
    for kind, (dry, full) in results.items():
        print(f"{kind:<12}{dry / base:>16.2f}{full / base:>14.2f}{full / paused:>14.2f}{args.rows / full:>16,.0f}")
    print()
    print("each full load / the calamine read right before it (in run order)")
    for kind, ratios in paired.items():
        print(f"{kind:<12}" + " / ".join(f"{r:.2f}" for r in ratios))
    if not args.no_memory:
        memory(reference, workbook, tuple(results), args.postgres)
    return 0


class PeakRss:
    """The highest resident set size of this process while the block runs, sampled every 20 ms."""

    def __enter__(self) -> PeakRss:
        import psutil

        self._process, self._stop = psutil.Process(), threading.Event()
        self.before = self.peak = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.after = self._process.memory_info().rss
        self.peak = max(self.peak, self.after)


def measured_load(reference: Path, workbook: Path, kind: str, postgres: str | None) -> dict:
    """One full load into a fresh database, with this process's RSS before, at its peak and after (MB)."""
    url = fresh_database(kind, postgres)
    try:
        _check(load_as_the_cli_does(reference, url=url))
        with PeakRss() as rss:
            _check(load_as_the_cli_does(workbook, url=url))
    finally:
        drop_database(url, postgres)
    return {"before": rss.before / 2**20, "peak": rss.peak / 2**20, "after": rss.after / 2**20}


def memory(reference: Path, workbook: Path, kinds: tuple[str, ...], postgres: str | None) -> None:
    """Peak RSS of full loads: two in this process, one after the other; then one in each of two processes."""
    print("\npeak RSS of a full load (MB; this process only, the PostgreSQL server's own memory is not in it)")
    for kind in kinds:
        for run in (1, 2):
            m = measured_load(reference, workbook, kind, postgres)
            print(f"{kind:<11} {f'same process, load {run}':<22} before {m['before']:6.0f}  peak {m['peak']:6.0f}  "
                  f"after {m['after']:6.0f}", flush=True)
        for run in (1, 2):
            done = subprocess.run([sys.executable, "-m", "bench.etl", "--memory-child", kind, "--rows",
                                   str(workbook_rows(workbook)), "--postgres", postgres or ""],
                                  check=True, capture_output=True, text=True, cwd=ROOT)
            m = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{kind:<11} {f'new process {run}':<22} before {m['before']:6.0f}  peak {m['peak']:6.0f}  "
                  f"after {m['after']:6.0f}", flush=True)


def workbook_rows(workbook: Path) -> int:
    return int(workbook.stem.rsplit("-", 1)[1])


def _check(report) -> None:
    if report.status not in ("loaded", "valid"):
        raise SystemExit("\n".join(p.render() for p in report.problems[:20]))


if __name__ == "__main__":
    sys.exit(main())
