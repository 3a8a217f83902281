"""First-digit (Benford) deviation of each declarant's declared values.

Declared values spanning several orders of magnitude follow Benford's law, P(d) = log10(1 + 1/d);
invented values often do not. The test is run only for declarants with enough values for the
deviation to mean something, and a flag needs both statistical significance and a deviation
large enough to matter (Nigrini's nonconformity bound), because with thousands of values any
small, harmless departure is significant.
"""

from __future__ import annotations

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from arusha.analytics import stats
from arusha.analytics.indicators.base import (
    IndicatorInfo,
    Settings,
    register,
    rows,
    with_q,
)
from arusha.analytics.indicators.explanations import columns, phrase
from arusha.analytics.indicators.unit_value import BY_DECLARANT, DIGITS
from arusha.analytics.prepare import Prepared

BENFORD = register(
    IndicatorInfo(
        name="benford",
        entities=("declarant",),
        title="First-digit (Benford) deviation of declared values",
        formula="First significant digit d of each positive customs value; chi-square = "
        "sum_d (O_d - n P_d)^2 / (n P_d), P_d = log10(1 + 1/d), 8 degrees of freedom; "
        "MAD = mean_d |O_d / n - P_d|. Flagged when q <= alpha (Benjamini-Hochberg across "
        "declarants) and MAD > 0.015; the score counts the evidence only above that bound.",
        minimum="1,000 positive declared values",
        source="Benford (1938); Nigrini, Benford's Law, Wiley 2012 (MAD conformity bounds)",
    )
)


def digit_counts(prep: Prepared, cells: ir.Table) -> pd.DataFrame:
    """Counts of first digits 1-9 per declarant (one column per digit), from the value cells."""
    by_declarant = cells.filter(cells.level == BY_DECLARANT).select("declarant_id", *DIGITS)
    wide = prep.decode(prep.fetch(by_declarant), ("declarant_id",))
    return wide.set_index("declarant_id")[DIGITS]


def benford(prep: Prepared, cells: ir.Table, settings: Settings) -> pd.DataFrame:
    wide = digit_counts(prep, cells)
    wide = wide[wide.sum(axis=1) >= settings.benford_min]
    if wide.empty:
        return rows(entity_kind=[])
    counts = wide.to_numpy(dtype=float)
    p, mad, expected_mad = stats.benford_test(counts)
    f = pd.DataFrame(
        {
            "entity_id": wide.index.astype(str),
            "p_value": p,
            "mad": mad,
            "expected": expected_mad,
            "n": counts.sum(axis=1),
        }
    )
    f = with_q(f, settings.alpha)
    material = f["mad"] > settings.benford_mad
    f["flagged"] &= material
    f["z"] = np.where(
        material,
        stats.z_from_p(f["p_value"].to_numpy()),
        np.minimum(0.0, stats.z_from_p(f["p_value"].to_numpy())),
    )
    shares = counts / counts.sum(axis=1, keepdims=True)
    text = phrase(
        "benford", len(f), entity=f["entity_id"], n=f["n"], mad=f["mad"],
        bound=settings.benford_mad, expected_mad=f["expected"], lead=shares[:, 0], q=f["q_value"],
    )  # fmt: skip
    return rows(
        entity_kind="declarant",
        entity_id=f["entity_id"],
        indicator=BENFORD.name,
        value=f["mad"],
        expected=f["expected"],
        p_value=f["p_value"],
        q_value=f["q_value"],
        flagged=f["flagged"],
        **columns(text),
        n=f["n"].astype("int64"),
        z=f["z"],
    )
