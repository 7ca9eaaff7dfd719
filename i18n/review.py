"""Labels of the hearing page (/review), English and Khmer; merged into ``i18n.MESSAGES``.

Every key has both languages with the same placeholders (tests/unit/test_i18n_tables.py).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.review": {"en": "Review", "km": "ការពិនិត្យ"},
}
