"""The process-wide Flask extensions, kept here so nothing imports the app to reach them."""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import logging
import os
import queue
import threading
from pathlib import Path

import brotli
from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
# Open data for everyone (open_data/): no sign-in, no session cookie, nothing of the signed-in app.
OPEN_PREFIX = "/open"


# The icon browsers fetch by themselves, at Dash's address and at the site's root.
ICON_PATHS = ("/_favicon.ico", "/favicon.ico")


def is_open_path(path: str) -> bool:
    """Whether ``path`` is /open or under it (``/openx`` is not)."""
    return path == OPEN_PREFIX or path.startswith(OPEN_PREFIX + "/")


def leaves_the_session_alone(path: str) -> bool:
    """Whether the answer to ``path`` must never write the session cookie.

    Static files, the icon and the open pages say nothing about the user. More than that: a
    browser fetches the icon of the sign-in page by itself, with the cookie it had then; had its
    answer carried a cookie and arrived after the sign-in's, it would have put back the signed-out
    session, and the next request would have met the sign-in form again.
    """
    return path.startswith(STATIC_PREFIXES) or path in ICON_PATHS or is_open_path(path)


class StaticCompressionCache:
    """Compressed static files, kept per process (Flask-Compress's cache backend).

    Brotli spends some 100 ms on plotly.js (3.6 MB) for every first visit otherwise. Only
    static files are kept: their URLs carry a fingerprint or modification time, so a key never
    names two contents; every other response has the empty key, which is never stored.
    """

    def __init__(self) -> None:
        self._items: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";") else self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";") and len(self._items) < 256:
            self._items[key] = value


def static_cache_key(request) -> str:
    """The cache key of a static file's compressed body; empty (never stored) for anything else."""
    return request.full_path if request.path.startswith(STATIC_PREFIXES) else ""


class CompressedCopies:
    """Static files at brotli 11 and gzip 9, compressed once per content for every worker.

    Flask-Compress can afford brotli 4 per response (and per worker, in its memory cache);
    quality 11 saves a further 15 % of Dash's bundles but costs seconds of CPU per file (some
    8 s for a first visit's). So the copies are made once, in ``directory`` (in the instance
    folder), named by the SHA-256 of the content they compress: a new version of a file is a
    new name, and every worker and server that shares the folder finds the others' copies. A
    background thread makes them, one file at a time under a lock on the folder, so that two
    workers never compress the same file; until a copy exists, the response is left to
    Flask-Compress's quick path and the file is queued.
    """

    SUFFIXES = {"br": ".br", "gzip": ".gz"}
    MEMORY_ITEMS = 256

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._memory: dict[tuple[str, str], bytes] = {}
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._queued: set[str] = set()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._owner = 0  # the process whose thread works through the queue

    def copy(self, body: bytes, encoding: str) -> bytes | None:
        """The compressed copy of ``body`` in ``encoding`` ("br" or "gzip"); None, and ``body``
        queued for compression, when it has not been made yet."""
        digest = hashlib.sha256(body).hexdigest()
        found = self._memory.get((digest, encoding))
        if found is None:
            try:
                found = (self.directory / (digest + self.SUFFIXES[encoding])).read_bytes()
            except FileNotFoundError:
                self.queue(body)
                return None
            if len(self._memory) < self.MEMORY_ITEMS:
                self._memory[(digest, encoding)] = found
        return found

    def queue(self, body: bytes) -> None:
        """Have ``body``'s copies made in the background (at most once per content and process)."""
        digest = hashlib.sha256(body).hexdigest()
        with self._guard:
            if self._owner != os.getpid():  # a forked worker (gunicorn --preload): a thread of its own
                self._owner, self._queue, self._queued = os.getpid(), queue.Queue(), set()
                self._thread = threading.Thread(target=self._work, args=(self._queue,), name="compressed-copies",
                                                daemon=True)
                self._thread.start()
            if digest in self._queued:
                return
            self._queued.add(digest)
            self._queue.put(body)

    def make(self, body: bytes) -> int:
        """Make ``body``'s missing copies now, under the folder's lock; the number made (0 when
        another worker, or an earlier run, made them)."""
        digest = hashlib.sha256(body).hexdigest()
        self.directory.mkdir(parents=True, exist_ok=True)
        made = 0
        with open(self.directory / ".lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            for encoding, suffix in self.SUFFIXES.items():
                path = self.directory / (digest + suffix)
                if path.exists():
                    continue
                data = (brotli.compress(body, quality=11) if encoding == "br"
                        else gzip.compress(body, compresslevel=9, mtime=0))
                partial = path.with_name(f"{path.name}.{os.getpid()}.part")
                partial.write_bytes(data)
                os.replace(partial, path)  # a reader sees the whole copy or none
                made += 1
        return made

    def wait(self) -> None:
        """Return once every queued file has its copies (for tests and warm-up scripts)."""
        self._queue.join()

    def _work(self, work: queue.Queue[bytes]) -> None:
        # Lowest priority for this thread alone (Linux sets it per thread): visitors' requests
        # come first; brotli releases the GIL while it compresses.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        while True:
            body = work.get()
            try:
                self.make(body)
            except Exception:  # the thread goes on with the queue; the quick path serves meanwhile
                logging.getLogger(__name__).exception("could not make a compressed copy in %s", self.directory)
            finally:
                work.task_done()


def encoding_wanted(accept_encoding) -> str | None:
    """"br" or "gzip", as a request's ``Accept-Encoding`` prefers them; None for neither."""
    best = max(("br", "gzip"), key=lambda e: accept_encoding[e])
    return best if accept_encoding[best] else None
