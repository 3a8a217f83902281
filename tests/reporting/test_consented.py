"""Consented statistics cannot be paired with reports: not by order of writing, not by time."""

from __future__ import annotations

import random
from typing import Any

from django.db import connection

from arusha.reporting import consented
from arusha.reporting.models import CoarseRecord, PendingCoarseRecord, Report
from tests.reporting.conftest import report_data

NEW = "/report/senae/new/"
STAGES = ["lodging", "documentary", "physical", "valuation", "release", "transit"]


def _send_six(client: Any) -> list[str]:
    """Six consented reports, each told apart by its stage; returns the stages in sent order."""
    for stage in STAGES:
        data = report_data(consent_statistics="on", stage=stage, month="2026-10")
        assert client.post(NEW, data).status_code == 200
    return STAGES


def _stored_order() -> list[str]:
    # The order rows come back without ORDER BY: insertion order in SQLite and PostgreSQL.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stage FROM {CoarseRecord._meta.db_table}")  # noqa: S608 - model table
        return [row[0] for row in cursor.fetchall()]


def test_nothing_is_counted_until_a_batch_is_full(client, channel, helena, settings):
    settings.REPORTING_STATISTICS_BATCH = 3
    for _report in range(2):
        client.post(NEW, report_data(consent_statistics="on"))
    assert Report.objects.count() == 2
    assert CoarseRecord.objects.count() == 0
    assert PendingCoarseRecord.objects.count() == 2
    client.post(NEW, report_data(consent_statistics="on"))
    assert CoarseRecord.objects.count() == 3
    assert PendingCoarseRecord.objects.count() == 0


def test_records_are_not_stored_in_the_order_of_the_reports(
    client, channel, helena, settings, monkeypatch
):
    settings.REPORTING_STATISTICS_BATCH = 6
    monkeypatch.setattr(consented, "_random", random.Random(2026))
    sent = _send_six(client)
    expected = list(sent)
    random.Random(2026).shuffle(expected)
    assert expected != sent  # the seed gives a real shuffle
    assert _stored_order() == expected
    assert sorted(_stored_order()) == sorted(sent)


def test_no_record_or_pending_tuple_holds_a_time_finer_than_a_month(
    client, channel, helena, settings
):
    settings.REPORTING_STATISTICS_BATCH = 6
    _send_six(client)
    for model in (CoarseRecord, PendingCoarseRecord):
        kinds = {f.get_internal_type() for f in model._meta.concrete_fields}
        assert not kinds & {"DateTimeField", "TimeField"}, model
    assert {r.month.day for r in CoarseRecord.objects.all()} == {1}


def test_a_waiting_tuple_is_sealed_so_a_database_copy_cannot_read_it(client, channel, helena):
    client.post(NEW, report_data(consent_statistics="on", stage="valuation", demand="goods"))
    pending = PendingCoarseRecord.objects.get()
    assert b"valuation" not in bytes(pending.sealed)
    assert b"goods" not in bytes(pending.sealed)


def test_only_what_the_consent_names_is_kept(client, channel, helena, settings):
    settings.REPORTING_STATISTICS_BATCH = 1
    client.post(NEW, report_data(consent_statistics="on", amount_band="50-500", paid="no"))
    record = CoarseRecord.objects.get()
    assert (record.amount_band, record.paid, record.consequence) == ("", "", "")
