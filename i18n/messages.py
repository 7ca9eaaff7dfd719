"""The translation table: key → {"en": ..., "km": ...}. Keep keys grouped by where they appear."""

MESSAGES: dict[str, dict[str, str]] = {
    # product
    "app.title": {"en": "PIB Dashboard", "km": "ផ្ទាំងព័ត៌មានថវិកាផ្អែកលើសមិទ្ធកម្ម"},
    "app.ministry": {
        "en": "Ministry of Social Affairs, Veterans and Youth Rehabilitation",
        "km": "ក្រសួងសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា",
    },
    "app.subtitle": {
        "en": "Performance-informed budget 2025",
        "km": "ថវិកាផ្អែកលើសមិទ្ធកម្ម ឆ្នាំ២០២៥",
    },
    # login
    "login.heading": {"en": "Sign in", "km": "ចូលប្រើប្រាស់"},
    "login.username": {"en": "User name", "km": "ឈ្មោះអ្នកប្រើ"},
    "login.password": {"en": "Password", "km": "ពាក្យសម្ងាត់"},
    "login.submit": {"en": "Sign in", "km": "ចូល"},
    "login.failed": {
        "en": "The user name or password is not correct.",
        "km": "ឈ្មោះអ្នកប្រើ ឬពាក្យសម្ងាត់មិនត្រឹមត្រូវ។",
    },
    "login.throttled": {
        "en": "Too many failed sign-ins. Please wait a minute and try again.",
        "km": "ការចូលមិនជោគជ័យច្រើនដងពេក។ សូមរង់ចាំមួយនាទី រួចព្យាយាមម្តងទៀត។",
    },
    "login.inactive": {
        "en": "This account is disabled. Ask your administrator.",
        "km": "គណនីនេះត្រូវបានបិទ។ សូមទាក់ទងអ្នកគ្រប់គ្រងប្រព័ន្ធ។",
    },
    "login.expired": {
        "en": "The form expired. Please sign in again.",
        "km": "ទម្រង់បានផុតកំណត់។ សូមចូលម្តងទៀត។",
    },
    "login.signed_out": {"en": "You have signed out.", "km": "អ្នកបានចាកចេញហើយ។"},
    "login.language": {"en": "Language", "km": "ភាសា"},
    # shell
    "nav.overview": {"en": "Overview", "km": "ទិដ្ឋភាពទូទៅ"},
    "nav.provinces": {"en": "Provinces", "km": "រាជធានី-ខេត្ត"},
    "nav.scorecard": {"en": "Scorecard", "km": "តារាងពិន្ទុ"},
    "nav.programmes": {"en": "Programmes", "km": "កម្មវិធី"},
    "nav.data": {"en": "Data", "km": "ទិន្នន័យ"},
    "nav.methodology": {"en": "Methodology", "km": "វិធីសាស្ត្រ"},
    "nav.users": {"en": "Users", "km": "អ្នកប្រើប្រាស់"},
    "nav.sign_out": {"en": "Sign out", "km": "ចាកចេញ"},
    "nav.menu": {"en": "Menu", "km": "ម៉ឺនុយ"},
    "role.budget_unit": {"en": "MoSVY budget unit", "km": "ផ្នែកថវិកា ក.ស.អ.យ"},
    "role.mef_reviewer": {"en": "MEF reviewer", "km": "អ្នកពិនិត្យ ក.ស.ហ.វ"},
    "role.provincial_director": {"en": "Provincial director", "km": "ប្រធានមន្ទីរខេត្ត"},
    "role.admin": {"en": "Administrator", "km": "អ្នកគ្រប់គ្រងប្រព័ន្ធ"},
    "lang.en": {"en": "English", "km": "English"},
    "lang.km": {"en": "ខ្មែរ", "km": "ខ្មែរ"},
    # pages
    "overview.title": {"en": "National overview", "km": "ទិដ្ឋភាពទូទៅថ្នាក់ជាតិ"},
    "overview.empty": {
        "en": "No data has been loaded yet.",
        "km": "មិនទាន់មានទិន្នន័យត្រូវបានបញ្ចូលនៅឡើយទេ។",
    },
    "notfound.title": {"en": "Page not found", "km": "រកមិនឃើញទំព័រ"},
    "notfound.body": {
        "en": "There is no page at this address.",
        "km": "គ្មានទំព័រនៅអាសយដ្ឋាននេះទេ។",
    },
    "notfound.home": {"en": "Back to the overview", "km": "ត្រឡប់ទៅទិដ្ឋភាពទូទៅ"},
    "forbidden.title": {"en": "Not permitted", "km": "មិនមានសិទ្ធិ"},
    "forbidden.body": {
        "en": "Your role does not allow you to open this page.",
        "km": "តួនាទីរបស់អ្នកមិនអនុញ្ញាតឱ្យបើកទំព័រនេះទេ។",
    },
    "error.unavailable": {
        "en": "Data is temporarily unavailable. Please try again in a moment.",
        "km": "ទិន្នន័យមិនអាចប្រើបានបណ្តោះអាសន្ន។ សូមព្យាយាមម្តងទៀតបន្តិចទៀត។",
    },
    # users page (administrators)
    "users.title": {"en": "Users", "km": "អ្នកប្រើប្រាស់"},
    "users.create": {"en": "Create a user", "km": "បង្កើតអ្នកប្រើថ្មី"},
    "users.full_name": {"en": "Full name", "km": "ឈ្មោះពេញ"},
    "users.role": {"en": "Role", "km": "តួនាទី"},
    "users.province": {"en": "Province", "km": "រាជធានី-ខេត្ត"},
    "users.active": {"en": "Active", "km": "សកម្ម"},
    "users.created": {"en": "Created", "km": "បង្កើតនៅ"},
    "users.language": {"en": "Language", "km": "ភាសា"},
    "users.disable": {"en": "Disable", "km": "បិទ"},
    "users.enable": {"en": "Enable", "km": "បើក"},
    "users.selected": {"en": "Selected user", "km": "អ្នកប្រើដែលបានជ្រើស"},
    "users.select_first": {"en": "Select a user in the table first.", "km": "សូមជ្រើសអ្នកប្រើក្នុងតារាងជាមុនសិន។"},
    "users.created_ok": {"en": "User {name} created.", "km": "បានបង្កើតអ្នកប្រើ {name}។"},
    "users.changed_ok": {"en": "User {name}: {state}.", "km": "អ្នកប្រើ {name}៖ {state}។"},
    "users.not_self": {"en": "You cannot disable your own account.", "km": "អ្នកមិនអាចបិទគណនីផ្ទាល់ខ្លួនបានទេ។"},
    "yes": {"en": "yes", "km": "បាទ/ចាស"},
    "no": {"en": "no", "km": "ទេ"},
}
