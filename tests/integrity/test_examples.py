"""Example files on the upload page: invented declarations in Arusha's layout (CSV and an Excel
workbook) and as an administration's own export with its mapping file, for whoever may upload;
all give the same results, and the planted pairs are found in them."""

from __future__ import annotations

import io
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from arusha.analytics.generate import generate_table, plain
from arusha.analytics.mapping import parse_mapping
from arusha.core import demo as core_demo
from arusha.integrity import demo, examples
from arusha.integrity.models import AnalysisRun, ColumnLayout
from tests.conftest import verified_client


def _get(client: Any, name: str) -> Any:
    return client.get(reverse("integrity:example", args=[name]))


def _upload(client: Any, organisation: Any, name: str, **fields: Any) -> AnalysisRun:
    found = examples.example(name)
    assert found is not None
    data = {
        "organisation": organisation.pk,
        "file": SimpleUploadedFile(found.filename, found.content),
    }
    response = client.post(reverse("integrity:upload"), data | fields, follow=True)
    assert response.status_code == 200
    return AnalysisRun.objects.latest("created_at")


def _results(run: AnalysisRun) -> list[tuple[Any, ...]]:
    return list(
        run.indicators.order_by("entity_kind", "entity_id", "office_id", "indicator").values_list(
            "entity_kind", "entity_id", "office_id", "indicator", "value", "q_value", "flagged"
        )
    )


def _flagged_pairs(run: AnalysisRun) -> set[tuple[str, str]]:
    flagged = run.indicators.filter(entity_kind="pair", indicator="pair_excess", flagged=True)
    return set(flagged.values_list("entity_id", "office_id"))


def test_the_upload_page_offers_the_four_files_and_each_downloads(client: Any, alice: Any) -> None:
    client.force_login(alice)
    page = client.get(reverse("integrity:upload")).content.decode()
    for name, anchor in [
        ("declarations.csv", "example-canonical"),
        ("declarations.xlsx", "example-workbook"),
        ("export.csv", "example-export"),
        ("export-mapping.yaml", "example-mapping"),
    ]:
        url = reverse("integrity:example", args=[name])
        assert f'href="{url}" download id="{anchor}"' in page
        response = _get(client, name)
        found = examples.example(name)
        assert found is not None
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{found.filename}"'
        assert response.content == found.content
    assert "20,000 generated lines" in page


def test_the_files_hold_the_generated_declarations_in_each_layout(db: Any) -> None:
    table = plain(generate_table(examples.CONFIG)[0])
    canonical = pacsv.read_csv(io.BytesIO(examples.example("declarations.csv").content))  # type: ignore[union-attr]
    assert canonical.num_rows == examples.CONFIG.rows == table.num_rows
    assert canonical.column_names == table.column_names
    export = examples.example("export.csv").content.decode()  # type: ignore[union-attr]
    header, first = export.splitlines()[:2]
    assert header.split(";") == list(examples.EXPORT_COLUMNS.values())
    row = dict(zip(header.split(";"), first.split(";"), strict=True))
    assert row["CANAL_ASIGNADO"] in {"V", "A", "R"}
    assert "," in row["VALOR_ADUANA"] and "." not in row["VALOR_ADUANA"]
    assert row["FECHA_PRESENTACION"][2] == "/"  # day first
    mapping = parse_mapping(examples.EXPORT_MAPPING)
    assert {c: s.column for c, s in mapping.columns.items()} == examples.EXPORT_COLUMNS
    assert (mapping.csv.delimiter, mapping.csv.decimal) == (";", ",")
    # The workbook: one sheet, a cell per value, each of its type.
    book = load_workbook(io.BytesIO(examples.example("declarations.xlsx").content), read_only=True)  # type: ignore[union-attr]
    rows = book["Declarations"].iter_rows(max_row=2, values_only=True)
    header, first = next(rows), dict(zip(table.column_names, next(rows), strict=True))
    assert list(header) == table.column_names
    assert isinstance(first["lodged_at"], datetime) and isinstance(first["customs_value"], float)
    assert isinstance(first["inspected"], bool) and first["hs_code"] == table["hs_code"][0].as_py()


def test_a_viewer_of_the_administration_gets_404(client: Any, bob: Any) -> None:
    client.force_login(bob)
    assert _get(client, "export.csv").status_code == 404


