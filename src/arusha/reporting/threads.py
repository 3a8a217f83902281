"""Reading and writing what a report holds: its answers, messages both ways and attachments.

Everything is sealed to the report public key on the way in and opened with the report private
key (the reporter's, from the receipt, or a handler's, from their grant) on the way out.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from nacl.public import PrivateKey

from arusha.core.models import User
from arusha.reporting import attachments, crypto, documents
from arusha.reporting.models import ATTACHMENT_DIR, Attachment, Message, Report, ReportKeyGrant

MAX_MESSAGE_CHARS = 20_000
MAX_NAME_CHARS = 120


class AttachmentRefused(Exception):
    """A file the channel will not accept; the message can be shown to the reporter as is."""


class NoGrant(Exception):
    """This person holds no key for this report."""


@dataclass(frozen=True)
class CleanUpload:
    """A file checked against the allow-list, images already stripped of metadata, in memory."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class AttachmentInfo:
    code: uuid.UUID
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class ThreadItem:
    author_kind: str
    text: str
    created_on: date
    files: list[AttachmentInfo] = field(default_factory=list)


# What the reporter is told of the case, by the case's status (arusha.cases.Case.Status values,
# read through the reverse relation: reporting does not import the cases app). No outcome.
REPORTER_STATUS = {
    "received": gettext_lazy("Received: waiting to be read by a case handler."),
    "acknowledged": gettext_lazy("Received and acknowledged by a case handler."),
    "under_assessment": gettext_lazy("Being assessed."),
    "under_investigation": gettext_lazy("Under investigation."),
    "referred": gettext_lazy("Referred to the competent body."),
    "closed": gettext_lazy("Closed."),
}


def status_for_reporter(report: Report) -> str:
    """Where the report stands, in the reporter's words: the case's status, if a case exists."""
    try:
        status = report.case.status
    except ObjectDoesNotExist:
        status = report.status
    return str(REPORTER_STATUS.get(status, REPORTER_STATUS["received"]))


