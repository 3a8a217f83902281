"""A case handler signs in, enrols a second factor, switches to Spanish and signs out."""

from __future__ import annotations

import base64
from typing import Any

from django_otp.oath import totp

from tests.conftest import PASSWORD


def _totp_now(secret: str) -> str:
    return f"{totp(base64.b32decode(secret)):06d}"


def test_a_case_handler_enrols_totp_and_works_in_spanish(
    page: Any, screenshot: Any, make_user: Any, ecuador: Any
) -> None:
    make_user("helena", ecuador, "case_handler", first_name="Helena")

    page.goto("/login/")
    screenshot(page, "01-login")
    page.get_by_label("Username").fill("helena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # A case handler must set up a second factor before anything else.
    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    screenshot(page, "02-two-factor-setup")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Six-digit code shown by the app").fill(_totp_now(secret))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your backup codes").wait_for()
    assert page.locator("#backup-codes li").count() == 10
    screenshot(page, "03-backup-codes")
    page.get_by_role("button", name="I have written them down").click()

    page.get_by_role("heading", name="Hello, Helena").wait_for()
    assert "Case handler" in page.content()
    screenshot(page, "04-home")

    # Switch the interface to Spanish with the language menu.
    page.get_by_label("Language").select_option("es")
    page.get_by_role("heading", name="Hola, Helena").wait_for()
    assert "Responsable de casos" in page.content()
    screenshot(page, "05-home-es")
    page.get_by_role("link", name="Organizaciones").click()
    page.get_by_role("heading", name="Organizaciones").wait_for()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "06-organisations-es-phone")

    # On a phone the menu, sign-out included, folds behind one button.
    assert not page.get_by_role("button", name="Cerrar sesión").is_visible()
    page.locator("label[for=menu-toggle]").click()
    screenshot(page, "06-menu-es-phone")
    page.get_by_role("button", name="Cerrar sesión").click()
    page.get_by_role("heading", name="Iniciar sesión en Arusha").wait_for()
    screenshot(page, "07-signed-out-es")


def test_the_second_sign_in_asks_for_the_code(
    page: Any, screenshot: Any, make_user: Any, ecuador: Any
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("hugo", ecuador, "case_handler")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto("/login/")
    page.get_by_label("Username").fill("hugo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    screenshot(page, "08-two-factor-verify")
    page.get_by_label("Code from your authenticator app or a backup code").fill(
        f"{totp(device.bin_key):06d}"
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Your organisations and roles").wait_for()
