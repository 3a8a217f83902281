"""Small-group suppression for every aggregate that could point at a few people.

Django-free so that every part of Arusha (and the analytics library) can share one rule.
A cell below the threshold is hidden, and when exactly one cell of a group would be hidden while
the group's total is shown, the next smallest cell is hidden too, so that no hidden value can be
recovered by subtracting the others from the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K")
MIN_GROUP = 5


def suppress_counts(counts: Mapping[K, int], minimum: int = MIN_GROUP) -> dict[K, int | None]:
    """The counts with small cells replaced by None, including the subtraction case."""
    shown: dict[K, int | None] = {
        key: (None if 0 < value < minimum else value) for key, value in counts.items()
    }
    hidden = [key for key, value in shown.items() if value is None]
    if len(hidden) == 1:
        candidates = sorted(
            (value, str(key), key)
            for key, value in counts.items()
            if key not in hidden and value > 0
        )
        if candidates:
            shown[candidates[0][2]] = None
    return shown


def suppress_total(total: int, minimum: int = MIN_GROUP) -> int | None:
    return None if 0 < total < minimum else total
