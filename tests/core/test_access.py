"""Outsiders get 404 on every protected page and API endpoint; owners get their data."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from arusha.core.models import ApiToken


def test_it_shows_an_organisation_to_its_members(client: Any, alice: Any, ecuador: Any) -> None:
    client.force_login(alice)
    response = client.get(reverse("organisation_detail", args=[ecuador.code]))
    assert response.status_code == 200
    assert "alice" in response.text


def test_it_hides_an_organisation_from_outsiders(
    client: Any, alice: Any, charlie: Any, ecuador: Any
) -> None:
    client.force_login(charlie)
    response = client.get(reverse("organisation_detail", args=[ecuador.code]))
    assert response.status_code == 404
    assert "alice" not in response.text


def test_the_directory_links_only_to_own_organisations(
    client: Any, charlie: Any, ecuador: Any, peru: Any
) -> None:
    client.force_login(charlie)
    page = client.get(reverse("organisation_list")).text
    assert reverse("organisation_detail", args=[peru.code]) in page
    assert reverse("organisation_detail", args=[ecuador.code]) not in page
    assert ecuador.name in page


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, ecuador: Any) -> None:
    for url in [
        reverse("home"),
        reverse("organisation_list"),
        reverse("account"),
        reverse("audit_log"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_regional_overview_is_for_that_regions_coordinator(
    client: Any, coordinator: Any, alice: Any
) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("region_overview", args=["AMS"])).status_code == 200
    assert client.get(reverse("region_overview", args=["EUR"])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("region_overview", args=["AMS"])).status_code == 404


def test_the_regional_overview_hides_small_counts(
    client: Any, coordinator: Any, alice: Any, bob: Any
) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("region_overview", args=["AMS"])).text
    assert "hidden" in page
    # Three people in the region: the total must not reveal them either.
    assert ">3<" not in page.replace(" ", "")


def test_the_audit_trail_is_hidden_from_viewers(client: Any, bob: Any) -> None:
    client.force_login(bob)
    assert client.get(reverse("audit_log")).status_code == 404


def test_integrity_officers_see_only_their_organisations_audit_entries(
    client: Any, alice: Any, charlie: Any
) -> None:
    from arusha.core import audit

    audit.record(alice, "test.ecuador_only", alice, organisation=alice.organisations().get())
    audit.record(charlie, "test.peru_only", charlie, organisation=charlie.organisations().get())
    client.force_login(charlie)
    page = client.get(reverse("audit_log")).text
    assert "test.peru_only" in page
    assert "test.ecuador_only" not in page


def test_a_user_cannot_revoke_someone_elses_token(client: Any, alice: Any, charlie: Any) -> None:
    token, _raw = ApiToken.issue(alice, "alice's script")
    client.force_login(charlie)
    response = client.post(reverse("token_revoke", args=[token.code]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.fixture
def charlie_api(client: Any, charlie: Any) -> Any:
    _token, raw = ApiToken.issue(charlie, "charlie")
    return lambda url: client.get(url, headers={"Authorization": f"Bearer {raw}"})


def test_the_api_hides_members_of_other_organisations(
    charlie_api: Any, alice: Any, ecuador: Any
) -> None:
    response = charlie_api(f"/api/organisations/{ecuador.code}/members")
    assert response.status_code == 404


def test_the_api_hides_people_of_other_organisations(charlie_api: Any, alice: Any) -> None:
    assert charlie_api(f"/api/users/{alice.code}").status_code == 404
    listed = charlie_api("/api/users").json()["items"]
    assert [u["username"] for u in listed] == ["charlie"]


def test_the_api_refuses_anonymous_requests(client: Any, ecuador: Any) -> None:
    for url in [
        "/api/me",
        "/api/organisations",
        f"/api/organisations/{ecuador.code}/members",
        "/api/users",
    ]:
        assert client.get(url).status_code == 401


def test_platform_admins_see_every_organisation(
    client: Any, admin_user: Any, ecuador: Any, alice: Any
) -> None:
    from tests.conftest import verified_client

    verified_client(client, admin_user)
    response = client.get(reverse("organisation_detail", args=[ecuador.code]))
    assert response.status_code == 200
    assert "alice" in response.text
