"""Concentration: declarants in each officer's caseload, officers in each declarant's flow.

Under random assignment an officer's caseload is a random draw from the office's flow in the
weeks the officer worked there, so its Herfindahl index has a known mean and variance (see
stats.hhi_moments); a caseload much more concentrated than that, relative to the officer's peers,
is a lead. The same holds, roles swapped, for how a declarant's declarations spread over officers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from arusha.analytics import blas, stats
from arusha.analytics.indicators.base import (
    IndicatorInfo,
    Settings,
    register,
    rows,
    with_q,
)
from arusha.analytics.indicators.explanations import Text, columns, phrase, where
from arusha.analytics.indicators.exposure import STRATUM_KEYS, strata
from arusha.analytics.indicators.pairs import pooled_pairs
from arusha.analytics.prepare import Prepared, total

_FORMULA = (
    "H = sum_j (O_j / n)^2 over the {other}s of the {unit}'s {n} declarations at the office. "
    "Under random assignment, with q_j = sum_w (n_w / n) x (share of {other} j in the office's "
    "week w), n_w the {unit}'s declarations at the office in week w: E[H] = (1 + (n-1) S2) / n "
    "and Var(H) = 4 Var(P) / n^4, Var(P) = C(n,2) S2 "
    "(1 - S2) + n(n-1)(n-2)(S3 - S2^2), S2 = sum q_j^2, S3 = sum q_j^3. "
    "z = (H - E[H]) / sqrt(Var(H) + tau^2), tau^2 the between-{unit} variance (winsorised "
    "DerSimonian-Laird); Benjamini-Hochberg across {unit}s."
)
_SOURCE = (
    "Herfindahl-Hirschman index; random-assignment benchmark after Chalendard et al., QJE 2023"
)
DECLARANT_CONCENTRATION = register(
    IndicatorInfo(
        name="declarant_concentration",
        entities=("officer",),
        title="Declarant concentration in an officer's caseload",
        formula=_FORMULA.format(unit="officer", other="declarant", n="n"),
        minimum="officer >= 50 declarations at the office",
        source=_SOURCE,
    )
)
OFFICER_CONCENTRATION = register(
    IndicatorInfo(
        name="officer_concentration",
        entities=("declarant",),
        title="Officer concentration in a declarant's flow",
        formula=_FORMULA.format(unit="declarant", other="officer", n="n")
        + " The declarant's row shows the office where it is most significant.",
        minimum="declarant >= 50 declarations at the office",
        source=_SOURCE,
    )
)


def _dense(
    frame: pd.DataFrame, key: str, value: str, strata: np.ndarray
) -> tuple[np.ndarray, pd.Index]:
    """A (key x stratum) matrix of `value` from long rows, and the keys in row order."""
    codes, keys = pd.factorize(frame[key])
    matrix = np.zeros((len(keys), len(strata)))
    columns = np.searchsorted(strata, frame["stratum"].to_numpy())
    matrix[codes, columns] = frame[value].to_numpy(dtype=float)
    return matrix, pd.Index(keys)


BLOCK = 2_000_000  # entries of q computed at once, to bound memory on large offices


def _moments(
    unit_margins: pd.DataFrame, other_margins: pd.DataFrame, unit: str, other: str
) -> pd.DataFrame:
    """S2 and S3 of q_j for every unit: q = W share', W the unit's weights over strata and
    share the others' shares of the office in each stratum."""
    with blas.one_thread():
        return _office_moments(unit_margins, other_margins, unit, other)


