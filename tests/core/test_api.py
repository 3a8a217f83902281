"""The REST API: tokens, organisations and people, and its OpenAPI document."""

from __future__ import annotations

from typing import Any

from arusha.core.models import ApiToken


def _get(client: Any, raw: str, url: str) -> Any:
    return client.get(url, headers={"Authorization": f"Bearer {raw}"})


def test_a_token_identifies_its_user(client: Any, alice: Any) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    body = _get(client, raw, "/api/me").json()
    assert body["username"] == "alice"
    assert body["memberships"][0]["role"] == "integrity_officer"


def test_only_a_hash_of_the_token_is_stored(alice: Any) -> None:
    token, raw = ApiToken.issue(alice, "script")
    assert raw not in {token.digest, token.hint}
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(raw)).exists()


def test_a_revoked_token_no_longer_works(client: Any, alice: Any) -> None:
    token, raw = ApiToken.issue(alice, "script")
    token.revoke()
    assert _get(client, raw, "/api/me").status_code == 401


def test_a_wrong_token_is_refused(client: Any, alice: Any) -> None:
    assert _get(client, "ar_not-a-real-token", "/api/me").status_code == 401


def test_the_directory_filters_by_kind_and_region(
    client: Any, alice: Any, association: Any, peru: Any
) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    body = _get(client, raw, "/api/organisations?kind=private").json()
    assert [o["name"] for o in body["items"]] == [association.name]
    assert body["count"] == 1
    peru_only = _get(client, raw, "/api/organisations?q=SUNAT").json()
    assert [o["country"] for o in peru_only["items"]] == ["PE"]


def test_an_unknown_organisation_is_a_clear_404(client: Any, alice: Any) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    response = _get(client, raw, "/api/organisations/3f1e0c1e-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_malformed_code_is_a_4xx_not_a_crash(client: Any, alice: Any) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    response = _get(client, raw, "/api/organisations/not-a-uuid")
    assert 400 <= response.status_code < 500


def test_members_are_listed_for_colleagues(client: Any, alice: Any, bob: Any, ecuador: Any) -> None:
    _token, raw = ApiToken.issue(bob, "script")
    body = _get(client, raw, f"/api/organisations/{ecuador.code}/members").json()
    assert sorted(u["username"] for u in body) == ["alice", "bob"]


def test_the_openapi_document_describes_the_endpoints(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/organisations" in schema["paths"]
    assert "/api/users/{code}" in schema["paths"]
    assert "TokenAuth" in schema["components"]["securitySchemes"]


def test_the_api_docs_load_their_assets_locally(client: Any, alice: Any) -> None:
    client.force_login(alice)
    page = client.get("/api/docs").text
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
