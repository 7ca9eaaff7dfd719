"""The words of every problem and report line of the loader, in English and Khmer (Frictionless style).

A problem is stored as values: its ``type`` (a stable key of what kind of thing is wrong, in
:data:`TYPES`), a message ``code`` (which sentence says it, in :data:`MESSAGES`) and the
sentence's parameters (column names, codes, numbers, exactly as found). A sentence is made
for a person only when it is shown, in that person's language: the command line in English,
the Data page in the user's. One type may be said by several sentences (``type-error`` by
``not-a-number``, ``not-a-year`` …); each sentence has one code.

Templates are ``str.format`` templates whose fields are the parameters, with these extras:

- ``{name!r}`` quotes a value as the English messages always did (``'abc'``);
- ``{name:term}`` translates a word of :data:`TERMS` (a workbook kind, a number style);
- ``{name:or}``, ``{name:and}``, ``{name:comma}`` join a list in the language;
- ``{name:type}`` is the title of a problem type;
- any other format spec (``{amount:,.0f}``) formats the number as Python does.

Parameters stay machine values, never translated: column names, codes, numbers. Rendering
never raises: an unknown code or a parameter that does not fit gives None, and the caller
shows the English text stored with the problem.

This module imports nothing of ours, so that every part of the loader, the pages and the
tests can use it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """One template in English and in Khmer."""

    en: str
    km: str

    def __add__(self, other: Text) -> Text:
        return Text(self.en + other.en, self.km + other.km)

    def get(self, lang: str) -> str:
        """The template in ``lang`` (English for a language we do not have)."""
        return self.km if lang == "km" else self.en


@dataclass(frozen=True)
class Entry:
    """A message code's sentence and the phrase for what was expected instead."""

    message: Text
    expected: Text


def _t(en: str, km: str) -> Text:
    return Text(en, km)


# --- the types: what kind of thing is wrong ---------------------------------------------------------

TYPES: dict[str, Text] = {
    "type-error": _t("a cell that cannot be read as what its column holds",
                     "ក្រឡាដែលមិនអាចអានជាប្រភេទតម្លៃនៃជួរឈររបស់វា"),
    "missing-cell": _t("a required cell is empty", "ក្រឡាដែលត្រូវតែមានតម្លៃ គឺទទេ"),
    "unknown-entity": _t("an entity that is not 00, a province code or a province name",
                         "អង្គភាពដែលមិនមែនជា 00 កូដខេត្ត ឬឈ្មោះខេត្ត"),
    "unknown-unit": _t("an administrative unit that is not known", "អង្គភាពរដ្ឋបាលដែលមិនស្គាល់"),
    "unknown-funding-source": _t("a funding source other than RGC or DP", "ប្រភពថវិកាក្រៅពី RGC ឬ DP"),
    "out-of-range": _t("an amount beyond any plausible budget", "ចំនួនទឹកប្រាក់លើសពីថវិកាណាមួយដែលអាចមានបាន"),
    "negative-amount": _t("a negative amount or number where none is accepted",
                          "ចំនួនអវិជ្ជមាន នៅកន្លែងដែលមិនទទួលយក"),
    "error-cell": _t("a cell that holds a spreadsheet error (#REF!, #N/A …)",
                     "ក្រឡាដែលមានកំហុសសៀវភៅបញ្ជី (#REF!, #N/A …)"),
    "rows-after-total": _t("rows below the totals row, which are not loaded (a warning)",
                           "ជួរដេកនៅក្រោមជួរដេកសរុប ដែលមិនត្រូវបានផ្ទុក (ការព្រមាន)"),
    "total-mismatch": _t("a totals row that is not the sum of the rows",
                         "ជួរដេកសរុបដែលមិនស្មើនឹងផលបូកនៃជួរដេក"),
    "missing-column": _t("a required column, or the header row, is missing",
                         "ខ្វះជួរឈរដែលត្រូវការ ឬជួរក្បាលតារាង"),
    "duplicate-column": _t("a column named more than once", "ជួរឈរដែលមានឈ្មោះច្រើនជាងម្ដង"),
    "unknown-amount-unit": _t("an amount column whose header names an unknown unit",
                              "ជួរឈរទឹកប្រាក់ដែលក្បាលរបស់វាមានឯកតាមិនស្គាល់"),
    "duplicate-row": _t("a row with the same natural key as an earlier row",
                        "ជួរដេកដែលមានកូនសោធម្មជាតិដូចជួរដេកមុន"),
    "period-outside-year": _t("a period outside the row's fiscal year",
                              "រយៈពេលនៅក្រៅឆ្នាំសារពើពន្ធនៃជួរដេក"),
    "empty-sheet": _t("a header row without data rows", "ជួរក្បាលតារាងដែលគ្មានជួរដេកទិន្នន័យ"),
    "unknown-code": _t("a code that is not in the reference data or not among the allowed values",
                       "កូដដែលមិនមាននៅក្នុងទិន្នន័យយោង ឬមិនស្ថិតក្នុងចំណោមតម្លៃដែលអនុញ្ញាត"),
    "paid-above-revised": _t("payments above the revised allocation (a warning)",
                             "ការទូទាត់លើសឥណទានកែសម្រួល (ការព្រមាន)"),
    "unknown-kind": _t("a file that is none of the kinds of workbook the contract knows",
                       "ឯកសារដែលមិនមែនជាប្រភេទសៀវភៅបញ្ជីណាមួយដែលកិច្ចសន្យាទិន្នន័យស្គាល់"),
    "bad-parent": _t("a reference code whose parent is not of the right level",
                     "កូដយោងដែលកូដមេរបស់វាមិនស្ថិតនៅកម្រិតត្រឹមត្រូវ"),
    "unreadable-file": _t("a file that cannot be read safely as .xlsx or .csv",
                          "ឯកសារដែលមិនអាចអានដោយសុវត្ថិភាពជា .xlsx ឬ .csv"),
    "empty-file": _t("a file without data", "ឯកសារដែលគ្មានទិន្នន័យ"),
    "extra-data-sheet": _t("a second sheet of data in one file", "សន្លឹកទិន្នន័យទីពីរនៅក្នុងឯកសារតែមួយ"),
    "database-unavailable": _t("the database stopped answering during the load",
                               "មូលដ្ឋានទិន្នន័យឈប់ឆ្លើយតបអំឡុងពេលផ្ទុក"),
    "too-large": _t("a workbook whose check needs more memory than a load may use",
                    "សៀវភៅបញ្ជីដែលការពិនិត្យរបស់វាត្រូវការអង្គចងចាំច្រើនជាងការផ្ទុកមួយអាចប្រើបាន"),
    "out-of-memory": _t("a file whose load ran out of the memory a load may use",
                        "ឯកសារដែលការផ្ទុករបស់វាអស់អង្គចងចាំដែលការផ្ទុកមួយអាចប្រើបាន"),
    "large-replacement": _t("a file that would take away more than half of what is loaded, not confirmed",
                            "ឯកសារដែលនឹងដកចេញច្រើនជាងពាក់កណ្តាលនៃអ្វីដែលបានផ្ទុក ដោយមិនទាន់បញ្ជាក់"),
    "file-too-large": _t("an upload larger than the Data page accepts",
                         "ឯកសារផ្ទុកឡើងដែលធំជាងទំព័រទិន្នន័យទទួលយក"),
    # The submission workbook's (etl.submission_workbook).
    "no-submission": _t("a submission workbook for a year without a submission",
                        "សៀវភៅបញ្ជីសំណើថវិកាសម្រាប់ឆ្នាំដែលគ្មានសំណើថវិកា"),
    "not-permitted": _t("a submission that cannot change now, or a user who may not change it",
                        "សំណើថវិកាដែលមិនអាចកែបាននៅពេលនេះ ឬអ្នកប្រើដែលមិនមានសិទ្ធិកែវា"),
    "forbidden": _t("a line or target the user may not write", "ជួរថវិកា ឬគោលដៅដែលអ្នកប្រើមិនមានសិទ្ធិសរសេរ"),
    "unexpected-year": _t("a year column outside the submission's three years",
                          "ជួរឈរឆ្នាំនៅក្រៅបីឆ្នាំនៃសំណើថវិកា"),
    "stale-line": _t("a line or target someone else changed after the workbook was written",
                     "ជួរថវិកា ឬគោលដៅដែលអ្នកផ្សេងបានកែ បន្ទាប់ពីសៀវភៅបញ្ជីត្រូវបានសរសេរ"),
    "too-long": _t("a text longer than the submission takes", "អត្ថបទវែងជាងអ្វីដែលសំណើថវិកាទទួលយក"),
    "invalid": _t("a value the submission's write refused", "តម្លៃដែលការសរសេរសំណើថវិកាបានបដិសេធ"),
    "flag-needs-justification": _t("a flagged line without a long enough justification (a warning)",
                                   "ជួរថវិកាដែលមានសញ្ញាព្រមាន ប៉ុន្តែគ្មានការពន្យល់ហេតុផលវែងគ្រប់គ្រាន់ (ការព្រមាន)"),
}

