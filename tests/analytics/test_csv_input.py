"""CSV input: Latin-1 and semicolon/decimal-comma exports are read, detected or as told; a CSV
file is read once; a broken file gets an English message naming the column and row, never the
engine's own text, a query or a temporary path."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from arusha.analytics import (
    Engine,
    SourceError,
    csvformat,
    integrity,
    read_canonical,
    run_integrity,
    validate,
)
from arusha.analytics.cli import main
from arusha.analytics.csvformat import CsvFormat, detect
from arusha.analytics.generate import generate_table
from arusha.analytics.mapping import parse_mapping
from arusha.analytics.synthetic import GeneratorConfig
from tests.analytics.tables import declarations
from tests.plain import assert_plain, engine_text

HEADER = "declaration_id,item_no,lodged_at,office_id,declarant_id,importer_id,hs_code,customs_value"
ROWS = [
    "D1,1,2024-01-03,Bogotá,DCL1,IMP1,850440,1200.50",
    "D2,1,2024-01-04,OF01,DCL1,IMP1,850440,12.5",
    "D3,1,2024-01-05,OF01,DCL2,IMP2,850440,300",
]


def write(path: Path, lines: list[str], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """Lines written with commas, turned to `delimiter` before any decimal comma is put in."""
    text = "\n".join([HEADER, *lines]) + "\n"
    text = text.replace(",", delimiter).replace("<comma>", ",")
    path.write_bytes(text.encode(encoding))
    return path


def european(path: Path, encoding: str = "cp1252") -> Path:
    """The same rows as an export from Spain or Colombia: semicolons, decimal commas, cp1252."""
    lines = [r.replace("1200.50", "1.200<comma>50").replace("12.5", "12<comma>5") for r in ROWS]
    return write(path, lines, delimiter=";", encoding=encoding)


def test_a_latin1_semicolon_decimal_comma_export_is_detected_and_read(tmp_path: Path) -> None:
    path = european(tmp_path / "export.csv")
    dialect = detect(path, CsvFormat(), ["customs_value"])
    assert (dialect.encoding, dialect.delimiter, dialect.decimal) == ("cp1252", ";", ",")
    table = read_canonical(path)
    assert table.column("office_id").to_pylist() == ["Bogotá", "OF01", "OF01"]
    assert table.column("customs_value").to_pylist() == [1200.5, 12.5, 300.0]


def test_the_settings_can_be_given_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = european(tmp_path / "export.csv", encoding="latin-1")
    options = ["--encoding", "latin-1", "--delimiter", ";", "--decimal", ","]
    assert main(["validate", str(path), *options]) == 0
    assert "3 rows checked, no problems." in capsys.readouterr().out


def test_a_tab_delimited_file_is_detected(tmp_path: Path) -> None:
    path = write(tmp_path / "export.tsv", ROWS, delimiter="\t")
    assert validate(path).ok


def test_a_point_where_a_decimal_comma_is_expected_is_not_read_ten_times_off(
    tmp_path: Path,
) -> None:
    lines = [ROWS[0].replace("1200.50", "1.200<comma>50"), ROWS[1], ROWS[2]]  # 12.5 in row 2
    path = write(tmp_path / "mixed.csv", lines, delimiter=";")
    report = validate(path, csv_format=CsvFormat(decimal=","))
    [problem] = report.problems
    assert (problem.column, problem.kind, problem.detail, problem.rows) == (
        "customs_value",
        "unparsable",
        "not_number_comma",
        (2,),
    )


@pytest.mark.parametrize(
    ("name", "lines", "options", "expected"),
    [
        (
            "bad number in row 2",
            [ROWS[0], ROWS[1].replace("12.5", "12x5"), ROWS[2]],
            [],
            "- [customs_value] customs_value is not a number: 1 row (for example row 2)",
        ),
        (
            "a quotation mark left open in row 2",
            [ROWS[0], ROWS[1].replace("OF01", '"OF01'), ROWS[2]],
            [],
            "- [office_id] a quotation mark is not closed, or is followed by other text in the "
            "field: 1 row (for example row 2)",
        ),
        (
            "a field too many in row 3",
            [ROWS[0], ROWS[1], ROWS[2] + ",extra"],
            [],
            "the row has more fields than the header: 1 row (for example row 3)",
        ),
        (
            "three fields too many in row 3: one row, named once",
            [ROWS[0], ROWS[1], ROWS[2] + ",extra,more,again"],
            [],
            "- [-] the row has more fields than the header: 1 row (for example row 3)\n",
        ),
        (
            "row 2 cut short: one problem of the row, not one per field it lacks",
            [ROWS[0], ",".join(ROWS[1].split(",")[:4]), ROWS[2]],
            [],
            "with 1 problem(s); nothing was analysed.\n"
            "- [-] the row has fewer fields than the header: 1 row (for example row 2)\n",
        ),
        (
            "Latin-1 text read as UTF-8 because the person said so",
            ROWS,
            ["--encoding", "utf-8", "--write-latin1"],
            "- [office_id] the text is not valid UTF-8: 1 row (for example row 1)",
        ),
    ],
)
def test_a_broken_file_is_reported_in_plain_english_with_column_and_row(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    lines: list[str],
    options: list[str],
    expected: str,
) -> None:
    delimiter = ";" if "--write-semicolons" in options else ","
    encoding = "latin-1" if "--write-latin1" in options else "utf-8"
    path = write(tmp_path / "broken.csv", lines, delimiter=delimiter, encoding=encoding)
    given = [o for o in options if not o.startswith("--write")]
    assert main(["validate", str(path), *given]) == 2, name
    out = capsys.readouterr()
    assert expected in out.out, out.out
    assert_plain(out.out + out.err)
    assert main(["integrity", str(path), "--out", str(tmp_path / "out"), "--quiet", *given]) == 2
    out = capsys.readouterr()
    assert expected in out.err
    assert_plain(out.out + out.err)
    assert not (tmp_path / "out").exists()


def test_a_file_that_turns_latin1_after_the_sample_is_read_again_as_windows_1252(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvformat, "SAMPLE_BYTES", 128)  # the header and plain ASCII
    lines = [ROWS[1], ROWS[2], ROWS[0].replace("D1", "D4")]
    path = write(tmp_path / "late.csv", lines, encoding="cp1252")
    assert detect(path, CsvFormat(), []).encoding == "utf-8"
    table = read_canonical(path)
    assert table.column("office_id").to_pylist() == ["OF01", "OF01", "Bogotá"]


def test_a_file_read_with_a_wrong_encoding_names_the_row(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", ROWS, encoding="cp1252")
    path.write_bytes(path.read_bytes().replace("á".encode("cp1252"), b"\x81"))  # undefined
    with pytest.raises(SourceError) as failure:
        validate(path, csv_format=CsvFormat(encoding="cp1252"))
    assert (failure.value.kind, failure.value.row) == ("encoding", 1)
    assert str(failure.value).startswith("Row 1 is not valid cp1252 text")


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        (b"", "empty_file", "The file is empty"),
        (b"declaration_id,office_id,office_id\nD1,A,B\n", "duplicate_header", "'office_id'"),
        # Until 2026-12-07 these four stopped on the engine's own error ("read_csv requires at
        # least a single column"), found by test_input_fuzz.py.
        (b"\xef\xbb\xbf", "empty_file", "The file is empty"),  # a byte-order mark alone
        (b"\xff\xfe\r\x00\n\x00", "empty_file", "The file is empty"),  # UTF-16's, and a line end
        (b"\ndeclaration_id,office_id\nD1,A\n", "no_header", "the header must be the first"),
        (b",,\ndeclaration_id,office_id\nD1,A\n", "no_header", "has no column names"),
    ],
)
def test_a_file_that_cannot_be_read_raises_a_named_error(
    tmp_path: Path, content: bytes, kind: str, message: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError) as failure:
        validate(path)
    assert failure.value.kind == kind
    assert message in str(failure.value)
    assert_plain(str(failure.value))


def test_an_unknown_encoding_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "ok.csv", ROWS)
    assert main(["validate", str(path), "--encoding", "klingon"]) == 2
    assert "Unknown encoding 'klingon'" in capsys.readouterr().err


def damaged_parquet(csv: Path, path: Path) -> Path:
    """`csv` as a Parquet file whose metadata reads but whose first data page does not decode."""
    pq.write_table(pacsv.read_csv(csv), path, compression="none")
    data = bytearray(path.read_bytes())
    data[4:8] = b"\xff" * 4  # just after the magic number: the first page's header
    path.write_bytes(bytes(data))
    return path


def test_a_parquet_file_damaged_inside_is_named_so_not_the_engines_error(
    tmp_path: Path,
) -> None:
    """Its metadata reads, so the failure came from the first query to reach the damaged page:
    until 2026-12-07 DuckDB's "Out of buffer" (found by damaging files at random)."""
    path = damaged_parquet(write(tmp_path / "rows.csv", ROWS), tmp_path / "damaged.parquet")
    for call in (validate, run_integrity, read_canonical):
        with pytest.raises(SourceError) as failure:
            call(path)
        assert failure.value.kind == "damaged", call
        assert "the file is damaged" in str(failure.value)
        assert_plain(str(failure.value))


