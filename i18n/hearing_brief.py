"""Labels of MEF's hearing brief (reports/review.py), English and Khmer; merged into ``i18n.MESSAGES``.

Every key has both languages with the same placeholders (tests/unit/test_i18n_tables.py).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "brief.title": {"en": "Hearing brief: budget request {year}",
                    "km": "សេចក្តីសង្ខេបសម្រាប់សវនាការថវិកា៖ សំណើថវិកាឆ្នាំ {year}"},
    "brief.version": {"en": "The lines as they are now (version {n})",
                      "km": "ជួរថវិកាតាមស្ថានភាពបច្ចុប្បន្ន (កំណែទី {n})"},
    "brief.totals": {"en": "Totals against the ceiling", "km": "សរុបធៀបនឹងពិដានថវិកា"},
    "brief.totals_province": {"en": "Totals of the province's lines", "km": "សរុបនៃជួរថវិការបស់ខេត្ត"},
    "brief.lines_count": {"en": "Lines", "km": "ចំនួនជួរ"},
    "brief.endorsed": {"en": "Endorsed {year}", "km": "ចំនួនឯកភាព {year}"},
    "brief.change": {"en": "Change", "km": "ការផ្លាស់ប្តូរ"},
    "brief.over_ceiling": {"en": "Endorsed minus ceiling", "km": "ចំនួនឯកភាព ដកពិដាន"},
    "brief.rule": {"en": "Endorsed: the recommended amount where MEF adjusted, the request elsewhere",
                   "km": "ចំនួនឯកភាព៖ ចំនួនដែល ក.ស.ហ.វ ផ្តល់អនុសាសន៍ នៅកន្លែងដែលបានកែតម្រូវ និងចំនួនស្នើសុំ នៅកន្លែងផ្សេងទៀត"},
    "brief.questions": {"en": "Open questions ({n})", "km": "សំណួរដែលមិនទាន់មានចម្លើយ ({n})"},
    "brief.no_questions": {"en": "No question is waiting for an answer.",
                           "km": "គ្មានសំណួរណាមួយកំពុងរង់ចាំចម្លើយទេ។"},
    "brief.line": {"en": "Line", "km": "ជួរថវិកា"},
    "brief.asked_by": {"en": "Asked by", "km": "សួរដោយ"},
    "brief.question": {"en": "Question, as written in the line's thread",
                       "km": "សំណួរ ដូចដែលបានសរសេរក្នុងកិច្ចពិភាក្សានៃជួរថវិកា"},
    "brief.no_text": {"en": "No words written in the thread yet.",
                      "km": "មិនទាន់មានពាក្យណាមួយសរសេរក្នុងកិច្ចពិភាក្សានៅឡើយទេ។"},
    "brief.lines": {"en": "Lines by programme", "km": "ជួរថវិកាតាមកម្មវិធី"},
    "brief.chapter_source": {"en": "Chapter · source", "km": "ជំពូក · ប្រភពថវិកា"},
    "brief.decision": {"en": "MEF's decision", "km": "សេចក្តីសម្រេចរបស់ ក.ស.ហ.វ"},
    "brief.recommended": {"en": "Recommended", "km": "ចំនួនផ្តល់អនុសាសន៍"},
    "brief.subtotal": {"en": "Programme total", "km": "សរុបកម្មវិធី"},
    "brief.decision.agree": {"en": "Agree", "km": "យល់ព្រម"},
    "brief.decision.adjust": {"en": "Adjust", "km": "កែតម្រូវ"},
    "brief.decision.question": {"en": "Question", "km": "សំណួរ"},
    "brief.decision.none": {"en": "Not decided yet", "km": "មិនទាន់សម្រេច"},
    "brief.question_open": {"en": "open", "km": "មិនទាន់ឆ្លើយ"},
    "brief.question_answered": {"en": "answered", "km": "បានឆ្លើយ"},
}
