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


HUGE = 2**63


def test_a_huge_page_offset_or_limit_is_a_422_on_every_paginated_list(
    client: Any, alice: Any
) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    for url in ["/api/organisations", "/api/users", "/api/partnerships/agreements"]:
        for query in [f"offset={HUGE}", f"limit={HUGE}", "limit=0", "offset=-1"]:
            response = _get(client, raw, f"{url}?{query}")
            assert response.status_code == 422, (url, query)
    public = client.get(f"/api/partnerships/public/agreements?offset={HUGE}")
    assert public.status_code == 422
    assert "offset" in public.text


def test_a_page_within_the_bounds_still_works(client: Any, alice: Any, ecuador: Any) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    body = _get(client, raw, "/api/organisations?limit=500&offset=0").json()
    assert body["count"] == 1


def test_every_paginated_operation_documents_its_bounds(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    bounded = 0
    for operations in schema["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in {"limit", "offset"}:
                    assert "maximum" in parameter["schema"], parameter
                    bounded += 1
    assert bounded == 18  # limit and offset of 9 paginated lists


def test_no_two_api_schemas_share_a_name() -> None:
    """Ninja names a component after its class: two classes of one name would share a schema."""
    import importlib
    import inspect

    from ninja import Schema

    modules = [
        "arusha.core.api",
        "arusha.core.api_errors",
        "arusha.core.paging",
        "arusha.partnerships.schemas",
        "arusha.questionnaires.api",
        "arusha.assessments.api",
        "arusha.surveys.api",
        "arusha.cases.api",
        "arusha.integrity.api",
    ]
    seen: dict[str, str] = {}
    for name in modules:
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == name:
                assert cls_name not in seen, f"{cls_name} in {name} and {seen[cls_name]}"
                seen[cls_name] = name


def _component(schema: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    answer = schema["paths"][path][method]["responses"]["200"]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_assessment_and_survey_results_are_documented_with_their_own_schemas(
    client: Any,
) -> None:
    schema = client.get("/api/openapi.json").json()
    assessment = _component(schema, "/api/assessments/{code}/results")
    survey = _component(schema, "/api/surveys/campaigns/{code}/results")
    assert "assessment" in assessment["properties"]
    assert "campaign" in survey["properties"]
    assert assessment != survey


def test_every_operation_documents_its_error_answers(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    assert {"ErrorOut", "InvalidOut"} <= set(schema["components"]["schemas"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"422", "429"} <= codes, (method, path)
            if operation.get("security"):
                assert "401" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method != "get" and operation.get("security"):
                assert "403" in codes, (method, path)
    assert "409" in schema["paths"]["/api/cases/{code}/status"]["post"]["responses"]
    put_answer = schema["paths"]["/api/assessments/{code}/answers/{question_code}"]["put"]
    assert "409" in put_answer["responses"]


def test_a_script_with_a_wrong_token_is_told_so_not_about_csrf(alice: Any) -> None:
    """A wrong token used to fall back to the browser session, whose CSRF check then answered
    a script's POST "CSRF check Failed" (403); Django's test client skips that check unless
    asked, as here."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    token, raw = ApiToken.issue(alice, "script")
    token.revoke()
    wrong = {"Authorization": f"Bearer {raw}"}
    response = client.post("/api/partnerships/agreements", {}, "application/json", headers=wrong)
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    _token, good = ApiToken.issue(alice, "script")
    right = {"Authorization": f"Bearer {good}"}
    answered = client.post("/api/partnerships/agreements", {}, "application/json", headers=right)
    assert answered.status_code == 422  # past authentication and CSRF, to the body's validation
