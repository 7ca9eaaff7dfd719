"""Sign-in for the web: flask-login wiring, the login page, the language switch and the gate.

The gate (docs/architecture.md) runs before every request: anonymous users reach only the login
page, the language switch, ``/assets/``, Dash's component bundles and the open data (``/open``).
Pages redirect to ``/login``; Dash's JSON routes and the API answer 401. Who may see which figures is decided
later, in the query layer, with the ``Scope`` that :func:`current_scope` builds.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.exc import DBAPIError

from auth import users
from db import audit
from db.engine import session_scope
from domain.access import Forbidden, Scope
from extensions import ICON_PATHS, STATIC_PREFIXES, is_open_path, leaves_the_session_alone, login_manager
from i18n import LANGUAGES, normalise_language, t

bp = Blueprint("auth", __name__, template_folder="templates")
log = logging.getLogger(__name__)
# The session cookie is signed, not encrypted: it holds the user's id and the version of the
# user's sessions it was issued under, nothing a reader could learn from (no name, no role).
SESSION_VERSION = "sv"
CSRF_COOKIE = "_csrf_token"  # the cookie Dash's renderer reads and echoes as X-CSRFToken


@dataclass
class SignedInUser:
    """The signed-in user as flask-login sees it, reloaded from the database on every request."""

    id: int
    username: str
    full_name: str
    role: str
    province_code: str | None
    language: str
    active: bool
    session_version: int = 1

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @classmethod
    def of(cls, user) -> SignedInUser:
        return cls(user.id, user.username, user.full_name, user.role, user.province_code,
                   user.language, user.active, user.session_version or 1)


# Users as last read from the database, per (id, session version), in this process only: when
# the database goes away, a signed-in user is still known, so pages can say "temporarily
# unavailable" instead of sending everyone to a sign-in form that cannot work either.
_last_seen: dict[tuple[int, int], SignedInUser] = {}
_last_seen_lock = threading.Lock()


def _remember(user: SignedInUser) -> None:
    with _last_seen_lock:
        if len(_last_seen) > 10_000:
            _last_seen.clear()
        _last_seen[(user.id, user.session_version)] = user


def db_url() -> str:
    """The database URL of the running app."""
    return current_app.config["PIB_DATABASE_URL"]


def client_address() -> str:
    return request.remote_addr or ""


@login_manager.user_loader
def _load_user(user_id: str) -> SignedInUser | None:
    from db.models import User

    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 12:
        return None
    version = session.get(SESSION_VERSION)
    if not isinstance(version, int):
        return None
    try:
        with session_scope(db_url()) as db:
            user = db.get(User, int(user_id))
            # A disabled user, or a cookie of an ended session (logout, new password, role
            # change), is signed out at once: returning None ends the session.
            if user is None or not user.active or (user.session_version or 1) != version:
                return None
            signed_in = SignedInUser.of(user)
    except DBAPIError:
        known = _last_seen.get((int(user_id), version))
        if known is not None:
            log.warning("database unavailable: user %s kept from this process's memory", user_id)
            return known
        raise
    _remember(signed_in)
    return signed_in


@login_manager.request_loader
def _load_user_from_token(req) -> SignedInUser | None:
    # Bearer tokens identify users for the read API only, never for pages or callbacks.
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.lower().startswith("bearer "):
        return None
    with session_scope(db_url()) as db:
        user = users.user_for_token(db, header[7:].strip())
        return SignedInUser.of(user) if user is not None else None


def current_language() -> str:
    """The language of this request: the user's choice, else the session's, else English."""
    if current_user and current_user.is_authenticated:
        return normalise_language(current_user.language)
    return normalise_language(session.get("lang"))


def current_scope() -> Scope:
    """The Scope of the signed-in user; ``Forbidden`` when nobody is signed in."""
    if not current_user or not current_user.is_authenticated:
        raise Forbidden("anonymous")
    return Scope.for_user(current_user)


def audit_refusal(what: str, **detail: object) -> None:
    """Write a refused access to the audit log."""
    with session_scope(db_url()) as db:
        user = current_user if current_user and current_user.is_authenticated else None
        audit.record(
            db, "forbidden", username=user.username if user else "anonymous",
            user_id=user.id if user else None, address=client_address(), what=what,
            path=request.path, **detail,
        )


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so that the login page is no open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    lang = current_language()
    next_url = _safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    message = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        try:
            with session_scope(db_url()) as db:
                result = users.sign_in(db, username, password, client_address())
                user = SignedInUser.of(result.user) if result.user is not None else None
        except DBAPIError:
            log.warning("sign-in of %r refused: database unavailable", username)
            result, user = None, None
        if result is not None and result.outcome == "ok" and user is not None:
            # A new session on sign-in: nothing set before it (e.g. by a planted cookie) survives.
            session.clear()
            login_user(user)
            session["lang"] = user.language
            session[SESSION_VERSION] = user.session_version
            _remember(user)
            return redirect(next_url)
        # 200 with the message on the form, as browsers expect for a refused form post.
        if result is None:
            message = t("error.unavailable", lang)
        elif result.outcome == "throttled":
            message = t("login.throttled", lang, seconds=result.wait_seconds)
        else:
            message = t(f"login.{result.outcome}", lang)
    notice = t("login.signed_out", lang) if request.args.get("signed_out") else None
    return render_template(
        "login.html", lang=lang, t=t, languages=LANGUAGES, message=message, notice=notice,
        username=username, next_url=next_url,
    )


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: every session of this user ends, a copied cookie included (POST, with CSRF)."""
    if current_user.is_authenticated:
        from db.models import User

        with session_scope(db_url()) as db:
            user = db.get(User, current_user.id)
            if user is not None:
                users.end_sessions(user)
            audit.record(db, "logout", username=current_user.username, user_id=current_user.id,
                         address=client_address())
    lang = current_language()
    logout_user()
    session.clear()
    session["lang"] = lang
    return redirect(url_for("auth.login", signed_out=1))


