"""Validation: malformed files give a clear, structured report and nothing is analysed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arusha.analytics import (
    Engine,
    ValidationFailed,
    integrity,
    read_canonical,
    run_integrity,
    validate,
)
from arusha.analytics.cli import main
from tests.analytics.tables import declarations

HEADER = (
    "declaration_id,item_no,lodged_at,released_at,office_id,declarant_id,importer_id,officer_id,"
    "hs_code,origin_country,customs_value,net_mass_kg,channel_assigned,channel_final,inspected,offence_found"
)
GOOD = "D1,1,2024-01-05 10:00:00,2024-01-05 12:00:00,OF1,DC1,IM1,OA,850440,CN,100,2,red,green,1,0"
MALFORMED = [
    GOOD,  # row 1
    GOOD,  # row 2 repeats row 1's key
    "D2,1,2024-01-05,2024-01-04,OF1,DC1,IM1,OA,8504,CHN,-5,2,purple,green,maybe,0",  # row 3
    "D3,1,05/01/2024,,OF1,DC2,IM1,OB,850440,CN,abc,2,red,red,1,0",  # row 4
    "D4,1,2024-01-05,,OF1,DC2,,OB,850440,CN,10,2,red,red,1,0",  # row 5
    "D4,2,2024-01-06,,OF2,DC2,IM2,OB,850440,CN,10,2,red,red,1,0",  # row 6
    "D5,1.5,2024-01-06,,OF2,DC2,IM2,OB,850440,CN,10,2,red,red,1,0",  # row 7
    "D6,2,2024-01-06,,OF2,DC2,IM2,OB,850440,CN,10,2,red,red,1,0",  # row 8: no item 1
]


def write_csv(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def problems_by(report: object) -> dict[tuple[str, str], object]:
    return {(p.column, p.message): p for p in report.problems}  # type: ignore[attr-defined]


@pytest.fixture
def malformed(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "bad.csv", MALFORMED)


def test_each_kind_of_problem_is_reported_with_column_count_and_rows(malformed: Path) -> None:
    found = problems_by(validate(malformed))
    expected = {
        ("declaration_id", "(declaration_id, item_no) repeats an earlier row"): (
            "duplicate_key",
            1,
            (1, 2),
        ),
        ("item_no", "item_no is not a whole number of at most 15 digits"): ("unparsable", 1, (7,)),
        # D5's only item number is unparsable, so it has no item 1 either
        ("item_no", "declaration has no item 1 (declaration-level fields are read from item 1)"): (
            "missing_first_item",
            2,
            (7, 8),
        ),
        ("lodged_at", "lodged_at is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"): (
            "unparsable",
            1,
            (4,),
        ),
        ("importer_id", "importer_id is empty"): ("missing_value", 1, (5,)),
        ("hs_code", "hs_code is not a tariff code of at least 6 digits"): ("unparsable", 1, (3,)),
        ("origin_country", "origin_country is not a two-letter ISO 3166 country code"): (
            "unparsable",
            1,
            (3,),
        ),
        ("customs_value", "customs_value is not a number"): ("unparsable", 1, (4,)),
        ("customs_value", "customs_value is negative"): ("impossible", 1, (3,)),
        ("channel_assigned", "channel_assigned is not green, yellow or red"): (
            "unparsable",
            1,
            (3,),
        ),
        ("inspected", "inspected is not true or false (or 1/0, yes/no)"): ("unparsable", 1, (3,)),
        ("released_at", "released_at is before lodged_at"): ("impossible", 1, (3,)),
        ("office_id", "office_id differs between items of the same declaration"): (
            "inconsistent",
            1,
            (5, 6),
        ),
        ("lodged_at", "lodged_at differs between items of the same declaration"): (
            "inconsistent",
            1,
            (5, 6),
        ),
    }
    assert {key: (p.kind, p.count, p.rows) for key, p in found.items()} == expected


def test_the_report_reads_as_plain_sentences(malformed: Path) -> None:
    text = validate(malformed).to_text()
    assert text.startswith("Validation failed with 14 problem(s); nothing was analysed.")
    assert "- [customs_value] customs_value is negative: 1 row (for example row 3)" in text


def test_analysis_stops_before_any_indicator(malformed: Path, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as failure:
        run_integrity(malformed)
    assert len(failure.value.report.problems) == 14
    assert main(["integrity", str(malformed), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert not (tmp_path / "out").exists()


def test_missing_required_columns_are_reported_first(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "short.csv", ["D1,OF1"], header="declaration_id,office_id")
    report = validate(path)
    assert [(p.column, p.kind) for p in report.problems] == [
        ("lodged_at", "missing_column"),
        ("declarant_id", "missing_column"),
        ("importer_id", "missing_column"),
        ("hs_code", "missing_column"),
        ("customs_value", "missing_column"),
    ]
    assert "Required column customs_value is missing" in report.to_text()


def test_a_file_without_rows_is_a_problem(tmp_path: Path) -> None:
    report = validate(write_csv(tmp_path / "empty.csv", []))
    assert [p.kind for p in report.problems] == ["empty"]


def test_duplicates_beyond_item_62_are_still_found_exactly() -> None:
    rows = [{"declaration_id": "D1", "item_no": i} for i in range(1, 101)]
    rows += [{"declaration_id": "D1", "item_no": 100}, {"declaration_id": "D2", "item_no": 1}]
    report = validate(declarations(rows))
    assert [(p.kind, p.count, p.rows) for p in report.problems] == [
        ("duplicate_key", 1, (100, 101))
    ]


def test_a_clean_table_passes() -> None:
    report = validate(declarations([{"item_no": 1}, {"declaration_id": "X", "item_no": 1}]))
    assert report.ok
    assert report.to_dict() == {"rows": 2, "ok": True, "problems": []}


def test_parquet_rows_are_numbered_in_file_order(tmp_path: Path) -> None:
    table = declarations([{"customs_value": 1.0}] * 3 + [{"customs_value": -1.0}])
    path = tmp_path / "bad.parquet"
    pq.write_table(
        table.set_column(0, "declaration_id", pa.array([f"D{i}" for i in range(4)])),
        path,
        row_group_size=2,
    )
    (problem,) = validate(path).problems
    assert (problem.column, problem.kind, problem.rows) == ("customs_value", "impossible", (4,))


def test_validate_command_prints_the_report_and_exits_2(
    malformed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(malformed)]) == 2
    assert "importer_id is empty: 1 row (for example row 5)" in capsys.readouterr().out


def test_large_files_check_each_condition_separately_with_the_same_report(
    malformed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arusha.analytics import validation

    small = validate(malformed)
    monkeypatch.setattr(validation, "SEPARATE_CHECKS_FROM", 0)
    assert validate(malformed) == small


def test_large_files_count_a_bad_value_on_every_row_that_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On large data a check on a value's form tests each distinct value once and adds up the
    rows holding the values that fail: a value repeated on three rows is three rows."""
    from arusha.analytics import validation

    rows = [{"hs_code": "12AB"}] * 3 + [{"channel_assigned": "purple"}] * 2
    rows += [{"customs_value": -1.0}, {}, {"hs_code": "12AB", "customs_value": -5.0}]
    table = declarations(rows)
    table = table.set_column(0, "declaration_id", pa.array([f"D{i}" for i in range(len(rows))]))
    path = tmp_path / "repeated.parquet"
    pq.write_table(table, path)
    monkeypatch.setattr(validation, "SEPARATE_CHECKS_FROM", 0)
    found = {(p.column, p.kind): (p.count, p.rows) for p in validate(path).problems}
    assert found == {
        ("hs_code", "unparsable"): (4, (1, 2, 3, 8)),
        ("channel_assigned", "unparsable"): (2, (4, 5)),
        ("customs_value", "impossible"): (2, (6, 8)),
    }
    monkeypatch.setattr(validation, "SEPARATE_CHECKS_FROM", 10**9)
    assert {(p.column, p.kind): (p.count, p.rows) for p in validate(path).problems} == found


