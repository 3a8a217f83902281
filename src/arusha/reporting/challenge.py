"""What each intake attempt costs its sender, so floods are expensive and reporters never wait.

Every report form and receipt form carries a challenge the server signed: a random nonce, a
difficulty and the time it was issued. With script, the browser (``reporting/challenge.js``)
finds a number whose SHA-256 with the nonce starts with that many zero bits, as hashcash and
GlobaLeaks do; checking it costs the server one hash. Without script, the challenge is a time
lock instead: it is accepted only once ``REPORTING_CHALLENGE_WAIT_SECONDS`` have passed since
the page was served, so each attempt costs a fresh page and the wait, and those attempts share
a per-minute budget (``throttle``). Either way a challenge is accepted once.

Nothing here knows who anyone is: no address, cookie or fingerprint is kept or compared.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from arusha.reporting import throttle

TOKEN_FIELD = "challenge"  # noqa: S105 - a form field name, not a secret
SOLUTION_FIELD = "solution"
SUBMIT = "submit"
RECEIPT = "receipt"
_SALT = "arusha.reporting.challenge"
_USED_PREFIX = "arusha:challenge-used:"
_SOLUTION = re.compile(r"[0-9]{1,20}")


class ChallengeFailed(Exception):
    """The attempt paid nothing valid: missing, forged, expired or reused challenge."""


class TooEarly(ChallengeFailed):
    """No proof of work, and the page has not been open long enough yet."""

    def __init__(self, seconds_left: int) -> None:
        super().__init__(seconds_left)
        self.seconds_left = seconds_left


class Busy(ChallengeFailed):
    """Too many attempts without proof of work this minute: only such attempts must wait."""


@dataclass(frozen=True)
class Challenge:
    token: str
    nonce: str
    bits: int
    wait: int


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def difficulty() -> int:
    """Leading zero bits a solution needs; about 2**bits hashes for the browser.

    At most 32: the browser script compares the first 32 bits of each hash only.
    """
    return min(max(_setting("REPORTING_POW_BITS", 20), 0), 32)


def wait_seconds() -> int:
    return _setting("REPORTING_CHALLENGE_WAIT_SECONDS", 15)


def max_age() -> int:
    # Long enough to write a report at leisure; a used nonce is remembered as long.
    return _setting("REPORTING_CHALLENGE_MAX_AGE", 12 * 3600)


def _now() -> float:
    return time.time()


def issue(purpose: str) -> Challenge:
    nonce = secrets.token_urlsafe(16)
    bits = difficulty()
    payload = {"p": purpose, "n": nonce, "b": bits, "t": int(_now())}
    token = signing.dumps(payload, salt=_SALT, compress=True)
    return Challenge(token, nonce, bits, wait_seconds())


def reissue(purpose: str, token: str) -> Challenge:
    """The same challenge again, when its wait is not over: the clock must not start afresh."""
    try:
        payload = _payload(purpose, token)
    except ChallengeFailed:
        return issue(purpose)
    return Challenge(token, payload["n"], int(payload["b"]), wait_seconds())


def has_leading_zero_bits(digest: bytes, bits: int) -> bool:
    whole, rest = divmod(bits, 8)
    if any(digest[:whole]):
        return False
    return rest == 0 or digest[whole] >> (8 - rest) == 0


def is_solution(nonce: str, bits: int, solution: str) -> bool:
    if not _SOLUTION.fullmatch(solution):
        return False
    digest = hashlib.sha256(f"{nonce}:{solution}".encode()).digest()
    return has_leading_zero_bits(digest, bits)


def solve(nonce: str, bits: int) -> str:
    """What the browser script does, in Python: for tests and for scripted clients."""
    counter = 0
    while not is_solution(nonce, bits, str(counter)):
        counter += 1
    return str(counter)


def _payload(purpose: str, token: str) -> dict[str, Any]:
    try:
        payload: dict[str, Any] = signing.loads(token, salt=_SALT, max_age=max_age())
    except signing.BadSignature:  # forged, damaged or expired
        raise ChallengeFailed from None
    if not isinstance(payload, dict) or payload.get("p") != purpose:
        raise ChallengeFailed
    return payload


def spend(purpose: str, data: Any) -> None:
    """Accept this attempt's payment or raise ``ChallengeFailed`` (``TooEarly``, ``Busy``).

    ``data`` is the posted form data. Call before any costly work (key derivation, storage).
    """
    payload = _payload(purpose, str(data.get(TOKEN_FIELD, "")))
    solution = str(data.get(SOLUTION_FIELD, "")).strip()
    if solution:
        if not is_solution(str(payload["n"]), int(payload["b"]), solution):
            raise ChallengeFailed
    else:
        waited = _now() - int(payload["t"])
        if waited < wait_seconds():
            raise TooEarly(max(1, int(wait_seconds() - waited + 0.999)))
    if not cache.add(_USED_PREFIX + str(payload["n"]), 1, max_age()):
        raise ChallengeFailed
    if not solution and not throttle.allow_unpaid_attempt(purpose):
        raise Busy
