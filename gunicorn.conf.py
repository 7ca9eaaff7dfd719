"""gunicorn's settings for the PIB Dashboard, read from the directory gunicorn starts in.

At start, the master runs ``python -m warm_up`` in a process of its own, which computes the
answers people open first while the workers boot; ``GET /readyz`` answers 503 until it has
finished. ``PIB_WARM_UP_YEARS=0`` turns it off. Everything else (workers, threads, bind) is
given on the command line, as the README shows.
"""

from __future__ import annotations

import subprocess
import sys

import settings
import warm_up

_warming: list[subprocess.Popen] = []


def on_starting(_server) -> None:
    # Said before the port opens, so that /readyz never reads the previous server's "done".
    if settings.warm_up_years():
        warm_up.write_status(warm_up.PENDING, done=0, of=None)
    else:
        warm_up.status_path().unlink(missing_ok=True)


def when_ready(server) -> None:
    years = settings.warm_up_years()
    if years:
        server.log.info("warming the first answers (python -m warm_up --years %d --readiness)", years)
        process = subprocess.Popen([sys.executable, "-m", "warm_up", "--years", str(years), "--readiness"],
                                   cwd=str(settings.ROOT))
        _warming.append(process)
        # Its pid, so that /readyz stops waiting if it dies before it can say so itself (unless it
        # has already spoken: its own word is newer).
        status = warm_up.read_status()
        if status is None or status["state"] == warm_up.PENDING:
            warm_up.write_status(warm_up.WARMING, pid=process.pid, done=0, of=None)


def on_exit(_server) -> None:
    for process in _warming:
        if process.poll() is None:
            process.terminate()
