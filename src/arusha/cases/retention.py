"""Retention: a closed case is kept for its outcome's period, then purged for good, unless a
legal hold keeps it. Purging deletes the report, its messages, notes, grants (the keys that
could open it), referral packages and files; only a ``DeletionRecord`` and an audit entry say
that a case existed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from arusha.cases import deadlines
from arusha.cases.models import Case, CasePolicy, DeletionRecord
from arusha.core import audit
from arusha.reporting.models import Attachment
from arusha.reporting.threads import remove_files


@dataclass(frozen=True)
class Expired:
    case: Case
    delete_after: date


def expired_cases(today: date | None = None) -> list[Expired]:
    found = []
    closed = Case.objects.filter(
        status=Case.Status.CLOSED, legal_hold=False, closed_on__isnull=False
    )
    for case in closed.select_related("report__channel"):
        policy = CasePolicy.for_channel(case.report.channel)
        day = today or deadlines.local_day(timezone.now(), policy.time_zone)
        assert case.closed_on is not None  # noqa: S101 - filtered above
        delete_after = deadlines.add_months(case.closed_on, policy.retention_months(case.outcome))
        if delete_after < day:
            found.append(Expired(case, delete_after))
    return found


def purge(expired: list[Expired]) -> int:
    """Delete each expired case for good; returns how many. Files go after the commit."""
    files: list[Attachment] = []
    with transaction.atomic():
        for item in expired:
            case, report = item.case, item.case.report
            files.extend(report.attachments.all())
            DeletionRecord.objects.create(
                channel=report.channel, outcome=case.outcome, deleted_on=timezone.localdate()
            )
            audit.record(
                None,
                "cases.case_purged",
                organisation=report.channel.organisation,
                details={"outcome": case.outcome, "channel": report.channel.slug},
            )
            report.delete()
    remove_files(files)
    return len(expired)
