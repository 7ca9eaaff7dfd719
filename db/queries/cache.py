"""A small cache for read models, keyed on the scope as well as the inputs (DESIGN section 11).

The key also holds the data version (the newest load batch), so that a load makes every cached
answer stale at once, in every worker, without any message between processes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auth.policy import Scope
from db.models import LoadBatch

MAX_ENTRIES = 512
_entries: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def data_version(session: Session) -> int:
    return session.execute(select(func.coalesce(func.max(LoadBatch.id), 0))).scalar_one()


def cached(session: Session, scope: Scope, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """``fn(session, scope, **kwargs)``, remembered per (database, scope, function, inputs, data version)."""
    key = (str(session.get_bind().url), scope, fn.__module__, fn.__qualname__,
           tuple(sorted(kwargs.items())), data_version(session))
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    value = fn(session, scope, **kwargs)
    with _lock:
        _entries[key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
