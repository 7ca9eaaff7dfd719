"""The methodology in words, English and Khmer, kept beside the formulas it describes.

Every threshold in the text is formatted from the constant that the formulas use, so the words
cannot drift from the computation. The methodology page renders :data:`ENTRIES` in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators._text import khmer_digits, percent
from indicators.achievement import ACHIEVEMENT_CAP, DEFAULT_ON_TRACK, DEFAULT_WATCH, STATUS_ICONS
from indicators.aggregation import RATIO_SCALE
from indicators.budget import expected_execution
from indicators.completeness import LOW_COMPLETENESS
from indicators.costing import ILO_EXAMPLE, SENSITIVITY, ilo_example
from indicators.quadrant import SPENDING_PACE
from indicators.submission import FLAG_ICON, THRESHOLDS


@dataclass(frozen=True)
class Entry:
    """One formula or rule: a title and a paragraph in each language, and the formula itself."""

    key: str
    title_en: str
    title_km: str
    body_en: str
    body_km: str
    formula: str

    def title(self, lang: str) -> str:
        """The title in ``lang`` (``km`` for Khmer, anything else English)."""
        return self.title_km if lang == "km" else self.title_en

    def body(self, lang: str) -> str:
        """The paragraph in ``lang`` (``km`` for Khmer, anything else English)."""
        return self.body_km if lang == "km" else self.body_en


# The same figures, written for each language.
ON, WATCH, CAP = percent(DEFAULT_ON_TRACK), percent(DEFAULT_WATCH), percent(ACHIEVEMENT_CAP)
PACE, LOW, JUNE = percent(SPENDING_PACE), percent(LOW_COMPLETENESS), percent(expected_execution(6))
ON_KM, WATCH_KM, CAP_KM, PACE_KM, LOW_KM, JUNE_KM = (khmer_digits(v) for v in (ON, WATCH, CAP, PACE, LOW, JUNE))
UNDER, GAP = percent(THRESHOLDS["underspending_share"]), percent(THRESHOLDS["unit_cost_gap"])
MIN_CHARS = f"{THRESHOLDS['justification_min_chars']:g}"
UNDER_KM, GAP_KM, MIN_CHARS_KM = (khmer_digits(v) for v in (UNDER, GAP, MIN_CHARS))
SCALE = f"{RATIO_SCALE:g}"
ILO_PEOPLE, ILO_COST = ilo_example()
ILO = {"eligible": f"{ILO_EXAMPLE['eligible']:,}", "take_up": percent(ILO_EXAMPLE["take_up"]),
       "amount": f"{ILO_EXAMPLE['amount']:,}", "payments": f"{ILO_EXAMPLE['payments_per_year']:g}",
       "admin": percent(ILO_EXAMPLE["admin_rate"]), "people": f"{ILO_PEOPLE:,.0f}", "cost": f"{ILO_COST:,.0f}",
       "band": percent(SENSITIVITY)}
ILO_KM = {k: khmer_digits(v) for k, v in ILO.items()}
ICON = STATUS_ICONS

ENTRIES: tuple[Entry, ...] = (
    Entry(
        "execution_rate", "Execution rate", "អត្រាអនុវត្តថវិកា",
        "The share of the revised allocation (the budget law allocation after transfers) that has "
        "been paid since the start of the year. A budget line without a revised allocation (zero "
        "or blank) has no rate, rather than an infinite one.",
        "ចំណែកនៃឥណទានកែសម្រួល (ឥណទានតាមច្បាប់ថវិកា ក្រោយការផ្ទេរឥណទាន) ដែលបានទូទាត់រួច "
        "ចាប់ពីដើមឆ្នាំមក។ ខ្ទង់ថវិកាដែលគ្មានឥណទានកែសម្រួល (សូន្យ ឬទទេ) គ្មានអត្រាទេ "
        "ជាជាងមានអត្រាគ្មានកំណត់។",
        "execution rate = paid ÷ revised (year to date)",
    ),
    Entry(
        "commitment_rate", "Commitment rate", "អត្រាធានាចំណាយ",
        "The share of the revised allocation committed since the start of the year. It runs ahead "
        "of the execution rate: what is committed today is paid later.",
        "ចំណែកនៃឥណទានកែសម្រួល ដែលបានធានាចំណាយ ចាប់ពីដើមឆ្នាំមក។ អត្រានេះតែងនាំមុខអត្រាអនុវត្តថវិកា "
        "ព្រោះអ្វីដែលបានធានាចំណាយថ្ងៃនេះ នឹងត្រូវទូទាត់នៅពេលក្រោយ។",
        "commitment rate = committed ÷ revised (year to date)",
    ),
    Entry(
        "expected_execution", "Pro-rata benchmark and execution gap", "គោលធៀបតាមពេលវេលា និងគម្លាតអនុវត្ត",
        f"By the end of month m, m twelfths of the year's budget are expected to be paid (by the end "
        f"of June, {JUNE}), unless a monthly phasing profile is given: then it is the profile's "
        "cumulative share up to month m. The execution gap is the execution rate less this "
        "expectation; a negative gap means spending is behind the calendar.",
        f"នៅចុងខែទី m គេរំពឹងថាបានទូទាត់ m ភាគ ១២ នៃថវិកាប្រចាំឆ្នាំ (ចុងខែមិថុនា {JUNE_KM}) "
        "លើកលែងតែមានផែនការបែងចែកប្រចាំខែ ដែលក្នុងករណីនោះ គេប្រើចំណែកបូកបន្តនៃផែនការរហូតដល់ខែទី m។ "
        "គម្លាតអនុវត្ត គឺអត្រាអនុវត្តថវិកាដកការរំពឹងទុកនេះ។ គម្លាតអវិជ្ជមាន មានន័យថាការចំណាយយឺតជាងប្រតិទិន។",
        "expected = m ÷ 12 (or cumulative phasing share); gap = execution rate − expected",
    ),
    Entry(
        "achievement", "Achievement", "សមិទ្ធផល",
        "How far an indicator has reached its target: actual ÷ target when higher is better, "
        "target ÷ actual when lower is better. A missing actual or target, or a zero to divide by, "
        f"gives no data rather than an infinite value. For the score it is capped at {CAP}, so "
        "that one over-achieved target cannot carry a province.",
        "កម្រិតដែលសូចនាករសម្រេចបានធៀបនឹងគោលដៅ៖ លទ្ធផលជាក់ស្តែង ÷ គោលដៅ សម្រាប់សូចនាករដែលកាន់តែខ្ពស់កាន់តែល្អ "
        "និង គោលដៅ ÷ លទ្ធផលជាក់ស្តែង សម្រាប់សូចនាករដែលកាន់តែទាបកាន់តែល្អ។ បើខ្វះលទ្ធផលជាក់ស្តែង ឬគោលដៅ "
        "ឬតួចែកស្មើសូន្យ គឺ «គ្មានទិន្នន័យ» មិនមែនតម្លៃគ្មានកំណត់ទេ។ សម្រាប់ពិន្ទុ សមិទ្ធផលត្រូវកំណត់ត្រឹម "
        f"{CAP_KM} ដើម្បីកុំឱ្យគោលដៅតែមួយដែលសម្រេចលើសខ្លាំង លើកពិន្ទុខេត្តទាំងមូល។",
        f"achievement = actual ÷ target (increase) or target ÷ actual (decrease); capped at {CAP} for the score",
    ),
    Entry(
        "status", "Status", "ស្ថានភាព",
        f"On track ({ICON['on_track']}) when achievement is at least {ON}, watch ({ICON['watch']}) "
        f"when at least {WATCH}, off track ({ICON['off_track']}) below that, and no data "
        f"({ICON['no_data']}) when there is no achievement. An indicator may carry its own "
        "thresholds in the catalogue. Each status is shown with an icon and a word, never by "
        "colour alone.",
        f"«តាមគោលដៅ» ({ICON['on_track']}) នៅពេលសមិទ្ធផលយ៉ាងតិច {ON_KM} «ត្រូវតាមដាន» ({ICON['watch']}) "
        f"នៅពេលយ៉ាងតិច {WATCH_KM} «មិនតាមគោលដៅ» ({ICON['off_track']}) នៅពេលទាបជាងនេះ និង «គ្មានទិន្នន័យ» "
        f"({ICON['no_data']}) នៅពេលគ្មានសមិទ្ធផល។ សូចនាករនីមួយៗអាចមានកម្រិតផ្ទាល់ខ្លួននៅក្នុងបញ្ជីសូចនាករ។ "
        "ស្ថានភាពនីមួយៗបង្ហាញដោយរូបសញ្ញា និងពាក្យ មិនមែនដោយពណ៌តែមួយមុខទេ។",
        f"on track ≥ {ON}; watch ≥ {WATCH}; off track < {WATCH}; no data when achievement is missing",
    ),
    Entry(
        "aggregation", "From communes to provinces", "ពីឃុំ-សង្កាត់ ទៅរាជធានី-ខេត្ត",
        "Values reported by communes or districts are rolled up to their province by each "
        "indicator's rule: a sum, a mean, a weighted mean, or the last value. A ratio indicator "
        "(such as a coverage rate) is computed from its numerator and denominator, each summed over "
        "the province first, never as an average of the communes' ratios, which would give a small "
        "commune the same say as a large one.",
        "តម្លៃដែលឃុំ-សង្កាត់ ឬស្រុក-ខណ្ឌរាយការណ៍ ត្រូវបូកសរុបឡើងទៅរាជធានី-ខេត្ត តាមវិធានរបស់សូចនាករនីមួយៗ៖ "
        "ផលបូក មធ្យមភាគ មធ្យមភាគភ្ជាប់ទម្ងន់ ឬតម្លៃចុងក្រោយ។ សូចនាករជាផលធៀប (ដូចជាអត្រាគ្របដណ្តប់) "
        "គណនាពីភាគយក និងភាគបែង ដែលបូកសរុបទូទាំងខេត្តជាមុន មិនមែនជាមធ្យមភាគនៃផលធៀបរបស់ឃុំ-សង្កាត់ទេ "
        "ព្រោះបែបនោះ ឃុំតូចនឹងមានទម្ងន់ស្មើឃុំធំ។",
        f"ratio = {SCALE} × Σ numerator ÷ Σ denominator; weighted mean = Σ wᵢxᵢ ÷ Σ wᵢ",
    ),
    Entry(
        "unit_cost", "Unit cost", "ថ្លៃឯកតា",
        "What one unit of output cost: the amount paid on the activities that produce an indicator, "
        "divided by its actual output (for example riels per beneficiary). Without output there is "
        "no unit cost.",
        "ថ្លៃនៃលទ្ធផលមួយឯកតា៖ ទឹកប្រាក់ដែលបានទូទាត់លើសកម្មភាពដែលបង្កើតសូចនាករ ចែកនឹងលទ្ធផលជាក់ស្តែងរបស់វា "
        "(ឧទាហរណ៍ រៀលក្នុងម្នាក់អ្នកទទួលផល)។ បើគ្មានលទ្ធផល ក៏គ្មានថ្លៃឯកតាដែរ។",
        "unit cost = paid on the indicator's activities ÷ actual output",
    ),
    Entry(
        "quadrant", "Budget–performance quadrant", "ក្រឡាបួន ថវិកា និងសមិទ្ធកម្ម",
        "Each programme or province is placed by its execution rate and its mean achievement. It is "
        f"spending when its execution rate is at least {PACE} of the pro-rata benchmark, and "
        f"delivering when its mean achievement is at least {ON}. The four quadrants are: spending "
        "and delivering; spending, not delivering; delivering without spending; neither.",
        "កម្មវិធី ឬខេត្តនីមួយៗ ត្រូវដាក់តាមអត្រាអនុវត្តថវិកា និងសមិទ្ធផលមធ្យម។ វា «កំពុងចំណាយ» "
        f"នៅពេលអត្រាអនុវត្តថវិកាយ៉ាងតិច {PACE_KM} នៃគោលធៀបតាមពេលវេលា និង «ផ្តល់លទ្ធផល» "
        f"នៅពេលសមិទ្ធផលមធ្យមយ៉ាងតិច {ON_KM}។ ក្រឡាទាំងបួនគឺ៖ ចំណាយ និងផ្តល់លទ្ធផល ចំណាយ តែមិនផ្តល់លទ្ធផល "
        "ផ្តល់លទ្ធផល ដោយមិនចំណាយ និងមិនចំណាយ ហើយមិនផ្តល់លទ្ធផល។",
        f"spending: execution rate ≥ {PACE} × expected; delivering: mean achievement ≥ {ON}",
    ),
    Entry(
        "score", "Province score and rank", "ពិន្ទុ និងចំណាត់ថ្នាក់ខេត្ត",
        f"The weighted mean of the province's achievements, each capped at {CAP}, over the "
        "indicators that have data, with the weights of the indicator catalogue; an indicator without "
        "data neither lowers nor raises it. Provinces are ranked from 1 (the highest score); equal "
        "scores share the better rank, and a province without a score is not ranked.",
        f"មធ្យមភាគភ្ជាប់ទម្ងន់នៃសមិទ្ធផលរបស់ខេត្ត (នីមួយៗកំណត់ត្រឹម {CAP_KM}) លើសូចនាករដែលមានទិន្នន័យ "
        "ដោយប្រើទម្ងន់ក្នុងបញ្ជីសូចនាករ។ សូចនាករដែលគ្មានទិន្នន័យ មិនបន្ថយ ឬបង្កើនពិន្ទុទេ។ "
        "ខេត្តត្រូវចាត់ថ្នាក់ចាប់ពីលេខ ១ (ពិន្ទុខ្ពស់បំផុត)។ ខេត្តដែលមានពិន្ទុស្មើគ្នា ទទួលចំណាត់ថ្នាក់ដូចគ្នា "
        "ហើយខេត្តដែលគ្មានពិន្ទុ មិនត្រូវចាត់ថ្នាក់ទេ។",
        f"score = Σ wᵢ·min(achievementᵢ, {ACHIEVEMENT_CAP:g}) ÷ Σ wᵢ over indicators with data; rank 1 = best",
    ),
    Entry(
        "completeness", "Data completeness", "ភាពពេញលេញនៃទិន្នន័យ",
        "Reports received divided by reports expected for the period, per province, at most 100 %. "
        f"A province below {LOW} is flagged, as its figures are partial.",
        "ចំនួនរបាយការណ៍ដែលបានទទួល ចែកនឹងចំនួនរបាយការណ៍ដែលរំពឹងទុកសម្រាប់រយៈពេលនោះ តាមខេត្តនីមួយៗ "
        f"យ៉ាងច្រើន ១០០ %។ ខេត្តដែលទាបជាង {LOW_KM} ត្រូវបានសម្គាល់ ព្រោះតួលេខរបស់ខេត្តមិនទាន់ពេញលេញ។",
        "completeness = min(received ÷ expected, 1)",
    ),
    Entry(
        "flags", "Flags on next year's budget request", "សញ្ញាព្រមានលើសំណើថវិកាឆ្នាំក្រោយ",
        f"A line of next year's request carries a flag ({FLAG_ICON} and its name) in five cases. "
        "(1) More while off track: it asks for more than the current year's revised budget while an "
        "indicator linked to its activity cluster is off track for its entity (its province, or "
        "national for central MoSVY) at the latest period. (2) More while underspending: it asks for "
        f"more while its execution rate is below {UNDER} of the pro-rata benchmark at the latest "
        f"period. (3) Unit cost gap: the implied unit cost is more than {GAP} away from the observed one, "
        "either way. The implied cost is the request of the unit's lines in the indicator's clusters "
        "divided by the target; the observed cost is what those clusters paid divided by the actual "
        "output, for the last full year, or the current year's paid to date scaled to twelve months. "
        "(4) Target below actual: a linked target asks for less than the latest actual (more, for an "
        "indicator that should decrease) while the request grows. (5) Incomplete reports: the line's "
        "province has not sent every budget and indicator report of the current year that others have "
        f"sent. A flagged line can be submitted only with a justification of at least {MIN_CHARS} "
        "characters, and a total above MEF's ceiling needs a justification of its own.",
        f"ខ្ទង់នៃសំណើថវិកាឆ្នាំក្រោយ មានសញ្ញាព្រមាន ({FLAG_ICON} និងឈ្មោះរបស់វា) ក្នុងករណីប្រាំ។ "
        "(១) ស្នើច្រើនជាង ខណៈមិនតាមគោលដៅ៖ ខ្ទង់ស្នើសុំលើសឥណទានកែសម្រួលនៃឆ្នាំបច្ចុប្បន្ន ខណៈសូចនាករដែលភ្ជាប់នឹងចង្កោមសកម្មភាពរបស់ខ្លួន "
        "មិនតាមគោលដៅសម្រាប់អង្គភាពរបស់ខ្លួន (ខេត្ត ឬថ្នាក់ជាតិសម្រាប់ក្រសួងថ្នាក់កណ្តាល) នៅរយៈពេលចុងក្រោយ។ "
        "(២) ស្នើច្រើនជាង ខណៈចំណាយតិច៖ ខ្ទង់ស្នើសុំច្រើនជាង ខណៈអត្រាអនុវត្តរបស់ខ្លួនទាបជាង "
        f"{UNDER_KM} នៃកម្រិតយោងតាមសមាមាត្រពេលវេលា។ (៣) គម្លាតថ្លៃឯកតា៖ ថ្លៃឯកតាដែលបង្កប់ក្នុងសំណើ "
        f"ខុសពីថ្លៃឯកតាដែលបានសង្កេតលើសពី {GAP_KM} ទាំងខាងលើ ឬខាងក្រោម។ ថ្លៃបង្កប់ គឺសំណើនៃខ្ទង់របស់អង្គភាព "
        "ក្នុងចង្កោមនៃសូចនាករ ចែកនឹងគោលដៅ ហើយថ្លៃដែលបានសង្កេត គឺការទូទាត់នៃចង្កោមទាំងនោះ ចែកនឹងលទ្ធផលជាក់ស្តែង "
        "សម្រាប់ឆ្នាំពេញចុងក្រោយ ឬការទូទាត់ដល់បច្ចុប្បន្ននៃឆ្នាំនេះ គណនាជាដប់ពីរខែ។ (៤) គោលដៅទាបជាងលទ្ធផលជាក់ស្តែង៖ "
        "គោលដៅដែលភ្ជាប់ ទាបជាងលទ្ធផលជាក់ស្តែងចុងក្រោយ (ខ្ពស់ជាង សម្រាប់សូចនាករដែលគួរថយចុះ) ខណៈសំណើកើនឡើង។ "
        "(៥) របាយការណ៍មិនពេញលេញ៖ ខេត្តនៃខ្ទង់ មិនទាន់ផ្ញើរបាយការណ៍ថវិកា និងសូចនាករនៃឆ្នាំបច្ចុប្បន្ន ដែលខេត្តផ្សេងបានផ្ញើ។ "
        f"ខ្ទង់ដែលមានសញ្ញាព្រមាន អាចដាក់ស្នើបាន លុះត្រាតែមានយុត្តិកម្មយ៉ាងតិច {MIN_CHARS_KM} តួអក្សរ "
        "ហើយផលសរុបលើសពិដានរបស់ក្រសួងសេដ្ឋកិច្ចនិងហិរញ្ញវត្ថុ ត្រូវការយុត្តិកម្មដាច់ដោយឡែក។",
        f"(1) request > revised ∧ linked off track; (2) request > revised ∧ rate < {UNDER} × benchmark; "
        f"(3) |implied ÷ observed − 1| > {GAP}; (4) target below actual ∧ request > revised; "
        "(5) province's reports incomplete",
    ),
    Entry(
        "national_for_directors", "National figures shown to provincial directors",
        "តួលេខថ្នាក់ជាតិដែលបង្ហាញដល់ប្រធានមន្ទីរខេត្ត",
        "A national total is the sum over central MoSVY and every province. If one province has "
        "reported August but not September, the August total minus the September total would be "
        "that province's budget. So a provincial director sees national figures (totals, "
        "national indicator values and the national mean score) only for periods that every "
        "entity with data in the year has reported; without a chosen period, the newest such "
        "period. For any other period the page says why the national figure is not shown yet. "
        "The director's own province is shown for every period. The budget unit and MEF see "
        "every period.",
        "តួលេខសរុបថ្នាក់ជាតិ គឺជាផលបូកនៃក្រសួងថ្នាក់កណ្តាល និងគ្រប់រាជធានី-ខេត្ត។ ប្រសិនបើខេត្តមួយបានរាយការណ៍ខែសីហា "
        "តែមិនទាន់រាយការណ៍ខែកញ្ញា ផលសរុបខែសីហាដកផលសរុបខែកញ្ញា នឹងស្មើនឹងថវិការបស់ខេត្តនោះ។ "
        "ដូច្នេះ ប្រធានមន្ទីរខេត្តឃើញតួលេខថ្នាក់ជាតិ (ផលសរុប តម្លៃសូចនាករថ្នាក់ជាតិ និងពិន្ទុមធ្យមថ្នាក់ជាតិ) "
        "តែសម្រាប់រយៈពេលដែលគ្រប់អង្គភាពដែលមានទិន្នន័យក្នុងឆ្នាំនោះបានរាយការណ៍ប៉ុណ្ណោះ។ "
        "សម្រាប់រយៈពេលផ្សេងទៀត ទំព័រនឹងពន្យល់មូលហេតុ។ ខេត្តផ្ទាល់របស់ប្រធានមន្ទីរ បង្ហាញគ្រប់រយៈពេល។ "
        "អង្គភាពថវិកា និងក្រសួងសេដ្ឋកិច្ចនិងហិរញ្ញវត្ថុ ឃើញគ្រប់រយៈពេល។",
        "national(P) shown to a director ⇔ every entity of the year has reported P",
    ),
    Entry(
        "open_data", "Published periods are public", "រយៈពេលដែលបានផ្សព្វផ្សាយ ជាទិន្នន័យសាធារណៈ",
        "In-year figures are working data: nothing reaches the public until the budget unit publishes a "
        "period. From then on, that period's national and provincial figures are open to everyone on the "
        "open data page (/open), without signing in, as a page, CSV and JSON files and a described data "
        "package: the budget of central MoSVY and of each capital and province (revised, paid, execution "
        "rate) and the indicators of the nation and of each province (target, actual, achievement, status). "
        "They are the same figures, to the riel, as the signed-in pages show for that period. They are "
        "public to provincial directors too: a director reads there every province's figures of a "
        "published period, and the rule above on national figures does not hold back a published "
        "period. District and commune figures, draft budget requests and comments are never published. "
        "A withdrawn period leaves the open page at once; figures loaded again for a published period are "
        "public as soon as they are loaded.",
        "តួលេខក្នុងឆ្នាំ ជាទិន្នន័យការងារ៖ គ្មានអ្វីទៅដល់សាធារណជនទេ រហូតដល់ផ្នែកថវិកាផ្សព្វផ្សាយរយៈពេលមួយ។ "
        "ចាប់ពីពេលនោះ តួលេខថ្នាក់ជាតិ និងថ្នាក់ខេត្តនៃរយៈពេលនោះ បើកចំហដល់មនុស្សគ្រប់គ្នានៅលើទំព័រទិន្នន័យបើកចំហ (/open) "
        "ដោយមិនចាំបាច់ចូលប្រើប្រាស់ ជាទំព័រ ឯកសារ CSV និង JSON និងកញ្ចប់ទិន្នន័យដែលមានការពិពណ៌នា៖ "
        "ថវិការបស់ក្រសួងថ្នាក់កណ្តាល និងរបស់រាជធានី-ខេត្តនីមួយៗ (ឥណទានកែសម្រួល ការទូទាត់ អត្រាអនុវត្តថវិកា) "
        "និងសូចនាករថ្នាក់ជាតិ និងរបស់ខេត្តនីមួយៗ (គោលដៅ លទ្ធផលជាក់ស្តែង សមិទ្ធផល ស្ថានភាព)។ "
        "តួលេខទាំងនោះដូចគ្នារហូតដល់រៀល នឹងតួលេខដែលទំព័រសម្រាប់អ្នកចូលប្រើប្រាស់បង្ហាញសម្រាប់រយៈពេលនោះ។ "
        "តួលេខទាំងនោះក៏ជាសាធារណៈចំពោះប្រធានមន្ទីរខេត្តដែរ៖ ប្រធានមន្ទីរអាចអានតួលេខរបស់គ្រប់ខេត្តនៃរយៈពេលដែលបានផ្សព្វផ្សាយ "
        "ហើយវិធានខាងលើស្តីពីតួលេខថ្នាក់ជាតិ មិនរារាំងរយៈពេលដែលបានផ្សព្វផ្សាយទេ។ តួលេខស្រុក-ខណ្ឌ និងឃុំ-សង្កាត់ "
        "សេចក្តីព្រាងសំណើថវិកា និងមតិយោបល់ មិនត្រូវបានផ្សព្វផ្សាយឡើយ។ រយៈពេលដែលត្រូវបានដកវិញ បាត់ពីទំព័របើកចំហភ្លាមៗ "
        "ហើយតួលេខដែលផ្ទុកឡើងវិញសម្រាប់រយៈពេលដែលបានផ្សព្វផ្សាយ ក្លាយជាសាធារណៈភ្លាមនៅពេលផ្ទុក។",
        "public(P) ⇔ the budget unit has published P; shown: national and province aggregates of P only",
    ),
    Entry(
        "costing", "Costing benefit options", "ការគណនាថ្លៃដើមជម្រើសអត្ថប្រយោជន៍",
        "After the ILO's rapid assessment protocol: for each benefit, province and year, the "
        "beneficiaries are the eligible population times the take-up (a fraction a year) times a "
        "multiplier, and the cost is the beneficiaries times the amount of a payment, the payments a "
        "year, the price index and one plus the administrative rate. The index is one in the first "
        "year; an indexed benefit follows CPI inflation from the second year, compounded. Totals per "
        "year are shown as a share of GDP and of government expenditure, and the band is the cost "
        f"with take-up {ILO['band']} lower and {ILO['band']} higher (never above full take-up). "
        f"The ILO's example: {ILO['take_up']} of {ILO['eligible']} eligible people take up a benefit of "
        f"{ILO['amount']} a payment, {ILO['payments']} payments a year, with {ILO['admin']} "
        f"administration: {ILO['people']} beneficiaries cost {ILO['cost']} a year. Applied to a "
        "budget request, the costs of the request's three years become the requests of the lines of "
        "each province (the benefit's activity cluster and economic chapter, government funds) and "
        "the beneficiaries the targets of the benefit's indicator.",
        "តាមពិធីសារវាយតម្លៃរហ័សរបស់អង្គការពលកម្មអន្តរជាតិ៖ សម្រាប់អត្ថប្រយោជន៍ ខេត្ត និងឆ្នាំនីមួយៗ "
        "អ្នកទទួលផល គឺប្រជាជនមានសិទ្ធិ គុណនឹងអត្រាចូលរួម (ប្រភាគក្នុងមួយឆ្នាំ) គុណនឹងមេគុណ ហើយថ្លៃដើម គឺអ្នកទទួលផល "
        "គុណនឹងចំនួនទឹកប្រាក់ក្នុងមួយដង ចំនួនដងក្នុងមួយឆ្នាំ សន្ទស្សន៍តម្លៃ និងមួយបូកអត្រារដ្ឋបាល។ "
        "សន្ទស្សន៍ស្មើមួយនៅឆ្នាំដំបូង។ អត្ថប្រយោជន៍ដែលតម្រូវតាមអតិផរណា កើនតាមអតិផរណាចាប់ពីឆ្នាំទីពីរ ដោយបូកបន្ត។ "
        "សរុបប្រចាំឆ្នាំ បង្ហាញជាចំណែកនៃផលិតផលក្នុងស្រុកសរុប និងនៃចំណាយរដ្ឋាភិបាល ហើយចន្លោះ គឺថ្លៃដើមដែលអត្រាចូលរួម "
        f"ទាបជាង {ILO_KM['band']} និងខ្ពស់ជាង {ILO_KM['band']} (មិនលើសការចូលរួមពេញលេញ)។ "
        f"ឧទាហរណ៍របស់អង្គការពលកម្មអន្តរជាតិ៖ {ILO_KM['take_up']} នៃប្រជាជនមានសិទ្ធិ {ILO_KM['eligible']} នាក់ "
        f"ទទួលអត្ថប្រយោជន៍ {ILO_KM['amount']} ក្នុងមួយដង {ILO_KM['payments']} ដងក្នុងមួយឆ្នាំ ជាមួយថ្លៃរដ្ឋបាល "
        f"{ILO_KM['admin']}៖ អ្នកទទួលផល {ILO_KM['people']} នាក់ ចំណាយ {ILO_KM['cost']} ក្នុងមួយឆ្នាំ។ "
        "នៅពេលអនុវត្តលើសំណើថវិកា ថ្លៃដើមនៃបីឆ្នាំនៃសំណើ ក្លាយជាសំណើនៃខ្ទង់របស់ខេត្តនីមួយៗ (ចង្កោមសកម្មភាព "
        "និងជំពូកសេដ្ឋកិច្ចនៃអត្ថប្រយោជន៍ ថវិការដ្ឋ) ហើយអ្នកទទួលផលក្លាយជាគោលដៅនៃសូចនាកររបស់អត្ថប្រយោជន៍។",
        "beneficiaries = eligible × take-up × multiplier; cost = beneficiaries × amount × payments a year × index "
        "× (1 + administrative rate)",
    ),
)
