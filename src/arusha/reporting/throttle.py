"""Rate limit on receipt attempts that never learns who is trying.

No address, cookie or fingerprint is counted: only how many attempts and failures the whole
channel saw in the current minute (two counters in the cache, expiring on their own). Each
failure also costs the one who made it a fixed delay. A receipt has 100 bits, so guessing one
is hopeless at any rate; the limit is there because every attempt costs the server two Argon2id
runs (about 0.3 s of CPU and 64 MiB each), and the delay slows a scripted guesser further.

The price of not knowing who tries: a flood of wrong receipts makes everyone wait until the
minute is over. That trade is deliberate (SecureDrop makes the same one): availability for a
minute against a record of reporters' addresses.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60
_PREFIX = "arusha:receipt-throttle:"


class TooManyAttempts(Exception):
    """Too many receipts were tried in the last minute, by anyone. Try again shortly."""


def _limit(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _keys() -> tuple[str, str]:
    window = int(time.time() // WINDOW_SECONDS)
    return f"{_PREFIX}attempts:{window}", f"{_PREFIX}failures:{window}"


def _increment(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS * 2)
        return 1


def begin_attempt() -> None:
    """Count one attempt; raise ``TooManyAttempts`` before any Argon2 work when over a limit."""
    attempts_key, failures_key = _keys()
    if int(cache.get(failures_key, 0)) >= _limit("REPORTING_RECEIPT_FAILURES_PER_MINUTE", 20):
        raise TooManyAttempts
    if _increment(attempts_key) > _limit("REPORTING_RECEIPT_ATTEMPTS_PER_MINUTE", 60):
        raise TooManyAttempts


def record_failure() -> None:
    """Count a wrong receipt and make its sender wait."""
    _increment(_keys()[1])
    delay = _limit("REPORTING_RECEIPT_FAILURE_DELAY", 1.0)
    if delay > 0:
        time.sleep(delay)
