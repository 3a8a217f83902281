"""A per-minute budget for intake attempts that carry no proof of work, never learning who tries.

Attempts that solved the proof of work (``challenge``) have paid for themselves and are never
counted or refused here. Attempts without it (a browser with script off) have paid only with
waiting, which an attacker can do in parallel; they share a budget per minute and per purpose,
counted in the cache with no address, cookie or fingerprint. A flood of such attempts makes only
other attempts without script wait for the minute, and wrong receipts lock nobody out: failure
is not counted at all, since every attempt, right or wrong, was already paid for.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60
_PREFIX = "arusha:unpaid-attempts:"


def _limit() -> int:
    return int(getattr(settings, "REPORTING_UNPAID_ATTEMPTS_PER_MINUTE", 30))


def _increment(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS * 2)
        return 1


def allow_unpaid_attempt(purpose: str) -> bool:
    """Count one attempt without proof of work; False once this minute's budget is spent."""
    window = int(time.time() // WINDOW_SECONDS)
    return _increment(f"{_PREFIX}{purpose}:{window}") <= _limit()
