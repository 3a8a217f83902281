"""Excel workbooks as input: the first visible sheet is read as the same data saved as CSV would
be, with the same results; cells keep their meaning (integers without a decimal point, dates as
dates, text as it is); a file that is not a workbook that can be read safely gets a named error
in plain words, never calamine's own text."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from openpyxl import Workbook

from arusha.analytics import (
    SourceError,
    ValidationFailed,
    read_canonical,
    run_integrity,
    validate,
)
from arusha.analytics.cli import main
from arusha.analytics.csvformat import CsvFormat
from arusha.analytics.generate import GeneratorConfig, generate_table, plain
from arusha.analytics.mapping import parse_mapping
from arusha.analytics.workbook import _text, workbook_to_csv
from tests.analytics.tables import declarations
from tests.plain import assert_plain

SMALL = GeneratorConfig(rows=6_000, seed=41, offices=2, officers=12, declarants=30, strong_pairs=2)


def write_workbook(
    path: Path,
    rows: list[list[object]],
    *,
    title: str = "Declarations",
    above: int = 0,
    hidden_first: bool = False,
) -> Path:
    """A workbook whose sheet `title` holds `rows` (the header first), `above` empty rows over
    them, after a hidden sheet when `hidden_first`."""
    book = Workbook()
    first = book.active
    assert first is not None
    if hidden_first:
        first.title = "Lists"
        first["A1"] = "a lookup table nobody analyses"
        first.sheet_state = "hidden"
        sheet = book.create_sheet(title)
    else:
        first.title = title
        sheet = first
    for _ in range(above):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def workbook_rows(table: pa.Table) -> list[list[object]]:
    columns = [column.to_pylist() for column in table.columns]
    return [table.column_names, *(list(row) for row in zip(*columns, strict=True))]


def test_a_workbook_gives_the_same_results_as_the_same_rows_saved_as_csv(tmp_path: Path) -> None:
    table = plain(generate_table(SMALL)[0])
    csv_path = tmp_path / "declarations.csv"
    pacsv.write_csv(table, csv_path)
    book = write_workbook(tmp_path / "declarations.xlsx", workbook_rows(table))
    from_csv, from_book = run_integrity(csv_path), run_integrity(book)
    assert from_book.indicators.equals(from_csv.indicators)
    assert from_book.entities.equals(from_csv.entities)
    assert from_book.pair_cells.equals(from_csv.pair_cells)
    assert int(from_book.indicators["flagged"].sum()) > 0
    assert from_book.summary["read_as"] == {
        "sheet": "Declarations",
        "decimal": ".",
        "date_order": "ymd",
    }


def test_cells_are_written_as_a_csv_file_would_hold_them() -> None:
    assert _text(1.0) == "1"
    assert _text(1000000001.0) == "1000000001"  # a number typed as one keeps no ".0"
    assert _text(12.5) == "12.5" and _text(12.5, ",") == "12,5"
    assert _text(1e20) == "1e+20"  # beyond exact integers: the number as it is
    assert _text(True) == "true" and _text(False) == "false"
    assert _text(datetime(2024, 2, 26, 13, 49, 36)) == "2024-02-26 13:49:36"
    assert _text(date(2024, 2, 26)) == "2024-02-26"
    assert _text(time(13, 49)) == "13:49:00"
    assert _text("0101") == "0101" and _text("") == "" and _text(None) == ""


def test_rows_above_the_header_and_a_hidden_first_sheet_are_passed_over(tmp_path: Path) -> None:
    table = declarations([{"customs_value": 1200.5}, {"customs_value": 7.0}])
    path = write_workbook(
        tmp_path / "book.xlsx", workbook_rows(table), title="Aduana", above=2, hidden_first=True
    )
    read = read_canonical(path)
    assert read.column("declaration_id").to_pylist() == ["D00000", "D00001"]
    assert read.column("customs_value").to_pylist() == [1200.5, 7.0]
    assert read.column("item_no").to_pylist() == [1, 1]


def test_a_problem_names_the_row_as_the_spreadsheet_program_numbers_it(tmp_path: Path) -> None:
    rows = workbook_rows(declarations([{}, {}, {}, {}]))
    rows[3][rows[0].index("customs_value")] = "mil"
    rows[4][rows[0].index("declaration_id")] = rows[1][rows[0].index("declaration_id")]
    book = write_workbook(tmp_path / "book.xlsx", rows, above=3)  # the header on row 4
    problems = {p.kind: p.rows for p in validate(book).problems}
    assert problems["unparsable"] == (7,)  # the third row under the header
    assert problems["duplicate_key"] == (5, 8)
    # Read exactly from the start (read_canonical), the same rows are named.
    with pytest.raises(ValidationFailed) as failed:
        read_canonical(book)
    assert {p.kind: p.rows for p in failed.value.report.problems} == problems


def test_tariff_codes_stored_as_numbers_are_padded_by_the_mapping(tmp_path: Path) -> None:
    table = declarations([{"hs_code": "010121"}, {"hs_code": "850440"}])
    rows = workbook_rows(table)
    hs = rows[0].index("hs_code")
    for row in rows[1:]:
        row[hs] = float(str(row[hs]))  # as a spreadsheet keeps them: 10121.0
    path = write_workbook(tmp_path / "book.xlsx", rows)
    mapping = parse_mapping("columns:\n  hs_code: {column: hs_code, pad: 6}\n")
    assert read_canonical(path, mapping).column("hs_code").to_pylist() == ["010121", "850440"]


def test_amounts_and_dates_typed_as_text_follow_the_files_settings(tmp_path: Path) -> None:
    rows = workbook_rows(declarations([{}, {}]))
    value, lodged = rows[0].index("customs_value"), rows[0].index("lodged_at")
    rows[1][value], rows[2][value] = "1.200,50", 12.5  # text with a decimal comma, and a number
    rows[1][lodged], rows[2][lodged] = "26/02/2024 09:00", datetime(2024, 2, 27, 9, 0)
    path = write_workbook(tmp_path / "book.xlsx", rows)
    mapping = parse_mapping("csv:\n  decimal: ','\n  date_order: dmy\n")
    read = read_canonical(path, mapping)
    assert read.column("customs_value").to_pylist() == [1200.5, 12.5]
    assert [d.day for d in read.column("lodged_at").to_pylist()] == [26, 27]


def test_the_command_line_says_which_sheet_it_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_workbook(tmp_path / "book.xlsx", workbook_rows(plain(generate_table(SMALL)[0])))
    assert main(["integrity", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Read from the workbook's sheet 'Declarations'" in out


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("make", "kind", "words"),
    [
        (lambda p: p.write_bytes(b"declaration_id\nD1\n") and p, "not_workbook", "not an XLSX"),
        (
            lambda p: _zip(p, {"xl/worksheets/sheet1.xml": b" " * 50_000_000}),
            "workbook_packed",
            "packed in an unusual way",
        ),
        (
            lambda p: _zip(p, {"xl/workbook.xml": b"<not a workbook"}),
            "workbook_unreadable",
            "cannot be read",
        ),
        (lambda p: write_workbook(p, []), "empty_sheet", "is empty"),
    ],
    ids=["csv-named-xlsx", "zip-bomb", "broken", "empty"],
)
def test_a_workbook_that_cannot_be_read_gets_a_named_error_in_plain_words(
    tmp_path: Path, make: object, kind: str, words: str
) -> None:
    path = make(tmp_path / "book.xlsx")  # type: ignore[operator]
    with pytest.raises(SourceError) as raised:
        run_integrity(path)
    assert raised.value.kind == kind
    assert words in str(raised.value)
    assert_plain(str(raised.value))


def test_a_workbook_that_unpacks_too_big_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", workbook_rows(declarations([{}])))
    with pytest.raises(SourceError) as raised:
        workbook_to_csv(path, tmp_path / "copy.csv", max_unpacked=1024)
    assert (raised.value.kind, raised.value.value) == ("workbook_too_large", "0")
    assert not (tmp_path / "copy.csv").exists()


def test_a_workbook_with_no_visible_sheet_is_named_so(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", [["declaration_id"], ["D1"]])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    visible = b'name="Declarations" sheetId="1" state="visible"'
    assert visible in parts["xl/workbook.xml"]
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        visible, visible.replace(b"visible", b"hidden")
    )
    with pytest.raises(SourceError) as raised:
        validate(_zip(tmp_path / "hidden.xlsx", parts))
    assert raised.value.kind == "no_sheet"


def two_sheets(path: Path, rows: list[list[object]]) -> Path:
    """A summary sheet first, then the declarations, as exports often come."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Resumen"
    summary.append(["Distrito", "Declaraciones"])
    summary.append(["OF1", len(rows) - 1])
    data = book.create_sheet("Datos")
    for row in rows:
        data.append(row)
    book.save(path)
    return path