# --- words that parameters name (translated by {name:term}) -----------------------------------------

TERMS: dict[str, Text] = {
    "execution": _t("execution", "ការអនុវត្តថវិកា"),
    "indicators": _t("indicators", "សូចនាករ"),
    "reference": _t("reference", "ទិន្នន័យយោង"),
    "file": _t("file", "ឯកសារ"),
    "workbook": _t("workbook", "សៀវភៅបញ្ជី"),
    "shared strings": _t("shared strings", "អត្ថបទរួម"),
    "workbook structure": _t("workbook structure", "រចនាសម្ព័ន្ធសៀវភៅបញ្ជី"),
    "english": _t("the English way (a comma between thousands, a dot before decimals: 1,234.5)",
                  "តាមរបៀបអង់គ្លេស (ក្បៀសបំបែកខ្ទង់ពាន់ ចុចនៅមុនខ្ទង់ទសភាគ៖ 1,234.5)"),
    "khmer": _t("the Khmer way (a dot between thousands, a comma before decimals: 1.234,5)",
                "តាមរបៀបខ្មែរ (ចុចបំបែកខ្ទង់ពាន់ ក្បៀសនៅមុនខ្ទង់ទសភាគ៖ 1.234,5)"),
    # The natural keys of the three kinds, as the duplicate-row sentence names them.
    "year, period, entity, activity, economic code and funding source": _t(
        "year, period, entity, activity, economic code and funding source",
        "ឆ្នាំ រយៈពេល អង្គភាព សកម្មភាព កូដសេដ្ឋកិច្ច និងប្រភពថវិកា"),
    "year, period, unit and indicator": _t("year, period, unit and indicator",
                                           "ឆ្នាំ រយៈពេល អង្គភាព និងសូចនាករ"),
    "code": _t("code", "កូដ"),
    "error": _t("error", "កំហុស"),
    "warning": _t("warning", "ការព្រមាន"),
    # What the submission workbook's sentences name: a line or a target, a submission's state.
    "line": _t("line", "ជួរថវិកា"),
    "target": _t("target", "គោលដៅ"),
    "submitted": _t("submitted", "បានដាក់ជូន ក.ស.ហ.វ រួចហើយ"),
    "endorsed": _t("endorsed", "ត្រូវបាន ក.ស.ហ.វ ឯកភាពរួចហើយ"),
}

_JOINS: dict[str, Text] = {"or": _t(" or ", " ឬ "), "and": _t(" and ", " និង "), "comma": _t(", ", ", ")}

# --- the messages ------------------------------------------------------------------------------------

_WORKBOOK = _t("an .xlsx workbook or a .csv file", "សៀវភៅបញ្ជី .xlsx ឬឯកសារ .csv")
_NUMBER = _t("a number", "លេខ")
_VALUE = _t("a value", "តម្លៃ")
_NOTHING = _t("", "")
_YEAR = _t("a year from {min} to {max}", "ឆ្នាំពី {min} ដល់ {max}")
_PERIOD = _t("a period YYYY-MM, YYYY-Qn or YYYY", "រយៈពេលជា YYYY-MM, YYYY-Qn ឬ YYYY")
_ENTITY = _t("00 (central MoSVY), 01–25, or a province's English or Khmer name",
             "00 (ក្រសួងថ្នាក់កណ្តាល), 01–25 ឬឈ្មោះខេត្តជាភាសាអង់គ្លេស ឬខ្មែរ")
_UNIT = _t("a province, district or commune code, or a province name",
           "កូដខេត្ត ស្រុក ឬឃុំ ឬឈ្មោះខេត្ត")
_STRUCTURE = _t("a code of the programme structure", "កូដនៃរចនាសម្ព័ន្ធកម្មវិធី")
_SAVE_AS_UTF8 = _t(
    "save it again as UTF-8: in LibreOffice, Save As 'Text CSV' with the character set 'Unicode (UTF-8)'; "
    "in Excel, Save As 'CSV UTF-8 (Comma delimited)'",
    "សូមរក្សាទុកវាម្ដងទៀតជា UTF-8៖ ក្នុង LibreOffice ប្រើ Save As 'Text CSV' ជាមួយសំណុំតួអក្សរ "
    "'Unicode (UTF-8)'; ក្នុង Excel ប្រើ Save As 'CSV UTF-8 (Comma delimited)'")
_OUT_OF_MEMORY = _t("the {what:term} needs more memory than a load may use{limit}; nothing was loaded",
                    "{what:term}ត្រូវការអង្គចងចាំច្រើនជាងការផ្ទុកមួយអាចប្រើបាន{limit}; មិនបានផ្ទុកអ្វីទេ")
# What a file replaces, before → after (also the command line's lines after a load).
_REPLACES = _t("entity {entity}, {period}: {rows_before:,} rows → {rows_after:,}; revised {revised_before:,} → "
               "{revised_after:,}; paid {paid_before:,} → {paid_after:,} riels",
               "អង្គភាព {entity}, {period}៖ {rows_before:,} ជួរដេក → {rows_after:,}; ឥណទានកែសម្រួល "
               "{revised_before:,} → {revised_after:,}; ការទូទាត់ {paid_before:,} → {paid_after:,} រៀល")
_REPLACES_INDICATORS = _t("province {entity}, {period}: {rows_before:,} indicator rows → {rows_after:,}",
                          "ខេត្ត {entity}, {period}៖ {rows_before:,} ជួរដេកសូចនាករ → {rows_after:,}")
_LARGE_BEFORE = _t("this file would replace ", "ឯកសារនេះនឹងជំនួស ")
_LARGE_AFTER = _t(": more than half would go. If the earlier rows are to be replaced, load it again confirming "
                  "the replacement ('Replace and load' on the Data page, --replace on the command line)",
                  "៖ ច្រើនជាងពាក់កណ្តាលនឹងបាត់ទៅ។ ប្រសិនបើជួរដេកមុនត្រូវជំនួសមែន សូមផ្ទុកវាម្ដងទៀតដោយបញ្ជាក់ការជំនួស "
                  "('ជំនួស និងផ្ទុក' នៅលើទំព័រទិន្នន័យ, --replace នៅលើបន្ទាត់បញ្ជា)")
_CONFIRM = _t("confirmation that the earlier figures are to be replaced (--replace)",
              "ការបញ្ជាក់ថាតួលេខមុនត្រូវជំនួស (--replace)")
# The submission workbook's phrases.
_CHANGEABLE = _t("a draft or returned submission that you may change",
                 "សំណើថវិកាជាសេចក្តីព្រាង ឬដែលបានបង្វិលត្រឡប់ ដែលអ្នកអាចកែបាន")