@bp.get("/logout")
def confirm_logout():
    """A GET only asks (an old bookmark, a link): signing out is a POST with the form token."""
    lang = current_language()
    return render_template("signout.html", lang=lang, t=t)


@bp.get("/lang/<code>")
def language_switch_by_get(code: str):
    """A language change is a POST; a GET changes nothing (answered here, not by a page)."""
    return jsonify(error="use POST with the form token to change the language"), 405


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the language and go back (POST, with CSRF); kept per user once signed in."""
    lang = normalise_language(code)
    session["lang"] = lang
    if current_user.is_authenticated:
        with session_scope(db_url()) as db:
            users.set_language(db, current_user.id, lang)
        # The copy kept for an outage speaks the new language too.
        _remember(replace(current_user._get_current_object(), language=lang))
    return redirect(_safe_next(request.form.get("next") or _referrer_path()))


def _referrer_path() -> str | None:
    """The path (and query) of the page that sent this request, when it is one of ours."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "") if referrer.path else None


class _HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS, and keeps the
    session out of static files' responses."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def save_session(self, app: Flask, session, response) -> None:
        # Flask-Login looks into the session on every response, which makes Flask add
        # "Vary: Cookie"; the cookies change on every page, so browsers would never reuse their
        # year-long copies of the bundles. No session cookie is ever set on /open either.
        if leaves_the_session_alone(request.path):
            return
        super().save_session(app, session, response)


def install(server: Flask, dash_prefix: str = "/") -> None:
    """Wire sign-in, CSRF cookies and the gate into ``server``."""
    server.session_interface = _HttpsAwareSessionInterface()
    login_manager.login_view = "auth.login"
    server.register_blueprint(bp)
    prefix = dash_prefix.rstrip("/")
    icons = (f"{prefix}{ICON_PATHS[0]}", ICON_PATHS[1])
    public = (
        f"{prefix}/login", f"{prefix}/logout", f"{prefix}/lang/", f"{prefix}/assets/",
        f"{prefix}/_dash-component-suites/", *icons,
    )
    json_prefixes = (f"{prefix}/_dash-", f"{prefix}/_reload-hash", "/api/")

    def _gate():
        path = request.path
        if path.startswith(public) or path == f"{prefix}/login" or is_open_path(path):
            return None
        if current_user.is_authenticated:
            return None
        if path.startswith(json_prefixes):
            return jsonify(error="authentication required"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    # First of all before-request hooks: an anonymous request must meet the gate before the
    # CSRF check or Dash's own set-up run.
    server.before_request_funcs.setdefault(None, []).insert(0, _gate)

    static = tuple(f"{prefix}{p}" for p in STATIC_PREFIXES)

    @server.after_request
    def _csrf_cookie(response):
        if request.path.startswith(static) or request.path in icons:
            # Not a word about the user on static files: touching the session would add
            # "Vary: Cookie", and the session cookie changes on every response, so browsers
            # would download the year-long-cacheable bundles again on every visit.
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            return response
        # Dash's renderer sends this cookie's value back as X-CSRFToken on every callback.
        if not request.path.startswith("/api/") and not is_open_path(request.path) \
                and current_user.is_authenticated:
            response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax",
                                secure=request.is_secure, httponly=False)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response

    @server.errorhandler(CSRFError)
    def _csrf_error(_error):
        if request.path.startswith(f"{prefix}/_dash-"):
            return jsonify(error="the security token expired; reload the page"), 400
        lang = current_language()
        return (
            render_template("login.html", lang=lang, t=t, languages=LANGUAGES,
                            message=t("login.expired", lang), notice=None,
                            username=request.form.get("username", ""),
                            next_url=_safe_next(request.values.get("next"))),
            400,
        )
