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
        "en": "Too many failed sign-ins. Please wait {seconds} seconds and try again.",
        "km": "ការចូលមិនជោគជ័យច្រើនដងពេក។ សូមរង់ចាំ {seconds} វិនាទី រួចព្យាយាមម្តងទៀត។",
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
    "error.unexpected": {
        "en": "Something went wrong on the server; it has been logged as incident {incident}. Please try "
              "again, and give the administrator that number if it happens again.",
        "km": "មានបញ្ហាកើតឡើងនៅលើម៉ាស៊ីនមេ ហើយត្រូវបានកត់ត្រាទុកជាឧប្បត្តិហេតុ {incident}។ សូមព្យាយាមម្តងទៀត "
              "ហើយផ្ដល់លេខនោះដល់អ្នកគ្រប់គ្រង ប្រសិនបើវាកើតឡើងម្តងទៀត។",
    },
    "error.reload": {"en": "Reload", "km": "ផ្ទុកឡើងវិញ"},
    # users page (administrators)
    "users.title": {"en": "Users", "km": "អ្នកប្រើប្រាស់"},
    "users.create": {"en": "Create a user", "km": "បង្កើតអ្នកប្រើថ្មី"},
    "users.full_name": {"en": "Full name", "km": "ឈ្មោះពេញ"},
    "users.role": {"en": "Role", "km": "តួនាទី"},
    "users.province": {"en": "Province", "km": "រាជធានី-ខេត្ត"},
    "users.active": {"en": "Active", "km": "សកម្ម"},
    "users.created": {"en": "Created", "km": "បង្កើតនៅ"},
    "programmes.level": {"en": "Level", "km": "កម្រិត"},
    "scorecard.code": {"en": "Indicator code", "km": "លេខកូដសូចនាករ"},
    "data.job_died": {
        "en": "The load stopped before it finished: its process ended, as it does when a workbook needs more "
              "memory than a load may use{limit}. The file being loaded changed nothing; the load history "
              "shows the files that were loaded.",
        "km": "ការផ្ទុកបានឈប់មុនពេលបញ្ចប់៖ ដំណើរការរបស់វាបានបញ្ចប់ ដូចដែលកើតឡើងនៅពេលសៀវភៅបញ្ជីត្រូវការអង្គចងចាំ"
              "ច្រើនជាងការផ្ទុកមួយអាចប្រើបាន{limit}។ ឯកសារដែលកំពុងផ្ទុកមិនបានផ្លាស់ប្ដូរអ្វីទេ៖ "
              "ប្រវត្តិនៃការផ្ទុកបង្ហាញឯកសារដែលបានផ្ទុក។",
    },
    "metric.as_of": {"en": "Figures as of", "km": "តួលេខគិតត្រឹម"},
    "provinces.as_of_note": {
        "en": "{n} province(s) have not reported {period}: their figures are those of their latest report "
              "before it, as the column “Figures as of” says.",
        "km": "រាជធានី-ខេត្តចំនួន {n} មិនទាន់បានរាយការណ៍ {period}៖ តួលេខរបស់ពួកគេ គឺជាតួលេខនៃរបាយការណ៍ចុងក្រោយ"
              "មុននោះ ដូចដែលជួរឈរ «តួលេខគិតត្រឹម» បង្ហាញ។",
    },
    "scorecard.as_of_note": {
        "en": "The province has not reported every indicator for {period}: those are shown as of {as_of}, "
              "its latest report before it.",
        "km": "ខេត្តមិនទាន់បានរាយការណ៍គ្រប់សូចនាករសម្រាប់ {period} ទេ៖ សូចនាករទាំងនោះបង្ហាញគិតត្រឹម {as_of} "
              "ដែលជារបាយការណ៍ចុងក្រោយមុននោះ។",
    },
    "overview.withheld_chart": {"en": "Not shown for this period: see the note above.",
                                "km": "មិនបង្ហាញសម្រាប់រយៈពេលនេះទេ៖ សូមមើលកំណត់ចំណាំខាងលើ។"},
    "national.withheld": {
        "en": "National figures of {period} are not shown yet: not every province has reported this "
              "period, and comparing it with another period would reveal one province's figures. The "
              "latest period every province has reported is {latest}.",
        "km": "តួលេខថ្នាក់ជាតិនៃ {period} មិនទាន់បង្ហាញនៅឡើយទេ៖ មិនទាន់គ្រប់រាជធានី-ខេត្តទាំងអស់បានរាយការណ៍"
              "សម្រាប់រយៈពេលនេះទេ ហើយការប្រៀបធៀបជាមួយរយៈពេលផ្សេងទៀតនឹងបង្ហាញតួលេខរបស់ខេត្តមួយ។ "
              "រយៈពេលចុងក្រោយដែលគ្រប់រាជធានី-ខេត្តបានរាយការណ៍គឺ {latest}។",
    },
    "national.withheld_none": {
        "en": "National figures of {year} are not shown yet: no period of the year has been reported by "
              "every province.",
        "km": "តួលេខថ្នាក់ជាតិនៃ {year} មិនទាន់បង្ហាញនៅឡើយទេ៖ មិនទាន់មានរយៈពេលណាមួយនៃឆ្នាំនេះ "
              "ដែលគ្រប់រាជធានី-ខេត្តទាំងអស់បានរាយការណ៍។",
    },
    "scorecard.national_mean_withheld": {
        "en": "national mean shown once every province has reported this period",
        "km": "មធ្យមភាគថ្នាក់ជាតិនឹងបង្ហាញ នៅពេលគ្រប់រាជធានី-ខេត្តបានរាយការណ៍សម្រាប់រយៈពេលនេះ",
    },
    "users.created_by": {"en": "Created by", "km": "បង្កើតដោយ"},
    "users.own_password": {"en": "Your own password", "km": "ពាក្យសម្ងាត់ផ្ទាល់ខ្លួនរបស់អ្នក"},
    "users.own_password_why": {
        "en": "Creating an account that reads figures, or changing any account's role, needs your own "
              "password again. Every such change is recorded with your name.",
        "km": "ការបង្កើតគណនីដែលអានតួលេខ ឬការប្ដូរតួនាទីរបស់គណនីណាមួយ ត្រូវការពាក្យសម្ងាត់ផ្ទាល់ខ្លួនរបស់អ្នកម្ដងទៀត។ "
              "រាល់ការផ្លាស់ប្ដូរបែបនេះត្រូវបានកត់ត្រាជាមួយឈ្មោះរបស់អ្នក។",
    },
    "users.reauth_missing": {
        "en": "Enter your own password to confirm this change.",
        "km": "សូមបញ្ចូលពាក្យសម្ងាត់ផ្ទាល់ខ្លួនរបស់អ្នក ដើម្បីបញ្ជាក់ការផ្លាស់ប្ដូរនេះ។",
    },
    "users.reauth_failed": {
        "en": "Your own password, given to confirm this change, is not correct.",
        "km": "ពាក្យសម្ងាត់ផ្ទាល់ខ្លួនរបស់អ្នក ដែលបានផ្ដល់ដើម្បីបញ្ជាក់ការផ្លាស់ប្ដូរនេះ មិនត្រឹមត្រូវទេ។",
    },
    "users.reauth_wait": {
        "en": "Too many wrong passwords; wait {seconds} seconds.",
        "km": "ពាក្យសម្ងាត់ខុសច្រើនដងពេក។ សូមរង់ចាំ {seconds} វិនាទី។",
    },
    "users.change_role": {"en": "Change the selected user's role", "km": "ប្ដូរតួនាទីរបស់អ្នកប្រើដែលបានជ្រើស"},
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
    # statuses (never shown by colour alone: icon + word)
    "status.on_track": {"en": "On track", "km": "តាមគោលដៅ"},
    "status.watch": {"en": "Watch", "km": "ត្រូវតាមដាន"},
    "status.off_track": {"en": "Off track", "km": "មិនតាមគោលដៅ"},
    "status.no_data": {"en": "No data", "km": "គ្មានទិន្នន័យ"},
    "trend.up": {"en": "Up since the previous period", "km": "កើនឡើងធៀបរយៈពេលមុន"},
    "trend.down": {"en": "Down since the previous period", "km": "ធ្លាក់ចុះធៀបរយៈពេលមុន"},
    "trend.same": {"en": "Unchanged since the previous period", "km": "មិនផ្លាស់ប្តូរធៀបរយៈពេលមុន"},
    # filters and KPIs
    "filter.year": {"en": "Year", "km": "ឆ្នាំ"},
    "filter.period": {"en": "Period", "km": "រយៈពេល"},
    "filter.latest": {"en": "Latest loaded", "km": "ចុងក្រោយបង្អស់"},
    "filter.metric": {"en": "Map shows", "km": "ផែនទីបង្ហាញ"},
    "kpi.revised": {"en": "Revised budget {year}", "km": "ថវិកាកែសម្រួល {year}"},
    "kpi.paid": {"en": "Paid year to date", "km": "បានទូទាត់គិតពីដើមឆ្នាំ"},
    "kpi.paid_sub": {"en": "{rate} of revised; expected {expected}", "km": "{rate} នៃថវិកាកែសម្រួល; រំពឹង {expected}"},
    "kpi.gap": {"en": "Execution gap", "km": "គម្លាតអនុវត្ត"},
    "kpi.gap_sub": {"en": "against the pro-rata benchmark", "km": "ធៀបនឹងគោលធៀបតាមសមាមាត្រ"},
    "kpi.on_track": {"en": "Indicators on track", "km": "សូចនាករតាមគោលដៅ"},
    "kpi.on_track_sub": {"en": "{n} of {total} with data", "km": "{n} ក្នុងចំណោម {total} ដែលមានទិន្នន័យ"},
    "kpi.completeness": {"en": "Data completeness", "km": "ភាពពេញលេញនៃទិន្នន័យ"},
    "kpi.completeness_sub": {"en": "execution reports received", "km": "របាយការណ៍អនុវត្តដែលបានទទួល"},
    "metric.execution_rate": {"en": "Execution rate", "km": "អត្រាអនុវត្តថវិកា"},
    "metric.score": {"en": "Score", "km": "ពិន្ទុ"},
    "metric.rank": {"en": "Rank", "km": "ចំណាត់ថ្នាក់"},
    "metric.completeness": {"en": "Completeness", "km": "ភាពពេញលេញ"},
    "metric.unit_cost": {"en": "Unit cost (KHR per beneficiary)", "km": "ថ្លៃឯកតា (រៀលក្នុងម្នាក់)"},
    "metric.province": {"en": "Province", "km": "រាជធានី-ខេត្ត"},
    "metric.code": {"en": "Code", "km": "កូដ"},
    "metric.revised": {"en": "Revised", "km": "ថវិកាកែសម្រួល"},
    "metric.paid": {"en": "Paid", "km": "បានទូទាត់"},
    "metric.expected": {"en": "Expected by now", "km": "រំពឹងទុកដល់ពេលនេះ"},
    "chart.budget_by_programme": {"en": "Budget and execution by programme", "km": "ថវិកា និងការអនុវត្តតាមកម្មវិធី"},
    "chart.status_summary": {"en": "Indicator status", "km": "ស្ថានភាពសូចនាករ"},
    "chart.indicators": {"en": "Indicators", "km": "សូចនាករ"},
    "chart.amount_khr": {"en": "Riels", "km": "រៀល"},
    "chart.tile_map": {"en": "Provinces", "km": "រាជធានី-ខេត្ត"},
    "chart.quadrant": {"en": "Budget and performance", "km": "ថវិកា និងសមិទ្ធកម្ម"},
    "chart.mean_achievement": {"en": "Mean achievement", "km": "សមិទ្ធផលមធ្យម"},
    "quadrant.spending_delivering": {"en": "Spending and delivering", "km": "ចំណាយ និងផ្តល់លទ្ធផល"},
    "quadrant.spending_not_delivering": {"en": "Spending, not delivering", "km": "ចំណាយ តែមិនផ្តល់លទ្ធផល"},
    "quadrant.not_spending_delivering": {"en": "Delivering, not spending", "km": "ផ្តល់លទ្ធផល តែមិនចំណាយ"},
    "quadrant.not_spending_not_delivering": {"en": "Neither spending nor delivering", "km": "មិនចំណាយ មិនផ្តល់លទ្ធផល"},
    "quadrant.no_data": {"en": "No data", "km": "គ្មានទិន្នន័យ"},
    "map.hidden": {"en": "not shown", "km": "មិនបង្ហាញ"},
    "map.your_province": {"en": "your province", "km": "ខេត្តរបស់អ្នក"},
    "export.excel": {"en": "Download Excel", "km": "ទាញយក Excel"},
    "export.csv": {"en": "Download CSV", "km": "ទាញយក CSV"},
    "scorecard.indicator": {"en": "Indicator", "km": "សូចនាករ"},
    "scorecard.baseline": {"en": "Baseline", "km": "មូលដ្ឋាន"},
    "scorecard.target": {"en": "Target", "km": "គោលដៅ"},
    "scorecard.actual": {"en": "Actual", "km": "លទ្ធផលជាក់ស្តែង"},
    "scorecard.achievement": {"en": "Achievement", "km": "សមិទ្ធផល"},
    "scorecard.status": {"en": "Status", "km": "ស្ថានភាព"},
    "scorecard.trend": {"en": "Trend", "km": "និន្នាការ"},
    "scorecard.national_mean": {"en": "national mean {mean}", "km": "មធ្យមភាគជាតិ {mean}"},
    "data.upload": {"en": "Upload workbooks", "km": "ផ្ទុកឯកសារ Excel"},
    "data.drop": {"en": "Drag workbooks (.xlsx or .csv) here, or ", "km": "អូសឯកសារ (.xlsx ឬ .csv) មកទីនេះ ឬ "},
    "data.choose": {"en": "choose files", "km": "ជ្រើសឯកសារ"},
    "data.report": {"en": "Validation report", "km": "របាយការណ៍ត្រួតពិនិត្យ"},
    "data.templates": {"en": "Templates", "km": "គំរូឯកសារ"},
    "data.template.execution": {"en": "Execution template", "km": "គំរូការអនុវត្តថវិកា"},
    "data.template.indicators": {"en": "Indicators template", "km": "គំរូសូចនាករ"},
    "data.template.reference": {"en": "Reference template", "km": "គំរូទិន្នន័យយោង"},
    "data.history": {"en": "Load history", "km": "ប្រវត្តិការបញ្ចូល"},
    "data.col.file": {"en": "File", "km": "ឯកសារ"},
    "data.col.sheet": {"en": "Sheet", "km": "សន្លឹក"},
    "data.col.row": {"en": "Row", "km": "ជួរដេក"},
    "data.col.column": {"en": "Column", "km": "ជួរឈរ"},
    "data.col.value": {"en": "Value found", "km": "តម្លៃដែលរកឃើញ"},
    "data.col.expected": {"en": "Expected", "km": "តម្លៃរំពឹងទុក"},
    "data.col.message": {"en": "Message", "km": "សារ"},
    "data.col.severity": {"en": "Severity", "km": "កម្រិត"},
    "data.hist.id": {"en": "Batch", "km": "បាច់"},
    "data.hist.loaded_at": {"en": "When", "km": "ពេលវេលា"},
    "data.hist.loaded_by": {"en": "Who", "km": "អ្នកបញ្ចូល"},
    "data.hist.file_name": {"en": "File", "km": "ឯកសារ"},
    "data.hist.checksum": {"en": "Checksum", "km": "ផលបូកត្រួតពិនិត្យ"},
    "data.hist.kind": {"en": "Kind", "km": "ប្រភេទ"},
    "data.hist.scope": {"en": "Scope", "km": "វិសាលភាព"},
    "data.hist.rows": {"en": "Rows", "km": "ជួរ"},
    "data.hist.status": {"en": "Status", "km": "ស្ថានភាព"},
    "data.hist.superseded_by": {"en": "Replaced by", "km": "ជំនួសដោយ"},
    "data.hist.partly_replaced_by": {"en": "Partly replaced by", "km": "ជំនួសមួយផ្នែកដោយ"},
    "data.dry_run": {"en": "Check only: load nothing, and list what a load would replace",
                     "km": "ពិនិត្យតែប៉ុណ្ណោះ៖ មិនផ្ទុកអ្វីទេ ហើយបង្ហាញអ្វីដែលការផ្ទុកនឹងជំនួស"},
    "data.confirm_why": {
        "en": "A file above would take away more than half of what is loaded for an entity and period. "
              "If its figures are meant to replace the earlier ones, confirm:",
        "km": "ឯកសារខាងលើនឹងដកចេញច្រើនជាងពាក់កណ្តាលនៃអ្វីដែលបានផ្ទុកសម្រាប់អង្គភាព និងរយៈពេលមួយ។ "
              "ប្រសិនបើតួលេខរបស់វាត្រូវជំនួសតួលេខមុន សូមបញ្ជាក់៖",
    },
    "data.kind.execution": {"en": "execution", "km": "ការអនុវត្តថវិកា"},
    "data.kind.indicators": {"en": "indicator", "km": "សូចនាករ"},
    "data.kind.reference": {"en": "reference", "km": "ទិន្នន័យយោង"},
    "data.summary.loaded": {
        "en": "{file}: loaded — {rows} {kind} row(s) as batch {batch}; {warnings} warning(s)",
        "km": "{file}៖ បានផ្ទុក — {rows} ជួរ{kind} ជាបាច់ {batch}; ការព្រមាន {warnings}",
    },
    "data.summary.valid": {
        "en": "{file}: checked, nothing loaded — a valid {kind} file of {rows} row(s); {warnings} warning(s)",
        "km": "{file}៖ បានពិនិត្យ មិនបានផ្ទុកអ្វីទេ — ឯកសារ{kind}ត្រឹមត្រូវ {rows} ជួរ; ការព្រមាន {warnings}",
    },
    "data.summary.duplicate": {
        "en": "{file}: already loaded as batch {batch} (the same file); nothing changed",
        "km": "{file}៖ បានផ្ទុករួចហើយជាបាច់ {batch} (ឯកសារដដែល); គ្មានអ្វីផ្លាស់ប្ដូរទេ",
    },
    "data.summary.rejected": {
        "en": "{file}: not loaded — {errors} problem(s) to correct, listed below; nothing changed",
        "km": "{file}៖ មិនបានផ្ទុកទេ — មានបញ្ហា {errors} ដែលត្រូវកែ ដូចបានរាយខាងក្រោម; គ្មានអ្វីផ្លាស់ប្ដូរទេ",
    },
    "data.load_now": {"en": "Load these files", "km": "ផ្ទុកឯកសារទាំងនេះ"},
    "data.confirm": {"en": "Replace and load", "km": "ជំនួស និងផ្ទុក"},
    # One line per (entity, period) a file replaces; {verb} is data.verb.replaced or .would_replace.
    "data.replacement": {
        "en": "{verb} {entity}, {period}: {rows_before} rows → {rows_after}; revised {revised_before} → "
              "{revised_after}; paid {paid_before} → {paid_after}",
        "km": "{verb} {entity}, {period}៖ {rows_before} ជួរ → {rows_after}; ឥណទានកែសម្រួល {revised_before} → "
              "{revised_after}; ការទូទាត់ {paid_before} → {paid_after}",
    },
    "data.replacement_indicators": {
        "en": "{verb} {entity}, {period}: {rows_before} indicator rows → {rows_after}",
        "km": "{verb} {entity}, {period}៖ {rows_before} ជួរសូចនាករ → {rows_after}",
    },
    "data.verb.replaced": {"en": "replaced", "km": "បានជំនួស"},
    "data.verb.would_replace": {"en": "would replace", "km": "នឹងជំនួស"},
    "data.hist.problems": {"en": "Problems", "km": "បញ្ហា"},
    # The load history's machine words, shown in the user's language (English: the words themselves).
    "data.status.loaded": {"en": "loaded", "km": "បានផ្ទុក"},
    "data.status.rejected": {"en": "rejected", "km": "ត្រូវបានបដិសេធ"},
    "data.status.superseded": {"en": "superseded", "km": "ត្រូវបានជំនួស"},
    "data.status.duplicate": {"en": "duplicate", "km": "ស្ទួន"},
    "data.batch_kind.execution": {"en": "execution", "km": "ការអនុវត្តថវិកា"},
    "data.batch_kind.indicators": {"en": "indicators", "km": "សូចនាករ"},
    "data.batch_kind.reference": {"en": "reference", "km": "ទិន្នន័យយោង"},
    "data.batch_kind.unknown": {"en": "unknown", "km": "មិនស្គាល់"},
    # What a load is doing, beside its progress bar (etl.load reports the English words).
    "data.progress.waiting": {"en": "waiting for another load to finish", "km": "កំពុងរង់ចាំការផ្ទុកមួយទៀតបញ្ចប់"},
    "data.progress.checking": {"en": "checking", "km": "កំពុងពិនិត្យ"},
    "data.progress.reading": {"en": "reading", "km": "កំពុងអាន"},
    "data.progress.validated": {"en": "validated", "km": "បានត្រួតពិនិត្យ"},
    "data.progress.writing": {"en": "writing", "km": "កំពុងសរសេរ"},
    "data.progress.refreshing_marts": {"en": "refreshing marts", "km": "កំពុងធ្វើបច្ចុប្បន្នភាពតារាងសរុប"},
    "data.progress.loaded": {"en": "loaded", "km": "បានផ្ទុក"},
    "programmes.node": {"en": "Programme, sub-programme, cluster, activity", "km": "កម្មវិធី អនុកម្មវិធី ចង្កោម សកម្មភាព"},
    "scorecard.sources": {"en": "Sources", "km": "ប្រភព"},
    "scorecard.show_sources": {"en": "sources", "km": "ប្រភព"},
    "scorecard.sources_of": {"en": "Where {indicator} comes from", "km": "ប្រភពនៃ {indicator}"},
    "scorecard.source_line": {"en": "{file}, sheet {sheet}: {count} row(s) ({rows}); "
                                    "batch {batch}, loaded {when} by {who}",
                              "km": "{file} សន្លឹក {sheet}៖ {count} ជួរ ({rows}); បាច់ {batch} បញ្ចូលនៅ {when} ដោយ {who}"},
    "sheet.print": {"en": "Print this sheet", "km": "បោះពុម្ពសន្លឹកនេះ"},
    "sheet.period": {"en": "Fiscal year {year}, up to {period}", "km": "ឆ្នាំសារពើពន្ធ {year} ដល់ {period}"},
    "sheet.bad_period": {"en": "The period must be written YYYY-MM and fall in the year asked for.",
                         "km": "កំឡុងពេលត្រូវសរសេរជា YYYY-MM ហើយស្ថិតក្នុងឆ្នាំដែលបានស្នើ។"},
    "sheet.bad_year": {"en": "No data is loaded for that year.", "km": "មិនមានទិន្នន័យបានបញ្ចូលសម្រាប់ឆ្នាំនោះទេ។"},
    "sheet.open": {"en": "A4 sheet (English and Khmer)", "km": "សន្លឹក A4 (អង់គ្លេស និងខ្មែរ)"},
    "sheet.pdf": {"en": "PDF", "km": "PDF"},
    "sheet.no_pdf": {"en": "This server cannot make PDFs (its Pango library is missing). Open the A4 sheet "
                           "and print it, or save it as PDF from the browser.",
                     "km": "ម៉ាស៊ីនមេនេះមិនអាចបង្កើត PDF បានទេ (ខ្វះបណ្ណាល័យ Pango)។ សូមបើកសន្លឹក A4 "
                           "ហើយបោះពុម្ព ឬរក្សាទុកជា PDF ពីកម្មវិធីរុករក។"},
    "programmes.folded": {"en": "{n} activities are folded: click a cluster's name (▸) to show its activities.",
                          "km": "សកម្មភាព {n} ត្រូវបានបត់ទុក៖ ចុចឈ្មោះចង្កោម (▸) ដើម្បីបង្ហាញសកម្មភាពរបស់វា។"},
    "programmes.sources_hint": {"en": "Click “sources” on a row to see the files and rows its figures come from.",
                                "km": "ចុច «ប្រភព» លើជួរដេកណាមួយ ដើម្បីមើលឯកសារ និងជួរដេកដែលតួលេខរបស់វាមកពី។"},
    "scorecard.spark": {"en": "Achievement over the year", "km": "សមិទ្ធផលពេញមួយឆ្នាំ"},
    "scorecard.drilldown": {"en": "Districts and communes", "km": "ស្រុក-ខណ្ឌ និងឃុំ-សង្កាត់"},
    "scorecard.unit": {"en": "District or commune", "km": "ស្រុក ឬឃុំ"},
}