_CLUSTER = _t("an activity cluster of the programme structure", "ចង្កោមសកម្មភាពនៃរចនាសម្ព័ន្ធកម្មវិធី")
_CHAPTER = _t("a chapter of the economic classification", "ជំពូកមួយនៃចំណាត់ថ្នាក់សេដ្ឋកិច្ច")
_AFTER_WRITING = _t(" after the workbook was written (version {version}, now {current}); write a new workbook and "
                    "make the change there",
                    " បន្ទាប់ពីសៀវភៅបញ្ជីត្រូវបានសរសេរ (កំណែ {version} ឥឡូវ {current}); សូមសរសេរសៀវភៅបញ្ជីថ្មី "
                    "ហើយធ្វើការកែប្រែនៅទីនោះ")
_CURRENT_VERSION = _t("version {current}", "កំណែ {current}")


def _e(en: str, km: str, expected: Text) -> Entry:
    return Entry(Text(en, km), expected)


MESSAGES: dict[str, Entry] = {
    # A cell that cannot be read (etl.clean raises these; the validator adds the column).
    "not-a-number": _e("{column}: {value!r} is not a number", "{column}៖ {value!r} មិនមែនជាលេខទេ", _NUMBER),
    "yes-no-not-number": _e("{column}: {value!r} is a yes/no value, not a number",
                            "{column}៖ {value!r} ជាតម្លៃ បាទ/ទេ មិនមែនជាលេខទេ", _NUMBER),
    "not-a-scale": _e("{column}: {value!r}: {word!r} is not a scale (k, m, bn, លាន, ពាន់លាន)",
                      "{column}៖ {value!r}៖ {word!r} មិនមែនជាខ្នាតទេ (k, m, bn, លាន, ពាន់លាន)",
                      _t("a number, optionally followed by k, m or bn", "លេខ ដែលអាចមាន k, m ឬ bn នៅពីក្រោយ")),
    "not-finite": _e("{column}: not a finite number", "{column}៖ មិនមែនជាលេខដែលមានកំណត់ទេ", _NUMBER),
    "number-style-mismatch": _e(
        "{column}: {value!r} is written {found:term}, but this file writes numbers {style:term}, e.g. {example!r}",
        "{column}៖ {value!r} ត្រូវបានសរសេរ{found:term} ប៉ុន្តែឯកសារនេះសរសេរលេខ{style:term} ឧទាហរណ៍ {example!r}",
        _t("a number written {style:term}", "លេខដែលសរសេរ{style:term}")),
    "ambiguous-number": _e(
        "{column}: {value!r} could be {decimal:g} (a dot before decimals) or {whole} (a dot between thousands), "
        "and no other number in the file says which way it writes numbers: write {whole} or {decimal:g} without "
        "separators, or store the numbers as numbers",
        "{column}៖ {value!r} អាចជា {decimal:g} (ចុចនៅមុនខ្ទង់ទសភាគ) ឬ {whole} (ចុចបំបែកខ្ទង់ពាន់) ហើយគ្មានលេខផ្សេង"
        "ទៀតក្នុងឯកសារបញ្ជាក់ថាវាសរសេរលេខតាមរបៀបណាទេ៖ សូមសរសេរ {whole} ឬ {decimal:g} ដោយគ្មានសញ្ញាបំបែក "
        "ឬរក្សាទុកលេខជាលេខ",
        _t("a number without separators, or a file whose other numbers show its style",
           "លេខដែលគ្មានសញ្ញាបំបែក ឬឯកសារដែលលេខផ្សេងទៀតបង្ហាញរបៀបសរសេររបស់វា")),
    "not-a-year": _e("{column}: {value!r} is not a year", "{column}៖ {value!r} មិនមែនជាឆ្នាំទេ", _YEAR),
    "year-out-of-range": _e("{column}: {value!r} is not a year from {min} to {max}",
                            "{column}៖ {value!r} មិនមែនជាឆ្នាំពី {min} ដល់ {max} ទេ", _YEAR),
    "not-a-period": _e("{column}: {value!r} is not a period (YYYY-MM, YYYY-Qn or YYYY)",
                       "{column}៖ {value!r} មិនមែនជារយៈពេលទេ (YYYY-MM, YYYY-Qn ឬ YYYY)", _PERIOD),
    "period-year-out-of-range": _e("{column}: {value!r}: the year is not from {min} to {max}",
                                   "{column}៖ {value!r}៖ ឆ្នាំមិនស្ថិតនៅចន្លោះ {min} ដល់ {max} ទេ", _PERIOD),
    "no-such-month": _e("{column}: {value!r}: there is no month {month}",
                        "{column}៖ {value!r}៖ គ្មានខែទី {month} ទេ", _PERIOD),
    "unknown-entity-code": _e("{column}: {value!r} is not a known national or province code",
                              "{column}៖ {value!r} មិនមែនជាកូដថ្នាក់ជាតិ ឬកូដខេត្តដែលស្គាល់ទេ", _ENTITY),
    "unknown-entity-name": _e("{column}: {value!r} is not a known province name or code",
                              "{column}៖ {value!r} មិនមែនជាឈ្មោះ ឬកូដខេត្តដែលស្គាល់ទេ", _ENTITY),
    "unknown-unit-code": _e("{column}: {value!r} is not a known national or province or district or commune code",
                            "{column}៖ {value!r} មិនមែនជាកូដថ្នាក់ជាតិ ខេត្ត ស្រុក ឬឃុំដែលស្គាល់ទេ", _UNIT),
    "unknown-unit-name": _e("{column}: {value!r} is not a known province name or code",
                            "{column}៖ {value!r} មិនមែនជាឈ្មោះ ឬកូដខេត្តដែលស្គាល់ទេ", _UNIT),
    "unknown-funding-source": _e("{column}: {value!r} is not a funding source (RGC or DP)",
                                 "{column}៖ {value!r} មិនមែនជាប្រភពថវិកាទេ (RGC ឬ DP)",
                                 _t("RGC or DP", "RGC ឬ DP")),
    # The validator's own sentences.
    "more-of-kind": _e("… and {count} more problems of the same kind ({kind}) in this column",
                       "… និងបញ្ហាប្រភេទដូចគ្នា ({kind:type}) ចំនួន {count} ទៀតក្នុងជួរឈរនេះ", _NOTHING),
    "missing-value": _e("{column} is empty", "{column}៖ ក្រឡាទទេ", _VALUE),
    "missing-number": _e("{column} is empty", "{column}៖ ក្រឡាទទេ", _NUMBER),
    "infinite-number": _e("{column}: {value!r} is not a finite number",
                          "{column}៖ {value!r} មិនមែនជាលេខដែលមានកំណត់ទេ",
                          _t("a finite number", "លេខដែលមានកំណត់")),
    "amount-too-large": _e("{column}: {amount:,.0f} riels is beyond any plausible amount (at most {maximum:,.0f})",
                           "{column}៖ {amount:,.0f} រៀល លើសពីចំនួនទឹកប្រាក់ណាមួយដែលអាចមានបាន (យ៉ាងច្រើន {maximum:,.0f})",
                           _t("at most {maximum:,.0f}", "យ៉ាងច្រើន {maximum:,.0f}")),
    "negative-amount": _e("{column}: a negative amount ({amount:,.0f}) is not accepted",
                          "{column}៖ មិនទទួលយកចំនួនទឹកប្រាក់អវិជ្ជមាន ({amount:,.0f}) ទេ",
                          _t("an amount of 0 or more", "ចំនួនទឹកប្រាក់ 0 ឬច្រើនជាងនេះ")),
    "error-cell": _e("{column}: the cell holds the error {error} (a broken formula)",
                     "{column}៖ ក្រឡាមានកំហុស {error} (រូបមន្តខូច)",
                     _t("a value, not an error", "តម្លៃ មិនមែនកំហុសទេ")),
    "rows-after-total": _e("{count} row(s) below the totals row (row {total_row}) were not loaded",
                           "ជួរដេកចំនួន {count} នៅក្រោមជួរដេកសរុប (ជួរដេក {total_row}) មិនត្រូវបានផ្ទុកទេ",
                           _t("no data below the totals row", "គ្មានទិន្នន័យនៅក្រោមជួរដេកសរុប")),
    "total-not-a-number": _e("{column}: the totals row does not hold a number",
                             "{column}៖ ជួរដេកសរុបមិនមានលេខទេ", _NUMBER),
    "total-mismatch": _e("{column}: the totals row says {stated:,.0f} but the rows add up to {summed:,.0f}",
                         "{column}៖ ជួរដេកសរុបបង្ហាញ {stated:,.0f} ប៉ុន្តែផលបូកនៃជួរដេកគឺ {summed:,.0f}",
                         _t("{summed:,.0f}", "{summed:,.0f}")),
    "missing-column": _e("the required column {column} is missing from the header row",
                         "ជួរឈរដែលត្រូវការ {column} មិនមាននៅក្នុងជួរក្បាលតារាងទេ",
                         _t("a column named {column!r} or {khmer!r}", "ជួរឈរឈ្មោះ {column!r} ឬ {khmer!r}")),
    "duplicate-column": _e("the column {column} appears more than once (columns {letters:and}): which one holds "
                           "the data is not guessed",
                           "ជួរឈរ {column} មានច្រើនជាងម្ដង (ជួរឈរ {letters:and})៖ ប្រព័ន្ធមិនទាយថាមួយណាមានទិន្នន័យទេ",
                           _t("one column named {column!r}", "ជួរឈរតែមួយដែលមានឈ្មោះ {column!r}")),
    "unknown-amount-unit": _e("{column}: unknown unit {unit!r} in the header",
                              "{column}៖ ឯកតា {unit!r} នៅក្នុងក្បាលតារាងមិនស្គាល់",
                              _t("KHR, thousand KHR, million KHR or billion KHR",
                                 "រៀល ពាន់រៀល លានរៀល ឬពាន់លានរៀល")),
    "duplicate-row": _e("the same {what:term} as row {first} (duplicate natural key)",
                        "{what:term} ដូចគ្នានឹងជួរដេក {first} (កូនសោធម្មជាតិស្ទួន)",
                        _t("one row per {what:term}", "ជួរដេកតែមួយសម្រាប់ {what:term} នីមួយៗ")),
    "period-outside-year": _e("period {period} is outside fiscal year {year}",
                              "រយៈពេល {period} នៅក្រៅឆ្នាំសារពើពន្ធ {year}",
                              _t("a period of fiscal year {year}", "រយៈពេលក្នុងឆ្នាំសារពើពន្ធ {year}")),
    "empty-sheet": _e("the sheet has a header but no data rows",
                      "សន្លឹកមានជួរក្បាលតារាង ប៉ុន្តែគ្មានជួរដេកទិន្នន័យទេ",
                      _t("at least one data row", "ជួរដេកទិន្នន័យយ៉ាងហោចណាស់មួយ")),
    "unknown-economic-code": _e("economic_code {code!r} is not in the economic classification",
                                "economic_code {code!r} មិនមាននៅក្នុងចំណាត់ថ្នាក់សេដ្ឋកិច្ចទេ",
                                _t("a code of the economic classification", "កូដនៃចំណាត់ថ្នាក់សេដ្ឋកិច្ច")),
    "paid-above-revised": _e("paid ({paid:,.0f}) is above the revised allocation ({revised:,.0f})",
                             "ការទូទាត់ ({paid:,.0f}) លើសឥណទានកែសម្រួល ({revised:,.0f})",
                             _t("at most the revised {revised:,.0f}",
                                "មិនលើសឥណទានកែសម្រួល {revised:,.0f}")),
    "not-in-structure": _e("{column} {code!r} is not in the programme structure",
                           "{column} {code!r} មិនមាននៅក្នុងរចនាសម្ព័ន្ធកម្មវិធីទេ", _STRUCTURE),
    "wrong-structure-level": _e("{column} {code!r} is a {level} in the programme structure",
                                "{column} {code!r} ជា {level} នៅក្នុងរចនាសម្ព័ន្ធកម្មវិធី", _STRUCTURE),
    "wrong-structure-parent": _e("{column} {code!r} belongs to {parent!r}, not to {expected_parent!r}",
                                 "{column} {code!r} ស្ថិតនៅក្រោម {parent!r} មិនមែនក្រោម {expected_parent!r} ទេ",
                                 _STRUCTURE),
    "unknown-indicator": _e("indicator {code!r} is not in the indicator catalogue",
                            "សូចនាករ {code!r} មិនមាននៅក្នុងបញ្ជីសូចនាករទេ",
                            _t("an indicator code of the catalogue", "កូដសូចនាករដែលមានក្នុងបញ្ជីសូចនាករ")),
    "no-header-row": _e("no header row found in the first rows",
                        "រកមិនឃើញជួរក្បាលតារាងនៅក្នុងជួរដេកដំបូងៗទេ",
                        _t("a header row with {columns}", "ជួរក្បាលតារាងដែលមាន {columns}")),
    "no-reference-sheet": _e("no reference sheet found", "រកមិនឃើញសន្លឹកទិន្នន័យយោងទេ",
                             _t("sheets programmes, economic_codes or indicators",
                                "សន្លឹក programmes, economic_codes ឬ indicators")),
    "unknown-level": _e("level {value!r} is not one of {choices:comma}",
                        "level {value!r} មិនមែនជាតម្លៃមួយក្នុងចំណោម {choices:comma} ទេ",
                        _t("{choices:comma}", "{choices:comma}")),
    "programme-with-parent": _e("a programme has no parent", "កម្មវិធីមិនមានកូដមេទេ",
                                _t("blank for a programme", "ទទេសម្រាប់កម្មវិធី")),
    "wrong-parent-level": _e("the parent of {code!r} must be a {level}", "កូដមេនៃ {code!r} ត្រូវតែជា {level}",
                             _t("a {level} code", "កូដ {level}")),
    "parent-not-chapter": _e("parent {parent!r} is not a chapter of the classification",
                             "កូដមេ {parent!r} មិនមែនជាជំពូកនៃចំណាត់ថ្នាក់ទេ",
                             _t("a chapter code (or blank)", "កូដជំពូក (ឬទទេ)")),
    "unknown-indicator-programme": _e("programme {code!r} is not in the programme structure",
                                      "កម្មវិធី {code!r} មិនមាននៅក្នុងរចនាសម្ព័ន្ធកម្មវិធីទេ",
                                      _t("a programme or sub-programme code", "កូដកម្មវិធី ឬអនុកម្មវិធី")),
    "not-one-of": _e("{column} {value!r} is not one of {choices:comma}",
                     "{column} {value!r} មិនមែនជាតម្លៃមួយក្នុងចំណោម {choices:comma} ទេ",
                     _t("{choices:or}", "{choices:or}")),
    "ratio-part-unknown": _e("a ratio indicator needs a known {column}", "សូចនាករអនុបាតត្រូវការ {column} ដែលស្គាល់",
                             _t("an indicator code", "កូដសូចនាករ")),
    "negative-number": _e("{column} must not be negative", "{column} មិនត្រូវជាលេខអវិជ្ជមានទេ",
                          _t("a number of 0 or more", "លេខ 0 ឬច្រើនជាងនេះ")),
    "unknown-indicator-activity": _e("activity {code!r} is not in the programme structure",
                                     "សកម្មភាព {code!r} មិនមាននៅក្នុងរចនាសម្ព័ន្ធកម្មវិធីទេ",
                                     _t("activity or cluster codes", "កូដសកម្មភាព ឬចង្កោមសកម្មភាព")),
    # The costing sheets of the reference workbook (benefits, eligible population, macro figures).
    "benefit-unknown-cluster": _e("cluster {code!r} is not an activity cluster of the programme structure",
                                  "ចង្កោម {code!r} មិនមែនជាចង្កោមសកម្មភាពនៃរចនាសម្ព័ន្ធកម្មវិធីទេ",
                                  _t("an activity cluster code", "កូដចង្កោមសកម្មភាព")),
    "benefit-unknown-indicator": _e("indicator {code!r} is not in the indicator catalogue",
                                    "សូចនាករ {code!r} មិនមាននៅក្នុងបញ្ជីសូចនាករទេ",
                                    _t("an indicator code of the catalogue", "កូដសូចនាករក្នុងបញ្ជី")),
    "benefit-not-chapter": _e("economic_code {code!r} is not a chapter of the economic classification",
                              "economic_code {code!r} មិនមែនជាជំពូកនៃចំណាត់ថ្នាក់សេដ្ឋកិច្ចទេ",
                              _t("a chapter code, e.g. 62", "កូដជំពូក ឧទាហរណ៍ 62")),
    "eligible-unit-not-province": _e("unit {value!r} is not 00 or a province code 01 to 25",
                                     "ទីតាំង {value!r} មិនមែនជា 00 ឬកូដខេត្ត 01 ដល់ 25 ទេ",
                                     _t("00 or a province code", "00 ឬកូដខេត្ត")),
    "negative-count": _e("count must not be below zero ({value})", "ចំនួនមិនត្រូវតិចជាងសូន្យទេ ({value})",
                         _t("a count of 0 or more", "ចំនួន 0 ឬច្រើនជាងនេះ")),
    "inflation-not-fraction": _e("cpi_inflation {value} is not a fraction: write 3 % as 0.03",
                                 "cpi_inflation {value} មិនមែនជាប្រភាគទេ៖ សរសេរ 3 % ជា 0.03",
                                 _t("a fraction from -0.5 to 1", "ប្រភាគពី -0.5 ដល់ 1")),
    # The loader's sentences about a whole file.
    "empty-file": _e("the file has no data", "ឯកសារគ្មានទិន្នន័យទេ", _t("data", "ទិន្នន័យ")),
    "unknown-kind": _e("no header row of an execution or indicator workbook was found in the first {rows} rows, "
                       "and no reference sheet (programmes, economic_codes, indicators)",
                       "រកមិនឃើញជួរក្បាលតារាងនៃសៀវភៅបញ្ជីការអនុវត្តថវិកា ឬសូចនាករ នៅក្នុងជួរដេក {rows} ដំបូងទេ "
                       "ហើយក៏គ្មានសន្លឹកទិន្នន័យយោង (programmes, economic_codes, indicators) ដែរ",
                       _t("an execution, indicator or reference workbook",
                          "សៀវភៅបញ្ជីការអនុវត្តថវិកា សូចនាករ ឬទិន្នន័យយោង")),
    "extra-data-sheet": _e("this sheet holds {kind:term} rows too, but a file is loaded from one sheet ('{first}'): "
                           "move its rows to that sheet, or load it as a file of its own",
                           "សន្លឹកនេះក៏មានជួរដេក{kind:term}ដែរ ប៉ុន្តែឯកសារមួយត្រូវបានផ្ទុកពីសន្លឹកតែមួយ ('{first}')៖ "
                           "សូមផ្លាស់ទីជួរដេករបស់វាទៅសន្លឹកនោះ ឬផ្ទុកវាជាឯកសារដាច់ដោយឡែក",
                           _t("one sheet of data per file", "សន្លឹកទិន្នន័យតែមួយក្នុងមួយឯកសារ")),
    "database-unavailable": _e("the database did not answer during the load; nothing was written",
                               "មូលដ្ឋានទិន្នន័យមិនបានឆ្លើយតបអំឡុងពេលផ្ទុក; គ្មានអ្វីត្រូវបានសរសេរទេ",
                               _t("a database that answers", "មូលដ្ឋានទិន្នន័យដែលឆ្លើយតប")),
    "cannot-open-file": _e("cannot open the file: {error}", "មិនអាចបើកឯកសារបានទេ៖ {error}",
                           _t("a readable file", "ឯកសារដែលអាចអានបាន")),
    "out-of-memory-checking": Entry(_OUT_OF_MEMORY, _t("a workbook a load can hold in memory",
                                                       "សៀវភៅបញ្ជីដែលការផ្ទុកមួយអាចដាក់ក្នុងអង្គចងចាំបាន")),
    "out-of-memory": Entry(_OUT_OF_MEMORY, _t("a file a load can read within its memory",
                                              "ឯកសារដែលការផ្ទុកមួយអាចអានបានក្នុងអង្គចងចាំរបស់វា")),
    "unforeseen-failure": _e("the file could not be read ({error}); nothing was loaded",
                             "មិនអាចអានឯកសារបានទេ ({error}); មិនបានផ្ទុកអ្វីទេ",
                             _t("a readable workbook", "សៀវភៅបញ្ជីដែលអាចអានបាន")),
    "large-replacement": Entry(_LARGE_BEFORE + _REPLACES + _LARGE_AFTER, _CONFIRM),
    "large-indicator-replacement": Entry(_LARGE_BEFORE + _REPLACES_INDICATORS + _LARGE_AFTER, _CONFIRM),
    "file-too-large": _e("the file is too large", "ឯកសារធំពេក",
                         _t("at most {megabytes} MB", "យ៉ាងច្រើន {megabytes} MB")),
    # The reader's refusals (etl.read raises these).
    "file-empty": _e("the file is empty", "ឯកសារទទេ", _WORKBOOK),
    "file-too-big": _e("the file is {size:.0f} MB; at most {maximum:.0f} MB is accepted",
                       "ឯកសារមានទំហំ {size:.0f} MB; ទទួលយកយ៉ាងច្រើន {maximum:.0f} MB", _WORKBOOK),
    "too-many-parts": _e("the workbook has {parts} parts; at most {maximum} are accepted",
                         "សៀវភៅបញ្ជីមាន {parts} ផ្នែក; ទទួលយកយ៉ាងច្រើន {maximum}", _WORKBOOK),
    "unpacks-too-large": _e("the workbook unpacks to {size:.0f} MB; at most {maximum:.0f} MB is accepted",
                            "សៀវភៅបញ្ជីពន្លាចេញបាន {size:.0f} MB; ទទួលយកយ៉ាងច្រើន {maximum:.0f} MB", _WORKBOOK),
    "zip-bomb": _e("part {part} is compressed {ratio:.0f} times: refused as a possible zip bomb",
                   "ផ្នែក {part} ត្រូវបានបង្ហាប់ {ratio:.0f} ដង៖ ត្រូវបានបដិសេធ ព្រោះអាចជាឯកសារ zip "
                   "ដែលពន្លាចេញធំហួសហេតុ", _WORKBOOK),
    "part-too-large": _e("the {what:term} part {part} unpacks to {size:,.0f} MB; at most {maximum:,.0f} MB is accepted",
                         "ផ្នែក{what:term} {part} ពន្លាចេញបាន {size:,.0f} MB; ទទួលយកយ៉ាងច្រើន {maximum:,.0f} MB",
                         _WORKBOOK),
    "damaged-part": _e("part {part} of the workbook cannot be read ({error})",
                       "មិនអាចអានផ្នែក {part} នៃសៀវភៅបញ្ជីបានទេ ({error})", _WORKBOOK),
    "too-many-strings": _e("the shared strings part {part} declares {declared:,} strings in {size:,} bytes: "
                           "refused as a malformed workbook",
                           "ផ្នែកអត្ថបទរួម {part} ប្រកាសថាមានអត្ថបទ {declared:,} ក្នុង {size:,} បៃ៖ "
                           "ត្រូវបានបដិសេធ ព្រោះជាសៀវភៅបញ្ជីខូចទម្រង់", _WORKBOOK),
    "sheet-too-wide": _e("sheet {sheet!r} spans {span}; at most {maximum} columns are read",
                         "សន្លឹក {sheet!r} លាតសន្ធឹង {span}; អានបានយ៉ាងច្រើន {maximum} ជួរឈរ", _WORKBOOK),
    "sheet-too-long": _e("sheet {sheet!r} spans {span}; at most {maximum:,} rows are read",
                         "សន្លឹក {sheet!r} លាតសន្ធឹង {span}; អានបានយ៉ាងច្រើន {maximum:,} ជួរដេក", _WORKBOOK),
    "sheet-too-many-cells": _e("sheet {sheet!r} spans {span}, {cells:,} cells; at most {maximum:,} cells are read",
                               "សន្លឹក {sheet!r} លាតសន្ធឹង {span} ស្មើនឹង {cells:,} ក្រឡា; "
                               "អានបានយ៉ាងច្រើន {maximum:,} ក្រឡា", _WORKBOOK),
    "opendocument": _e("the file is an OpenDocument spreadsheet (.ods): in LibreOffice, use File > Save As and choose "
                       "'Excel 2007-365 (.xlsx)', then load the .xlsx",
                       "ឯកសារនេះជាសៀវភៅបញ្ជី OpenDocument (.ods)៖ ក្នុង LibreOffice សូមប្រើ File > Save As ហើយជ្រើស "
                       "'Excel 2007-365 (.xlsx)' រួចផ្ទុកឯកសារ .xlsx នោះ", _WORKBOOK),
    "not-a-workbook": _e("the file is not an Excel workbook (.xlsx) nor a CSV file",
                         "ឯកសារនេះមិនមែនជាសៀវភៅបញ្ជី Excel (.xlsx) ឬឯកសារ CSV ទេ", _WORKBOOK),
    "zip-not-workbook": _e("the file is a zip archive but not an Excel workbook",
                           "ឯកសារនេះជាបណ្ណសារ zip ប៉ុន្តែមិនមែនជាសៀវភៅបញ្ជី Excel ទេ", _WORKBOOK),
    "structure-refused": _e("the workbook's structure was refused ({error})",
                            "រចនាសម្ព័ន្ធនៃសៀវភៅបញ្ជីត្រូវបានបដិសេធ ({error})", _WORKBOOK),
    "workbook-unreadable": _e("the workbook cannot be read: {error}", "មិនអាចអានសៀវភៅបញ្ជីបានទេ៖ {error}",
                              _WORKBOOK),
    "sheet-unreadable": _e("sheet {name!r} cannot be read: {error}", "មិនអាចអានសន្លឹក {name!r} បានទេ៖ {error}",
                           _WORKBOOK),
    "csv-not-utf16": Entry(_t("the CSV file is not readable UTF-16 text: ",
                              "ឯកសារ CSV មិនមែនជាអត្ថបទ UTF-16 ដែលអាចអានបានទេ៖ ") + _SAVE_AS_UTF8, _WORKBOOK),
    "csv-not-utf8": Entry(_t("the CSV file is not UTF-8 text (byte {byte:,} is not UTF-8), so Khmer letters cannot be "
                             "read from it: ",
                             "ឯកសារ CSV មិនមែនជាអត្ថបទ UTF-8 ទេ (បៃទី {byte:,} មិនមែនជា UTF-8) "
                             "ដូច្នេះមិនអាចអានអក្សរខ្មែរពីវាបានទេ៖ ") + _SAVE_AS_UTF8, _WORKBOOK),
    "csv-not-text": _e("the file is not a text CSV file", "ឯកសារនេះមិនមែនជាឯកសារអត្ថបទ CSV ទេ", _WORKBOOK),
    "csv-lost-text": Entry(_t("row {row:,} holds {cell!r} where there was text: the file was saved in an encoding "
                              "without Khmer letters, which replaced them; ",
                              "ជួរដេក {row:,} មាន {cell!r} នៅកន្លែងដែលធ្លាប់មានអត្ថបទ៖ ឯកសារត្រូវបានរក្សាទុកក្នុង"
                              "ការអ៊ិនកូដដែលគ្មានអក្សរខ្មែរ ដែលបានជំនួសអក្សរទាំងនោះ; ") + _SAVE_AS_UTF8, _WORKBOOK),
    "csv-row-too-wide": _e("row {row:,} has {columns:,} columns; at most {maximum} columns are read",
                           "ជួរដេក {row:,} មាន {columns:,} ជួរឈរ; អានបានយ៉ាងច្រើន {maximum} ជួរឈរ", _WORKBOOK),
    "csv-too-many-rows": _e("the file has more than {maximum:,} rows; at most {maximum:,} rows are read",
                            "ឯកសារមានច្រើនជាង {maximum:,} ជួរដេក; អានបានយ៉ាងច្រើន {maximum:,} ជួរដេក", _WORKBOOK),
    "csv-too-many-cells": _e("the file has more than {maximum:,} cells; at most {maximum:,} cells are read",
                             "ឯកសារមានច្រើនជាង {maximum:,} ក្រឡា; អានបានយ៉ាងច្រើន {maximum:,} ក្រឡា", _WORKBOOK),
    "old-xls": _e("old .xls workbooks are not accepted: save the file as .xlsx",
                  "មិនទទួលយកសៀវភៅបញ្ជី .xls ចាស់ទេ៖ សូមរក្សាទុកឯកសារជា .xlsx", _WORKBOOK),
    "out-of-memory-reading": Entry(_OUT_OF_MEMORY, _WORKBOOK),
    # The submission workbook's sentences (etl.submission_workbook).
    "no-lines-sheet": _e("no sheet {sheet!r} with the header of a submission workbook ({columns:comma} …) was found",
                         "រកមិនឃើញសន្លឹក {sheet!r} ដែលមានជួរក្បាលតារាងនៃសៀវភៅបញ្ជីសំណើថវិកា ({columns:comma} …) ទេ",
                         _t("a sheet {sheet!r} with its header row", "សន្លឹក {sheet!r} ដែលមានជួរក្បាលតារាងរបស់វា")),
    "no-submission": _e("{column}: there is no submission for {year}: the budget unit opens it first "
                        "(Submission page, or POST /api/v1/submissions)",
                        "{column}៖ គ្មានសំណើថវិកាសម្រាប់ឆ្នាំ {year} ទេ៖ ផ្នែកថវិកាត្រូវបើកវាជាមុនសិន "
                        "(ទំព័រសំណើថវិកា ឬ POST /api/v1/submissions)",
                        _t("the year of an open submission", "ឆ្នាំនៃសំណើថវិកាដែលបានបើក")),
    "submission-submitted": Entry(_t("the submission of {year} is {status:term}: it is read-only until MEF returns it",
                                     "សំណើថវិកាឆ្នាំ {year} {status:term}៖ វាសម្រាប់អានតែប៉ុណ្ណោះ "
                                     "រហូតដល់ ក.ស.ហ.វ បង្វិលវាត្រឡប់មកវិញ"), _CHANGEABLE),
    "submission-read-only": Entry(_t("the submission of {year} is {status:term}: it is read-only unless MEF reopens it",
                                     "សំណើថវិកាឆ្នាំ {year} {status:term}៖ វាសម្រាប់អានតែប៉ុណ្ណោះ "
                                     "លុះត្រាតែ ក.ស.ហ.វ បើកវាឡើងវិញ"), _CHANGEABLE),
    "draft-closed-to-provinces": Entry(_t("the draft of {year} is not open to provinces: {user} may change its lines "
                                          "once the budget unit opens it",
                                          "សេចក្តីព្រាងឆ្នាំ {year} មិនទាន់បើកជូនខេត្តទេ៖ {user} អាចកែជួរថវិការបស់វាបាន "
                                          "នៅពេលផ្នែកថវិកាបើកវាជូនខេត្ត"), _CHANGEABLE),
    "role-changes-no-submission": Entry(_t("{user} ({role}) may not change a submission: the budget unit does, and a "
                                           "provincial director for his or her province while the draft is open to "
                                           "provinces",
                                           "{user} ({role}) មិនអាចកែសំណើថវិកាបានទេ៖ ផ្នែកថវិកាជាអ្នកកែ ហើយប្រធានមន្ទីរខេត្ត"
                                           "កែបានសម្រាប់ខេត្តរបស់ខ្លួន នៅពេលសេចក្តីព្រាងបើកជូនខេត្ត"), _CHANGEABLE),
    "no-targets-header": _e("the sheet {sheet!r} holds cells but no header row of targets ({columns:comma}) was found",
                            "សន្លឹក {sheet!r} មានក្រឡាដែលមានតម្លៃ ប៉ុន្តែរកមិនឃើញជួរក្បាលតារាងនៃគោលដៅ ({columns:comma}) ទេ",
                            _t("the header row {columns:comma}", "ជួរក្បាលតារាង {columns:comma}")),
    "unexpected-year": _e("{column}: this workbook is for {year}, whose years are {year} to {last}",
                          "{column}៖ សៀវភៅបញ្ជីនេះសម្រាប់ឆ្នាំ {year} ដែលឆ្នាំរបស់វាគឺពី {year} ដល់ {last}",
                          _t("the columns {columns:comma}", "ជួរឈរ {columns:comma}")),
    "other-province": _e("{column}: {user} may write the lines and targets of province {province} only, not of {code}",
                         "{column}៖ {user} អាចសរសេរបានតែជួរថវិកា និងគោលដៅនៃខេត្ត {province} ប៉ុណ្ណោះ មិនមែននៃ {code} ទេ",
                         _t("province {province}", "ខេត្ត {province}")),
    "unknown-cluster": _e("{column}: {code!r} is not in the programme structure",
                          "{column}៖ {code!r} មិនមាននៅក្នុងរចនាសម្ព័ន្ធកម្មវិធីទេ", _CLUSTER),
    "activity-for-cluster": _e("{column}: {code!r} is an activity; a line is per activity cluster (here {cluster!r})",
                               "{column}៖ {code!r} ជាសកម្មភាព; ជួរថវិកាមួយគឺសម្រាប់ចង្កោមសកម្មភាពមួយ (នៅទីនេះ {cluster!r})",
                               _CLUSTER),
    "not-a-cluster": _e("{column}: {code!r} is a {level}, not an activity cluster",
                        "{column}៖ {code!r} ជា {level} មិនមែនជាចង្កោមសកម្មភាពទេ", _CLUSTER),
    "unknown-chapter": _e("{column}: {code!r} is not in the economic classification",
                          "{column}៖ {code!r} មិនមាននៅក្នុងចំណាត់ថ្នាក់សេដ្ឋកិច្ចទេ", _CHAPTER),
    "account-for-chapter": _e("{column}: {code!r} is an account of chapter {chapter!r}; a line is per chapter",
                              "{column}៖ {code!r} ជាគណនីនៃជំពូក {chapter!r}; ជួរថវិកាមួយគឺសម្រាប់ជំពូកមួយ", _CHAPTER),
    "not-a-version": _e("{column}: {value!r} is not a version; leave the column as the workbook wrote it "
                        "(blank on a new row)",
                        "{column}៖ {value!r} មិនមែនជាកំណែទេ; សូមទុកជួរឈរនេះដូចដែលសៀវភៅបញ្ជីបានសរសេរ "
                        "(ទទេនៅលើជួរដេកថ្មី)",
                        _t("the version the workbook was written with", "កំណែដែលសៀវភៅបញ្ជីត្រូវបានសរសេរជាមួយ")),
    "changed-after-writing": Entry(_t("{column}: this {what:term} was changed by {user} on {when} UTC",
                                      "{column}៖ {what:term}នេះត្រូវបាន {user} កែនៅ {when} UTC") + _AFTER_WRITING,
                                   _CURRENT_VERSION),
    "changed-after-writing-undated": Entry(_t("{column}: this {what:term} was changed by {user}",
                                              "{column}៖ {what:term}នេះត្រូវបាន {user} កែ") + _AFTER_WRITING,
                                           _CURRENT_VERSION),
    "text-too-long": _e("{column}: at most {maximum:,} characters, not {length:,}",
                        "{column}៖ យ៉ាងច្រើន {maximum:,} តួអក្សរ មិនមែន {length:,} ទេ",
                        _t("at most {maximum:,} characters", "យ៉ាងច្រើន {maximum:,} តួអក្សរ")),
    "control-character": _e("{column}: the text holds a control character (line breaks and tabs are fine); "
                            "type it again",
                            "{column}៖ អត្ថបទមានតួអក្សរបញ្ជា (ការចុះបន្ទាត់ និងថេបអាចប្រើបាន); សូមវាយវាម្ដងទៀត",
                            _t("text without control characters", "អត្ថបទដែលគ្មានតួអក្សរបញ្ជា")),
    "duplicate-line": _e("the same entity, cluster, economic code and funding source as row {first} (a line twice)",
                         "អង្គភាព ចង្កោមសកម្មភាព កូដសេដ្ឋកិច្ច និងប្រភពថវិកា ដូចគ្នានឹងជួរដេក {first} (ជួរថវិកាស្ទួន)",
                         _t("one row per line", "ជួរដេកតែមួយសម្រាប់ជួរថវិកានីមួយៗ")),
    "unknown-target-indicator": _e("{column}: {code!r} is not in the indicator catalogue",
                                   "{column}៖ {code!r} មិនមាននៅក្នុងបញ្ជីសូចនាករទេ",
                                   _t("an indicator of the catalogue", "សូចនាករមួយនៃបញ្ជីសូចនាករ")),
    "negative-target": _e("{column}: a target is not negative ({value:g})",
                          "{column}៖ គោលដៅមិនអាចជាលេខអវិជ្ជមានទេ ({value:g})",
                          _t("a target of 0 or more", "គោលដៅ 0 ឬច្រើនជាងនេះ")),
    "duplicate-target": _e("the same indicator and unit as row {first} (a target twice)",
                           "សូចនាករ និងទីតាំងដូចគ្នានឹងជួរដេក {first} (គោលដៅស្ទួន)",
                           _t("one row per indicator and unit", "ជួរដេកតែមួយសម្រាប់សូចនាករ និងទីតាំងនីមួយៗ")),
    "no-lines-or-targets": _e("the workbook holds no line and no target",
                              "សៀវភៅបញ្ជីគ្មានជួរថវិកា ឬគោលដៅណាមួយទេ",
                              _t("at least one line or target", "ជួរថវិកា ឬគោលដៅយ៉ាងហោចណាស់មួយ")),
    # The submission's write layer (db.submissions) checks everything once more; its own words
    # (English) are the detail.
    "write-refused": _e("{detail}", "ការសរសេរសំណើថវិកាបានបដិសេធ៖ {detail}",
                        _t("a value the submission takes", "តម្លៃដែលសំណើថវិកាទទួលយក")),
    "changed-while-loading": _e("{column}: changed by {user} while the file was loading; load it again",
                                "{column}៖ ត្រូវបាន {user} កែ ខណៈពេលកំពុងផ្ទុកឯកសារ; សូមផ្ទុកវាម្ដងទៀត",
                                _t("the line as the workbook read it", "ជួរថវិកាដូចដែលសៀវភៅបញ្ជីបានអាន")),
    "write-forbidden": _e("not permitted: {what}", "មិនអនុញ្ញាតទេ៖ {what}",
                          _t("a line you may write", "ជួរថវិកាដែលអ្នកអាចសរសេរបាន")),
    "flag-needs-justification": _e(
        "{column}: the line is flagged ({flags:comma}); it needs a justification of at least {minimum} characters "
        "before the submission can be submitted",
        "{column}៖ ជួរថវិកានេះមានសញ្ញាព្រមាន ({flags:comma}); វាត្រូវការការពន្យល់ហេតុផលយ៉ាងហោចណាស់ {minimum} តួអក្សរ "
        "មុនពេលសំណើថវិកាអាចដាក់ជូនបាន",
        _t("at least {minimum} characters", "យ៉ាងហោចណាស់ {minimum} តួអក្សរ")),
}

