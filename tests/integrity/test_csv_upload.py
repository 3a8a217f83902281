"""Exports as Customs administrations make them (Latin-1, semicolons, decimal commas) are analysed
from the upload form and the import command; a broken file is explained in the reader's language,
naming the column and row, never with the engine's text, a query or a temporary path."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from arusha.integrity.models import AnalysisRun
from tests.integrity.exports import european
from tests.plain import assert_plain

HEADER = "declaration_id,item_no,lodged_at,office_id,declarant_id,importer_id,hs_code,customs_value"
GOOD = "D1,1,2024-01-03,OF01,DCL1,IMP1,850440,1200\n"


def _upload(client: Any, ecuador: Any, name: str, content: bytes, **fields: str) -> Any:
    data = {"organisation": ecuador.pk, "file": SimpleUploadedFile(name, content), **fields}
    return client.post(reverse("integrity:upload"), data, follow=True)


def _spanish(client: Any, user: Any) -> Any:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def test_a_latin1_semicolon_decimal_comma_export_is_analysed_with_the_defaults(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path
) -> None:
    client.force_login(alice)
    _upload(client, ecuador, "export.csv", european(declarations_csv))
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE, run.problems
    assert run.rows == 3000
    assert run.entities.filter(office_id__startswith="Aduana Bogotá").exists()
    # What was detected is shown, so that a wrong guess can be seen.
    page = _spanish(client, alice).get(reverse("integrity:run", args=[run.code])).content.decode()
    assert (
        '<dd id="read-as">CSV: Windows-1252, campos separados por punto y coma, coma decimal, '
        "fechas con el día primero (26/02/2024)</dd>"
    ) in page


def test_the_form_offers_the_csv_settings_with_detection_by_default(
    client: Any, alice: Any
) -> None:
    page = _spanish(client, alice).get(reverse("integrity:upload")).content.decode()
    for name in ("encoding", "delimiter", "decimal", "date_order"):
        assert f'name="{name}"' in page
    assert '<option value="" selected>Detectar' in page


def test_the_csv_settings_chosen_on_the_form_are_used(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path
) -> None:
    client.force_login(alice)
    content = european(declarations_csv, encoding="latin-1")
    _upload(
        client,
        ecuador,
        "export.csv",
        content,
        encoding="cp1252",
        delimiter=";",
        decimal=",",
        date_order="dmy",
    )
    assert AnalysisRun.objects.get().status == AnalysisRun.Status.DONE


def test_dates_that_could_be_read_either_way_are_asked_for_in_spanish_then_read_as_chosen(
    client: Any, alice: Any, ecuador: Any
) -> None:
    content = f"{HEADER}\nD1,1,03/04/2024,OF01,DCL1,IMP1,850440,1200\n".encode()
    page = _upload(_spanish(client, alice), ecuador, "export.csv", content).content.decode()
    assert not AnalysisRun.objects.exists()
    error = page.split('id="id_date_order_error"')[1].split("</ul>")[0]  # beside the setting
    assert "Fechas como 03/04/2024 pueden leerse con el día primero o con el mes primero" in error
    assert_plain(page)
    _upload(client, ecuador, "export.csv", content, date_order="dmy")
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE, run.problems
    assert run.entities.exists()


def test_a_workbook_saved_with_a_csv_name_is_refused_in_spanish_with_what_to_do(
    client: Any, alice: Any, ecuador: Any
) -> None:
    content = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200
    page = _upload(_spanish(client, alice), ecuador, "export.csv", content).content.decode()
    assert not AnalysisRun.objects.exists()
    assert (
        "no un archivo CSV: si es un libro de Excel, cárguelo con un nombre que termine en .xlsx"
        in page
    )
    assert "ábralo en el programa de hojas de cálculo, guárdelo como CSV" in page
    assert_plain(page)


@pytest.mark.parametrize(
    ("content", "fields", "column", "row", "spanish"),
    [
        (
            f"{HEADER}\n{GOOD}D2,1,2024-01-03,OF01,DCL1,IMP1,850440,12x0\n",
            {},
            "customs_value",
            "2",
            "customs_value no es un número.",
        ),
        (
            f'{HEADER}\n{GOOD}D2,1,2024-01-03,"OF01,DCL1,IMP1,850440,1200\n',
            {},
            "office_id",
            "2",
            "Unas comillas no están cerradas, o las sigue otro texto en el mismo campo.",
        ),
        (
            f"{HEADER}\nD1,1,2024-01-03,Bogotá,DCL1,IMP1,850440,1200\n",
            {"encoding": "utf-8", "_latin1": "yes"},
            "office_id",
            "1",
            "El texto no es UTF-8 válido",
        ),
        (
            f"{HEADER}\n{GOOD}D2,1,2024-01-03,OF01,DCL1,IMP1,850440,1200,extra\n",
            {},
            "",
            "2",
            "La fila tiene más campos que el encabezado.",
        ),
    ],
)
def test_a_broken_file_is_explained_in_spanish_with_its_column_and_row(
    client: Any,
    alice: Any,
    ecuador: Any,
    content: str,
    fields: dict[str, str],
    column: str,
    row: str,
    spanish: str,
) -> None:
    encoding = "latin-1" if fields.pop("_latin1", "") else "utf-8"
    response = _upload(
        _spanish(client, alice), ecuador, "broken.csv", content.encode(encoding), **fields
    )
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.FAILED_VALIDATION
    page = response.content.decode()
    assert 'id="validation-report"' in page
    [problem] = run.problems
    assert problem["column"] == column
    assert row in [str(r) for r in problem["rows"]]
    assert f'<td data-label="Filas de ejemplo">{row}</td>' in page
    if column:
        assert f"<code>{column}</code>" in page
    assert spanish in page
    assert problem["message"] not in page  # the English details are not shown
    assert_plain(page)


def test_a_file_with_a_repeated_column_is_refused_in_spanish_on_the_form(
    client: Any, alice: Any, ecuador: Any
) -> None:
    content = b"declaration_id,office_id,office_id\nD1,A,B\n"
    page = _upload(_spanish(client, alice), ecuador, "twice.csv", content).content.decode()
    assert not AnalysisRun.objects.exists()
    assert "La columna office_id aparece dos veces en el encabezado" in page
    assert_plain(page)


def test_a_mapped_file_names_the_files_own_column(
    client: Any, alice: Any, ecuador: Any, tmp_path: Path
) -> None:
    from arusha.integrity.storing import analyse_file

    header = (
        "sgd.id,sgd.date,importer.id,declarant.id,country,office.id,tariff.code,cif.value,"
        "gross.weight,total.taxes,illicit,revenue"
    )
    row = "S1,24-01-03,I1,D1,C1,O1,8504400000,12x0,5,1,0,0"
    path = tmp_path / "bacuda.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    run = analyse_file(
        path, organisation=ecuador, user=alice, source_name="b.csv", mapping="bacuda"
    )
    page = _spanish(client, alice).get(reverse("integrity:run", args=[run.code])).content.decode()
    assert "customs_value no es un número (columna cif.value del archivo)." in page
    assert "(en el archivo: <code>cif.value</code>)" in page


def test_the_import_command_takes_the_csv_settings(
    tmp_path: Path, declarations_csv: Path, ecuador: Any
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(european(declarations_csv, encoding="latin-1"))
    out = StringIO()
    call_command(
        "integrity_import",
        str(path),
        "--organisation",
        "senae",
        "--encoding",
        "latin-1",
        "--delimiter",
        ";",
        "--decimal",
        ",",
        stdout=out,
        stderr=StringIO(),
    )
    assert AnalysisRun.objects.get().status == AnalysisRun.Status.DONE
    assert "Analysed export.csv: 3,000 rows" in out.getvalue()


def test_the_import_command_names_the_row_of_a_wrongly_encoded_file(
    tmp_path: Path, ecuador: Any
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        f"{HEADER}\n{GOOD}D2,1,2024-01-03,OF\x81,DCL1,IMP1,850440,1\n".encode("latin-1")
    )
    with pytest.raises(CommandError) as failure:
        call_command(
            "integrity_import",
            str(path),
            "--organisation",
            "senae",
            "--encoding",
            "cp1252",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    message = str(failure.value)
    assert "Row 2 is not valid cp1252 text" in message
    assert_plain(message)
    assert not AnalysisRun.objects.exists()


def test_a_delimiter_chosen_wrongly_is_named_beside_the_setting_in_spanish(
    client: Any, alice: Any, ecuador: Any
) -> None:
    content = f"{HEADER}\n{GOOD}".encode()
    page = _upload(
        _spanish(client, alice), ecuador, "commas.csv", content, delimiter=";"
    ).content.decode()
    assert not AnalysisRun.objects.exists()
    error = page.split('id="id_delimiter_error"')[1].split("</ul>")[0]
    assert "el archivo parece tener campos separados por comas" in error
    assert_plain(page)


def test_a_gzip_compressed_csv_is_analysed_from_the_form(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path
) -> None:
    """The page's size limits count the compressed size; the file was refused as of an unknown
    format (its name was cut to ".gz")."""
    import gzip

    content = gzip.compress(declarations_csv.read_bytes())
    _upload(client.force_login(alice) or client, ecuador, "declarations.csv.gz", content)
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE, run.problems
    assert (run.source_name, run.rows) == ("declarations.csv.gz", 3000)
