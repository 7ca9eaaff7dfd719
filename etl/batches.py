"""The load history and what a load replaces: opening, closing and rejecting a ``load_batch``, and
deleting the earlier rows a file replaces, with the batches they came from.

A file for a scope loaded already replaces the earlier rows of that scope; an earlier batch left
without rows is marked superseded, one left with some of its rows says which batches took the
others. Every function here but :func:`record_rejection` works inside the load's transaction.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, tuple_, update

from db import audit
from db.marts import scope_item_sums
from db.models import BudgetFact, LoadBatch

if TYPE_CHECKING:
    from etl.load import LoadReport

# Natural keys per IN list: well under every database's limit on parameters.
KEYS_PER_QUERY = 500


def open_batch(conn: Connection, report: LoadReport, loaded_by: str) -> int:
    """The load's batch row; what it covers is filled in by :func:`close_batch` in the same transaction."""
    return conn.execute(insert(LoadBatch).values(
        file_name=report.file[:255], checksum=report.checksum, kind=report.kind, scope_key="",
        loaded_by=loaded_by, row_count=0, status="loaded", problems="[]",
    ).returning(LoadBatch.id)).scalar_one()


def close_batch(conn: Connection, report: LoadReport, batch_id: int, loaded_by: str, key: str,
                year: int | None, period: str | None) -> None:
    """Record what the loaded file covers, its rows and warnings, and audit the load."""
    conn.execute(update(LoadBatch).where(LoadBatch.id == batch_id).values(
        scope_key=key, fiscal_year=year, period=period, row_count=report.rows,
        problems=json.dumps([p.as_dict() for p in report.problems], ensure_ascii=False)))
    audit.record_on(conn, "load", username=loaded_by, file=report.file, batch=batch_id, kind=report.kind,
                    rows=report.rows, scope=key, superseded=report.superseded)


def record_rejection(engine: Engine, report: LoadReport, loaded_by: str) -> None:
    """Record a rejected file (with its first 1,000 problems) in a transaction of its own."""
    problems = json.dumps([p.as_dict() for p in report.problems[:1000]], ensure_ascii=False)
    with engine.begin() as conn:
        batch_id = conn.execute(insert(LoadBatch).values(
            file_name=report.file[:255], checksum=report.checksum, kind=report.kind or "unknown",
            scope_key="", loaded_by=loaded_by, row_count=0, status="rejected", problems=problems,
        ).returning(LoadBatch.id)).scalar_one()
        audit.record_on(conn, "load_rejected", username=loaded_by, file=report.file, batch=batch_id,
                        problems=len(report.errors))
    report.batch_id = batch_id


def mark_superseded(conn: Connection, table: Table, touched: set[int], batch_id: int) -> list[int]:
    """Mark the batches left without rows in ``table`` as superseded by ``batch_id``."""
    superseded = []
    for old in sorted(touched):
        if old == batch_id:
            continue
        left = conn.execute(select(func.count()).select_from(table).where(table.c.batch_id == old)).scalar_one()
        if left == 0:
            conn.execute(update(LoadBatch).where(LoadBatch.id == old).values(status="superseded",
                                                                               superseded_by=batch_id))
            superseded.append(old)
        else:
            # Some of its rows are gone to this batch, others stay: the history says by which.
            earlier = conn.execute(select(LoadBatch.partly_replaced_by).where(LoadBatch.id == old)).scalar_one()
            ids = [i for i in (earlier or "").split(",") if i] + [str(batch_id)]
            conn.execute(update(LoadBatch).where(LoadBatch.id == old).values(
                partly_replaced_by=",".join(dict.fromkeys(ids))[:200]))
    return superseded


def delete_earlier(conn: Connection, table: Table, keys: list[tuple], key_columns: tuple[str, ...]) -> set[int]:
    """Delete the rows with these keys; return the batches they came from."""
    cols = tuple(table.c[c] for c in key_columns)
    touched: set[int] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start:start + KEYS_PER_QUERY]
        touched |= set(conn.execute(select(table.c.batch_id).distinct().where(tuple_(*cols).in_(chunk))).scalars())
        conn.execute(delete(table).where(tuple_(*cols).in_(chunk)))
    return touched


def delete_scope(conn: Connection, year: int, period: str, entity: str, sums: list[pd.DataFrame]) -> set[int]:
    """Delete the facts of one (year, period, entity); return the batches they came from, and
    append their item sums to ``sums`` (the item mart is then corrected by difference).

    Plain equalities on the natural key's first columns: its index finds the rows (a row-value
    IN list made PostgreSQL scan the table).
    """
    fact = BudgetFact.__table__
    where = (fact.c.fiscal_year == year, fact.c.period == period, fact.c.entity_code == entity)
    touched = set(conn.execute(select(fact.c.batch_id).distinct().where(*where)).scalars())
    if touched:
        sums.append(scope_item_sums(conn, year, period, entity))
        conn.execute(delete(fact).where(*where))
    return touched


def delete_provinces(conn: Connection, table: Table, scopes: list[tuple[int, str, str]]) -> set[int]:
    """Delete the indicator rows of these (year, period, province) scopes; return their batches.

    One scope at a time with plain equalities, so that the (province, year, period) index
    finds the rows (a row-value IN list can make PostgreSQL scan the table).
    """
    touched: set[int] = set()
    for year, period, province in scopes:
        where = (table.c.province_code == province, table.c.fiscal_year == year, table.c.period == period)
        found = set(conn.execute(select(table.c.batch_id).distinct().where(*where)).scalars())
        if found:
            conn.execute(delete(table).where(*where))
            touched |= found
    return touched


def provinces_of(conn: Connection, table: Table, keys: list[tuple]) -> set[tuple[int, str, str]]:
    """The (year, period, province) of the stored indicator rows with these natural keys."""
    found: set[tuple[int, str, str]] = set()
    cols = (table.c.fiscal_year, table.c.period, table.c.unit_code, table.c.indicator_code)
    for start in range(0, len(keys), KEYS_PER_QUERY):
        found |= {tuple(r) for r in conn.execute(
            select(table.c.fiscal_year, table.c.period, table.c.province_code).distinct()
            .where(tuple_(*cols).in_(keys[start:start + KEYS_PER_QUERY])))}
    return found
