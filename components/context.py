"""Who is calling, for callbacks: the Scope and language, built on the server.

Background callbacks run in another process, without a request and so without
``current_user``. A ``custom_data`` hook runs inside every callback request instead, builds
the caller's scope there from the signed-in user, and Dash hands it to the job; nothing of it
comes from the browser (docs/architecture.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import dash
from flask_login import current_user

from auth.web import current_language, db_url
from domain.access import Forbidden, Scope

NAMESPACE = "pib"


def caller_data(scope: Scope, lang: str, url: str) -> dict:
    """What a callback knows of its caller (``dash.ctx.custom_data[NAMESPACE]``)."""
    return {"user_id": scope.user_id, "username": scope.username, "role": scope.role,
            "province": scope.province, "lang": lang, "db_url": url}


@dash.hooks.custom_data(NAMESPACE)
def _caller(_context) -> dict | None:
    if not current_user or not current_user.is_authenticated:
        return None
    return caller_data(Scope.for_user(current_user), current_language(), db_url())


@contextlib.contextmanager
def calling_as(scope: Scope, lang: str, url: str) -> Iterator[None]:
    """Run page callbacks outside a request as ``scope``'s request would run them (the start-up
    warm-up): the caller the hook above builds, no input triggered."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    token = context_value.set(AttributeDict(custom_data=AttributeDict({NAMESPACE: caller_data(scope, lang, url)}),
                                            triggered_inputs=[], updated_props={}))
    try:
        yield
    finally:
        context_value.reset(token)


def caller_scope() -> Scope:
    """The Scope of the user whose request runs this callback (background ones included)."""
    data = dash.ctx.custom_data.get(NAMESPACE) if dash.ctx else None
    if not data:
        raise Forbidden("anonymous")
    return Scope(user_id=data["user_id"], username=data["username"], role=data["role"],
                 province=data["province"])


def caller_language() -> str:
    data = dash.ctx.custom_data.get(NAMESPACE) if dash.ctx else None
    return data["lang"] if data else "en"


def caller_db_url() -> str:
    data = dash.ctx.custom_data.get(NAMESPACE) if dash.ctx else None
    if not data:
        raise Forbidden("anonymous")
    return data["db_url"]
