"""A mapping file of the administration's own, given with an upload (page or API): checked
before anything is stored, kept with the run, used whether the file is analysed at once or in
the background."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arusha.core.audit import AuditEntry
from arusha.integrity import background
from arusha.integrity.models import AnalysisRun, ColumnLayout
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
    yaml = SimpleUploadedFile("senae.yaml", mapping.read_bytes())
    response = api.upload(export.name, export.read_bytes(), mapping_file=yaml)
    assert response.status_code == 201, response.content
    assert response.json()["mapping_text"] == mapping.read_text()
    assert response.json()["status"] == "done"

    wrong = SimpleUploadedFile("senae.yaml", b"columns:\n  officer: Aforador\n")
    refused = api.upload(export.name, export.read_bytes(), mapping_file=wrong)
    assert refused.status_code == 422
    assert "'officer' is not a canonical column" in refused.content.decode()
    assert AnalysisRun.objects.count() == 1


def test_a_mapping_saved_with_an_upload_reads_the_next_export_from_the_layout_list(
    client: Any, alice: Any, ecuador: Any, own_export: tuple[Path, Path]
) -> None:
    export, mapping = own_export
    client.force_login(alice)
    _upload(client, ecuador, export, mapping.read_bytes(), save_as="SENAE export")
    layout = ColumnLayout.objects.get()
    assert (layout.organisation, layout.name, layout.saved_by) == (ecuador, "SENAE export", alice)
    assert layout.text == mapping.read_text()
    entry = AuditEntry.objects.get(action="integrity.layout_saved")
    assert entry.details == {"name": "SENAE export", "replaced": False}

    form = client.get(reverse("integrity:upload")).content.decode()
    assert f'<option value="saved:{layout.pk}">SENAE export</option>' in form
    _upload(client, ecuador, export, None, mapping=f"saved:{layout.pk}")
    second = AnalysisRun.objects.latest("created_at")
    assert second.status == AnalysisRun.Status.DONE and second.rows == 3000
    assert (second.mapping, second.mapping_text) == ("", layout.text)
    assert second.layout_name == "SENAE export"
    run_page = client.get(reverse("integrity:run", args=[second.code])).content.decode()
    assert "<summary>Saved layout “SENAE export”</summary>" in run_page

    # Saved again under the same name: replaced, not doubled; the runs keep their own copies.
    changed = mapping.read_bytes() + b"constants:\n  inspected: false\n"
    _upload(client, ecuador, export, changed, save_as="SENAE export")
    layout.refresh_from_db()
    assert ColumnLayout.objects.count() == 1 and layout.text == changed.decode()
    saved = AuditEntry.objects.filter(action="integrity.layout_saved").latest("pk")
    assert saved.details["replaced"]
    second.refresh_from_db()
    assert second.mapping_text == mapping.read_text()


def test_a_name_without_a_mapping_file_to_save_is_refused(
    client: Any, alice: Any, ecuador: Any, own_export: tuple[Path, Path]
) -> None:
    export, _mapping = own_export
    client.force_login(alice)
    page = _upload(client, ecuador, export, None, save_as="SENAE export").content.decode()
    assert "Give the mapping file to save under this name." in page
    assert not AnalysisRun.objects.exists() and not ColumnLayout.objects.exists()


def test_another_administrations_layout_is_neither_offered_nor_accepted(
    client: Any, alice: Any, charlie: Any, ecuador: Any, peru: Any, own_export: tuple[Path, Path]
) -> None:
    export, mapping = own_export
    theirs = ColumnLayout.objects.create(organisation=peru, name="SUNAT", text=mapping.read_text())
    client.force_login(alice)
    assert f"saved:{theirs.pk}" not in client.get(reverse("integrity:upload")).content.decode()
    page = _upload(client, ecuador, export, None, mapping=f"saved:{theirs.pk}").content.decode()
    assert 'id="upload-form"' in page and "is not one of the available choices" in page
    assert not AnalysisRun.objects.exists()
    listing = client.get(reverse("integrity:layouts")).content.decode()
    assert "SUNAT" not in listing and 'id="no-layouts"' in listing
    deleting = client.post(reverse("integrity:layouts"), {"delete": theirs.pk})
    assert deleting.status_code == 404
    assert ColumnLayout.objects.filter(pk=theirs.pk).exists()


def test_the_layouts_page_shows_each_layout_and_deletes_it_audited(
    client: Any, alice: Any, bob: Any, ecuador: Any, own_export: tuple[Path, Path]
) -> None:
    _export, mapping = own_export
    layout = ColumnLayout.objects.create(
        organisation=ecuador, name="SENAE export", text=mapping.read_text(), saved_by=alice
    )
    client.force_login(bob)  # a viewer of the same administration
    assert client.get(reverse("integrity:layouts")).status_code == 404
    assert client.post(reverse("integrity:layouts"), {"delete": layout.pk}).status_code == 404
    client.force_login(alice)
    page = client.get(reverse("integrity:layouts"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "SENAE export" in page and "declaration_id: Numero DAU" in page
    assert "Eliminar este formato" in page
    response = client.post(reverse("integrity:layouts"), {"delete": layout.pk}, follow=True)
    assert response.status_code == 200 and not ColumnLayout.objects.exists()
    entry = AuditEntry.objects.get(action="integrity.layout_deleted")
    assert (entry.actor, entry.details) == (alice, {"name": "SENAE export"})
    assert client.post(reverse("integrity:layouts"), {"delete": "x"}).status_code == 404


def test_the_api_saves_a_layout_lists_it_and_reads_a_file_with_it(
    client: Any, alice: Any, charlie: Any, ecuador: Any, own_export: tuple[Path, Path]
) -> None:
    export, mapping = own_export
    api = Api(client, alice)
    yaml = SimpleUploadedFile("senae.yaml", mapping.read_bytes())
    saving = api.upload(export.name, export.read_bytes(), mapping_file=yaml, save_as="SENAE export")
    assert saving.status_code == 201
    layouts = api.get("/layouts").json()
    assert [(x["name"], x["text"]) for x in layouts] == [("SENAE export", mapping.read_text())]
    assert AuditEntry.objects.get(action="integrity.layout_saved").details["via"] == "api"
    again = api.upload(export.name, export.read_bytes(), mapping=layouts[0]["mapping"])
    assert again.status_code == 201 and again.json()["mapping_text"] == mapping.read_text()
    assert Api(client, charlie).get("/layouts").json() == []
