"""The engine's own operations: grouping sets on DuckDB agree with the portable form."""

from __future__ import annotations

import pyarrow as pa

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
