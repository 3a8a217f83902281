"""Damaged input files, generated: the library answers with a validation report or a
SourceError in plain words, never the engine's own error.

A CSV file: Hypothesis edits a small valid file (and its European twin: semicolons, decimal
commas, Windows-1252) with the bytes that break CSV readers (quotes, delimiters, line ends,
byte-order marks, NUL, bytes that are not UTF-8, the start of a ZIP or gzip file), and says
things of it (encoding, delimiter, decimal mark, date order), right or wrong. A Parquet file:
bytes overwritten anywhere, or the file cut short. An Excel workbook: the same, in its ZIP
archive. The seed is fixed (derandomize), so a run is reproducible; a longer random search is
one environment variable away (ARUSHA_FUZZ_EXAMPLES=2000). It found that a CSV file whose first
line is blank, or holding only a byte-order mark, stopped on DuckDB's "read_csv requires at
least a single column", and a Parquet file damaged inside on its "Out of buffer". A workbook
damaged 500 times (2026-12-08) found nothing."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from arusha.analytics import SourceError, ValidationFailed, run_integrity, validate
from arusha.analytics.csvformat import CsvFormat
from tests.plain import assert_plain

EXAMPLES = int(os.environ.get("ARUSHA_FUZZ_EXAMPLES", "60"))
HEADER = (
    "declaration_id,item_no,lodged_at,released_at,office_id,declarant_id,importer_id,"
    "officer_id,hs_code,origin_country,customs_value,net_mass_kg,duty_rate,duty_paid,"
    "channel_assigned,channel_final,inspected,offence_found,revenue_recovered"
)
CHANNELS = ("green", "yellow", "red")
ROWS = [  # six declarations of two items each
    f"D{d},{item},2024-0{1 + d}-1{d} 09:00,2024-0{1 + d}-1{d} 12:30,OF{d % 2},DC{d % 3},IM{d},"
    f"OA{d % 3},85044{item},CN,{1000 + d}.5,{10 + item},5,{50 + d},{CHANNELS[d % 3]},green,"
    f"{str(d % 2 == 0).lower()},false,0"
    for d in range(6)
    for item in (1, 2)
]
PLAIN = ("\n".join([HEADER, *ROWS]) + "\n").encode()
EUROPEAN = (
    PLAIN.decode()
    .replace(",", ";")
    .replace(".5;", ",5;")
    .replace(";CN;", ";ES;")
    .replace("OF1", "Bogotá")
    .encode("cp1252")
)
PIECES = [
    b'"', b",", b";", b"\t", b"|", b"\n", b"\r", b"\r\n", b" ", b"\x00", b"\xff", b"\xe9",
    "é".encode(), b"\xef\xbb\xbf", b"\xff\xfe", b"1", b"-", b".", b"/", b"99999999999999999999999",
    b"NaN", b"inf", b"2024-13-45", b"31/12/2024", b"true", b"D1", b"\\", b"'", b"=1+1",
    b"PK\x03\x04", b"\x1f\x8b",
]  # fmt: skip
EDITS = st.tuples(
    st.integers(0, len(PLAIN)),
    st.sampled_from(["insert", "delete", "replace", "cut"]),
    st.one_of(st.sampled_from(PIECES), st.binary(min_size=1, max_size=6)),
    st.integers(1, 40),
)
# What the person says about the file, right or wrong; None: detected.
SAID = st.builds(
    CsvFormat,
    encoding=st.sampled_from([None, None, "utf-8", "cp1252", "utf-16"]),
    delimiter=st.sampled_from([None, None, ",", ";", "|"]),
    decimal=st.sampled_from([None, None, ".", ","]),
    date_order=st.sampled_from([None, None, "ymd", "dmy"]),
)


def edited(data: bytes, edits: list[tuple[int, str, bytes, int]]) -> bytes:
    for position, kind, piece, span in edits:
        at = min(position, len(data))
        if kind == "insert":
            data = data[:at] + piece + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + span :]
        elif kind == "replace":
            data = data[:at] + piece + data[at + len(piece) :]
        else:
            data = data[:at]
    return data


def test_the_two_files_edited_are_valid_to_begin_with(tmp_path: Path) -> None:
    for name, data in (("plain.csv", PLAIN), ("european.csv", EUROPEAN)):
        path = tmp_path / name
        path.write_bytes(data)
        assert validate(path).ok, name


@settings(
    max_examples=EXAMPLES,
    derandomize="ARUSHA_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    original=st.sampled_from([PLAIN, EUROPEAN]),
    edits=st.lists(EDITS, min_size=1, max_size=6),
    said=SAID,
)
def test_a_damaged_csv_file_gets_a_report_or_a_plain_error(
    tmp_path: Path, original: bytes, edits: list[tuple[int, str, bytes, int]], said: CsvFormat
) -> None:
    path = tmp_path / "damaged.csv"
    path.write_bytes(edited(original, edits))
    try:
        report = validate(path, csv_format=said)
        for problem in report.problems:
            assert problem.rows or problem.kind in ("missing_column", "empty"), problem
            assert_plain(problem.describe())
        if report.ok:
            result = run_integrity(path, csv_format=said)
            assert result.summary["rows"] == report.rows
    except SourceError as error:
        assert error.kind, error
        assert_plain(str(error))
    except ValidationFailed as failed:  # the analysis read the file again and disagreed
        pytest.fail(f"validate() passed a file run_integrity() refused: {failed.report}")


def _parquet() -> bytes:
    types = pacsv.ConvertOptions(column_types={"hs_code": pa.string()})
    buffer = io.BytesIO()
    pq.write_table(pacsv.read_csv(io.BytesIO(PLAIN), convert_options=types), buffer)
    return buffer.getvalue()


PARQUET = _parquet()


def _overwrites(length: int, longest: int) -> st.SearchStrategy[list[tuple[int, bytes]]]:
    """One to four runs of bytes, each to be written at a position of a file `length` long."""
    run = st.tuples(st.integers(0, length - 1), st.binary(min_size=1, max_size=longest))
    return st.lists(run, min_size=1, max_size=4)


def _damaged(original: bytes, edits: list[tuple[int, bytes]], cut: bool) -> bytes:
    """The file with the runs written over it, and cut short at the first run's position."""
    data = bytearray(original)
    for position, piece in edits:
        data[position : position + len(piece)] = piece
    return bytes(data[: edits[0][0]] if cut else data)


