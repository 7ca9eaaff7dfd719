"""A cache for read models, keyed on the scope as well as the inputs (docs/architecture.md).

Two tiers: a small LRU in each process, and a disk cache that every process of the machine
shares (gunicorn's workers), so that an answer computed by one
worker is not computed again by the others. The key holds the data version (the newest load
batch, and the count of people's writes that every write layer bumps with ``note_write`` in its
own transaction), so that a load, a saved amount, a decision or a comment makes every cached
answer stale at once, in every process and on every server, without any message between them
(tests/integration/test_cache_sees_writes.py). The shared tier is a help, never a need: when its directory cannot be
used, answers are computed as if it were empty.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy import event, insert, select, update
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


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_session_memos(session: Session) -> None:
    # What a session remembered (the data version, a request's sums) holds for one transaction.
    for key in SESSION_MEMOS:
        session.info.pop(key, None)


def data_version(session: Session) -> tuple:
    """The newest load batch (its id, when it was loaded and its file's checksum) and the count
    of people's writes.

    The time and checksum keep a database that was emptied and loaded again (ids restart) from
    meeting the answers of its former content in the shared tier, which outlives the process.
    """
    if "data_version" in session.info:  # asked once per transaction: a request sees one version
        return session.info["data_version"]
    newest = session.execute(select(LoadBatch.id, LoadBatch.loaded_at, LoadBatch.checksum)
                             .order_by(LoadBatch.id.desc()).limit(1)).first()
    writes = session.scalar(select(WriteCounter.value).where(WriteCounter.id == 1)) or 0
    version = (0, "", "", writes) if newest is None else (newest[0], str(newest[1]), newest[2], writes)
    session.info["data_version"] = version
    return version


def note_write(session: Session) -> None:
    """Count a person's write (a line, a decision, a comment, an explanation) in its transaction,
    so that every cached answer is stale once it commits, in every worker and on every server."""
    counter = WriteCounter.__table__
    done = session.execute(update(counter).where(counter.c.id == 1).values(value=counter.c.value + 1))
    if done.rowcount == 0:  # an emptied table (tests truncate it): start counting again
        session.execute(insert(counter).values(id=1, value=1))
    session.info.pop("data_version", None)


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


def _stored(key: tuple, compute: Callable[[], Any]) -> Any:
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    found, value = _shared_get(digest)
    if not found:
        value = compute()
        _shared_set(digest, value)
    with _lock:
        _entries[key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def scope_key(scope: Scope) -> tuple[str, str | None]:
    """What of a scope decides the answers: its role and province, not who the user is, so two
    directors of one province share their answers. A hit skips ``fn``'s own ``require_*`` checks,
    which is sound because those checks, too, depend on the role, the province and the inputs only."""
    return scope.role, scope.province


def cached(session: Session, scope: Scope, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """``fn(session, scope, **kwargs)``, remembered per (database, scope, function, inputs, data version).

    The caller gets its own copy (:func:`_handed_out`): changing it changes nobody else's answer.
    """
    key = (str(session.get_bind().url), scope_key(scope), fn.__module__, fn.__qualname__,
           tuple(sorted(kwargs.items())), data_version(session))
    return _remember(key, lambda: fn(session, scope, **kwargs))


def cached_reference(session: Session, fn: Callable[[Session], Any]) -> Any:
    """``fn(session)`` for reference data every signed-in user may read (the indicator catalogue),
    remembered per database and data version: a load of a new catalogue is a new version too.
    The caller gets its own copy, as from :func:`cached`.
    """
    key = (str(session.get_bind().url), None, fn.__module__, fn.__qualname__, (), data_version(session))
    return _remember(key, lambda: fn(session))


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
