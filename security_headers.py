"""Security headers on every response: a Content-Security-Policy, HSTS over HTTPS, and no caching
of anything that may carry the figures a user was allowed to see (the public /open pages set
their own caching).

The policy allows scripts from this site and Dash's inline scripts by hash only: the renderer's
start-up line and one per clientside callback, as ``Dash.csp_hashes()`` computes them. Nothing
here needs ``'unsafe-eval'``: the cartesian plotly.js bundle and dash-ag-grid's named functions
run without it (tests/browser/test_content_security_policy.py fails on any violation).
"""

from __future__ import annotations

import dash
from flask import Flask, Response, request

from extensions import ICON_PATHS, STATIC_PREFIXES, is_open_path

HSTS = "max-age=31536000"
NO_STORE = "private, no-store"


def content_security_policy(script_hashes: list[str]) -> str:
    """The policy's text, with the inline scripts' hashes (``'sha256-…'``) allowed to run."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *dict.fromkeys(script_hashes)],
        # plotly.js writes its styles into <style> elements at run time, AG Grid's themes inject
        # theirs the same way, and the printed sheet's styles are inline: hashes cannot name
        # styles that are generated in the browser. Styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        # Plotly draws its mode bar icons and exports charts through data: and blob: images;
        # AG Grid's icons are data: images and fonts.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install(server: Flask, dash_app: dash.Dash) -> None:
    """Add the headers to every response of ``server``.

    Call it once every callback is registered (after the first request has set Dash up): the
    hashes are those of the inline scripts Dash writes into its pages, clientside callbacks'
    included.
    """
    policy = content_security_policy(list(dash_app.csp_hashes()))
    prefix = dash_app.config.routes_pathname_prefix
    # Static files carry nothing of the user and keep their long caching (register_static_files
    # in app.py): bundles, assets and the favicon.
    static = tuple(f"{prefix}{p.lstrip('/')}" for p in STATIC_PREFIXES)
    icons = (f"{prefix}{ICON_PATHS[0].lstrip('/')}", ICON_PATHS[1])

    @server.after_request
    def _security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        if is_open_path(request.path):
            # Published figures are public: the open routes say how long a copy may be kept
            # ("no-cache" with an ETag: revalidated every time, so a withdrawal shows at once).
            response.headers.setdefault("Cache-Control", NO_STORE)
        elif not (request.path.startswith(static) or request.path in icons):
            # API answers, callbacks, /_dash-layout, pages and printed sheets may all carry
            # figures: no shared cache keeps them, and the browser does not write them to disk.
            response.headers["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response
