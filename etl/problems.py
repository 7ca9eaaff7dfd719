"""Problems found in a file, as values (Frictionless style): collected, then rendered.

What a problem says lives in the catalogue (:mod:`etl.problem_catalogue`): a problem holds its
message code and parameters, and is said in English or Khmer when it is shown. ``message`` and
``expected`` keep the English text as well, as every stored problem (``load_batch.problems``)
always had them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from etl import problem_catalogue as catalogue
from etl.problem_catalogue import Msg, Params, msg

__all__ = ["ERROR", "WARNING", "Collector", "Msg", "Problem", "msg", "short"]

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in one cell, row, sheet or file.

    ``row`` is the row number as Excel shows it (1-based); 0 when the problem concerns the
    whole sheet or file. ``type`` is a stable key (``type-error``, ``unknown-code`` …);
    ``code`` names the sentence that says it in the catalogue, with ``params``. ``message``
    and ``expected`` are that sentence and phrase in English.
    """

    file: str
    sheet: str
    row: int
    column: str
    value: str
    expected: str
    message: str
    type: str
    severity: str = ERROR
    code: str = ""
    params: Params = ()

    @classmethod
    def of(cls, file: str, sheet: str, row: int, column: str, value: object, said: Msg, type: str,
           severity: str = ERROR) -> Problem:
        """A problem whose words come from the catalogue: ``said`` is its code and parameters."""
        return cls(file, sheet, row, column, short(value), said.expected("en"), said.text("en"), type, severity,
                   said.code, said.params)

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        """A problem as :meth:`as_dict` stored it (older rows have no code: they keep their English)."""
        params = data.get("params") or {}
        return cls(data.get("file", ""), data.get("sheet", ""), int(data.get("row") or 0), data.get("column", ""),
                   data.get("value", ""), data.get("expected", ""), data.get("message", ""),
                   data.get("type", ""), data.get("severity", ERROR), data.get("code", ""),
                   catalogue.as_params(params) if isinstance(params, dict) else ())

    def message_in(self, lang: str = "en") -> str:
        """The message in ``lang``, through the catalogue; the stored English when the code is unknown."""
        said = catalogue.message(self.code, self.params, lang) if self.code else None
        return self.message if said is None else said

    def expected_in(self, lang: str = "en") -> str:
        """What was expected, in ``lang``; the stored English when the code is unknown."""
        said = catalogue.expected(self.code, self.params, lang) if self.code else None
        return self.expected if said is None else said

    def render(self, lang: str = "en") -> str:
        """``FILE:SHEET:ROW:COLUMN: message`` (README.md), one line."""
        where = f"{self.file}:{self.sheet}:{self.row or ''}:{self.column}"
        prefix = catalogue.line("warning-prefix", lang) if self.severity == WARNING else ""
        return f"{where}: {prefix}{self.message_in(lang)}"

    def for_person(self, lang: str = "en") -> dict:
        """The problem as a row of the validation report, its words in ``lang``."""
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": self.value, "expected": self.expected_in(lang), "message": self.message_in(lang),
                "severity": catalogue.term(self.severity, lang), "type": self.type, "code": self.code}

    def as_dict(self) -> dict:
        """Every field, for JSON (``params`` as an object)."""
        return asdict(self) | {"params": dict(self.params)}


def short(value: object, limit: int = 60) -> str:
    """A cell's value as text for a message, cut to ``limit`` characters."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Collector:
    """Collects the problems of one file, with the file and sheet filled in."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, sheet: str, row: int, column: str, value: object, said: Msg, type: str,
            severity: str = ERROR) -> None:
        """Record a problem; ``said`` is its message code and parameters (:func:`msg`)."""
        self.items.append(Problem.of(self.file, sheet, row, column, value, said, type, severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]
