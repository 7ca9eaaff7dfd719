"""Labels of the explanations of deviations, English and Khmer; merged into ``i18n.MESSAGES``.

Every key has both languages with the same placeholders (tests/unit/test_i18n_tables.py).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # the panel on the scorecard (a province) and on the programmes page (national, 00)
    "explain.title": {"en": "Explanations of deviations", "km": "ការពន្យល់អំពីគម្លាត"},
    "explain.title_national": {"en": "Explanations of national deviations",
                               "km": "ការពន្យល់អំពីគម្លាតថ្នាក់ជាតិ"},
    "explain.hint": {
        "en": "Each indicator on watch or off track at {period} is explained by the province's director: "
              "the reason for the deviation and the corrective action. MEF may add an oversight comment.",
        "km": "សូចនាករនីមួយៗដែលត្រូវតាមដាន ឬមិនតាមគោលដៅនៅ {period} ត្រូវបានពន្យល់ដោយប្រធានមន្ទីរខេត្ត៖ "
              "មូលហេតុនៃគម្លាត និងវិធានការកែតម្រូវ។ ក.ស.ហ.វ អាចបន្ថែមមតិត្រួតពិនិត្យ។",
    },
    "explain.hint_national": {
        "en": "Each national indicator on watch or off track at {period} is explained by the MoSVY budget unit: "
              "the reason for the deviation and the corrective action. MEF may add an oversight comment.",
        "km": "សូចនាករថ្នាក់ជាតិនីមួយៗដែលត្រូវតាមដាន ឬមិនតាមគោលដៅនៅ {period} ត្រូវបានពន្យល់ដោយផ្នែកថវិកា "
              "ក.ស.អ.យ៖ មូលហេតុនៃគម្លាត និងវិធានការកែតម្រូវ។ ក.ស.ហ.វ អាចបន្ថែមមតិត្រួតពិនិត្យ។",
    },
    "explain.none": {"en": "No indicator is on watch or off track at {period}: nothing to explain.",
                     "km": "គ្មានសូចនាករណាត្រូវតាមដាន ឬមិនតាមគោលដៅនៅ {period} ទេ៖ គ្មានអ្វីត្រូវពន្យល់។"},
    "explain.due": {"en": "Explanation due", "km": "ត្រូវការការពន្យល់"},
    "explain.achievement": {"en": "achievement {value}", "km": "សមិទ្ធផល {value}"},
    "explain.no_longer": {"en": "No longer on watch or off track with the figures loaded now.",
                          "km": "លែងត្រូវតាមដាន ឬមិនតាមគោលដៅហើយ តាមតួលេខដែលបានបញ្ចូលឥឡូវនេះ។"},
    "explain.reason": {"en": "Reason for the deviation", "km": "មូលហេតុនៃគម្លាត"},
    "explain.action": {"en": "Corrective action", "km": "វិធានការកែតម្រូវ"},
    "explain.oversight": {"en": "MEF oversight comment", "km": "មតិត្រួតពិនិត្យរបស់ ក.ស.ហ.វ"},
    "explain.written": {"en": "Written by {who}, {when}", "km": "សរសេរដោយ {who} នៅ {when}"},
    "explain.no_oversight": {"en": "No oversight comment yet.", "km": "មិនទាន់មានមតិត្រួតពិនិត្យនៅឡើយទេ។"},
    # the forms
    "explain.write": {"en": "Write the explanation", "km": "សរសេរការពន្យល់"},
    "explain.edit": {"en": "Edit the explanation", "km": "កែការពន្យល់"},
    "explain.write_oversight": {"en": "Write an oversight comment", "km": "សរសេរមតិត្រួតពិនិត្យ"},
    "explain.edit_oversight": {"en": "Edit the oversight comment", "km": "កែមតិត្រួតពិនិត្យ"},
    "explain.save": {"en": "Save", "km": "រក្សាទុក"},
    "explain.limit": {"en": "At most {max} characters each.", "km": "យ៉ាងច្រើន {max} តួអក្សរក្នុងមួយប្រអប់។"},
    "explain.saved": {"en": "Saved.", "km": "បានរក្សាទុក។"},
    "explain.what.reason": {"en": "reason for the deviation", "km": "មូលហេតុនៃគម្លាត"},
    "explain.what.action": {"en": "corrective action", "km": "វិធានការកែតម្រូវ"},
    "explain.what.oversight": {"en": "oversight comment", "km": "មតិត្រួតពិនិត្យ"},
    "explain.empty": {"en": "Not saved: write the {what}.", "km": "មិនបានរក្សាទុក៖ សូមសរសេរ{what}។"},
    "explain.too_long": {"en": "Not saved: the {what} has {n} characters; at most {max} are kept.",
                         "km": "មិនបានរក្សាទុក៖ {what}មាន {n} តួអក្សរ ប៉ុន្តែអនុញ្ញាតយ៉ាងច្រើន {max}។"},
    "explain.unreadable": {"en": "Not saved: the {what} holds characters that cannot be stored.",
                           "km": "មិនបានរក្សាទុក៖ {what}មានតួអក្សរដែលមិនអាចរក្សាទុកបាន។"},
    "explain.stale": {
        "en": "Not saved: {who} changed this explanation since you opened it. Their text is shown above; "
              "your text is still in the box: save again to replace theirs.",
        "km": "មិនបានរក្សាទុក៖ {who} បានកែការពន្យល់នេះ ក្រោយពេលអ្នកបើកវា។ អត្ថបទរបស់គេបង្ហាញខាងលើ "
              "ហើយអត្ថបទរបស់អ្នកនៅក្នុងប្រអប់នៅឡើយ៖ សូមរក្សាទុកម្តងទៀតដើម្បីជំនួស។",
    },
    "explain.forbidden": {"en": "Not saved: your role may not write this explanation.",
                          "km": "មិនបានរក្សាទុក៖ តួនាទីរបស់អ្នកមិនអនុញ្ញាតឱ្យសរសេរការពន្យល់នេះទេ។"},
    "explain.not_deviation": {"en": "Not saved: this indicator is not on watch or off track at {period}.",
                              "km": "មិនបានរក្សាទុក៖ សូចនាករនេះមិនត្រូវតាមដាន ឬមិនតាមគោលដៅនៅ {period} ទេ។"},
    "explain.invalid": {"en": "Not saved: {detail}", "km": "មិនបានរក្សាទុក៖ {detail}"},
    # the provinces page
    "explain.due_column": {"en": "Explanations due", "km": "ការពន្យល់ដែលត្រូវធ្វើ"},
    "explain.due_note": {
        "en": "Explanations due at {period}: {n} in {provinces} province(s).",
        "km": "ការពន្យល់ដែលត្រូវធ្វើនៅ {period}៖ {n} ក្នុងរាជធានី-ខេត្ត {provinces}។",
    },
    "explain.due_national": {"en": "National deviations to explain: {n} (Programmes page).",
                             "km": "គម្លាតថ្នាក់ជាតិដែលត្រូវពន្យល់៖ {n} (ទំព័រកម្មវិធី)។"},
    # the printed sheet
    "explain.sheet_due": {"en": "Explanation due for {n} indicator(s):", "km": "សូចនាករ {n} ត្រូវការការពន្យល់៖"},
    "explain.sheet_none": {"en": "No indicator on watch or off track at this period.",
                           "km": "គ្មានសូចនាករណាត្រូវតាមដាន ឬមិនតាមគោលដៅក្នុងគ្រានេះទេ។"},
}
