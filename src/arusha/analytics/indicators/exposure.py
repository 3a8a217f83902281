"""Expected pairings of officers and declarants under random assignment within office x stratum.

E_ij = the sum over the strata w of a quarter (days, weeks or the quarter itself, as
`Settings.exposure` says) of s_i(w) x s_j(w) / s_t(w): officer i's, declarant j's and the
office's declarations at the office in w. Each term is rounded to whole billionths, so that the
sums are exact integers whatever adds them up.

The engine counts declarations per officer and per declarant in each stratum once (the same
counts serve the concentration indicators); the sums are taken here, one office and quarter at a
time, on small dense (officer or declarant) x stratum matrices. In SQL the same sums join every
pair with every stratum it could have met in: millions of rows where the pairs are thousands.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from arusha.analytics.prepare import NO_OFFICER, Prepared, stratum_of

SCALE = 1_000_000_000  # expected counts in whole billionths
STRATUM_KEYS = ["office_id", "period", "stratum"]
CELL_KEYS = ["office_id", "period", "officer_id", "declarant_id"]
FLOW_KEYS = ["office_id", "period", "declarant_id"]
CHUNK = 4_000_000  # matrix entries computed at once, to bound memory on large offices
CODE_SPAN = 1 << 32  # more than any number of distinct officers or declarants
PERIOD_SPAN = 1 << 20  # more than any quarter number (20244 for 2024 Q4)


class Strata(NamedTuple):
    """Declarations with an officer per (office, quarter, stratum): each officer's (s_i), each
    declarant's (s_j) and all of them (s_t); sorted by those keys."""

    officer: pd.DataFrame
    declarant: pd.DataFrame
    office: pd.DataFrame


def strata(prep: Prepared, exposure: str) -> Strata:
    """The counts per stratum, fetched once per run."""

    def counts(party: str, column: str) -> ir.Table:
        d = prep.decl.filter(prep.decl.officer_id != NO_OFFICER)
        d = d.select("office_id", "period", party, stratum=stratum_of(d, exposure))
        return d.group_by([*STRATUM_KEYS, party]).aggregate(**{column: d.count()})

    officer = prep.fetched(f"strata_officer_{exposure}", lambda: counts("officer_id", "s_i"))
    declarant = prep.fetched(f"strata_declarant_{exposure}", lambda: counts("declarant_id", "s_j"))

    def office() -> pd.DataFrame:
        return officer.groupby(STRATUM_KEYS, sort=True, as_index=False).agg(s_t=("s_i", "sum"))

    return Strata(officer, declarant, prep.computed(f"strata_office_{exposure}", office))


class Cells(NamedTuple):
    """(office, quarter, officer, declarant) cells as code arrays."""

    office: np.ndarray
    period: np.ndarray
    officer: np.ndarray
    declarant: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Cells:
        return cls(*(frame[k].to_numpy(dtype=np.int64) for k in CELL_KEYS))

    def frame(self, units: np.ndarray, keep: np.ndarray) -> pd.DataFrame:
        """The cells where `keep`, with their expected counts."""
        columns = dict(zip(CELL_KEYS, self, strict=True))
        kept = {k: v[keep] for k, v in [*columns.items(), ("expected_units", units)]}
        return pd.DataFrame(kept, copy=False)  # the columns are fresh: no need to copy them again


def every_quarter(prep: Prepared, exposure: str, pairs: pd.DataFrame) -> Cells:
    """Each (office, officer, declarant) of `pairs` in every quarter of its office, in the order
    of their keys."""
    quarters = strata(prep, exposure).office[["office_id", "period"]].drop_duplicates()
    cells = pairs[["office_id", "officer_id", "declarant_id"]].merge(quarters, on="office_id")
    found = Cells.of(cells)
    order = np.lexsort((found.declarant, found.officer, found.period, found.office))
    return Cells(*(column[order] for column in found))


class SetAside(NamedTuple):
    """Declarants whose declarations are set aside in some office and quarter (`flows`: office,
    period, declarant), and those declarations per stratum and officer (`removed`: office, period,
    stratum, officer, declarant, n; in the order of those keys)."""

    flows: pd.DataFrame
    removed: pd.DataFrame


