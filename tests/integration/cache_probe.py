"""A read model for the cache tests that counts how often it is computed in this process."""

from sqlalchemy import func, select

from db.models import BudgetFact

CALLS: list[int] = []


def paid_in_june(session, scope) -> int:
    """Paid in June 2025, all entities (as any read model, it is computed from the database)."""
    scope.require_data()
    CALLS.append(1)
    return int(session.scalar(select(func.sum(BudgetFact.paid)).where(BudgetFact.period == "2025-06")))


def slow_paid_in_june(session, scope) -> int:
    """As :func:`paid_in_june`, taking ``SLOW_S`` longer: long enough for others to ask meanwhile."""
    import time

    time.sleep(SLOW_S)
    return paid_in_june(session, scope)


SLOW_S = 0.5


def paid_up_to(session, scope, *, year: int) -> int:
    """Paid in fiscal ``year`` and the years before it: a read model of one year that reads no later one."""
    scope.require_data()
    CALLS.append(year)
    return int(session.scalar(select(func.sum(BudgetFact.paid)).where(BudgetFact.fiscal_year <= year)) or 0)
