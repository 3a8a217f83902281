"""Small-group suppression, including recovery by subtraction from a total."""

from __future__ import annotations

from arusha.core.suppression import suppress_counts, suppress_total


def test_cells_below_five_are_hidden() -> None:
    assert suppress_counts({"a": 12, "b": 3, "c": 4}) == {"a": 12, "b": None, "c": None}


def test_a_lone_small_cell_takes_the_next_smallest_with_it() -> None:
    # With the total (25) shown, hiding only "b" would let anyone compute it as 25 - 12 - 10.
    shown = suppress_counts({"a": 12, "b": 3, "c": 10})
    assert shown == {"a": 12, "b": None, "c": None}


def test_zero_is_not_a_small_group() -> None:
    assert suppress_counts({"a": 0, "b": 7}) == {"a": 0, "b": 7}


def test_five_is_shown() -> None:
    assert suppress_counts({"a": 5, "b": 6}) == {"a": 5, "b": 6}


def test_small_totals_are_hidden() -> None:
    assert suppress_total(4) is None
    assert suppress_total(0) == 0
    assert suppress_total(5) == 5
