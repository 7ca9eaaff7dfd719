"""The audit log: every sign-in, failure, user change, load, refusal and review action."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from db.models import AuditLog, utcnow

SYSTEM_USER = "system"


def record(
    session: Session,
    action: str,
    *,
    username: str = SYSTEM_USER,
    user_id: int | None = None,
    address: str = "",
    **detail: Any,
) -> AuditLog:
    """Add one audit entry to ``session`` (committed with the caller's transaction)."""
    entry = AuditLog(
        at=utcnow(),
        user_id=user_id,
        username=username[:80],
        action=action,
        address=address[:64],
        detail=json.dumps(detail, default=str, ensure_ascii=False),
    )
    session.add(entry)
    return entry


def count_since(
    session: Session, action: str, since: datetime, *, username: str | None = None,
    address: str | None = None,
) -> int:
    """How many ``action`` entries since ``since``, for one username and/or one address."""
    query = select(func.count()).select_from(AuditLog).where(
        AuditLog.action == action, AuditLog.at >= since
    )
    if username is not None:
        query = query.where(AuditLog.username == username)
    if address is not None:
        query = query.where(AuditLog.address == address)
    return session.execute(query).scalar_one()


def recent(session: Session, limit: int = 100) -> list[AuditLog]:
    """The newest entries first."""
    return list(session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)))


def window(seconds: int) -> datetime:
    """The start of a sliding window that ends now."""
    return utcnow() - timedelta(seconds=seconds)


def record_on(connection: Connection, action: str, *, username: str = SYSTEM_USER,
              user_id: int | None = None, address: str = "", **detail: Any) -> None:
    """Like :func:`record`, on a Core connection (the loader's transaction)."""
    connection.execute(insert(AuditLog).values(
        at=utcnow(), user_id=user_id, username=username[:80], action=action, address=address[:64],
        detail=json.dumps(detail, default=str, ensure_ascii=False),
    ))
