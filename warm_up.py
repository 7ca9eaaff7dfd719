"""Warm a fresh server's answers before it takes users: the pages people open first.

A server whose query cache is empty computes every first answer (a province's scorecard, the
overview of a period) while its first users wait; when a whole office signs in at nine, those
first answers queue behind each other and behind the sign-ins. This module computes them ahead:
for every kind of person with an active account (role, province and language), the main
callbacks of the overview, provinces, programmes and scorecard pages at the period the selectors
choose by default, for the newest ``years`` years. It calls the page callbacks themselves, with
the caller a request of that person would carry, so each answer lands under the key the first
real request looks for (in the query cache's shared tier, which every worker of the machine
reads).

    python -m warm_up [--years 2] [--readiness]

gunicorn runs it once at start (gunicorn.conf.py) in a process of its own, with ``--readiness``:
its progress is then in ``warm-up.json`` of the instance folder, and ``GET /readyz`` answers 503
until it has finished, so that a load balancer sends users to a warm server.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from domain.access import Scope

log = logging.getLogger("warm_up")  # not "__main__" when run with -m

PENDING, WARMING, DONE, FAILED = "pending", "warming", "done", "failed"
DEFAULT_YEARS = 2


def status_path() -> Path:
    """Where the warm-up of this machine writes its state (the instance folder)."""
    return settings.INSTANCE_DIR / "warm-up.json"


def write_status(state: str, *, pid: int | None = None, **detail: Any) -> None:
    """Record the warm-up's state atomically (a reader never sees half a file); ``pid``: the
    process that will finish it (this one by default)."""
    path = status_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps({"state": state, "pid": pid or os.getpid(), "at": time.time(), **detail}),
                       encoding="utf-8")
    partial.replace(path)


def read_status() -> dict[str, Any] | None:
    """The last recorded state, or None when no warm-up was asked on this machine. A warm-up
    whose process has gone without finishing (killed, machine restarted) reads as ``failed``."""
    try:
        status = json.loads(status_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if status.get("state") in (PENDING, WARMING) and not _alive(int(status.get("pid") or 0)):
        return {**status, "state": FAILED, "error": "the warm-up process ended before it finished"}
    return status


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _defaults(session: Session, scope: Scope, *, national: bool, years: int, lang: str) -> list[tuple[int, str]]:
    """(year, period) the selectors show by default for each of the newest ``years`` years, as
    the browser sends them back (JSON-typed)."""
    from components.filters import selector_options
    from db.queries.cache import FACTS, cached
    from db.queries.overview import selector_data

    periods_by_year, preferred = cached(session, scope, selector_data, depends=(FACTS,), national=national)
    chosen = []
    for year in list(periods_by_year)[:years]:
        _years, value, _periods, period = selector_options(periods_by_year, preferred, None, year, lang)
        if period is not None:
            chosen.append(json.loads(json.dumps([value, period])))
    return [tuple(c) for c in chosen]


def answers_for(scope: Scope, lang: str, session: Session, years: int) -> Iterator[tuple[str, Callable[[], Any]]]:
    """The first answers ``scope`` opens in ``lang``: (label, call) for each page's main callback
    and default period. The calls must run under ``calling_as`` the same person."""
    from domain.vocabulary import PROVINCE_CODES
    from pages import overview, provinces
    from pages.overview import show_overview
    from pages.programmes import show_programmes
    from pages.provinces import show_provinces
    from pages.scorecard import show_scorecard

    national = _defaults(session, scope, national=True, years=years, lang=lang)
    local = _defaults(session, scope, national=False, years=years, lang=lang)
    for year, period in national:
        if scope.can_open("overview"):
            yield f"overview {period}", lambda y=year, p=period: show_overview(y, p, overview.DEFAULT_METRIC, None)
        if scope.can_open("provinces"):
            yield f"provinces {period}", lambda y=year, p=period: show_provinces(y, p, provinces.DEFAULT_METRIC)
        if scope.can_open("programmes"):
            yield f"programmes {period}", lambda y=year, p=period: show_programmes(y, p, [])
    if scope.can_open("scorecard"):
        codes = [c for c in PROVINCE_CODES if scope.can_read_province(c)]
        for year, period in local:
            for code in codes:
                yield f"scorecard {code} {period}", lambda y=year, p=period, c=code: show_scorecard(y, p, c)


def _register_pages(db_url: str) -> None:
    # The page modules register with Dash's app, so it must exist: the server's own in a test
    # process that built one, else one built here as a worker builds it.
    import app

    if app._DASH_APP is None:
        app.create_app({"PIB_DATABASE_URL": db_url})


def warm(db_url: str | None = None, *, years: int = DEFAULT_YEARS,
         progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Compute the first answers of every kind of person on ``db_url``; returns what was done.

    An answer that fails is logged and skipped: a warm-up must never keep a server from serving.
    """
    from components.context import calling_as
    from db.engine import session_scope
    from db.queries.users import kinds_of_reader
    from domain.access import Scope

    db_url = db_url or settings.database_url()
    _register_pages(db_url)
    started = time.perf_counter()
    with session_scope(db_url) as session:
        everyone = [(Scope(user_id=k["user_id"], username=k["username"], role=k["role"], province=k["province"]),
                     k["lang"]) for k in kinds_of_reader(session)]
    plan: list[tuple[Scope, str, str, Callable[[], Any]]] = []
    for scope, lang in everyone:
        with calling_as(scope, lang, db_url), session_scope(db_url) as session:
            plan.extend((scope, lang, label, call) for label, call in answers_for(scope, lang, session, years))
    failed = 0
    for done, (scope, lang, label, call) in enumerate(plan, start=1):
        with calling_as(scope, lang, db_url):
            try:
                call()
            except Exception:  # one bad answer must not stop the others
                failed += 1
                log.exception("warm-up: %s as %s failed", label, scope.username)
        if progress:
            progress(done, len(plan))
    return {"people": len(everyone), "answers": len(plan), "failed": failed,
            "seconds": round(time.perf_counter() - started, 1)}


def _years(text: str) -> int:
    # A negative count would slice the years from the other end: say so rather than guess.
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of years (0, 1, 2, ...)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warm_up", description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=_years, default=DEFAULT_YEARS,
                        help="warm the default period of this many newest years (default %(default)s)")
    parser.add_argument("--readiness", action="store_true",
                        help="record the progress in the instance folder's warm-up.json, which GET /readyz waits "
                             "for (gunicorn.conf.py passes it; a warm-up run by hand leaves the server ready)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log.setLevel(logging.INFO)

    def say(state: str, **detail: Any) -> None:
        if args.readiness:
            write_status(state, **detail)

    say(WARMING, done=0, of=None)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] > 1 or done == total:
            last[0] = time.monotonic()
            say(WARMING, done=done, of=total)

    try:
        result = warm(years=args.years, progress=progress)
    except Exception as error:  # said in the status and the log; the server serves cold
        log.exception("warm-up failed")
        say(FAILED, error=str(error))
        return 1
    say(DONE, **result)
    log.info("%(answers)d answers for %(people)d kinds of person in %(seconds)s s (%(failed)d failed)", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
