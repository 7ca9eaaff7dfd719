"""Text helpers for the bilingual wording."""

from __future__ import annotations

_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def khmer_digits(text: str) -> str:
    """The text with its Western digits written as Khmer digits (០–៩)."""
    return text.translate(_KHMER_DIGITS)


def percent(value: float) -> str:
    """A fraction as a whole per cent, e.g. 0.95 → ``95 %`` (0.125 → ``12.5 %``)."""
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + " %"
