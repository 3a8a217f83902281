"""Derived tables every indicator reads, keyed by small integer codes instead of identifiers.

Grouping millions of rows by several text keys is what costs most in this analysis; grouping by
integers is several times faster. So offices, officers and declarants get integer codes once
(from small tables of their distinct values, in sorted order so that runs are reproducible),
the declarations are stored once with those codes, and identifiers come back only on the small
result tables.

A declaration's fields are read from its item 1 (validation guarantees there is exactly one and
that office, declarant, officer and lodging date agree across items); an offence found on any
item counts for the declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from arusha.analytics.engine import Engine

CHANNEL_RANK = {"green": 0, "yellow": 1, "red": 2}
# Release times are summed as whole multiples of 1/10,000 of log(1 + hours): integer sums are
# exact, so results do not depend on the order in which threads or machines add them up. The
# largest value validation allows (76 years) squared times 10 million declarations fits in 64 bits.
RELEASE_SCALE = 10_000
NO_OFFICER = -1  # officer code of declarations without an officer
KEYS = ("office_id", "officer_id", "declarant_id")
SORT_KEYS = ("level", "office_id", "period", "stratum", "officer_id", "declarant_id")


@dataclass
class Prepared:
    """What the indicators need: the engine, the coded tables, and which columns exist."""

    engine: Engine
    lines: ir.Table  # the canonical lines, lazy (identifiers as text)
    present: frozenset[str]
    dims: dict[str, ir.Table]  # identifier column -> (value, code)
    names: dict[str, np.ndarray]  # identifier column -> values indexed by code
    decl: ir.Table  # one row per declaration, coded, materialised
    cells: ir.Table  # declarations per (office, period, officer, declarant), materialised
    _shared: dict[str, ir.Table] = field(default_factory=dict)
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def shared(self, name: str, build: Callable[[], ir.Table]) -> ir.Table:
        """An intermediate table several indicators use, computed and materialised once."""
        if name not in self._shared:
            self._shared[name] = self.engine.materialize(name, build())
        return self._shared[name]

    def fetched(self, name: str, build: Callable[[], ir.Table]) -> pd.DataFrame:
        """A small result several indicators read, fetched once (see `fetch`)."""
        return self.computed(name, lambda: self.fetch(build()))

    def computed(self, name: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A small frame computed in Python that several indicators read, computed once."""
        if name not in self._frames:
            self._frames[name] = build()
        return self._frames[name]

    def has(self, *columns: str) -> bool:
        return set(columns) <= self.present

    @property
    def has_officer(self) -> bool:
        return "officer_id" in self.present

    def fetch(self, t: ir.Table) -> pd.DataFrame:
        """A small result as a frame in the order of its key columns, so that everything computed
        from it (sums, ties, the order of the output) is the same on every run and engine.

        The engine sorts it (faster than NumPy on two cores) and the order is checked here; the
        frame comes through Arrow, many times faster than Ibis's own conversion to pandas."""
        keys = [c for c in SORT_KEYS if c in t.columns]
        frame = (t.order_by(keys) if keys else t).to_pyarrow().to_pandas()
        if not keys:
            return frame
        if all(pd.api.types.is_integer_dtype(frame[k]) for k in keys):
            columns = [frame[k].to_numpy() for k in keys]
            if _in_order(columns):
                return frame
            # The same stable order as sort_values, several times faster on integer keys.
            order = np.lexsort(columns[::-1])
            return frame.take(order).reset_index(drop=True)
        return frame.sort_values(keys, kind="stable").reset_index(drop=True)

    def coded(self, t: ir.Table) -> ir.Table:
        return coded(t, self.dims)

    def decode(self, frame: pd.DataFrame, columns: tuple[str, ...] = KEYS) -> pd.DataFrame:
        """Codes back to identifiers in a small result frame ("" for a missing officer)."""
        out = frame.copy(deep=False)  # copy-on-write: the caller's frame keeps its codes
        for column in columns:
            if column in out and column in self.names:
                codes = out[column].to_numpy(dtype=np.int64)
                names = np.append(self.names[column], "")  # code -1 reads the appended ""
                # Kept as objects: pandas would turn them into its string type, and rows() back.
                out[column] = pd.Series(names[codes], index=out.index, dtype=object, copy=False)
        return out


def _in_order(columns: list[np.ndarray]) -> bool:
    """Whether rows are in ascending order of the key columns, the first deciding first."""
    tied = np.ones(max(len(columns[0]) - 1, 0), dtype=bool)
    for column in columns:
        step = np.diff(column)
        if (step[tied] < 0).any():
            return False
        tied &= step == 0
    return True


def coded(t: ir.Table, dims: dict[str, ir.Table]) -> ir.Table:
    """`t` with its identifier columns replaced by their codes (-1 for a missing officer)."""
    for column in KEYS:
        if column not in t.columns or column not in dims:
            continue
        dim = dims[column].rename({f"{column}__value": "value", f"{column}__code": "code"})
        t = t.left_join(dim, t[column] == dim[f"{column}__value"])
        others = [c for c in t.columns if c not in (column, f"{column}__value", f"{column}__code")]
        t = t.select(*others, **{column: t[f"{column}__code"].fill_null(NO_OFFICER)})
    return t


def period_of(ts: ir.TimestampValue) -> ir.IntegerValue:
    """The quarter as a number, 20242 for 2024 Q2."""
    return ts.year() * 10 + ts.quarter()


