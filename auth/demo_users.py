"""Demo sign-ins for a fresh installation: one per role, two provincial directors."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from auth.users import create_user
from db.engine import session_scope
from db.models import User
from domain.vocabulary import ADMIN, BUDGET_UNIT, MEF_REVIEWER, PROVINCIAL_DIRECTOR

DEMO_USERS = (
    ("budget", BUDGET_UNIT, None, "MoSVY Budget Unit (demo)"),
    ("reviewer", MEF_REVIEWER, None, "MEF GDB Reviewer (demo)"),
    ("director07", PROVINCIAL_DIRECTOR, "07", "Director, Kampot (demo)"),
    ("director17", PROVINCIAL_DIRECTOR, "17", "Director, Siem Reap (demo)"),
    ("admin", ADMIN, None, "System Administrator (demo)"),
)


def ensure_demo_users(url: str | None = None) -> list[tuple[str, str, str, str | None]]:
    """Create the demo users if the database has no user at all.

    Returns (username, password, role, province) for each user created, so that the caller can
    print the passwords once; only their hashes are stored. Returns [] when users exist.
    """
    created: list[tuple[str, str, str, str | None]] = []
    with session_scope(url) as session:
        if session.scalar(select(func.count()).select_from(User)):
            return created
        for username, role, province, full_name in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            create_user(session, username, password, role, province=province, full_name=full_name)
            created.append((username, password, role, province))
    return created
