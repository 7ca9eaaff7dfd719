"""A cache for read models, keyed on the scope as well as the inputs (docs/architecture.md).

Two tiers: a small LRU in each process, and a disk cache that every process of the machine
shares (gunicorn's workers), so that an answer computed by one
worker is not computed again by the others. The key holds the versions of what the answer
reads, read from the database in every transaction, so that a change makes the answers that read
it stale at once, in every process and on every server, without any message between them
(tests/integration/test_cache_sees_writes.py):

* ``FACTS``, in every key: the loads (the newest ``load_batch`` and how many there are) and the
  marts' rebuilds (``note_change(..., FACTS)``). The figures of the dashboards and /open.
  ``FACTS_TO_YEAR`` instead narrows it, for an answer of one fiscal year that reads no later
  year, to the loads of that year and the years before it (and those of no single year: reference
  data, files of several years), so that a load of this year's month leaves last year's answers
  warm.
* ``PEOPLE``: the count of people's writes (lines, targets, decisions, comments, explanations,
  ceilings, transitions, scenarios) that every write layer bumps with :func:`note_write` in its
  own transaction. Only for answers that show them (the inbox, explanations due): a saved line
  must not empty the overview's cache.
* ``PUBLICATIONS``: publishing and withdrawing a period for /open.
* ``CYCLE``: the budget cycle of the answer's fiscal ``year``: its submission (lines, targets,
  header, transitions, provinces' marks, MEF's decisions and comments, files loaded or refused)
  and its ceilings. Each write of a year's cycle bumps that year's counter as well as
  ``PEOPLE`` (:func:`note_write`), so that the submission page and the hearing of one year stay
  warm while the directors explain deviations and the other year's submission is written. Each
  is counted, too, as a write of one province's part (its lines, targets, decisions, comments,
  mark; ``00``: the national lines) or of the whole (the header, transitions, ceilings, files):
  a director's answer, which shows the whole and the province's part only, is keyed on those two.
* ``EXPLAINED_YEAR_BEFORE``: the explanations of deviations of the fiscal year before ``year``
  (the hearing of a submission shows those of the year it follows).

The shared tier is a help, never a need: when its directory cannot be used, answers are
computed as if it were empty.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, event, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

import settings
from db.models import LoadBatch, WriteCounter
from domain.access import Scope

log = logging.getLogger(__name__)
MAX_ENTRIES = 512
SHARED_BYTES = 512 * 1024 * 1024
_entries: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()
_shared: tuple[int, Any] | None = None  # (pid that opened it, diskcache.Cache)


SESSION_MEMOS = ("data_version", "submission_memo")

FACTS = "facts"
PEOPLE = "people"
PUBLICATIONS = "publications"
EVERYTHING = (FACTS, PEOPLE, PUBLICATIONS)
# In ``depends``, instead of FACTS: the answer reads the facts of its ``year`` and earlier years only.
FACTS_TO_YEAR = "facts-to-year"
# Besides: the people's writes of one fiscal year's budget cycle, and the explanations of the
# year before (both counted per year, in rows of their own: see CYCLE_ROWS).
CYCLE = "cycle"
EXPLAINED_YEAR_BEFORE = "explained-year-before"
# The kinds that read the callback's (or read model's) ``year`` argument.
BY_YEAR = frozenset({FACTS_TO_YEAR, CYCLE, EXPLAINED_YEAR_BEFORE})
# The rows of ``write_counter`` that count each kind of change (FACTS also follows load_batch);
# a year's cycle is counted in row CYCLE_ROWS + year, its explanations in EXPLAINED_ROWS + year.
COUNTER_ROWS = {PEOPLE: 1, PUBLICATIONS: 2, FACTS: 3}
CYCLE_ROWS = 10_000
EXPLAINED_ROWS = 20_000
# A year's writes of the whole submission (no province's part): row WHOLE_ROWS + year; those of
# province part P: row PART_ROWS + 100 × year + P (P from 00, the national part, to 25).
WHOLE_ROWS = 30_000
PART_ROWS = 1_000_000
# In the shared tier, how many times each read model was computed on this machine: what a test
# or a benchmark reads to tell a hit from a miss across processes (``computations``).
COMPUTED = "computed"
# A key being computed, in the shared tier: other processes wait for its value rather than compute
# it too. After a load every figure's answer is cold at once, and the users who share a key (the
# directors of one province, the public readers of a period) would otherwise each compute it on a
# saturated machine. A process that finds the mark waits this long at most, then computes itself:
# the mark of a worker that died, or of a computation longer than this, only costs time.
COMPUTING = "computing"
WAIT_FOR_OTHERS_S = 10.0
_POLL_S = 0.02
_flights: dict[str, list] = {}  # digest → [lock, threads using it]: one computation per key per process


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_session_memos(session: Session) -> None:
    # What a session remembered (the versions, a request's sums) holds for one transaction.
    for key in SESSION_MEMOS:
        session.info.pop(key, None)


def versions(session: Session) -> dict[str, Any]:
    """The version of each kind of change (``FACTS``, ``PEOPLE``, ``PUBLICATIONS``), read once
    per transaction: a request sees one version of each.

    The facts are the newest load batch (its id, when it was loaded and its file's checksum), the
    number of batches and the count of the marts' rebuilds. The time and checksum keep a database
    that was emptied and loaded again (ids restart) from meeting the answers of its former content
    in the shared tier, which outlives the process; the number of batches sees two loads that
    commit out of the order of their ids. ``FACTS_TO_YEAR`` holds the same for each fiscal year
    (``None``: batches of no single year), from which :func:`data_version` takes the years asked.
    """
    if "data_version" in session.info:
        return session.info["data_version"]
    per_year = (select(LoadBatch.fiscal_year, func.max(LoadBatch.id).label("newest"), func.count().label("batches"))
                .group_by(LoadBatch.fiscal_year).subquery())
    rows = session.execute(select(per_year.c.fiscal_year, LoadBatch.id, LoadBatch.loaded_at, LoadBatch.checksum,
                                  per_year.c.batches).join(LoadBatch, LoadBatch.id == per_year.c.newest)).all()
    by_year = {year: (newest, str(loaded_at), checksum, batches) for year, newest, loaded_at, checksum, batches in rows}
    counters = dict(session.execute(select(WriteCounter.id, WriteCounter.value)).all())
    rebuilds = counters.get(COUNTER_ROWS[FACTS], 0)
    if by_year:
        newest = max(by_year.values())
        loads = (*newest[:3], sum(batches for *_, batches in by_year.values()))
    else:
        loads = (0, "", "", 0)
    found = {FACTS: (*loads, rebuilds), FACTS_TO_YEAR: (by_year, rebuilds),
             PEOPLE: (counters.get(COUNTER_ROWS[PEOPLE], 0),),
             PUBLICATIONS: (counters.get(COUNTER_ROWS[PUBLICATIONS], 0),),
             CYCLE: (_per_year(counters, CYCLE_ROWS), _per_year(counters, WHOLE_ROWS),
                     {divmod(row - PART_ROWS, 100): value for row, value in counters.items() if row > PART_ROWS}),
             EXPLAINED_YEAR_BEFORE: _per_year(counters, EXPLAINED_ROWS)}
    session.info["data_version"] = found
    return found


def _per_year(counters: dict[int, int], base: int) -> dict[int, int]:
    return {row - base: value for row, value in counters.items() if base < row < base + CYCLE_ROWS}


def _of_year(found: dict[str, Any], kind: str, year: Any, provinces: frozenset[str] | None) -> tuple:
    """The version of ``kind`` for an answer of fiscal ``year``: that year's counter (the year
    before's for ``EXPLAINED_YEAR_BEFORE``); every year's when ``year`` cannot be read as one.
    For ``CYCLE`` and a caller who reads the parts of ``provinces`` only (a director), the
    counters of the whole and of those parts."""
    counts = found[kind][0] if kind == CYCLE else found[kind]
    try:
        wanted = int(year) - (1 if kind == EXPLAINED_YEAR_BEFORE else 0)
    except (TypeError, ValueError):
        return ("every-year", tuple(sorted(counts.items())))
    if kind == CYCLE and provinces is not None and all(p.isascii() and p.isdigit() for p in provinces):
        _all, whole, parts = found[CYCLE]
        return (wanted, "parts", whole.get(wanted, 0),
                tuple((p, parts.get((wanted, int(p)), 0)) for p in sorted(provinces)))
    return (wanted, counts.get(wanted, 0))


def _facts_to_year(found: dict[str, Any], year: int) -> tuple:
    by_year, rebuilds = found[FACTS_TO_YEAR]
    read = tuple((y, by_year[y]) for y in sorted(y for y in by_year if y is not None and y <= year))
    return ("to-year", year, read, by_year.get(None), rebuilds)


def data_version(session: Session, depends: tuple[str, ...] = EVERYTHING, *, year: Any = None,
                 provinces: frozenset[str] | None = None) -> tuple:
    """The versions an answer that reads ``depends`` is keyed on: the facts always (they say
    which database's content it is), then each other kind asked for, in a fixed order.

    With ``FACTS_TO_YEAR`` in ``depends`` and a fiscal ``year``, the facts are those of ``year``
    and the years before it only; without a year that can be read as one, all of them. ``CYCLE``
    and ``EXPLAINED_YEAR_BEFORE`` are read for ``year`` likewise, ``CYCLE`` for the parts of
    ``provinces`` only when given (the caller reads no other province's part).
    """
    found = versions(session)
    facts = found[FACTS]
    if FACTS_TO_YEAR in depends:
        with contextlib.suppress(TypeError, ValueError):  # no year to read: every year's facts
            facts = _facts_to_year(found, int(year))
    return ((FACTS, facts), *((kind, found[kind]) for kind in EVERYTHING if kind != FACTS and kind in depends),
            *((kind, _of_year(found, kind, year, provinces)) for kind in (CYCLE, EXPLAINED_YEAR_BEFORE)
              if kind in depends))


def note_change(target: Session | Connection, kind: str) -> None:
    """Count a change of ``kind`` in the transaction of ``target`` (a session or a connection), so
    that the answers that read it are stale once it commits, in every worker and on every server."""
    _bump(target, COUNTER_ROWS[kind])


def _bump(target: Session | Connection, row: int) -> None:
    # One statement that inserts the row when it is not there yet (a year's first write, an emptied
    # table): an update, then an insert when it found nothing, let two first writes of a year at
    # once both insert, and the second fail on the key.
    counter = WriteCounter.__table__
    dialect = (target.get_bind() if isinstance(target, Session) else target).dialect.name
    upsert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect](counter).values(id=row, value=1)
    target.execute(upsert.on_conflict_do_update(index_elements=[counter.c.id], set_={"value": counter.c.value + 1}))
    if isinstance(target, Session):
        target.info.pop("data_version", None)


def note_write(session: Session, *, cycle_year: int | None = None, part: str | None = None,
               explained_year: int | None = None) -> None:
    """Count a person's write (a line, a decision, a comment, an explanation) in its transaction:
    a write of fiscal year ``cycle_year``'s budget cycle (its submission, its ceilings; of
    province ``part``'s part or of the whole) or an explanation of a deviation of
    ``explained_year`` counts there too."""
    note_change(session, PEOPLE)
    note_cycle(session, cycle_year, part)
    if explained_year is not None:
        _bump(session, EXPLAINED_ROWS + int(explained_year))


def note_cycle(session: Session, year: int | None, part: str | None = None) -> None:
    """Count a change of fiscal ``year``'s budget cycle (nothing when ``year`` is None): of the
    part of province ``part`` (``00`` national), or of the whole when None."""
    if year is None:
        return
    _bump(session, CYCLE_ROWS + int(year))
    if part is not None and len(part) == 2 and part.isascii() and part.isdigit():
        _bump(session, PART_ROWS + 100 * int(year) + int(part))
    else:
        _bump(session, WHOLE_ROWS + int(year))


def _shared_cache() -> Any | None:
    """This process's handle on the shared tier (opened again after a fork), or None."""
    global _shared
    if _shared is not None and _shared[0] == os.getpid():
        return _shared[1]
    try:
        import diskcache

        cache = diskcache.Cache(str(settings.INSTANCE_DIR / "query-cache"), size_limit=SHARED_BYTES,
                                timeout=1, eviction_policy="least-recently-used")
    except Exception as error:  # noqa: BLE001 - e.g. a read-only instance folder
        log.warning("query cache: the shared tier is off (%s)", error)
        cache = None
    _shared = (os.getpid(), cache)
    return cache


def _shared_get(digest: str) -> tuple[bool, Any]:
    cache = _shared_cache()
    if cache is None:
        return False, None
    try:
        blob = cache.get(digest)
        return (False, None) if blob is None else (True, pickle.loads(blob))  # noqa: S301 - our own entries
    except Exception as error:  # noqa: BLE001 - a locked or damaged cache is a miss, not a failure
        log.warning("query cache: read failed (%s)", error)
        return False, None


def _shared_set(digest: str, value: Any) -> None:
    cache = _shared_cache()
    if cache is None:
        return
    try:
        cache.set(digest, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as error:  # noqa: BLE001 - as above: the answer is still given
        log.warning("query cache: write failed (%s)", error)


def _handed_out(value: Any) -> Any:
    """The value as a caller gets it: one it may change without changing the cached answer.

    Frames and series are shallow copies, which pandas' copy-on-write makes independent at no
    cost until written; dicts and lists (a scorecard, KPIs) are copied through, frames included.
    """
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, dict):
        return {k: _handed_out(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_handed_out(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_handed_out(v) for v in value)
    return value


def _remember(key: tuple, compute: Callable[[], Any]) -> Any:
    return _handed_out(_stored(key, compute))


def _count_computation(name: str) -> None:
    cache = _shared_cache()
    if cache is None:
        return
    try:
        cache.incr((COMPUTED, name), default=0)
    except Exception as error:  # noqa: BLE001 - as for an answer: a count lost costs nothing
        log.warning("query cache: count failed (%s)", error)


def computations(directory: Any, name: str) -> int:
    """How many times the read model ``name`` (``module.qualname``) was computed by the processes
    whose shared tier is in ``directory`` (an instance folder's ``query-cache``)."""
    import diskcache

    with diskcache.Cache(str(directory)) as shared:
        return int(shared.get((COMPUTED, name), 0))


ROOT = Path(__file__).resolve().parents[2]
_NOT_CODE = frozenset({"tests", "bench"})


@functools.cache
def code_fingerprint(root: Path = ROOT) -> str:
    """A digest of the application's files (the Python modules at ``root`` and every file of its
    packages, their data and templates included, but the tests' and benchmarks'), read once per
    process.

    Part of every key of the shared tier, which outlives the processes: after an upgrade it still
    holds the former code's answers (frames of other columns, components of another layout)
    under the same inputs and data versions, and the new code must not be served them.
    """
    files = [path for path in root.glob("*.py") if path.is_file()]
    for package in sorted(root.iterdir()):
        if package.is_dir() and package.name not in _NOT_CODE and (package / "__init__.py").is_file():
            files += [path for path in package.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    digest = hashlib.sha256()
    for path in sorted(files):
        try:
            content = path.read_bytes()
        except OSError:  # a file this process may not read (or gone meanwhile): its name stands for it
            content = b"unreadable"
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def _digest(key: tuple) -> str:
    return hashlib.sha256(repr((code_fingerprint(), key)).encode()).hexdigest()


def _forget_locks_after_fork() -> None:
    # A process forked by a threaded worker (a load from the Data page) gets the locks that other
    # threads held at that moment, held for ever, and not the threads that would release them.
    global _lock, _flights
    _lock = threading.Lock()
    _flights = {}


os.register_at_fork(after_in_child=_forget_locks_after_fork)


def _claim(digest: str) -> bool:
    """Mark ``digest`` as being computed by this process; False if another process holds the mark."""
    cache = _shared_cache()
    if cache is None:
        return True
    try:
        return bool(cache.add((COMPUTING, digest), os.getpid(), expire=WAIT_FOR_OTHERS_S))
    except Exception as error:  # noqa: BLE001 - without the mark, this process computes: as before
        log.warning("query cache: mark failed (%s)", error)
        return True


def _release(digest: str) -> None:
    cache = _shared_cache()
    if cache is None:
        return
    try:
        cache.delete((COMPUTING, digest))
    except Exception as error:  # noqa: BLE001 - the mark expires by itself
        log.warning("query cache: unmark failed (%s)", error)


def _marked(digest: str) -> bool:
    cache = _shared_cache()
    try:
        return cache is not None and (COMPUTING, digest) in cache
    except Exception:  # noqa: BLE001 - a cache that cannot be read: stop waiting
        return False


def _wait_for_other(digest: str, lookup: Callable[[], tuple[bool, Any]]) -> tuple[bool, Any]:
    """The value another process is computing, once it is there: (False, None) if that process
    gave up without keeping one, or did not finish within ``WAIT_FOR_OTHERS_S``."""
    deadline = time.monotonic() + WAIT_FOR_OTHERS_S
    while time.monotonic() < deadline:
        time.sleep(_POLL_S)
        found, value = lookup()
        if found or not _marked(digest):
            return found, value
    return False, None


def _once(digest: str, lookup: Callable[[], tuple[bool, Any]], compute: Callable[[], Any]) -> Any:
    """``compute()`` (which keeps its value where ``lookup()`` finds it) by one thread of one process
    at a time for a key; the others wait and take what it kept. Sound to wait on because nothing
    computed under one key waits for the key itself: the answers a callback reads are other keys."""
    with _lock:
        flight = _flights.setdefault(digest, [threading.Lock(), 0])
        flight[1] += 1
    try:
        with flight[0]:
            found, value = lookup()
            if found:
                return value
            claimed = _claim(digest)
            if not claimed:
                found, value = _wait_for_other(digest, lookup)
                if found:
                    return value
            try:
                return compute()
            finally:
                if claimed:
                    _release(digest)
    finally:
        with _lock:
            flight[1] -= 1
            if not flight[1]:
                del _flights[digest]


def shared_only(key: tuple, compute: Callable[[], Any], keep: Callable[[], bool]) -> Any:
    """``compute()`` once per ``key`` for all the processes of the machine, kept in the shared tier
    only: for values that are large to hold in every process and cheap to unpickle, such as a
    callback's built components (components/answers.py). ``keep()``, asked after computing, says
    whether the value may be kept. Without a shared tier, every call computes."""
    digest = _digest(key)
    found, value = _shared_get(digest)
    if found or _shared_cache() is None:
        return value if found else compute()

    def compute_and_keep() -> Any:
        value = compute()
        if keep():
            _shared_set(digest, value)
        return value

    return _once(digest, lambda: _shared_get(digest), compute_and_keep)


def _in_process(key: tuple) -> tuple[bool, Any]:
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return True, _entries[key]
    return False, None


def _stored(key: tuple, compute: Callable[[], Any]) -> Any:
    found, value = _in_process(key)
    if found:
        return value
    digest = _digest(key)
    found, value = _shared_get(digest)
    if not found:
        def lookup() -> tuple[bool, Any]:
            found, value = _in_process(key)
            return (found, value) if found else _shared_get(digest)

        def compute_and_keep() -> Any:
            value = compute()
            _shared_set(digest, value)
            _keep_in_process(key, value)  # before the flight ends: the threads waiting look here first
            _count_computation(f"{key[2]}.{key[3]}")
            return value

        value = _once(digest, lookup, compute_and_keep)
    _keep_in_process(key, value)
    return value


def _keep_in_process(key: tuple, value: Any) -> None:
    with _lock:
        _entries[key] = value
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def scope_key(scope: Scope) -> tuple[str, str | None]:
    """What of a scope decides the answers: its role and province, not who the user is, so two
    directors of one province share their answers. A hit skips ``fn``'s own ``require_*`` checks,
    which is sound because those checks, too, depend on the role, the province and the inputs only."""
    return scope.role, scope.province


def cached(session: Session, scope: Scope, fn: Callable[..., Any], *, depends: tuple[str, ...] = EVERYTHING,
           **kwargs: Any) -> Any:
    """``fn(session, scope, **kwargs)``, remembered per (database, scope, function, inputs, versions).

    ``depends``: the kinds of change the answer reads besides the loaded facts (always part of the
    key): ``(FACTS,)`` for figures of loaded data, ``PEOPLE`` for what shows people's writes,
    ``PUBLICATIONS`` for what shows the publications. Every kind when not said: stale never,
    at the cost of hits. ``FACTS_TO_YEAR`` for an ``fn`` that reads the facts of its ``year``
    argument and earlier years only (never a later one): a load of a later year keeps it. The
    caller gets its own copy (:func:`_handed_out`): changing it changes nobody else's answer.
    """
    key = (str(session.get_bind().url), scope_key(scope), fn.__module__, fn.__qualname__,
           tuple(sorted(kwargs.items())), data_version(session, depends, year=kwargs.get("year")))
    return _remember(key, lambda: fn(session, scope, **kwargs))


def cached_reference(session: Session, fn: Callable[..., Any], *, depends: tuple[str, ...] = EVERYTHING,
                     **kwargs: Any) -> Any:
    """``fn(session, **kwargs)`` for data that does not depend on who asks: reference data every
    signed-in user may read (the indicator catalogue), or an unscoped read a caller selects from
    after its own checks. Remembered per database, inputs and the versions of ``depends`` (as for
    :func:`cached`): a load of a new catalogue is a new version of the facts. The caller gets its
    own copy, as from :func:`cached`.
    """
    key = (str(session.get_bind().url), None, fn.__module__, fn.__qualname__, tuple(sorted(kwargs.items())),
           data_version(session, depends, year=kwargs.get("year")))
    return _remember(key, lambda: fn(session, **kwargs))


def clear() -> None:
    """Forget every cached answer, in this process and in the shared tier."""
    with _lock:
        _entries.clear()
    cache = _shared_cache()
    if cache is not None:
        try:
            cache.clear()
        except Exception as error:  # noqa: BLE001
            log.warning("query cache: clear failed (%s)", error)
