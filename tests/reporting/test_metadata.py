"""Security properties of the intake as tests: a database dump and the file store hold no
plaintext of a report, and no reporter address or user agent reaches the database or a log."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from PIL import Image

from arusha.reporting import threads
from arusha.reporting.models import Message, Report
from tests.reporting.conftest import receipt_data, report_data

MARKER = "PLANTED-MARKER-7f3a9c"
ADDRESS = "203.0.113.77"
AGENT = "PlantedAgent/9.9"
LOGGERS = ["", "django", "django.request", "django.server", "waitress", "arusha"]


def _database_dump() -> bytes:
    """Every value of every row of every table, as bytes."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names come from the schema
            for row in cursor.fetchall():
                for value in row:
                    chunks.append(value if isinstance(value, bytes | memoryview) else str(value))
    return b"\n".join(bytes(c) if not isinstance(c, str) else c.encode() for c in chunks)


def _file_store() -> bytes:
    root = Path(settings.MEDIA_ROOT)
    return b"\n".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def _photo_with_marker() -> io.BytesIO:
    image = Image.new("RGB", (32, 32), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = MARKER  # ImageDescription
    exif[0x010F] = MARKER  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    buffer.seek(0)
    buffer.name = f"{MARKER}.jpg"
    return buffer


def _text_file() -> io.BytesIO:
    upload = io.BytesIO(f"notes: {MARKER}".encode())
    upload.name = f"{MARKER}.txt"
    return upload


def _variants(text: str) -> list[bytes]:
    return [
        text.encode(),
        text.encode("utf-16-le"),
        text.lower().encode(),
        text.encode().hex().encode(),
    ]


def _assert_absent(haystack: bytes, needle: str, where: str) -> None:
    for form in _variants(needle):
        assert form not in haystack, f"{needle!r} found in {where}"


@pytest.fixture
def planted(client: Any, channel: Any, helena: Any, caplog: Any) -> dict[str, Any]:
    """A submission, a return and a reply, all carrying the marker, from a planted address."""
    channel.custodians.add(helena)
    files = [_photo_with_marker(), _text_file()]  # made before logs are captured
    caplog.set_level(logging.DEBUG)
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    meta = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": ADDRESS}
    data = report_data(
        description=f"The officer at gate 3 said {MARKER}",
        identity=f"My name is {MARKER}",
        consent_statistics="on",
        attachments=files,
    )
    response = client.post("/report/senae/new/", data, **meta)
    assert response.status_code == 200 and b'id="receipt"' in response.content
    page = response.content.decode()
    receipt = page.split('id="receipt"><code>')[1].split("</code>")[0]
    client.post("/report/return/", receipt_data(receipt), **meta)
    reply = {"text": f"Answer {MARKER}", "attachments": io.BytesIO(f"more {MARKER}".encode())}
    reply["attachments"].name = "more.txt"
    assert client.post(reverse("intake:thread"), reply, **meta).status_code == 302
    client.get("/report/does-not-exist/", **meta)  # a 404 is logged by django.request
    return {"receipt": receipt, "records": caplog.records}


def test_no_plaintext_of_a_report_is_in_the_database_or_the_file_store(planted, helena):
    report = Report.objects.get()
    assert report.attachments.count() == 3  # the photo, a text file, and the reply's file
    _assert_absent(_database_dump(), MARKER, "the database")
    _assert_absent(_file_store(), MARKER, "the file store")
    _assert_absent(_database_dump(), planted["receipt"].replace("-", ""), "the database")
    # ...and yet the handler reads all of it.
    key = threads.report_key_for(report, helena, helena.private_key)
    assert MARKER in threads.read_content(report, key)["description"]
    assert [i.text for i in threads.read_thread(report, key)] == [f"Answer {MARKER}"]


def test_no_address_or_user_agent_reaches_the_database(planted):
    dump = _database_dump()
    _assert_absent(dump, ADDRESS, "the database")
    _assert_absent(dump, AGENT, "the database")


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), str(record.args), str(record.__dict__)]
    request = getattr(record, "request", None)
    if request is not None:
        parts.append(str(request.META))
    return "\n".join(parts)


def test_no_address_or_user_agent_reaches_a_log_line(planted):
    records = planted["records"]
    assert any(r.name == "django.request" for r in records)  # the 404 was logged...
    for record in records:  # ...without the address or the agent
        text = _record_text(record)
        assert ADDRESS not in text and AGENT not in text, text
        assert MARKER not in text


def test_dates_of_reporter_actions_are_days_not_times(planted):
    report = Report.objects.get()
    for model, field in ((Report, "received_on"), (Message, "created_on")):
        assert model._meta.get_field(field).get_internal_type() == "DateField"
    fields = {f.get_internal_type() for f in Report._meta.concrete_fields}
    assert "DateTimeField" not in fields
    assert report.received_on is not None


def test_the_photo_is_stored_without_its_exif(planted, helena):
    report = Report.objects.get()
    key = threads.report_key_for(report, helena, helena.private_key)
    photo = next(
        a
        for a in report.attachments.all()
        if threads.attachment_info(key, a).content_type == "image/jpeg"
    )
    info, data = threads.read_attachment(photo, key)
    assert info.name == f"{MARKER}.jpg"
    assert MARKER.encode() not in data
    image = Image.open(io.BytesIO(data))
    assert not image.getexif()
    assert image.size == (32, 32)


def test_stored_files_and_their_folder_tell_the_day_only(planted):
    folder = Path(settings.MEDIA_ROOT) / "reports"
    # Midnight UTC of some day: not the second, minute or hour the report came in. (Listing
    # the folder here sets its access time, so only its modification time is checked.)
    assert folder.stat().st_mtime % 86400 == 0
    files = [p for p in folder.iterdir() if p.is_file()]
    assert len(files) == 3
    for path in files:
        assert path.stat().st_mtime % 86400 == 0, path
        assert path.stat().st_atime % 86400 == 0, path


def test_a_pdf_sent_through_the_intake_loses_its_author(client, channel, helena):
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = MARKER
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [MARKER]
    upload = io.BytesIO()
    pdf.save(upload)
    upload.seek(0)
    upload.name = "statement.pdf"
    response = client.post("/report/senae/new/", report_data(attachments=[upload]))
    assert b'id="receipt"' in response.content
    report = Report.objects.get()
    key = threads.report_key_for(report, helena, helena.private_key)
    info, data = threads.read_attachment(report.attachments.get(), key)
    assert info.content_type == "application/pdf"
    assert data.startswith(b"%PDF-")
    assert MARKER.encode() not in data


def test_the_form_says_which_files_are_cleaned(client, channel, helena):
    page = client.get("/report/senae/new/").content.decode()
    assert "author" in page and "PDF" in page and "kept exactly as" in page
