"""Callback requests checked before Dash reads them: a body that Dash's renderer would never
send is answered 400 (404 for a callback that does not exist) in JSON, and logged in one line.

Dash's dispatch trusts the shape of the body. JSON ``null``, an array, a missing ``output``, an
unregistered output, inputs of the wrong number or a list where a dict belongs each raised
inside Dash, answered 500 and wrote a traceback to the log; JSON nested some thousand levels
deep raised RecursionError while being parsed. The values themselves are left to the callbacks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import dash
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Containers inside containers. The renderer's deepest bodies (a grid's selected rows, a chart's
# clickData) reach 7; the limit leaves room without letting a crafted body reach Dash's or the
# callbacks' recursive code.
MAX_DEPTH = 64


class Refusal(Exception):
    """A callback request answered with ``status`` and ``message`` instead of running."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def nesting_depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and dicts in ``value`` nest deeper than ``limit`` (walked without recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _is_spec(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("id"), str | dict)
            and isinstance(item.get("property"), str))


def _check_dependencies(body: dict, key: str, registered: list[dict]) -> None:
    # Inputs and state come in the order the callback declares them, one entry each; a
    # wildcard (pattern-matching) entry is a list of specs for ALL, one spec for MATCH.
    items = body.get(key, [])
    if not isinstance(items, list) or len(items) != len(registered):
        raise Refusal(400, f"'{key}' must list the callback's {len(registered)} {key} in order")
    for item, dependency in zip(items, registered, strict=True):
        wildcard = dependency["id"].startswith("{")
        for spec in item if wildcard and isinstance(item, list) else [item]:
            if (not _is_spec(spec) or spec["property"] != dependency["property"]
                    or (not wildcard and spec["id"] != dependency["id"])):
                raise Refusal(400, f"'{key}' do not match the callback's {key}")


def _check_outputs(outputs: Any, registered: Any) -> None:
    # As Dash's own check (dash._validate.validate_output_spec), which raises and so answers 500.
    many = isinstance(registered, list | tuple)
    expected = list(registered) if many else [registered]
    given = outputs if many else [outputs]
    if not isinstance(given, list) or len(given) != len(expected):
        raise Refusal(400, f"'outputs' must list the callback's {len(expected)} outputs")
    for spec, output in zip(given, expected, strict=True):
        for part in spec if isinstance(spec, list) else [spec]:
            if not _is_spec(part) or dash.Output(part["id"], part["property"].split("@")[0]) != output:
                raise Refusal(400, "'outputs' do not match the callback's outputs")


def check_body(body: Any, callback_map: Mapping[str, dict]) -> None:
    """Raise :class:`Refusal` unless ``body`` has the shape Dash's dispatch expects."""
    if not isinstance(body, dict):
        raise Refusal(400, "the body must be a JSON object")
    if nesting_depth_exceeds(body):
        raise Refusal(400, f"the body nests deeper than {MAX_DEPTH} levels")
    output = body.get("output")
    if not isinstance(output, str) or not output:
        raise Refusal(400, "'output' must name the callback's outputs")
    callback = callback_map.get(output)
    # Clientside callbacks are listed too, without a function: they run in the browser only.
    if callback is None or "callback" not in callback:
        raise Refusal(404, "no such callback")
    _check_dependencies(body, "inputs", callback["inputs"])
    _check_dependencies(body, "state", callback["state"])
    if not callback.get("no_output"):
        _check_outputs(body.get("outputs"), callback["output"])
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(prop, str) for prop in changed):
        raise Refusal(400, "'changedPropIds' must be a list of strings")


def _read_body() -> Any:
    try:
        # Parsed through Flask, which keeps the result: Dash's dispatch reads it again for free.
        return request.get_json()
    except RecursionError:
        raise Refusal(400, "the body nests too deeply") from None
    except HTTPException:  # not JSON, or not sent as JSON
        raise Refusal(400, "the body must be JSON (Content-Type: application/json)") from None


def install(server: Flask, dash_app: dash.Dash) -> None:
    """Check every ``/_dash-update-component`` body before Dash dispatches it.

    Registered after the sign-in gate and the CSRF check, which answer first.
    """
    dispatch_path = f"{dash_app.config.routes_pathname_prefix}_dash-update-component"

    @server.before_request
    def _check_callback_request() -> Response | tuple[Response, int] | None:
        if request.path != dispatch_path or request.method != "POST":
            return None
        try:
            check_body(_read_body(), dash_app.callback_map)
        except Refusal as refusal:
            log.info("callback request refused (%s): %s", refusal.status, refusal.message)
            return jsonify(error=refusal.message), refusal.status
        return None
