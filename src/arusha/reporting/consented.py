"""Statistics reporters consented to, written so that no record can be paired with its report.

A report and its coarse record written together would sit in the same place of two tables, and
the n-th report would be the n-th record. So the tuple first waits, sealed, in a pool of its
channel; once ``REPORTING_STATISTICS_BATCH`` tuples (default 5) are waiting, all of them are
written as ``CoarseRecord`` rows in a random order, with random keys and the month only. A
channel with fewer consented reports than that has none in its statistics yet, which the
suppression of small cells would hide anyway.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from arusha.reporting import crypto
from arusha.reporting.models import Channel, CoarseRecord, Office, PendingCoarseRecord

_random = secrets.SystemRandom()  # tests put a seeded random.Random here
# Exactly what the consent box names (forms.ReportForm.consent_statistics): nothing more.
_FIELDS = ("stage", "demand", "by_whom")


def batch_size() -> int:
    return max(1, int(getattr(settings, "REPORTING_STATISTICS_BATCH", 5)))


def _pool_key() -> bytes:
    # Only the pool's confidentiality rests on this: a tuple is public statistics once released.
    return hashlib.blake2b(
        settings.SECRET_KEY.encode(), person=b"arusha-stat-pool", digest_size=crypto.KEY_BYTES
    ).digest()


def hold(
    channel: Channel, office: Office | None, month: date | None, answers: dict[str, str]
) -> None:
    """Put one consented tuple in the channel's pool; release the pool once it is full.

    Call inside the transaction that stores the report.
    """
    record: dict[str, Any] = {field: answers.get(field, "") for field in _FIELDS}
    record |= {"office": office.pk if office else None, "month": month.isoformat() if month else ""}
    sealed = crypto.seal_for_session(_pool_key(), json.dumps(record).encode())
    PendingCoarseRecord.objects.create(channel=channel, sealed=sealed)
    release(channel)


@transaction.atomic
def release(channel: Channel, *, at_least: int | None = None) -> int:
    """Write the pool as coarse records in random order when it holds ``at_least`` tuples."""
    pending = list(PendingCoarseRecord.objects.select_for_update().filter(channel=channel))
    if not pending or len(pending) < (batch_size() if at_least is None else at_least):
        return 0
    records = [_record(channel, p) for p in pending]
    _random.shuffle(records)
    CoarseRecord.objects.bulk_create(records)
    PendingCoarseRecord.objects.filter(pk__in=[p.pk for p in pending]).delete()
    return len(records)


def _record(channel: Channel, pending: PendingCoarseRecord) -> CoarseRecord:
    data = json.loads(crypto.open_from_session(_pool_key(), bytes(pending.sealed)))
    month = data.pop("month") or None
    office = data.pop("office")
    return CoarseRecord(
        channel=channel,
        office_id=office,
        month=month,
        source=CoarseRecord.Source.CONSENT,
        **data,
    )