def test_the_first_sheet_with_the_required_columns_is_read_unless_one_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = two_sheets(tmp_path / "export.xlsx", workbook_rows(declarations([{}, {}])))
    assert read_canonical(path).num_rows == 2
    assert validate(path).ok
    # A sheet named (but for case and blanks) is read whatever it holds.
    named = validate(path, csv_format=CsvFormat(sheet=" resumen"))
    assert {p.kind for p in named.problems} == {"missing_column"}
    with pytest.raises(SourceError) as raised:
        validate(path, csv_format=CsvFormat(sheet="Hoja1"))
    assert (raised.value.kind, raised.value.value) == ("no_such_sheet", "Hoja1")
    assert raised.value.column == "Resumen, Datos"
    assert "no sheet named 'Hoja1'; its sheets: Resumen, Datos" in str(raised.value)
    assert main(["validate", str(path), "--sheet", "Resumen"]) == 2
    assert "Required column declaration_id is missing" in capsys.readouterr().out
    # With a mapping, the columns it requires are looked for under the export's names.
    rows = workbook_rows(declarations([{}]))
    rows[0][rows[0].index("declaration_id")] = "NUMERO_DAU"
    renamed = two_sheets(tmp_path / "renamed.xlsx", rows)
    mapping = parse_mapping("columns:\n  declaration_id: NUMERO_DAU\n")
    assert validate(renamed, mapping).ok
    assert not validate(renamed).ok  # without it, no sheet fits: the first is reported
