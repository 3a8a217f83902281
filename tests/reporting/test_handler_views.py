"""The minimal handler side: the list of reports, one report with its thread, replies, files."""

from __future__ import annotations

import io
from typing import Any

import pytest

from arusha.core.audit import AuditEntry
from arusha.reporting import threads
from arusha.reporting.models import Message, Report
from arusha.reporting.submission import Submission, submit
from tests.conftest import verified_client
from tests.reporting.conftest import handler_client


@pytest.fixture
def report(channel: Any, helena: Any) -> Report:
    photo = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (8, 8), (1, 2, 3)).save(photo, "PNG")
    upload = threads.prepare_upload("evidence.png", photo.getvalue())
    submission = Submission(
        answers={"stage": "release", "demand": "cash"},
        office=None,
        month=None,
        description="Money was asked at release.",
        uploads=(upload,),
    )
    created, _receipt = submit(channel, submission)
    threads.post_message(created, Message.Author.REPORTER, "Any news?")
    return created


def test_a_handler_sees_the_reports_sealed_to_them(client, report, helena):
    response = handler_client(client, helena).get("/reports/")
    assert response.status_code == 200
    assert f"/reports/{report.code}/" in response.content.decode()


def test_a_handler_reads_a_report_and_its_thread(client, report, helena):
    response = handler_client(client, helena).get(f"/reports/{report.code}/")
    page = response.content.decode()
    assert "Money was asked at release." in page and "Any news?" in page
    assert "Release of the goods" in page and "evidence.png" in page
    assert AuditEntry.objects.filter(
        action="reporting.report_opened", object_id=str(report.code)
    ).exists()


def test_a_handler_replies_and_the_reply_is_sealed(client, report, helena):
    response = handler_client(client, helena).post(
        f"/reports/{report.code}/", {"text": "Thank you."}
    )
    assert response.status_code == 302
    message = report.messages.last()
    assert message.author_kind == "handler" and message.author == helena
    assert b"Thank you." not in bytes(message.body)


def test_a_file_is_served_as_a_download_only(client, report, helena):
    attachment = report.attachments.get()
    response = handler_client(client, helena).get(
        f"/reports/{report.code}/files/{attachment.code}/"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"\x89PNG")


def test_another_administration_cannot_see_the_report(client, report, make_user, peru):
    from arusha.reporting import keys
    from tests.conftest import PASSWORD

    carlos = make_user("carlos", peru, "case_handler")
    _k, _r, carlos.private_key = keys.create_key(carlos, PASSWORD)
    handler_client(client, carlos)
    assert client.get(f"/reports/{report.code}/").status_code == 404
    assert f"{report.code}" not in client.get("/reports/").content.decode()


def test_a_colleague_who_is_not_a_handler_gets_404(client, report, alice, bob):
    for user in (alice, bob):
        verified_client(client, user)
        assert client.get("/reports/").status_code == 404
        assert client.get(f"/reports/{report.code}/").status_code == 404


def test_a_handler_who_joined_after_the_report_cannot_open_it(client, report, make_user, ecuador):
    from arusha.reporting import keys
    from tests.conftest import PASSWORD

    late = make_user("late", ecuador, "case_handler")
    _k, _r, late.private_key = keys.create_key(late, PASSWORD)
    assert handler_client(client, late).get(f"/reports/{report.code}/").status_code == 404


def test_the_report_pages_need_a_second_factor(client, report, helena):
    client.force_login(helena)
    response = client.get(f"/reports/{report.code}/")
    assert response.status_code == 302 and "/account/2fa/" in response["Location"]
