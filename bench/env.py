"""What every benchmark shares: its own instance folder and secret key, and a gunicorn server.

Benchmarks never touch instance/ (a developer's database and key): ``setup()`` points
``PIB_INSTANCE_DIR`` at bench/out/instance and fixes ``PIB_SECRET_KEY``, so that every
gunicorn worker signs sessions with the same key.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
# Gunicorn for 2 cores: callbacks are CPU-bound Python (pandas, plotly, JSON) under the GIL,
# so processes give parallelism: one per core plus one, so that a core never idles while a
# worker waits on the database. Four threads per worker overlap those waits and keep a slow
# callback from queueing the fast ones behind it.
# PIB_BENCH_WORKERS / PIB_BENCH_THREADS try another shape without editing this file.
WORKERS = int(os.environ.get("PIB_BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("PIB_BENCH_THREADS", "4"))


def setup() -> None:
    """Environment defaults of every benchmark process (and of the servers it starts)."""
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PIB_INSTANCE_DIR", str(OUT / "instance"))
    os.environ.setdefault("PIB_SECRET_KEY", "bench-secret-key-not-for-production-0123456789")


def free_port() -> int:
    """A TCP port nobody listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(base: str, timeout: float = 600) -> None:
    """Wait until ``base``/readyz answers 200 (up, database reached, warm-up over)."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base}/readyz did not answer 200 within {timeout} s")


@contextlib.contextmanager
def gunicorn(db_url: str, workers: int = WORKERS, threads: int = THREADS, log: Path | None = None,
             env: dict[str, str] | None = None, app: str = "app:server") -> Iterator[tuple[str, subprocess.Popen]]:
    """``gunicorn app:server`` on a free port with the app on ``db_url``; yields (base URL, process).

    Runs from the current directory (the source tree being measured); stopped by its pid.
    ``env``: more environment for the server (e.g. ``PIB_PROXY_HOPS``); ``app``: another WSGI
    callable (``bench.cpu_app:server``).
    """
    setup()
    # Every server starts with an empty query cache, as after a load: the shared tier outlives
    # processes, and answers left by an earlier benchmark would flatter this one.
    shutil.rmtree(Path(os.environ["PIB_INSTANCE_DIR"]) / "query-cache", ignore_errors=True)
    port = free_port()
    env = {**os.environ, **(env or {}), "PIB_DATABASE_URL": db_url}
    out = (log or OUT / "gunicorn.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread", "--timeout", "120"],
        env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        # As a load balancer would: users only once the server says it is ready, i.e. once the
        # start-up warm-up of gunicorn.conf.py has computed the first answers.
        started = time.monotonic()
        wait_ready(base, timeout=600)
        print(f"server ready in {time.monotonic() - started:.1f} s", flush=True)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()


def tree_rss(pid: int) -> int:
    """Bytes of resident memory of a process and all its children (gunicorn master + workers)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        return parent.memory_info().rss + sum(c.memory_info().rss for c in parent.children(recursive=True))
    except psutil.Error:
        return 0


def _workers(master) -> list:
    """The children of a gunicorn master that serve: not the start-up warm-up (gunicorn.conf.py),
    which has its own process for a few seconds before the users come."""
    import psutil

    found = []
    for child in master.children():
        try:
            if "warm_up" not in child.cmdline():
                found.append(child)
        except psutil.Error:  # exited meanwhile
            continue
    return found


def worker_rss(pid: int) -> dict[int, int]:
    """Bytes of resident memory of each gunicorn worker (the children of master ``pid``), by pid."""
    import psutil

    found = {}
    try:
        children = _workers(psutil.Process(pid))
    except psutil.Error:
        return found
    for child in children:
        try:
            found[child.pid] = child.memory_info().rss
        except psutil.Error:  # a worker that has just exited
            continue
    return found


def worker_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of gunicorn master ``pid`` and each of its workers, by pid."""
    import psutil

    found = {}
    try:
        master = psutil.Process(pid)
        processes = [master, *_workers(master)]
    except psutil.Error:
        return found
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:  # a worker that has just exited
            continue
        found[process.pid] = times.user + times.system
    return found
