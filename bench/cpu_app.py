"""The app, with the CPU time each request cost its serving thread written down (``python -m
bench.load --cpu-by-type``): which request types the server's CPU goes to under the whole mix,
where a profile of one callback at a time cannot say how often each is asked for.

gunicorn serves ``bench.cpu_app:server``; every worker appends ``time, name, cpu_ms`` lines to
``$PIB_BENCH_CPU_LOG.<pid>``. A Dash callback is named by its output, as Locust names it.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
from collections.abc import Iterable

from app import server as app

_files: dict[int, object] = {}
_lock = threading.Lock()


def _name(environ: dict) -> str:
    path = environ.get("PATH_INFO", "")
    if path != "/_dash-update-component":
        return f"{environ.get('REQUEST_METHOD', '')} {path}"
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        return "callback " + str(json.loads(body)["output"])[:70]
    except (ValueError, KeyError, TypeError):
        return "callback ?"


def _write(name: str, cpu_ms: float) -> None:
    pid = os.getpid()
    with _lock:
        handle = _files.get(pid)
        if handle is None:
            handle = _files[pid] = open(f"{os.environ['PIB_BENCH_CPU_LOG']}.{pid}", "a", encoding="utf-8")  # noqa: SIM115
        handle.write(f"{time.time():.3f}\t{name}\t{cpu_ms:.2f}\n")
        handle.flush()


def server(environ: dict, start_response) -> Iterable[bytes]:
    """The app's WSGI callable, its body produced inside the measurement."""
    name = _name(environ)
    started = time.thread_time()
    try:
        result = app(environ, start_response)
        try:
            body = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        _write(name, (time.thread_time() - started) * 1000)
    return body
