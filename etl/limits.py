"""What a load may take from the machine: memory (an address-space cap) and a place among at most
a few loads at once.

A workbook a few kilobytes long can ask for gigabytes: the reader checks what it can before it
reads (etl.read), and the cap stops whatever slips past those checks. Past the cap, Python code
raises ``MemoryError``, which ends in a rejection that says so; calamine's Rust code cannot
raise, and its process ends instead (the Data page tells the user; see components.jobs).

Linux and macOS only (``resource``, ``fcntl``), as the server is.
"""

from __future__ import annotations

import fcntl
import logging
import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import settings

if TYPE_CHECKING:
    from etl.load import LoadReport

log = logging.getLogger(__name__)

DEFAULT_MEMORY_MB = 4096
DEFAULT_CONCURRENT_LOADS = 2
SLOT_POLL_SECONDS = 0.5

_applied_mb: int | None = None  # the cap this process runs under, once cap_memory() set it


class LoadsBusy(Exception):
    """Every load slot stayed taken for as long as the caller would wait."""


def memory_cap_mb() -> int | None:
    """``PIB_LOAD_MEMORY_MB``: how much a load's process may grow, in MB; ``0`` lifts the cap."""
    try:
        value = int(os.environ.get("PIB_LOAD_MEMORY_MB", DEFAULT_MEMORY_MB))
    except ValueError:
        value = DEFAULT_MEMORY_MB
    return value if value > 0 else None


def max_concurrent_loads() -> int:
    """``PIB_MAX_CONCURRENT_LOADS``: loads that may run at once on this machine (at least 1)."""
    try:
        value = int(os.environ.get("PIB_MAX_CONCURRENT_LOADS", DEFAULT_CONCURRENT_LOADS))
    except ValueError:
        value = DEFAULT_CONCURRENT_LOADS
    return max(1, value)


def _address_space() -> int:
    """This process's address space now, in bytes."""
    with open("/proc/self/statm") as statm:  # Linux; elsewhere the cap counts from zero
        return int(statm.read().split()[0]) * resource.getpagesize()


def cap_memory(megabytes: int | None = None) -> int | None:
    """Cap this process's address space at its present size plus ``megabytes`` (default:
    :func:`memory_cap_mb`); return the megabytes granted, or None when there is no cap.

    Call it only in a process that exists for loads (the CLI's ``load``, a Data page job): the
    cap cannot be raised again. It counts from the present size because a job is forked from a
    server whose threads' reserved stacks and arenas are address space the load never uses.
    """
    global _applied_mb
    megabytes = memory_cap_mb() if megabytes is None else megabytes
    if not megabytes:
        return None
    # The loader's modules (pandas, numpy, the database drivers) are loaded once, not by the
    # file: they belong to the present size, not to the load's share.
    import etl.load  # noqa: F401
    try:
        base = _address_space()
    except OSError:
        base = 0
    limit = base + megabytes * 2**20
    for present in resource.getrlimit(resource.RLIMIT_AS):
        if present != resource.RLIM_INFINITY:
            limit = min(limit, present)  # a lower cap set by someone else stands
    # Hard as well as soft: nothing the load runs may lift it.
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # A Rust panic under the cap prints its message, then a backtrace if asked to; with no memory
    # left, printing the backtrace waits on a lock it already holds, and the process hangs for
    # good (holding its load slot) instead of ending.
    os.environ["RUST_BACKTRACE"] = "0"
    _applied_mb = megabytes
    return megabytes


def out_of_memory_params(what: str = "workbook") -> dict[str, str]:
    """The parameters of the rejection of a file whose load ran out of the memory a load may use
    (messages ``out-of-memory`` and ``out-of-memory-reading`` of etl.problem_catalogue)."""
    megabytes = _applied_mb or memory_cap_mb()
    return {"what": what, "limit": f" ({megabytes:,} MB)" if megabytes else ""}


def slot_dir() -> Path:
    """Where the lock files of the load slots live: shared by every process of the instance."""
    return settings.INSTANCE_DIR / "load-slots"


def _try_slot(directory: Path, index: int) -> int | None:
    """An open descriptor holding slot ``index``'s lock, or None when another load holds it."""
    fd = os.open(directory / f"slot-{index}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def load_slot(waiting: Callable[[], None] | None = None, *, limit: int | None = None,
              directory: Path | None = None, timeout: float | None = None) -> Iterator[int]:
    """Hold one of the machine's load slots (:func:`max_concurrent_loads`) while the block runs.

    When every slot is taken, ``waiting`` is called once and the slots are tried again until one
    frees, or until ``timeout`` seconds have passed (then :class:`LoadsBusy`). A slot is an
    ``flock`` on a file: the kernel releases it when its process ends however it ends, so a
    load killed for its memory never keeps its slot.
    """
    directory = directory or slot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    count = limit or max_concurrent_loads()
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while True:
        for index in range(count):
            fd = _try_slot(directory, index)
            if fd is not None:
                try:
                    yield index
                finally:
                    os.close(fd)  # releases the lock
                return
        if deadline is not None and time.monotonic() >= deadline:
            raise LoadsBusy(f"{count} load(s) already running")
        if not told and waiting is not None:
            waiting()
            told = True
        time.sleep(SLOT_POLL_SECONDS)


def load_within_limits(source: str | Path | bytes, *, name: str | None = None,
                       waiting: Callable[[], None] | None = None, **options) -> LoadReport:
    """:func:`etl.load.load_file` in a load slot; a ``MemoryError`` ends in a rejection, not a traceback.

    The loader's one transaction is rolled back when the error leaves it, so the database is as it
    was. ``options`` are ``load_file``'s.
    """
    from etl.load import LoadReport, load_file
    from etl.problems import Problem, msg

    shown = name or (Path(source).name if isinstance(source, (str, Path)) else "upload")
    with load_slot(waiting):
        try:
            return load_file(source, name=name, **options)
        except MemoryError:
            log.warning("load of %s ran out of memory", shown)
    what = "file" if shown.lower().endswith(".csv") else "workbook"
    report = LoadReport(shown, "rejected")
    report.problems.append(Problem.of(shown, "", 0, "", "", msg("out-of-memory", **out_of_memory_params(what)),
                                      "out-of-memory"))
    return report
