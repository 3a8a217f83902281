"""A report from submission to the reporter's return: seal it, hand out the receipt once, find
it again from the receipt, and keep the reporter's key between requests without storing it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from nacl.public import PrivateKey

from arusha.reporting import consented, crypto, taxonomy
from arusha.reporting.keys import kdf
from arusha.reporting.models import Channel, Office, Report, ReportKeyGrant
from arusha.reporting.threads import CleanUpload, remove_files, store_attachments

REPORTER_COOKIE = "arusha_reporter"
REPORTER_SESSION_SECONDS = 30 * 60
_CACHE_PREFIX = "arusha:reporter:"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")  # secrets.token_urlsafe(18)


class ChannelNotReady(Exception):
    """The channel is closed, or no handler could open a report sent now: accept nothing."""


class ReceiptNotFound(Exception):
    """No report has this receipt (or it was typed wrongly)."""


@dataclass(frozen=True)
class Submission:
    """What the reporter answered, validated by the intake form."""

    answers: dict[str, str]
    office: Office | None
    month: date | None
    description: str
    identity: str = ""
    consent: bool = False
    uploads: tuple[CleanUpload, ...] = ()


# Hooks that name handlers who must not receive a new report's key (declared conflicts of
# interest, registered by arusha.cases). Each gets the channel and the submission in memory and
# returns user ids; the report is simply never sealed to them. Empty: every handler is granted.
GRANT_EXCLUSIONS: list[Callable[[Channel, Submission], set[int]]] = []


def excluded_handlers(channel: Channel, submission: Submission) -> set[int]:
    return set().union(*(hook(channel, submission) for hook in GRANT_EXCLUSIONS))


def peppers() -> tuple[bytes, bytes]:
    """The receipt peppers from the settings; raises ``ChannelNotReady`` if they are unusable."""
    try:
        lookup = crypto.pepper_from_text(settings.ARUSHA_RECEIPT_LOOKUP_PEPPER)
        unlock = crypto.pepper_from_text(settings.ARUSHA_RECEIPT_UNLOCK_PEPPER)
        crypto.check_peppers(lookup, unlock)
    except (AttributeError, crypto.InvalidPepper):
        raise ChannelNotReady from None
    return lookup, unlock


def _content(submission: Submission) -> bytes:
    data: dict[str, Any] = {
        "taxonomy": taxonomy.VERSION,
        "answers": submission.answers,
        "office": submission.office.code if submission.office else "",
        "office_name": submission.office.name if submission.office else "",
        "month": submission.month.strftime("%Y-%m") if submission.month else "",
        "description": submission.description,
    }
    return json.dumps(data).encode()


def submit(
    channel: Channel, submission: Submission, *, receipt: str | None = None
) -> tuple[Report, str]:
    """Seal and store a new report; return it with its receipt, to be shown once and forgotten.

    Raises ``ChannelNotReady`` (nothing is stored) when no handler key exists. ``receipt`` is
    for the demo's printed receipt only; reports always get a fresh random one.
    """
    lookup_pepper, unlock_pepper = peppers()
    if not channel.is_ready():
        raise ChannelNotReady
    excluded = excluded_handlers(channel, submission)
    handler_keys = {
        str(k.user_id): bytes(k.public_key)
        for k in channel.handler_keys()
        if k.user_id not in excluded
    }
    identity = submission.identity.encode() if submission.identity else None
    custodian_keys = {str(k.user_id): bytes(k.public_key) for k in channel.custodian_keys()}
    receipt = receipt or crypto.new_receipt()
    try:
        sealed = crypto.seal_submission(
            _content(submission),
            handler_keys=handler_keys,
            receipt_key=crypto.receipt_unlock_key(receipt, unlock_pepper, kdf()),
            identity=identity,
            custodian_keys=custodian_keys if identity else None,
        )
    except crypto.NoRecipients:
        raise ChannelNotReady from None
    lookup_id = crypto.receipt_lookup_id(receipt, lookup_pepper, kdf())
    return _store(channel, submission, sealed, lookup_id), receipt


def _store(
    channel: Channel, submission: Submission, sealed: crypto.SealedSubmission, lookup_id: str
) -> Report:
    stored = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                channel=channel,
                receipt_lookup_id=lookup_id,
                public_key=sealed.report_public_key,
                content=sealed.content,
                reporter_key=sealed.reporter_grant,
                identity_public_key=sealed.identity_public_key,
                identity=sealed.identity,
                received_on=timezone.localdate(),
            )
            _grant(report, sealed.handler_grants, ReportKeyGrant.Kind.REPORT)
            _grant(report, sealed.custodian_grants, ReportKeyGrant.Kind.IDENTITY)
            stored = store_attachments(report, list(submission.uploads))
            if submission.consent:
                record_consented_statistics(channel, submission)
    except BaseException:
        remove_files(stored)
        raise
    return report


def _grant(report: Report, grants: dict[str, bytes], kind: str) -> None:
    ReportKeyGrant.objects.bulk_create(
        ReportKeyGrant(report=report, user_id=int(user_id), kind=kind, wrapped_key=wrapped)
        for user_id, wrapped in grants.items()
    )


def record_consented_statistics(channel: Channel, submission: Submission) -> None:
    """The coarse tuple the reporter agreed to share, kept apart from the report: no link,
    not even the order of writing (``consented`` pools and shuffles)."""
    consented.hold(channel, submission.office, submission.month, submission.answers)


def open_with_receipt(text: str) -> tuple[Report, PrivateKey]:
    """Find a report from a typed receipt and open the reporter's key copy.

    Raises ``InvalidReceipt`` (malformed), ``ReceiptNotFound`` or ``ChannelNotReady``.
    """
    receipt = crypto.normalise_receipt(text)
    lookup_pepper, unlock_pepper = peppers()
    lookup_id = crypto.receipt_lookup_id(receipt, lookup_pepper, kdf())
    report = Report.objects.filter(receipt_lookup_id=lookup_id).first()
    if report is None:
        raise ReceiptNotFound
    unlock_key = crypto.receipt_unlock_key(receipt, unlock_pepper, kdf())
    try:
        return report, crypto.open_with_receipt_key(unlock_key, bytes(report.reporter_key))
    except crypto.DecryptionFailed:
        raise ReceiptNotFound from None


# --- The reporter's key between requests --------------------------------------------------
# The cache holds the report key sealed under a random key that only the reporter's cookie
# holds; it expires on its own. No session row, no database write, nothing about the visit.


def start_reporter_session(report: Report, private_key: PrivateKey) -> str:
    """Keep the report key for a while; return the cookie value that can open it."""
    token = secrets.token_urlsafe(18)
    session_key = crypto.new_session_key()
    sealed = crypto.seal_key_for_session(session_key, private_key)
    cache.set(_CACHE_PREFIX + token, (report.pk, sealed), REPORTER_SESSION_SECONDS)
    return f"{token}.{base64.urlsafe_b64encode(session_key).decode()}"


def reporter_session(cookie: str | None) -> tuple[Report, PrivateKey] | None:
    """The report and its key for this cookie, or None when absent or expired."""
    token, session_key = _split_cookie(cookie)
    if token is None or session_key is None:
        return None
    entry = cache.get(_CACHE_PREFIX + token)
    if entry is None:
        return None
    report = Report.objects.filter(pk=entry[0]).first()
    try:
        private_key = crypto.open_key_from_session(session_key, entry[1])
    except crypto.DecryptionFailed:
        return None
    if report is None or private_key.public_key.encode() != bytes(report.public_key):
        return None
    return report, private_key


def end_reporter_session(cookie: str | None) -> None:
    token, _key = _split_cookie(cookie)
    if token is not None:
        cache.delete(_CACHE_PREFIX + token)


def _split_cookie(cookie: str | None) -> tuple[str | None, bytes | None]:
    if not cookie or cookie.count(".") != 1:
        return None, None
    token, encoded = cookie.split(".")
    if not _TOKEN.fullmatch(token):
        return None, None
    try:
        key = base64.urlsafe_b64decode(encoded.encode())
    except (binascii.Error, ValueError):
        return None, None
    return (token, key) if len(key) == crypto.KEY_BYTES else (None, None)
