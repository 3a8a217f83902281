"""The query engine: an Ibis backend (DuckDB by default) and the few operations the analysis needs.

Indicator code is written as Ibis expressions so that it runs on any Ibis backend (DuckDB embedded,
PySpark for data that outgrows one machine). Three things go to DuckDB directly, each for a reason:

- materialising an intermediate table uses `CREATE TEMP TABLE ... AS <the Ibis query>`, because
  Ibis's `create_table(overwrite=True)` copies the data twice, and with the sqlglot release
  pinned here both it and `cache()` emit a malformed `DROP TABLE` (other backends use `cache()`);
- Parquet is read with `file_row_number`, so that validation can report each row's position in
  the file (Ibis has no row position that survives a scan);
- a CSV file is read once straight into a typed temporary table (`store_rows`). Rows are
  numbered in one of two ways. Fast: each row's position in the table, stored in whatever order
  the threads finish (keeping the file's order costs a sixth more, numbering at the scan about
  three times more); unique and fixed for the run, it serves only the analysis, whose results
  depend on no row order. Exact: `row_number() OVER ()` on the scan itself, in the file's order,
  used when validation has problems to report and for `read_canonical` (the file is then read
  again; see `integrity._read_once`). Rows that do not fit the
  header are set aside in a rejects table with their line and column instead of stopping the read
  with DuckDB's text.

On other backends the row number comes from `ibis.row_number()`, which follows the scan order.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from arusha.analytics.csvformat import DUCKDB_ENCODINGS, Dialect, hidden_gzip, to_utf8
from arusha.analytics.errors import SourceError
from arusha.analytics.workbook import WORKBOOK_SUFFIXES

ROW = "_row"  # 1-based position of the row in the source, for validation reports
# True on the CSV rows where some text value may start or end with a blank (see `open_csv`).
PADDED = "_padded"
BLANKS = (" ", "\t", "\n", "\r", "\f")  # what \s matches in the engines' regular expressions
CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
REPLACEMENT = "\ufffd"  # what Spark reads in place of bytes that are not UTF-8
CORRUPT = "_corrupt_record"  # PySpark's column for the text of a row that does not fit
SPARK_ENCODINGS = ("utf-8", "us-ascii", "iso-8859-1", "latin-1", "utf-16", "utf-16le", "utf-16be")

Source: TypeAlias = str | Path | pa.Table | pd.DataFrame


@dataclass(frozen=True)
class Reject:
    """A CSV row that does not fit the header, as DuckDB's rejects table describes it."""

    row: int
    column: str
    kind: str  # DuckDB's error type: TOO MANY COLUMNS, MISSING COLUMNS, UNQUOTED VALUE, ...


def is_text(source: Source) -> bool:
    """Whether the source is a CSV file (read as text, parsed by the mapping)."""
    return isinstance(source, str | Path) and str(source).lower().endswith(CSV_SUFFIXES)


def is_parquet(path: Path) -> bool:
    """A Parquet file, or a folder of them."""
    return path.name.lower().endswith(PARQUET_SUFFIXES) or path.is_dir()


def parquet_target(path: Path) -> str:
    """What the engines read for a Parquet file or folder: its path, or the folder's files."""
    return str(path / "*.parquet") if path.is_dir() else str(path)


