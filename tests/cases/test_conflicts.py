"""A handler who declared a conflict cannot list, open or decrypt a report that names it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from arusha.cases import conflicts, handling
from arusha.cases.models import ConflictDeclaration
from arusha.reporting.models import Office, ReportKeyGrant
from arusha.reporting.threads import NoGrant, report_key_for
from tests.cases.conftest import handler_client


@pytest.fixture
def hugo_avoids_guayaquil(hugo, ecuador):
    ConflictDeclaration.objects.create(
        user=hugo, organisation=ecuador, office=Office.objects.get(code="GYE")
    )
    return hugo


def _cannot_reach(client, hugo, case):
    assert not ReportKeyGrant.objects.filter(report=case.report, user=hugo).exists()
    c = handler_client(client, hugo)
    listed = [r["case"] for r in c.get(reverse("cases:inbox")).context["rows"]]
    assert case not in listed
    assert c.get(reverse("cases:detail", args=[case.code])).status_code == 404
    assert c.get(reverse("reporting:report_detail", args=[case.report.code])).status_code == 404
    with pytest.raises(NoGrant):
        report_key_for(case.report, hugo, hugo.private_key)


def test_a_report_naming_a_declared_office_is_never_sealed_to_that_handler(
    client, send, helena, hugo_avoids_guayaquil
):
    case = send(office="GYE")
    other = send(office="UIO")
    _cannot_reach(client, hugo_avoids_guayaquil, case)
    assert ReportKeyGrant.objects.filter(report=case.report, user=helena).exists()
    assert ReportKeyGrant.objects.filter(report=other.report, user=hugo_avoids_guayaquil).exists()


def test_a_declared_person_named_in_the_description_is_excluded_too(client, send, hugo, ecuador):
    ConflictDeclaration.objects.create(user=hugo, organisation=ecuador, text="Inspector Pérez")
    case = send(office="UIO", description="It was inspector pérez at the airport.")
    _cannot_reach(client, hugo, case)


def test_a_later_declaration_gives_up_the_reports_already_held(client, send, hugo, ecuador):
    case = send(office="GYE")
    kept = send(office="UIO")
    _declaration, dropped = conflicts.declare(
        hugo, ecuador, hugo.private_key, office=Office.objects.get(code="GYE")
    )
    assert dropped == 1
    _cannot_reach(client, hugo, case)
    assert ReportKeyGrant.objects.filter(report=kept.report, user=hugo).exists()


def test_the_conflicts_page_declares_and_gives_up_reports(client, send, hugo):
    case = send(office="GYE")
    response = handler_client(client, hugo).post(
        reverse("cases:conflicts"), {"office": Office.objects.get(code="GYE").pk, "text": ""}
    )
    assert response.status_code == 302
    _cannot_reach(client, hugo, case)


def test_classifying_a_case_to_an_office_drops_the_conflicted_handlers_grant(
    client, send, helena, hugo_avoids_guayaquil
):
    case = send(office="")
    assert ReportKeyGrant.objects.filter(report=case.report, user=hugo_avoids_guayaquil).exists()
    handling.classify(
        case, helena, nature="coercive", purpose="other", office=Office.objects.get(code="GYE")
    )
    _cannot_reach(client, hugo_avoids_guayaquil, case)


def test_if_every_handler_is_conflicted_the_channel_refuses_rather_than_leak(send, helena, ecuador):
    from arusha.reporting.submission import ChannelNotReady

    ConflictDeclaration.objects.create(
        user=helena, organisation=ecuador, office=Office.objects.get(code="GYE")
    )
    with pytest.raises(ChannelNotReady):
        send(office="GYE")
