"""Built answers of read-only callbacks, remembered per caller, inputs and data versions.

The query cache (db/queries/cache.py) spares the database, but a warm answer of the scorecard's
main callback still spent about two thirds of its CPU building the same components again (cards,
table rows, bars) from the same cached frames. :func:`remembered` keeps the components a callback
returned, keyed like the query cache on what decides them: the database, the caller's role and
province, the language, the callback's arguments (and, where asked, what triggered it) and the
versions of the data it reads. A load or a rebuild of the marts is a new version of the facts,
read from the database in every request, so an answer is never served after the data under it
changed, in any process or on any server.

The answers live in the query cache's shared tier only, not in each process: every gunicorn
worker of the machine uses an answer built by another (with one worker's memory per answer, each
worker met most keys cold and the figures did not move), and unpickling one (~30 kB) costs a
fraction of a millisecond against several for building it.

Only for callbacks whose answer depends on nothing else: not on who the user is beyond role and
province, not on the time, not on people's writes unless ``PEOPLE`` is among ``depends``. An
answer that says the database is unavailable (:func:`forget_this_answer`) is never kept.
"""

from __future__ import annotations

import dis
import functools
import inspect
import json
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import dash
from sqlalchemy.exc import SQLAlchemyError

from components.context import NAMESPACE, caller_scope
from db.engine import session_scope
from db.queries.cache import BY_YEAR, CYCLE, FACTS, data_version, shared_only

_forget: ContextVar[bool] = ContextVar("forget_this_answer", default=False)


def forget_this_answer() -> None:
    """Say that the answer being built must not be remembered (the database could not answer)."""
    _forget.set(True)


def _arguments_key(signature: inspect.Signature, args: tuple, kwargs: dict) -> str:
    # Callback arguments come from JSON, so JSON names them exactly (a list and a tuple alike).
    # An argument named with a leading underscore is one the callback does not read (a State
    # that only orders it after another callback): it must not split one answer into several,
    # and a warm-up cannot know it.
    try:
        bound = signature.bind(*args, **kwargs).arguments
    except TypeError:  # called otherwise than declared: keyed on all it was given
        return json.dumps([args, kwargs], sort_keys=True, default=repr, ensure_ascii=False)
    read = {name: value for name, value in bound.items() if not name.startswith("_")}
    return json.dumps(read, sort_keys=True, default=repr, ensure_ascii=False)


def _unread_arguments_are_unread(callback: Callable, signature: inspect.Signature) -> None:
    # The key leaves out the arguments named with a leading underscore; one that the body reads
    # would let two different answers share a key.
    code = callback.__code__
    # Local loads only: a constant or an attribute of the same name is not the argument.
    loaded = {name for ins in dis.get_instructions(callback)
              if ins.opname.startswith(("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE"))
              for name in (ins.argval if isinstance(ins.argval, tuple) else (ins.argval,))}
    for name in signature.parameters:
        if name.startswith("_") and (name in loaded or name in code.co_cellvars):
            raise TypeError(f"{callback.__qualname__} reads {name}: an argument it reads must not start with '_'")


def _year_argument(signature: inspect.Signature, args: tuple, kwargs: dict) -> Any:
    try:
        return signature.bind(*args, **kwargs).arguments.get("year")
    except TypeError:  # called otherwise than declared: keyed on every year's facts
        return None


def remembered(*, depends: tuple[str, ...] = (FACTS,), by_trigger: bool = False) -> Callable:
    """Decorate a Dash callback (under ``@callback``) so that its answer is built once per
    (database, role and province, language, arguments, versions of ``depends``) on the machine.

    Arguments named with a leading underscore are not part of the key: the callback must not
    read them (checked here).
    ``by_trigger``: the answer also depends on which input fired (``dash.ctx.triggered_id``).
    ``FACTS_TO_YEAR`` in ``depends``: the callback reads the facts of its ``year`` argument and
    earlier years only; ``CYCLE`` and ``EXPLAINED_YEAR_BEFORE``: it shows the budget cycle of
    ``year``, the explanations of the year before (see db/queries/cache.py). An anonymous
    caller, or a database that cannot say its versions, gets the callback itself.
    """

    def decorate(callback: Callable) -> Callable:
        name = (callback.__module__, callback.__qualname__)
        signature = inspect.signature(callback)
        _unread_arguments_are_unread(callback, signature)
        by_year = bool(BY_YEAR & set(depends))
        if by_year and "year" not in signature.parameters:
            raise TypeError(f"{callback.__qualname__}: {sorted(BY_YEAR & set(depends))} need a 'year' argument")

        @functools.wraps(callback)
        def answer(*args: Any, **kwargs: Any) -> Any:
            caller = dash.ctx.custom_data.get(NAMESPACE) if dash.ctx else None
            if not caller:
                return callback(*args, **kwargs)
            try:
                # Read before the callback runs: a change committed meanwhile can only make the
                # answer newer than its key, never older.
                year = _year_argument(signature, args, kwargs) if by_year else None
                # A director's answer shows the whole submission and the province's part only.
                provinces = caller_scope().provinces if CYCLE in depends else None
                with session_scope(caller["db_url"]) as session:
                    version = data_version(session, depends, year=year, provinces=provinces)
            except SQLAlchemyError:
                return callback(*args, **kwargs)
            trigger = json.dumps(dash.ctx.triggered_id, sort_keys=True, default=repr) if by_trigger else None
            key = ("answer", caller["db_url"], caller["role"], caller["province"], caller["lang"], name,
                   _arguments_key(signature, args, kwargs), trigger, version)
            token = _forget.set(False)
            try:
                return shared_only(key, lambda: callback(*args, **kwargs), keep=lambda: not _forget.get())
            finally:
                _forget.reset(token)

        return answer

    return decorate