# --- the lines of a load's report (LoadReport) ---------------------------------------------------------

_LOADED = _t("{file}: loaded {rows:,} {kind:term} rows as batch {batch}",
             "{file}៖ បានផ្ទុក {rows:,} ជួរដេក{kind:term} ជាបាច់ {batch}")
_WARNINGS = _t(" ({warnings} warning(s))", " (ការព្រមាន {warnings})")
_SUBMISSION_CHANGES = _t("{lines:,} line(s) ({lines_created:,} new, {lines_changed:,} changed), {targets:,} target(s) "
                         "({targets_created:,} new, {targets_changed:,} changed)",
                         "ជួរថវិកា {lines:,} (ថ្មី {lines_created:,} កែប្រែ {lines_changed:,}) គោលដៅ {targets:,} "
                         "(ថ្មី {targets_created:,} កែប្រែ {targets_changed:,})")

LINES: dict[str, Text] = {
    "summary-loaded": _LOADED + _WARNINGS,
    "summary-loaded-replacing": _LOADED + _t(", replacing batch {superseded}", " ជំនួសបាច់ {superseded}") + _WARNINGS,
    "summary-valid": _t("{file}: valid {kind:term} file, {rows:,} rows (dry run, nothing loaded)",
                        "{file}៖ ឯកសារ{kind:term}ត្រឹមត្រូវ {rows:,} ជួរដេក (ពិនិត្យតែប៉ុណ្ណោះ មិនបានផ្ទុកអ្វីទេ)"),
    "summary-duplicate": _t("{file}: already loaded as batch {batch} (same checksum); nothing changed",
                            "{file}៖ បានផ្ទុករួចហើយជាបាច់ {batch} (ឯកសារដដែល); គ្មានអ្វីផ្លាស់ប្ដូរទេ"),
    "summary-failed": _t("{file}: the database did not answer; nothing was loaded, load the file again later",
                         "{file}៖ មូលដ្ឋានទិន្នន័យមិនបានឆ្លើយតប; មិនបានផ្ទុកអ្វីទេ សូមផ្ទុកឯកសារម្ដងទៀតនៅពេលក្រោយ"),
    "summary-rejected": _t("{file}: rejected with {errors} problem(s); nothing loaded",
                           "{file}៖ ត្រូវបានបដិសេធ ដោយមានបញ្ហា {errors}; មិនបានផ្ទុកអ្វីទេ"),
    "replacement": _REPLACES,
    "replacement-indicators": _REPLACES_INDICATORS,
    "replaced": _t("  replaced ", "  បានជំនួស ") + _REPLACES,
    "replaced-indicators": _t("  replaced ", "  បានជំនួស ") + _REPLACES_INDICATORS,
    "would-replace": _t("  would replace ", "  នឹងជំនួស ") + _REPLACES,
    "would-replace-indicators": _t("  would replace ", "  នឹងជំនួស ") + _REPLACES_INDICATORS,
    "warning-prefix": _t("warning: ", "ការព្រមាន៖ "),
    # A submission workbook's report (etl.submission_workbook.SubmissionReport).
    "submission-loaded": _t("{file}: loaded the submission of {year} as {user}: ",
                            "{file}៖ បានរក្សាទុកសំណើថវិកាឆ្នាំ {year} ក្នុងនាម {user}៖ ") + _SUBMISSION_CHANGES
    + _t("; {warnings} warning(s)", "; ការព្រមាន {warnings}"),
    "submission-valid": _t("{file}: valid submission workbook for {year}: ",
                           "{file}៖ សៀវភៅបញ្ជីសំណើថវិកាឆ្នាំ {year} ត្រឹមត្រូវ៖ ") + _SUBMISSION_CHANGES
    + _t(" (dry run, nothing written)", " (ពិនិត្យតែប៉ុណ្ណោះ មិនបានសរសេរអ្វីទេ)"),
    "submission-failed": _t("{file}: the database did not answer; nothing was written, load the file again later",
                            "{file}៖ មូលដ្ឋានទិន្នន័យមិនបានឆ្លើយតប; មិនបានសរសេរអ្វីទេ សូមផ្ទុកឯកសារម្ដងទៀតនៅពេលក្រោយ"),
    "submission-rejected": _t("{file}: rejected with {errors} problem(s); nothing written",
                              "{file}៖ ត្រូវបានបដិសេធ ដោយមានបញ្ហា {errors}; មិនបានសរសេរអ្វីទេ"),
}


