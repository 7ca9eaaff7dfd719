"""A rate limit for the public pages: a sliding window of requests per client address.

In-process: each server process (each gunicorn worker) counts on its own, so with W workers an
address may make up to W times the limit; a reverse proxy's own limit is the stronger guard for
a busy public site (README.md, "Open data"). Memory is bounded: windows that have emptied are
dropped, and past ``MAX_ADDRESSES`` the oldest addresses are forgotten.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque

WINDOW_SECONDS = 60.0
MAX_ADDRESSES = 20_000


class SlidingWindow:
    """At most ``limit`` requests per address in any ``window`` seconds."""

    def __init__(self, window: float = WINDOW_SECONDS, max_addresses: int = MAX_ADDRESSES) -> None:
        self.window, self.max_addresses = window, max_addresses
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, address: str, limit: int, now: float | None = None) -> int:
        """Count one request of ``address``: 0 when it may go ahead, else the whole seconds to wait
        (for ``Retry-After``). A refused request is not counted. ``limit`` 0 or less: no limit."""
        if limit <= 0:
            return 0
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(address)
            if hits is None:
                hits = self._hits[address] = deque()
            self._hits.move_to_end(address)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, math.ceil(hits[len(hits) - limit] + self.window - now))
            hits.append(now)
            if len(self._hits) > self.max_addresses:
                self._forget(now)
            return 0

    def _forget(self, now: float) -> None:
        for address in [a for a, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[address]
        while len(self._hits) > self.max_addresses:
            self._hits.popitem(last=False)  # the address heard from longest ago

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
