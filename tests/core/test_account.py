"""The account page: preferences, API tokens behind a fresh password check."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from arusha.core.audit import AuditEntry
from arusha.core.models import ApiToken
from tests.conftest import PASSWORD


def test_creating_a_token_asks_for_the_password_first(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.post(reverse("token_create"), {"name": "export", "return_to": "/account/"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("reauth"))
    assert not ApiToken.objects.exists()


def test_a_wrong_password_does_not_confirm(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.post(reverse("reauth"), {"password": "wrong"})
    assert "not correct" in response.text
    client.post(reverse("token_create"), {"name": "export"})
    assert not ApiToken.objects.exists()


def test_after_confirming_the_token_is_shown_once(client: Any, alice: Any) -> None:
    client.force_login(alice)
    client.post(reverse("reauth"), {"password": PASSWORD, "next": "/account/"})
    response = client.post(reverse("token_create"), {"name": "export"})
    token = ApiToken.objects.get(user=alice)
    assert token.name == "export"
    assert token.hint in response.text
    raw = response.text.split('<pre id="new-token">')[1].split("</pre>")[0]
    assert ApiToken.authenticate(raw) == alice
    assert raw not in client.get(reverse("account")).text
    assert AuditEntry.objects.filter(action="api.token_created", actor=alice).exists()


def test_preferences_are_saved(client: Any, alice: Any) -> None:
    client.force_login(alice)
    client.post(
        reverse("account"),
        {
            "first_name": "Alicia",
            "last_name": "Vera",
            "email": "a@example.org",
            "preferred_language": "es",
        },
    )
    alice.refresh_from_db()
    assert (alice.first_name, alice.preferred_language) == ("Alicia", "es")


def test_an_invalid_email_is_explained_and_nothing_is_saved(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("account"),
        {
            "first_name": "Alicia",
            "last_name": "",
            "email": "not-an-email",
            "preferred_language": "es",
        },
    )
    assert "Enter a valid email address" in response.text
    alice.refresh_from_db()
    assert alice.first_name == ""
