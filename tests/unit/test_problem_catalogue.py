"""The catalogue of the loader's problems (etl.problem_catalogue): every type, message, phrase
and report line in English and Khmer, with the same parameters, and every code the loader uses
in it. A Khmer user must see no English sentence on the Data page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl import problem_catalogue as catalogue
from etl.problem_catalogue import LINES, MESSAGES, TERMS, TYPES, Text, field_names, msg
from etl.problems import ERROR, WARNING, Problem
from tests.helpers.words import ENGLISH_WORDS, KHMER, literal_words, placeholders_only

ROOT = Path(__file__).resolve().parents[2]


def _catalogue_texts() -> dict[str, Text]:
    texts = {f"type {k}": v for k, v in TYPES.items()} | {f"term {k}": v for k, v in TERMS.items()}
    texts |= {f"line {k}": v for k, v in LINES.items()}
    for code, entry in MESSAGES.items():
        texts[f"message {code}"] = entry.message
        texts[f"expected {code}"] = entry.expected
    return texts


# --- the problems' catalogue ---------------------------------------------------------------------------


def test_the_catalogue_counts():
    assert len(TYPES) >= 28  # counted when the catalogue was made; new problems add to it
    assert len(MESSAGES) >= 86
    assert len(LINES) >= 13
    # Every sentence and phrase once in English and once in Khmer.
    texts = _catalogue_texts()
    assert len([t.en for t in texts.values()]) == len([t.km for t in texts.values()]) == len(texts)


@pytest.mark.parametrize("name", sorted(_catalogue_texts()))
def test_every_template_has_khmer_with_the_same_parameters(name):
    text = _catalogue_texts()[name]
    assert field_names(text.en) == field_names(text.km), name
    if placeholders_only(text.en):
        return  # "{summed:,.0f}": nothing to translate
    assert text.km != text.en
    assert KHMER.search(text.km), text.km
    assert not ENGLISH_WORDS.search(literal_words(text.km)), text.km


def test_only_the_more_of_kind_line_expects_nothing():
    assert [code for code, entry in MESSAGES.items() if not entry.expected.en] == ["more-of-kind"]
    assert all(entry.message.en for entry in MESSAGES.values())


def _sources(folder: str) -> list[str]:
    """The Python files of a folder, but the catalogue itself."""
    return [path.read_text(encoding="utf-8") for path in sorted((ROOT / folder).glob("*.py"))
            if path.name != "problem_catalogue.py"]


def _source_literals(folder: str) -> set[str]:
    """The kebab-case string literals of a folder's Python files (codes, types and a few others)."""
    return {found for source in _sources(folder)
            for found in re.findall(r"""["']([a-z0-9]+(?:-[a-z0-9]+)+)["']""", source)}


# Kebab-case literals of etl/ that are no problem type or message code.
NOT_PROBLEMS = {"utf-8", "utf-8-sig", "utf-16", "pib-load-writer", "pib-load-reader", "mixed-integer-float",
                "sub-programme", "load-slots"}


def test_every_code_and_type_in_the_loader_is_in_the_catalogue():
    used = _source_literals("etl")
    # Every message code the loader names (msg, CellError, UnreadableFile) has its entry.
    said = {code for source in _sources("etl")
            for code in re.findall(r"""(?:msg|CellError|UnreadableFile)\(\s*["']([a-z0-9-]+)["']""", source)}
    assert said and said <= set(MESSAGES)
    # Every other kebab-case literal is a type or a report line of the catalogue (or named above).
    assert used - set(MESSAGES) - set(LINES) - NOT_PROBLEMS - set(TYPES) == set()
    # And the catalogue holds nothing the loader does not say: no dead words.
    everything = "\n".join(_sources("etl") + _sources("pages"))
    assert [code for code in TYPES if f'"{code}"' not in everything] == []
    assert [code for code in MESSAGES if f'"{code}"' not in everything] == [], "codes no one raises"


def test_the_types_in_the_data_contract_are_the_catalogues():
    contract = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    section = contract.split("## Problem types", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.M))
    assert listed == set(TYPES)
    for code, text in TYPES.items():
        assert text.en in section, code


# --- rendering ---------------------------------------------------------------------------------------


def _problem(said, type_="type-error", severity=ERROR) -> Problem:
    return Problem.of("june.xlsx", "data", 2, "paid", "-5", said, type_, severity)


def test_a_problem_keeps_its_english_and_says_it_in_khmer():
    problem = _problem(msg("negative-amount", column="paid", amount=-5.0), "negative-amount")
    assert problem.message == "paid: a negative amount (-5) is not accepted"
    assert problem.expected == "an amount of 0 or more"
    assert problem.render() == "june.xlsx:data:2:paid: paid: a negative amount (-5) is not accepted"
    assert problem.message_in("km") == "paid៖ មិនទទួលយកចំនួនទឹកប្រាក់អវិជ្ជមាន (-5) ទេ"
    assert problem.expected_in("km") == "ចំនួនទឹកប្រាក់ 0 ឬច្រើនជាងនេះ"
    assert problem.as_dict()["params"] == {"column": "paid", "amount": -5.0}
    assert Problem.from_dict(problem.as_dict()) == problem


