"""Numbers for reading: riels in short form, exact riels, per cents, counts; English and Khmer.

Khmer follows the convention of the ministry's documents and the product's example
(``១,២៣ ពាន់លាន`` for 1.23 billion): Khmer digits, a comma before the decimals and a dot
between thousands. USD is a secondary display at the configured rate.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from i18n import khmer_digits

DASH = "–"
# Times are stored in UTC; people in the ministry and the provinces read them in Cambodia's time.
CAMBODIA = ZoneInfo("Asia/Phnom_Penh")
_SCALES_EN = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))
_SCALES_KM = ((1e12, "ទ្រីលាន"), (1e9, "ពាន់លាន"), (1e6, "លាន"))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _grouped(value: float, decimals: int, lang: str) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "km":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
        return khmer_digits(text)
    return text


def format_khr(value, lang: str = "en", usd_rate: float | None = None) -> str:
    """Riels in a short form: ``KHR 1.23 bn`` / ``១,២៣ ពាន់លាន``; optional ``≈ USD …``."""
    if _missing(value):
        return DASH
    value = float(value)
    scales = _SCALES_KM if lang == "km" else _SCALES_EN
    for size, word in scales:
        if abs(value) >= size:
            number = _grouped(value / size, 2 if abs(value) < size * 100 else 1, lang)
            text = f"{number} {word}" if lang == "km" else f"KHR {number} {word}"
            break
    else:
        number = _grouped(value, 0, lang)
        text = f"{number} រៀល" if lang == "km" else f"KHR {number}"
    if usd_rate:
        text += f" (≈ {format_usd(value / usd_rate, lang)})"
    return text


def format_usd(value, lang: str = "en") -> str:
    """Dollars in a short form: ``USD 300k``, ``USD 1.2 m``."""
    if _missing(value):
        return DASH
    value = float(value)
    if abs(value) >= 1e6:
        return f"USD {_grouped(value / 1e6, 1, lang)} m"
    if abs(value) >= 1e3:
        return f"USD {_grouped(value / 1e3, 0, lang)}k"
    return f"USD {_grouped(value, 0, lang)}"


def format_khr_exact(value, lang: str = "en") -> str:
    """Every riel, grouped: ``KHR 1,234,567`` / ``១.២៣៤.៥៦៧ រៀល`` (for tooltips)."""
    if _missing(value):
        return DASH
    number = _grouped(round(float(value)), 0, lang)
    return f"{number} រៀល" if lang == "km" else f"KHR {number}"


def format_percent(value, lang: str = "en", digits: int = 0) -> str:
    """A fraction as a per cent: 0.456 → ``46 %`` / ``៤៦ %``."""
    if _missing(value):
        return DASH
    return f"{_grouped(float(value) * 100, digits, lang)} %"


def format_number(value, lang: str = "en", digits: int = 0) -> str:
    """A count or measure, grouped: ``12,345`` / ``១២.៣៤៥``."""
    if _missing(value):
        return DASH
    return _grouped(float(value), digits, lang)


def format_points(value, lang: str = "en") -> str:
    """A signed difference of rates in percentage points: ``−5.0 pts``."""
    if _missing(value):
        return DASH
    sign = "+" if value > 0 else "−" if value < 0 else ""
    number = _grouped(abs(float(value)) * 100, 1, lang)
    return f"{sign}{number} {'ពិន្ទុ' if lang == 'km' else 'pts'}"


def format_moment(value: datetime | str | None, lang: str = "en") -> str:
    """A stored moment (UTC, as a datetime or ISO text; naive means UTC) in Cambodia's time, to the
    minute: ``2026-12-06 08:57``."""
    if value is None or value == "":
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.astimezone(CAMBODIA).strftime("%Y-%m-%d %H:%M")
    return khmer_digits(text) if lang == "km" else text
