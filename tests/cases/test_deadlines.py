"""Deadline arithmetic: month ends, leap years, year ends and the channel's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from arusha.cases import deadlines
from arusha.cases.deadlines import Policy

EU = Policy()


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 15), 3, date(2026, 6, 15)),
    ],
)
def test_adding_months_clamps_to_the_end_of_a_shorter_month(start, months, expected):
    assert deadlines.add_months(start, months) == expected


def test_acknowledgement_is_due_seven_days_after_receipt_across_a_year_end():
    assert deadlines.acknowledge_due(date(2026, 12, 28), EU) == date(2027, 1, 4)


def test_feedback_runs_three_months_from_acknowledgement():
    assert deadlines.feedback_due(date(2026, 1, 20), date(2026, 1, 31), EU) == date(2026, 4, 30)


def test_without_acknowledgement_feedback_runs_from_the_end_of_the_seven_days():
    assert deadlines.feedback_due(date(2026, 1, 24), None, EU) == date(2026, 4, 30)


def test_an_external_channel_can_give_six_months():
    external = Policy(feedback_months=6)
    assert deadlines.feedback_due(date(2026, 8, 25), date(2026, 8, 31), external) == date(
        2027, 2, 28
    )


def test_the_day_is_taken_in_the_channels_time_zone():
    moment = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert deadlines.local_day(moment, "Africa/Nairobi") == date(2026, 2, 1)
    assert deadlines.local_day(moment, "America/Lima") == date(2026, 1, 31)
    assert deadlines.local_day(moment, "UTC") == date(2026, 1, 31)


def test_a_clock_is_due_soon_then_overdue_and_stops_when_done():
    clock = deadlines.Deadline(date(2026, 3, 10), None)
    assert clock.state(date(2026, 3, 1), 3) == deadlines.RUNNING
    assert clock.state(date(2026, 3, 7), 3) == deadlines.DUE_SOON
    assert clock.state(date(2026, 3, 10), 3) == deadlines.DUE_SOON
    assert clock.state(date(2026, 3, 11), 3) == deadlines.OVERDUE
    assert (
        deadlines.Deadline(date(2026, 3, 10), date(2026, 3, 10)).state(date(2026, 5, 1), 3)
        == deadlines.MET
    )
    assert (
        deadlines.Deadline(date(2026, 3, 10), date(2026, 3, 11)).state(date(2026, 5, 1), 3)
        == deadlines.LATE
    )


def test_a_case_acknowledged_late_at_night_counts_the_day_of_the_channels_time_zone(
    send, channel, helena
):
    from unittest import mock

    from arusha.cases import handling
    from arusha.cases.models import CasePolicy

    CasePolicy.objects.create(channel=channel, time_zone="Asia/Manila")
    case = send()
    case.received_on = date(2026, 1, 24)
    case.save()
    # 31 January 17:00 UTC is already 1 February in Manila: one day late.
    late_evening = datetime(2026, 1, 31, 17, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=late_evening):
        handling.acknowledge(case, helena)
    case.refresh_from_db()
    assert case.acknowledged_on == date(2026, 2, 1)
    ack, feedback = case.clocks()
    assert ack.state(date(2026, 2, 2), 3) == deadlines.LATE
    assert feedback.due == date(2026, 5, 1)


def test_the_channel_policy_changes_the_deadlines(send, channel):
    from arusha.cases.models import CasePolicy

    CasePolicy.objects.create(channel=channel, acknowledge_days=5, feedback_months=6)
    case = send()
    case.received_on = date(2026, 8, 26)
    case.acknowledged_on = date(2026, 8, 31)
    ack, feedback = case.clocks()
    assert ack.due == date(2026, 8, 31)
    assert feedback.due == date(2027, 2, 28)
