"""Referral is a logged act: the chosen parts are sealed to the receiving body and recorded."""

from __future__ import annotations

import json

from django.urls import reverse

from arusha.cases import handling
from arusha.cases.models import Referral
from arusha.core.audit import AuditEntry
from arusha.reporting.models import Message
from tests.cases.conftest import handler_client


def _acknowledged(send, helena):
    case = send(description="A Peruvian truck driver was asked for money.")
    handling.acknowledge(case, helena)
    return case


def test_a_handler_refers_chosen_parts_to_another_administration(client, send, helena, pedro, peru):
    case = _acknowledged(send, helena)
    response = handler_client(client, helena).post(
        reverse("cases:refer", args=[case.code]),
        {
            "to_organisation": peru.pk,
            "parts": ["description"],
            "tell_reporter": "Your report was passed to the competent administration.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    referral = Referral.objects.get()
    assert case.status == "referred" and case.feedback_on is not None
    assert referral.parts == ["description"] and referral.sent_by == helena
    assert b"Peruvian" not in bytes(referral.package)
    assert Message.objects.filter(report=case.report, author_kind="handler").exists()
    entry = AuditEntry.objects.get(action="cases.referred")
    assert entry.details["to"] == "SUNAT" and entry.details["sha256"] == referral.digest

    download = handler_client(client, pedro).get(
        reverse("cases:referral_download", args=[referral.code])
    )
    package = json.loads(download.content)
    assert package["description"] == "A Peruvian truck driver was asked for money."
    assert "answers" not in package and "messages" not in package
    # Pedro got the package, not the case.
    assert (
        handler_client(client, pedro).get(reverse("cases:detail", args=[case.code])).status_code
        == 404
    )


def test_an_outside_body_gets_a_package_the_sender_downloads(client, send, helena, hugo):
    case = _acknowledged(send, helena)
    handler_client(client, helena).post(
        reverse("cases:refer", args=[case.code]),
        {"outside_body": "Anti-corruption agency", "parts": ["answers", "thread"]},
    )
    referral = Referral.objects.get()
    assert referral.recipient_label == "Anti-corruption agency"
    assert referral.grants.get().user == helena
    package = handler_client(client, helena).get(
        reverse("cases:referral_download", args=[referral.code])
    )
    assert json.loads(package.content)["answers"]["demand"] == "cash"
    other = handler_client(client, hugo).get(
        reverse("cases:referral_download", args=[referral.code])
    )
    assert other.status_code == 404


def test_a_body_without_a_handler_key_cannot_receive(client, send, helena, peru):
    case = _acknowledged(send, helena)
    response = handler_client(client, helena).post(
        reverse("cases:refer", args=[case.code]), {"to_organisation": peru.pk, "parts": ["answers"]}
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_a_received_case_cannot_be_referred_before_acknowledgement(
    client, send, helena, pedro, peru
):
    case = send()
    handler_client(client, helena).post(
        reverse("cases:refer", args=[case.code]), {"to_organisation": peru.pk, "parts": ["answers"]}
    )
    assert not Referral.objects.exists()
