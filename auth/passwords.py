"""Salted, slow password hashes: Argon2id (argon2-cffi).

Accounts created before Argon2id hold scrypt hashes (Werkzeug's ``scrypt:32768:8:1$…``): they are
still checked, and replaced by an Argon2id hash at the owner's next sign-in (``needs_rehash``).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

MIN_LENGTH = 8
# OWASP's minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB, two passes, one lane. It is
# stronger than the scrypt it replaces (N = 2^15, a quarter of OWASP's scrypt minimum of 2^17) and
# takes a fifth of its CPU (about 20 ms against 99 ms here): when a whole office signs in at once,
# the hashes no longer hold the server's cores. The parameters are written out rather than taken
# from the library's defaults, so that an upgrade of argon2-cffi cannot change them unseen.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)
_ARGON2ID = "$argon2id$"
# A hash of a random password: checking it costs as much as a real check, so that an unknown
# user name takes as long to refuse as a wrong password (no user enumeration by timing). Until
# its owner signs in, an account still on scrypt takes longer to refuse: its existence shows, not
# its password, and only until that sign-in.
_DUMMY_HASH = _HASHER.hash("not-a-password-of-anyone")


def hash_password(password: str) -> str:
    """A salted Argon2id hash of ``password``."""
    return _HASHER.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (always pays the cost of one check)."""
    if not stored_hash:
        _verify(_DUMMY_HASH, password)
        return False
    if stored_hash.startswith(_ARGON2ID):
        return _verify(stored_hash, password)
    return check_password_hash(stored_hash, password)  # an earlier scrypt hash


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash that matched should be replaced: not Argon2id, or not with today's parameters."""
    return not stored_hash.startswith(_ARGON2ID) or _HASHER.check_needs_rehash(stored_hash)


def hash_scheme(stored_hash: str) -> str:
    """The name of a stored hash's scheme (``argon2id``, ``scrypt``), for the audit log."""
    return stored_hash.lstrip("$").split("$" if stored_hash.startswith("$") else ":", 1)[0]


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> tuple[str, str] | None:
    """Why ``password`` is not acceptable, as (its label in i18n, the English sentence), or None.

    The command line prints the sentence; the Users page shows the label in the user's language.
    """
    if len(password) < MIN_LENGTH:
        return "users.password_short", f"the password must have at least {MIN_LENGTH} characters"
    if password.strip() != password:
        return "users.password_spaces", "the password must not start or end with spaces"
    return None
