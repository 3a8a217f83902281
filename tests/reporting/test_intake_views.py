"""The anonymous intake: the form, the receipt shown once, failing closed, the reporter's return."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from arusha.reporting import submission, threads
from arusha.reporting.models import (
    Attachment,
    CoarseRecord,
    HandlerKey,
    Message,
    Report,
    ReportKeyGrant,
)
from tests.reporting.conftest import receipt_data, report_data

NEW = "/report/senae/new/"


def _submit(client: Any, **extra: Any) -> Any:
    return client.post(NEW, report_data(**extra))


def _receipt(response: Any) -> str:
    text = response.content.decode()
    start = text.index('id="receipt"><code>') + len('id="receipt"><code>')
    return text[start : text.index("</code>", start)]


def test_the_form_asks_the_customs_questions_and_lists_the_offices(client, channel, helena):
    response = client.get(NEW)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Guayaquil maritime port", "Physical inspection", "A fee above the official one"):
        assert text in page
    # One script, from a file: the proof of work. No inline script; the form works without it.
    assert page.count("<script") == 1
    assert '<script src="/static/reporting/challenge.js" defer></script>' in page
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page


def test_every_intake_page_is_uncacheable_strict_and_framed_by_nobody(client, channel, helena):
    response = client.get(NEW)
    assert response["Cache-Control"] == "no-store, max-age=0"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response.cookies["csrftoken"]["samesite"] == "Strict"


def test_a_submission_shows_a_receipt_and_stores_only_what_is_sealed(client, channel, helena):
    response = _submit(client)
    assert response.status_code == 200
    receipt = _receipt(response)
    assert len(receipt.replace("-", "")) == 20  # 100 bits
    report = Report.objects.get()
    assert report.status == "received"
    assert receipt.replace("-", "") not in report.receipt_lookup_id.upper()
    assert b"An officer asked" not in bytes(report.content)
    assert ReportKeyGrant.objects.filter(report=report, user=helena, kind="report").exists()


def test_the_receipt_is_shown_only_in_the_answer_to_the_submission(client, channel, helena):
    receipt = _receipt(_submit(client))
    for url in ("/report/", "/report/senae/", NEW, "/report/return/"):
        assert receipt not in client.get(url, follow=True).content.decode()


def test_the_description_is_required(client, channel, helena):
    response = _submit(client, description="")
    assert response.status_code == 200
    assert Report.objects.count() == 0
    assert "form-errors" in response.content.decode()


def test_the_channel_fails_closed_without_a_handler_key(client, channel, helena):
    HandlerKey.objects.all().delete()
    for url in ("/report/", "/report/senae/", NEW):
        response = client.get(url)
        assert response.status_code == 503
        assert "not open" in response.content.decode()
    assert _submit(client).status_code == 503
    assert Report.objects.count() == 0


def test_a_closed_channel_accepts_nothing(client, channel, helena):
    channel.is_open = False
    channel.save()
    assert _submit(client).status_code == 503
    assert Report.objects.count() == 0


def test_a_handler_who_left_the_administration_is_not_a_recipient(client, channel, helena):
    helena.memberships.all().delete()
    assert _submit(client).status_code == 503


def test_the_forms_are_protected_against_cross_site_requests(channel, helena):
    client = Client(enforce_csrf_checks=True)
    assert client.post(NEW, report_data()).status_code == 403
    assert client.post("/report/return/", {"receipt": "x"}).status_code == 403
    assert Report.objects.count() == 0


def test_the_language_changes_with_a_plain_form(client, channel, helena):
    response = client.post("/report/language/", {"language": "es", "next": NEW})
    assert response.status_code == 302 and response["Location"] == NEW
    assert response.cookies["django_language"]["samesite"] == "Strict"
    assert '<html lang="es">' in client.get(NEW).content.decode()


def test_the_language_form_does_not_redirect_elsewhere(client, channel, helena):
    response = client.post("/report/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/report/"


def _return(client: Any, receipt: str) -> Any:
    return client.post("/report/return/", receipt_data(receipt))


def test_the_reporter_comes_back_reads_a_reply_and_answers(client, channel, helena):
    receipt = _receipt(_submit(client))
    report = Report.objects.get()
    threads.post_message(report, Message.Author.HANDLER, "Which shift was it?", author=helena)
    response = _return(client, receipt.lower().replace("-", " "))
    assert response.status_code == 302 and response["Location"] == reverse("intake:thread")
    assert response.cookies[submission.REPORTER_COOKIE]["httponly"]
    assert response.cookies[submission.REPORTER_COOKIE]["samesite"] == "Strict"
    page = client.get(reverse("intake:thread")).content.decode()
    assert "Which shift was it?" in page and "An officer asked" in page
    text = io.BytesIO(b"Shift log: morning.")
    text.name = "log.txt"
    response = client.post(
        reverse("intake:thread"), {"text": "The morning shift.", "attachments": text}
    )
    assert response.status_code == 302
    items = threads.read_thread(report, threads.report_key_for(report, helena, helena.private_key))
    assert [i.text for i in items] == ["Which shift was it?", "The morning shift."]
    assert items[1].author_kind == "reporter" and items[1].files[0].name == "log.txt"


def test_a_wrong_receipt_opens_nothing(client, channel, helena):
    _submit(client)
    response = _return(client, "0000-0000-0000-0000-0000")
    assert response.status_code == 200
    assert "No report has this receipt" in response.content.decode()
    assert client.get(reverse("intake:thread")).status_code == 302


def test_a_malformed_receipt_gets_a_clear_message(client, channel, helena):
    response = _return(client, "not a receipt")
    assert "This is not a receipt" in response.content.decode()


def test_leaving_forgets_the_report_key(client, channel, helena):
    receipt = _receipt(_submit(client))
    _return(client, receipt)
    assert client.get(reverse("intake:thread")).status_code == 200
    client.post(reverse("intake:leave"))
    assert client.get(reverse("intake:thread")).status_code == 302


def test_a_forged_reporter_cookie_opens_nothing(client, channel, helena):
    receipt = _receipt(_submit(client))
    _return(client, receipt)
    token = client.cookies[submission.REPORTER_COOKIE].value.split(".")[0]
    client.cookies[submission.REPORTER_COOKIE] = f"{token}.{'A' * 43}="
    assert client.get(reverse("intake:thread")).status_code == 302


def test_consent_stores_the_coarse_tuple_apart_from_the_report(client, channel, helena, settings):
    settings.REPORTING_STATISTICS_BATCH = 1  # released at once; pooling: test_consented.py
    office = channel.organisation.offices.get(code="GYE")
    _submit(client, consent_statistics="on", office=office.pk, month="2026-10")
    record = CoarseRecord.objects.get()
    assert (
        record.office,
        record.month.isoformat(),
        record.stage,
        record.demand,
        record.by_whom,
    ) == (
        office,
        "2026-10-01",
        "physical",
        "cash",
        "customs",
    )
    assert (record.amount_band, record.consequence, record.paid, record.source) == (
        "",
        "",
        "",
        "consent",
    )
    assert not [f for f in CoarseRecord._meta.get_fields() if f.related_model is Report]


def test_without_consent_nothing_is_kept_outside_the_sealed_report(client, channel, helena):
    _submit(client, office=channel.organisation.offices.first().pk, month="2026-10")
    assert Report.objects.count() == 1
    assert CoarseRecord.objects.count() == 0


def test_the_identity_field_is_offered_only_when_a_custodian_holds_a_key(client, channel, helena):
    assert 'name="identity"' not in client.get(NEW).content.decode()
    channel.custodians.add(helena)
    assert 'name="identity"' in client.get(NEW).content.decode()


def test_an_identity_is_sealed_apart_for_the_custodians_only(
    client, channel, helena, make_user, ecuador
):
    from arusha.reporting import crypto, keys
    from tests.conftest import PASSWORD

    custodian = make_user("carla", ecuador, "integrity_officer")
    _key, _recovery, custodian_key = keys.create_key(custodian, PASSWORD)
    channel.custodians.add(custodian)
    _submit(client, identity="Juan Pérez, +593 99 000 0000")
    report = Report.objects.get()
    assert report.has_identity
    handler_report_key = threads.report_key_for(report, helena, helena.private_key)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_identity(handler_report_key, bytes(report.identity))
    assert not ReportKeyGrant.objects.filter(report=report, user=helena, kind="identity").exists()
    grant = ReportKeyGrant.objects.get(report=report, user=custodian, kind="identity")
    identity_key = crypto.unwrap_report_key(bytes(grant.wrapped_key), custodian_key)
    assert crypto.open_identity(identity_key, bytes(report.identity)).decode().startswith("Juan")
    assert "Juan" not in str(threads.read_content(report, handler_report_key))


def _upload(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_a_file_of_a_refused_type_is_refused_and_nothing_is_stored(client, channel, helena):
    response = _submit(client, attachments=_upload("tool.exe", b"MZ\x90\x00\x03" + bytes(100)))
    assert response.status_code == 200
    assert "not a type of file" in response.content.decode()
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_file_over_the_limit_is_refused_while_it_arrives(client, channel, helena, settings):
    settings.REPORTING_ATTACHMENT_MAX_BYTES = 1000
    response = _submit(client, attachments=_upload("big.txt", b"a" * 5000))
    assert "was not accepted" in response.content.decode()
    assert Report.objects.count() == 0


def _stand_alone(settings: Any) -> None:
    from arusha import settings_intake

    for name in ("ROOT_URLCONF", "MIDDLEWARE", "TEMPLATES", "ARUSHA_INTAKE_SURFACE"):
        setattr(settings, name, getattr(settings_intake, name))
    for name in ("CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SAMESITE", "AUTHENTICATION_BACKENDS"):
        setattr(settings, name, getattr(settings_intake, name))


def test_the_stand_alone_intake_serves_nothing_of_the_staff_platform(
    client, channel, helena, settings
):
    _stand_alone(settings)
    assert client.get("/").status_code == 302  # one channel: straight to it
    assert client.get("/senae/new/").status_code == 200
    for path in ("/admin/", "/login/", "/reports/", "/api/organisations", "/report/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Cache-Control"] == "no-store, max-age=0"


def test_the_stand_alone_intake_takes_a_report_and_gives_it_back(client, channel, helena, settings):
    _stand_alone(settings)
    assert client.get("/senae/new/").cookies["csrftoken"]["samesite"] == "Strict"
    receipt = _receipt(client.post("/senae/new/", report_data()))
    assert client.post("/return/", receipt_data(receipt))["Location"] == "/thread/"
    assert "An officer asked" in client.get("/thread/").content.decode()
    assert "sessionid" not in client.cookies


def test_a_channel_address_cannot_shadow_an_intake_page(ecuador):
    from django.core.exceptions import ValidationError

    from arusha.reporting.models import Channel

    with pytest.raises(ValidationError):
        Channel(organisation=ecuador, slug="return").full_clean()


def test_the_receipt_page_offers_no_way_to_leave_it_by_mistake(client, channel, helena):
    page = _submit(client).content.decode()
    assert "intake-language" not in page


def test_a_failure_while_storing_leaves_neither_rows_nor_files(
    client, channel, helena, monkeypatch, settings
):
    from pathlib import Path

    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(submission, "record_consented_statistics", broken)
    with pytest.raises(RuntimeError):
        _submit(client, consent_statistics="on", attachments=_upload("a.txt", b"some notes"))
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    folder = Path(settings.MEDIA_ROOT) / "reports"
    assert not folder.exists() or not any(folder.iterdir())


def test_the_intake_mount_without_its_slash_is_scrubbed_too(client, channel, helena):
    response = client.get("/report", HTTP_USER_AGENT="PlantedAgent/9.9")
    assert response["Cache-Control"] == "no-store, max-age=0"
    assert "PlantedAgent" not in str(response.wsgi_request.META)


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("received", "Received: waiting to be read by a case handler."),
        ("under_assessment", "Being assessed."),
        ("under_investigation", "Under investigation."),
        ("referred", "Referred to the competent body."),
        ("closed", "Closed."),
    ],
)
def test_the_reporter_sees_where_the_case_stands(client, channel, helena, status, shown):
    from arusha.cases.models import Case

    receipt = _receipt(_submit(client))
    case = Case.for_report(Report.objects.get())
    Case.objects.filter(pk=case.pk).update(status=status)
    _return(client, receipt)
    page = client.get(reverse("intake:thread")).content.decode()
    assert f'<strong id="report-status">{shown}</strong>' in page
