"""Secrets kept between requests: sealed under a key only the browser's cookie holds."""

from __future__ import annotations

import pytest

from arusha.reporting import crypto


def test_a_sealed_key_opens_with_the_cookie_key() -> None:
    keys = crypto.new_report_keys()
    session_key = crypto.new_session_key()
    sealed = crypto.seal_key_for_session(session_key, keys.private_key)
    assert keys.private_key.encode() not in sealed
    opened = crypto.open_key_from_session(session_key, sealed)
    assert opened.encode() == keys.private_key.encode()


def test_another_cookie_key_opens_nothing() -> None:
    sealed = crypto.seal_key_for_session(
        crypto.new_session_key(), crypto.new_report_keys().private_key
    )
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_key_from_session(crypto.new_session_key(), sealed)


def test_a_tampered_session_secret_is_detected() -> None:
    session_key = crypto.new_session_key()
    sealed = bytearray(crypto.seal_for_session(session_key, b"recovery key"))
    sealed[-1] ^= 1
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_from_session(session_key, bytes(sealed))


def test_session_keys_are_random_and_full_length() -> None:
    first, second = crypto.new_session_key(), crypto.new_session_key()
    assert len(first) == crypto.KEY_BYTES and first != second
