"""What every indicator shares: settings, the output row format, peer comparisons, and integer
codes for text keys."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from arusha.analytics import stats

INDICATOR_COLUMNS = (
    "entity_kind",
    "entity_id",
    "office_id",
    "indicator",
    "value",
    "expected",
    "p_value",
    "q_value",
    "flagged",
    "explanation",
    "n",
    "period",
    "z",
    "wording",  # the explanation's structured form (see indicators/explanations.py)
)
ENTITY_KINDS = ("officer", "declarant", "pair", "office")
# Strata of time within which officers and declarants are taken as exposed to each other.
EXPOSURES = ("day", "week", "quarter")


@dataclass(frozen=True)
class Settings:
    """Significance level and the minimum samples below which an indicator is not computed."""

    alpha: float = 0.05
    # Random assignment is judged within office x week: an officer and a declarant are matched by
    # chance only in the weeks both were at the office (see docs/analytics.md, "Exposure").
    exposure: str = "week"
    pair_min_officer: int = 20  # officer's declarations in the office and quarter
    pair_min_declarant: int = 10  # declarant's declarations in the office and quarter
    pair_min_count: int = 5  # the pair's declarations in the quarter (the test conditions on it)
    signature_min_count: int = 10  # the pair's declarations over the whole period
    concentration_min: int = 50  # the officer's (or declarant's) declarations in the office
    downgrade_min: int = 30  # yellow or red declarations
    detection_min: int = 20  # inspected red-channel declarations
    release_min: int = 20  # released declarations of the channel
    uv_group_min: int = 30  # lines of an HS6 x origin (or coarser) group
    uv_min: int = 100  # priced lines of the officer, declarant or office
    uv_z: float = -3.0  # robust z at or below which a line counts as undervalued
    uv_sample: int = 2_000_000  # lines used to estimate group medians and MADs
    benford_min: int = 1000  # positive declared values of the declarant
    benford_mad: float = 0.015  # Nigrini's first-digit nonconformity bound
    peer_min: int = 10  # units needed to estimate between-unit variation

    def __post_init__(self) -> None:
        if self.exposure not in EXPOSURES:
            raise ValueError(
                f"exposure must be one of {', '.join(EXPOSURES)}, not {self.exposure!r}"
            )


@dataclass(frozen=True)
class IndicatorInfo:
    """Documentation of one indicator, shown in docs/analytics.md and on the web pages."""

    name: str
    entities: tuple[str, ...]
    title: str
    formula: str
    minimum: str
    source: str


REGISTRY: dict[str, IndicatorInfo] = {}


def register(info: IndicatorInfo) -> IndicatorInfo:
    REGISTRY[info.name] = info
    return info


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in INDICATOR_COLUMNS})


def _dtype(column: str) -> str:
    if column in ("value", "expected", "p_value", "q_value", "z"):
        return "float64"
    if column == "n":
        return "int64"
    if column == "flagged":
        return "bool"
    return "object"


def rows(**columns: object) -> pd.DataFrame:
    """An indicator frame with every output column, in order; absent ones get neutral values."""
    length = next(len(v) for v in columns.values() if isinstance(v, pd.Series | np.ndarray | list))
    defaults: dict[str, object] = {
        "office_id": "",
        "period": "",
        "explanation": "",
        "wording": "[]",
        "flagged": False,
    }
    data = {}
    for column in INDICATOR_COLUMNS:
        value = columns.get(column, defaults.get(column, np.nan))
        dtype = _dtype(column)
        if dtype == "object":
            # Built as object columns straight away: pandas would otherwise first turn hundreds
            # of thousands of strings into its own string type, and then back.
            if isinstance(value, str) or not hasattr(value, "__len__"):
                value = np.full(length, value, dtype=object)
            data[column] = pd.Series(np.asarray(value, dtype=object), dtype=object, copy=False)
        else:
            data[column] = np.asarray(value) if isinstance(value, pd.Series) else value
    frame = pd.DataFrame(data, index=range(length))
    return frame.astype({c: _dtype(c) for c in INDICATOR_COLUMNS})


def with_q(frame: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Benjamini-Hochberg across the rows of one indicator; flag q <= alpha."""
    frame = frame.copy(deep=False)  # copy-on-write: the caller's frame is left as it was
    frame["q_value"] = stats.bh_qvalues(frame["p_value"].to_numpy())
    frame["flagged"] = (frame["q_value"] <= alpha).fillna(False).astype(bool)
    return frame