def existing(source: str | Path) -> Path:
    """The source as a path to a CSV, Parquet or workbook file that exists."""
    path = Path(source)
    if not path.exists():
        raise SourceError("not_found", f"No such file: {path}")
    name = path.name.lower()
    if not (name.endswith(PARQUET_SUFFIXES + CSV_SUFFIXES + WORKBOOK_SUFFIXES) or path.is_dir()):
        raise SourceError(
            "unknown_format",
            f"Cannot tell the format of {path.name}: use a .csv, .xlsx or .parquet file.",
        )
    return path


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
            # Not the machine's zone: a time with a zone that is not turned into the time at
            # its place (see `local_times`) reads the same on every machine.
            backend.raw_sql("SET TimeZone = 'UTC'")
            if memory_limit:
                backend.raw_sql(f"SET memory_limit = '{_sql_text(memory_limit)}'")
        self.backend = backend
        self.is_duckdb = getattr(backend, "name", "") == "duckdb"
        self._tables: list[tuple[str, str]] = []
        self._cached: list[Any] = []
        self._prefix = "arusha_" + uuid.uuid4().hex[:8] + "_"
        self._portable_csv: tuple[ir.Table, Dialect, str] | None = None

    def materialize(self, name: str, expr: ir.Table) -> ir.Table:
        """Compute `expr` once and keep it as a temporary table for the following queries."""
        if not self.is_duckdb:
            # Elsewhere Ibis's cache is the portable form (on Spark: a persisted DataFrame behind
            # a temporary view); released on close.
            cached = expr.cache()
            self._cached.append(cached)
            return cached
        return self._create("TABLE", name, expr)

    def view(self, name: str, expr: ir.Table) -> ir.Table:
        """`expr` under a name, so that later queries compile a reference to it rather than the
        whole expression again (Ibis takes tens of milliseconds per query to compile a wide
        parsing step); the engine still reads through the view, filters and all. Elsewhere the
        expression itself."""
        if not self.is_duckdb:
            return expr
        return self._create("VIEW", name, expr)

    def _create(self, kind: str, name: str, expr: ir.Table) -> ir.Table:
        """A DuckDB temporary table or view of `expr`, dropped on close."""
        full = self._prefix + name
        sql = ibis.to_sql(expr, dialect="duckdb")
        self.backend.raw_sql(f'CREATE OR REPLACE TEMP {kind} "{full}" AS {sql}')
        self._tables.append((kind, full))
        return self.backend.table(full)

    @staticmethod
    def is_text(source: Source) -> bool:
        """Whether the source is a CSV file (read as text, parsed by the mapping)."""
        return is_text(source)

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

    def read(self, source: Source, dialect: Dialect | None = None) -> ir.Table:
        """Open a CSV or Parquet file, or an in-memory table, with a 1-based row number column.

        On DuckDB a CSV file is opened with `open_csv` instead (read once, typed)."""
        if isinstance(source, pd.DataFrame):
            source = pa.Table.from_pandas(source, preserve_index=False)
        if isinstance(source, pa.Table):
            return self._read_arrow(source)
        path = existing(source)
        if is_parquet(path):
            return self._read_parquet(path)
        return self._read_csv_portable(path, dialect)

    def parquet_damaged(self, source: Source) -> bool:
        """Whether `source` is a Parquet file (or folder) whose data cannot all be decoded: its
        metadata reads, so the failure shows only when a query reaches a damaged page. Every
        value is read, in batches; called only after a query has failed. On other engines,
        False (their failure stands as it is)."""
        if not self.is_duckdb or not isinstance(source, (str, Path)):
            return False
        path = Path(source)
        if not is_parquet(path):
            return False
        target = _sql_text(parquet_target(path))
        try:
            scan = self.backend.con.sql(f"SELECT * FROM read_parquet('{target}')")  # noqa: S608 (quoted path)
            for _batch in scan.to_arrow_reader(100_000):
                pass
        except (duckdb.Error, OSError):  # the file does not read through
            return True
        return False

    def small_table(self, name: str, table: pa.Table) -> ir.Table:
        """A small Arrow table (a result brought back to Python) as a table of the engine."""
        if not self.is_duckdb:
            return ibis.memtable(table)
        full = self._prefix + name
        self.backend.con.register(full, table)
        self._tables.append(("ARROW", full))
        return self.backend.table(full)

    def _read_arrow(self, table: pa.Table) -> ir.Table:
        for name, _zone in local_times(table.schema).items():
            at = table.schema.get_field_index(name)
            table = table.set_column(at, name, pc.local_timestamp(table.column(at)))
        table = table.append_column(ROW, pa.array(range(1, table.num_rows + 1), pa.int64()))
        if self.is_duckdb:
            name = self._prefix + "source"
            self.backend.con.register(name, table)
            self._tables.append(("ARROW", name))
            return self.backend.table(name)
        return ibis.memtable(table)

    def _read_parquet(self, path: Path) -> ir.Table:
        target = parquet_target(path)
        try:
            if self.is_duckdb:
                return self._read_parquet_duckdb(target)
            raw = self.backend.read_parquet(target)
        except Exception as exc:  # the backends raise their own types; their text is not shown
            raise SourceError(
                "unreadable", "The file cannot be read as Parquet: is it a Parquet file?"
            ) from exc
        return raw.mutate(**{ROW: ibis.row_number() + 1})

    def _read_parquet_duckdb(self, target: str) -> ir.Table:
        """A view of the Parquet file(s) with each row's number in the files taken in the order
        of their names, from DuckDB's position of the row in its file (no window over the scan).

        Parquet writers leave NaN out of a column's minimum and maximum, which DuckDB would
        otherwise take for every value (`isnan` came out false on a NaN): hence `can_have_nan`.
        A column of the file named `_row` is left out; one named like DuckDB's own position
        columns hides them, and rows are then numbered by a window over the scan."""
        source = f"read_parquet('{_sql_text(target)}', can_have_nan = true)"
        described = self.backend.raw_sql(f"DESCRIBE SELECT * FROM {source}")  # noqa: S608 (quoted path)
        names = {row[0] for row in described.fetchall()}
        exclude = f' EXCLUDE ("{ROW}")' if ROW in names else ""
        zones = local_times(_parquet_schema(target))
        if zones:
            local = ", ".join(
                f'timezone(\'{_sql_text(zone)}\', "{_quoted(name)}") AS "{_quoted(name)}"'
                for name, zone in zones.items()
            )
            exclude += f" REPLACE ({local})"
        if {"file_index", "file_row_number"} & names:
            number = "row_number() OVER ()"
        else:
            # The scan numbers the files (file_index) in the order `glob` lists them; the
            # metadata lists them in whatever order its threads finish (on a busy machine, not
            # always the same), so each file's row count is looked up by its name.
            quoted = _sql_text(target)
            files = self.backend.raw_sql(f"SELECT file FROM glob('{quoted}')").fetchall()  # noqa: S608 (quoted path)
            metadata = f"SELECT file_name, num_rows FROM parquet_file_metadata('{quoted}')"  # noqa: S608 (quoted path)
            rows = dict(self.backend.raw_sql(metadata).fetchall())
            starts = [0]
            for (file,) in files[:-1]:
                starts.append(starts[-1] + int(rows[file]))
            first = ""
            if len(starts) > 1:
                first = f"list_extract({starts}::BIGINT[], file_index::BIGINT + 1) + "
            number = f"{first}file_row_number + 1"
        view = self._prefix + "parquet"
        self.backend.raw_sql(
            f'CREATE OR REPLACE TEMP VIEW "{view}" AS '  # noqa: S608 (our own quoted names)
            f'SELECT *{exclude}, {number} AS "{ROW}" FROM {source}'
        )
        self._tables.append(("VIEW", view))
        return self.backend.table(view)

    def _read_csv_portable(self, path: Path, dialect: Dialect | None) -> ir.Table:
        """Other engines read the CSV themselves, as text; rows follow the scan order.

        PySpark is told the header `csvformat.detect` read, every column as text (its own type
        inference would read tariff codes as numbers and drop their leading zeros), quotes
        doubled inside quoted fields as in every spreadsheet's CSV, and fields that span lines;
        a file in an encoding it does not read (Windows-1252) is first copied to UTF-8. Rows
        that do not fit the header keep their text in a column of their own, which
        `csv_rejects` reads."""
        options: dict[str, Any] = {}
        if dialect is not None and getattr(self.backend, "name", "") == "pyspark":
            encoding = dialect.encoding.lower().replace("_", "-")
            if encoding not in SPARK_ENCODINGS or hidden_gzip(path):  # the copy is plain text
                path = to_utf8(path, dialect.encoding, self._scratch() / f"{uuid.uuid4().hex}.csv")
                encoding = "utf-8"
            corrupt = CORRUPT
            while corrupt in dialect.header:  # a column of the file may have Spark's name
                corrupt = "_" + corrupt
            columns = [*dialect.header, corrupt]
            options = {
                "schema": ", ".join(f"`{name.replace('`', '``')}` STRING" for name in columns),
                "header": True,
                "inferSchema": False,
                "enforceSchema": True,
                "sep": dialect.delimiter,
                "encoding": encoding,
                "quote": '"',
                "escape": '"',
                "multiLine": True,
                "mode": "PERMISSIVE",
                "columnNameOfCorruptRecord": corrupt,
            }
        elif dialect is not None:
            options = {"sep": dialect.delimiter, "encoding": dialect.encoding}
        try:
            raw = self.backend.read_csv(str(path), **options)
        except Exception as exc:  # the backends raise their own types; their text is not shown
            raise SourceError("unreadable", "The file cannot be read as CSV.") from exc
        raw = raw.mutate(**{ROW: ibis.row_number() + 1})
        if dialect is None or "columnNameOfCorruptRecord" not in options:
            return raw
        # Spark keeps the whole scan for the corrupt-record column to be read on its own.
        corrupt = options["columnNameOfCorruptRecord"]
        raw = self.materialize("csv", raw)
        self._portable_csv = (raw, dialect, corrupt)
        return raw.drop(corrupt)

    def open_csv(
        self,
        path: Path,
        dialect: Dialect,
        types: dict[str, str] | None = None,
        *,
        numbered: bool = False,
        padded: list[str] | None = None,
    ) -> ir.Table:
        """A DuckDB view of the CSV file, columns typed as `types` says (others as text), to be
        read once by `store_rows`. `numbered`: each row gets its number in the file as it is
        scanned (exact, and slower: the scan keeps the file's order); otherwise `store_rows`
        numbers the rows by their position in the copy. `padded`: text columns whose values are
        trimmed; the view gets a `_padded` column, true on the rows where one of them may start
        or end with a blank, so that only those rows are tested value by value (see
        `_padded_test`).

        The header was read by `csvformat.detect`, so DuckDB's own sniffing is off. Rows that do
        not fit the header (too many or too few fields, a quote left open, bytes that are not
        UTF-8) and values that are not of their column's type are set aside in a rejects table,
        read afterwards by `csv_rejects`."""
        types = types or {}
        if dialect.encoding.lower().replace("_", "-") not in DUCKDB_ENCODINGS:
            path = to_utf8(path, dialect.encoding, self._scratch() / f"{uuid.uuid4().hex}.csv")
        columns = ", ".join(
            f"'{_sql_text(h)}': '{types.get(h, 'VARCHAR')}'" for h in dialect.header
        )
        options = ", decimal_separator = ','" if dialect.decimal == "," and types else ""
        options += ", compression = 'gzip'" if hidden_gzip(path) else ""
        rejects, scans = self._prefix + "rejects", self._prefix + "rejects_scan"
        view = self._prefix + "csv"
        added = {ROW: "row_number() OVER ()"} if numbered else {}
        if padded:
            added[PADDED] = _padded_test(padded)
        extra = "".join(f', {sql} AS "{name}"' for name, sql in added.items())
        # A column of the file with one of our names gives way to ours (ROW: always).
        ours = ", ".join(f'"{n}"' for n in dialect.header if n == ROW or n in added)
        exclude = f" EXCLUDE ({ours})" if ours else ""
        for table in (scans, rejects):  # a new read (another encoding) starts afresh
            self.backend.raw_sql(f'DROP TABLE IF EXISTS "{table}"')
        self.backend.raw_sql(
            f'CREATE OR REPLACE TEMP VIEW "{view}" AS SELECT *{exclude}{extra} '  # noqa: S608 (our own quoted names and options)
            f"FROM read_csv('{_sql_text(str(path))}', columns = {{{columns}}}, header = false, "
            f"skip = 1, auto_detect = false, delim = '{_sql_text(dialect.delimiter)}', "
            "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            f"ignore_errors = true, store_rejects = true, rejects_table = '{rejects}', "
            f"rejects_scan = '{scans}'{options})"
        )
        self._tables += [("TABLE", scans), ("TABLE", rejects), ("VIEW", view)]
        return self.backend.table(view)

    def store_rows(self, name: str, expr: ir.Table) -> ir.Table:
        """Compute `expr` into a temporary table and read it back with the 1-based row number
        column (its own, or else the row's position in the table): one pass over a CSV file gives
        typed columns that every later pass reads many times faster than the text. DuckDB keeps
        the table in memory up to its memory limit and in its temporary directory beyond; it is
        dropped on close.

        A position in the table is unique and fixed for the run, but not the row's position in
        the file: the analysis, which depends on no row order, may use it; a validation report
        may not (see `open_csv`)."""
        full = self._prefix + name
        sql = ibis.to_sql(expr, dialect="duckdb")
        # A row number counted at the scan needs the rows in the file's order; otherwise the
        # rows are stored in whatever order the threads finish them, a sixth faster.
        numbered = ROW in expr.columns
        if numbered:
            self.backend.raw_sql("SET preserve_insertion_order = true")
        try:
            self.backend.raw_sql(f'CREATE OR REPLACE TEMP TABLE "{full}" AS {sql}')
        except Exception as exc:  # DuckDB's text (with the query and paths) is not shown
            raise SourceError("unreadable", "The file cannot be read as CSV.") from exc
        finally:
            self.backend.raw_sql("SET preserve_insertion_order = false")
        self._tables.append(("TABLE", full))
        if numbered:
            return self.backend.table(full)
        view = full + "_rows"
        self.backend.raw_sql(
            f'CREATE OR REPLACE TEMP VIEW "{view}" AS '  # noqa: S608 (our own quoted names)
            f'SELECT *, rowid + 1 AS "{ROW}" FROM "{full}"'
        )
        self._tables.append(("VIEW", view))
        return self.backend.table(view)

    def csv_rejects(self) -> list[Reject]:
        """The rows `open_csv` set aside: data row (from 1), column when known, DuckDB's type.
        On PySpark, the rows whose fields do not fit the header, named in DuckDB's terms."""
        if not self.is_duckdb:
            return self._portable_rejects()
        table = self._prefix + "rejects"
        found = self.backend.raw_sql(
            f'SELECT line, column_name, error_type FROM "{table}" ORDER BY line'  # noqa: S608 (our own quoted name)
        ).fetchall()
        return [Reject(int(line) - 1, column or "", str(kind)) for line, column, kind in found]

    def _portable_rejects(self) -> list[Reject]:
        if self._portable_csv is None:
            return []
        raw, dialect, corrupt = self._portable_csv
        found = raw.filter(raw[corrupt].notnull()).select(ROW, corrupt).order_by(ROW).to_pyarrow()
        rejects = []
        for row, text in zip(found[ROW].to_pylist(), found[corrupt].to_pylist(), strict=True):
            fields = next(csv.reader(io.StringIO(text), delimiter=dialect.delimiter), [])
            if len(fields) > len(dialect.header):
                kind = "TOO MANY COLUMNS"
            elif len(fields) < len(dialect.header):
                kind = "MISSING COLUMNS"
            else:
                kind = "UNQUOTED VALUE"
            rejects.append(Reject(int(row), "", kind))
        return rejects + self._replaced_bytes(raw, dialect)

    def _replaced_bytes(self, raw: ir.Table, dialect: Dialect) -> list[Reject]:
        """Rows where Spark put U+FFFD for bytes that are not UTF-8 (it reads on rather than
        set the row aside), as DuckDB names them: the row and its first such column."""
        if dialect.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            return []  # other encodings were copied to UTF-8 by Python, which stops on a bad byte
        texts = [n for n in dialect.header if n != ROW and raw[n].type().is_string()]
        marks = [(raw[name].contains(REPLACEMENT), ibis.literal(name)) for name in texts]
        if not marks:
            return []
        first = ibis.cases(*marks, else_=ibis.null("string"))
        found = raw.select(ROW, column=first).filter(lambda t: t.column.notnull())
        found = found.order_by(ROW).to_pyarrow()
        rows, columns = found[ROW].to_pylist(), found["column"].to_pylist()
        return [Reject(int(r), c, "INVALID UNICODE") for r, c in zip(rows, columns, strict=True)]

    def scratch_file(self, suffix: str) -> Path:
        """A new path in the engine's temporary directory, removed on close."""
        return self._scratch() / f"{uuid.uuid4().hex}{suffix}"

    def _scratch(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="arusha-analytics-")
        return Path(self._tmp.name)

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