@settings(
    max_examples=EXAMPLES // 2,  # each takes longer: a sound Parquet file is analysed
    derandomize="ARUSHA_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=_overwrites(len(PARQUET), 4), cut=st.booleans())
def test_a_damaged_parquet_file_gets_a_report_or_a_plain_error(
    tmp_path: Path, edits: list[tuple[int, bytes]], cut: bool
) -> None:
    path = tmp_path / "damaged.parquet"
    path.write_bytes(_damaged(PARQUET, edits, cut))
    try:
        report = validate(path)
        for problem in report.problems:
            assert_plain(problem.describe())
        if report.ok:
            assert run_integrity(path).summary["rows"] == report.rows
    except SourceError as error:
        assert error.kind, error
        assert_plain(str(error))


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Declarations"
    for line in PLAIN.decode().splitlines():
        sheet.append([_cell(value) for value in line.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: str) -> object:
    """As a person keeps it in a sheet: numbers as numbers, the rest as text."""
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


WORKBOOK = _workbook()


def test_the_workbook_damaged_is_valid_to_begin_with(tmp_path: Path) -> None:
    path = tmp_path / "sound.xlsx"
    path.write_bytes(WORKBOOK)
    assert validate(path).ok


@settings(
    max_examples=EXAMPLES // 2,
    derandomize="ARUSHA_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=_overwrites(len(WORKBOOK), 64), cut=st.booleans())
def test_a_damaged_workbook_gets_a_report_or_a_plain_error(
    tmp_path: Path, edits: list[tuple[int, bytes]], cut: bool
) -> None:
    """Bytes overwritten anywhere in the ZIP archive (its directory, a part's compressed XML),
    or the file cut short: calamine's own error never reaches the reader."""
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_damaged(WORKBOOK, edits, cut))
    try:
        report = validate(path)
        for problem in report.problems:
            assert_plain(problem.describe())
    except SourceError as error:
        assert error.kind, error
        assert_plain(str(error))
