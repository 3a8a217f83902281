"""An integrity officer uploads declarations, reads the ranked leads and opens an officer's page.

Selectors are ids and form field names, so the test holds whatever language the interface speaks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import translation

from arusha.analytics import REGISTRY, GeneratorConfig, write_dataset
from arusha.integrity import wording
from tests.e2e.steps import choose_language, sign_in


def test_an_officer_uploads_declarations_and_reviews_an_officers_indicators(
    page: Any, screenshot: Any, alice: Any, tmp_path: Path
) -> None:
    from arusha.core.audit import AuditEntry

    data = tmp_path / "declarations.csv"
    write_dataset(GeneratorConfig(rows=3000, seed=7, offices=3, officers=15, declarants=40), data)

    sign_in(page, "alice")

    page.locator("#nav-integrity").click()
    page.locator("#upload-run").click()
    page.locator("input[name=file]").set_input_files(str(data))
    page.locator("#upload-form button[type=submit]").click()
    page.locator("#ranked-entities").wait_for()
    assert page.locator("#integrity-notice").is_visible()
    rows = page.locator("#ranked-entities tbody tr")
    assert rows.count() == 15
    screenshot(page, "integrity-ranked-officers")

    first = rows.first.locator("a")
    officer = first.inner_text()
    first.click()
    page.locator("#entity-indicators").wait_for()
    assert officer in page.locator("h1").inner_text()
    assert page.locator("#contribution-chart rect").count() >= 1
    assert page.locator("#entity-indicators tbody tr").count() >= 1
    screenshot(page, "integrity-officer-drill-down")
    assert AuditEntry.objects.filter(
        action="integrity.entity_viewed", details__entity_id=officer
    ).exists()

    # The officer's declarant mix against the office's, with its table for screen readers.
    assert page.locator("#mix-chart rect.bar-value").count() >= 1
    assert page.locator("#mix-chart rect.bar-reference").count() >= 1
    assert "not proof" in page.locator("#pair-mix figcaption").inner_text()
    page.locator("#pair-mix details summary").click()
    bars = page.locator("#mix-chart rect.bar-value").count()
    assert page.locator("#mix-table tbody tr").count() == bars
    if page.locator("#quarter-form").count():
        choice = page.locator("#id_quarter option").last.get_attribute("value")
        page.locator("#id_quarter").select_option(choice)
        page.locator("#quarter-form button[type=submit]").click()
        page.wait_for_url("**quarter=*")
        assert page.locator("#id_quarter").input_value() == choice
    screenshot(page, "integrity-officer-declarant-mix")

    choose_language(page, "es")
    page.locator("#mix-chart").wait_for()
    assert "no pruebas" in page.locator("#pair-mix figcaption").inner_text()
    # The notice and the indicators' titles in Spanish, each key kept beside its title.
    notice = page.locator("#integrity-notice").inner_text()
    assert notice.startswith("Son indicadores para revisión, no pruebas de irregularidades.")
    first = page.locator("#entity-indicators tbody tr").first.locator("td").first
    key = first.locator("code").inner_text()
    with translation.override("es"):
        title = wording.indicator_title(key)
    assert title != REGISTRY[key].title
    assert first.inner_text().startswith(title)
    assert title in page.locator("#contribution-chart").inner_text()
    assert page.locator("hgroup p").inner_text().startswith("Funcionario · ")
    screenshot(page, "integrity-officer-declarant-mix-es")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "integrity-officer-declarant-mix-es-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A pair's page: its declarations against the count random assignment predicts.
    page.goto(page.url.split("/officer/")[0] + "/?kind=pair")
    page.locator("#ranked-entities tbody tr a").first.click()
    page.locator("#pair-chart").wait_for()
    assert page.locator("#pair-table tbody tr").count() >= 1
    assert page.locator("hgroup p").inner_text().startswith("Par funcionario–declarante · ")
    screenshot(page, "integrity-pair-quarters-es")

    choose_language(page, "fr")
    assert page.locator("hgroup p").inner_text().startswith("Paire agent–déclarant · ")
    assert page.locator("#integrity-notice").inner_text().startswith("Ce sont des indicateurs")
    screenshot(page, "integrity-pair-quarters-fr")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "integrity-pair-quarters-fr-phone")


def test_an_analyst_in_spanish_uploads_a_spreadsheet_export_with_a_broken_amount(
    page: Any, screenshot: Any, alice: Any, tmp_path: Path
) -> None:
    """A file saved from a spreadsheet: names in capitals, a trailing column with no name, a
    cleared row, semicolons and decimal commas, and an amount that reads as infinity. The report
    names the amount's column and row in Spanish; nothing of the engine shows."""
    header = "DECLARATION_ID;ITEM_NO;LODGED_AT;OFFICE_ID;DECLARANT_ID;IMPORTER_ID;HS_CODE;"
    header += "CUSTOMS_VALUE;"
    rows = [
        "D1;1;2024-01-03;Aduana Norte;DCL1;IMP1;850440;1.200,50;",
        ";;;;;;;;",
        "D2;1;2024-01-04;Aduana Norte;DCL1;IMP1;850440;1e400;",
        "D3;1;2024-01-05;Aduana Sur;DCL2;IMP2;850440;300,00;",
    ]
    data = tmp_path / "exportacion.csv"
    data.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))

    sign_in(page, "alice")
    choose_language(page, "es")
    page.locator("#nav-integrity").click()
    page.locator("#upload-run").click()
    page.locator("input[name=file]").set_input_files(str(data))
    page.locator("#upload-form button[type=submit]").click()
    report = page.locator("#validation-report")
    report.wait_for()
    cells = report.locator("tbody tr").first.locator("td")
    assert cells.nth(0).inner_text().strip() == "customs_value"
    assert cells.nth(3).inner_text().strip() == "3"  # the cleared row 2 keeps its number
    assert cells.nth(4).inner_text() == "customs_value es infinito o no es un número (NaN)."
    assert report.locator("tbody tr").count() == 1
    text = page.locator("main").inner_text()
    for engine_word in ("DuckDB", "SELECT", "Error:", "arusha-analytics-"):
        assert engine_word not in text
    screenshot(page, "integrity-upload-spreadsheet-export-es")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "integrity-upload-spreadsheet-export-es-phone")


