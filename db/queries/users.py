"""The user list, for administrators only; the kinds of reader, for the start-up warm-up."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import User
from domain.access import Forbidden, Scope
from domain.vocabulary import DATA_ROLES


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


def kinds_of_reader(session: Session) -> list[dict]:
    """One active account of each (role, province, language) among the roles that read data: who
    a warmed answer must be keyed for. For the server itself (the start-up warm-up), not for a
    person: it names no one's figures and takes no scope."""
    rows = session.execute(
        select(func.min(User.id), User.role, User.province_code, User.language)
        .where(User.active.is_(True), User.role.in_(sorted(DATA_ROLES)))
        .group_by(User.role, User.province_code, User.language)
        .order_by(User.role, User.province_code, User.language)).all()
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_([r[0] for r in rows]))).all())
    return [dict(user_id=user_id, username=names[user_id], role=role, province=province, lang=lang)
            for user_id, role, province, lang in rows]
