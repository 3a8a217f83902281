"""Handler keys follow the sign-in password: made at first sign-in with a recovery key shown once,
unlocked at every sign-in without ever sitting in clear in the session, rewrapped when the
password changes, recovered with the recovery key."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_totp.models import TOTPDevice

from arusha.core.audit import AuditEntry
from arusha.reporting import crypto, keys
from arusha.reporting.models import HandlerKey
from tests.conftest import PASSWORD

NEW_PASSWORD = "a different horse, battery and staple"


def _sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def _verify(client: Any, user: Any) -> None:
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


@pytest.fixture
def hugo(make_user: Any, ecuador: Any) -> Any:
    return make_user("hugo", ecuador, "case_handler")


def test_the_first_sign_in_of_a_handler_makes_a_key_and_shows_its_recovery_key_once(client, hugo):
    response = _sign_in(client, "hugo")
    assert response.status_code == 302
    handler_key = HandlerKey.objects.get(user=hugo)
    assert AuditEntry.objects.filter(action="reporting.handler_key_created").exists()
    cookie = response.cookies[keys.HANDLER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    _verify(client, hugo)
    # The first reporting page shows the recovery key before anything else.
    assert client.get("/reports/")["Location"] == "/reports/key/"
    page = client.get("/reports/key/").content.decode()
    recovery = page.split('id="recovery-key"><code>')[1].split("</code>")[0]
    private_key = crypto.recover_handler_key(handler_key.key_bundle(), recovery)
    assert private_key.public_key.encode() == bytes(handler_key.public_key)
    assert recovery not in client.get("/reports/key/").content.decode()
    assert client.get("/reports/").status_code == 200


def test_a_lost_recovery_key_is_replaced_with_the_password(client, helena):
    _sign_in(client, "helena")
    _verify(client, helena)
    response = client.post("/reports/key/", {"password": "wrong password"})
    assert "does not open your key" in response.content.decode()
    page = client.post("/reports/key/", {"password": PASSWORD}).content.decode()
    recovery = page.split('id="recovery-key"><code>')[1].split("</code>")[0]
    bundle = HandlerKey.objects.get(user=helena).key_bundle()
    assert crypto.recover_handler_key(bundle, recovery).encode() == helena.private_key.encode()
    with pytest.raises(crypto.KeyUnlockFailed):
        crypto.recover_handler_key(bundle, helena.recovery_key)


def test_people_without_the_handler_role_get_no_key(client, alice):
    response = _sign_in(client, "alice")
    assert response.status_code == 302 and "/reports/key/" not in response["Location"]
    assert not HandlerKey.objects.exists()
    assert keys.HANDLER_COOKIE not in response.cookies


def test_a_sign_in_unlocks_the_key_without_storing_it_in_clear(client, helena):
    response = _sign_in(client, "helena")
    assert "/reports/key/" not in response["Location"]
    session = Session.objects.get()
    stored = repr(session.get_decoded()).encode() + session.session_data.encode()
    raw = helena.private_key.encode()
    for form in (raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw), raw.hex().encode()):
        assert form not in stored
    _verify(client, helena)
    assert client.get("/reports/").status_code == 200


def test_the_session_alone_opens_nothing_without_the_cookie(client, helena):
    _sign_in(client, "helena")
    _verify(client, helena)
    del client.cookies[keys.HANDLER_COOKIE]
    response = client.get("/reports/")
    assert response.status_code == 302 and response["Location"] == "/reports/key/"


def test_a_handler_without_a_key_is_refused(client, make_user, ecuador):
    from tests.conftest import verified_client

    user = make_user("nokey", ecuador, "case_handler")
    response = verified_client(client, user).get("/reports/", follow=True)
    assert "You have no reporting key yet" in response.content.decode()
    with pytest.raises(keys.NoHandlerKey):
        keys.unlocked_key(response.wsgi_request)


def test_changing_the_password_rewraps_the_key(client, helena):
    _sign_in(client, "helena")
    _verify(client, helena)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    bundle = HandlerKey.objects.get(user=helena).key_bundle()
    assert crypto.unlock_handler_key(bundle, NEW_PASSWORD).encode() == helena.private_key.encode()
    with pytest.raises(crypto.KeyUnlockFailed):
        crypto.unlock_handler_key(bundle, PASSWORD)
    assert (
        crypto.recover_handler_key(bundle, helena.recovery_key).encode()
        == helena.private_key.encode()
    )


def test_a_password_reset_elsewhere_is_mended_with_the_recovery_key(client, helena):
    helena.set_password(
        NEW_PASSWORD
    )  # e.g. by an administrator: the key is still under the old one
    helena.save()
    _sign_in(client, "helena", NEW_PASSWORD)
    _verify(client, helena)
    assert client.get("/reports/")["Location"] == "/reports/key/"
    response = client.post(
        "/reports/key/recover/", {"recovery_key": helena.recovery_key, "password": NEW_PASSWORD}
    )
    page = response.content.decode()
    new_recovery = page.split('id="recovery-key"><code>')[1].split("</code>")[0]
    assert new_recovery != helena.recovery_key
    assert client.get("/reports/").status_code == 200
    bundle = HandlerKey.objects.get(user=helena).key_bundle()
    assert crypto.unlock_handler_key(bundle, NEW_PASSWORD).encode() == helena.private_key.encode()
    with pytest.raises(crypto.KeyUnlockFailed):
        crypto.recover_handler_key(bundle, helena.recovery_key)  # a used recovery key is spent


def test_a_wrong_recovery_key_or_password_changes_nothing(client, helena):
    _sign_in(client, "helena")
    _verify(client, helena)
    before = HandlerKey.objects.get(user=helena).bundle
    wrong_key = crypto.create_handler_keys("x" * 12, crypto.KdfParams(1, 8, 1)).recovery_key
    response = client.post(
        "/reports/key/recover/", {"recovery_key": wrong_key, "password": PASSWORD}
    )
    assert "does not open your key" in response.content.decode()
    response = client.post(
        "/reports/key/recover/", {"recovery_key": helena.recovery_key, "password": "nope"}
    )
    assert "not your current password" in response.content.decode()
    assert HandlerKey.objects.get(user=helena).bundle == before


def test_a_key_made_with_other_argon2_costs_moves_to_the_current_ones(client, helena, settings):
    settings.REPORTING_KDF = crypto.KdfParams(2, 16, 1)
    _sign_in(client, "helena")
    assert HandlerKey.objects.get(user=helena).key_bundle().kdf == crypto.KdfParams(2, 16, 1)
