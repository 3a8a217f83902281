"""Composite score per entity: how much evidence its indicators carry, for ordering reviews.

Each computed indicator contributes its one-sided z-score, floored at 0 and capped at 10, so
that an indicator pointing the reassuring way neither adds nor subtracts, and one extreme value
cannot drown the rest. The score is the sum of contributions; entities are ranked by it within
their kind. A score orders leads for review; it is not a finding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from arusha.analytics.indicators.base import first_appearance, sort_codes

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
    codes = first_appearance(f, ENTITY_KEY)
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
    indicator, found = pd.factorize(f["indicator"].to_numpy(dtype=object), sort=True)
    names = [str(name) for name in found]
    for k, name in enumerate(names):
        mine = indicator == k
        column = np.full(size, np.nan)
        column[codes[mine]] = np.round(contribution[mine], 3)
        out[name] = column
    best = np.lexsort((-np.nan_to_num(contribution, nan=-1.0), codes))
    best = best[np.unique(codes[best], return_index=True)[1]]
    leads = np.nan_to_num(contribution[best]) > 0
    for top, source, none in zip(
        TOP, ("explanation", "indicator", "wording"), ("", "", "[]"), strict=True
    ):
        # Kept as Python strings: pandas would copy them into its string type, which costs
        # more than all the rest of the scoring on 100,000 long explanations.
        picked = np.where(leads, f[source].to_numpy(dtype=object)[best], none)
        out[top] = pd.Series(picked, index=out.index, dtype=object, copy=False)
    # By kind, score (highest first), entity and office; ranked within the kind.
    kind = sort_codes(out["entity_kind"])
    office, entity = sort_codes(out["office_id"]), sort_codes(out["entity_id"])
    order = np.lexsort((office, entity, -out["score"].to_numpy(), kind))  # the last key first
    out = out.take(order).reset_index(drop=True)
    kind = kind[order]
    starts = np.flatnonzero(np.r_[True, kind[1:] != kind[:-1]])
    out["rank"] = np.arange(len(out)) - np.repeat(starts, np.diff(np.r_[starts, len(out)])) + 1
    return out[[*columns, *names, *TOP]]
