"""What keys a remembered answer (components/answers.py): arguments named with a leading
underscore are left out, so a callback that reads one is refused when it is declared."""

from __future__ import annotations

import pytest

from components.answers import remembered


def test_a_callback_that_reads_an_underscore_argument_is_refused():
    def shows_it(year, _asked):
        return [year, _asked]

    def shows_it_later(year, _asked):
        return lambda: _asked

    for callback in (shows_it, shows_it_later):
        with pytest.raises(TypeError, match="reads _asked"):
            remembered()(callback)


def test_a_callback_that_leaves_its_underscore_argument_unread_is_accepted():
    def orders_only(year, _asked):
        return [year, "_asked", year._asked]  # a constant and an attribute of that name

    assert remembered()(orders_only).__wrapped__ is orders_only