def test_an_error_of_ours_on_a_sound_parquet_file_is_not_blamed_on_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sound.parquet"
    pq.write_table(pacsv.read_csv(write(tmp_path / "sound.csv", ROWS)), path)
    assert validate(path).ok

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a fault in the library")

    monkeypatch.setattr(integrity, "validate_staged", broken)
    with pytest.raises(RuntimeError, match="a fault in the library"):
        validate(path)


def test_a_parquet_file_that_is_not_one_names_no_engine_text(tmp_path: Path) -> None:
    path = tmp_path / "fake.parquet"
    path.write_bytes(b"declaration_id\nD1\n")
    with pytest.raises(SourceError) as failure:
        validate(path)
    assert failure.value.kind == "unreadable"
    assert_plain(str(failure.value))


def test_a_csv_file_is_read_once_for_validation_and_every_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "declarations.csv"
    pacsv.write_csv(declarations([{} for _ in range(400)]), path)
    opened: list[Path] = []
    original = Engine.open_csv

    def counting(self: Engine, source: Path, *args: object, **kwargs: object) -> object:
        opened.append(source)
        return original(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "open_csv", counting)
    result = run_integrity(path)
    assert result.summary["rows"] == 400
    assert opened == [path]


def test_a_csv_file_read_once_numbers_each_row_once_and_its_table_goes_on_close(
    tmp_path: Path,
) -> None:
    """The fast read stores the rows in a temporary table, numbered by their position in it:
    every row has a number of its own (the analysis may use it; a report reads the file again),
    and nothing of the file stays in the engine once it is closed."""
    from arusha.analytics.integrity import _validated

    path = tmp_path / "declarations.csv"
    pacsv.write_csv(declarations([{} for _ in range(300)]), path)
    engine = Engine()
    staged, report = _validated(engine, path, None, None)
    assert report.ok and staged.stored and not staged.exact_rows
    numbers = staged.wide.select("_row").to_pyarrow().column("_row").to_pylist()
    assert sorted(numbers) == list(range(1, 301))
    tables = {
        name
        for (name,) in engine.backend.raw_sql("SELECT table_name FROM duckdb_tables()").fetchall()
    }
    assert any(name.startswith(engine._prefix) for name in tables)
    backend = engine.backend
    engine._owned = False  # keep the connection open to look inside it
    engine.close()
    left = backend.raw_sql("SELECT table_name FROM duckdb_tables()").fetchall()
    assert not [name for (name,) in left if name.startswith(engine._prefix)]


