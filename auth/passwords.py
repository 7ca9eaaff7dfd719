"""Salted, slow password hashes (scrypt, through Werkzeug)."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
# A hash of a random password: checking it costs as much as a real check, so that an unknown
# user name takes as long to refuse as a wrong password (no user enumeration by timing).
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone", method="scrypt")


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``."""
    return generate_password_hash(password, method="scrypt")


def check_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (always pays the cost of one check)."""
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)


def password_problem(password: str) -> tuple[str, str] | None:
    """Why ``password`` is not acceptable, as (its label in i18n, the English sentence), or None.

    The command line prints the sentence; the Users page shows the label in the user's language.
    """
    if len(password) < MIN_LENGTH:
        return "users.password_short", f"the password must have at least {MIN_LENGTH} characters"
    if password.strip() != password:
        return "users.password_spaces", "the password must not start or end with spaces"
    return None
