"""What a handler does to a case, each act in one function that records it in the audit trail.

Views, the API and commands call these; they raise the named errors of ``models`` (and
``NoRecipient``) and never touch key material except through ``reporting.crypto``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from nacl.public import PrivateKey

from arusha.cases import conflicts
from arusha.cases.models import (
    Case,
    IdentityRequest,
    InternalNote,
    Label,
    ReasonRequired,
    Referral,
    ReferralGrant,
)
from arusha.core import audit
from arusha.core.models import Organisation, Role, User
from arusha.reporting import crypto
from arusha.reporting.models import HandlerKey, Message, Office, ReportKeyGrant
from arusha.reporting.threads import post_message, read_content, read_thread


class NoRecipient(Exception):
    """Nobody at the receiving body holds a key the package could be sealed to."""


class NotPermitted(Exception):
    """The person may not do this (e.g. approve their own identity request)."""


def _record(user: User | None, action: str, case: Case, **details: Any) -> None:
    audit.record(user, action, case, organisation=case.report.channel.organisation, details=details)


def acknowledge(case: Case, user: User, message: str = "") -> None:
    with transaction.atomic():
        case.acknowledge(case.today())
        if message.strip():
            post_message(case.report, Message.Author.HANDLER, message, author=user)
        _record(user, "cases.acknowledged", case, message_sent=bool(message.strip()))


def move(case: Case, user: User, status: str) -> None:
    before = case.status
    case.move_to(status)
    _record(user, "cases.status_changed", case, before=before, after=status)


def close(case: Case, user: User, outcome: str, message: str = "") -> None:
    with transaction.atomic():
        before = case.status
        case.close(outcome, case.today())
        if message.strip():
            reply(case, user, message)
        _record(user, "cases.closed", case, before=before, outcome=outcome)


def reopen(case: Case, user: User, reason: str) -> None:
    case.reopen(reason)
    _record(user, "cases.reopened", case, reason=reason)


def reply(case: Case, user: User, text: str) -> None:
    post_message(case.report, Message.Author.HANDLER, text, author=user)
    case.feedback_given(case.today())
    _record(user, "cases.message_sent", case)


def classify(case: Case, user: User, *, nature: str, purpose: str, office: Office | None) -> int:
    """Set the classification; handlers conflicted with the office lose the report key."""
    case.nature, case.purpose, case.office = nature, purpose, office
    case.save(update_fields=["nature", "purpose", "office"])
    conflicted = conflicts.conflicted_users(case) - {user.pk}
    dropped, _by_type = ReportKeyGrant.objects.filter(
        report=case.report, user__in=conflicted, kind=ReportKeyGrant.Kind.REPORT
    ).delete()
    if case.assignee_id in conflicted:
        case.assignee = None
        case.save(update_fields=["assignee"])
    _record(
        user,
        "cases.classified",
        case,
        nature=nature,
        purpose=purpose,
        office=office.code if office else "",
        grants_removed=dropped,
    )
    return dropped


def assignable_handlers(case: Case) -> list[User]:
    """Handlers of the administration who hold the report key (never a conflicted one)."""
    return list(
        User.objects.filter(
            is_active=True,
            report_grants__report=case.report,
            report_grants__kind=ReportKeyGrant.Kind.REPORT,
            memberships__organisation=case.report.channel.organisation,
            memberships__role=Role.CASE_HANDLER,
        )
        .distinct()
        .order_by("username")
    )


def assign(case: Case, user: User, assignee: User | None) -> None:
    if assignee is not None and assignee not in assignable_handlers(case):
        raise NotPermitted("this person does not hold the report key")
    before = case.assignee.get_username() if case.assignee else ""
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    after = assignee.get_username() if assignee else ""
    _record(user, "cases.assigned", case, before=before, after=after)


def set_legal_hold(case: Case, user: User, hold: bool) -> None:
    """A case on legal hold is never purged, whatever its retention period."""
    case.legal_hold = hold
    case.save(update_fields=["legal_hold"])
    _record(user, "cases.legal_hold_set" if hold else "cases.legal_hold_lifted", case)


def set_labels(case: Case, user: User, labels: list[Label]) -> None:
    case.labels.set(labels)
    _record(user, "cases.labelled", case, labels=sorted(label.name for label in labels))


def add_note(case: Case, user: User, text: str) -> InternalNote:
    body = crypto.seal_for_report(bytes(case.report.public_key), text.encode())
    note = InternalNote.objects.create(case=case, author=user, body=body)
    _record(user, "cases.note_added", case)
    return note


@dataclass(frozen=True)
class OpenedNote:
    author: str
    text: str
    created_at: Any


def read_notes(case: Case, report_key: PrivateKey) -> list[OpenedNote]:
    return [
        OpenedNote(
            note.author.get_username() if note.author else "",
            crypto.open_report_content(report_key, bytes(note.body)).decode(),
            note.created_at,
        )
        for note in case.notes.select_related("author")
    ]


# --- Reporter identity: a custodian's key opens it, nobody else's -------------------------


def request_identity(case: Case, user: User, reason: str) -> IdentityRequest:
    if not reason.strip():
        raise ReasonRequired
    request = IdentityRequest.objects.create(case=case, requester=user, reason=reason.strip())
    _record(user, "cases.identity_requested", case, request=str(request.code))
    return request


def _identity_grant(case: Case, user: User) -> ReportKeyGrant | None:
    return ReportKeyGrant.objects.filter(
        report=case.report, user=user, kind=ReportKeyGrant.Kind.IDENTITY
    ).first()


@transaction.atomic
def approve_identity(request: IdentityRequest, custodian: User, custodian_key: PrivateKey) -> None:
    """The custodian opens the identity key with their own key and grants it to the requester."""
    if custodian == request.requester or request.status != IdentityRequest.Status.PENDING:
        raise NotPermitted("a second person must decide a pending request")
    case = request.case
    grant = _identity_grant(case, custodian)
    requester_key = HandlerKey.objects.filter(user=request.requester).first()
    if grant is None or requester_key is None:
        raise NotPermitted("no identity key to grant")
    identity_key = crypto.unwrap_report_key(bytes(grant.wrapped_key), custodian_key)
    ReportKeyGrant.objects.update_or_create(
        report=case.report,
        user=request.requester,
        kind=ReportKeyGrant.Kind.IDENTITY,
        defaults={
            "wrapped_key": crypto.grant_report_key(identity_key, bytes(requester_key.public_key))
        },
    )
    _decide(request, custodian, IdentityRequest.Status.APPROVED)


def refuse_identity(request: IdentityRequest, custodian: User) -> None:
    if custodian == request.requester or request.status != IdentityRequest.Status.PENDING:
        raise NotPermitted("a second person must decide a pending request")
    _decide(request, custodian, IdentityRequest.Status.REFUSED)


def _decide(request: IdentityRequest, custodian: User, status: str) -> None:
    request.status, request.decided_by, request.decided_at = status, custodian, timezone.now()
    request.save()
    _record(
        custodian,
        f"cases.identity_{status}",
        request.case,
        request=str(request.code),
        requester=request.requester.get_username(),
    )


def read_identity(case: Case, user: User, handler_key: PrivateKey) -> str | None:
    """The reporter's identity, if a custodian granted it to this person; None otherwise."""
    grant = _identity_grant(case, user)
    if grant is None or case.report.identity is None:
        return None
    identity_key = crypto.unwrap_report_key(bytes(grant.wrapped_key), handler_key)
    return crypto.open_identity(identity_key, bytes(case.report.identity)).decode()


