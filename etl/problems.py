"""Problems found in a file, as values (Frictionless style): collected, then rendered."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in one cell, row, sheet or file.

    ``row`` is the row number as Excel shows it (1-based); 0 when the problem concerns the
    whole sheet or file. ``type`` is a stable key (``type-error``, ``unknown-code`` …).
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

    def render(self) -> str:
        """``FILE:SHEET:ROW:COLUMN: message`` (README.md), one line."""
        where = f"{self.file}:{self.sheet}:{self.row or ''}:{self.column}"
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{where}: {prefix}{self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def short(value: object, limit: int = 60) -> str:
    """A cell's value as text for a message, cut to ``limit`` characters."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Collector:
    """Collects the problems of one file, with the file and sheet filled in."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, sheet: str, row: int, column: str, value: object, expected: str, message: str,
            type: str, severity: str = ERROR) -> None:
        self.items.append(Problem(self.file, sheet, row, column, short(value), expected, message,
                                  type, severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]
