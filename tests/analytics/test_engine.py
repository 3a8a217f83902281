"""The engine's own operations: grouping sets on DuckDB agree with the portable form."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

from arusha.analytics import Engine


def test_grouping_sets_give_the_same_sums_as_separate_group_bys() -> None:
    data = pa.table(
        {
            "office": [1, 1, 2, 2, 2],
            "officer": [10, 11, 20, 20, 21],
            "declarant": [7, 8, 7, 7, 9],
            "x": [1, 0, 1, 1, 1],
        }
    )
    sets = [["office", "officer"], ["declarant"]]
    with Engine() as engine:
        table = engine.read(data)
        native = engine.aggregate_sets("sets", table, sets, ["x"]).to_pandas()
        engine.is_duckdb = False  # the portable union of group-bys, computed lazily
        engine.materialize = lambda name, expr: expr  # type: ignore[method-assign]
        portable = engine.aggregate_sets("sets", table, sets, ["x"]).to_pandas()
    order = ["level", "office", "officer", "declarant"]
    native = native.sort_values(order).reset_index(drop=True)
    portable = portable.sort_values(order).reset_index(drop=True)
    assert native.astype(float).equals(portable.astype(float))
    assert native[native["level"] == 1].set_index("declarant")["x"].to_dict() == {7: 3, 8: 0, 9: 1}


def test_times_with_a_zone_are_read_as_the_time_at_their_place_on_any_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pandas writes the zone of a time in the Parquet file. DuckDB kept only the instant and
    showed it in the machine's zone: a declaration lodged at 21:00 in Guayaquil fell on the next
    day (and maybe in the next week) on a server set to UTC, and not on one set to Ecuador."""
    import time

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from arusha.analytics import read_canonical
    from tests.analytics.tables import declarations

    table = declarations([{"lodged_at": datetime(2024, 3, 3, 21, 0)}, {}])
    for name in ("lodged_at", "released_at"):
        at = table.schema.get_field_index(name)
        local = pc.assume_timezone(table.column(at), "America/Guayaquil")
        table = table.set_column(at, name, local)
    pq.write_table(table, path := tmp_path / "zoned.parquet")
    for zone in ("UTC", "Asia/Tokyo", "America/Guayaquil"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        for source in (path, table):
            read = read_canonical(source)
            assert read.column("lodged_at").to_pylist() == [
                datetime(2024, 3, 3, 21, 0),
                datetime(2024, 4, 2, 9, 0),
            ], (zone, type(source))
            assert read.column("lodged_at").type == pa.timestamp("us")
    monkeypatch.delenv("TZ")
    time.tzset()
