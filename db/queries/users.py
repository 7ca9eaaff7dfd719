"""The user list, for administrators only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import User
from domain.access import Forbidden, Scope


def list_users(session: Session, scope: Scope) -> list[dict]:
    """Every user without the password hash; ``Forbidden`` unless the scope manages users."""
    if not scope.can_manage_users:
        raise Forbidden("users")
    rows = session.scalars(select(User).order_by(User.username))
    return [
        dict(username=u.username, full_name=u.full_name, role=u.role, province=u.province_code or "",
             language=u.language, active=u.active,
             created=u.created_at.strftime("%Y-%m-%d %H:%M"), created_by=u.created_by)
        for u in rows
    ]
