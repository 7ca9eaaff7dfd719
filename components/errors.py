"""What a user sees when something fails on the server: a message in his or her language,
never a traceback. The database going away is the fault we expect (bench/RESULTS.md); every
other exception gets a plain apology while the log keeps the details.
"""

from __future__ import annotations

import logging
import secrets

import dash
from dash import html
from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify, request
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.exceptions import InternalServerError

from i18n import t

log = logging.getLogger(__name__)
RETRY_SECONDS = 15
ALERT_ID = "shell-alert"


def new_incident() -> str:
    """A short id that ties what a user was shown to the traceback in the log."""
    return secrets.token_hex(4)


def on_callback_error(error: Exception) -> None:
    """Dash's ``on_error``: show the message in the shell's alert region; outputs stay as they were.

    The database going away is expected and said as such; anything else is a bug, logged with its
    traceback under an incident id that the message shows, so that it can be found.
    """
    incident = None
    if isinstance(error, SQLAlchemyError):
        log.warning("callback failed, database unavailable: %s", error.__class__.__name__)
    else:
        incident = new_incident()
        log.error("callback failed (incident %s)", incident, exc_info=error)
    from components.context import caller_language

    try:
        lang = caller_language()
    except Exception:  # noqa: BLE001 - no context at all: English is the fallback everywhere
        lang = "en"
    key = "error.unexpected" if incident else "error.unavailable"
    dash.set_props(ALERT_ID, {"children": alert_children(key, lang, incident=incident)})


def alert_children(key: str, lang: str, *, incident: str | None = None) -> list:
    """The alert's content: the message and a way to try again."""
    message = t(key, lang, incident=incident) if incident else t(key, lang)
    return [html.Span(message), " ", html.A(t("error.reload", lang), href="", className="alert-action")]


def _page(key: str, *, refresh: bool = True, **values: str) -> str:
    # Both languages: with the database away, the user's own choice cannot be read.
    lines = "".join(f'<p lang="{lang}">{escape(t(key, lang, **values))}</p>' for lang in ("en", "km"))
    reload = f"<meta http-equiv=\"refresh\" content=\"{RETRY_SECONDS}\">" if refresh else ""
    return ("<!doctype html><html><head><meta charset=\"utf-8\">"
            f"{reload}"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(t('app.title', 'en'))}</title>"
            "<link rel=\"stylesheet\" href=\"/assets/pib.css\"></head>"
            f"<body><main class=\"page page-message\" id=\"page-unavailable\" role=\"alert\">{lines}</main>"
            "</body></html>")


def install(server: Flask) -> None:
    """A database error outside a callback answers 503 (JSON for machines, a page for people);
    a bundle that does not exist answers 404 and a malformed callback request 400, not 500."""
    from components import callback_guard

    callback_guard.install(server, dash.get_app())

    @server.errorhandler(InternalServerError)
    def _unexpected(error: InternalServerError):
        # A bug outside a callback: the traceback goes to the log under an incident id, and the
        # person (or the script) gets that id, never the traceback.
        incident = new_incident()
        log.error("request %s failed (incident %s)", request.path, incident,
                  exc_info=error.original_exception or error)
        headers = {"Cache-Control": "no-store"}
        if request.path.startswith(("/api/", "/_dash-")) or request.accept_mimetypes.best == "application/json":
            return jsonify(error="unexpected", incident=incident,
                           detail=t("error.unexpected", "en", incident=incident)), 500, headers
        return Response(_page("error.unexpected", incident=incident, refresh=False), status=500,
                        mimetype="text/html", headers=headers)

    @server.errorhandler(DependencyException)
    def _no_such_bundle(error: DependencyException):
        # Dash raises this for an unknown library or file under /_dash-component-suites/; its
        # message lists every registered file, which a stranger need not read.
        if "/_dash-component-suites/" not in request.path:
            raise error
        log.info("no bundle at %s", request.path)
        return jsonify(error="not found", detail=f"no bundle at {request.path}"), 404

    @server.errorhandler(DBAPIError)
    def _database_unavailable(error: DBAPIError):
        log.warning("request %s failed, database unavailable: %s", request.path, error.__class__.__name__)
        headers = {"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"}
        if request.path.startswith(("/api/", "/_dash-")) or request.accept_mimetypes.best == "application/json":
            return jsonify(error="unavailable", detail=t("error.unavailable", "en")), 503, headers
        return Response(_page("error.unavailable"), status=503, mimetype="text/html", headers=headers)