def max_attachment_bytes() -> int:
    return int(getattr(settings, "REPORTING_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def prepare_upload(name: str, data: bytes) -> CleanUpload:
    """Check one uploaded file and clean it; raises ``AttachmentRefused``.

    The type comes from the bytes, never from the name or the browser. Images are re-encoded
    from their pixels, so EXIF (GPS, camera, serial numbers) is gone before anything is sealed;
    PDF and OOXML/ODF documents lose their author and other properties (``documents``).
    """
    shown = _safe_name(name)
    if len(data) > max_attachment_bytes():
        raise AttachmentRefused(_("%(name)s is too large.") % {"name": shown})
    content_type = attachments.sniff_content_type(data[: attachments.SNIFF_BYTES])
    if content_type is None:
        raise AttachmentRefused(
            _("%(name)s is not a type of file the channel accepts.") % {"name": shown}
        )
    if content_type in attachments.IMAGE_CONTENT_TYPES:
        try:
            data = attachments.strip_image_metadata(data, content_type)
        except attachments.AttachmentRejected:
            raise AttachmentRefused(
                _("%(name)s could not be read as an image.") % {"name": shown}
            ) from None
    if content_type in documents.CLEANED_TYPES:
        try:
            data = documents.clean_document(data, content_type)
        except attachments.AttachmentRejected:
            raise AttachmentRefused(
                _(
                    "%(name)s could not be opened to remove the author and other details, so it "
                    "was not accepted. A PDF with a password cannot be cleaned."
                )
                % {"name": shown}
            ) from None
    return CleanUpload(shown, content_type, data)


def _safe_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip() or "file"
    return "".join(c for c in base if c.isprintable())[:MAX_NAME_CHARS]


def seal_json(report: Report, data: dict[str, Any]) -> bytes:
    return crypto.seal_for_report(bytes(report.public_key), json.dumps(data).encode())


def open_json(private_key: PrivateKey, sealed: bytes | memoryview) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(crypto.open_report_content(private_key, bytes(sealed)))
    return result


def store_attachments(
    report: Report, uploads: list[CleanUpload], message: Message | None = None
) -> list[Attachment]:
    """Encrypt each file to the report key, writing only ciphertext to disk.

    Call inside the transaction that stores the report or message; if anything fails, the files
    already written are removed before the error goes on.
    """
    folder = Path(settings.MEDIA_ROOT) / ATTACHMENT_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored: list[Attachment] = []
    try:
        for upload in uploads:
            stored.append(_store_one(report, folder, upload, message))
    except BaseException:
        remove_files(stored)
        raise
    return stored


def _store_one(
    report: Report, folder: Path, upload: CleanUpload, message: Message | None
) -> Attachment:
    stored_name = f"{uuid.uuid4().hex}.bin"
    path = folder / stored_name
    try:
        with path.open("xb") as dst:
            attachments.encrypt_stream(bytes(report.public_key), io.BytesIO(upload.data), dst)
            size = dst.tell()
        _blur_file_times(path)
        meta = {"name": upload.name, "type": upload.content_type, "size": len(upload.data)}
        return Attachment.objects.create(
            report=report,
            message=message,
            stored_name=stored_name,
            sealed_meta=seal_json(report, meta),
            size=size,
            created_on=timezone.localdate(),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def coarse_file_time() -> float:
    """The start of the current UTC day, as a file time: the day is all the record says."""
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC).timestamp()


def _blur_file_times(path: Path) -> None:
    # A file's (and its folder's) access and modification times would give the exact second a
    # report came in. The change time (ctime) cannot be set: docs/reporting.md says so.
    moment = coarse_file_time()
    os.utime(path, (moment, moment))
    os.utime(path.parent, (moment, moment))


def remove_files(stored: list[Attachment]) -> None:
    for attachment in stored:
        attachment.path.unlink(missing_ok=True)


def post_message(
    report: Report,
    author_kind: str,
    text: str,
    uploads: list[CleanUpload] | None = None,
    author: User | None = None,
) -> Message:
    """Seal a message (and its files) to the report. Anyone with the public key can write."""
    with transaction.atomic():
        message = Message.objects.create(
            report=report,
            author_kind=author_kind,
            author=author if author_kind == Message.Author.HANDLER else None,
            body=crypto.seal_for_report(bytes(report.public_key), text.encode()),
            created_on=timezone.localdate(),
        )
        store_attachments(report, uploads or [], message)
    return message


def attachment_info(private_key: PrivateKey, attachment: Attachment) -> AttachmentInfo:
    meta = open_json(private_key, attachment.sealed_meta)
    return AttachmentInfo(attachment.code, meta["name"], meta["type"], int(meta["size"]))


def read_content(report: Report, private_key: PrivateKey) -> dict[str, Any]:
    """The answers and description the reporter submitted."""
    return open_json(private_key, report.content)


def read_thread(report: Report, private_key: PrivateKey) -> list[ThreadItem]:
    """The messages in order, opened, each with its files."""
    files: dict[int | None, list[AttachmentInfo]] = {}
    for attachment in report.attachments.all():
        files.setdefault(attachment.message_id, []).append(attachment_info(private_key, attachment))
    return [
        ThreadItem(
            m.author_kind,
            crypto.open_report_content(private_key, bytes(m.body)).decode(),
            m.created_on,
            files.get(m.pk, []),
        )
        for m in report.messages.all()
    ]


def submission_files(report: Report, private_key: PrivateKey) -> list[AttachmentInfo]:
    return [
        attachment_info(private_key, a) for a in report.attachments.filter(message__isnull=True)
    ]


def read_attachment(
    attachment: Attachment, private_key: PrivateKey
) -> tuple[AttachmentInfo, bytes]:
    """The decrypted file, in memory only: a plaintext copy must never reach the disk."""
    info = attachment_info(private_key, attachment)
    out = io.BytesIO()
    with attachment.path.open("rb") as src:
        attachments.decrypt_stream(private_key, src, out)
    return info, out.getvalue()


def report_key_for(report: Report, user: User, handler_private_key: PrivateKey) -> PrivateKey:
    """Open the report key from this person's grant; raises ``NoGrant`` or ``DecryptionFailed``."""
    grant = ReportKeyGrant.objects.filter(
        report=report, user=user, kind=ReportKeyGrant.Kind.REPORT
    ).first()
    if grant is None:
        raise NoGrant
    return crypto.unwrap_report_key(bytes(grant.wrapped_key), handler_private_key)
