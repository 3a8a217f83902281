"""Fixtures of the reporting tests: a channel for Ecuador with its offices, a case handler with a
key, cheap Argon2 parameters, an easy proof of work, an empty cache, and a media root of the
test's own. ``report_data`` and ``receipt_data`` carry a solved challenge, as the browser's."""

from __future__ import annotations

from typing import Any

import pytest

FAST_KDF_ARGS = (1, 8, 1)  # the cheapest valid Argon2id parameters; never use in production


@pytest.fixture(autouse=True)
def _reporting_settings(request: Any, tmp_path: Any) -> Any:
    # Django-free suites (test_crypto, test_attachments) may run with `-p no:django`.
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.core.cache import cache

    from arusha.reporting.crypto import KdfParams

    settings = request.getfixturevalue("settings")
    settings.REPORTING_KDF = KdfParams(*FAST_KDF_ARGS)
    settings.REPORTING_POW_BITS = 4  # 16 hashes on average; production asks for 20 bits
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def channel(ecuador: Any) -> Any:
    from arusha.reporting.models import Channel, Office

    Office.objects.create(organisation=ecuador, code="GYE", name="Guayaquil maritime port")
    Office.objects.create(organisation=ecuador, code="UIO", name="Quito airport")
    return Channel.objects.create(organisation=ecuador, slug="senae")


@pytest.fixture
def helena(make_user: Any, ecuador: Any) -> Any:
    """A case handler of Ecuador with a key; `helena.private_key` is her unlocked key."""
    from arusha.reporting import keys

    user = make_user("helena", ecuador, "case_handler")
    from tests.conftest import PASSWORD

    _handler_key, recovery, private_key = keys.create_key(user, PASSWORD)
    user.private_key = private_key
    user.recovery_key = recovery
    return user


def handler_client(client: Any, user: Any) -> Any:
    """A verified client of a handler whose key is unlocked in the session, as after sign-in."""
    import base64

    from arusha.reporting import crypto, keys
    from tests.conftest import verified_client

    verified_client(client, user)
    session_key = crypto.new_session_key()
    session = client.session
    keys.store_sealed(session, session_key, user.private_key)
    session.save()
    client.cookies[keys.HANDLER_COOKIE] = base64.urlsafe_b64encode(session_key).decode()
    return client


def paid(purpose: str) -> dict[str, str]:
    """A fresh challenge and its solution, as the intake's script would post them."""
    from arusha.reporting import challenge

    issued = challenge.issue(purpose)
    return {"challenge": issued.token, "solution": challenge.solve(issued.nonce, issued.bits)}


def receipt_data(receipt: str) -> dict[str, str]:
    return {"receipt": receipt} | paid("receipt")


def report_data(**extra: Any) -> dict[str, Any]:
    data = paid("submit") | {
        "reporter_role": "broker",
        "office": "",
        "month": "",
        "stage": "physical",
        "demand": "cash",
        "amount_band": "50-500",
        "by_whom": "customs",
        "consequence": "delay",
        "paid": "no",
        "description": "An officer asked for money to finish the inspection.",
    }
    return data | extra
