"""A reporter on a phone, in Spanish, with JavaScript off: reports a bribe demand with a photo,
notes the receipt, comes back, reads the handler's question and answers it. And the same with
JavaScript on, where the browser solves the proof of work before each form is sent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _fast_reporting(settings: Any, tmp_path: Any) -> Iterator[None]:
    from django.core.cache import cache

    from arusha.reporting.crypto import KdfParams

    settings.REPORTING_KDF = KdfParams(1, 8, 1)  # cheap Argon2 for tests only
    settings.REPORTING_POW_BITS = 12  # about 4,000 hashes; production asks for 20 bits
    settings.REPORTING_CHALLENGE_WAIT_SECONDS = 0  # without script: no waiting in tests
    settings.REPORTING_STATISTICS_BATCH = 1  # consented records are released at once
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.fixture
def senae(make_user: Any, ecuador: Any) -> Any:
    from arusha.reporting import keys
    from arusha.reporting.models import Channel, Office
    from tests.conftest import PASSWORD

    for code, name in [
        ("GYE-MAR", "Puerto marítimo de Guayaquil"),
        ("UIO-AIR", "Aeropuerto de Quito"),
    ]:
        Office.objects.create(organisation=ecuador, code=code, name=name)
    channel = Channel.objects.create(organisation=ecuador, slug="senae")
    handler = make_user("helena", ecuador, "case_handler")
    _key, _recovery, handler.private_key = keys.create_key(handler, PASSWORD)
    channel.handler = handler
    return channel


def _photo(tmp_path: Any) -> Any:
    path = tmp_path / "foto-contenedor.jpg"
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (64, 48), (10, 120, 200)).save(path, "JPEG", exif=exif.tobytes())
    return path


def test_a_reporter_reports_on_a_phone_without_javascript_and_answers_a_question(
    phone: Any, screenshot: Any, senae: Any, tmp_path: Any
) -> None:
    from arusha.reporting import threads
    from arusha.reporting.models import CoarseRecord, Message, Report

    page = phone
    page.goto("/report/")
    # Choose Spanish with the plain language form (no script runs on this page).
    page.locator("#intake-language").select_option("es")
    page.locator(".intake-language button[type=submit]").click()
    page.wait_for_selector("html[lang=es]")
    screenshot(page, "reporting-01-intake-es-phone")

    page.locator("#start-report").click()
    page.wait_for_selector("#report-form")
    page.locator("#id_reporter_role").select_option("carrier")
    page.locator("#id_office").select_option(label="Puerto marítimo de Guayaquil")
    page.locator("#id_stage").select_option("physical")
    page.locator("#id_demand").select_option("cash")
    page.locator("#id_amount_band").select_option("50-500")
    page.locator("#id_by_whom").select_option("customs")
    page.locator("#id_consequence").select_option("delay")
    page.locator("#id_paid").select_option("no")
    page.locator("#id_description").fill("El oficial pidió 200 dólares para liberar el contenedor.")
    page.locator("#id_attachments").set_input_files(str(_photo(tmp_path)))
    page.locator("#id_consent_statistics").check()
    screenshot(page, "reporting-02-form-es-phone")
    page.locator("#send-report").click()

    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt.replace("-", "")) == 20
    screenshot(page, "reporting-03-receipt-es-phone")
    page.locator("#go-return").click()
    page.wait_for_selector("#receipt-form")

    # Days later, a handler asks a question (the handler's side is tested in tests/reporting).
    report = Report.objects.get()
    assert report.attachments.count() == 1
    assert CoarseRecord.objects.get().stage == "physical"  # the consent box was ticked
    threads.post_message(report, Message.Author.HANDLER, "¿A qué hora ocurrió?")

    page.goto("/report/return/")
    page.locator("#id_receipt").fill(receipt.lower())
    screenshot(page, "reporting-04-return-es-phone")
    page.locator("#open-report").click()
    page.wait_for_selector("#thread")
    assert page.locator("#report-status").inner_text()  # where the case stands, in words
    assert "¿A qué hora ocurrió?" in page.locator("#thread").inner_text()
    assert "foto-contenedor.jpg" in page.content()
    screenshot(page, "reporting-05-thread-es-phone")

    page.locator("#id_text").fill("Por la mañana, hacia las nueve.")
    page.locator("#send-reply").click()
    page.wait_for_selector("#sent-notice")
    assert "Por la mañana, hacia las nueve." in page.locator("#thread").inner_text()
    screenshot(page, "reporting-06-answered-es-phone")

    key = threads.report_key_for(report, senae.handler, senae.handler.private_key)
    assert threads.read_thread(report, key)[-1].text == "Por la mañana, hacia las nueve."

    page.locator("#leave").click()
    page.goto("/report/thread/")
    page.wait_for_selector("#receipt-form")  # the report is closed on this device


def test_with_javascript_the_browser_pays_for_each_form_with_a_proof_of_work(
    page: Any, screenshot: Any, senae: Any, settings: Any
) -> None:
    from arusha.reporting import challenge
    from arusha.reporting.models import Report

    # A wait no test would sit through: only a solved proof of work can get the forms through.
    settings.REPORTING_CHALLENGE_WAIT_SECONDS = 3600
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.post_data or "") if r.method == "POST" else None)
    page.goto("/report/senae/new/")
    page.locator("#id_description").fill("A fee was asked at the gate for the escort.")
    screenshot(page, "reporting-07-form-with-javascript")
    page.locator("#send-report").click()
    receipt = page.locator("#receipt").inner_text().strip()
    assert Report.objects.count() == 1
    form = next(p for p in posted if 'name="solution"' in p)  # multipart form data
    assert re.search(r'name="solution"\r\n\r\n[0-9]+\r\n', form)

    page.goto("/report/return/")
    page.locator("#id_receipt").fill(receipt)
    page.locator("#open-report").click()
    page.wait_for_selector("#thread")
    assert "Received" in page.locator("#report-status").inner_text()
    screenshot(page, "reporting-08-thread-with-javascript")
    assert challenge.difficulty() == 12


def test_a_handler_gets_a_key_at_first_sign_in_and_answers_a_report(
    page: Any, screenshot: Any, make_user: Any, ecuador: Any
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from arusha.reporting.models import Channel, HandlerKey
    from arusha.reporting.submission import Submission, open_with_receipt, submit
    from arusha.reporting.threads import read_thread
    from tests.conftest import PASSWORD

    channel = Channel.objects.create(organisation=ecuador, slug="senae")
    handler = make_user("hector", ecuador, "case_handler")
    device = TOTPDevice.objects.create(user=handler, name="phone", confirmed=True)

    page.goto("/login/")
    page.get_by_label("Username").fill("hector")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app or a backup code").fill(
        f"{totp(device.bin_key):06d}"
    )
    page.get_by_role("button", name="Continue").click()
    # The first sign-in made a key; its recovery key is shown once, before the first report.
    page.get_by_role("link", name="Reports").click()
    recovery = page.locator("#recovery-key").inner_text().strip()
    assert len(recovery.replace("-", "")) == 32
    assert HandlerKey.objects.filter(user=handler).exists()
    screenshot(page, "reporting-10-handler-recovery-key")

    # With a key in place the channel opens; a reporter sends a report.
    answers = {"stage": "release", "demand": "fee"}
    report, receipt = submit(
        channel,
        Submission(answers, None, None, "A fee not on any list was asked at release."),
    )
    page.locator("#go-reports").click()
    page.get_by_role("link", name="Open").click()
    assert "A fee not on any list was asked at release." in page.content()
    screenshot(page, "reporting-11-handler-report")
    page.locator("#handler-reply textarea").fill("Which office was it?")
    page.locator("#handler-reply button[type=submit]").click()
    page.wait_for_selector("text=Your message was sealed and sent to the reporter.")

    _report, reporter_key = open_with_receipt(receipt)
    assert [item.text for item in read_thread(report, reporter_key)] == ["Which office was it?"]