def rate_against_peers(
    units: pd.DataFrame,
    k: str,
    n: str,
    group: str,
    direction: int,
    minimum: int,
    settings: Settings,
    extra_var: pd.Series | None = None,
) -> pd.DataFrame:
    """Each unit's rate k/n against its peers' pooled rate (the group without the unit).

    theta = (K_peers + 0.5) / (N_peers + 1), s^2 = theta (1 - theta) (1/n + 1/N_peers)
    (+ `extra_var`, the variance an office's comparison inherits from the ordinary differences
    between officers, its own and its peers'), then
    peer_z with overdispersion. Adds y, theta, z, p_value, computed (False below `minimum`);
    attrs["tau2"] is the between-unit variance used.
    """
    out = units.copy()
    total = out.groupby(group)[[k, n]].transform("sum")
    peer_k, peer_n = total[k] - out[k], total[n] - out[n]
    out["theta"] = (peer_k + 0.5) / (peer_n + 1.0)
    out["y"] = out[k] / out[n].where(out[n] > 0)
    out["computed"] = (out[n] >= minimum) & (peer_n >= minimum)
    binomial = out["theta"] * (1 - out["theta"])
    variance = binomial / out[n].where(out["computed"]) + binomial / peer_n.where(peer_n > 0)
    return _peer_scores(out, variance, direction, settings, extra_var)


def mean_against_peers(
    units: pd.DataFrame,
    n: str,
    s: str,
    ss: str,
    group: str,
    direction: int,
    minimum: int,
    settings: Settings,
    extra_var: pd.Series | None = None,
    scale: int = 1,
) -> pd.DataFrame:
    """Each unit's mean (from sums s and ss of n values) against its peers' mean and spread:
    theta = peers' mean, s^2 = peers' variance x (1/n + 1/N_peers) (+ `extra_var`).

    With `scale`, s and ss are integer sums of values in units of 1/scale (and their squares):
    the peers' sums are then taken exactly before any rounding."""
    out = units.copy()
    total = out.groupby(group)[[n, s, ss]].transform("sum")
    peer_n = total[n] - out[n]
    peer_s = (total[s] - out[s]).astype(float) / scale
    peer_ss = (total[ss] - out[ss]).astype(float) / scale**2
    out["theta"] = peer_s / peer_n.where(peer_n > 0)
    spread = (peer_ss - peer_s**2 / peer_n.where(peer_n > 0)) / (peer_n - 1).where(peer_n > 1)
    out["y"] = out[s].astype(float) / scale / out[n].where(out[n] > 0)
    out["computed"] = (out[n] >= minimum) & (peer_n >= minimum) & (spread > 0)
    spread = spread.clip(lower=0)
    variance = spread / out[n].where(out["computed"]) + spread / peer_n.where(peer_n > 0)
    return _peer_scores(out, variance, direction, settings, extra_var)


def _peer_scores(
    out: pd.DataFrame,
    variance: pd.Series,
    direction: int,
    settings: Settings,
    extra_var: pd.Series | None,
) -> pd.DataFrame:
    if extra_var is not None:
        variance = variance + extra_var.reindex(out.index).fillna(0.0)
    computed = out["computed"].to_numpy()
    y = out["y"].where(out["computed"]).to_numpy(dtype=float)
    theta = out["theta"].to_numpy(dtype=float)
    z, tau2 = stats.peer_z(
        y, theta, np.sqrt(variance.to_numpy(dtype=float)), direction, settings.peer_min
    )
    out["z"] = np.where(computed, z, np.nan)
    out["p_value"] = np.where(computed, stats.p_from_z(out["z"].to_numpy()), np.nan)
    out.attrs["tau2"] = tau2
    return out


def inherited_variance(
    officers: pd.DataFrame, offices: pd.DataFrame, n: str, tau2: float
) -> pd.Series:
    """Variance an office comparison inherits from ordinary differences between officers.

    With officer effects of variance tau^2 (estimated among officers), a pooled value over
    officers has extra variance tau^2 x sum_i (n_i / N)^2; an office is compared with the other
    offices pooled, so both its own officers' and the others' shares count.
    """
    squares = (officers[n].astype(float) ** 2).groupby(officers["office_id"]).sum()
    sizes = officers[n].astype(float).groupby(officers["office_id"]).sum()
    own_sq, own_n = (
        offices["office_id"].map(squares).fillna(0.0),
        offices["office_id"].map(sizes).fillna(0.0),
    )
    peer_sq, peer_n = squares.sum() - own_sq, sizes.sum() - own_n
    with np.errstate(invalid="ignore", divide="ignore"):
        share = own_sq / own_n**2 + peer_sq / peer_n**2
    return share.fillna(0.0) * tau2


def sort_codes(values: pd.Series | np.ndarray) -> np.ndarray:
    """Integers that sort as the texts do (by code point, missing values last).

    Sorting or grouping a column of Python strings makes pandas copy every text into its own
    string type first; on 100,000 long identifiers that costs more than the sort itself. Here
    only the distinct texts are sorted, by Arrow."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    order = pc.sort_indices(pa.array(uniques, type=pa.string())).to_numpy()
    rank = np.empty(len(uniques) + 1, dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    rank[-1] = len(uniques)  # the code of a missing value (-1) reads this: last
    return rank[codes]


def first_appearance(f: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Each row's entity, numbered in order of first appearance (as groupby().ngroup() with
    sort=False, several times faster on text keys): each key's codes, combined into one number
    and numbered again after each key, so that it stays below the number of rows."""
    combined = np.zeros(len(f), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(f[key].to_numpy(dtype=object), use_na_sentinel=False)
        combined = pd.factorize(combined * len(uniques) + codes)[0]
    return combined
