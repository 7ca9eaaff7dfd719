"""The labels of the pages in English and Khmer (i18n/messages.py and the words of indicators/).

A Khmer user must see no English sentence: both tables have the same keys, every label has the
same placeholders in both languages, and the Khmer is not the English copied.
"""

from __future__ import annotations

import importlib

import pytest

from db.models import BATCH_KINDS, BATCH_STATUSES
from i18n.costing import MESSAGES as COSTING
from i18n.messages import MESSAGES as UI
from indicators.methodology import ENTRIES
from indicators.submission import FLAG_WORDS
from tests.helpers.words import ENGLISH_WORDS, KHMER, field_names, literal_words, placeholders_only

# Labels that are the same in both languages on purpose: each language's name is written in
# that language, and PDF is PDF.
SAME_ON_PURPOSE = {"lang.en", "lang.km", "sheet.pdf"}


def test_the_english_and_khmer_tables_have_the_same_keys():
    english = {key: entry["en"] for key, entry in UI.items() if "en" in entry}
    khmer = {key: entry["km"] for key, entry in UI.items() if "km" in entry}
    assert set(english) == set(khmer) == set(UI)
    assert len(english) == len(khmer) == len(UI) >= 180  # the count of UI strings, in each language
    assert all(set(entry) == {"en", "km"} for entry in UI.values())
    assert all(english[key].strip() and khmer[key].strip() for key in UI)


def test_every_label_has_the_same_placeholders_and_is_translated():
    for key, entry in UI.items():
        assert field_names(entry["en"]) == field_names(entry["km"]), key
        if key in SAME_ON_PURPOSE or placeholders_only(entry["en"]):
            continue
        assert entry["km"] != entry["en"], key
        assert KHMER.search(entry["km"]), key
        assert not ENGLISH_WORDS.search(literal_words(entry["km"])), (key, entry["km"])


def test_the_flags_and_the_methodology_are_written_in_both_languages():
    for code, (english, khmer) in FLAG_WORDS.items():
        assert english.strip() and KHMER.search(khmer) and not ENGLISH_WORDS.search(literal_words(khmer)), code
    for entry in ENTRIES:
        for lang in ("en", "km"):
            assert entry.title(lang).strip() and entry.body(lang).strip(), entry.key
        assert KHMER.search(entry.title("km")) and KHMER.search(entry.body("km")), entry.key


def test_the_load_historys_machine_words_have_labels():
    # The history stores them in English; the Data page shows them in the user's language.
    assert all(f"data.status.{status}" in UI for status in BATCH_STATUSES)
    assert all(f"data.batch_kind.{kind}" in UI for kind in BATCH_KINDS)
    # In English the labels are the stored words themselves: the downloads for machines keep them.
    assert all(UI[f"data.status.{status}"]["en"] == status for status in BATCH_STATUSES)
    assert all(UI[f"data.batch_kind.{kind}"]["en"] == kind for kind in BATCH_KINDS)


AREAS = ("costing", "open_data", "review", "explanations", "inbox", "hearing_brief")


@pytest.mark.parametrize("area", AREAS)
def test_each_areas_labels_are_written_in_both_languages_and_join_the_table(area):
    from i18n import MESSAGES

    table = importlib.import_module(f"i18n.{area}").MESSAGES
    others = [importlib.import_module(f"i18n.{other}").MESSAGES for other in AREAS if other != area]
    assert not set(table) & set(UI)  # no key of the main table is overwritten
    assert not any(set(table) & set(other) for other in others)  # nor another area's
    assert all(MESSAGES[key] == entry for key, entry in table.items())
    for key, entry in table.items():
        assert set(entry) == {"en", "km"} and entry["en"].strip() and entry["km"].strip(), key
        assert field_names(entry["en"]) == field_names(entry["km"]), key
        if key in SAME_ON_PURPOSE or placeholders_only(entry["en"]):
            continue
        assert entry["km"] != entry["en"], key
        assert KHMER.search(entry["km"]), key
        assert not ENGLISH_WORDS.search(literal_words(entry["km"])), (key, entry["km"])


def test_the_costing_page_has_its_labels():
    assert len(COSTING) >= 40 and "nav.costing" in COSTING