# --- rendering ----------------------------------------------------------------------------------------

Params = tuple[tuple[str, object], ...]


class _Value:
    """A parameter as a template sees it: formats by the extras of this module's docstring."""

    __slots__ = ("value", "lang")

    def __init__(self, value: object, lang: str) -> None:
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        if spec == "term":
            found = TERMS.get(self.value) if isinstance(self.value, str) else None
            return found.get(self.lang) if found else str(self.value)
        if spec == "type":
            found = TYPES.get(self.value) if isinstance(self.value, str) else None
            return found.get(self.lang) if found else str(self.value)
        if spec in _JOINS:
            items = self.value if isinstance(self.value, (list, tuple)) else (self.value,)
            return _JOINS[spec].get(self.lang).join(map(str, items))
        return format(self.value, spec)

    def __repr__(self) -> str:
        return repr(self.value)

    def __str__(self) -> str:
        return str(self.value)


class _Missing:
    """A parameter the template names but the problem lacks: shown as its placeholder."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __format__(self, _spec: str) -> str:
        return str(self)

    def __str__(self) -> str:
        return "{" + self.name + "}"

    __repr__ = __str__


class _Fields(dict):
    def __missing__(self, name: str) -> _Missing:
        return _Missing(name)


def fill(template: str, params: Mapping[str, object] | Params, lang: str = "en") -> str | None:
    """``template`` with ``params``; None when a parameter does not fit its field (never raises)."""
    pairs = params.items() if isinstance(params, Mapping) else params
    fields = _Fields((name, _Value(value, lang)) for name, value in pairs)
    try:
        return string.Formatter().vformat(template, (), fields)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def message(code: str, params: Mapping[str, object] | Params, lang: str = "en") -> str | None:
    """The sentence of message ``code`` in ``lang``; None for a code the catalogue does not know."""
    entry = MESSAGES.get(code)
    return None if entry is None else fill(entry.message.get(lang), params, lang)


def expected(code: str, params: Mapping[str, object] | Params, lang: str = "en") -> str | None:
    """What message ``code`` says was expected, in ``lang``; None for an unknown code."""
    entry = MESSAGES.get(code)
    return None if entry is None else fill(entry.expected.get(lang), params, lang)


def line(key: str, lang: str = "en", /, **params: object) -> str:
    """A line of a load's report (:data:`LINES`) in ``lang``."""
    text = fill(LINES[key].get(lang), params, lang)
    return text if text is not None else fill(LINES[key].en, params, "en") or key