def test_an_analyst_in_spanish_follows_a_large_file_analysed_in_the_background(
    page: Any, screenshot: Any, alice: Any, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    """A file above the page's inline limit waits in the queue; its page follows the analysis
    without being reloaded by hand and shows the ranked leads when it ends."""
    from arusha.integrity import background
    from arusha.integrity.models import AnalysisRun

    settings.INTEGRITY_INLINE_MAX_MB = 0  # every file is large
    settings.VAR_DIR = tmp_path
    data = tmp_path / "declaraciones.csv"
    write_dataset(GeneratorConfig(rows=3000, seed=7, offices=3, officers=15, declarants=40), data)
    start = background.start
    monkeypatch.setattr(background, "start", lambda: None)  # held in the queue for a moment

    sign_in(page, "alice")
    choose_language(page, "es")
    page.locator("#nav-integrity").click()
    page.locator("#upload-run").click()
    page.locator("input[name=file]").set_input_files(str(data))
    page.locator("#upload-form button[type=submit]").click()
    panel = page.locator("#analysis-progress")
    panel.wait_for()
    assert "En espera de análisis" in panel.inner_text()
    run = AnalysisRun.objects.get()

    # The panel follows the run on its own: a step reported now shows within seconds.
    AnalysisRun.objects.filter(pk=run.pk).update(
        status="running", step=3, steps=7, step_label="Testing officer-declarant pairs"
    )
    page.get_by_text("Paso 3 de 7").wait_for(timeout=10_000)
    assert page.locator("#run-status").inner_text() == "En análisis"  # the heading follows too
    with translation.override("es"):
        assert wording.step_label("Testing officer-declarant pairs") in panel.inner_text()
    assert page.locator("#analysis-progress progress").get_attribute("value") == "29"
    screenshot(page, "integrity-background-progress-es")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "integrity-background-progress-es-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    AnalysisRun.objects.filter(pk=run.pk).update(status="queued", step=0, steps=0, step_label="")
    start()  # the server's thread analyses it; the page reloads itself when it is done
    page.locator("#ranked-entities").wait_for(timeout=120_000)
    assert page.locator("#ranked-entities tbody tr").count() == 15
    assert page.locator("#analysis-progress").count() == 0
    assert list((tmp_path / "integrity-queue").iterdir()) == []

    # Once reviewed, the results are deleted: the page says what goes before anything does.
    page.locator("#delete-run").click()
    page.locator("#delete-form").wait_for()
    text = page.locator("main").inner_text()
    assert f"{run.entities.count()} entidades puntuadas" in text  # every kind, not the 15 shown
    assert f"{run.pair_cells.count()} celdas de pares probadas" in text
    screenshot(page, "integrity-delete-run-es")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#delete-form button[type=submit]").click()
    page.locator("#upload-run").wait_for()
    assert not AnalysisRun.objects.exists()
    assert "declaraciones.csv" not in page.locator("main").inner_text()


def test_an_analyst_in_spanish_reviews_a_flagged_officer_and_the_leads_show_it(
    page: Any, screenshot: Any, alice: Any, ecuador: Any, tmp_path: Path
) -> None:
    """The analyst filters the flagged officers awaiting a review, opens the first, tries to
    record a conclusion without a reason (refused, nothing lost), then records it; the ranked
    leads show the conclusion and one officer fewer awaits."""
    from arusha.integrity.models import LeadReview
    from arusha.integrity.storing import analyse_file

    data = tmp_path / "declaraciones.csv"
    write_dataset(GeneratorConfig(rows=3000, seed=7, offices=3, officers=15, declarants=40), data)
    run = analyse_file(data, organisation=ecuador, user=alice, source_name="declaraciones.csv")
    flagged = run.entities.filter(entity_kind="officer", flags__gt=0).count()
    assert flagged >= 2

    sign_in(page, "alice")
    choose_language(page, "es")
    page.locator("#nav-integrity").click()
    page.get_by_role("link", name="declaraciones.csv").click()
    assert f"Funcionarios: {flagged}" in page.locator("#awaiting-review").inner_text()
    page.locator("#awaiting-review a").first.click()
    page.wait_for_url("**unreviewed=1*")
    rows = page.locator("#ranked-entities tbody tr")
    assert rows.count() == flagged
    assert "Aún sin revisar" in rows.first.inner_text()

    rows.first.locator("a").click()
    page.locator("#review-form").wait_for()
    assert "Nadie ha revisado esta pista todavía." in page.locator("#reviews").inner_text()
    reason = "Se revisaron 30 declaraciones del par; el funcionario es el único especialista."
    page.locator("select[name=decision]").select_option("explained")
    page.locator("#review-form button[type=submit]").click()  # no reason: the browser refuses
    assert page.locator("textarea[name=note]").evaluate("t => !t.validity.valid")
    assert not LeadReview.objects.exists()
    page.locator("textarea[name=note]").fill(reason)
    page.locator("#review-form button[type=submit]").click()
    page.locator("#review-history").wait_for()
    entry = page.locator("#review-history li").first.inner_text()
    assert "Explicado por un motivo legítimo" in entry
    assert reason in entry
    assert "Su revisión de esta pista quedó registrada." in page.locator("body").inner_text()
    assert LeadReview.objects.get().note == reason
    page.locator("#reviews").scroll_into_view_if_needed()
    screenshot(page, "integrity-lead-review-es")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "integrity-lead-review-es-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("a", has_text="Volver a las pistas ordenadas").click()
    page.locator("#ranked-entities").wait_for()
    assert "Explicado por un motivo legítimo" in page.locator("#ranked-entities").inner_text()
    assert f"Funcionarios: {flagged - 1}" in page.locator("#awaiting-review").inner_text()
    screenshot(page, "integrity-ranked-leads-reviewed-es")


def test_an_officer_analyses_her_own_export_with_a_mapping_file_on_a_phone_in_spanish(
    page: Any, screenshot: Any, alice: Any, ecuador: Any, tmp_path: Path
) -> None:
    data = tmp_path / "declarations.csv"
    write_dataset(GeneratorConfig(rows=3000, seed=7, offices=3, officers=15, declarants=40), data)
    header, rest = data.read_text().split("\n", 1)
    export = tmp_path / "senae-export.csv"
    export.write_text(header.replace('"declaration_id"', '"Numero DAU"') + "\n" + rest)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("columns:\n  declaration: Numero DAU\n")
    mapping = tmp_path / "senae.yaml"
    mapping.write_text("name: SENAE export\ncolumns:\n  declaration_id: Numero DAU\n")

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "alice")
    page.goto("/integrity/upload/")
    choose_language(page, "es")
    guide = page.locator("#mapping-guide")
    guide.locator("summary").click()
    assert "Número de la declaración" in guide.locator("#canonical-columns").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "phone-integrity-mapping-guide-es")

    # A mistake in the mapping is said beside its field; nothing is analysed.
    page.locator("input[name=file]").set_input_files(str(export))
    page.locator("input[name=mapping_file]").set_input_files(str(wrong))
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_selector("#upload-form .errorlist")
    assert "tiene un error" in page.locator("#upload-form .errorlist").inner_text()
    assert "'declaration' is not a canonical column" in page.locator("#upload-form").inner_text()

    page.locator("input[name=file]").set_input_files(str(export))
    page.locator("input[name=mapping_file]").set_input_files(str(mapping))
    page.locator("input[name=save_as]").fill("Exportación SENAE")
    page.locator("#upload-form button[type=submit]").click()
    page.locator("#ranked-entities").wait_for()
    layout = page.locator("#layout")
    summary = layout.locator("summary")
    assert summary.inner_text() == "Formato guardado «Exportación SENAE»"
    assert not layout.locator("pre").is_visible()  # folded until asked for
    summary.click()
    assert "declaration_id: Numero DAU" in layout.locator("pre").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "phone-integrity-run-own-layout-es")

    # The next export: the saved layout chosen from the list, no file to give again.
    page.goto("/integrity/upload/")
    page.locator("#id_mapping").select_option(label="Exportación SENAE")
    page.locator("input[name=file]").set_input_files(str(export))
    page.locator("#upload-form button[type=submit]").click()
    page.locator("#ranked-entities").wait_for()
    assert page.locator("#layout summary").is_visible()

    page.goto("/integrity/upload/")
    page.locator("#saved-layouts").click()
    saved = page.locator("#layouts article")
    assert saved.count() == 1
    assert saved.locator("h2").inner_text() == "Exportación SENAE"
    saved.locator("summary").click()
    assert "declaration_id: Numero DAU" in saved.locator("pre").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "phone-integrity-saved-layouts-es")
    saved.locator("button[name=delete]").click()
    page.locator("#no-layouts").wait_for()