def test_a_warning_is_marked_in_either_language():
    problem = _problem(msg("rows-after-total", count=2, total_row=8), "rows-after-total", WARNING)
    assert problem.render() == ("june.xlsx:data:2:paid: warning: 2 row(s) below the totals row (row 8) "
                                "were not loaded")
    assert problem.render("km").startswith("june.xlsx:data:2:paid: ការព្រមាន៖ ជួរដេកចំនួន 2")
    assert problem.for_person("km")["severity"] == "ការព្រមាន"
    assert problem.for_person("en")["severity"] == "warning"


def test_lists_terms_and_types_are_said_in_the_language():
    choices = msg("not-one-of", column="direction", value="up", choices=["increase", "decrease"])
    assert choices.text() == "direction 'up' is not one of increase, decrease"
    assert choices.expected() == "increase or decrease" and choices.expected("km") == "increase ឬ decrease"
    style = msg("number-style-mismatch", column="paid", value="1.234,5", found="khmer", style="english",
                example="1,200")
    assert "written the Khmer way" in style.text() and "តាមរបៀបខ្មែរ" in style.text("km")
    more = msg("more-of-kind", count=3, kind="type-error")
    assert more.text() == "… and 3 more problems of the same kind (type-error) in this column"
    assert TYPES["type-error"].km in more.text("km")


def test_rendering_never_fails_it_falls_back_to_the_stored_english():
    stored = {"file": "old.xlsx", "sheet": "data", "row": 3, "column": "paid", "value": "x",
              "expected": "a number", "message": "paid: 'x' is not a number", "type": "type-error",
              "severity": "error"}  # a problem stored before the catalogue: no code
    old = Problem.from_dict(stored)
    assert old.message_in("km") == stored["message"] and old.expected_in("km") == "a number"
    unknown = Problem.from_dict(stored | {"code": "no-such-code", "params": {"column": "paid"}})
    assert unknown.message_in("km") == stored["message"] and unknown.render("km").endswith(stored["message"])
    # A parameter that does not fit its field (text where a number goes) falls back too.
    wrong = Problem.from_dict(stored | {"code": "negative-amount", "params": {"column": "paid", "amount": "x"}})
    assert wrong.message_in("km") == stored["message"]
    # A missing parameter shows its placeholder rather than failing.
    assert catalogue.message("negative-number", {}, "km") == "{column} មិនត្រូវជាលេខអវិជ្ជមានទេ"
    assert catalogue.message("no-such-code", {}, "km") is None


def test_parameters_are_plain_json_values():
    import numpy as np

    said = msg("total-mismatch", column="paid", stated=np.float64(999), summed=np.int64(1000))
    assert dict(said.params) == {"column": "paid", "stated": 999.0, "summed": 1000}
    assert type(dict(said.params)["summed"]) is int
    assert said.text() == "paid: the totals row says 999 but the rows add up to 1,000"


def test_a_loads_summary_and_replacements_in_english_as_before_and_in_khmer():
    from etl.load import LoadReport
    from etl.replacements import Replacement

    replaced = Replacement(2025, "2025-06", "07", 4, 1, 8_000_000_000, 700_000_000, 4_000_000_000, 639_500_000)
    indicators = Replacement(2025, "2025-06", "07", 12, 3, 0, 0, kind="indicators")
    loaded = LoadReport("june.xlsx", "loaded", "execution", 1234, 7, superseded=[3, 5],
                        replacements=[replaced, indicators])
    assert loaded.summary() == "june.xlsx: loaded 1,234 execution rows as batch 7, replacing batch 3, 5 (0 warning(s))"
    assert loaded.replacement_lines() == [
        "  replaced entity 07, 2025-06: 4 rows → 1; revised 8,000,000,000 → 700,000,000; "
        "paid 4,000,000,000 → 639,500,000 riels",
        "  replaced province 07, 2025-06: 12 indicator rows → 3"]
    assert replaced.render() == loaded.replacement_lines()[0].removeprefix("  replaced ")
    assert loaded.summary("km") == "june.xlsx៖ បានផ្ទុក 1,234 ជួរដេកការអនុវត្តថវិកា ជាបាច់ 7 ជំនួសបាច់ 3, 5 (ការព្រមាន 0)"
    assert all(line.startswith("  បានជំនួស ") for line in loaded.replacement_lines("km"))
    expected = {
        "valid": "june.xlsx: valid indicators file, 12 rows (dry run, nothing loaded)",
        "duplicate": "june.xlsx: already loaded as batch 7 (same checksum); nothing changed",
        "failed": "june.xlsx: the database did not answer; nothing was loaded, load the file again later",
        "rejected": "june.xlsx: rejected with 0 problem(s); nothing loaded",
    }
    for status, english in expected.items():
        report = LoadReport("june.xlsx", status, "indicators", 12, 7)
        assert report.summary() == english
        assert report.summary("km").startswith("june.xlsx៖ ") and KHMER.search(report.summary("km"))
    assert LoadReport("june.xlsx", "valid", "indicators", 12, replacements=[indicators]).replacement_lines("km") == [
        "  នឹងជំនួស ខេត្ត 07, 2025-06៖ 12 ជួរដេកសូចនាករ → 3"]
    assert LoadReport("june.xlsx", "rejected", replacements=[indicators]).replacement_lines() == []