def set_aside(prep: Prepared, exposure: str, flows: pd.DataFrame, name: str) -> SetAside:
    """The declarations of `flows` (office, period, declarant) per stratum and officer."""
    flows = flows[FLOW_KEYS].drop_duplicates().astype("int64").sort_values(FLOW_KEYS)
    flows = flows.reset_index(drop=True)
    if flows.empty:
        columns = [*STRATUM_KEYS, "officer_id", "declarant_id", "n"]
        return SetAside(flows, pd.DataFrame({k: np.zeros(0, dtype=np.int64) for k in columns}))
    table = prep.engine.small_table(name, pa.Table.from_pandas(flows, preserve_index=False))
    d = prep.decl.filter(prep.decl.officer_id != NO_OFFICER).semi_join(table, FLOW_KEYS)
    d = d.select(*CELL_KEYS, stratum=stratum_of(d, exposure))
    keys = [*STRATUM_KEYS, "officer_id", "declarant_id"]
    return SetAside(flows, prep.fetch(d.group_by(keys).aggregate(n=d.count())))


class _Block(NamedTuple):
    """One office and quarter: who was there, and their declarations in each stratum."""

    officers: np.ndarray  # sorted codes
    declarants: np.ndarray  # sorted codes
    s_i: np.ndarray  # officers x strata
    s_j: np.ndarray  # declarants x strata
    s_t: np.ndarray  # strata
    strata: np.ndarray  # sorted stratum numbers


class _Net(NamedTuple):
    """A block without the declarations set aside, except each pair's own."""

    s_i: np.ndarray  # officers x strata, without any declaration set aside
    s_t: np.ndarray  # strata, likewise
    aside: np.ndarray  # per declarant of the block: its declarations are set aside
    keys: np.ndarray  # officer x CODE_SPAN + declarant of each set-aside count
    columns: np.ndarray  # its stratum, as a column of the block
    n: np.ndarray  # the pair's declarations in that stratum


def expected(
    prep: Prepared, exposure: str, cells: Cells, set_aside: SetAside | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's expected count in billionths, and whether both parties were at the office in
    any stratum of the quarter (where not, the count is 0 and the cell has no exposure).

    With `set_aside`, in the offices and quarters of its flows every count leaves out the
    declarations set aside, except those of the cell's own declarant (random assignment of the
    remaining declarations); elsewhere nothing changes."""
    units = np.zeros(len(cells.office), dtype=np.int64)
    exposed = np.zeros(len(cells.office), dtype=bool)
    officer, declarant, office_counts = strata(prep, exposure)
    counts = (_Sorted(officer), _Sorted(declarant), _Sorted(office_counts))
    aside = None
    if set_aside is not None:
        aside = (_Sorted(set_aside.flows), _Sorted(set_aside.removed))
    for (office, period), rows in _groups(cells.office, cells.period):
        block = _block(counts, office, period)
        if block is None:
            continue
        net = _net(block, aside, office, period) if aside is not None else None
        units[rows], exposed[rows] = _block_units(
            block, net, cells.officer[rows], cells.declarant[rows]
        )
    return units, exposed


def _groups(office: np.ndarray, period: np.ndarray) -> Iterator[tuple[tuple[int, int], np.ndarray]]:
    """Positions of the rows of each (office, quarter), in any order of the rows."""
    if not len(office):
        return
    order = np.lexsort((period, office))
    o, p = office[order], period[order]
    starts = np.flatnonzero(np.r_[True, (np.diff(o) != 0) | (np.diff(p) != 0)])
    for first, last in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        yield (int(o[first]), int(p[first])), order[first:last]


class _Sorted:
    """A frame sorted by office and quarter, as arrays, cut into (office, quarter) spans."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.columns = {c: frame[c].to_numpy(dtype=np.int64) for c in frame.columns}
        self.key = self.columns["office_id"] * PERIOD_SPAN + self.columns["period"]

    def span(self, office: int, period: int) -> dict[str, np.ndarray]:
        key = office * PERIOD_SPAN + period
        first, last = np.searchsorted(self.key, [key, key + 1])
        return {c: v[first:last] for c, v in self.columns.items()}