def test_a_newcomer_analyses_the_example_export_with_its_mapping_file_on_a_phone_in_portuguese(
    page: Any, screenshot: Any, alice: Any, ecuador: Any, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "alice")
    page.goto("/integrity/upload/")
    choose_language(page, "pt")
    examples = page.locator("#examples")
    assert "Arquivos de exemplo" in examples.locator("h2").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    examples.scroll_into_view_if_needed()
    screenshot(page, "phone-integrity-example-files-pt")

    files = {}
    for anchor in ("example-export", "example-mapping"):
        with page.expect_download() as download:
            page.locator(f"#{anchor}").click()
        files[anchor] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[anchor])
    assert files["example-export"].name == "arusha-example-export.csv"
    assert files["example-export"].read_text().startswith("NUMERO_DAU;ITEM;")

    # First without its mapping file: the report says the columns are not Arusha's and how
    # to give a mapping; its link leads back to the guide on the upload page.
    page.locator("input[name=file]").set_input_files(str(files["example-export"]))
    page.locator("#upload-form button[type=submit]").click()
    hint = page.locator("#mapping-hint")
    hint.wait_for()
    assert "arquivo de correspondência" in hint.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    hint.scroll_into_view_if_needed()
    screenshot(page, "phone-integrity-mapping-hint-pt")
    hint.locator("a").click()
    page.wait_for_url("**/integrity/upload/#mapping-guide")
    assert page.locator("#mapping-guide #canonical-columns").is_visible()  # unfolded

    page.locator("input[name=file]").set_input_files(str(files["example-export"]))
    page.locator("input[name=mapping_file]").set_input_files(str(files["example-mapping"]))
    page.locator("#upload-form button[type=submit]").click()
    page.locator("#ranked-entities").wait_for()
    assert (
        "datas nos formatos do arquivo de correspondência" in page.locator("#read-as").inner_text()
    )
    # As a person would: pairs only, flagged only. The two planted pairs lead.
    page.locator("#filters select[name=kind]").select_option("pair")
    page.locator("#filters input[name=flagged]").check()
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url("**flagged=1**")
    leads = page.locator("#ranked-entities tbody tr")
    assert leads.count() == 2
    names = leads.all_inner_texts()
    assert any("OFR0007" in n and "DCL00016" in n for n in names), names
    assert any("OFR0018" in n and "DCL00007" in n for n in names), names
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "phone-integrity-example-run-pt")

    # The same two leads, downloaded for the review meeting.
    with page.expect_download() as download:
        page.locator("#leads-csv").click()
    assert "Baixar estas pistas" in page.locator("#leads-csv").inner_text()
    leads_csv = tmp_path / download.value.suggested_filename
    download.value.save_as(leads_csv)
    lines = leads_csv.read_text().splitlines()
    assert lines[0].startswith("rank,entity_kind,entity_id,")
    assert sorted(line.split(",")[2] for line in lines[1:]) == [
        "OFR0007|DCL00016",
        "OFR0018|DCL00007",
    ]


