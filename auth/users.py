"""Users, sign-in checks with throttling, and API tokens. Every change is audited."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from auth.passwords import MIN_LENGTH, check_password, hash_password, hash_scheme, needs_rehash, password_problem
from db import audit
from db.models import AdminUnit, ApiToken, SignInThrottle, User, utcnow
from domain.access import DATA_ROLES, PROVINCIAL_DIRECTOR, ROLES

# Failed sign-ins are counted per (account, address). The first few are free (people mistype);
# after that each try must wait, twice as long after every further failure, up to a quarter of
# an hour. Nothing locks an account: its owner at another address is not affected, and nobody
# behind a shared office address is locked out by a colleague's (or an attacker's) guesses.
FREE_FAILURES = 5
FIRST_DELAY_SECONDS = 15
MAX_DELAY_SECONDS = 15 * 60
# A pair that has been quiet this long starts again from nothing.
FAILURE_MEMORY = timedelta(hours=1)
# "No wait": a fixed time long past, never "now", so that simultaneous free tries all pass.
NO_WAIT = datetime(2000, 1, 1)
TOKEN_PREFIX = "pib_"  # noqa: S105 - a visible prefix, not a secret
DEFAULT_TOKEN_DAYS = 90


def token_lifetime() -> timedelta:
    """How long a new API token lives: ``PIB_TOKEN_DAYS`` (default 90) days."""
    try:
        days = int(os.environ.get("PIB_TOKEN_DAYS", DEFAULT_TOKEN_DAYS))
    except ValueError:
        days = DEFAULT_TOKEN_DAYS
    return timedelta(days=days if days > 0 else DEFAULT_TOKEN_DAYS)


def retry_delay(failures: int) -> int:
    """Seconds before the next try after ``failures`` failed sign-ins of one (account, address)."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS)


class UserError(ValueError):
    """A user change that cannot be made; the message says why, for a person.

    With ``key``, the message has a translation (``i18n``) that :meth:`text` renders.
    """

    def __init__(self, message: str, key: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.key, self.values = key, values

    def text(self, lang: str) -> str:
        """The message in ``lang`` where it has a translation, else as written."""
        if self.key is None:
            return str(self)
        from i18n import t

        return t(self.key, lang, **self.values)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: ``user`` when ``outcome == "ok"``."""

    outcome: str  # ok | failed | throttled | inactive
    user: User | None = None
    wait_seconds: int = 0  # with "throttled": how long until the next try is checked


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _check_role(session: Session, role: str, province: str | None) -> None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}", "users.unknown_role",
                        role=role, roles=", ".join(ROLES))
    if role == PROVINCIAL_DIRECTOR:
        if not province:
            raise UserError("a provincial director needs --province CODE (01 to 25)", "users.needs_province")
        unit = session.get(AdminUnit, province)
        if unit is None or unit.level != "province":
            raise UserError(f"unknown province code {province!r}: expected 01 to 25", "users.unknown_province",
                            province=province)
    elif province:
        raise UserError(f"only a provincial director is bound to a province, not {role}",
                        "users.province_not_allowed", role=role)


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
        raise UserError("the user name must be 1 to 80 characters without spaces", "users.bad_name")
    _check_role(session, role, province)
    problem = password_problem(password)
    if problem:
        raise UserError(problem[1], problem[0], min=MIN_LENGTH)
    if get_user(session, username) is not None:
        raise UserError(f"a user named {username!r} exists already", "users.exists", name=username)
    user = User(
        username=username,
        full_name=full_name or username,
        password_hash=hash_password(password),
        role=role,
        province_code=province if role == PROVINCIAL_DIRECTOR else None,
        language=language,
        active=True,
        created_by=by[:80],
    )
    session.add(user)
    session.flush()
    audit.record(session, "user_created", username=by, target=username, role=role, province=province)
    return user


def set_active(session: Session, username: str, active: bool, *, by: str) -> User:
    """Enable or disable a user; a disabled user is signed out at the next request."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}", "users.no_such_user", name=username)
    before = user.active
    user.active = active
    # Re-enabling must not bring back cookies or tokens issued before the account was disabled.
    end_sessions(user)
    if not active:
        _revoke(session, user)
    audit.record(session, "user_updated", username=by, target=username,
                 before={"active": before}, after={"active": active})
    return user


