"""Routes of the open data (README.md, "Open data"): a server-rendered page, JSON, CSV and a data package.

Everyone may read them, without signing in, and they read nothing but the published periods:

- every route resolves its period to a published one (``require_published``) before any figure
  is asked of the query layer; an unpublished period answers 404, whatever data it has;
- figures come from the signed-in query layer with ``Scope.public()`` (province and national
  aggregates only) through ``open_data.tables``;
- answers are cached per (year, period, language, data version): publishing and withdrawing
  are writes, so a withdrawn period is gone at once; browsers and proxies revalidate every
  time (``Cache-Control: public, no-cache`` with an ETag, a 304 on a slow link);
- a rate limit per client address answers 429 with ``Retry-After``;
- no session cookie and no CSRF cookie is ever set here (``auth/web.py``), and no address under
  /open falls through to the signed-in app: an unknown one answers 404 from here.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, current_app, render_template, request

import settings
from api import params
from auth.web import client_address, db_url
from db.engine import session_scope
from db.queries.cache import FACTS, PUBLICATIONS, cached
from db.queries.publications import NotPublished, Published, latest_published, published_periods, require_published
from domain.vocabulary import PROVINCE_CODES
from extensions import OPEN_PREFIX, csrf
from i18n import normalise_language, t
from open_data import tables
from open_data.limits import SlidingWindow
from open_data.page import empty_context, page_context

bp = Blueprint("open_data", __name__, url_prefix=OPEN_PREFIX, template_folder="templates")
csrf.exempt(bp)  # nothing here changes anything: every method but GET and HEAD is refused below
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
READ_METHODS = ("GET", "HEAD")
PUBLIC_CACHING = "public, no-cache"
limiter = SlidingWindow()


def rate_limit() -> int:
    """Requests per minute per address (``PIB_OPEN_RATE_LIMIT``; the app's config wins, for tests)."""
    value = current_app.config.get("PIB_OPEN_RATE_LIMIT")
    return settings.open_rate_limit() if value is None else int(value)


def _machine() -> bool:
    return request.path.startswith(f"{OPEN_PREFIX}/api/") or request.path.endswith(".json")


def _refusal(status: int, key: str, headers: dict | None = None, **values) -> Response:
    """A refusal in the form the address answers in: JSON, plain text (CSV) or a small page."""
    lang = normalise_language(request.args.get("lang"))
    headers = {"Cache-Control": "no-store", **(headers or {})}
    if _machine():
        body = json.dumps({"error": key.removeprefix("open."), "detail": t(key, "en", **values)}, ensure_ascii=False)
        return Response(body, status=status, mimetype="application/json", headers=headers)
    if request.path.endswith(".csv"):
        return Response(f"{t(key, 'en', **values)}\n{t(key, 'km', **values)}\n", status=status,
                        mimetype="text/plain", headers=headers)
    html = render_template("open_message.html", lang=lang, t=t, message=t(key, lang, **values),
                           home=f"{OPEN_PREFIX}?lang={lang}")
    return Response(html, status=status, mimetype="text/html", headers=headers)


@bp.before_request
def _protect():
    wait = limiter.wait(client_address(), rate_limit())
    if wait:
        return _refusal(429, "open.too_many", {"Retry-After": str(wait)}, seconds=wait)
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": "GET, HEAD, OPTIONS", "Cache-Control": "no-store"})
    if request.method not in READ_METHODS:
        return _refusal(405, "open.method", {"Allow": "GET, HEAD, OPTIONS"})
    return None


@bp.errorhandler(NotPublished)
def _not_published(_error: NotPublished):
    return _refusal(404, "open.not_published")


@bp.errorhandler(params.ParamError)
def _bad_parameter(error: params.ParamError):
    return _refusal(400, "open.bad_request", detail=str(error))


@bp.errorhandler(404)
def _not_found(_error):
    return _refusal(404, "open.not_found")


def _asked() -> tuple[int | None, str | None]:
    """``year`` and ``period`` of the address (both optional; a period names its year)."""
    year = params.year(request.args, required=False)
    period = params.period(request.args, year)
    if year is None and period is not None:
        year = int(period[:4])
    return year, period


def _publication(session, year: int | None, period: str | None) -> Published:
    """The published period asked for (the latest of ``year``, or of all, without a period);
    ``NotPublished`` otherwise. Read from the publication table itself, before any figure."""
    if period is None:
        latest = latest_published(session, tables.PUBLIC, year)
        if latest is None:
            raise NotPublished(year or 0, None)
        year, period = latest.year, latest.period
    return require_published(session, year, period)


def _respond(body: str | bytes, mimetype: str, filename: str | None = None) -> Response:
    """The answer with an ETag of its content: a client that has it gets 304 and no body."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    etag = hashlib.sha256(data).hexdigest()[:32]
    if etag in request.headers.get("If-None-Match", ""):  # Flask-Compress may add ":br" to it
        response = Response(status=304)
    else:
        response = Response(data, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = PUBLIC_CACHING
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- what is cached: one function per answer, keyed on its arguments and the data version -------


def _page_html(session, scope, *, year: int, period: str, lang: str, province: str | None) -> str:
    current = require_published(session, year, period)
    return render_template("open_data.html", **page_context(session, scope, current=current, lang=lang,
                                                            province=province))


def _budget_json(session, scope, *, year: int, period: str) -> dict:
    return {**tables.budget_table(session, scope, year=year, period=period), "licence": tables.LICENCE}


def _indicators_json(session, scope, *, year: int, period: str) -> dict:
    return {**tables.indicator_table(session, scope, year=year, period=period), "licence": tables.LICENCE}


def _budget_csv(session, scope, *, year: int, period: str) -> bytes:
    return tables.csv_bytes(tables.budget_table(session, scope, year=year, period=period)["rows"],
                            tables.BUDGET_COLUMNS)


def _indicators_csv(session, scope, *, year: int, period: str) -> bytes:
    return tables.csv_bytes(tables.indicator_table(session, scope, year=year, period=period)["rows"],
                            tables.INDICATOR_COLUMNS)


def _answer(fn, **kwargs):
    """``fn``'s answer for the asked published period (cached); the period is checked first."""
    year, period = _asked()
    with session_scope(db_url()) as session:
        current = _publication(session, year, period)
        return current, cached(session, tables.PUBLIC, fn, depends=(FACTS, PUBLICATIONS),
                               year=current.year, period=current.period, **kwargs)


# --- routes ---------------------------------------------------------------------------------------


@bp.route("", methods=ANY_METHOD)
@bp.route("/", methods=ANY_METHOD)
def index():
    """The page: the latest published period, or the one asked for, in English or Khmer."""
    lang = normalise_language(request.args.get("lang"))
    province = params.code(request.args, "province", lengths=(2,))
    if province is not None and province not in PROVINCE_CODES:
        raise params.ParamError("province", "expected a province code from 01 to 25")
    year, period = _asked()
    with session_scope(db_url()) as session:
        if year is None and period is None and not published_periods(session, tables.PUBLIC):
            return _respond(render_template("open_data.html", **empty_context(lang)), "text/html")
        current = _publication(session, year, period)
        html = cached(session, tables.PUBLIC, _page_html, depends=(FACTS, PUBLICATIONS),
                      year=current.year, period=current.period, lang=lang,
                      province=province)
    return _respond(html, "text/html")


@bp.route("/api/budget", methods=ANY_METHOD)
def api_budget():
    """Budget rows by entity, and the national total, of a published period."""
    _, answer = _answer(_budget_json)
    return _respond(json.dumps(answer, ensure_ascii=False), "application/json")


@bp.route("/api/indicators", methods=ANY_METHOD)
def api_indicators():
    """Indicator rows, national and by province, of a published period."""
    _, answer = _answer(_indicators_json)
    return _respond(json.dumps(answer, ensure_ascii=False), "application/json")


@bp.route("/budget.csv", methods=ANY_METHOD)
def budget_csv():
    current, data = _answer(_budget_csv)
    return _respond(data, "text/csv", f"mosvy-budget-{current.period}.csv")


@bp.route("/indicators.csv", methods=ANY_METHOD)
def indicators_csv():
    current, data = _answer(_indicators_csv)
    return _respond(data, "text/csv", f"mosvy-indicators-{current.period}.csv")


@bp.route("/datapackage.json", methods=ANY_METHOD)
def datapackage():
    """The Frictionless Data Package of a published period: both tables, their schemas, licence, sources."""
    year, period = _asked()
    with session_scope(db_url()) as session:
        current = _publication(session, year, period)
    descriptor = tables.datapackage(year=current.year, period=current.period,
                                    published_at=current.published_at.isoformat(timespec="seconds"),
                                    base_url=request.host_url)
    return _respond(json.dumps(descriptor, ensure_ascii=False, indent=1), "application/json")


@bp.route("/<path:rest>", methods=ANY_METHOD)
def not_found(rest: str):
    """Any other address under /open: 404 here, never the signed-in app's page shell."""
    return _refusal(404, "open.not_found")
