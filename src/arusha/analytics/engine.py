"""The query engine: an Ibis backend (DuckDB by default) and the few operations the analysis needs.

Indicator code is written as Ibis expressions so that it runs on any Ibis backend (DuckDB embedded,
PySpark for data that outgrows one machine). Three things go to DuckDB directly, each for a reason:

- materialising an intermediate table uses `CREATE TEMP TABLE ... AS <the Ibis query>`, because
  Ibis's `create_table(overwrite=True)` copies the data twice, and with the sqlglot release
  pinned here both it and `cache()` emit a malformed `DROP TABLE` (other backends use `cache()`);
- a CSV file is first loaded as text into a table so that `rowid` gives each row's position in
  the file (validation reports row numbers); Ibis has no row position that survives a scan;
- Parquet is read with `file_row_number`, for the same reason.

On other backends the row number comes from `ibis.row_number()`, which follows the scan order.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Any, TypeAlias

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from arusha.analytics.errors import SourceError

ROW = "_row"  # 1-based position of the row in the source, for validation reports
CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")

Source: TypeAlias = str | Path | pa.Table | pd.DataFrame


class Engine:
    """An Ibis backend plus bookkeeping of the intermediate tables one run creates."""

    def __init__(
        self,
        backend: Any | None = None,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._owned = backend is None
        if backend is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="arusha-analytics-")
            backend = ibis.duckdb.connect()
            backend.raw_sql(f"SET temp_directory = '{_sql_text(self._tmp.name)}'")
            backend.raw_sql(f"SET threads = {int(threads or os.cpu_count() or 1)}")
            backend.raw_sql(
                "SET enable_progress_bar = false"
            )  # progress is reported per step instead
            # Order is only needed to number CSV rows, which sets it for that one statement.
            backend.raw_sql("SET preserve_insertion_order = false")
            if memory_limit:
                backend.raw_sql(f"SET memory_limit = '{_sql_text(memory_limit)}'")
        self.backend = backend
        self.is_duckdb = getattr(backend, "name", "") == "duckdb"
        self._tables: list[tuple[str, str]] = []
        self._cached: list[Any] = []
        self._prefix = "arusha_" + uuid.uuid4().hex[:8] + "_"

    def materialize(self, name: str, expr: ir.Table) -> ir.Table:
        """Compute `expr` once and keep it as a temporary table for the following queries."""
        if not self.is_duckdb:
            # Elsewhere Ibis's cache is the portable form (on Spark: a persisted DataFrame behind
            # a temporary view); released on close.
            cached = expr.cache()
            self._cached.append(cached)
            return cached
        full = self._prefix + name
        sql = ibis.to_sql(expr, dialect="duckdb")
        self.backend.raw_sql(f'CREATE OR REPLACE TEMP TABLE "{full}" AS {sql}')
        self._tables.append(("TABLE", full))
        return self.backend.table(full)

    @staticmethod
    def is_text(source: Source) -> bool:
        """Whether the source is a CSV file (read as text, parsed by the mapping)."""
        return isinstance(source, str | Path) and str(source).lower().endswith(CSV_SUFFIXES)

    def aggregate_sets(
        self,
        name: str,
        expr: ir.Table,
        sets: list[list[str]],
        sums: list[str],
        counts: list[str] | None = None,
    ) -> ir.Table:
        """Sums of `sums` and counts of the rows where each boolean column of `counts` is true,
        grouped by each key set in turn, in one materialised table: the keys (NULL where a set
        does not use them), `level` (the set's position), the sums and the counts (int64).

        On DuckDB this is one scan with GROUPING SETS, which Ibis cannot express; elsewhere a
        union of ordinary group-bys. A filtered count is about twice as fast as the sum of the
        same condition cast to an integer (DuckDB sums 64-bit integers in 128-bit states)."""
        counts = counts or []
        keys = list(dict.fromkeys(k for s in sets for k in s))
        if not self.is_duckdb:
            parts = []
            for level, keyset in enumerate(sets):
                part = expr.group_by(keyset).aggregate(
                    **{c: expr[c].sum() for c in sums},
                    **{c: expr.count(where=expr[c]) for c in counts},
                )
                nulls = {k: ibis.null(expr[k].type()) for k in keys if k not in keyset}
                parts.append(
                    part.mutate(level=level, **nulls).select(*keys, "level", *sums, *counts)
                )
            return self.materialize(name, ibis.union(*parts))
        full = self._prefix + name
        masks = [
            sum(1 << (len(keys) - 1 - i) for i, k in enumerate(keys) if k not in s) for s in sets
        ]
        cases = " ".join(f"WHEN {m} THEN {i}" for i, m in enumerate(masks))
        quoted = ", ".join(f'"{k}"' for k in keys)
        columns = ", ".join(
            [f'CAST(SUM("{c}") AS BIGINT) AS "{c}"' for c in sums]
            + [f'COUNT(*) FILTER (WHERE "{c}") AS "{c}"' for c in counts]
        )
        grouping = ", ".join("(" + ", ".join(f'"{k}"' for k in s) + ")" for s in sets)
        sql = ibis.to_sql(expr, dialect="duckdb")
        self.backend.raw_sql(
            f'CREATE OR REPLACE TEMP TABLE "{full}" AS SELECT {quoted}, '  # noqa: S608 (names are ours)
            f'CASE GROUPING({quoted}) {cases} END AS "level", {columns} '
            f"FROM ({sql}) AS t GROUP BY GROUPING SETS ({grouping})"
        )
        self._tables.append(("TABLE", full))
        return self.backend.table(full)

    def read(self, source: Source, delimiter: str = ",") -> ir.Table:
        """Open a CSV or Parquet file, or an in-memory table, with a 1-based row number column."""
        if isinstance(source, pd.DataFrame):
            source = pa.Table.from_pandas(source, preserve_index=False)
        if isinstance(source, pa.Table):
            return self._read_arrow(source)
        path = Path(source)
        if not path.exists():
            raise SourceError(f"No such file: {path}")
        name = path.name.lower()
        if name.endswith(PARQUET_SUFFIXES) or path.is_dir():
            return self._read_parquet(path)
        if name.endswith(CSV_SUFFIXES):
            return self._read_csv(path, delimiter)
        raise SourceError(f"Cannot tell the format of {path}: use a .csv or .parquet file.")

    def _read_arrow(self, table: pa.Table) -> ir.Table:
        table = table.append_column(ROW, pa.array(range(1, table.num_rows + 1), pa.int64()))
        if self.is_duckdb:
            name = self._prefix + "source"
            self.backend.con.register(name, table)
            self._tables.append(("ARROW", name))
            return self.backend.table(name)
        return ibis.memtable(table)

    def _read_parquet(self, path: Path) -> ir.Table:
        target = str(path / "*.parquet") if path.is_dir() else str(path)
        try:
            if self.is_duckdb:
                raw = self.backend.read_parquet(target, file_row_number=True)
                return raw.mutate(**{ROW: raw.file_row_number + 1}).drop("file_row_number")
            raw = self.backend.read_parquet(target)
        except Exception as exc:  # the backends raise their own types; the message is what counts
            raise SourceError(f"Cannot read Parquet file {path}: {exc}") from exc
        return raw.mutate(**{ROW: ibis.row_number() + 1})

    def _read_csv(self, path: Path, delimiter: str) -> ir.Table:
        try:
            if not self.is_duckdb:
                raw = self.backend.read_csv(str(path))
                return raw.mutate(**{ROW: ibis.row_number() + 1})
            view = self.backend.read_csv(
                str(path),
                table_name=self._prefix + "csv",
                all_varchar=True,
                delim=delimiter,
                header=True,
            )
        except Exception as exc:  # DuckDB raises its own error types for unreadable files
            raise SourceError(f"Cannot read CSV file {path}: {exc}") from exc
        self._tables.append(("VIEW", view.get_name()))
        text, rows = self._prefix + "csv_text", self._prefix + "csv_rows"
        self.backend.raw_sql("SET preserve_insertion_order = true")
        try:
            self.backend.raw_sql(
                f'CREATE OR REPLACE TEMP TABLE "{text}" AS SELECT * FROM "{view.get_name()}"'  # noqa: S608 (our own quoted table names)
            )
        finally:
            self.backend.raw_sql("SET preserve_insertion_order = false")
        self.backend.raw_sql(
            f'CREATE OR REPLACE TEMP VIEW "{rows}" AS SELECT rowid + 1 AS "{ROW}", * FROM "{text}"'  # noqa: S608 (our own quoted names)
        )
        self._tables += [("TABLE", text), ("VIEW", rows)]
        return self.backend.table(rows)

    def close(self) -> None:
        """Drop what this run created; close the connection if the engine opened it."""
        if self.is_duckdb:
            for kind, name in reversed(self._tables):
                if kind == "ARROW":
                    self.backend.con.unregister(name)
                else:
                    self.backend.raw_sql(f'DROP {kind} IF EXISTS "{name}"')
        self._tables.clear()
        for cached in self._cached:
            cached.release()
        self._cached.clear()
        if self._owned:
            self.backend.disconnect()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sql_text(value: str) -> str:
    return value.replace("'", "''")
