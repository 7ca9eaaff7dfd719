"""Query-string parameters of the read API, checked with messages that name the parameter."""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.periods import normalise_period as _normalise
from domain.vocabulary import PROVINCE_COUNT, YEAR_MAX, YEAR_MIN

# [0-9], not \d or str.isdigit(): those also accept other scripts' digits and superscripts
# ("²⁰²⁵"), which int() then refuses or reads as a number nobody typed.
_SHOWN = 40  # characters of a refused value repeated in the message


class ParamError(ValueError):
    """A parameter the API cannot use; answered with 400 and this message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


def raw_value(args: Mapping[str, str], name: str) -> str:
    """The parameter as sent ("" when absent or empty: an empty value means "not given").

    Not stripped: the OpenAPI document's patterns say exactly what is accepted, and a value
    with spaces around it is refused rather than read one way here and another way there.
    """
    raw = args.get(name) or ""
    if raw != raw.strip():
        raise ParamError(name, f"remove the spaces around {shown(raw)}")
    return raw


def shown(raw: str) -> str:
    """``raw`` quoted for a message, cut short: a 5,000-character value is not echoed back."""
    return repr(raw if len(raw) <= _SHOWN else raw[:_SHOWN] + "…")


def ascii_digits(raw: str, lengths: tuple[int, ...]) -> bool:
    """Whether ``raw`` is ASCII digits only, of one of ``lengths``.

    The length is checked first, so int() never meets a huge number (Python refuses more than
    4,300 digits with a ValueError).
    """
    return len(raw) in lengths and raw.isascii() and raw.isdigit()


def year(args: Mapping[str, str], name: str = "year", *, required: bool = True) -> int | None:
    """A fiscal year from ``YEAR_MIN`` to ``YEAR_MAX``, written in four ASCII digits."""
    raw = raw_value(args, name)
    if not raw:
        if required:
            raise ParamError(name, "is required (a year such as 2025)")
        return None
    if not ascii_digits(raw, (4,)) or not YEAR_MIN <= int(raw) <= YEAR_MAX:
        raise ParamError(name, f"expected a year from {YEAR_MIN} to {YEAR_MAX}, got {shown(raw)}")
    return int(raw)


def whole(args: Mapping[str, str], name: str, *, required: bool = False) -> int | None:
    """A whole number from 1 to 9999 (a version number), in ASCII digits."""
    raw = raw_value(args, name)
    if not raw:
        if required:
            raise ParamError(name, "is required (a whole number such as 1)")
        return None
    if not ascii_digits(raw, (1, 2, 3, 4)) or int(raw) < 1:
        raise ParamError(name, f"expected a whole number from 1 to 9999, got {shown(raw)}")
    return int(raw)


def normalise_period(raw: str) -> str | None:
    """``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` as the month it ends in (``YYYY-MM``), else None: the
    API's strict form, as its OpenAPI document states it."""
    return _normalise(raw, strict=True)


def period(args: Mapping[str, str], fiscal_year: int | None, name: str = "period") -> str | None:
    """A period as the month it ends in (``YYYY-MM``), within ``fiscal_year`` when one is given."""
    raw = raw_value(args, name)
    if not raw:
        return None
    normalised = normalise_period(raw)
    if normalised is None:
        raise ParamError(name, f"expected YYYY-MM, YYYY-Qn or YYYY, got {shown(raw)}")
    if fiscal_year is not None and int(normalised[:4]) != fiscal_year:
        raise ParamError(name, f"{shown(raw)} is outside fiscal year {fiscal_year}")
    return normalised


def code(args: Mapping[str, str], name: str, *, lengths: tuple[int, ...]) -> str | None:
    """A numeric administrative code of one of ``lengths`` digits (``00``–``25`` for entities)."""
    raw = raw_value(args, name)
    if not raw:
        return None
    if not ascii_digits(raw, lengths):
        sizes = " or ".join(str(n) for n in lengths)
        raise ParamError(name, f"expected a code of {sizes} digits, got {shown(raw)}")
    if int(raw[:2]) > PROVINCE_COUNT:
        raise ParamError(name, f"no province or entity has code {shown(raw)}")
    return raw


def choices(args: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> list[str]:
    """A comma-separated list of names, each one of ``allowed``, without repeats."""
    raw = raw_value(args, name)
    if not raw:
        return []
    picked: list[str] = []
    for part in raw.split(","):
        if part not in allowed:
            raise ParamError(name, f"{shown(part)} is not one of {', '.join(allowed)}")
        if part not in picked:
            picked.append(part)
    return picked


_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")


def one_of(args: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    """One of ``allowed`` exactly, or None when not given."""
    raw = raw_value(args, name)
    if not raw:
        return None
    if raw not in allowed:
        raise ParamError(name, f"expected one of {', '.join(allowed)}, got {shown(raw)}")
    return raw


def text(args: Mapping[str, str], name: str, max_length: int = 32) -> str | None:
    """A code of the programme structure, the economic classification or the indicator catalogue:
    at most ``max_length`` letters, digits, ``_``, ``.`` and ``-`` (no control character reaches
    the database, which refuses a NUL)."""
    raw = raw_value(args, name)
    if not raw:
        return None
    if len(raw) > max_length:
        raise ParamError(name, f"longer than {max_length} characters")
    if not _CODE.match(raw):
        raise ParamError(name, f"expected a code of letters, digits, '_', '.' and '-', got {shown(raw)}")
    return raw
