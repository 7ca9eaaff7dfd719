"""The methodology in words, English and Khmer, kept beside the formulas it describes.

Thresholds in the text come from the constants the formulas use, so the words cannot drift
from the computation.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.achievement import ACHIEVEMENT_CAP, DEFAULT_ON_TRACK, DEFAULT_WATCH
from indicators.flags import LOW_COMPLETENESS
from indicators.scorecard import SPENDING_TOLERANCE


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
        return self.title_km if lang == "km" else self.title_en

    def body(self, lang: str) -> str:
        return self.body_km if lang == "km" else self.body_en


def _pct(value: float) -> str:
    return f"{value * 100:.0f} %"


ON, WATCH, CAP = _pct(DEFAULT_ON_TRACK), _pct(DEFAULT_WATCH), _pct(ACHIEVEMENT_CAP)

ENTRIES: tuple[Entry, ...] = (
    Entry(
        "execution_rate", "Execution rate", "អត្រាអនុវត្តថវិកា",
        "The share of the revised allocation (the budget law after transfers) that has been paid "
        "since the start of the year. A budget line with no revised allocation has no rate.",
        "ភាគរយនៃឥណទានកែសម្រួល (ច្បាប់ថវិកាក្រោយការផ្ទេរ) ដែលបានទូទាត់ចាប់ពីដើមឆ្នាំ។ "
        "ខ្ទង់ថវិកាដែលគ្មានឥណទានកែសម្រួល គ្មានអត្រាទេ។",
        "paid ÷ revised (year to date)",
    ),
    Entry(
        "commitment_rate", "Commitment rate", "អត្រាសន្យាចំណាយ",
        "The share of the revised allocation committed since the start of the year.",
        "ភាគរយនៃឥណទានកែសម្រួលដែលបានសន្យាចំណាយចាប់ពីដើមឆ្នាំ។",
        "committed ÷ revised (year to date)",
    ),
    Entry(
        "expected_execution", "Pro-rata benchmark and execution gap", "គោលធៀបតាមសមាមាត្រ និងគម្លាតអនុវត្ត",
        "By the end of month m, m twelfths of the year's budget are expected to be paid, unless a "
        "monthly phasing profile says otherwise. The execution gap is the execution rate less that "
        "expectation: a negative gap means spending is behind the calendar.",
        "នៅចុងខែទី m គេរំពឹងថា m ភាគ ១២ នៃថវិកាប្រចាំឆ្នាំត្រូវបានទូទាត់ លើកលែងតែមានផែនការចំណាយប្រចាំខែ។ "
        "គម្លាតអនុវត្ត គឺអត្រាអនុវត្តដកការរំពឹងនោះ៖ គម្លាតអវិជ្ជមាន មានន័យថាការចំណាយយឺតជាងប្រតិទិន។",
        "expected = m ÷ 12; gap = execution rate − expected",
    ),
    Entry(
        "achievement", "Achievement", "សមិទ្ធផល",
        "How far an indicator has reached its target: actual ÷ target when higher is better, "
        "target ÷ actual when lower is better. A missing actual or target, or a zero to divide by, "
        f"gives no data rather than an infinite value. For scores it is capped at {CAP}.",
        "កម្រិតដែលសូចនាករសម្រេចបានធៀបនឹងគោលដៅ៖ លទ្ធផលជាក់ស្តែង ÷ គោលដៅ នៅពេលខ្ពស់ជាងល្អជាង "
        "និង គោលដៅ ÷ លទ្ធផលជាក់ស្តែង នៅពេលទាបជាងល្អជាង។ បើខ្វះលទ្ធផល ឬគោលដៅ ឬចែកនឹងសូន្យ "
        f"គឺគ្មានទិន្នន័យ។ សម្រាប់ពិន្ទុ វាត្រូវបានកំណត់ត្រឹម {CAP}។",
        "actual ÷ target (increase); target ÷ actual (decrease)",
    ),
    Entry(
        "status", "Status", "ស្ថានភាព",
        f"On track when achievement is at least {ON}, watch when at least {WATCH}, off track below "
        "that, and no data when it cannot be computed. An indicator may carry its own thresholds. "
        "Each status is shown with an icon and a word, never by colour alone.",
        f"តាមគោលដៅ នៅពេលសមិទ្ធផលយ៉ាងហោចណាស់ {ON} ត្រូវតាមដាន នៅពេលយ៉ាងហោចណាស់ {WATCH} "
        "មិនតាមគោលដៅ នៅពេលទាបជាងនេះ និងគ្មានទិន្នន័យ នៅពេលមិនអាចគណនាបាន។ "
        "សូចនាករនីមួយៗអាចមានកម្រិតផ្ទាល់ខ្លួន។ ស្ថានភាពនីមួយៗបង្ហាញដោយរូបសញ្ញា និងពាក្យ មិនមែនដោយពណ៌តែម្យ៉ាងទេ។",
        f"on track ≥ {ON}; watch ≥ {WATCH}; off track < {WATCH}",
    ),
    Entry(
        "aggregation", "From communes to provinces", "ពីឃុំ-សង្កាត់ ទៅរាជធានី-ខេត្ត",
        "Values reported by communes or districts are rolled up to their province by each "
        "indicator's rule: a sum, a mean, a weighted mean, the last value, or a ratio. A ratio "
        "indicator is computed from its numerator and denominator summed over the province, "
        "never as an average of the communes' ratios.",
        "តម្លៃដែលឃុំ-សង្កាត់ ឬស្រុក-ខណ្ឌរាយការណ៍ ត្រូវបូកសរុបទៅរាជធានី-ខេត្តតាមវិធានរបស់សូចនាករនីមួយៗ៖ "
        "ផលបូក មធ្យមភាគ មធ្យមភាគទម្ងន់ តម្លៃចុងក្រោយ ឬផលធៀប។ សូចនាករផលធៀប គណនាពីភាគយក និងភាគបែង "
        "ដែលបូកសរុបទូទាំងខេត្ត មិនមែនជាមធ្យមភាគនៃផលធៀបរបស់ឃុំនោះទេ។",
        "ratio = 100 × Σ numerator ÷ Σ denominator",
    ),
    Entry(
        "unit_cost", "Unit cost", "ថ្លៃឯកតា",
        "What one unit of output cost: the amount paid on the activities that produce an "
        "indicator, divided by its actual output (for example riels per beneficiary).",
        "ថ្លៃនៃលទ្ធផលមួយឯកតា៖ ចំនួនទឹកប្រាក់ដែលបានទូទាត់លើសកម្មភាពដែលបង្កើតសូចនាករ "
        "ចែកនឹងលទ្ធផលជាក់ស្តែង (ឧ. រៀលក្នុងម្នាក់អ្នកទទួលផល)។",
        "paid on linked activities ÷ actual output",
    ),
    Entry(
        "quadrant", "Budget–performance quadrant", "ចតុកោណថវិកា-សមិទ្ធកម្ម",
        f"Each programme or province is placed by its execution rate and its mean achievement. It "
        f"is spending when its execution rate is within {SPENDING_TOLERANCE * 100:.0f} points of "
        f"the pro-rata benchmark, and delivering when its mean achievement is at least {ON}.",
        f"កម្មវិធី ឬខេត្តនីមួយៗ ត្រូវដាក់តាមអត្រាអនុវត្ត និងសមិទ្ធផលមធ្យម។ វាកំពុងចំណាយ នៅពេលអត្រាអនុវត្ត "
        f"ខ្វះមិនលើស {SPENDING_TOLERANCE * 100:.0f} ពិន្ទុពីគោលធៀប និងកំពុងផ្តល់លទ្ធផល "
        f"នៅពេលសមិទ្ធផលមធ្យមយ៉ាងហោចណាស់ {ON}។",
        "spending: rate ≥ expected − 0.10; delivering: mean achievement ≥ on-track",
    ),
    Entry(
        "score", "Province score and rank", "ពិន្ទុ និងចំណាត់ថ្នាក់ខេត្ត",
        f"The weighted mean of the province's achievements, each capped at {CAP}, over the "
        "indicators that have data, with the weights of the indicator catalogue. Provinces are "
        "ranked from 1 (highest score) to 25; equal scores share a rank.",
        f"មធ្យមភាគទម្ងន់នៃសមិទ្ធផលរបស់ខេត្ត (នីមួយៗកំណត់ត្រឹម {CAP}) លើសូចនាករដែលមានទិន្នន័យ "
        "ដោយប្រើទម្ងន់ក្នុងបញ្ជីសូចនាករ។ ខេត្តត្រូវចាត់ថ្នាក់ពីទី១ (ពិន្ទុខ្ពស់បំផុត) ដល់ទី២៥។",
        "score = Σ wᵢ·min(achievementᵢ, 1.5) ÷ Σ wᵢ",
    ),
    Entry(
        "completeness", "Data completeness", "ភាពពេញលេញនៃទិន្នន័យ",
        "Reports received divided by reports expected for the period, per province: one "
        "execution report a month up to the period. A province below "
        f"{LOW_COMPLETENESS * 100:.0f} % is flagged, as its figures are partial.",
        "របាយការណ៍ដែលបានទទួល ចែកនឹងរបាយការណ៍ដែលរំពឹងទុកសម្រាប់រយៈពេល តាមខេត្តនីមួយៗ៖ "
        "របាយការណ៍អនុវត្តមួយក្នុងមួយខែ រហូតដល់រយៈពេលនោះ។ ខេត្តដែលទាបជាង "
        f"{LOW_COMPLETENESS * 100:.0f} % ត្រូវបានសម្គាល់ ព្រោះតួលេខមិនពេញលេញ។",
        "received ÷ expected",
    ),
    Entry(
        "flags", "Performance-informed flags", "សញ្ញាព្រមានផ្អែកលើសមិទ្ធកម្ម",
        "A budget request is flagged when a programme asks for more while off track, when a "
        "target cannot be funded by the requested budget at the observed unit cost, or when a "
        "province's data completeness is low.",
        "សំណើថវិកាត្រូវបានសម្គាល់ នៅពេលកម្មវិធីស្នើបន្ថែម ខណៈមិនតាមគោលដៅ នៅពេលថវិកាដែលស្នើ "
        "មិនអាចផ្តល់មូលនិធិគ្រប់គោលដៅតាមថ្លៃឯកតាដែលបានសង្កេត ឬនៅពេលភាពពេញលេញទិន្នន័យរបស់ខេត្តទាប។",
        "requested > revised ∧ off track; requested ÷ unit cost < target; completeness < 80 %",
    ),
)
