"""A NUL character in a request is refused at the door with a 400, on every database: PostgreSQL
cannot store or compare one, so letting it through turned filters and forms into 500s there."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arusha.core.models import ApiToken


def test_a_nul_in_an_api_filter_is_a_400_that_says_why(client: Any, alice: Any) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    response = client.get(
        "/api/questionnaires?kind=a%00b", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_a_nul_in_a_json_body_is_a_400(client: Any, alice: Any) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    response = client.post(
        "/api/partnerships/agreements",
        data=json.dumps({"title": "Letter\u0000of intent"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_a_nul_in_a_page_form_is_a_400_in_the_readers_language(client: Any, alice: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("login"),
        "username=alice%00&password=x",
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    assert "carácter NUL" in response.content.decode()


def test_ordinary_requests_and_files_with_nul_bytes_pass(client: Any, alice: Any) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    ok = client.get("/api/questionnaires?kind=a%20b", headers={"Authorization": f"Bearer {raw}"})
    assert ok.status_code == 200
    client.force_login(alice)
    upload = client.post(
        reverse("login"), {"file": SimpleUploadedFile("a.bin", b"\x00\x01\x00")}
    )  # a multipart body: files may hold NUL bytes, so the body is not searched
    assert upload.status_code != 400
