"""Translations: every label the product shows, in English and Khmer.

The table is data (``i18n/messages.py``); ``t(key, lang)`` looks a label up, falling back to
English (then to the key itself) so that a missing translation never breaks a page.
"""

from __future__ import annotations

from i18n.costing import MESSAGES as COSTING_MESSAGES
from i18n.explanations import MESSAGES as EXPLANATION_MESSAGES
from i18n.hearing_brief import MESSAGES as HEARING_BRIEF_MESSAGES
from i18n.inbox import MESSAGES as INBOX_MESSAGES
from i18n.messages import MESSAGES
from i18n.open_data import MESSAGES as OPEN_DATA_MESSAGES
from i18n.review import MESSAGES as REVIEW_MESSAGES

# Each area's labels (i18n/<area>.py) join the one table.
MESSAGES = {**MESSAGES, **OPEN_DATA_MESSAGES, **COSTING_MESSAGES, **REVIEW_MESSAGES, **EXPLANATION_MESSAGES,
            **INBOX_MESSAGES, **HEARING_BRIEF_MESSAGES}

LANGUAGES = ("en", "km")
DEFAULT_LANGUAGE = "en"
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def normalise_language(lang: str | None) -> str:
    """``lang`` if we support it, else English."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = DEFAULT_LANGUAGE, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    entry = MESSAGES.get(key)
    text = key if entry is None else entry.get(normalise_language(lang)) or entry["en"]
    return text.format(**values) if values else text


def khmer_digits(text: str) -> str:
    """Write Western digits as Khmer digits (០–៩)."""
    return text.translate(KHMER_DIGITS)
