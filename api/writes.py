"""What every write of the API shares: a JSON body only, the CSRF header for a session cookie
(a bearer token needs none: a browser never sends one on its own), the writer as an ``Actor``,
and the answers of the write layer's refusals."""

from __future__ import annotations

from flask import jsonify, request, session
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from auth.web import client_address, current_scope
from db.queries.submission import NotFound
from db.submissions import Actor, Blocked, Exists, Invalid, Stale, WrongState


class BadBody(ValueError):
    """A body that is not the JSON object a write takes (415 or 400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def json_body() -> dict:
    """The request's JSON object; a form-encoded or malformed body is refused."""
    if not request.is_json:
        raise BadBody(415, "send the body as JSON (Content-Type: application/json)")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadBody(400, "the body is not a JSON object")
    return body


def writer() -> Actor:
    """The signed-in writer; a session cookie must come with a valid ``X-CSRFToken`` header."""
    scope = current_scope()
    if "_user_id" in session:  # signed in by cookie, not by bearer token
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError as error:
            raise CSRFError(f"a write with a session cookie needs the X-CSRFToken header ({error})") from error
    return Actor(scope=scope, address=client_address())


def register_errors(bp) -> None:
    """Answer the write layer's refusals on ``bp`` with their status codes."""

    @bp.errorhandler(BadBody)
    def _bad_body(error: BadBody):
        return jsonify(error="bad body", detail=str(error)), error.status

    @bp.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return jsonify(error="csrf", detail=error.description), 400

    @bp.errorhandler(NotFound)
    def _not_found(error: NotFound):
        return jsonify(error="not found", detail=str(error)), 404

    @bp.errorhandler(WrongState)
    def _wrong_state(error: WrongState):
        return jsonify(error="conflict", status=error.status, detail=error.reason), 409

    @bp.errorhandler(Stale)
    def _stale(error: Stale):
        extra = {} if error.index is None else {"index": error.index}
        return jsonify(error="stale", detail="changed by someone else since you read it; the newer value is "
                                              "in `current`", current=error.current, **extra), 409

    @bp.errorhandler(Exists)
    def _exists(error: Exists):
        return jsonify(error="exists", detail=str(error), id=error.submission_id), 409

    @bp.errorhandler(Blocked)
    def _blocked(error: Blocked):
        return jsonify(error="blocked", detail=f"{len(error.reasons)} reason(s) block this",
                       reasons=error.reasons), 422

    @bp.errorhandler(Invalid)
    def _invalid(error: Invalid):
        return jsonify(error="invalid", **error.as_dict()), 422
