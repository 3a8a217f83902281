"""A Spanish-speaking analyst uploads her administration's own export (Windows-1252, semicolons,
decimal commas, dates day first) without touching the CSV settings, then a file with a typing
mistake, and reads what is wrong in Spanish, with the column and the row, on a desktop and on a
phone; then a file whose dates could be read either way, and is asked for their order.

Selectors are ids and form field names; the Spanish sentences asserted are the translations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arusha.analytics import GeneratorConfig, write_dataset
from tests.e2e.steps import choose_language, sign_in
from tests.integrity.exports import european
from tests.plain import assert_plain

HEADER = "declaration_id;item_no;lodged_at;office_id;declarant_id;importer_id;hs_code;customs_value"


def _open_the_upload_form(page: Any) -> None:
    page.locator("#nav-integrity").click()
    page.locator("#upload-run").click()


def _submit(page: Any, path: Path) -> None:
    page.locator("input[name=file]").set_input_files(str(path))
    page.locator("#upload-form button[type=submit]").click()


def test_an_analyst_uploads_a_spanish_export_and_reads_a_broken_files_problems_in_spanish(
    page: Any, screenshot: Any, alice: Any, tmp_path: Path
) -> None:
    from arusha.integrity.models import AnalysisRun

    generated = tmp_path / "generated.csv"
    write_dataset(
        GeneratorConfig(rows=3000, seed=7, offices=3, officers=15, declarants=40), generated
    )
    export = tmp_path / "exportación.csv"
    export.write_bytes(european(generated))

    sign_in(page, "alice")
    choose_language(page, "es")
    _open_the_upload_form(page)
    # The CSV settings are offered, and left to detection unless the analyst chooses.
    for name in ("encoding", "delimiter", "decimal", "date_order"):
        assert page.locator(f"select[name={name}]").input_value() == ""
    assert page.locator("select[name=delimiter] option:checked").inner_text().startswith("Detectar")
    screenshot(page, "integrity-upload-form-es")

    _submit(page, export)
    page.locator("#ranked-entities").wait_for()
    notice = page.locator("#integrity-notice").inner_text()
    assert notice.startswith("Son indicadores para revisión, no pruebas de irregularidades.")
    # The row count is grouped as Spanish writes numbers (Django's "es" format: a no-break space).
    assert "Filas\n3\xa0000\n" in page.locator("#run-summary").inner_text()
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE
    # What was detected is on the page: the analyst can see a wrong guess.
    assert page.locator("#read-as").inner_text() == (
        "CSV: Windows-1252, campos separados por punto y coma, coma decimal, "
        "fechas con el día primero (26/02/2024)"
    )
    # The accented office names came through the Windows-1252 decoding intact.
    page.goto(page.url.split("?")[0] + "?kind=office")
    offices = page.locator("#ranked-entities tbody tr")
    assert offices.count() == 3
    assert all(n.startswith("Aduana Bogotá ") for n in offices.locator("a").all_inner_texts())
    screenshot(page, "integrity-spanish-export-offices-es")

    # A typing mistake in the value of the second row of a file in the same layout.
    broken = tmp_path / "con-error.csv"
    good = "D1;1;2024-01-03;Aduana Bogotá 01;DCL1;IMP1;850440;1200,50"
    typo = "D2;1;2024-01-04;Aduana Bogotá 01;DCL1;IMP1;850440;12x0,5"
    broken.write_bytes(f"{HEADER}\n{good}\n{typo}\n".encode("cp1252"))
    _open_the_upload_form(page)
    _submit(page, broken)
    report = page.locator("#validation-report")
    report.wait_for()
    assert report.locator("h2").inner_text() == "El archivo tiene problemas"
    [row] = report.locator("tbody tr").all()
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "customs_value"
    assert cells[3] == "2"
    assert cells[4] == "customs_value no es un número escrito con coma decimal."
    assert_plain(page.content())
    assert AnalysisRun.objects.filter(status=AnalysisRun.Status.FAILED_VALIDATION).count() == 1
    screenshot(page, "integrity-broken-export-es")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Each problem is a card on a phone: its explanation is on screen, not scrolled off.
    details = row.locator("td").nth(4)
    box = details.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert details.evaluate("e => getComputedStyle(e, '::before').content") == '"Detalles: "'
    screenshot(page, "integrity-broken-export-es-phone")

    page.set_viewport_size({"width": 1280, "height": 900})

    # Dates that could be day first or month first: the form asks instead of guessing.
    early = tmp_path / "primeros-dias.csv"
    lines = [f"D{n};1;0{n}/04/2024;Aduana Bogotá 01;DCL1;IMP1;850440;1200,50" for n in (1, 2, 3)]
    early.write_bytes("\n".join([HEADER, *lines, ""]).encode("cp1252"))
    _open_the_upload_form(page)
    _submit(page, early)
    error = page.locator("#id_date_order_error")  # beside the setting that resolves it
    error.wait_for()
    assert "Fechas como 01/04/2024 pueden leerse con el día primero o con el mes primero" in (
        error.inner_text()
    )
    assert AnalysisRun.objects.count() == 2  # no run for a file that could not be read
    screenshot(page, "integrity-date-order-asked-es")
    page.locator("select[name=date_order]").select_option("dmy")
    assert page.locator("select[name=date_order] option:checked").inner_text() == (
        "Día primero: 26/02/2024"
    )
    _submit(page, early)
    page.locator("#ranked-entities").wait_for()
    latest = AnalysisRun.objects.order_by("-created_at").first()
    assert latest is not None and latest.status == AnalysisRun.Status.DONE
    assert latest.rows == 3
