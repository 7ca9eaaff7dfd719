"""How the tests tell Khmer from English in what the product says."""

from __future__ import annotations

import re
import string

KHMER = re.compile(r"[\u1780-\u17ff]")
# Two English words in a row, once placeholders are taken out: the start of a sentence.
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}['’]?[a-z]*[ \-][A-Za-z]{2,}")
# Names a Khmer user sees as they are written on their screen: menus of LibreOffice and Excel,
# file formats, notations of the data contract.
NAMES = ("File > Save As", "Save As", "Text CSV", "Unicode (UTF-8)", "CSV UTF-8 (Comma delimited)",
         "Excel 2007-365", "Excel (.xlsx)", "OpenDocument (.ods)", "--replace", "UTF-8", "UTF-16",
         "YYYY-MM", "YYYY-Qn")


def placeholders_only(template: str) -> bool:
    """Nothing but fields, spaces and punctuation: a template with no words to translate."""
    words = "".join(literal for literal, *_ in string.Formatter().parse(template))
    return not re.search(r"[^\W\d_]", words)


def literal_words(template: str) -> str:
    """A template's literal text, without its fields and the names kept as they are written."""
    text = " ".join(literal for literal, *_ in string.Formatter().parse(template))
    for name in NAMES:
        text = text.replace(name, " ")
    return text


def field_names(template: str) -> set[str]:
    """The placeholders of a ``str.format`` template."""
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(template) if name}


def without_parameters(problem, text: str) -> str:
    """``text`` without what the file holds (values, codes, library errors): those stay as found.

    ``problem`` is an ``etl.problems.Problem``; its parameters are taken out of ``text``, and so are
    the :data:`NAMES`.
    """
    for _name, value in problem.params:
        for shown in sorted({str(value), repr(value), *map(str, value if isinstance(value, tuple) else ())},
                            key=len, reverse=True):
            if shown:
                text = text.replace(shown, " ")
    for name in NAMES:
        text = text.replace(name, " ")
    return text


def assert_said_in_both_languages(problem) -> None:
    """A problem whose English is the catalogue's (the command line's contract) and whose Khmer is
    Khmer, with no English sentence left in it but what the file holds."""
    from etl.problem_catalogue import MESSAGES, TYPES

    assert problem.code in MESSAGES and problem.type in TYPES, problem
    assert problem.message_in("en") == problem.message, problem
    assert problem.expected_in("en") == problem.expected, problem
    khmer = problem.message_in("km")
    assert khmer != problem.message and KHMER.search(khmer), khmer
    assert not ENGLISH_WORDS.search(without_parameters(problem, khmer)), khmer
    expected = problem.expected_in("km")
    assert not ENGLISH_WORDS.search(without_parameters(problem, expected)), expected