def test_the_converted_copy_of_a_latin1_file_is_removed(tmp_path: Path) -> None:
    path = european(tmp_path / "export.csv")
    engine = Engine()
    scratch = engine._scratch()
    read_canonical(path, engine=engine)
    assert list(scratch.glob("*.csv"))  # converted to UTF-8 for the engine
    engine.close()
    assert not scratch.exists()


def test_blanks_around_values_are_trimmed_wherever_they_are_in_the_row(tmp_path: Path) -> None:
    lines = [
        " D1,1,2024-01-03,OF01,DCL1,IMP1,850440,1200.50",
        "D2,1,2024-01-04,OF01\t,DCL1,IMP1,850440,12.5 ",
        'D3,1,2024-01-05,OF01,DCL2,IMP2\x1f,"\t850440",300',
        "D4,1,2024-01-06,OF01,DCL2,IMP\x1f 2,850440,300",
        "D5,1,2024-01-07,OF01,\x0cDCL2,IMP2,850440,300",  # a form feed is a blank too
    ]
    table = read_canonical(write(tmp_path / "padded.csv", lines)).to_pylist()
    assert [r["declaration_id"] for r in table] == ["D1", "D2", "D3", "D4", "D5"]
    assert [r["office_id"] for r in table] == ["OF01"] * 5
    assert [r["declarant_id"] for r in table] == ["DCL1", "DCL1", "DCL2", "DCL2", "DCL2"]
    assert [r["importer_id"] for r in table] == ["IMP1", "IMP1", "IMP2\x1f", "IMP\x1f 2", "IMP2"]
    assert [r["hs_code"] for r in table] == ["850440"] * 5
    assert [r["customs_value"] for r in table] == [1200.5, 12.5, 300.0, 300.0, 300.0]


