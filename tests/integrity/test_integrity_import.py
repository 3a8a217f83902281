"""`arusha manage integrity_import` writes a run into the database as an upload would: a file with
problems keeps only its failed run and report, every import is audited, bad arguments fail
clearly."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command, load_command_class

from arusha.core.audit import AuditEntry
from arusha.integrity.models import AnalysisRun, EntityScore, IndicatorValue, PairCell

MALFORMED = (
    "declaration_id,item_no,lodged_at,office_id,declarant_id,importer_id,hs_code,customs_value\n"
    "D1,1,2024-01-03,OF01,DCL1,IMP1,850440,1200\n"
    "D2,1,not a date,OF01,DCL1,IMP1,850440,-5\n"
)


def _import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("integrity_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_has_help_with_an_example() -> None:
    command = load_command_class("arusha.integrity", "integrity_import")
    assert "Example: arusha manage integrity_import" in command.help


def test_it_stores_the_run_prints_its_address_and_audits_the_import(
    declarations_csv: Path, ecuador: Any, alice: Any
) -> None:
    out, _err = _import(str(declarations_csv), "--organisation", "senae", "--user", "alice")
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE
    assert (run.organisation, run.uploaded_by, run.rows) == (ecuador, alice, 3000)
    assert run.source_name == declarations_csv.name
    assert f"/integrity/runs/{run.code}/" in out
    assert f"{run.pair_cells.count()} tested pair cells" in out
    assert "Read as CSV: encoding utf-8, delimiter ',', decimal mark '.', dates year first" in out
    assert run.pair_cells.exists() and run.entities.exists()
    entry = AuditEntry.objects.get(action="integrity.run_created")
    assert (entry.actor, entry.object_id, entry.organisation_id) == (
        alice,
        str(run.code),
        ecuador.pk,
    )


def test_the_run_it_stores_is_seen_by_the_administrations_integrity_officers(
    client: Any, declarations_csv: Path, ecuador: Any, alice: Any
) -> None:
    _import(str(declarations_csv), "--organisation", str(ecuador.code))
    run = AnalysisRun.objects.get()
    assert run.uploaded_by is None
    assert AuditEntry.objects.get(action="integrity.run_created").actor_label == "system"
    client.force_login(alice)
    assert client.get(f"/integrity/runs/{run.code}/").status_code == 200


def test_a_file_with_problems_prints_its_report_fails_and_stores_only_the_failed_run(
    tmp_path: Path, ecuador: Any
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(MALFORMED)
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was analysed"):
        call_command(
            "integrity_import", str(bad), "--organisation", "SENAE", stdout=StringIO(), stderr=err
        )
    assert "[lodged_at]" in err.getvalue()
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.FAILED_VALIDATION
    assert not (
        EntityScore.objects.exists() or IndicatorValue.objects.exists() or PairCell.objects.exists()
    )
    assert AuditEntry.objects.filter(action="integrity.run_created", object_id=str(run.code))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "SUNAT"], "No organisation matches 'SUNAT'"),
        (["--organisation", "999"], "No organisation matches '999'"),
        (["--organisation", "SENAE", "--user", "nobody"], "No active user is called 'nobody'"),
        (["--organisation", "SENAE", "--user", "bob"], "bob is not an integrity officer of SENAE"),
        (
            ["--organisation", "SENAE", "--mapping", "excel"],
            "'excel' is neither a shipped layout \\(kcs, bacuda\\), nor a mapping file, nor a "
            "layout SENAE saved",
        ),
    ],
)
def test_bad_arguments_fail_clearly_and_store_nothing(
    declarations_csv: Path, ecuador: Any, bob: Any, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _import(str(declarations_csv), *args)
    assert not AnalysisRun.objects.exists()
    assert not AuditEntry.objects.filter(action="integrity.run_created").exists()


def test_a_missing_file_fails_clearly(tmp_path: Path, ecuador: Any) -> None:
    with pytest.raises(CommandError, match="No such file"):
        _import(str(tmp_path / "absent.csv"), "--organisation", "SENAE")
    assert not AnalysisRun.objects.exists()


def test_an_organisation_that_is_not_a_customs_administration_is_refused(
    declarations_csv: Path, association: Any
) -> None:
    with pytest.raises(CommandError, match="not a Customs administration"):
        _import(str(declarations_csv), "--organisation", str(association.pk))
    assert not AnalysisRun.objects.exists()


def test_an_unexpected_error_is_a_plain_command_error_and_traceback_shows_it(
    declarations_csv: Path, ecuador: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from arusha.integrity import storing

    def broken(*args: object, **kwargs: object) -> None:
        raise duckdb.BinderException('Binder Error: LINE 1: SELECT x FROM "arusha_1_wide"')

    monkeypatch.setattr(storing, "run_integrity", broken)
    with pytest.raises(CommandError) as failed:
        _import(str(declarations_csv), "--organisation", "senae")
    said = str(failed.value)
    assert "unexpected error (BinderException)" in said and "--traceback" in said
    assert "Binder Error" not in said and "SELECT" not in said
    assert not AnalysisRun.objects.exists()
    with pytest.raises(duckdb.BinderException):
        _import(str(declarations_csv), "--organisation", "senae", "--traceback")


def test_a_mapping_file_of_the_administrations_own_reads_its_export_and_is_kept_with_the_run(
    client: Any, own_export: tuple[Path, Path], ecuador: Any, alice: Any
) -> None:
    export, mapping = own_export
    _import(str(export), "--organisation", "SENAE", "--mapping", str(mapping))
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE
    assert run.rows == 3000 and run.entities.exists()
    assert (run.mapping, run.mapping_text) == ("", mapping.read_text())
    client.force_login(alice)
    page = client.get(f"/integrity/runs/{run.code}/").content.decode()
    assert "<summary>The administration's own mapping file</summary>" in page
    assert "declaration_id: Numero DAU" in page
    api = client.get(f"/api/integrity/runs/{run.code}").json()
    assert api["mapping_text"] == mapping.read_text()


def test_without_the_mapping_file_the_own_export_fails_validation_naming_the_columns(
    own_export: tuple[Path, Path], ecuador: Any
) -> None:
    export, _mapping = own_export
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was analysed"):
        call_command(
            "integrity_import", str(export), "--organisation", "SENAE",
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert "[declaration_id]" in err.getvalue()
    assert "give its mapping: --mapping FILE" in err.getvalue()


def test_a_run_whose_mapping_names_columns_the_file_lacks_gets_its_report(
    declarations_csv: Path, own_export: tuple[Path, Path], ecuador: Any
) -> None:
    _export, mapping = own_export
    with pytest.raises(CommandError, match="Nothing was analysed"):
        _import(str(declarations_csv), "--organisation", "SENAE", "--mapping", str(mapping))
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.FAILED_VALIDATION
    assert run.mapping_text == mapping.read_text()
    sources = {p["params"].get("source") for p in run.problems}
    assert "Numero DAU" in sources
    assert not run.needs_mapping  # a mapping was given: its report says what it lacks


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns: [unclosed", "is not valid YAML"),
        ("columns:\n  declaration: Numero DAU\n", "'declaration' is not a canonical column"),
        ("- a list\n", "must be a YAML mapping with a 'columns' section"),
        ("columns:\n  lodged_at: {column: Fecha, format: '%Q'}\n", "lodged_at"),
    ],
)
def test_a_mapping_file_with_a_mistake_fails_before_anything_is_read_or_stored(
    declarations_csv: Path, tmp_path: Path, ecuador: Any, text: str, message: str
) -> None:
    mapping = tmp_path / "wrong.yaml"
    mapping.write_text(text)
    with pytest.raises(CommandError, match=message):
        _import(str(declarations_csv), "--organisation", "SENAE", "--mapping", str(mapping))
    assert not AnalysisRun.objects.exists()
    assert not AuditEntry.objects.filter(action="integrity.run_created").exists()


def test_a_mapping_file_that_is_not_utf8_is_named(
    declarations_csv: Path, tmp_path: Path, ecuador: Any
) -> None:
    mapping = tmp_path / "latin.yaml"
    mapping.write_bytes("columns:\n  office_id: Aduana Año\n".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        _import(str(declarations_csv), "--organisation", "SENAE", "--mapping", str(mapping))
    assert not AnalysisRun.objects.exists()


def test_a_layout_the_administration_saved_is_taken_by_its_name(
    own_export: tuple[Path, Path], ecuador: Any, peru: Any
) -> None:
    from arusha.integrity.models import ColumnLayout

    export, mapping = own_export
    ColumnLayout.objects.create(organisation=ecuador, name="SENAE export", text=mapping.read_text())
    _import(str(export), "--organisation", "SENAE", "--mapping", "SENAE export")
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE
    assert (run.mapping_text, run.layout_name) == (mapping.read_text(), "SENAE export")
    # Another administration's layout of that name is not taken.
    with pytest.raises(CommandError, match="nor a layout SUNAT saved"):
        _import(str(export), "--organisation", "SUNAT", "--mapping", "SENAE export")
