"""The same indicator code on a distributed engine: PySpark in local mode, through Ibis.

PySpark is an optional extra (pip install 'arusha[spark]'); without it this test is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from arusha.analytics import Engine, GeneratorConfig, Settings, generate_table, run_integrity

pytest.importorskip(
    "pyspark",
    reason="pyspark is not installed: install the optional 'spark' extra to run the PySpark test",
)


def test_pyspark_local_mode_gives_the_same_results_as_duckdb(tmp_path: Path) -> None:
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
        # Unit-value medians on a sample: the engine's own hash picks it, so only the sampled
        # statistics may differ from DuckDB's; everything else must still agree.
        sampled = Settings(uv_sample=5_000)
        spark_sampled = run_integrity(
            path, engine=Engine(ibis.pyspark.connect(spark)), settings=sampled
        )
    finally:
        spark.stop()
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
