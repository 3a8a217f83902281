"""A case handler signs in with TOTP, acknowledges a report, replies, refers it, closes it, and
sees the statistics change; the pages are also checked in Spanish and at phone width."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.oath import totp

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _fast_reporting(settings: Any, tmp_path: Any) -> Iterator[None]:
    from django.core.cache import cache

    from arusha.reporting.crypto import KdfParams

    settings.REPORTING_KDF = KdfParams(1, 8, 1)  # cheap Argon2 for tests only
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(make_user: Any, ecuador: Any, peru: Any) -> Any:
    """Ecuador's channel with Helena (TOTP enrolled), five closed cases, and Peru's handler."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from arusha.cases import handling
    from arusha.cases.models import Case
    from arusha.reporting import keys
    from arusha.reporting.models import Channel, Office
    from arusha.reporting.submission import Submission, submit

    office = Office.objects.create(organisation=ecuador, code="GYE", name="Guayaquil port")
    channel = Channel.objects.create(organisation=ecuador, slug="senae")
    Channel.objects.create(organisation=peru, slug="sunat")
    helena = make_user("helena", ecuador, "case_handler", first_name="Helena")
    keys.create_key(helena, PASSWORD)
    pedro = make_user("pedro", peru, "case_handler")
    keys.create_key(pedro, PASSWORD)
    device = TOTPDevice.objects.create(user=helena, name="phone", confirmed=True)

    def report(text: str) -> Case:
        answers = {"stage": "transit", "demand": "cash", "by_whom": "customs"}
        made, _receipt = submit(channel, Submission(answers, office, None, text))
        return Case.for_report(made)

    for number in range(5):
        old = report(f"Older report {number}")
        handling.acknowledge(old, helena)
        handling.close(old, helena, "not_substantiated")
    report("A truck from Peru was stopped until the driver paid 200 dollars.")
    return device


def _sign_in(page: Any, device: Any) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("helena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app or a backup code").fill(
        f"{totp(device.bin_key):06d}"
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Your organisations and roles").wait_for()


def _not_substantiated(page: Any) -> str:
    page.goto("/cases/statistics/")
    row = page.locator("#breakdowns tr", has_text="Not substantiated")
    return str(row.locator("td.num").inner_text())


def test_a_handler_acknowledges_replies_refers_closes_and_sees_the_statistics_change(
    page: Any, screenshot: Any, world: Any
) -> None:
    from arusha.cases.models import Case, Referral
    from arusha.core.audit import AuditEntry

    _sign_in(page, world)
    assert _not_substantiated(page) == "5"
    screenshot(page, "cases-01-statistics-before")

    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("heading", name="Case inbox").wait_for()
    assert page.locator("#case-list tbody tr").count() == 1  # the closed ones are not in the inbox
    screenshot(page, "cases-02-inbox")
    page.locator("#case-list").get_by_role("link", name="Open").click()
    page.get_by_text("paid 200 dollars").wait_for()
    screenshot(page, "cases-03-case-received")

    page.get_by_role("button", name="Acknowledge receipt").click()
    page.get_by_text("The report was acknowledged.").wait_for()
    page.locator("#case-reply textarea").fill("Which border post was it?")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Which border post was it?").wait_for()

    page.get_by_role("button", name="Refer to another body").click()
    page.get_by_label("Another administration on the platform").select_option(label="SUNAT")
    page.get_by_label("Description").check()
    page.get_by_label("Message to the reporter (optional)").fill(
        "Your report was passed on to Peru's customs."
    )
    screenshot(page, "cases-04-refer")
    page.get_by_role("button", name="Seal and send").click()
    page.get_by_text("The referral was sealed, sent and recorded.").wait_for()
    assert "Referred" in page.locator("#case-status").inner_text()

    page.locator("#case-close select").select_option("not_substantiated")
    page.get_by_role("button", name="Close the case").click()
    page.get_by_text("The case was closed.").wait_for()
    screenshot(page, "cases-05-case-closed")

    case = Case.objects.get(status="closed", referrals__isnull=False)
    assert Referral.objects.get().to_organisation.short_name == "SUNAT"
    assert list(
        AuditEntry.objects.for_object(case)
        .exclude(action="cases.case_opened")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == [
        "cases.acknowledged",
        "cases.message_sent",
        "cases.message_sent",
        "cases.referred",
        "cases.closed",
    ]

    assert _not_substantiated(page) == "6"
    screenshot(page, "cases-06-statistics-after")

    page.get_by_label("Language").select_option("es")
    page.wait_for_selector("html[lang=es]")
    screenshot(page, "cases-07-statistics-es")
    page.goto(f"/cases/{case.code}/")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "cases-08-case-es-phone")
    page.goto("/cases/")
    screenshot(page, "cases-09-inbox-es-phone")
