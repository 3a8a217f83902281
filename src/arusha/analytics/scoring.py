"""Composite score per entity: how much evidence its indicators carry, for ordering reviews.

Each computed indicator contributes its one-sided z-score, floored at 0 and capped at 10, so
that an indicator pointing the reassuring way neither adds nor subtracts, and one extreme value
cannot drown the rest. The score is the sum of contributions; entities are ranked by it within
their kind. A score orders leads for review; it is not a finding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ENTITY_KEY = ["entity_kind", "entity_id", "office_id"]
CAP = 10.0
# The main reason: the explanation of the largest contribution, its indicator, and the
# explanation's structured form.
TOP = ["top_reason", "top_indicator", "top_wording"]


def contributions(indicators: pd.DataFrame) -> np.ndarray:
    """Each row's contribution to its entity's score (NaN where the indicator was not computed)."""
    z = indicators["z"].to_numpy(dtype=float)
    computed = indicators["value"].notna().to_numpy()
    return np.where(computed, np.clip(np.nan_to_num(z, nan=0.0), 0.0, CAP), np.nan)


def score_entities(indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per entity: score, rank within its kind, flags, and each indicator's contribution."""
    columns = [*ENTITY_KEY, "score", "rank", "flags", "indicators"]
    if indicators.empty:
        return pd.DataFrame(columns=[*columns, *TOP])
    f = indicators.reset_index(drop=True)
    # Entities numbered in order of first appearance (several times faster than joining the
    # keys into one text and factorising it).
    codes = f.groupby(ENTITY_KEY, sort=False, dropna=False).ngroup().to_numpy()
    size = int(codes.max()) + 1
    contribution = contributions(f)
    first = np.unique(codes, return_index=True)[1]
    out = f.loc[first, ENTITY_KEY].reset_index(drop=True)
    out["score"] = np.round(
        np.bincount(codes, weights=np.nan_to_num(contribution), minlength=size), 3
    )
    out["flags"] = np.bincount(
        codes, weights=f["flagged"].to_numpy(dtype=float), minlength=size
    ).astype(int)
    out["indicators"] = np.bincount(codes, weights=~np.isnan(contribution), minlength=size).astype(
        int
    )
    names = sorted(f["indicator"].unique())
    for name in names:
        mine = (f["indicator"] == name).to_numpy()
        column = np.full(size, np.nan)
        column[codes[mine]] = np.round(contribution[mine], 3)
        out[name] = column
    best = np.lexsort((-np.nan_to_num(contribution, nan=-1.0), codes))
    best = best[np.unique(codes[best], return_index=True)[1]]
    leads = np.nan_to_num(contribution[best]) > 0
    out["top_reason"] = np.where(leads, f["explanation"].to_numpy()[best], "")
    out["top_indicator"] = np.where(leads, f["indicator"].to_numpy()[best], "")
    out["top_wording"] = np.where(leads, f["wording"].to_numpy()[best], "[]")
    out = out.sort_values(
        ["entity_kind", "score", "entity_id", "office_id"],
        ascending=[True, False, True, True],
        kind="stable",
    )
    out["rank"] = out.groupby("entity_kind").cumcount() + 1
    return out[[*columns, *names, *TOP]].reset_index(drop=True)
