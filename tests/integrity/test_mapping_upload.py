"""A mapping file of the administration's own, given with an upload (page or API): checked
before anything is stored, kept with the run, used whether the file is analysed at once or in
the background."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arusha.integrity import background
from arusha.integrity.models import AnalysisRun
from tests.integrity.test_api import Api


def _upload(
    client: Any, ecuador: Any, export: Path, yaml: bytes | None, language: str = "en", **fields: Any
) -> Any:
    upload = SimpleUploadedFile(export.name, export.read_bytes())
    data: dict[str, Any] = {"organisation": ecuador.pk, "file": upload}
    if yaml is not None:
        data["mapping_file"] = SimpleUploadedFile("senae.yaml", yaml)
    return client.post(
        reverse("integrity:upload"), data | fields, follow=True, HTTP_ACCEPT_LANGUAGE=language
    )


def test_an_export_with_its_own_column_names_is_analysed_with_the_mapping_given(
    client: Any, alice: Any, ecuador: Any, own_export: tuple[Path, Path]
) -> None:
    export, mapping = own_export
    client.force_login(alice)
    page = _upload(client, ecuador, export, mapping.read_bytes()).content.decode()
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE and run.rows == 3000
    assert run.mapping_text == mapping.read_text()
    assert 'id="ranked-entities"' in page
    assert "declaration_id: Numero DAU" in page


def test_without_the_mapping_the_same_export_fails_validation_naming_its_columns(
    client: Any, alice: Any, ecuador: Any, own_export: tuple[Path, Path]
) -> None:
    export, _mapping = own_export
    client.force_login(alice)
    _upload(client, ecuador, export, None)
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.FAILED_VALIDATION
    assert "declaration_id" in {p["column"] for p in run.problems}


def test_a_large_export_is_analysed_in_the_background_with_its_mapping(
    client: Any,
    alice: Any,
    ecuador: Any,
    own_export: tuple[Path, Path],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.INTEGRITY_INLINE_MAX_MB = 0
    settings.VAR_DIR = tmp_path
    export, mapping = own_export
    client.force_login(alice)
    _upload(client, ecuador, export, mapping.read_bytes())
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.QUEUED
    assert run.mapping_text == mapping.read_text()
    assert background.work() == 1
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE and run.rows == 3000


@pytest.mark.parametrize(
    ("content", "fields", "message"),
    [
        (b"columns: [unclosed", {}, "The mapping file is not valid YAML"),
        (b"columns:\n  declaration: DAU\n", {}, "&#x27;declaration&#x27; is not a canonical"),
        ("columns:\n  office_id: Año\n".encode("latin-1"), {}, "no es texto UTF-8"),
        (b"# " + b"x" * 70_000 + b"\ncolumns: {}\n", {}, "supera los 64 KB"),
        (b"columns:\n  declaration_id: Numero DAU\n", {"mapping": "kcs"}, "no ambos"),
    ],
)
def test_a_mapping_file_with_a_mistake_is_said_in_the_form_and_nothing_is_stored(
    client: Any,
    alice: Any,
    ecuador: Any,
    own_export: tuple[Path, Path],
    content: bytes,
    fields: dict[str, str],
    message: str,
) -> None:
    export, _mapping = own_export
    client.force_login(alice)
    response = _upload(client, ecuador, export, content, "es", **fields)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="upload-form"' in page
    assert message in page
    assert not AnalysisRun.objects.exists()


def test_the_api_takes_a_mapping_file_and_returns_its_text(
    client: Any, alice: Any, ecuador: Any, own_export: tuple[Path, Path]
) -> None:
    export, mapping = own_export
    api = Api(client, alice)
    data = {
        "file": SimpleUploadedFile(export.name, export.read_bytes()),
        "mapping_file": SimpleUploadedFile("senae.yaml", mapping.read_bytes()),
    }
    response = client.post("/api/integrity/runs", data, headers=api.auth)
    assert response.status_code == 201, response.content
    assert response.json()["mapping_text"] == mapping.read_text()
    assert response.json()["status"] == "done"

    wrong = {
        "file": SimpleUploadedFile(export.name, export.read_bytes()),
        "mapping_file": SimpleUploadedFile("senae.yaml", b"columns:\n  officer: Aforador\n"),
    }
    refused = client.post("/api/integrity/runs", wrong, headers=api.auth)
    assert refused.status_code == 422
    assert "'officer' is not a canonical column" in refused.content.decode()
    assert AnalysisRun.objects.count() == 1
