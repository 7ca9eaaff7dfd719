"""Background jobs whose process dies are reported, not left spinning.

Dash's DiskcacheManager runs a background callback in a process of its own and polls the cache
for its result. When that process dies without one (killed by the kernel's OOM killer, or by
calamine aborting at the load's memory cap), Dash answers the polls with "no update" and the
page keeps its progress bar and message as they were, forever: the user is never told. Here a
result missing from a process that is no longer running becomes an error, which the callback's
``on_error`` turns into a message.
"""

from __future__ import annotations

import logging
from typing import Any

import dash
import diskcache
import psutil
from dash.exceptions import BackgroundCallbackError

import settings

log = logging.getLogger(__name__)

JOB_DIED = "the background job's process ended without a result"


class WatchedDiskcacheManager(dash.DiskcacheManager):
    """A DiskcacheManager that reports a job whose process ended without a result as an error."""

    def get_result(self, key: str, job: Any) -> Any:
        result = super().get_result(key, job)
        if result is not self.UNDEFINED or not job or self._running(job):
            return result
        # The process stores its result before it ends: one more look settles a job that ended
        # between the first look and the liveness check.
        result = super().get_result(key, job)
        if result is not self.UNDEFINED:
            return result
        log.warning("background job %s ended without a result", job)
        try:
            self.terminate_job(job)  # waits for it, which reaps it when it is this process's child
        except Exception:  # the report matters, the reaping does not (logged below)
            log.debug("could not reap background job %s", job, exc_info=True)
        self.clear_cache_entry(self._make_progress_key(key))
        return {"background_callback_error": {"msg": JOB_DIED, "tb": ""}}

    def _running(self, job: Any) -> bool:
        try:
            return self.job_running(job)
        except psutil.NoSuchProcess:  # it ended between Dash's two looks at it
            return False


def job_died(error: BaseException) -> bool:
    """Whether a callback's error is the death of its background job's process."""
    return isinstance(error, BackgroundCallbackError) and JOB_DIED in str(error)


def watched_manager() -> WatchedDiskcacheManager:
    """A manager over the application's own job cache (``instance/jobs``), shared by the workers."""
    cache_dir = settings.INSTANCE_DIR / "jobs"
    cache_dir.mkdir(parents=True, exist_ok=True)
    return WatchedDiskcacheManager(diskcache.Cache(str(cache_dir)))