def test_a_column_named_like_the_readers_own_does_not_stop_trimming(tmp_path: Path) -> None:
    """The reader adds a `_padded` column to the CSV view (rows with a blank at a value's edge);
    a file with a column of that name keeps its data read and its values trimmed."""
    lines = [
        "D1,1,2024-01-03,OF01 ,DCL1,IMP1,850440.0,1200.50,x",
        "D2,1,2024-01-04,OF01,DCL1,IMP1,85.04.40,12.5,",
    ]
    path = tmp_path / "ours.csv"
    path.write_text(HEADER + ",_padded\n" + "\n".join(lines) + "\n", encoding="utf-8")
    table = read_canonical(path).to_pylist()
    assert [r["office_id"] for r in table] == ["OF01", "OF01"]
    assert [r["hs_code"] for r in table] == ["850440", "850440"]  # a float's ".0"; dots dropped


def test_row_numbers_are_the_files_own_on_a_file_read_in_parallel(tmp_path: Path) -> None:
    """DuckDB splits a large CSV between threads, and the typed copy may come out in another
    order; each row's number must be taken while the file is read, not from the copy's order (it
    was: a bad value on data row 3 was reported on row 5,800, differently from run to run)."""
    generated, _truth = generate_table(GeneratorConfig(rows=100_000, seed=3))
    plain = tmp_path / "plain.csv"
    pacsv.write_csv(generated, plain, pacsv.WriteOptions(quoting_style="none"))
    lines = plain.read_text().splitlines()
    header = [name.strip('"') for name in lines[0].split(",")]
    item, office = header.index("item_no"), header.index("office_id")
    lodged = header.index("lodged_at")
    planted = (3, 40_003, 80_003, 99_999)
    for row in range(1, len(lines)):
        fields = lines[row].split(",")
        fields[office] = " " + fields[office]  # padded, as many exports are: trimmed on reading
        if row in planted:
            fields[item] = "2.5"
        if row == 11:
            fields[lodged] = "not a date"  # a value DuckDB cannot type: the file is read as text
        lines[row] = ",".join(fields)
    path = tmp_path / "large.csv"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 8_000_000  # more than one of DuckDB's parallel read buffers
    for _ in range(2):
        report = validate(path)
        (problem,) = [p for p in report.problems if (p.column, p.kind) == ("item_no", "unparsable")]
        assert problem.count == len(planted)
        assert problem.rows[:4] == planted


def test_a_valid_file_is_read_once_the_fast_way_and_a_faulty_one_again_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numbering rows as they are scanned costs about three times the read; only a report of
    problems needs the file's own numbers, so only a file with problems is read a second time."""
    reads: list[bool] = []
    open_csv = Engine.open_csv

    def counted(self: Engine, *args: object, numbered: bool = False, **kw: object) -> object:
        reads.append(numbered)
        return open_csv(self, *args, numbered=numbered, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "open_csv", counted)
    assert validate(write(tmp_path / "good.csv", ROWS)).ok
    assert reads == [False]
    reads.clear()
    report = validate(write(tmp_path / "bad.csv", [*ROWS, "D4,1,2024-01-06,OF01,DCL2,IMP2,85,1"]))
    assert [(p.column, p.rows) for p in report.problems] == [("hs_code", (4,))]
    assert reads == [False, True]


def test_the_plain_text_check_finds_the_engines_words_and_passes_sentences() -> None:
    assert engine_text("Conversion Error: Could not convert string '12x0' to DOUBLE")
    assert engine_text('Binder Error: column "hs" not found\nLINE 1: SELECT "t0"."hs" FROM')
    assert engine_text("IO Error: No files found that match /tmp/arusha-integrity-1/d.parquet")
    assert not engine_text('<select name="encoding"><option>Detectar</option></select>')
    assert not engine_text("customs_value is not a number (row 2, written with a decimal comma).")


def dated(path: Path, dates: list[str], **kwargs: str) -> Path:
    """ROWS with their lodging dates written as `dates` say."""
    lines = [
        r.replace(f"2024-01-0{3 + i}", d) for i, (r, d) in enumerate(zip(ROWS, dates, strict=True))
    ]
    return write(path, lines, **kwargs)


@pytest.mark.parametrize(
    ("dates", "order"),
    [
        (["26/02/2024", "13.01.2024 14:05", "04-03-2024 08:30:15"], "dmy"),
        (["02/26/2024", "01/13/2024 14:05", "03/04/2024 08:30:15"], "mdy"),
    ],
)
def test_dates_written_day_first_or_month_first_are_detected_and_read(
    tmp_path: Path, dates: list[str], order: str
) -> None:
    path = dated(tmp_path / "export.csv", dates, delimiter=";")
    assert detect(path, CsvFormat(), [], ["lodged_at"]).date_order == order
    table = read_canonical(path)
    assert [str(d) for d in table.column("lodged_at").to_pylist()] == [
        "2024-02-26 00:00:00",
        "2024-01-13 14:05:00",
        "2024-03-04 08:30:15",
    ]


