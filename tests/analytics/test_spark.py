"""The same indicator code on a distributed engine: PySpark in local mode, through Ibis.

PySpark is an optional extra (pip install 'arusha[spark]'); without it this test is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from arusha.analytics import (
    Engine,
    GeneratorConfig,
    Settings,
    generate_table,
    read_canonical,
    run_integrity,
    validate,
)
from arusha.analytics.generate import plain
from tests.analytics.test_workbook import workbook_rows, write_workbook
from tests.integrity.exports import european

pytest.importorskip(
    "pyspark",
    reason="pyspark is not installed: install the optional 'spark' extra to run the PySpark test",
)


CONFIG = GeneratorConfig(rows=20_000, seed=3, offices=2, officers=12, declarants=30)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = SparkSession.builder.master("local[2]").appName("arusha-test").getOrCreate()
    yield session
    session.stop()


def on(spark: Any) -> Engine:
    import ibis

    return Engine(ibis.pyspark.connect(spark))


def test_pyspark_local_mode_gives_the_same_results_as_duckdb(tmp_path: Path, spark: Any) -> None:
    table, _ = generate_table(CONFIG)
    path = tmp_path / "declarations.parquet"
    pq.write_table(table, path)
    on_spark = run_integrity(path, engine=on(spark))
    # Unit-value medians on a sample: the engine's own hash picks it, so only the sampled
    # statistics may differ from DuckDB's; everything else must still agree.
    sampled = Settings(uv_sample=5_000)
    spark_sampled = run_integrity(path, engine=on(spark), settings=sampled)
    on_duckdb = run_integrity(path)
    # Sums are exact integers and results are read in key order, so the two engines agree to
    # the last digit: every indicator row, explanation and score.
    assert set(on_duckdb.indicators["indicator"]) >= {
        "pair_excess",
        "collusion_signature",
        "downgrades",
        "fast_release_red",
        "undervaluation",
    }
    for name in ("indicators", "entities", "pair_cells"):
        spark_csv = getattr(on_spark, name).to_csv(index=False)
        assert spark_csv == getattr(on_duckdb, name).to_csv(index=False), name
    duckdb_sampled = run_integrity(path, settings=sampled).indicators
    spark_values = spark_sampled.indicators
    assert spark_values.loc[spark_values["indicator"] == "undervaluation", "value"].notna().any()

    def unsampled(indicators: pd.DataFrame) -> str:
        return indicators[indicators["indicator"] != "undervaluation"].to_csv(index=False)

    assert unsampled(spark_values) == unsampled(duckdb_sampled)


def test_a_european_csv_export_gives_the_same_results_on_pyspark(
    tmp_path: Path, spark: Any
) -> None:
    """Windows-1252, semicolons, decimal commas, dates day first, tariff codes with leading
    zeros: PySpark reads the file as text with the header the library detected, and the
    library parses it as on DuckDB."""
    table, _ = generate_table(CONFIG)
    plain = tmp_path / "plain.csv"
    pacsv.write_csv(table, plain, pacsv.WriteOptions(quoting_style="none"))
    path = tmp_path / "export.csv"
    path.write_bytes(european(plain))
    assert ";0" in path.read_text("cp1252"), "some tariff code starts with a zero"
    on_spark = run_integrity(path, engine=on(spark))
    on_duckdb = run_integrity(path)
    read_as = {"encoding": "cp1252", "delimiter": ";", "decimal": ",", "date_order": "dmy"}
    assert on_spark.summary["read_as"] == on_duckdb.summary["read_as"] == read_as
    assert len(on_duckdb.indicators) > 100
    for name in ("indicators", "entities", "pair_cells"):
        spark_csv = getattr(on_spark, name).to_csv(index=False)
        assert spark_csv == getattr(on_duckdb, name).to_csv(index=False), name


def test_rows_that_do_not_fit_and_a_mapping_date_format_on_pyspark(
    tmp_path: Path, spark: Any
) -> None:
    header = "declaration_id,item_no,lodged_at,office_id,declarant_id,importer_id,hs_code,"
    # the file's own columns named like Spark's corrupt-record column and the row number
    header += "customs_value,_corrupt_record,_row"
    rows = [
        "D1,1,26.02.2024,OF1,DCL1,IMP1,0850440,1200.5,note,7",
        "D2,1,27.02.2024,OF1,DCL1,IMP1,850440,12.5,note,7,extra",
        "D3,1,28.02.2024,OF1,DCL2,IMP2",
        "D4,1,31.02.2024,OF1,DCL2,IMP2,850440,300,,x",
    ]
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([header, *rows]) + "\n")
    report = validate(broken, engine=on(spark))
    assert report == validate(broken)
    assert {(p.detail, p.rows) for p in report.problems} == {
        ("too_many_fields", (2,)),
        ("too_few_fields", (3,)),
    }
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("\n".join([header, rows[0], rows[3]]) + "\n")
    mapping = "columns:\n  lodged_at: {column: lodged_at, format: '%d.%m.%Y'}\n"
    (mapping_file := tmp_path / "mapping.yaml").write_text(mapping)
    report = validate(fixed, mapping_file, engine=on(spark))
    assert report == validate(fixed, mapping_file)
    assert [(p.detail, p.rows) for p in report.problems] == [("not_date_format", (2,))]
    fixed.write_text("\n".join([header, rows[0]]) + "\n")
    read = read_canonical(fixed, mapping_file, engine=on(spark)).to_pylist()
    assert read == read_canonical(fixed, mapping_file).to_pylist()
    assert (read[0]["lodged_at"].day, read[0]["hs_code"], read[0]["customs_value"]) == (
        26,
        "0850440",
        1200.5,
    )


def test_a_file_that_stops_being_utf8_after_its_sample_on_pyspark(
    tmp_path: Path, spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spark reads bytes that are not UTF-8 as U+FFFD and goes on; the text used to come out
    garbled ("Bogot\ufffd") with no word. Now, as on DuckDB, a detected encoding is tried again
    in the next likely one, and a given one names the row and column."""
    from arusha.analytics import csvformat
    from arusha.analytics.csvformat import CsvFormat

    monkeypatch.setattr(csvformat, "SAMPLE_BYTES", 128)  # the header and plain ASCII
    header = "declaration_id,item_no,lodged_at,office_id,declarant_id,importer_id,hs_code,"
    header += "customs_value"
    rows = [
        "D1,1,2024-01-03,OF01,DCL1,IMP1,850440,12.5",
        "D2,1,2024-01-04,OF01,DCL1,IMP1,850440,300",
        "D3,1,2024-01-05,Bogotá,DCL2,IMP2,850440,1200.5",
    ]
    path = tmp_path / "late.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("cp1252"))
    read = read_canonical(path, engine=on(spark)).column("office_id").to_pylist()
    assert (
        read
        == read_canonical(path).column("office_id").to_pylist()
        == [
            "OF01",
            "OF01",
            "Bogotá",
        ]
    )
    given = CsvFormat(encoding="utf-8")
    report = validate(path, csv_format=given, engine=on(spark))
    assert report == validate(path, csv_format=given)
    assert [(p.column, p.detail, p.rows) for p in report.problems] == [
        ("office_id", "not_utf8", (3,))
    ]


def test_a_workbook_is_read_on_pyspark_as_on_duckdb(tmp_path: Path, spark: Any) -> None:
    """The sheet is copied to CSV by the library, then read by the engine: the same results,
    and the same report naming the sheet's rows."""
    table = plain(generate_table(CONFIG)[0])
    path = write_workbook(tmp_path / "declarations.xlsx", workbook_rows(table), above=2)
    on_spark = run_integrity(path, engine=on(spark))
    on_duckdb = run_integrity(path)
    read_as = {"sheet": "Declarations", "decimal": ".", "date_order": "ymd"}
    assert on_spark.summary["read_as"] == on_duckdb.summary["read_as"] == read_as
    for name in ("indicators", "entities", "pair_cells"):
        spark_csv = getattr(on_spark, name).to_csv(index=False)
        assert spark_csv == getattr(on_duckdb, name).to_csv(index=False), name
    rows = workbook_rows(table.slice(0, 5))
    rows[3][rows[0].index("customs_value")] = "mil"
    broken = write_workbook(tmp_path / "broken.xlsx", rows, above=1)
    report = validate(broken, engine=on(spark))
    assert report.to_dict() == validate(broken).to_dict()
    assert [p.rows for p in report.problems if p.column == "customs_value"] == [(5,)]