@pytest.mark.parametrize("name", ["settings.py", "declarations.parquet", "export.CSV"])
def test_a_name_that_is_not_an_example_is_404(client: Any, alice: Any, name: str) -> None:
    client.force_login(alice)
    assert _get(client, name).status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "admin_user"])
def test_coordinators_and_platform_admins_get_404(client: Any, persona: str, request: Any) -> None:
    verified_client(client, request.getfixturevalue(persona))
    assert _get(client, "declarations.csv").status_code == 404


def test_a_visitor_is_sent_to_sign_in(client: Any, db: Any) -> None:
    response = _get(client, "declarations.csv")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_both_layouts_give_the_same_results_and_find_the_planted_pairs(
    client: Any, alice: Any, ecuador: Any
) -> None:
    client.force_login(alice)
    canonical = _upload(client, ecuador, "declarations.csv")
    mapping = examples.example("export-mapping.yaml")
    assert mapping is not None
    export = _upload(
        client,
        ecuador,
        "export.csv",
        mapping_file=SimpleUploadedFile(mapping.filename, mapping.content),
    )
    workbook = _upload(client, ecuador, "declarations.xlsx")
    for run in (canonical, export, workbook):
        assert run.status == AnalysisRun.Status.DONE, run.problems
        assert run.rows == examples.CONFIG.rows
    read_as = export.summary["read_as"]
    assert (read_as["delimiter"], read_as["decimal"], read_as["date_order"]) == (";", ",", "format")
    page = client.get(reverse("integrity:run", args=[export.code])).content.decode()
    assert "decimal comma, dates in the formats of the mapping file" in page
    assert _results(export) == _results(canonical)
    assert workbook.summary["read_as"] == {
        "sheet": "Declarations",
        "decimal": ".",
        "date_order": "ymd",
    }
    page = client.get(reverse("integrity:run", args=[workbook.code])).content.decode()
    assert '<dd id="read-as">Excel workbook, sheet “Declarations”</dd>' in page
    assert _results(workbook) == _results(canonical)
    truth = generate_table(examples.CONFIG)[1]
    planted = {
        (f"{p.officer_id}|{p.declarant_id}", p.office_id)
        for p in truth.pairs
        if p.strength == "strong"
    }
    assert planted and planted <= _flagged_pairs(canonical)
    assert _flagged_pairs(canonical) == planted  # no pair flagged that was not planted


def test_the_demo_saves_the_example_layout_once_and_it_reads_the_example_export(
    client: Any, db: Any, tmp_path: Path
) -> None:
    core_demo.load()
    demo.load()
    demo.load()
    layout = ColumnLayout.objects.get()
    assert (layout.organisation.short_name, layout.name) == ("SENAE", examples.LAYOUT_NAME)
    assert layout.text == examples.EXPORT_MAPPING
    officer = layout.saved_by
    client.force_login(officer)
    run = _upload(client, layout.organisation, "export.csv", mapping=f"saved:{layout.pk}")
    assert run.status == AnalysisRun.Status.DONE and run.layout_name == examples.LAYOUT_NAME
    # The import command takes the saved layout by its name, and says how it read the file.
    export = tmp_path / "export.csv"
    export.write_bytes(examples.example("export.csv").content)  # type: ignore[union-attr]
    out = StringIO()
    call_command(
        "integrity_import", str(export), "--organisation", "SENAE",
        "--mapping", examples.LAYOUT_NAME, stdout=out, stderr=StringIO(),
    )  # fmt: skip
    assert "delimiter ';', decimal mark ',', dates in the formats of the mapping file" in (
        out.getvalue()
    )


def test_the_example_export_without_its_mapping_fails_with_a_hint_to_give_one(
    client: Any, alice: Any, ecuador: Any
) -> None:
    client.force_login(alice)
    run = _upload(client, ecuador, "export.csv")
    assert run.status == AnalysisRun.Status.FAILED_VALIDATION and run.needs_mapping
    page = client.get(reverse("integrity:run", args=[run.code])).content.decode()
    hint = page.split('id="mapping-hint">')[1].split("</p>")[0]
    assert f'href="{reverse("integrity:upload")}#mapping-guide"' in hint
    # Read with a shipped layout instead, the report names what that layout lacks: no hint.
    kcs = _upload(client, ecuador, "export.csv", mapping="kcs")
    assert kcs.status == AnalysisRun.Status.FAILED_VALIDATION and not kcs.needs_mapping
    page = client.get(reverse("integrity:run", args=[kcs.code])).content.decode()
    assert 'id="mapping-hint"' not in page
