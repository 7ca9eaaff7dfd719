"""Labels of the header's inbox, English and Khmer; merged into ``i18n.MESSAGES``.

Every key has both languages with the same placeholders (tests/unit/test_i18n_tables.py).
English says one thing and many things differently; Khmer does not, so both of its labels agree.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "inbox.title": {"en": "Inbox", "km": "ការងាររង់ចាំ"},
    "inbox.waiting": {"en": "Inbox: {count} waiting for you", "km": "ការងាររង់ចាំ៖ {count} កំពុងរង់ចាំអ្នក"},
    "inbox.to_review.one": {"en": "{count} submission to review", "km": "សំណើថវិកា {count} ត្រូវពិនិត្យ"},
    "inbox.to_review.many": {"en": "{count} submissions to review", "km": "សំណើថវិកា {count} ត្រូវពិនិត្យ"},
    "inbox.questions.one": {"en": "{count} question to answer", "km": "សំណួរ {count} ត្រូវឆ្លើយ"},
    "inbox.questions.many": {"en": "{count} questions to answer", "km": "សំណួរ {count} ត្រូវឆ្លើយ"},
    "inbox.to_explain.one": {"en": "{count} deviation to explain", "km": "គម្លាតពីគោលដៅ {count} ត្រូវពន្យល់"},
    "inbox.to_explain.many": {"en": "{count} deviations to explain", "km": "គម្លាតពីគោលដៅ {count} ត្រូវពន្យល់"},
}
