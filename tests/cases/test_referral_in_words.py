"""A case's page names what was referred in words and shows the package's fingerprint short and
labelled, not the stored part codes and a bare 64-character digest."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from arusha.cases import handling
from arusha.cases.models import Referral
from tests.cases.conftest import handler_client


def test_the_case_page_lists_the_referred_parts_in_words(
    client: Any, send: Any, helena: Any
) -> None:
    case = send(description="A truck driver was asked for money.")
    handling.acknowledge(case, helena)
    handler = handler_client(client, helena)
    handler.post(
        reverse("cases:refer", args=[case.code]),
        {"outside_body": "Anti-corruption agency", "parts": ["answers", "thread"]},
    )
    referral = Referral.objects.get()
    page = handler.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "Answers to the questions, Messages with the reporter" in page
    assert "answers, thread" not in page
    assert f"package fingerprint <code>{referral.digest[:12]}</code>" in page
    assert f">{referral.digest}<" not in page