def local_times(schema: pa.Schema | None) -> dict[str, str]:
    """Timestamp columns that carry a time zone, and that zone.

    Such a column holds instants; the time of a declaration at its office is what the weeks
    and quarters of the analysis need, so each is read as the local time in the zone its writer
    recorded (pandas and Arrow keep it in the file), the same on every machine."""
    if schema is None:
        return {}
    return {
        field.name: field.type.tz
        for field in schema
        if pa.types.is_timestamp(field.type) and field.type.tz
    }


def _parquet_schema(target: str) -> pa.Schema | None:
    """The Arrow schema of the (first) Parquet file, with the time zones DuckDB does not keep;
    None if pyarrow cannot read it (DuckDB then reads the times in UTC)."""
    import glob

    import pyarrow.parquet as pq

    files = sorted(glob.glob(target)) if "*" in target else [target]
    try:
        return pq.read_schema(files[0]) if files else None
    except (OSError, pa.ArrowException):
        return None


def _padded_test(columns: list[str]) -> str:
    """SQL that is true on the rows where a value of `columns` starts or ends with a blank.

    Most rows have no blank at all: a plain search for each blank in the values run together
    keeps the regular expression to the rows that have one. DuckDB's `concat` joins the values
    in one allocation, about a third cheaper than joining them with a separator (the 5 million
    rows of the benchmark: 0.65 s against 1.0 s), which only the regular expression needs."""
    values = ", ".join(f'"{_quoted(c)}"' for c in columns)
    together = f"concat({values})"  # NULLs are left out
    blank = " OR ".join(f"contains({together}, chr({ord(c)}))" for c in BLANKS)
    apart = f"concat_ws(chr(31), {values})"
    edge = r"'(^|\x1f)\s|\s(\x1f|$)'"
    return f"CASE WHEN {blank} THEN regexp_matches({apart}, {edge}) ELSE false END"


def _quoted(name: str) -> str:
    return name.replace('"', '""')


def _sql_text(value: str) -> str:
    return value.replace("'", "''")
