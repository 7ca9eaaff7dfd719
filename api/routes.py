"""Routes of the read API. Each one builds the caller's Scope on the server and passes it on."""

from __future__ import annotations

from flask import Blueprint, jsonify

from auth.policy import Forbidden
from auth.web import audit_refusal, current_scope

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(Forbidden)
def _forbidden(refusal: Forbidden):
    audit_refusal(refusal.what)
    return jsonify(error="forbidden", detail=f"not permitted: {refusal.what}"), 403


@bp.get("/whoami")
def whoami():
    """Who the session or token belongs to, and what the scope allows."""
    scope = current_scope()
    provinces = scope.provinces
    return jsonify(
        username=scope.username,
        role=scope.role,
        province=scope.province,
        provinces="all" if provinces is None else sorted(provinces),
        reads_data=scope.reads_data,
    )
