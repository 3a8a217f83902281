"""Signing in: lockout after repeated failures, audit, language preference."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from arusha.core.audit import AuditEntry
from tests.conftest import PASSWORD


def test_sign_in_is_recorded(client: Any, alice: Any) -> None:
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert AuditEntry.objects.filter(action="auth.login", actor=alice).exists()


def test_repeated_failures_lock_the_account(client: Any, alice: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong password"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_few_failures_do_not_lock_the_account(client: Any, alice: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "alice", "password": "wrong password"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_says_so(client: Any, alice: Any) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please correct the following" in response.text


def test_sign_in_restores_the_preferred_language(client: Any, alice: Any) -> None:
    alice.preferred_language = "pt"
    alice.save()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt"


def test_a_language_chosen_on_the_sign_in_page_is_kept_and_saved(client: Any, alice: Any) -> None:
    alice.preferred_language = "en"
    alice.save()
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("login")})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert 'lang="fr"' in client.get(reverse("home")).text
    alice.refresh_from_db()
    assert alice.preferred_language == "fr"


def test_a_language_chosen_before_signing_out_does_not_follow_the_next_user(
    client: Any, alice: Any, bob: Any
) -> None:
    bob.preferred_language = "pt"
    bob.save()
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("login")})
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt"


def test_an_unknown_language_on_the_sign_in_page_changes_nothing(client: Any, alice: Any) -> None:
    alice.preferred_language = "es"
    alice.save()
    client.post(reverse("set_language"), {"language": "xx", "next": reverse("login")})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_sign_out_needs_a_post(client: Any, alice: Any) -> None:
    client.force_login(alice)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_forms_are_protected_against_cross_site_requests(alice: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(reverse("account"), {"first_name": "Mallory"}).status_code == 403
    assert (
        strict.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code
        == 403
    )