def test_dates_that_could_be_read_either_way_are_not_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = dated(tmp_path / "export.csv", ["03/04/2024", "05/04/2024", "06/04/2024"])
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Dates such as 03/04/2024 can be read day first or month first")
    assert_plain(err.removeprefix("error: "))
    for order, month in (("dmy", 4), ("mdy", 3)):
        table = read_canonical(path, csv_format=CsvFormat(date_order=order))
        assert table.column("lodged_at")[0].as_py().month == month
    assert main(["validate", str(path), "--date-order", "mdy"]) == 0


def test_a_date_that_does_not_exist_in_a_day_first_file_is_named_with_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = dated(tmp_path / "export.csv", ["26/02/2024", "31/02/2024", "2024-01-05"])
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    wanted = (
        "lodged_at is not a date (DD/MM/YYYY or DD/MM/YYYY HH:MM:SS): 1 row (for example row 2)"
    )
    assert f"- [lodged_at] {wanted}" in out  # ISO dates (row 3) are read whatever the order


def test_a_mapping_can_fix_the_date_order(tmp_path: Path) -> None:

    path = dated(tmp_path / "export.csv", ["03/04/2024", "05/04/2024", "06/04/2024"])
    mapping = parse_mapping("csv:\n  date_order: dmy\n")
    table = read_canonical(path, mapping)
    assert table.column("lodged_at")[0].as_py().month == 4


def test_the_results_are_the_same_whichever_way_the_dates_are_written(tmp_path: Path) -> None:
    generated, _truth = generate_table(GeneratorConfig(rows=3000, seed=5))
    iso = tmp_path / "iso.csv"
    pacsv.write_csv(generated, iso, pacsv.WriteOptions(quoting_style="none"))
    lines = iso.read_text().splitlines()
    header = [name.strip('"') for name in lines[0].split(",")]
    columns = [header.index("lodged_at"), header.index("released_at")]
    for row in range(1, len(lines)):
        fields = lines[row].split(",")
        for i in columns:
            if fields[i]:
                day, time = fields[i][:10], fields[i][10:]
                fields[i] = f"{day[8:10]}/{day[5:7]}/{day[:4]}{time}"
        lines[row] = ",".join(fields)
    day_first = tmp_path / "day_first.csv"
    day_first.write_text("\n".join(lines) + "\n")
    assert "/" in lines[1] and "/" not in iso.read_text().splitlines()[1]
    one, other = run_integrity(iso), run_integrity(day_first)
    assert len(one.indicators) > 100 and one.summary["rows"] == other.summary["rows"] == 3000
    assert one.indicators.equals(other.indicators)
    assert one.entities.equals(other.entities)
    assert one.pair_cells.equals(other.pair_cells)


