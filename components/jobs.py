"""Background jobs (Data page uploads) that any server can answer for, and that are reported
when their process dies.

Dash runs a background callback in a process of its own and the page polls for its progress and
result. Dash's own managers keep those in a disk cache of one machine (so a poll that reaches
another server finds nothing) or in Celery on Redis (a broker and workers to run besides the
database). Here they are kept in the database every server already shares (``db/jobs.py``):
the job still runs as a process forked by the server that received the upload, and any server
answers the polls.

A job whose process dies without a result (the kernel's OOM killer, calamine aborting at the
load's memory cap) would leave the page's progress bar as it was, forever. A server on the job's
machine sees at once that its process is gone; a server on another machine sees that the job's
heartbeat (every few seconds) has stopped. Either way the missing result becomes an error, which
the callback's ``on_error`` turns into a message.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import json
import logging
import os
import secrets
import socket
import threading
import time
import traceback
from datetime import timedelta
from typing import Any

import psutil
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.background_callback._proxy_set_props import ProxySetProps
from dash.background_callback.managers import BaseBackgroundCallbackManager
from dash.exceptions import BackgroundCallbackError, PreventUpdate
from plotly.io.json import to_json_plotly
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from db import jobs as store
from db.models import utcnow

log = logging.getLogger(__name__)

JOB_DIED = "the background job's process ended without a result"
DIED = {"background_callback_error": {"msg": JOB_DIED, "tb": ""}}
NO_UPDATE = {"_dash_no_update": "_dash_no_update"}

HOST = socket.gethostname()
HEARTBEAT_SECONDS = 5.0
# A job on another machine is dead after this long without a heartbeat: six missed beats, so that
# a busy database or a short network stall is not taken for a death.
STALE_AFTER = timedelta(seconds=30)
# How often the job's process writes its latest progress, at most: the loader reports many times a
# second, and the page polls once a second.
TICK_SECONDS = 0.25
# How long the job's process keeps trying to store its result when the database does not answer.
FINISH_TRIES = 30


class DatabaseJobManager(BaseBackgroundCallbackManager):
    """Dash's background-callback manager over the job store of the application's database.

    ``url`` is the application database; without it, the database of the request's app
    (``PIB_DATABASE_URL`` of the server answering).
    """

    def __init__(self, url: str | None = None) -> None:
        self._url = url
        super().__init__(cache_by=None)

    def url(self) -> str:
        """The application database whose job store this manager uses now."""
        if self._url:
            return self._url
        from auth.web import db_url

        return db_url()

    def _engine(self) -> Engine:
        return store.store_engine(self.url())

    # --- starting a job (the server that receives the upload) ---------------------------------

    def build_cache_key(self, fn, args, cache_args_to_ignore, triggered) -> str:
        # Every start is a job of its own: two people uploading the same file at once must not
        # share one result. (Dash's key is a hash of the inputs, for caching results, unused here.)
        return secrets.token_hex(16)

    def make_job_fn(self, fn, progress, key=None):
        return functools.partial(_run_callback, fn, bool(progress))

    def call_job_fn(self, key, job_fn, args, context):
        from multiprocess import Process  # Dash's own choice: forks here, as the loader's tests rely on

        url, engine = self.url(), self._engine()
        _reap_children()
        store.start(engine, key, HOST)
        process = Process(target=_job_main, args=(url, key, job_fn, args, context))
        process.start()
        store.started(engine, key, process.pid, _start_time(process.pid))
        return key

    # --- answering the page's polls (any server) ------------------------------------------------

    def get_progress(self, key):
        row = store.read(self._engine(), key)
        return json.loads(row.progress) if row is not None and row.progress else None

    def result_ready(self, key) -> bool:
        row = store.read(self._engine(), key)
        return row is not None and row.status == "done"

    def get_result(self, key, job):
        _reap_children()
        engine = self._engine()
        for _look in range(2):
            row = store.read(engine, key)
            if row is None:
                return self.UNDEFINED
            if row.status == "done":
                result = store.collect(engine, key)
                return self.UNDEFINED if result is None else json.loads(result)
            if row.status != "running" or _alive(row):
                return self.UNDEFINED
            # Its process is gone. The result is stored just before the process ends: only a
            # job still "running" in the store died without one (else look again, and collect).
            if store.end_running(engine, key, "died"):
                log.warning("background job %s (process %s on %s) ended without a result", key, row.pid, row.host)
                return DIED
        return self.UNDEFINED

    def job_running(self, job) -> bool:
        if not job:
            return False
        row = store.read(self._engine(), job)
        return row is not None and row.status == "running" and _alive(row)

    def get_updated_props(self, key):
        found = store.take_set_props(self._engine(), key)
        return json.loads(found) if found else {}

    # --- stopping a job ---------------------------------------------------------------------------

    def terminate_job(self, job) -> None:
        if not job:
            return
        engine = self._engine()
        row = store.read(engine, job)
        if row is None or not store.end_running(engine, job, "cancelled"):
            return
        # A job on another machine stops itself at its next heartbeat, finding itself cancelled.
        process = _local_process(row)
        if process is not None:
            try:
                process.kill()
                process.wait(1)  # reaps it when it is this process's child
            except (psutil.NoSuchProcess, psutil.TimeoutExpired):
                pass
        _reap_children()

    def terminate_unhealthy_job(self, job) -> bool:
        if job and not self.job_running(job):
            self.terminate_job(job)
            return True
        return False

    def get_or_create_signing_secret(self, generate):
        # The application always signs job handles with its SECRET_KEY (the same on every server).
        raise NotImplementedError


def _start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def _reap_children() -> None:
    # A job's process that has ended stays a zombie until the server that forked it waits for it.
    from multiprocess import active_children

    active_children()


def _local_process(row: store.JobRow) -> psutil.Process | None:
    """The job's process when it runs on this machine and is still that process (not a later
    one given the same id)."""
    if row.host != HOST or row.pid is None:
        return None
    try:
        process = psutil.Process(row.pid)
        if row.pid_started is not None and abs(process.create_time() - row.pid_started) > 0.5:
            return None
        return process
    except psutil.Error:
        return None


def _alive(row: store.JobRow) -> bool:
    """Whether a running job's process still runs: looked at directly on its machine, else told
    by its heartbeat."""
    if row.host == HOST and row.pid is not None:
        process = _local_process(row)
        try:
            return process is not None and process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
        except psutil.Error:  # not ours to look at (another user's process): trust the heartbeat
            pass
    return utcnow() - row.heartbeat_at < STALE_AFTER


def job_died(error: BaseException) -> bool:
    """Whether a callback's error is the death of its background job's process."""
    return isinstance(error, BackgroundCallbackError) and JOB_DIED in str(error)


@functools.cache
def watched_manager() -> DatabaseJobManager:
    """The application's one job manager (the upload callback's, and the app's default)."""
    return DatabaseJobManager()