def test_the_portable_key_checks_give_the_same_report(
    malformed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other backends (PySpark) count items against distinct item numbers instead of OR-ing bits
    and compare the declaration fields as text instead of hashes; the report must not change."""
    from arusha.analytics import validation

    fast = validate(malformed)
    assert {p.kind for p in fast.problems} >= {"duplicate_key", "missing_first_item"}
    monkeypatch.setattr(validation, "_key_problems", validation._key_problems_portable)
    assert validate(malformed) == fast
    rows = [{"declaration_id": "D1", "item_no": i} for i in range(1, 101)]
    rows += [{"declaration_id": "D1", "item_no": 100}, {"declaration_id": "D2", "item_no": 1}]
    (problem,) = validate(declarations(rows)).problems
    assert (problem.kind, problem.count, problem.rows) == ("duplicate_key", 1, (100, 101))


def test_every_problem_has_a_known_kind(malformed: Path) -> None:
    from arusha.analytics import PROBLEM_KINDS, Problem

    found = {p.kind for p in validate(malformed).problems}
    assert found >= {"duplicate_key", "missing_first_item", "inconsistent", "unparsable"}
    assert found <= PROBLEM_KINDS.keys()
    with pytest.raises(ValueError, match="Unknown kind"):
        Problem("item_no", "odd", 1, (1,), "odd")


def test_numbers_too_large_or_not_finite_are_problems_not_crashes(tmp_path: Path) -> None:
    """An item number of 20 digits used to stop the read with DuckDB's own overflow text, and
    "nan", "inf" or "1e400" as an amount passed validation and then stopped the analysis with
    SQL on the screen. Each is now a problem naming its column and row."""
    good = GOOD.split(",")

    def row(declaration: str, **values: str) -> str:
        fields = dict(zip(HEADER.split(","), good, strict=True), declaration_id=declaration)
        return ",".join({**fields, **values}.values())

    path = write_csv(
        tmp_path / "odd.csv",
        [
            row("D1"),
            row("D2", item_no="99999999999999999999"),
            row("D3", item_no="1e300"),
            row("D4", customs_value="nan"),
            row("D5", net_mass_kg="1e400"),
            row("D6", customs_value="-inf"),
            row("D7", item_no="999999999999999"),  # 15 digits: a whole number, not item 1
        ],
    )
    report = validate(path)
    found = {(p.column, p.detail): p.rows for p in report.problems}
    assert found == {
        ("item_no", "not_whole_number"): (2, 3),
        ("item_no", "no_item_1"): (2, 3, 7),
        ("customs_value", "not_finite"): (4, 6),
        ("customs_value", "negative"): (6,),
        ("net_mass_kg", "not_finite"): (5,),
    }
    text = report.to_text()
    said = "- [customs_value] customs_value is not a finite number: 2 rows (for example rows 4, 6)"
    assert said in text
    with pytest.raises(ValidationFailed):
        run_integrity(path)


@pytest.mark.parametrize("typed", [True, False], ids=["typed by the reader", "read as text"])
def test_columns_no_indicator_reads_are_validated_though_not_kept(
    tmp_path: Path, typed: bool
) -> None:
    """The importer and the duties are left out of the table a CSV file is read into for the
    analysis; their problems are still found, on their own rows, and read_canonical has them."""
    header = HEADER + ",duty_rate,duty_paid"
    rows = [GOOD + ",5,10", GOOD.replace("D1", "D2") + ",5,-3"]
    rows.append(GOOD.replace("D1", "D3").replace("IM1", " ") + ",inf,10")
    if not typed:  # a value the reader cannot type: the whole file is read again as text
        rows.append(GOOD.replace("D1", "D4") + ",five,10")
    path = write_csv(tmp_path / "duties.csv", rows, header)
    found = {(p.column, p.detail): p.rows for p in validate(path).problems}
    expected = {
        ("duty_paid", "negative"): (2,),
        ("duty_rate", "not_finite"): (3,),
        ("importer_id", "empty"): (3,),
    }
    if not typed:
        expected[("duty_rate", "not_number")] = (4,)
    assert found == expected
    clean = write_csv(
        tmp_path / "clean.csv", [GOOD + ",5,10", GOOD.replace("D1", "D2") + ",,"], header
    )
    table = read_canonical(clean).to_pylist()
    assert [(r["importer_id"], r["duty_rate"], r["duty_paid"]) for r in table] == [
        ("IM1", 5.0, 10.0),
        ("IM1", None, None),
    ]
    summary = run_integrity(clean).summary
    assert {"importer_id", "duty_rate", "duty_paid"} <= set(summary["columns_present"])
    with Engine() as engine:  # what the analysis reads: no copy of the three columns
        stored = integrity._staged(engine, clean, None, None).wide.columns
        assert not {"importer_id", "duty_rate", "duty_paid"} & set(stored)


def test_parquet_numbers_out_of_range_or_not_finite_are_problems(tmp_path: Path) -> None:
    table = declarations(
        [{}, {"customs_value": float("nan")}, {"net_mass_kg": float("inf")}, {"item_no": 10**18}]
    )
    path = tmp_path / "odd.parquet"
    pq.write_table(table, path)
    found = {(p.column, p.detail): p.rows for p in validate(path).problems}
    assert found == {
        ("customs_value", "not_finite"): (2,),
        ("net_mass_kg", "not_finite"): (3,),
        ("item_no", "not_whole_number"): (4,),
        ("item_no", "no_item_1"): (4,),
    }
    as_float = table.set_column(1, "item_no", pa.array([1.0, 1.0, 1.0, 1e20]))
    pq.write_table(as_float, path)
    found = {(p.column, p.detail): p.rows for p in validate(path).problems}
    assert found[("item_no", "not_whole_number")] == (4,)
    # The same table handed over in memory, not as a file
    found = {(p.column, p.detail): p.rows for p in validate(table).problems}
    assert found[("customs_value", "not_finite")] == (2,)


class _Reversed:
    """A DuckDB result whose rows come in the opposite order."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def fetchall(self) -> list[Any]:
        return list(reversed(self.result.fetchall()))


@pytest.mark.parametrize("metadata", ["in order", "reversed"])
def test_rows_of_a_parquet_dataset_are_numbered_across_its_files(
    tmp_path: Path, metadata: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory of Parquet files is read as one table, files in the order of their names.
    Rows used to be numbered from 1 in each file, so a report named rows of the first file
    for problems in the second. DuckDB lists the files' metadata in the order its threads
    finish, not necessarily the files' order, and rows were numbered from the sizes in the
    order listed: the likely cause of this test failing once with other work running."""
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    first = declarations([{"declaration_id": f"A{i}"} for i in range(3)])
    second = declarations([{"declaration_id": f"B{i}"} for i in range(4)])
    second = second.set_column(14, "channel_assigned", pa.array(["green", "purple"] * 2))
    pq.write_table(second, dataset / "part-1.parquet")  # written first, read second
    pq.write_table(first, dataset / "part-0.parquet")
    engine = Engine()
    if metadata == "reversed":
        raw_sql = engine.backend.raw_sql

        def listed_backwards(sql: Any, *args: Any, **kwargs: Any) -> Any:
            result = raw_sql(sql, *args, **kwargs)
            return _Reversed(result) if "parquet_file_metadata" in str(sql) else result

        monkeypatch.setattr(engine.backend, "raw_sql", listed_backwards)
    with engine:
        (problem,) = validate(dataset, engine=engine).problems
    assert (problem.column, problem.detail, problem.rows) == (
        "channel_assigned",
        "not_channel",
        (5, 7),
    )


@pytest.mark.parametrize("extra", ["_row", "file_row_number", "file_index"])
def test_a_column_named_like_the_engines_own_does_not_change_row_numbers(
    tmp_path: Path, extra: str
) -> None:
    """An extra column of the file named like the library's row number (`_row`) or DuckDB's
    position columns: the CSV read stopped with a Python error, the Parquet read with "cannot
    be read", or the report took the file's values for row numbers."""
    table = declarations([{}, {"customs_value": -1.0}, {}])
    table = table.append_column(extra, pa.array(["x", "y", "z"]))
    pq.write_table(table, parquet := tmp_path / "extra.parquet")
    table.to_pandas().to_csv(csv_file := tmp_path / "extra.csv", index=False)
    for path in (parquet, csv_file):
        (problem,) = validate(path).problems
        assert (problem.column, problem.detail, problem.rows) == ("customs_value", "negative", (2,))


def test_tariff_codes_kept_as_numbers_are_read_as_whole_codes(tmp_path: Path) -> None:
    """A spreadsheet or pandas keeps codes as floats: 850440.0 used to read as "8504400", and
    95835.0 (095835 without its zero) as "958350", a valid-looking wrong code."""
    from arusha.analytics import read_canonical

    table = declarations([{}, {}, {}])
    at = table.schema.get_field_index("hs_code")
    for codes in (pa.array([850440.0, 95835.0, 8504.4]), pa.array([850440, 95835, 8504])):
        pq.write_table(table.set_column(at, "hs_code", codes), path := tmp_path / "codes.parquet")
        (problem,) = validate(path).problems
        assert (problem.column, problem.detail, problem.rows) == (
            "hs_code",
            "not_tariff_code_number",
            (2, 3),
        )
        assert "it has lost any leading zero" in problem.message
        mapping = tmp_path / "pad.yaml"
        mapping.write_text("columns:\n  hs_code: {column: hs_code, pad: 6}\n", encoding="utf-8")
        pq.write_table(table.slice(0, 2).set_column(at, "hs_code", codes[:2]), path)
        read = read_canonical(path, mapping).column("hs_code").to_pylist()
        assert read == ["850440", "095835"]


def test_tariff_codes_a_spreadsheet_wrote_as_floats_read_as_whole_codes(tmp_path: Path) -> None:
    """In a CSV file the float is text: "850440.0" read as "8504400", a valid-looking wrong code,
    whether every code in the column was written so or only some. A code written with points
    between its groups of digits still reads without them."""
    from arusha.analytics import read_canonical

    table = declarations([{}, {}, {}])
    at = table.schema.get_field_index("hs_code")
    for codes, wanted in (
        (["850440.0", "950440.0", "120190.0"], ["850440", "950440", "120190"]),
        (["850440.0", "8504.40.00", "850440"], ["850440", "85044000", "850440"]),
    ):
        path = tmp_path / "codes.csv"
        table.set_column(at, "hs_code", pa.array(codes)).to_pandas().to_csv(path, index=False)
        assert "850440.0" in path.read_text(encoding="utf-8")
        assert read_canonical(path).column("hs_code").to_pylist() == wanted
        assert validate(path).ok


def test_identifiers_kept_as_floats_read_without_a_trailing_zero() -> None:
    from arusha.analytics import read_canonical

    table = declarations([{}, {}])
    at = table.schema.get_field_index("declaration_id")
    table = table.set_column(at, "declaration_id", pa.array([1000000000.0, 1000000001.0]))
    read = read_canonical(table).column("declaration_id").to_pylist()
    assert read == ["1000000000", "1000000001"]  # not "1000000000.0"