def test_a_utf16_file_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab-delimited."""
    path = tmp_path / "unicode.txt.csv"
    path.write_bytes(("\n".join([HEADER, *ROWS]) + "\n").replace(",", "\t").encode("utf-16"))
    table = read_canonical(path)
    assert table.column("office_id").to_pylist() == ["Bogotá", "OF01", "OF01"]


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "spreadsheet", "save it as CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "spreadsheet", "not a CSV file"),
        (f"{HEADER}\n{ROWS[0]}\nD2\x00,1".encode(), "binary", "Line 3 of the file holds a NUL"),
    ],
)
def test_a_workbook_or_binary_file_is_refused_with_what_to_do(
    tmp_path: Path, content: bytes, kind: str, message: str
) -> None:
    path = tmp_path / "declarations.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError) as failure:
        validate(path)
    assert failure.value.kind == kind
    assert message in str(failure.value)
    assert_plain(str(failure.value))


def test_the_summary_says_how_a_csv_file_was_read_detected_or_given(tmp_path: Path) -> None:
    generated, _truth = generate_table(GeneratorConfig(rows=2000, seed=5))
    plain = tmp_path / "plain.csv"
    pacsv.write_csv(generated, plain)
    assert run_integrity(plain).summary["read_as"] == {
        "encoding": "utf-8",
        "delimiter": ",",
        "decimal": ".",
        "date_order": "ymd",
    }
    given = CsvFormat(encoding="latin-1", date_order="mdy")
    assert run_integrity(plain, csv_format=given).summary["read_as"] == {
        "encoding": "latin-1",
        "delimiter": ",",
        "decimal": ".",
        "date_order": "mdy",  # ISO dates are read whatever the order
    }
    parquet = tmp_path / "typed.parquet"
    import pyarrow.parquet as pq

    pq.write_table(generated, parquet)
    assert run_integrity(parquet).summary["read_as"] == {}


def test_dates_read_with_formats_of_the_mapping_are_said_so_not_given_an_order(
    tmp_path: Path,
) -> None:
    generated, _truth = generate_table(GeneratorConfig(rows=2000, seed=5))
    plain = tmp_path / "plain.csv"
    pacsv.write_csv(generated, plain)
    iso = '{column: %s, format: "%%Y-%%m-%%d %%H:%%M:%%S"}'
    both = parse_mapping(
        f"columns:\n  lodged_at: {iso % 'lodged_at'}\n  released_at: {iso % 'released_at'}\n"
    )
    assert run_integrity(plain, both).summary["read_as"]["date_order"] == "format"
    # released_at is still read by the date order: it is said.
    one = parse_mapping(f"columns:\n  lodged_at: {iso % 'lodged_at'}\n")
    assert run_integrity(plain, one).summary["read_as"]["date_order"] == "ymd"


def test_the_command_line_says_how_the_csv_file_was_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = european(tmp_path / "export.csv")
    assert main(["integrity", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Read as CSV: encoding cp1252, delimiter ';', decimal mark ',', dates year first" in out


TRICKY_DATES = [
    *("26/02/2024", "6/2/2024", "06/02/2024 14:05", "06/02/2024 4:05", "06/02/2024 14:5"),
    *("06/02/2024 14:05:3", "06/02/2024  14:05", " 6/02/2024", "06/02/2024 14:05:30 "),
    *("29/02/2024", "26.02.2024", "26-02-2024 08:30:15", "2024-2-6", "2024-02-06 14:05:30"),
    *("12/31/2024", "31/12/2024 23:59:59", "06/02/24", "06/02/0999", "1/1/1", "20240206"),
    *("06/02/24 14:05", "6/2/69 4:5", "6/2/68 23:59", "2024026", "26 02 2024", "26  2 2024"),
    *("12/31/2024 23:59:59", "2/29/2024 0:0:0", "2024-12-31 23:59:59"),
    # none of these is a date in any of the formats below
    *("06/02/2024 24:00:00", "06/02/2024 23:59:60", "31/02/2024", "29/02/2023", "006/02/2024"),
    *("06/02/02024", "06/02/2024T14:05:00", "06/02/2024 14:05:30.5", "00/02/2024", "+6/02/2024"),
    *("06/02/2024 14:05:30Z", "06-02/2024", "26/02/2024 14:60", "26/02/2024 14:05:61", "", "x"),
    *("31/02/24 10:00", "20240230", "31 02 2024", "2/30/2024 10:00:00", "2024-02-30 14:05:30"),
]
FORMATS = [
    ["%d/%m/%Y"],
    ["%d/%m/%y %H:%M"],
    ["%Y%m%d"],
    ["%d %m %Y"],
    ["%m/%d/%Y %H:%M:%S"],
    ["%Y-%m-%d %H:%M:%S %%"],
]


@pytest.mark.parametrize("formats", [*FORMATS, ["dmy"], ["mdy"]], ids=str)
def test_the_portable_date_parser_reads_what_duckdbs_strptime_reads(formats: list[str]) -> None:
    """Engines other than DuckDB (PySpark) parse day-first dates and a mapping's date format
    with regular expressions and a cast; on DuckDB both ways must give the same dates."""
    import ibis
    import pandas as pd

    from arusha.analytics import load

    if formats[0] in load.ORDER_WORDS:
        formats = load._order_formats(formats[0])
    table = ibis.memtable(pd.DataFrame({"text": TRICKY_DATES + [f"{d} %" for d in TRICKY_DATES]}))
    both = table.mutate(
        duckdb=load._strptime_duckdb(table.text, formats),
        portable=load.strptime_portable(table.text, formats),
    )
    found = ibis.duckdb.connect().execute(both)
    assert found["duckdb"].notna().sum() >= 2, "the formats must read some of the values"
    assert found["duckdb"].isna().sum() >= 2, "and refuse some"
    assert found["duckdb"].equals(found["portable"]), found[found["duckdb"] != found["portable"]]


def test_a_date_format_the_portable_parser_cannot_read_is_a_clear_mapping_error() -> None:
    import ibis

    from arusha.analytics import MappingError, load

    with pytest.raises(MappingError, match="%b"):
        load.strptime_portable(ibis.literal("26 Feb 2024"), ["%d %b %Y"])


def test_what_a_spreadsheet_leaves_around_the_data_is_read_past(tmp_path: Path) -> None:
    """Saved as CSV, a sheet where a cell out to the right or below the data was ever used gets
    trailing columns with no name and rows of bare delimiters; a header may be in capitals.
    These stopped the read ("Column 9 of the header has no name") or gave a problem for every
    column of each empty row. Rows keep their numbers in the file."""
    header = HEADER.upper().replace("HS_CODE", "Hs_Code") + ",,"
    rows = [f"{row},," for row in ROWS]
    rows.insert(1, ",,,,,,,,,")  # data row 2: a cleared row
    rows[3] = rows[3].replace("850440", "12")  # data row 4: a tariff code too short
    rows += [",,,,,,,,,"] * 3
    path = tmp_path / "sheet.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    report = validate(path)
    assert [(p.column, p.detail, p.rows) for p in report.problems] == [
        ("hs_code", "not_tariff_code", (4,))
    ]
    path.write_text(path.read_text(encoding="utf-8").replace(",12,", ",850440,"))
    table = read_canonical(path)
    assert table.column("declaration_id").to_pylist() == ["D1", "D2", "D3"]
    assert table.column("hs_code").to_pylist() == ["850440"] * 3


def test_a_name_is_matched_ignoring_case_only_where_that_is_unambiguous(tmp_path: Path) -> None:
    """The file's own spelling wins; two columns that differ only in case match neither."""
    assert csvformat.header_names(["Office_ID", "office_id", "A"], ["office_id", "a"]) == (
        "Office_ID",
        "office_id",
        "a",
    )
    assert csvformat.header_names(["OFFICE_ID", "Office_Id"], ["office_id"]) == (
        "OFFICE_ID",
        "Office_Id",
    )
    assert csvformat.header_names(["a", "", "b", "", ""], []) == (
        "a",
        "",
        "b",
        "_unnamed_4",
        "_unnamed_5",
    )
    path = tmp_path / "gap.csv"
    path.write_text("declaration_id,,lodged_at\nD1,x,2024-01-03\n", encoding="utf-8")
    with pytest.raises(SourceError, match="Column 2 of the header has no name"):
        validate(path)


