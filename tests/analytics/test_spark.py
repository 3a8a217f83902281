"""The same indicator code on a distributed engine: PySpark in local mode, through Ibis.

PySpark is an optional extra (pip install 'arusha[spark]'); without it this test is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from arusha.analytics import Engine, GeneratorConfig, generate_table, run_integrity

pytest.importorskip(
    "pyspark",
    reason="pyspark is not installed: install the optional 'spark' extra to run the PySpark test",
)


def test_pyspark_local_mode_gives_the_same_pair_results_as_duckdb(tmp_path: Path) -> None:
    import ibis
    from pyspark.sql import SparkSession

    table, _ = generate_table(
        GeneratorConfig(rows=20_000, seed=3, offices=2, officers=12, declarants=30)
    )
    path = tmp_path / "declarations.parquet"
    pq.write_table(table, path)
    spark = SparkSession.builder.master("local[2]").appName("arusha-test").getOrCreate()
    try:
        on_spark = run_integrity(path, engine=Engine(ibis.pyspark.connect(spark)))
    finally:
        spark.stop()
    on_duckdb = run_integrity(path)
    columns = ["entity_id", "office_id", "value", "expected", "flagged"]
    for indicator in ("pair_excess", "collusion_signature", "downgrades"):
        spark_rows = on_spark.indicators[on_spark.indicators["indicator"] == indicator][columns]
        duck_rows = on_duckdb.indicators[on_duckdb.indicators["indicator"] == indicator][columns]
        key = ["entity_id", "office_id"]
        merged = spark_rows.merge(duck_rows, on=key, suffixes=("_spark", "_duckdb"))
        assert len(merged) == len(duck_rows) > 0
        assert (merged["value_spark"] - merged["value_duckdb"]).abs().max() < 1e-9
        assert (merged["flagged_spark"] == merged["flagged_duckdb"]).all()