def set_role(session: Session, username: str, role: str, *, province: str | None = None,
             by: str) -> User:
    """Change a user's role (and province); the user's sessions end, so the change holds at once."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}", "users.no_such_user", name=username)
    _check_role(session, role, province)
    before = {"role": user.role, "province": user.province_code}
    user.role = role
    user.province_code = province if role == PROVINCIAL_DIRECTOR else None
    end_sessions(user)
    audit.record(session, "user_updated", username=by, target=username, before=before,
                 after={"role": user.role, "province": user.province_code})
    return user


def end_sessions(user: User) -> None:
    """End every session of ``user``: cookies issued before carry an older version and are refused."""
    user.session_version = (user.session_version or 1) + 1


def is_data_role(role: str) -> bool:
    """Whether ``role`` reads figures: creating such an account asks for the creator's password."""
    return role in DATA_ROLES


def set_password(session: Session, username: str, password: str, *, by: str) -> None:
    """Replace a user's password."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}", "users.no_such_user", name=username)
    problem = password_problem(password)
    if problem:
        raise UserError(problem[1], problem[0], min=MIN_LENGTH)
    user.password_hash = hash_password(password)
    # A new password is what a person does after a leak: end what the old one opened.
    end_sessions(user)
    revoked = _revoke(session, user)
    audit.record(session, "user_updated", username=by, target=username, change="password",
                 tokens_revoked=revoked)


def set_language(session: Session, user_id: int, language: str) -> None:
    """Keep the user's language choice (``en`` or ``km``)."""
    if language not in ("en", "km"):
        raise UserError(f"unknown language {language!r}")
    user = session.get(User, user_id)
    if user is not None:
        user.language = language


def sign_in(session: Session, username: str, password: str, address: str) -> SignIn:
    """Check a sign-in; while its (account, address) must wait, refuse without a password check.

    The try is claimed and committed before the password is checked (one conditional UPDATE,
    atomic on both databases), so simultaneous guesses cannot all pass a read-then-write count,
    and no lock is held during the slow hash. Every attempt is written to the audit log.
    """
    username = username.strip()[:80]
    address = address[:64]
    allowed, wait = _claim_attempt(session, username, address)
    if not allowed:
        audit.record(session, "login_throttled", username=username, address=address)
        return SignIn("throttled", wait_seconds=wait)
    user = get_user(session, username)
    if not check_password(user.password_hash if user else None, password):
        audit.record(session, "login_failed", username=username, address=address)
        return SignIn("failed")
    # The right password clears the pair's failures, inactive account or not: it is its owner.
    session.execute(delete(SignInThrottle).where(SignInThrottle.username == username,
                                                 SignInThrottle.address == address))
    if not user.active:
        audit.record(session, "login_refused", username=username, address=address, reason="inactive")
        return SignIn("inactive")
    audit.record(session, "login_ok", username=username, user_id=user.id, address=address)
    if needs_rehash(user.password_hash):
        _rehash(session, user, password, address)
    return SignIn("ok", user)


def _rehash(session: Session, user: User, password: str, address: str) -> None:
    """Replace an earlier scheme's hash of the password just checked by today's.

    Only if the stored hash is still the one checked: a new password set meanwhile (by an
    administrator, say) must not be overwritten by a hash of the old one.
    """
    checked = user.password_hash
    fresh = hash_password(password)
    replaced = session.execute(update(User).where(User.id == user.id, User.password_hash == checked)
                               .values(password_hash=fresh).execution_options(synchronize_session=False)).rowcount
    if replaced:
        session.expire(user, ["password_hash"])
        audit.record(session, "password_rehashed", username=user.username, user_id=user.id, address=address,
                     before={"scheme": hash_scheme(checked)}, after={"scheme": hash_scheme(fresh)})


