"""Periods: ``YYYY-MM`` (the month a year-to-date figure runs to), read from the forms people write.

``YYYY-Qn`` is the quarter's last month and ``YYYY`` the year's (December), so ``2025-Q2`` and
``2025-06`` are the same period. Figures are cumulative within the year: never summed across periods.
"""

from __future__ import annotations

import re

from domain.vocabulary import YEAR_MAX, YEAR_MIN

# [0-9], not \d: \d also matches superscripts and other scripts' digits, which int() refuses or
# reads as a number nobody typed. Callers translate Khmer digits to Latin first.
_LENIENT = re.compile(r"^([0-9]{4})(?:[-/]([0-9]{1,2})|-?[Qq]([1-4]))?$")
# The API's form, exactly as its OpenAPI document states it.
_STRICT = re.compile(r"^([0-9]{4})(?:-([0-9]{2})|-[Qq]([1-4]))?$")
_MONTH_PERIOD = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    """Not a period; ``reason`` is ``form``, ``year`` (outside the contract's years) or ``month``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_period(raw: str, *, strict: bool = False) -> str:
    """``raw`` as ``YYYY-MM``, or ``PeriodError``.

    Accepted: ``YYYY-MM``, ``YYYY``, ``YYYY-Qn``; unless ``strict`` (the API), also ``YYYY-M``,
    ``YYYY/MM`` and ``YYYYQn`` as people type them in workbooks.
    """
    match = (_STRICT if strict else _LENIENT).fullmatch(raw)  # fullmatch: "$" lets a final newline through
    if not match:
        raise PeriodError("form")
    year, month, quarter = match.groups()
    if not YEAR_MIN <= int(year) <= YEAR_MAX:
        raise PeriodError("year")
    if quarter:
        return f"{year}-{int(quarter) * 3:02d}"
    if month:
        if not 1 <= int(month) <= 12:
            raise PeriodError("month")
        return f"{year}-{int(month):02d}"
    return f"{year}-12"


def normalise_period(raw: str, *, strict: bool = False) -> str | None:
    """Like :func:`parse_period`, with None for anything that is not a period."""
    try:
        return parse_period(raw, strict=strict)
    except PeriodError:
        return None


def is_month_period(value: object) -> bool:
    """Whether ``value`` is a period in its stored form, ``YYYY-MM``."""
    return isinstance(value, str) and _MONTH_PERIOD.fullmatch(value) is not None


def period_month(period: str) -> int:
    """The month (1–12) a ``YYYY-MM`` period runs to."""
    return int(period[5:7])
