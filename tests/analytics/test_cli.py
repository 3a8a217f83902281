"""The thin command line: runnable examples in every help text, clear errors, exit code 2."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from arusha.analytics.cli import EXAMPLES, build_parser, main

PREFIX = "arusha analytics "


def help_text(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", sorted(build_parser()._subparsers._group_actions[0].choices))  # type: ignore[union-attr]
def test_every_command_has_help_with_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = help_text(command, capsys)
    assert f"example:\n  {PREFIX}{command} " in text


def test_the_examples_run_in_order_in_an_empty_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("generate", "validate", "integrity", "demo"):
        example = EXAMPLES[name]
        assert example.startswith(PREFIX)
        assert main(shlex.split(example.removeprefix(PREFIX))) == 0, example
    assert {p.name for p in (tmp_path / "results").iterdir()} == {
        "indicators.csv",
        "entities.csv",
        "pair_cells.csv",
        "summary.json",
    }
    evaluation = json.loads(
        (tmp_path / "demo" / "results" / "summary.json").read_text(encoding="utf-8")
    )["evaluation"]
    assert set(evaluation) == {"pair_excess", "collusion_signature"}


def test_a_missing_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["integrity", str(tmp_path / "nowhere.parquet"), "--out", str(tmp_path / "out")]) == 2
    )
    assert f"error: No such file: {tmp_path / 'nowhere.parquet'}" in capsys.readouterr().err


def test_a_bad_mapping_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    assert main(["validate", str(data), "--mapping", str(tmp_path / "none.yaml")]) == 2
    assert "error: Cannot read mapping file" in capsys.readouterr().err


def test_validate_can_print_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--rows", "500", "--seed", "2", "--out", "d.csv"]) == 0
    capsys.readouterr()
    assert main(["validate", "d.csv", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"rows": 500, "ok": True, "problems": []}


def test_an_unexpected_engine_error_is_a_plain_message_and_debug_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error no check caught used to reach the analyst as DuckDB's text: the query, the
    temporary paths and a traceback."""
    import duckdb

    from arusha.analytics import cli

    engine_text = 'Binder Error: column "x" not found\nLINE 1: SELECT x FROM "/scratch/arusha-1"'

    def broken(*args: object, **kwargs: object) -> None:
        raise duckdb.BinderException(engine_text)

    monkeypatch.setattr(cli, "validate", broken)
    data = tmp_path / "d.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    assert main(["validate", str(data)]) == 1
    said = capsys.readouterr()
    assert "unexpected error (BinderException)" in said.err
    assert "--debug" in said.err
    for leak in ("Binder Error", "SELECT", "/scratch/arusha-1", "Traceback"):
        assert leak not in said.err + said.out
    with pytest.raises(duckdb.BinderException, match="Binder Error"):
        main(["--debug", "validate", str(data)])


def test_an_output_directory_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d.parquet"
    assert main(["generate", "--rows", "300", "--out", str(data)]) == 0
    taken = tmp_path / "taken"
    taken.write_text("a file where the results would go", encoding="utf-8")
    capsys.readouterr()
    assert main(["integrity", str(data), "--out", str(taken), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(taken) in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "--rows", "0", "--out", "d.parquet"], "argument --rows: 0 is below 1"),
        (["generate", "--rows", "x", "--out", "d.parquet"], "'x' is not a whole number"),
        (["generate", "--rows", "9", "--out", "d.txt"], "'d.txt' does not end in .parquet or .csv"),
        (["generate", "--rows", "9", "--quarters", "0", "--out", "d.csv"], "0 is below 1"),
        (["generate", "--rows", "9", "--offices", "0", "--out", "d.csv"], "0 is below 1"),
        (["integrity", "d.parquet", "--out", "o", "--alpha", "2"], "2 is not between 0 and 1"),
        (["integrity", "d.parquet", "--out", "o", "--alpha", "nan"], "nan is not between 0 and 1"),
    ],
)
def test_arguments_out_of_range_are_refused_before_anything_runs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    """No rows wrote no file yet said "Wrote 0 rows"; no quarter stopped with a ValueError."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as refused:
        main(args)
    assert refused.value.code == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_file_without_arushas_column_names_gets_a_hint_to_give_a_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    export.write_text("NUMERO_DAU;FECHA\n1;26/02/2024\n", encoding="utf-8")
    assert main(["validate", str(export)]) == 2
    assert "[declaration_id] Required column declaration_id is missing" in capsys.readouterr().out
    assert main(["validate", str(export)]) == 2
    assert "give a mapping file that says which column is which" in capsys.readouterr().out
    out = tmp_path / "out"
    assert main(["integrity", str(export), "--out", str(out), "--quiet"]) == 2
    assert "--mapping FILE" in capsys.readouterr().err
    # With a mapping, the report names what the mapping lacks; no hint.
    mapping = tmp_path / "ours.yaml"
    mapping.write_text("columns:\n  declaration_id: NUMERO_DAU\n", encoding="utf-8")
    assert main(["validate", str(export), "--mapping", str(mapping)]) == 2
    printed = capsys.readouterr().out
    assert "[lodged_at] Required column lodged_at is missing" in printed
    assert "--mapping FILE" not in printed
