"""A second factor: enrolment, enforcement for sensitive roles, backup codes."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from arusha.core.audit import AuditEntry
from tests.conftest import PASSWORD


@pytest.fixture
def handler(make_user: Any, ecuador: Any) -> Any:
    return make_user("hana", ecuador, "case_handler")


def _login(client: Any, username: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _code_from_setup_page(page: str) -> str:
    secret = re.search(r'id="totp-secret">([A-Z2-7=]+)<', page)
    assert secret, "the setup page shows the key"
    return f"{totp(base64.b32decode(secret.group(1))):06d}"


def test_a_case_handler_must_enrol_before_anything_else(client: Any, handler: Any) -> None:
    _login(client, "hana")
    response = client.get(reverse("organisation_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))


def test_the_api_refuses_an_unverified_case_handler_session(client: Any, handler: Any) -> None:
    _login(client, "hana")
    response = client.get("/api/me")
    assert response.status_code == 403


def test_a_viewer_may_work_without_a_second_factor(client: Any, bob: Any) -> None:
    _login(client, "bob")
    assert client.get(reverse("organisation_list")).status_code == 200


def test_enrolment_with_the_right_code_turns_it_on(client: Any, handler: Any) -> None:
    _login(client, "hana")
    page = client.get(reverse("two_factor_setup")).text
    response = client.post(reverse("two_factor_setup"), {"token": _code_from_setup_page(page)})
    assert response.status_code == 200
    assert len(re.findall(r"<li><code>", response.text)) == 10  # backup codes shown once
    assert TOTPDevice.objects.get(user=handler).confirmed
    assert client.get(reverse("organisation_list")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.2fa_enrolled", actor=handler).exists()


def test_enrolment_with_a_wrong_code_is_refused(client: Any, handler: Any) -> None:
    _login(client, "hana")
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert "does not match" in response.text
    assert not TOTPDevice.objects.filter(user=handler, confirmed=True).exists()


def test_an_enrolled_user_must_give_a_code_at_each_sign_in(client: Any, handler: Any) -> None:
    device = TOTPDevice.objects.create(user=handler, name="phone", confirmed=True)
    _login(client, "hana")
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("two_factor_verify"))
    good = client.post(
        reverse("two_factor_verify"), {"token": f"{totp(device.bin_key):06d}", "next": "/"}
    )
    assert good.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_and_slows_the_next_try(client: Any, handler: Any) -> None:
    device = TOTPDevice.objects.create(user=handler, name="phone", confirmed=True)
    _login(client, "hana")
    wrong = client.post(reverse("two_factor_verify"), {"token": "123456"})
    assert "not valid" in wrong.text
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Even the right code is refused while the throttle holds.
    right = client.post(reverse("two_factor_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert right.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_a_backup_code_works_once(client: Any, handler: Any) -> None:
    TOTPDevice.objects.create(user=handler, name="phone", confirmed=True)
    from arusha.core.account import _new_backup_codes

    code = _new_backup_codes(handler)[0]
    _login(client, "hana")
    assert client.post(reverse("two_factor_verify"), {"token": code}).status_code == 302
    assert not StaticToken.objects.filter(token=code).exists()


def test_a_voluntary_second_factor_is_also_asked_for(client: Any, bob: Any) -> None:
    TOTPDevice.objects.create(user=bob, name="phone", confirmed=True)
    _login(client, "bob")
    assert client.get(reverse("home")).url.startswith(reverse("two_factor_verify"))


def test_a_required_second_factor_cannot_be_turned_off(client: Any, handler: Any) -> None:
    from tests.conftest import verified_client

    verified_client(client, handler)
    session = client.session
    session["arusha_reauth_at"] = 1e12  # far in the future: recently confirmed
    session.save()
    client.post(reverse("two_factor_disable"))
    assert TOTPDevice.objects.filter(user=handler).exists()