def _office_moments(
    unit_margins: pd.DataFrame, other_margins: pd.DataFrame, unit: str, other: str
) -> pd.DataFrame:
    theirs_by_office = dict(iter(other_margins.groupby("office_id", sort=False)))
    out = []
    for office, own in unit_margins.groupby("office_id", sort=False):
        theirs = theirs_by_office[office]
        strata = np.unique(theirs["stratum"].to_numpy())
        share, _ = _dense(theirs, other, "share", strata)
        weights, units = _dense(own, unit, "n_u", strata)
        w = weights / weights.sum(axis=1, keepdims=True)
        s2, s3 = np.empty(len(units)), np.empty(len(units))
        step = max(1, BLOCK // max(1, len(share)))
        for first in range(0, len(units), step):
            q = w[first : first + step] @ share.T
            s2[first : first + step] = (q * q).sum(axis=1)
            s3[first : first + step] = (q * q * q).sum(axis=1)
        out.append(pd.DataFrame({"office_id": office, unit: units, "s2": s2, "s3": s3}))
    if not out:
        return pd.DataFrame(columns=["office_id", unit, "s2", "s3"])
    return pd.concat(out, ignore_index=True)


def _strata_frame(prep: Prepared, settings: Settings, party: str) -> pd.DataFrame:
    """The party's declarations (n_u) and share of the office (share) in each stratum."""
    counts = strata(prep, settings.exposure)

    def build() -> pd.DataFrame:
        own = counts.officer if party == "officer_id" else counts.declarant
        frame = own.rename(columns={"s_i": "n_u", "s_j": "n_u"})
        office = frame.merge(counts.office, on=STRATUM_KEYS, how="left")["s_t"].to_numpy()
        return frame.assign(share=frame["n_u"].to_numpy() / office)

    return prep.computed(f"shares_{party}_{settings.exposure}", build)


CODE_SPAN = 1 << 32  # more than any number of distinct officers or declarants


def _caseloads(prep: Prepared, unit: str, other: str) -> pd.DataFrame:
    """Per (office, unit): declarations, sum of squared counts per other party, and the top one."""
    pooled = pooled_pairs(prep)
    per_unit = pooled.group_by(["office_id", unit]).aggregate(
        n=total(pooled.n),
        sumsq=total(pooled.n * pooled.n),
        # the largest count; among equal counts the first in code (that is, sorted) order
        top=pooled[other].argmax(pooled.n * CODE_SPAN - pooled[other]),
        top_n=pooled.n.max(),
        # pooled_pairs has one row per (office, officer, declarant): counting rows counts the
        # distinct other parties, without the cost of a distinct count
        others=pooled.count(),
    )
    frame = prep.fetch(per_unit)
    frame["top"] = prep.names[other][frame["top"].to_numpy(dtype=np.int64)]
    return frame


def concentration(prep: Prepared, settings: Settings, unit: str) -> pd.DataFrame:
    """declarant_concentration (unit officer_id) or officer_concentration (unit declarant_id)."""
    other = "declarant_id" if unit == "officer_id" else "officer_id"
    unit_m = _strata_frame(prep, settings, unit)
    other_m = _strata_frame(prep, settings, other)
    f = _caseloads(prep, unit, other).merge(
        _moments(unit_m, other_m, unit, other), on=["office_id", unit]
    )
    f = prep.decode(f, ("office_id", unit))
    f["y"] = f["sumsq"] / f["n"] ** 2
    f["expected"], sd = stats.hhi_moments(f["n"].to_numpy(), f["s2"].to_numpy(), f["s3"].to_numpy())
    computed = (f["n"] >= settings.concentration_min).to_numpy()
    z, _ = stats.peer_z(
        np.where(computed, f["y"], np.nan), f["expected"].to_numpy(), sd, +1, settings.peer_min
    )
    f["z"] = np.where(computed, z, np.nan)
    f["p_value"] = np.where(computed, stats.p_from_z(f["z"].to_numpy()), np.nan)
    f["computed"] = computed
    if unit == "declarant_id":
        # One row per declarant, for the office where its flow is most concentrated on few officers;
        # declarants too small to test anywhere are left out (there are many).
        f = with_q(f[computed].reset_index(drop=True), settings.alpha)
        f = (
            f.sort_values(["q_value", "p_value"], kind="stable")
            .drop_duplicates(unit)
            .reset_index(drop=True)
        )
    else:
        f = with_q(f, settings.alpha)
    return _concentration_rows(f, unit, settings)


def _concentration_rows(f: pd.DataFrame, unit: str, settings: Settings) -> pd.DataFrame:
    info = DECLARANT_CONCENTRATION if unit == "officer_id" else OFFICER_CONCENTRATION
    text = _text(f, info.name, unit, settings)
    f.loc[~f["computed"], ["y", "expected"]] = np.nan
    return rows(
        entity_kind="officer" if unit == "officer_id" else "declarant",
        entity_id=f[unit],
        office_id=f["office_id"] if unit == "officer_id" else "",
        indicator=info.name,
        value=f["y"],
        expected=f["expected"],
        p_value=f["p_value"],
        q_value=f["q_value"],
        flagged=f["flagged"],
        **columns(text),
        n=f["n"],
        z=f["z"],
    )


def _text(f: pd.DataFrame, key: str, unit: str, settings: Settings) -> Text:
    size = len(f)
    said = phrase(
        key, size, office=f["office_id"], share=f["top_n"] / f["n"], n=f["n"], entity=f[unit],
        top=f["top"], others=f["others"], index=f["y"], expected_index=f["expected"],
        q=f["q_value"],
    )  # fmt: skip
    skipped = phrase(
        "not_computed.office", size, count=f["n"], office=f["office_id"],
        minimum=settings.concentration_min,
    )  # fmt: skip
    return where(f["computed"], said, skipped)
