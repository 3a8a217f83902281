"""An integrity officer uploads declarations and sees ranked leads; a malformed file shows its
validation report and stores nothing but the failed run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arusha.integrity.models import AnalysisRun, EntityScore, IndicatorValue
from tests.analytics.tables import declarations
from tests.analytics.test_workbook import two_sheets, workbook_rows
from tests.plain import assert_plain

MALFORMED = (
    b"declaration_id,item_no,lodged_at,office_id,declarant_id,importer_id,hs_code,customs_value\n"
    b"D1,1,2024-01-03,OF01,DCL1,IMP1,850440,1200\n"
    b"D2,1,not a date,OF01,DCL1,IMP1,850440,-5\n"
    b"D3,1,2024-01-04,,DCL2,IMP2,12,300\n"
)


def _upload(client: Any, ecuador: Any, name: str, content: bytes) -> Any:
    data = {"organisation": ecuador.pk, "mapping": "", "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("integrity:upload"), data, follow=True)


def test_an_upload_shows_the_ranked_entities(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path
) -> None:
    client.force_login(alice)
    response = _upload(client, ecuador, "declarations.csv", declarations_csv.read_bytes())
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE
    assert run.rows == 3000
    assert run.uploaded_by == alice
    top = run.entities.filter(entity_kind="officer").order_by("rank").first()
    assert top is not None
    page = response.content.decode()
    assert 'id="ranked-entities"' in page
    assert top.entity_id in page
    assert "not proof" in page or "not a finding" in page or "review" in page
    assert IndicatorValue.objects.filter(run=run).count() > 0


def test_a_malformed_file_shows_the_validation_report_and_stores_no_results(
    client: Any, alice: Any, ecuador: Any
) -> None:
    client.force_login(alice)
    response = _upload(client, ecuador, "bad.csv", MALFORMED)
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.FAILED_VALIDATION
    assert {p["column"] for p in run.problems} >= {"lodged_at", "office_id"}
    page = response.content.decode()
    assert 'id="validation-report"' in page
    assert "<code>lodged_at</code>" in page
    assert "Value cannot be read" in page  # the kind of problem in words, not its key
    assert "<td>unparsable</td>" not in page
    assert not EntityScore.objects.exists()
    assert not IndicatorValue.objects.exists()


def test_a_file_of_another_type_is_refused(client: Any, alice: Any, ecuador: Any) -> None:
    client.force_login(alice)
    response = _upload(client, ecuador, "declarations.ods", b"PK\x03\x04")
    assert response.status_code == 200
    assert "Use a .csv, .csv.gz, .xlsx or .parquet file." in response.content.decode()
    assert not AnalysisRun.objects.exists()


def test_a_file_named_xlsx_that_is_no_workbook_is_refused_in_the_readers_language(
    client: Any, alice: Any, ecuador: Any
) -> None:
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    response = _upload(client, ecuador, "declarations.xlsx", MALFORMED)
    page = response.content.decode()
    assert "Esto no es un libro de Excel" in page
    assert_plain(page)
    assert not AnalysisRun.objects.exists()


def test_the_filters_narrow_the_ranked_list(client: Any, alice: Any, run: Any) -> None:
    client.force_login(alice)
    url = reverse("integrity:run", args=[run.code])
    office = run.entities.filter(entity_kind="officer").first().office_id
    response = client.get(url, {"kind": "officer", "office": office})
    shown = response.context["entities"]
    assert shown and all(e.office_id == office and e.entity_kind == "officer" for e in shown)
    response = client.get(url, {"kind": "pair", "flagged": "1"})
    assert all(e.flags > 0 for e in response.context["entities"])


def test_the_csv_export_holds_every_indicator_row(client: Any, alice: Any, run: Any) -> None:
    client.force_login(alice)
    response = client.get(reverse("integrity:export", args=[run.code]))
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("entity_kind,entity_id,office_id,indicator")
    assert len(lines) == run.indicators.count() + 1


def test_the_csv_export_never_lets_an_uploaded_identifier_run_as_a_formula(
    client: Any, alice: Any, run: Any
) -> None:
    row = run.indicators.first()
    row.entity_id = '=HYPERLINK("http://evil.example","x")'
    row.save()
    client.force_login(alice)
    body = client.get(reverse("integrity:export", args=[run.code])).content.decode()
    assert "'=HYPERLINK" in body
    assert ',"=HYPERLINK' not in body and ",=HYPERLINK" not in body


def test_an_unexpected_error_is_said_plainly_logged_and_stores_nothing(
    client: Any,
    alice: Any,
    ecuador: Any,
    declarations_csv: Path,
    monkeypatch: Any,
    caplog: Any,
) -> None:
    """A fault no check catches (here the engine's own error) used to give a server error page;
    its text (a query, temporary paths) must reach the log, never the page."""
    import duckdb

    from arusha.integrity import storing

    def broken(*args: object, **kwargs: object) -> None:
        raise duckdb.BinderException('Binder Error: LINE 1: SELECT x FROM "/scratch/arusha-1/wide"')

    monkeypatch.setattr(storing, "run_integrity", broken)
    client.force_login(alice)
    with caplog.at_level("ERROR", logger="arusha.integrity.views"):
        response = _upload(client, ecuador, "declarations.csv", declarations_csv.read_bytes())
    assert response.status_code == 200
    page = response.content.decode()
    assert "unexpected error and nothing was saved" in page
    for leak in ("Binder", "SELECT", "/scratch/arusha-1"):
        assert leak not in page
    assert "Binder Error" in caplog.text
    assert not AnalysisRun.objects.exists()


def test_a_workbook_with_a_summary_sheet_first_is_read_from_its_declarations_sheet(
    client: Any, alice: Any, ecuador: Any, tmp_path: Path
) -> None:
    rows = workbook_rows(declarations([{}, {}, {"officer_id": "OB"}]))
    content = two_sheets(tmp_path / "export.xlsx", rows).read_bytes()
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    data = {"organisation": ecuador.pk, "mapping": "", "sheet": "Hoja1"}
    page = client.post(
        reverse("integrity:upload"), data | {"file": SimpleUploadedFile("export.xlsx", content)}
    ).content.decode()
    assert "El libro no tiene ninguna hoja llamada «Hoja1». Sus hojas: Resumen, Datos." in page
    assert not AnalysisRun.objects.exists()
    data["sheet"] = ""
    client.post(
        reverse("integrity:upload"), data | {"file": SimpleUploadedFile("export.xlsx", content)}
    )
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE and run.rows == 3
    assert run.summary["read_as"]["sheet"] == "Datos"