# --- Referral -------------------------------------------------------------------------------


def _package(case: Case, report_key: PrivateKey, parts: list[str]) -> bytes:
    content = read_content(case.report, report_key)
    data: dict[str, Any] = {
        "case": str(case.code),
        "administration": case.report.channel.organisation.label,
        "received_on": case.received_on.isoformat(),
    }
    if Referral.Part.ANSWERS in parts:
        data["answers"] = content.get("answers", {})
        data["office"] = content.get("office", "")
        data["month"] = content.get("month", "")
    if Referral.Part.DESCRIPTION in parts:
        data["description"] = content.get("description", "")
    if Referral.Part.THREAD in parts:
        data["messages"] = [
            {"from": item.author_kind, "on": item.created_on.isoformat(), "text": item.text}
            for item in read_thread(case.report, report_key)
        ]
    if Referral.Part.CLASSIFICATION in parts:
        data["classification"] = {"nature": case.nature, "purpose": case.purpose}
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _recipient_keys(sender: User, to_organisation: Organisation | None) -> dict[int, bytes]:
    if to_organisation is None:
        # An outside body is not on the platform: the package is sealed to the sender, who
        # downloads it and sends it through the body's own secure channel.
        keys = HandlerKey.objects.filter(user=sender)
    else:
        keys = HandlerKey.objects.filter(
            user__is_active=True,
            user__memberships__organisation=to_organisation,
            user__memberships__role=Role.CASE_HANDLER,
        ).distinct()
    return {k.user_id: bytes(k.public_key) for k in keys}


@transaction.atomic
def refer(
    case: Case,
    user: User,
    report_key: PrivateKey,
    parts: list[str],
    *,
    to_organisation: Organisation | None = None,
    outside_body: str = "",
    tell_reporter: str = "",
) -> Referral:
    """Seal the chosen parts to the receiving body, record what was sent, move the case."""
    recipients = _recipient_keys(user, to_organisation)
    if not recipients:
        raise NoRecipient
    case.mark_referred()
    package = _package(case, report_key, parts)
    keys = crypto.new_report_keys()
    referral = Referral.objects.create(
        case=case,
        kind=Referral.Kind.PLATFORM if to_organisation else Referral.Kind.OUTSIDE,
        to_organisation=to_organisation,
        outside_body=outside_body,
        parts=sorted(parts),
        public_key=keys.public_bytes,
        package=crypto.seal_for_report(keys.public_key, package),
        digest=hashlib.sha256(package).hexdigest(),
        sent_by=user,
        reporter_told=bool(tell_reporter.strip()),
    )
    ReferralGrant.objects.bulk_create(
        ReferralGrant(
            referral=referral,
            user_id=uid,
            wrapped_key=crypto.grant_report_key(keys.private_key, pk),
        )
        for uid, pk in recipients.items()
    )
    if tell_reporter.strip():
        reply(case, user, tell_reporter)
    _record(
        user,
        "cases.referred",
        case,
        referral=str(referral.code),
        to=referral.recipient_label,
        parts=referral.parts,
        sha256=referral.digest,
        recipients=len(recipients),
        reporter_told=referral.reporter_told,
    )
    return referral


def open_referral(referral: Referral, user: User, handler_key: PrivateKey) -> bytes:
    grant = ReferralGrant.objects.get(referral=referral, user=user)
    key = crypto.unwrap_report_key(bytes(grant.wrapped_key), handler_key)
    package = crypto.open_report_content(key, bytes(referral.package))
    audit.record(user, "cases.referral_opened", referral, organisation=referral.to_organisation)
    return package