def _claim_attempt(session: Session, username: str, address: str) -> tuple[bool, int]:
    """Count one try of (username, address) if it may be made now; else the seconds to wait.

    The count goes up before the password is known: a right password deletes the row again.
    """
    now = utcnow()
    table = SignInThrottle.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(table).values(
        username=username, address=address, failures=0, next_attempt_at=NO_WAIT, updated_at=now,
    ).on_conflict_do_nothing())
    # Quiet pairs start again; the table keeps only pairs with recent failures.
    session.execute(update(table).where(
        table.c.username == username, table.c.address == address,
        table.c.updated_at < now - FAILURE_MEMORY,
    ).values(failures=0, next_attempt_at=NO_WAIT))
    claimed = session.execute(
        update(table)
        .where(table.c.username == username, table.c.address == address,
               table.c.next_attempt_at <= now)
        .values(failures=table.c.failures + 1, updated_at=now)
        .returning(table.c.failures)
    ).scalar_one_or_none()
    if claimed is None:
        waiting_until = session.execute(select(table.c.next_attempt_at).where(
            table.c.username == username, table.c.address == address)).scalar_one()
        session.commit()
        return False, max(1, int((waiting_until - now).total_seconds()) + 1)
    delay = retry_delay(claimed)
    if delay:
        session.execute(update(table).where(
            table.c.username == username, table.c.address == address,
        ).values(next_attempt_at=now + timedelta(seconds=delay)))
    session.execute(delete(table).where(table.c.updated_at < now - FAILURE_MEMORY))
    # Committed now, before the slow hash: the next simultaneous try sees this one.
    session.commit()
    return True, 0


def reauthenticate(session: Session, username: str, password: str, address: str) -> None:
    """Check the signed-in person's own password again before a grave change.

    An administrator who creates or changes an account that reads figures can read them through
    it: the power stays, but it needs the password, not just an open session. Throttled like a
    sign-in; raises ``UserError`` when refused.
    """
    if not password:
        raise UserError("Enter your own password to confirm this change.", "users.reauth_missing")
    allowed, wait = _claim_attempt(session, username, address)
    if not allowed:
        audit.record(session, "reauth_throttled", username=username, address=address)
        session.commit()
        raise UserError(f"Too many wrong passwords; wait {wait} seconds.", "users.reauth_wait", seconds=wait)
    user = get_user(session, username)
    if user is None or not check_password(user.password_hash, password):
        audit.record(session, "reauth_failed", username=username, address=address)
        session.commit()  # the failure stays recorded though the change is refused
        raise UserError("Your own password, given to confirm this change, is not correct.", "users.reauth_failed")
    session.execute(delete(SignInThrottle).where(SignInThrottle.username == username,
                                                 SignInThrottle.address == address))


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, *, by: str = audit.SYSTEM_USER) -> str:
    """A new API token for ``username``; only its hash is stored, so it is shown once."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}", "users.no_such_user", name=username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + token_lifetime()
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=now,
                         expires_at=expires))
    audit.record(session, "token_created", username=by, target=username,
                 expires=expires.isoformat(timespec="minutes"))
    return token


def revoke_tokens(session: Session, username: str, *, by: str = audit.SYSTEM_USER) -> int:
    """Revoke every live token of ``username``; returns how many."""
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user named {username!r}", "users.no_such_user", name=username)
    count = _revoke(session, user)
    audit.record(session, "token_revoked", username=by, target=username, count=count)
    return count


def _revoke(session: Session, user: User) -> int:
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utcnow()
    return len(tokens)


def token_expiry(token: ApiToken) -> datetime:
    """When ``token`` stops working; tokens made before expiry existed live from their creation."""
    return token.expires_at or token.created_at + timedelta(days=DEFAULT_TOKEN_DAYS)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user whose live token this is, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or token_expiry(row) <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user
