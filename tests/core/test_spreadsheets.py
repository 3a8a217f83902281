"""Cells exported to CSV and XLSX never run as spreadsheet formulas, and uploaded workbooks are
read within limits: a zip bomb or a million-row sheet is refused before openpyxl parses it."""

from __future__ import annotations

import io
import tracemalloc
from typing import Any

import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from arusha.core import spreadsheets
from arusha.core.spreadsheets import plain_cell, safe_cell, safe_row
from tests.core import workbooks


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_text_that_would_run_as_a_formula_becomes_plain_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_ordinary_values_pass_unchanged() -> None:
    assert safe_row(["Guayaquil", -3, 2.5, None, ""]) == ["Guayaquil", -3, 2.5, None, ""]


# Uploaded workbooks are refused from their ZIP directory and stated size, before parsing.


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the workbook, or reading its rows, fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("openpyxl was asked to parse the workbook")

    monkeypatch.setattr(spreadsheets, "load_workbook", refuse)


@pytest.fixture
def no_rows_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("openpyxl was asked to read the rows")

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", refuse)


def _read(content: bytes) -> list[tuple[Any, ...]]:
    with spreadsheets.open_workbook(io.BytesIO(content)) as book:
        return list(spreadsheets.sheet_rows(spreadsheets.first_sheet(book)))


def _refusal(content: bytes) -> spreadsheets.SpreadsheetRejected:
    with pytest.raises(spreadsheets.SpreadsheetRejected) as refused:
        _read(content)
    return refused.value


def test_a_small_workbook_that_unpacks_to_64_mb_of_shared_strings_is_never_parsed(
    no_parsing: None,
) -> None:
    bomb = workbooks.shared_strings_bomb(64)
    assert len(bomb) < 100_000
    tracemalloc.start()
    try:
        refusal = _refusal(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refusal.code == "unpacks_too_large"
    assert "The workbook unpacks to more than 50.0\xa0MB." in refusal.message
    assert peak < 2 * workbooks.MB  # openpyxl itself needs over 128 MB for this file


def test_a_part_padded_with_blank_space_is_refused_even_under_the_size_limit(
    no_parsing: None,
) -> None:
    refusal = _refusal(workbooks.sheet_padding_bomb(8))
    assert refusal.code == "packed_too_tightly"


def test_a_sheet_that_claims_a_million_rows_is_refused_before_any_row_is_read(
    no_rows_read: None,
) -> None:
    refusal = _refusal(workbooks.claimed_rows(1_048_576))
    assert refusal.code == "too_many_rows"
    assert refusal.message.startswith(
        "The sheet “Sheet” has more than 20,000 rows or 500,000 cells."
    )


def test_a_sheet_that_claims_too_many_cells_is_refused(no_rows_read: None) -> None:
    assert _refusal(workbooks.claimed_rows(100, last_column="XFD")).code == "too_many_rows"


@pytest.mark.parametrize("stated", [True, False])
def test_a_million_real_rows_are_counted_and_refused_before_parsing(
    stated: bool, no_parsing: None
) -> None:
    # Without a stated size, openpyxl would parse the whole sheet just to open the workbook.
    refusal = _refusal(workbooks.million_blank_rows(dimension=stated))
    assert refusal.code == "too_many_rows"
    assert refusal.message.startswith("A sheet of the workbook has more than 20,000 rows")


def test_a_sheet_that_understates_its_size_is_read_to_its_end(settings: Any) -> None:
    rows = [["Title", "Customs owner"]] + [[f"Action {n}", "Ops"] for n in range(1, 100)]
    understated = workbooks.with_dimension(workbooks.plain(*rows), "A1:B2")
    assert len(_read(understated)) == 100  # openpyxl alone would stop after two rows
    settings.SPREADSHEET_MAX_ROWS = 50
    assert _refusal(understated).code == "too_many_rows"


def test_reading_stops_at_the_row_limit_even_if_the_count_was_missed(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SPREADSHEET_MAX_ROWS = 50
    monkeypatch.setattr(spreadsheets, "_check_tags", lambda archive, member: None)
    read = []
    original = ReadOnlyWorksheet._get_row

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReadOnlyWorksheet, "_get_row", counting)
    rows = [["Title", "Customs owner"]] + [[f"Action {n}", "Ops"] for n in range(1, 1000)]
    understated = workbooks.with_dimension(workbooks.plain(*rows), "A1:B2")
    refusal = _refusal(understated)
    assert refusal.message.startswith("The sheet “Sheet” has more than 50 rows")
    assert len(read) == 51


def test_a_file_over_the_size_limit_is_refused_unopened(settings: Any, no_parsing: None) -> None:
    settings.SPREADSHEET_MAX_BYTES = 1000
    refusal = _refusal(workbooks.plain())
    assert (refusal.code, refusal.message) == (
        "too_large",
        "The file is larger than 1000\xa0bytes.",
    )


@pytest.mark.parametrize("content", [b"Title,Customs owner\nx,y\n", b"PK\x03\x04broken", b""])
def test_a_file_that_is_not_a_workbook_is_refused(content: bytes) -> None:
    refusal = _refusal(content)
    assert (refusal.code, refusal.message) == ("not_xlsx", "This is not an XLSX workbook.")


def test_an_ordinary_workbook_is_read_row_by_row() -> None:
    assert _read(workbooks.plain()) == [("Title", "Customs owner"), ("A text", "Ops")]


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "-2+3", "plain", "'quoted"])
def test_a_neutralised_cell_reads_back_as_it_was_written(text: str) -> None:
    assert plain_cell(safe_cell(text)) == text
