"""The audit trail page names each entry's object in words ("Organisation 3"), not as the stored
model label ("core.organisation 3")."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from arusha.core import audit


def test_the_audit_page_names_the_object_in_words(client: Any, alice: Any, ecuador: Any) -> None:
    audit.record(alice, "core.organisation_viewed", ecuador, organisation=ecuador)
    client.force_login(alice)
    page = client.get(reverse("audit_log")).content.decode()
    assert "<td>Organisation <small" in page
    assert "core.organisation " not in page


def test_the_audit_page_in_spanish_translates_the_object(
    client: Any, alice: Any, ecuador: Any
) -> None:
    audit.record(alice, "core.organisation_viewed", ecuador, organisation=ecuador)
    client.force_login(alice)
    client.cookies["django_language"] = "es"
    assert "<td>Organización <small" in client.get(reverse("audit_log")).content.decode()