def stratum_of(d: ir.Table, unit: str) -> ir.IntegerValue:
    """The quarter, or the day or the week (Monday to Sunday) within the quarter, of each
    declaration as a number unique across quarters (period x 100,000 + days or weeks since
    1970). A week that straddles two quarters is two strata, so every stratum lies in one
    quarter."""
    if unit == "quarter":
        return d.period.cast("int64")
    count = d.days if unit == "day" else (d.days + 3) // 7  # 1970-01-05 was a Monday
    return d.period.cast("int64") * 100_000 + count.cast("int64")


def period_label(period: int) -> str:
    return f"{period // 10}Q{period % 10}"


def total(column: ir.NumericColumn) -> ir.NumericScalar:
    """Sum keeping the column's type (DuckDB widens integer sums to 128 bits, then Decimal)."""
    # A non-nullable copy of the type makes Ibis emit the CAST instead of dropping it as a no-op.
    return column.sum().cast(column.type().copy(nullable=False))


def _rank(channel: ir.StringValue) -> ir.IntegerValue:
    cases = [(channel == name, rank) for name, rank in CHANNEL_RANK.items()]
    return ibis.cases(*cases, else_=ibis.null("int8"))


def _dimension(engine: Engine, lines: ir.Table, column: str) -> tuple[ir.Table, np.ndarray]:
    values = lines.select(value=lines[column]).filter(lambda t: t.value.notnull()).distinct()
    coded = values.mutate(code=ibis.row_number().over(order_by="value"))
    table = engine.materialize(f"dim_{column}", coded)
    names = table.order_by("code").to_pyarrow().column("value").to_numpy(zero_copy_only=False)
    return table, names.astype(object)


def declarations(lines: ir.Table, present: frozenset[str]) -> ir.Table:
    """One row per declaration (its item 1), with the fields the indicators use."""
    d = lines.filter(lines.item_no == 1)
    cols: dict[str, ir.Value] = {k: d[k] for k in KEYS if k in present}
    cols["period"] = period_of(d.lodged_at)
    # Days since 1970, for the strata of the pair and concentration benchmarks (stratum_of).
    cols["days"] = d.lodged_at.date().epoch_days().cast("int64")
    if "offence_found" in present:
        found = lines.filter(lines.offence_found).select("declaration_id")
        cols["offence"] = d.declaration_id.isin(found.declaration_id)
    if "channel_assigned" in present:
        cols["assigned"] = _rank(d.channel_assigned)
    if "channel_final" in present:
        cols["final"] = _rank(d.channel_final)
    if "inspected" in present:
        cols["inspected"] = d.inspected.fill_null(False)
    if "released_at" in present:
        seconds = (d.released_at.epoch_seconds() - d.lodged_at.epoch_seconds()).cast("float64")
        hours = seconds / ibis.literal(3600.0, "float64")  # Spark reads 3600.0 as a decimal
        log_hours = (hours + ibis.literal(1.0, "float64")).ln()
        cols["log_hours"] = (log_hours * RELEASE_SCALE).round().cast("int64")
    return d.select(**cols)


def _count(d: ir.Table, condition: ir.BooleanValue) -> ir.IntegerScalar:
    """Rows where `condition` is true (NULL counts as false), for use in a grouped aggregate.

    A filtered count (int64, `COUNT(*) FILTER (WHERE ...)` on DuckDB) rather than a sum of the
    condition cast to integers: DuckDB sums 64-bit integers into 128-bit states, which makes the
    sum about twice as slow as the count on the same groups."""
    return d.count(where=condition)


def outcome_sums(d: ir.Table, present: frozenset[str]) -> dict[str, ir.Scalar]:
    """Sums over declarations that officer, pair and office indicators add up at their level."""
    agg: dict[str, ir.Scalar] = {"n": d.count()}
    has = present.__contains__
    offence = d.offence if has("offence_found") else None
    if has("channel_assigned"):
        agg["high"] = _count(d, d.assigned >= 1)
        agg["red"] = _count(d, d.assigned == 2)
        if has("channel_final"):
            agg["down"] = _count(d, d.final < d.assigned)
    if has("inspected") and offence is not None:
        agg["insp"] = _count(d, d.inspected)
        agg["insp_off"] = _count(d, d.inspected & offence)
        if has("channel_assigned"):
            agg["red_insp"] = _count(d, d.inspected & (d.assigned == 2))
            agg["red_insp_off"] = _count(d, d.inspected & (d.assigned == 2) & offence)
    if has("released_at") and has("channel_assigned"):
        # Release times exclude declarations with an offence found: those are held for good reason.
        clean = d.log_hours.notnull() & (~offence if offence is not None else ibis.literal(True))
        for name, rank in CHANNEL_RANK.items():
            chosen = clean & (d.assigned == rank)
            value = ibis.ifelse(chosen, d.log_hours, ibis.literal(0, "int64"))
            agg[f"rel_n_{name}"] = _count(d, chosen)
            agg[f"rel_s_{name}"] = total(value)
            agg[f"rel_ss_{name}"] = total(value * value)
    return agg


def prepare(engine: Engine, canonical: ir.Table, present: frozenset[str]) -> Prepared:
    """Code the identifiers, store the declarations once, and count them per cell."""
    dims, names = {}, {}
    for column in KEYS:
        if column in present:
            dims[column], names[column] = _dimension(engine, canonical, column)
    decl = declarations(canonical, present)
    if "officer_id" not in present:
        decl = decl.mutate(officer_id=ibis.literal(NO_OFFICER))
    decl = engine.materialize("declarations", coded(decl, dims))
    keys = ["office_id", "period", "officer_id", "declarant_id"]
    cells = engine.materialize("cells", decl.group_by(keys).aggregate(n=decl.count()))
    return Prepared(engine, canonical, present, dims, names, decl, cells)
