"""The store of background jobs (``background_job``): where a job's progress and result wait for
whichever server the page's next poll reaches (docs/architecture.md, "Background jobs").

A job's row goes ``running`` → ``done`` (its result written) → ``collected`` (handed to the page,
the result dropped); or ``running`` → ``died`` (its process ended without a result) or
``cancelled`` (the page asked for it to stop). Every change of state is a conditional UPDATE on
the row's present state, so two servers that look at one job at once never both act on it.

On PostgreSQL the rows live in the application's database. An SQLite database file takes one
writer at a time, and a load holds that writer for the whole of its writing: a job's progress
written there would wait for the load it reports on. So on SQLite the rows live in a second file
beside the database (``pib.sqlite3-jobs``), which every server that uses that database shares,
since all of them run on its machine.

Times are UTC and come from the clock of the machine that writes them: the machines of one
installation keep their clocks in step (NTP), as they must for the audit log anyway.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, insert, select, update
from sqlalchemy.engine import make_url

from db.engine import _sqlite_pragmas, get_engine, normalise_url
from db.models import BackgroundJob, utcnow

# A job's row is deleted a day after its last sign of life, whatever its state: by then its page
# has long stopped asking.
KEEP_FOR = timedelta(days=1)

_TABLE = BackgroundJob.__table__
_ensured: set[str] = set()
_ensured_lock = threading.Lock()


@dataclass(frozen=True)
class JobRow:
    """A job as its row stands."""

    key: str
    status: str
    host: str
    pid: int | None
    pid_started: float | None
    heartbeat_at: datetime
    progress: str | None
    set_props: str | None
    result: str | None


def store_url(url: str) -> str:
    """The database that keeps the jobs of the application database ``url``: that database
    itself, or for an SQLite file the file beside it (see the module's docstring)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return url
    path = Path(parsed.database)
    return parsed.set(database=str(path.with_name(path.name + "-jobs"))).render_as_string(hide_password=False)


def _ensure_table(engine: Engine, url: str) -> None:
    # The SQLite file beside the database is made on first use; PostgreSQL gets the table from
    # its migration (0010), as every other table.
    if url in _ensured:
        return
    with _ensured_lock:
        if url not in _ensured:
            _TABLE.create(engine, checkfirst=True)
            _ensured.add(url)


def store_engine(url: str) -> Engine:
    """The engine of the job store of ``url``, from the process's shared pools (servers)."""
    target = store_url(url)
    engine = get_engine(target)
    if target != url:
        _ensure_table(engine, target)
    return engine


def job_engine(url: str) -> Engine:
    """An engine of the job process's own on the job store of ``url``.

    Outside ``db.engine``'s registry on purpose: the job's callback drops that registry's pools
    when it starts (``forget_after_fork``) while this engine is reporting its progress.
    """
    target = normalise_url(store_url(url))
    if target.startswith("sqlite"):
        engine = create_engine(target, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        if target != normalise_url(url):
            _ensure_table(engine, target)
        return engine
    return create_engine(target, pool_size=1, max_overflow=1, pool_pre_ping=True, connect_args={"connect_timeout": 5})


_FIELDS = [getattr(_TABLE.c, name) for name in JobRow.__dataclass_fields__]


def _row(found) -> JobRow | None:
    return None if found is None else JobRow(**found._mapping)


def start(engine: Engine, key: str, host: str) -> None:
    """Record a new running job (its process is started next), and forget jobs a day quiet."""
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(delete(_TABLE).where(_TABLE.c.heartbeat_at < now - KEEP_FOR))
        conn.execute(insert(_TABLE).values(key=key, status="running", host=host, created_at=now, heartbeat_at=now))


def started(engine: Engine, key: str, pid: int, pid_started: float | None) -> None:
    """Record which process runs the job (its id and start time tell it from a later one)."""
    with engine.begin() as conn:
        conn.execute(update(_TABLE).where(_TABLE.c.key == key).values(pid=pid, pid_started=pid_started))


def read(engine: Engine, key: str) -> JobRow | None:
    """The job's row, or None when there is none (never started here, or forgotten)."""
    with engine.connect() as conn:
        return _row(conn.execute(select(*_FIELDS).where(_TABLE.c.key == key)).first())


def collect(engine: Engine, key: str) -> str | None:
    """The result of a finished job (JSON), handed out once: None if it is not done, or if another
    server collected it first."""
    with engine.begin() as conn:
        result = conn.scalar(select(_TABLE.c.result).where(_TABLE.c.key == key, _TABLE.c.status == "done"))
        if result is None:
            return None
        taken = conn.execute(update(_TABLE).where(_TABLE.c.key == key, _TABLE.c.status == "done")
                             .values(status="collected", result=None))
    return result if taken.rowcount == 1 else None


def end_running(engine: Engine, key: str, status: str) -> bool:
    """Move a running job to ``status`` (``died`` or ``cancelled``); False if it was not running
    any more (it finished meanwhile, or another server got there first)."""
    with engine.begin() as conn:
        done = conn.execute(update(_TABLE).where(_TABLE.c.key == key, _TABLE.c.status == "running")
                            .values(status=status))
    return done.rowcount == 1


def take_set_props(engine: Engine, key: str) -> str | None:
    """The properties the job set on other components since the last look (JSON), cleared."""
    with engine.begin() as conn:
        found = conn.scalar(select(_TABLE.c.set_props).where(_TABLE.c.key == key))
        if found is None:
            return None
        # Only if the job did not set newer ones in between: those wait for the next look.
        conn.execute(update(_TABLE).where(_TABLE.c.key == key, _TABLE.c.set_props == found).values(set_props=None))
    return found


def report(engine: Engine, key: str, progress: str | None = None, set_props: str | None = None) -> bool:
    """From the job's process: a sign of life, with its latest progress and set properties.

    False when the job is no longer running in the store: cancelled, or declared dead by a server
    that stopped hearing from it. The process must then stop, whatever it was doing.
    """
    return _update_running(engine, key, {}, progress, set_props)


def finish(engine: Engine, key: str, result: str, progress: str | None = None, set_props: str | None = None) -> bool:
    """From the job's process: its result (JSON). False if the job was no longer running."""
    return _update_running(engine, key, {"status": "done", "result": result}, progress, set_props)


def _update_running(engine: Engine, key: str, values: dict, progress: str | None, set_props: str | None) -> bool:
    """Write ``values`` (and a heartbeat, and progress and set properties when given) to the job
    only while it is still running; whether it was."""
    values = {**values, "heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = progress
    if set_props is not None:
        values["set_props"] = set_props
    with engine.begin() as conn:
        done = conn.execute(update(_TABLE).where(_TABLE.c.key == key, _TABLE.c.status == "running").values(**values))
    return done.rowcount == 1