def test_an_analyst_analyses_the_example_excel_workbook_on_a_phone_in_spanish(
    page: Any, screenshot: Any, alice: Any, ecuador: Any, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "alice")
    page.goto("/integrity/upload/")
    choose_language(page, "es")
    assert "Excel (.xlsx)" in page.locator("hgroup p").inner_text()
    with page.expect_download() as download:
        page.locator("#example-workbook").click()
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    assert workbook.name == "arusha-example-declarations.xlsx"
    assert workbook.read_bytes().startswith(b"PK\x03\x04")  # a real workbook, not a CSV file

    # A CSV file given an .xlsx name by mistake is refused in words, and nothing is stored.
    fake = tmp_path / "declaraciones.xlsx"
    fake.write_text("declaration_id,item_no\nD1,1\n")
    page.locator("input[name=file]").set_input_files(str(fake))
    page.locator("#upload-form button[type=submit]").click()
    error = page.get_by_text("Esto no es un libro de Excel")
    error.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    error.scroll_into_view_if_needed()
    screenshot(page, "phone-integrity-not-a-workbook-es")

    page.locator("input[name=file]").set_input_files(str(workbook))
    page.locator("#upload-form button[type=submit]").click()
    page.locator("#ranked-entities").wait_for()
    assert page.locator("#read-as").inner_text() == "Libro de Excel, hoja «Declarations»"
    page.locator("#filters select[name=kind]").select_option("pair")
    page.locator("#filters input[name=flagged]").check()
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url("**flagged=1**")
    names = page.locator("#ranked-entities tbody tr").all_inner_texts()
    assert len(names) == 2, names  # the same two planted pairs as the CSV files
    assert any("OFR0007" in n and "DCL00016" in n for n in names), names
    assert any("OFR0018" in n and "DCL00007" in n for n in names), names
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.locator("#read-as").scroll_into_view_if_needed()
    screenshot(page, "phone-integrity-workbook-run-es")