def term(word: str, lang: str = "en") -> str:
    """A word of :data:`TERMS` in ``lang`` (the word itself when it is not one)."""
    found = TERMS.get(word)
    return found.get(lang) if found else word


def field_names(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def plain(value: object) -> object:
    """A parameter as a plain JSON value: numpy scalars become Python numbers, lists tuples."""
    if isinstance(value, (list, tuple)):
        return tuple(plain(v) for v in value)
    if value is None or isinstance(value, (str, bool)):
        return value
    if hasattr(value, "item"):  # a numpy scalar (numpy's float64 is a float, its int64 no int)
        try:
            return plain(value.item())
        except (TypeError, ValueError):
            return str(value)
    return value if isinstance(value, (int, float)) else str(value)


@dataclass(frozen=True)
class Msg:
    """A message code and its parameters: what a problem says, before it is said in a language."""

    code: str
    params: Params = ()

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang`` (the code itself for a code the catalogue does not know)."""
        return message(self.code, self.params, lang) or self.code

    def expected(self, lang: str = "en") -> str:
        """What was expected instead, in ``lang``."""
        return expected(self.code, self.params, lang) or ""

    def with_params(self, **more: object) -> Msg:
        """The same message with more parameters (a cell's error gets its column)."""
        return msg(self.code, **(dict(self.params) | more))


def as_params(values: Mapping[str, object]) -> Params:
    """Parameters as a problem holds them: plain values, in a fixed order (a problem is frozen)."""
    return tuple(sorted((name, plain(value)) for name, value in values.items()))


def msg(code: str, /, **params: object) -> Msg:
    """The message ``code`` with its parameters."""
    return Msg(code, as_params(params))

