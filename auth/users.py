"""Users, sign-in checks with throttling, and API tokens. Every change is audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.passwords import check_password, hash_password, password_problem
from auth.policy import PROVINCIAL_DIRECTOR, ROLES
from db import audit
from db.models import AdminUnit, ApiToken, User, utcnow

# Failures counted over a sliding minute. Per address the limit is higher than per account,
# because a provincial office signs in from behind one shared address.
FAILURE_WINDOW_SECONDS = 60
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
TOKEN_PREFIX = "pib_"  # noqa: S105 - a visible prefix, not a secret


class UserError(ValueError):
    """A user change that cannot be made; the message says why, for a person."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: ``user`` when ``outcome == "ok"``."""

    outcome: str  # ok | failed | throttled | inactive
    user: User | None = None


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    province: str | None = None,
    full_name: str = "",
    language: str = "en",
    by: str = audit.SYSTEM_USER,
) -> User:
    """Create a user after checking the role, the province and the password."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise UserError("the user name must be 1 to 80 characters without spaces")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    if role == PROVINCIAL_DIRECTOR:
        if not province:
            raise UserError("a provincial director needs --province CODE (01 to 25)")
        unit = session.get(AdminUnit, province)
        if unit is None or unit.level != "province":
            raise UserError(f"unknown province code {province!r}: expected 01 to 25")
    elif province:
        raise UserError(f"only a provincial director is bound to a province, not {role}")
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    if get_user(session, username) is not None:
        raise UserError(f"a user named {username!r} exists already")
    user = User(
        username=username,
        full_name=full_name or username,
        password_hash=hash_password(password),
        role=role,
        province_code=province if role == PROVINCIAL_DIRECTOR else None,
        language=language,
        active=True,
    )
    session.add(user)
    session.flush()
    audit.record(session, "user_created", username=by, target=username, role=role, province=province)
    return user


def set_active(session: Session, username: str, active: bool, *, by: str) -> User:
    """Enable or disable a user; a disabled user is signed out at the next request."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}")
    user.active = active
    audit.record(session, "user_updated", username=by, target=username, active=active)
    return user


def set_password(session: Session, username: str, password: str, *, by: str) -> None:
    """Replace a user's password."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}")
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    user.password_hash = hash_password(password)
    audit.record(session, "user_updated", username=by, target=username, change="password")


def set_language(session: Session, user_id: int, language: str) -> None:
    """Keep the user's language choice (``en`` or ``km``)."""
    if language not in ("en", "km"):
        raise UserError(f"unknown language {language!r}")
    user = session.get(User, user_id)
    if user is not None:
        user.language = language


def sign_in(session: Session, username: str, password: str, address: str) -> SignIn:
    """Check a sign-in, refusing without a password check once failures pass the limits.

    Every attempt is written to the audit log; the failures counted for throttling are those
    entries, so the limit holds across processes and workers.
    """
    username = username.strip()[:80]
    since = audit.window(FAILURE_WINDOW_SECONDS)
    by_account = audit.count_since(session, "login_failed", since, username=username)
    by_address = audit.count_since(session, "login_failed", since, address=address)
    if by_account >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS:
        audit.record(session, "login_throttled", username=username, address=address)
        return SignIn("throttled")
    user = get_user(session, username)
    if not check_password(user.password_hash if user else None, password):
        audit.record(session, "login_failed", username=username, address=address)
        return SignIn("failed")
    if not user.active:
        audit.record(session, "login_refused", username=username, address=address, reason="inactive")
        return SignIn("inactive")
    audit.record(session, "login_ok", username=username, user_id=user.id, address=address)
    return SignIn("ok", user)


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, *, by: str = audit.SYSTEM_USER) -> str:
    """A new API token for ``username``; only its hash is stored, so it is shown once."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token)))
    audit.record(session, "token_created", username=by, target=username)
    return token


def revoke_tokens(session: Session, username: str, *, by: str = audit.SYSTEM_USER) -> int:
    """Revoke every live token of ``username``; returns how many."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}")
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utcnow()
    audit.record(session, "token_revoked", username=by, target=username, count=len(tokens))
    return len(tokens)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user whose live token this is, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user
