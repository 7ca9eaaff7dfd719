"""The pieces of /open that need no database: the rate limit's window and its Retry-After, the
tile colours, the period labels, the labels' two languages and the public scope's policy."""

from __future__ import annotations

import pytest

from domain.access import PAGE_ROLES, Forbidden, Scope
from i18n.messages import MESSAGES as SIGNED_IN_MESSAGES
from i18n.open_data import MESSAGES as OPEN_MESSAGES
from open_data.limits import SlidingWindow
from open_data.page import NO_DATA_COLOUR, colour, period_label


def test_the_window_refuses_past_the_limit_and_says_how_long_to_wait():
    window = SlidingWindow(window=60)
    assert [window.wait("a", 3, now=t) for t in (0, 10, 20)] == [0, 0, 0]
    assert window.wait("a", 3, now=30) == 30  # the first request leaves the window at 60
    assert window.wait("b", 3, now=30) == 0  # another address is counted apart
    assert window.wait("a", 3, now=60.5) == 0  # the first has left: one more may go
    assert window.wait("a", 3, now=61) == 10 - 1  # the next to leave is the one of t=10, at 70
    assert window.wait("a", 0, now=61) == 0  # 0 turns the limit off
    window.reset()
    assert window.wait("a", 1, now=62) == 0


def test_the_window_forgets_addresses_beyond_its_bound():
    window = SlidingWindow(window=60, max_addresses=100)
    for n in range(1000):
        window.wait(f"10.0.{n // 256}.{n % 256}", 5, now=float(n))
    assert len(window._hits) <= 100


def test_tile_colours_follow_the_scale_and_keep_text_readable():
    assert colour(None) == (NO_DATA_COLOUR, "#1c2430")
    assert colour(0.0) == ("#00204d", "#ffffff") and colour(1.0) == ("#ffea46", "#1c2430")
    assert colour(0.5, 0.5, 0.7)[0] == "#00204d" and colour(0.7, 0.5, 0.7)[0] == "#ffea46"
    assert colour(2.0)[0] == colour(1.0)[0]  # capped
    assert colour(0.6, 0.6, 0.6)[0] == colour(0.5)[0]  # one value: the middle of the scale


def test_period_labels_name_the_month_and_the_quarter_in_both_languages():
    assert period_label("2025-06", "en") == "June 2025 (Q2)"
    assert period_label("2025-05", "en") == "May 2025"
    assert period_label("2025-12", "km") == "ខែធ្នូ ឆ្នាំ២០២៥ (ត្រីមាសទី៤)"


def test_every_open_label_has_both_languages_and_no_key_is_taken_twice():
    assert not set(OPEN_MESSAGES) & set(SIGNED_IN_MESSAGES)
    for key, entry in OPEN_MESSAGES.items():
        # open.*: the public site; publish.*: the Data page's publication section.
        assert key.startswith(("open.", "publish.")) and entry["en"] and entry["km"], key
        assert any("\u1780" <= ch <= "\u17ff" for ch in entry["km"]) or key.startswith("open.quarter"), key


def test_the_public_scope_is_no_role_and_opens_no_page():
    public = Scope.public()
    assert not any(public.can_open(page) for page in PAGE_ROLES)
    assert not public.reads_data and public.reads_aggregates and public.provinces is None
    assert public.can_read_province("07") and not public.can_read_province("0701")
    assert not public.can_read_province("070101") and not public.can_read_province("00")
    public.require_aggregates()
    with pytest.raises(Forbidden):
        public.require_data()
    with pytest.raises(Forbidden):
        public.require_province("070101")
    admin = Scope(1, "admin", "admin")
    with pytest.raises(Forbidden):
        admin.require_aggregates()
