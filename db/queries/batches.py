"""Load history: every attempt to load a file, with its outcome and what replaced what."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import LoadBatch
from domain.access import Forbidden, Scope

HISTORY_LIMIT = 500


def load_history(session: Session, scope: Scope, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The newest load batches first: who, when, file, checksum, kind, scope, rows, status.

    Only the budget unit, who loads files, reads the history (the data page is theirs).
    """
    if not scope.can_load:
        raise Forbidden("load history")
    batches = session.scalars(select(LoadBatch).order_by(LoadBatch.id.desc()).limit(limit))
    return [
        dict(
            id=b.id, loaded_at=b.loaded_at.strftime("%Y-%m-%d %H:%M:%S"), loaded_by=b.loaded_by,
            file_name=b.file_name, checksum=b.checksum[:12], kind=b.kind, scope=b.scope_key,
            fiscal_year=b.fiscal_year, period=b.period or "", rows=b.row_count, status=b.status,
            superseded_by=b.superseded_by, partly_replaced_by=b.partly_replaced_by or "",
            problems=len(json.loads(b.problems or "[]")),
        )
        for b in batches
    ]
