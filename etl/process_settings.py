"""Process-wide settings that make loads faster, for the processes that exist to load.

They change the whole Python process (every thread of it), so the loader never sets them: the
entry points do, around each load (``python -m etl load`` and ``demo``, the Data page's
background job, the benchmark). ``etl.load.load_file`` called anywhere else (a test, a script)
runs the same, only slower, and leaves the process as it found it.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LOAD_SWITCH_INTERVAL = 0.0005  # seconds: the GIL's switch interval while a load runs

_lock = threading.Lock()
_entered = 0  # blocks running now, over every thread
_saved: tuple[bool, float] = (True, 0.005)  # the collector's state and the interval before the first


@contextmanager
def bulk_process_settings() -> Iterator[None]:
    """Python's cycle collector paused and the GIL's switch interval shortened while the block runs;
    both restored when it ends, also on failure.

    The collector: reading and checking a large sheet creates millions of lists and strings, none
    of them in a cycle; each time their number grows by a quarter the collector walks all of them
    again (calamine's rows alone: 0.96 s with it, 0.40 s without, for 500,000 rows).

    The switch interval: an execution file's writer thread (``etl.writer.PartWriter``) needs the
    GIL only for moments, to hand the database its next rows, but waits for it up to the switch
    interval each time (5 ms by default) while the main thread checks rows: meanwhile the
    database, which works beside us, would have nothing to do.

    Blocks may nest or overlap on several threads: the first to enter saves and sets, the last
    to leave restores.
    """
    global _entered, _saved
    with _lock:
        if _entered == 0:
            _saved = (gc.isenabled(), sys.getswitchinterval())
            gc.disable()
            sys.setswitchinterval(LOAD_SWITCH_INTERVAL)
        _entered += 1
    try:
        yield
    finally:
        with _lock:
            _entered -= 1
            if _entered == 0:
                collecting, interval = _saved
                sys.setswitchinterval(interval)
                if collecting:
                    gc.enable()
