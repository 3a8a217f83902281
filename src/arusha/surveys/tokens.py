"""The secrets of the respondent surface: invitation tokens, open-link tokens and draft keys.

Only digests are stored. An invitation token is kept as its sha256; a draft is filed under an
HMAC of the token with a key of its own, so the draft table and the invitation table share no
value that would join them. The open link of a campaign is derived from the campaign and a salt
(so staff can show it again) and rotated by changing the salt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

TOKEN_BYTES = 24  # 192 bits: guessing one is hopeless at any rate


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """What an invitation keeps of its token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _keyed(purpose: str, value: str) -> str:
    key = f"arusha.surveys.{purpose}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def draft_key(token: str) -> str:
    """The key a draft is filed under: not the invitation's digest, not reversible to it."""
    return _keyed("draft", token)


def open_token(campaign_code: str, salt: str) -> str:
    """The campaign's open link token, derived again whenever staff need to show it."""
    return _keyed("open", f"{campaign_code}:{salt}")[:40]


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
