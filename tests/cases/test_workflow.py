"""The workflow as model methods: legal moves pass, illegal ones raise named errors."""

from __future__ import annotations

from datetime import date

import pytest

from arusha.cases.models import (
    Case,
    IllegalTransition,
    OutcomeRequired,
    ReasonRequired,
)

DAY = date(2026, 3, 1)


def test_a_case_moves_from_received_to_closed(send):
    case = send()
    assert case.status == Case.Status.RECEIVED
    case.acknowledge(DAY)
    case.move_to(Case.Status.ASSESSMENT)
    case.move_to(Case.Status.INVESTIGATION)
    case.close(Case.Outcome.SUBSTANTIATED, DAY)
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_on) == ("closed", "substantiated", DAY)


def test_it_cannot_skip_the_acknowledgement(send):
    case = send()
    with pytest.raises(IllegalTransition):
        case.move_to(Case.Status.ASSESSMENT)
    with pytest.raises(IllegalTransition):
        case.close(Case.Outcome.SUBSTANTIATED, DAY)


def test_referred_is_reached_only_through_a_referral(send):
    case = send()
    case.acknowledge(DAY)
    with pytest.raises(IllegalTransition):
        case.move_to(Case.Status.REFERRED)


def test_it_closes_only_with_an_outcome(send):
    case = send()
    case.acknowledge(DAY)
    with pytest.raises(OutcomeRequired):
        case.close("", DAY)


def test_a_closed_case_reopens_only_with_a_reason(send):
    case = send()
    case.acknowledge(DAY)
    case.close(Case.Outcome.INSUFFICIENT, DAY)
    with pytest.raises(IllegalTransition):
        case.move_to(Case.Status.ASSESSMENT)
    with pytest.raises(ReasonRequired):
        case.reopen("  ")
    case.reopen("The reporter sent new evidence.")
    assert (case.status, case.outcome, case.closed_on) == ("under_assessment", "", None)


def test_only_an_open_case_can_reopen(send):
    with pytest.raises(IllegalTransition):
        send().reopen("why not")


def test_a_reply_after_acknowledgement_stops_the_feedback_clock_once(send):
    case = send()
    case.feedback_given(DAY)
    assert case.feedback_on is None  # not yet acknowledged: no feedback clock is running
    case.acknowledge(DAY)
    case.feedback_given(date(2026, 3, 5))
    case.feedback_given(date(2026, 4, 5))
    assert case.feedback_on == date(2026, 3, 5)


def test_a_reply_from_the_reporting_page_stops_the_feedback_clock_too(client, send, helena):
    from django.urls import reverse

    from tests.cases.conftest import handler_client

    case = send()
    case.acknowledge(DAY)
    handler_client(client, helena).post(
        reverse("reporting:report_detail", args=[case.report.code]), {"text": "Which day?"}
    )
    case.refresh_from_db()
    assert case.feedback_on is not None