def _dense(
    rows: dict[str, np.ndarray], party: str, count: str, strata: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    keys, at = np.unique(rows[party], return_inverse=True)
    matrix = np.zeros((len(keys), len(strata)), dtype=np.int64)
    matrix[at, np.searchsorted(strata, rows["stratum"])] = rows[count]
    return keys, matrix


def _block(counts: tuple[_Sorted, _Sorted, _Sorted], office: int, period: int) -> _Block | None:
    officer, declarant, office_counts = counts
    totals = office_counts.span(office, period)
    if not len(totals["stratum"]):
        return None
    columns = totals["stratum"]
    officers, s_i = _dense(officer.span(office, period), "officer_id", "s_i", columns)
    declarants, s_j = _dense(declarant.span(office, period), "declarant_id", "s_j", columns)
    return _Block(officers, declarants, s_i, s_j, totals["s_t"], columns)


def _net(block: _Block, aside: tuple[_Sorted, _Sorted], office: int, period: int) -> _Net | None:
    """The block's counts without the declarations set aside in it (None if there are none)."""
    flows, removed = (t.span(office, period) for t in aside)
    if not len(flows["declarant_id"]):
        return None
    officer = np.searchsorted(block.officers, removed["officer_id"])
    columns = np.searchsorted(block.strata, removed["stratum"])
    n = removed["n"]
    gone = np.zeros_like(block.s_i)
    np.add.at(gone, (officer, columns), n)
    declarant = removed["declarant_id"]
    return _Net(
        s_i=block.s_i - gone,
        s_t=block.s_t - gone.sum(axis=0),
        aside=np.isin(block.declarants, flows["declarant_id"]),
        keys=block.officers[officer] * CODE_SPAN + declarant,
        columns=columns,
        n=n,
    )


def _positions(keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each wanted code is in the sorted `keys`, and whether it is there at all."""
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = keys[at] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
    return at, found


def _block_units(
    block: _Block, net: _Net | None, officers: np.ndarray, declarants: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Expected counts (billionths) of pairs of one office and quarter, and their exposure."""
    units = np.zeros(len(officers), dtype=np.int64)
    exposed = np.zeros(len(officers), dtype=bool)
    i, has_i = _positions(block.officers, officers)
    j, has_j = _positions(block.declarants, declarants)
    present = np.flatnonzero(has_i & has_j)
    step = max(1, CHUNK // max(1, len(block.strata)))
    for first in range(0, len(present), step):
        rows = present[first : first + step]
        units[rows], exposed[rows] = _terms(block, net, i[rows], j[rows], officers[rows])
    return units, exposed


def _terms(
    block: _Block, net: _Net | None, i: np.ndarray, j: np.ndarray, officers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    s_j = block.s_j[j]
    present = (block.s_i[i] > 0) & (s_j > 0)
    if net is None:
        own, total = block.s_i[i], block.s_t
    else:  # a set-aside declarant's own declarations count again, in the officer's and the total
        own = net.s_i[i] + _own(net, officers * CODE_SPAN + block.declarants[j], s_j.shape)
        total = net.s_t + s_j * net.aside[j][:, None]
    present &= total > 0
    x = np.zeros(s_j.shape)
    np.divide((own * s_j).astype(float), total, out=x, where=present)
    x *= SCALE
    whole = np.floor(x)
    whole += x - whole >= 0.5  # half away from zero, as SQL's ROUND
    return whole.astype(np.int64).sum(axis=1), present.any(axis=1)


def _own(net: _Net, pairs: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Each pair's own declarations set aside, per stratum (zero for the pairs not set aside)."""
    own = np.zeros(shape, dtype=np.int64)
    order = np.argsort(pairs)
    at, found = _positions(pairs[order], net.keys)
    own[order[at[found]], net.columns[found]] = net.n[found]
    return own