def test_a_parquet_file_with_names_in_capitals_is_read(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    table = declarations([{}, {"customs_value": -1.0}])
    renamed = table.rename_columns([n.upper() for n in table.column_names])
    pq.write_table(renamed, path := tmp_path / "caps.parquet")
    (problem,) = validate(path).problems
    assert (problem.column, problem.detail, problem.rows) == ("customs_value", "negative", (2,))


def test_a_file_whose_lines_end_both_ways_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files from Windows and from elsewhere put together: DuckDB's strict reader stopped with
    "cannot be read as CSV". The file is read again from a copy with one kind of line end."""
    lines = [HEADER, *ROWS, ROWS[0].replace("D1", "D4"), ROWS[1].replace("D2", "D5")]
    text = "\r\n".join(lines[:3]) + "\r\n" + "\n".join(lines[3:]) + "\n"
    path = tmp_path / "joined.csv"
    path.write_bytes(text.replace("850440,12.5", "12,12.5").encode("cp1252"))
    (problem,) = validate(path).problems
    assert (problem.column, problem.detail, problem.rows) == ("hs_code", "not_tariff_code", (2, 5))
    path.write_bytes(text.encode("cp1252"))
    result = run_integrity(path)
    assert result.summary["rows"] == 5
    assert result.summary["read_as"]["encoding"] == "cp1252"  # type: ignore[index]
    table = read_canonical(path)
    assert table.column("office_id").to_pylist() == ["Bogotá", "OF01", "OF01", "Bogotá", "OF01"]
    # The copy, a few bytes at a time: a CR LF split between two reads is still one line end.
    monkeypatch.setattr(csvformat, "CHUNK", 3)
    copy = tmp_path / "copy.csv"
    assert csvformat.single_newlines(path, "cp1252", copy)
    assert copy.read_text(encoding="utf-8") == text.replace("\r\n", "\n")
    plain = tmp_path / "plain.csv"
    plain.write_text("a\nb\n", encoding="utf-8")
    assert not csvformat.single_newlines(plain, "utf-8", copy)


def test_settings_that_do_not_fit_the_file_are_named_not_crashed_on(tmp_path: Path) -> None:
    """A delimiter given that leaves the header whole used to report every column missing; an
    encoding that cannot be the file's stopped with Python's UnicodeError or csv.Error."""
    path = write(tmp_path / "commas.csv", ROWS)
    with pytest.raises(SourceError) as wrong:
        validate(path, csv_format=CsvFormat(delimiter=";"))
    assert (wrong.value.kind, wrong.value.value) == ("wrong_delimiter", ",")
    assert "seem to be separated by ','" in str(wrong.value)
    assert validate(path, csv_format=CsvFormat(delimiter=",")).ok
    with pytest.raises(SourceError) as utf16:
        validate(path, csv_format=CsvFormat(encoding="utf-16"))
    assert (utf16.value.kind, utf16.value.row) == ("encoding", 1)
    long = write(tmp_path / "long.csv", ROWS * 3000)  # UTF-8 read as UTF-16: one long field
    with pytest.raises(SourceError) as garbled:
        validate(long, csv_format=CsvFormat(encoding="utf-16-le"))
    assert garbled.value.kind == "unreadable"
    for error in (wrong.value, utf16.value, garbled.value):
        assert_plain(str(error))


def test_a_semicolon_file_read_with_commas_because_the_person_said_so_says_which_it_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "semicolons.csv", ROWS, delimiter=";")
    assert main(["validate", str(path), "--delimiter", ","]) == 2
    out = capsys.readouterr()
    assert "error: The header has no ',' between its names" in out.err
    assert "seem to be separated by ';'" in out.err
    assert_plain(out.err.removeprefix("error: "))


def test_a_carriage_return_inside_a_line_is_named_with_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stray CR (pasted from another program) stopped the read with "cannot be read as CSV"
    and nothing to look for; in a Windows file as in a Unix one."""
    stray = [ROWS[0], ROWS[1].replace("DCL1", "DC\rL1"), ROWS[2]]
    for newline in ("\n", "\r\n"):
        path = tmp_path / "stray.csv"
        path.write_text(newline.join([HEADER, *stray]) + newline, encoding="utf-8", newline="")
        with pytest.raises(SourceError) as stopped:
            validate(path)
        assert (stopped.value.kind, stopped.value.row) == ("carriage_return", 2)
        assert_plain(str(stopped.value))
        monkeypatch.setattr(csvformat, "CHUNK", 5)  # a CR LF split between two reads ends a line
        assert csvformat.lone_carriage_return(path, "utf-8") == 2
        monkeypatch.undo()
    clean = write(tmp_path / "clean.csv", ROWS)
    assert csvformat.lone_carriage_return(clean, "utf-8") is None


def test_a_gzip_file_is_read_whatever_its_name(tmp_path: Path) -> None:
    """A compressed file named .csv was refused as binary ("holds a NUL byte")."""
    import gzip

    text = write(tmp_path / "plain.csv", ROWS).read_bytes()
    for name in ("named.csv", "named.csv.gz"):
        (path := tmp_path / name).write_bytes(gzip.compress(text))
        table = read_canonical(path)
        assert table.column("office_id").to_pylist() == ["Bogotá", "OF01", "OF01"], name


@pytest.mark.parametrize("sample", [1 << 20, 128])  # the damage within the sample, or after it
def test_a_damaged_or_cut_gzip_file_is_named_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: int
) -> None:
    """zlib's error is not an OSError: a flipped byte stopped the read with "Error -3 while
    decompressing data" (found by damaging files at random); after the sample, the engine's
    read failed as "cannot be read as CSV"."""
    import gzip

    monkeypatch.setattr(csvformat, "SAMPLE_BYTES", sample)
    rows = [f"D{i},1,2024-01-03,OF01,DCL{i},IMP1,850440,{i}.5" for i in range(2000)]
    packed = gzip.compress(write(tmp_path / "plain.csv", rows).read_bytes())
    middle = len(packed) // 2
    flipped = packed[:middle] + bytes([packed[middle] ^ 0xFF]) + packed[middle + 1 :]
    for name, data in (("flipped.csv.gz", flipped), ("cut.csv", packed[:middle])):
        (path := tmp_path / name).write_bytes(data)
        with pytest.raises(SourceError) as failure:
            validate(path)
        assert failure.value.kind == "damaged", name
        assert_plain(str(failure.value))


def test_two_columns_that_differ_only_in_capitals_are_refused_by_name(tmp_path: Path) -> None:
    """SQL names ignore case: the read stopped with DuckDB's binder error."""
    path = tmp_path / "twice.csv"
    path.write_text(f"{HEADER},OFFICE_ID\n{ROWS[1]},X\n", encoding="utf-8")
    with pytest.raises(SourceError) as refused:
        validate(path)
    assert (refused.value.kind, refused.value.column) == ("duplicate_header", "OFFICE_ID")
    assert "'office_id' and 'OFFICE_ID' differ only in capitals" in str(refused.value)
    assert_plain(str(refused.value))
