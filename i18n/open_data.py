"""Labels of the open data pages (/open), English and Khmer; merged into ``i18n.MESSAGES``.

Kept apart from ``messages.py`` so that the public pages' words can be read (and reviewed) as
one piece: everything here is shown to people who have not signed in.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "open.title": {"en": "Open budget and performance data", "km": "ទិន្នន័យបើកចំហ ថវិកា និងសមិទ្ធកម្ម"},
    "open.ministry": {"en": "Ministry of Social Affairs, Veterans and Youth Rehabilitation",
                      "km": "ក្រសួងសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា"},
    "open.intro": {
        "en": "Budget execution and programme indicators of the ministry, nationally and for each of the 25 "
              "capital and provinces, for the periods the ministry's budget unit has published. Figures are "
              "year to date.",
        "km": "ការអនុវត្តថវិកា និងសូចនាករកម្មវិធីរបស់ក្រសួង ថ្នាក់ជាតិ និងតាមរាជធានី-ខេត្តទាំង ២៥ "
              "សម្រាប់រយៈពេលដែលផ្នែកថវិការបស់ក្រសួងបានផ្សព្វផ្សាយ។ តួលេខគិតពីដើមឆ្នាំ។",
    },
    "open.language": {"en": "Language", "km": "ភាសា"},
    "open.period": {"en": "Period", "km": "រយៈពេល"},
    "open.province": {"en": "Indicators of", "km": "សូចនាកររបស់"},
    "open.show": {"en": "Show", "km": "បង្ហាញ"},
    "open.as_of": {"en": "Figures of {period}, year to date. Published on {date}.",
                   "km": "តួលេខនៃ {period} គិតពីដើមឆ្នាំ។ បានផ្សព្វផ្សាយនៅ {date}។"},
    "open.none": {"en": "Nothing has been published yet. Published periods will appear here.",
                  "km": "មិនទាន់មានអ្វីត្រូវបានផ្សព្វផ្សាយនៅឡើយទេ។ រយៈពេលដែលបានផ្សព្វផ្សាយ នឹងបង្ហាញនៅទីនេះ។"},
    "open.not_published": {"en": "This period is not published.", "km": "រយៈពេលនេះមិនទាន់បានផ្សព្វផ្សាយទេ។"},
    "open.not_found": {"en": "There is no such page.", "km": "គ្មានទំព័រនេះទេ។"},
    "open.bad_request": {"en": "This address asks for something the page does not know ({detail}).",
                         "km": "អាសយដ្ឋាននេះស្នើអ្វីដែលទំព័រមិនស្គាល់ ({detail})។"},
    "open.back": {"en": "See the latest published period", "km": "មើលរយៈពេលដែលបានផ្សព្វផ្សាយចុងក្រោយ"},
    "open.too_many": {"en": "Too many requests from your address. Please try again in {seconds} seconds.",
                      "km": "សំណើច្រើនពេកពីអាសយដ្ឋានរបស់អ្នក។ សូមព្យាយាមម្តងទៀតក្នុងរយៈពេល {seconds} វិនាទី។"},
    "open.method": {"en": "This address is read with GET only.", "km": "អាសយដ្ឋាននេះអានបានតែដោយ GET ប៉ុណ្ណោះ។"},
    "open.national": {"en": "National", "km": "ថ្នាក់ជាតិ"},
    "open.national_total": {"en": "National total", "km": "សរុបថ្នាក់ជាតិ"},
    "open.revised": {"en": "Revised budget", "km": "ឥណទានកែសម្រួល"},
    "open.paid": {"en": "Paid", "km": "បានទូទាត់"},
    "open.billions": {"en": "KHR bn", "km": "ពាន់លានរៀល"},
    "open.rate": {"en": "Execution rate", "km": "អត្រាអនុវត្តថវិកា"},
    "open.entity": {"en": "Entity", "km": "អង្គភាព"},
    "open.budget_heading": {"en": "Budget by entity", "km": "ថវិកាតាមអង្គភាព"},
    "open.map_heading": {"en": "Execution rate by province", "km": "អត្រាអនុវត្តថវិកាតាមរាជធានី-ខេត្ត"},
    "open.map_note": {
        "en": "Each tile is a province, placed roughly where it lies; its execution rate is written in it. "
              "Choose a tile to see the province's indicators.",
        "km": "ក្រឡានីមួយៗ គឺជារាជធានី-ខេត្តមួយ ដាក់តាមទីតាំងប្រហាក់ប្រហែល ហើយអត្រាអនុវត្តថវិការបស់វាសរសេរនៅក្នុងក្រឡា។ "
              "ជ្រើសក្រឡាមួយ ដើម្បីមើលសូចនាកររបស់រាជធានី-ខេត្តនោះ។",
    },
    "open.no_data": {"en": "No data", "km": "គ្មានទិន្នន័យ"},
    "open.indicators_heading": {"en": "Programme indicators: {where}", "km": "សូចនាករកម្មវិធី៖ {where}"},
    "open.indicator": {"en": "Indicator", "km": "សូចនាករ"},
    "open.target": {"en": "Target", "km": "គោលដៅ"},
    "open.actual": {"en": "Actual", "km": "លទ្ធផលជាក់ស្តែង"},
    "open.achievement": {"en": "Achievement", "km": "សមិទ្ធផល"},
    "open.status": {"en": "Status", "km": "ស្ថានភាព"},
    "open.on_track_count": {"en": "{n} of {total} indicators on track",
                            "km": "សូចនាករ {n} ក្នុងចំណោម {total} តាមគោលដៅ"},
    "open.as_of_row": {"en": "as of {period}", "km": "គិតត្រឹម {period}"},
    "open.downloads": {"en": "Download the data", "km": "ទាញយកទិន្នន័យ"},
    "open.csv_budget": {"en": "Budget by entity (CSV)", "km": "ថវិកាតាមអង្គភាព (CSV)"},
    "open.csv_indicators": {"en": "Indicators, national and by province (CSV)",
                            "km": "សូចនាករ ថ្នាក់ជាតិ និងតាមរាជធានី-ខេត្ត (CSV)"},
    "open.json": {"en": "The same tables as JSON", "km": "តារាងដដែលជា JSON"},
    "open.json_budget": {"en": "budget", "km": "ថវិកា"},
    "open.json_indicators": {"en": "indicators", "km": "សូចនាករ"},
    "open.datapackage": {"en": "Data package describing the tables (Frictionless)",
                         "km": "កញ្ចប់ទិន្នន័យ ដែលពិពណ៌នាតារាង (Frictionless)"},
    "open.licence": {"en": "Licence: {licence}. Source: {source}.", "km": "អាជ្ញាប័ណ្ណ៖ {licence}។ ប្រភព៖ {source}។"},
    "open.source": {"en": "MoSVY budget execution and programme indicator reports",
                    "km": "របាយការណ៍អនុវត្តថវិកា និងរបាយការណ៍សូចនាករកម្មវិធី របស់ក្រសួងសង្គមកិច្ច"},
    "open.about": {"en": "How to read these figures", "km": "របៀបអានតួលេខទាំងនេះ"},
    "open.period_month": {"en": "{month} {year}", "km": "ខែ{month} ឆ្នាំ{year}"},
    "open.quarter": {"en": "(Q{n})", "km": "(ត្រីមាសទី{n})"},
    "open.month.1": {"en": "January", "km": "មករា"},
    "open.month.2": {"en": "February", "km": "កុម្ភៈ"},
    "open.month.3": {"en": "March", "km": "មីនា"},
    "open.month.4": {"en": "April", "km": "មេសា"},
    "open.month.5": {"en": "May", "km": "ឧសភា"},
    "open.month.6": {"en": "June", "km": "មិថុនា"},
    "open.month.7": {"en": "July", "km": "កក្កដា"},
    "open.month.8": {"en": "August", "km": "សីហា"},
    "open.month.9": {"en": "September", "km": "កញ្ញា"},
    "open.month.10": {"en": "October", "km": "តុលា"},
    "open.month.11": {"en": "November", "km": "វិច្ឆិកា"},
    "open.month.12": {"en": "December", "km": "ធ្នូ"},
}
