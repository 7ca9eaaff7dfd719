"""One place for engines and sessions (Flask tutorial's ``get_db``, for SQLAlchemy).

Engines are cached per URL so that the app, the loader and the tests share a pool. SQLite gets
WAL mode (readers never wait for the one writer), a busy timeout and foreign keys switched on;
PostgreSQL is used through psycopg 3.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import settings

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> str:
    """Make plain ``postgresql://`` URLs use psycopg 3, the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_ENGINES: dict[str, Engine] = {}
_FACTORIES: dict[str, sessionmaker[Session]] = {}
_LOCK = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: ``PIB_DATABASE_URL`` or the instance SQLite file)."""
    url = normalise_url(url or settings.database_url())
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                # A server that stops answering is noticed within seconds (connect) or about a minute
                # (keepalives on a dead link), not after the kernel's two hours.
                engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={
                    "connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                    "keepalives_count": 3})
            _ENGINES[url] = engine
            _FACTORIES[url] = sessionmaker(engine, expire_on_commit=False)
        return engine


def new_session(url: str | None = None) -> Session:
    """A new session on ``url``; the caller closes it (or use :func:`session_scope`)."""
    key = normalise_url(url or settings.database_url())
    get_engine(key)
    return _FACTORIES[key]()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on any exception."""
    session = new_session(url)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_all() -> None:
    """Close every cached engine's connections (tests, and after a fork)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
        _FACTORIES.clear()


def forget_after_fork() -> None:
    """In a forked worker: drop the inherited pools without closing the parent's connections."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose(close=False)
        _ENGINES.clear()
        _FACTORIES.clear()


def bound_statement_time(session: Session, milliseconds: int) -> None:
    """Cancel any statement of this transaction that runs longer than ``milliseconds``
    (PostgreSQL; SQLite has no such limit): for reads that must never hold a page up."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL statement_timeout = {int(milliseconds)}"))