# --- in the job's process -----------------------------------------------------------------------


class _Reporter(threading.Thread):
    """Writes the job's latest progress and its heartbeat to the store, so that the callback never
    waits on the database to report progress."""

    def __init__(self, engine: Engine, key: str) -> None:
        super().__init__(name=f"job-{key[:8]}-reporter", daemon=True)
        self.engine, self.key = engine, key
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._progress: str | None = None
        self._set_props: str | None = None
        self._beat = 0.0

    def progress(self, value: Any) -> None:
        text = to_json_plotly(list(value) if isinstance(value, (list, tuple)) else [value])
        with self._lock:
            self._progress = text

    def set_props(self, component_id: Any, props: dict) -> None:
        # As Dash's own managers: the latest call stands for those not yet seen by the page.
        text = to_json_plotly({component_id: props})
        with self._lock:
            self._set_props = text

    def _take(self) -> tuple[str | None, str | None]:
        with self._lock:
            taken = self._progress, self._set_props
            self._progress = self._set_props = None
        return taken

    def _put_back(self, progress: str | None, set_props: str | None) -> None:
        with self._lock:  # unless newer ones came meanwhile
            self._progress = self._progress or progress
            self._set_props = self._set_props or set_props

    def run(self) -> None:
        while not self._finished.wait(TICK_SECONDS):
            progress, set_props = self._take()
            if progress is None and set_props is None and time.monotonic() - self._beat < HEARTBEAT_SECONDS:
                continue
            try:
                running = store.report(self.engine, self.key, progress, set_props)
            except SQLAlchemyError as error:
                log.warning("background job %s: could not report (%s)", self.key, error)
                self._put_back(progress, set_props)
                continue
            self._beat = time.monotonic()
            if not running:
                # Cancelled, or declared dead by a server that lost its heartbeat: the page has
                # been told so, and nothing this job does may land after that.
                log.warning("background job %s is no longer running in the store: stopping", self.key)
                os._exit(1)

    def finish(self, result: str) -> None:
        self._finished.set()
        self.join()
        progress, set_props = self._take()
        for attempt in range(FINISH_TRIES):
            try:
                store.finish(self.engine, self.key, result, progress, set_props)
                return
            except SQLAlchemyError as error:
                log.warning("background job %s: could not store its result (%s)", self.key, error)
                time.sleep(min(2.0, 0.1 * 2**attempt))


def _run_callback(fn, progress: bool, reporter: _Reporter, args: Any, context: dict) -> Any:
    """Run the callback as Dash's managers do: its context set, ``set_progress`` first when it
    reports progress; an error or PreventUpdate becomes the value Dash expects for it."""
    c = AttributeDict(**context)
    c.ignore_register_page = False
    c.updated_props = ProxySetProps(reporter.set_props)
    context_value.set(c)
    leading = [reporter.progress] if progress else []
    try:
        if isinstance(args, dict):
            output = fn(*leading, **args)
        elif isinstance(args, (list, tuple)):
            output = fn(*leading, *args)
        else:
            output = fn(*leading, args)
        if inspect.isawaitable(output):
            output = asyncio.run(output)
        return output
    except PreventUpdate:
        return NO_UPDATE
    except Exception as error:  # noqa: BLE001 - handed to the callback's on_error, as Dash does
        return {"background_callback_error": {"msg": str(error), "tb": traceback.format_exc()}}


def _job_main(url: str, key: str, job_fn, args: Any, context: dict) -> None:
    """The job's process: run the callback, reporting meanwhile, then store its result."""
    from db.engine import forget_after_fork

    forget_after_fork()
    engine = store.job_engine(url)
    reporter = _Reporter(engine, key)
    reporter.start()
    output = contextvars.copy_context().run(job_fn, reporter, args, context)
    try:
        result = to_json_plotly(output)
    except Exception as error:  # noqa: BLE001 - a value Dash could not have sent either
        result = to_json_plotly({"background_callback_error": {"msg": f"the result cannot be sent: {error}",
                                                               "tb": traceback.format_exc()}})
    reporter.finish(result)
    engine.dispose()
