"""Officer-declarant pairs: excess pairing under random assignment, and the collusion signature.

Source: Chalendard, Fernandes, Raballand and Rijkers, "Corruption in Customs", Quarterly Journal
of Economics 138(1), 2023: collusive inspector-broker pairs are matched more often than random
assignment predicts, and their declarations are riskier, less often found in offence and
cleared faster.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from arusha.analytics import stats
from arusha.analytics.indicators.base import (
    IndicatorInfo,
    Settings,
    first_appearance,
    register,
    rows,
    with_q,
)
from arusha.analytics.indicators.explanations import (
    Text,
    columns,
    detailed,
    join,
    nothing,
    phrase,
    where,
)
from arusha.analytics.indicators.exposure import (
    CELL_KEYS,
    SCALE,
    Cells,
    every_quarter,
    expected,
    set_aside,
)
from arusha.analytics.prepare import NO_OFFICER, RELEASE_SCALE, Prepared, outcome_sums, total

PAIR_EXCESS = register(
    IndicatorInfo(
        name="pair_excess",
        entities=("pair",),
        title="Officer-declarant pairing above random assignment",
        formula=(
            "In each office and quarter, E_ij = sum over the weeks w of the quarter of "
            "n_i(w) x n_j(w) / n(w) (officer i's and declarant j's declarations at the office that "
            "week, office total): weeks where either was absent add nothing. p = P(X >= O_ij | "
            "X >= k), X ~ Poisson(E_ij), k the minimum pair count; Benjamini-Hochberg across "
            "every (office, quarter, pair) tested. Then the declarants of the flagged cells are "
            "set aside in that office and quarter and every other pair is tested again against "
            "the remaining declarations. The pair's row shows its most significant quarter."
        ),
        minimum="officer >= 20 and declarant >= 10 declarations in the office and quarter; "
        "pair >= 5",
        source="Chalendard, Fernandes, Raballand, Rijkers, Corruption in Customs, QJE 2023 "
        "(pairings tested against random assignment within blocks of office and time)",
    )
)
SIGNATURE = register(
    IndicatorInfo(
        name="collusion_signature",
        entities=("pair",),
        title="Collusion signature of a pair",
        formula=(
            "The pair's declarations against the same officer's other declarations and against the "
            "declarant's declarations with other officers (the smaller z of the two counts): share "
            "yellow or red (binomial, upper), offences found among inspected (binomial, lower), "
            "release time by channel (z of mean log(1 + hours), lower), share of yellow or red "
            "downgraded (binomial, upper); mid-p values turned into z-scores and combined with the "
            "pooled pair excess (z of P(X >= O | X >= k), X ~ Poisson(sum over weeks of E_ij)) "
            "by Stouffer: Z = (z_excess + sum z_c) / sqrt(1 + number of components). "
            "Benjamini-Hochberg across pairs."
        ),
        minimum="pair >= 10 declarations over the whole period; each component >= 5 relevant "
        "declarations",
        source="Chalendard et al., QJE 2023; Stouffer et al., The American Soldier, 1949",
    )
)
CHANNELS = ("green", "yellow", "red")
EXPECTED_SCALE = SCALE


class Component(NamedTuple):
    """One part of the signature: its z-score and the figures the explanation quotes."""

    z: np.ndarray
    pair: np.ndarray  # the pair's rate (or hours)
    officer: np.ndarray  # the officer's other declarations
    declarant: np.ndarray  # the declarant's declarations handled by other officers


def _officer_cells(prep: Prepared) -> ir.Table:
    return prep.cells.filter(prep.cells.officer_id != NO_OFFICER)


def margins(prep: Prepared) -> tuple[ir.Table, ir.Table, ir.Table]:
    """Officer, declarant and office totals per (office, quarter), over assigned declarations."""
    c = _officer_cells(prep)
    officer = prep.shared(
        "officer_margins",
        lambda: c.group_by(["office_id", "period", "officer_id"]).aggregate(n_i=total(c.n)),
    )
    declarant = prep.shared(
        "declarant_margins",
        lambda: c.group_by(["office_id", "period", "declarant_id"]).aggregate(n_j=total(c.n)),
    )
    office = prep.shared(
        "office_margins",
        lambda: c.group_by(["office_id", "period"]).aggregate(
            n_t=total(c.n), officers=c.officer_id.nunique()
        ),
    )
    return officer, declarant, office


PAIR_KEYS = ["office_id", "officer_id", "declarant_id"]


def _tested(prep: Prepared, settings: Settings) -> pd.DataFrame:
    """The (office, quarter, officer, declarant) cells that reach the minimum counts."""

    def build() -> ir.Table:
        officer, declarant, office = margins(prep)
        c = _officer_cells(prep)
        joined = (
            c.filter(c.n >= settings.pair_min_count)
            .select(*CELL_KEYS, "n")
            .inner_join(officer, ["office_id", "period", "officer_id"])
            .inner_join(declarant, ["office_id", "period", "declarant_id"])
            .inner_join(office, ["office_id", "period"])
        )
        return joined.filter(
            (joined.n_i >= settings.pair_min_officer)
            & (joined.n_j >= settings.pair_min_declarant)
            & (joined.officers >= 2)
        )

    return prep.fetched(f"tested_{_name(settings)}", build)


def _with_expected(tested: pd.DataFrame, units: np.ndarray, exposed: np.ndarray) -> pd.DataFrame:
    """Tested cells with their expected count; a cell without exposure is not tested."""
    frame = tested.assign(expected_units=units)
    return frame[exposed].reset_index(drop=True)


def _name(settings: Settings) -> str:
    """A suffix for the intermediate tables that depend on the settings."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:12]


def _test(frame: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    frame["p_value"] = stats.poisson_excess_p(
        frame["n"], frame["expected"], settings.pair_min_count
    )
    frame["q_value"] = stats.bh_qvalues(frame["p_value"].to_numpy())
    frame["flagged"] = frame["q_value"] <= settings.alpha
    return frame


def excess_cells(prep: Prepared, settings: Settings) -> pd.DataFrame:
    """Cells flagged by the first test (expected counts against every declaration of the
    strata), with their expected count (codes, not identifiers)."""

    def build() -> pd.DataFrame:
        tested = _tested(prep, settings)
        units, exposed = expected(prep, settings.exposure, Cells.of(tested))
        frame = _with_expected(tested, units, exposed)
        frame["expected"] = frame["expected_units"] / EXPECTED_SCALE
        flagged = _test(frame, settings)
        return flagged.loc[flagged["flagged"], [*CELL_KEYS, "expected_units"]]

    return prep.computed(f"excess_cells_{_name(settings)}", build)


def exposure(prep: Prepared, settings: Settings) -> pd.DataFrame:
    """Each pair's expected count per quarter, in billionths (see `exposure.expected`), for
    every pair with enough declarations to be tested for excess or to have a collusion signature
    (zero-count quarters included, as the signature pools them); in the order of the keys.

    Two passes, so that a colluding pair does not make the others look excessive: its steered
    declarations swell its officer's count, so that every other officer seems to get more than
    their share of everyone else's declarations. The declarants of the cells a first test flags
    are set aside in that office and quarter: there, each pair's expected count comes from the
    strata without the flows set aside, except its own declarant's (random assignment of the
    remaining declarations). Elsewhere the first figures stand."""

    def build() -> pd.DataFrame:
        least = min(settings.pair_min_count, settings.signature_min_count)
        pooled = pooled_pairs(prep)
        pairs = prep.fetch(pooled.filter(pooled.n >= least).select(*PAIR_KEYS))
        cells = every_quarter(prep, settings.exposure, pairs)
        flows = excess_cells(prep, settings)
        aside = set_aside(prep, settings.exposure, flows, f"flows_{_name(settings)}")
        units, exposed = expected(prep, settings.exposure, cells, aside)
        return cells.frame(units, exposed)

    return prep.computed(f"exposure_{_name(settings)}", build)


def pooled_pairs(prep: Prepared) -> ir.Table:
    """Declarations and outcome sums over the whole period, per (office, officer, declarant)."""
    d = prep.decl.filter(prep.decl.officer_id != NO_OFFICER)
    keys = ["office_id", "officer_id", "declarant_id"]
    return prep.shared(
        "pooled_pairs", lambda: d.group_by(keys).aggregate(**outcome_sums(d, prep.present))
    )


def pair_cells(prep: Prepared, settings: Settings) -> pd.DataFrame:
    """Every tested (office, quarter, officer, declarant) cell with its expected count and test."""
    tested = _tested(prep, settings).merge(exposure(prep, settings), on=CELL_KEYS)
    frame = prep.decode(tested)
    frame["expected"] = frame.pop("expected_units") / EXPECTED_SCALE
    frame = _test(frame, settings)
    periods = frame["period"].to_numpy(dtype=np.int64)
    frame["period"] = (
        pd.Series(periods // 10).astype(str) + "Q" + pd.Series(periods % 10).astype(str)
    )
    # Ties keep the key order of fetch(), so the most significant quarter is the same every run.
    frame = frame.sort_values(["q_value", "p_value"], kind="stable").reset_index(drop=True)
    frame.attrs["exposure"] = settings.exposure
    return frame


def pair_excess(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per pair: its most significant quarter, with how many quarters were flagged."""
    if cells.empty:
        return rows(entity_kind=[])
    exposure = cells.attrs.get("exposure", "quarter")
    # The first row of each pair is its most significant quarter (cells are sorted by q).
    pair = first_appearance(cells, PAIR_KEYS)
    first = np.unique(pair, return_index=True)[1]
    best = cells.take(first).reset_index(drop=True)
    best["quarters"] = np.bincount(pair)
    best["flagged_quarters"] = np.bincount(pair, weights=cells["flagged"].to_numpy(dtype=float))
    best["flagged_quarters"] = best["flagged_quarters"].astype(np.int64)

    def sentence(b: pd.DataFrame) -> Text:
        said = phrase(
            "pair_excess", len(b), officer=b["officer_id"], n=b["n"], declarant=b["declarant_id"],
            office=b["office_id"], period=b["period"], ratio=b["n"] / b["expected"],
            expected=b["expected"],
        )  # fmt: skip
        if exposure == "quarter":
            return said
        return join(said, phrase(f"exposed.{exposure}", len(b)))

    def detail(at: np.ndarray) -> Text:
        b = best.iloc[at]
        return join(
            sentence(b),
            phrase(
                "pair_excess.detail", len(b), n_i=b["n_i"], n_t=b["n_t"], n_j=b["n_j"],
                flagged_quarters=b["flagged_quarters"], quarters=b["quarters"], q=b["q_value"],
            ),
        )  # fmt: skip

    short = join(sentence(best), phrase("pair_excess.end", len(best), q=best["q_value"]))
    text = detailed(best["q_value"], short, detail)
    return rows(
        entity_kind="pair",
        entity_id=best["officer_id"] + "|" + best["declarant_id"],
        office_id=best["office_id"],
        indicator=PAIR_EXCESS.name,
        value=best["n"].astype(float),
        expected=best["expected"],
        p_value=best["p_value"],
        q_value=best["q_value"],
        flagged=best["flagged"],
        **columns(text),
        n=best["n"],
        period=best["period"],
        z=stats.z_from_p(best["p_value"].to_numpy()),
    )


# Collusion signature ---------------------------------------------------------------------------


def _sums(table: ir.Table, keys: list[str], columns: list[str]) -> ir.Table:
    return table.group_by(keys).aggregate(**{c: total(table[c]) for c in columns})


def signature_inputs(prep: Prepared, settings: Settings) -> pd.DataFrame:
    """Pooled sums of each eligible pair, the officer's totals, and the pooled expected count."""
    pooled = pooled_pairs(prep)
    columns = [
        col for col in pooled.columns if col not in ("office_id", "officer_id", "declarant_id")
    ]
    pairs = pooled.filter(pooled.n >= settings.signature_min_count)
    officer_totals = _sums(pooled, ["office_id", "officer_id"], columns)
    officer_totals = officer_totals.rename({f"tot_{col}": col for col in columns})
    declarant_totals = _sums(pooled, ["office_id", "declarant_id"], columns)
    declarant_totals = declarant_totals.rename({f"dtot_{col}": col for col in columns})
    joined = pairs.inner_join(officer_totals, ["office_id", "officer_id"]).inner_join(
        declarant_totals, ["office_id", "declarant_id"]
    )
    per_quarter = exposure(prep, settings)
    pooled_expected = per_quarter.groupby(PAIR_KEYS, as_index=False)["expected_units"].sum()
    frame = prep.decode(prep.fetch(joined).merge(pooled_expected, on=PAIR_KEYS))
    frame["expected"] = frame.pop("expected_units") / EXPECTED_SCALE
    return frame


def _rate(events: pd.Series, trials: pd.Series) -> np.ndarray:
    return ((events + 0.5) / (trials + 1.0)).to_numpy()


def _binomial_component(f: pd.DataFrame, k: str, n: str, upper: bool, minimum: int) -> Component:
    """z of the pair's k/n against the officer's other declarations and against the declarant's
    declarations handled by other officers; the smaller z counts, so that neither an officer's
    habits nor a declarant's own mix of goods can pass for collusion. NaN below `minimum`."""
    zs, rates = [], []
    for prefix in ("tot_", "dtot_"):
        other_k, other_n = f[f"{prefix}{k}"] - f[k], f[f"{prefix}{n}"] - f[n]
        rate = _rate(other_k, other_n)
        ok = (f[n] >= minimum).to_numpy() & (other_n >= minimum).to_numpy()
        p = stats.binomial_midp(f[k].to_numpy(), f[n].to_numpy(), rate, upper)
        zs.append(np.where(ok, stats.z_from_p(p), np.nan))
        rates.append(np.where(other_n > 0, rate, np.nan))
    pair_rate = (f[k] / f[n].where(f[n] > 0)).to_numpy()
    return Component(np.fmin(zs[0], zs[1]), pair_rate, rates[0], rates[1])


def _release_against(f: pd.DataFrame, prefix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Channel-matched comparison of mean log(1 + hours) with the other declarations in `prefix`
    totals; positive z when the pair is faster. Also the two channel-weighted means in hours."""
    weighted, weights, pair_s, other_s = (np.zeros(len(f)) for _ in range(4))
    for ch in CHANNELS:
        n_p = f[f"rel_n_{ch}"].to_numpy(dtype=float)
        n_o = (f[f"{prefix}rel_n_{ch}"] - f[f"rel_n_{ch}"]).to_numpy(dtype=float)
        # integer sums: subtract exactly, then scale to log(1 + hours)
        s_o = (f[f"{prefix}rel_s_{ch}"] - f[f"rel_s_{ch}"]).to_numpy(dtype=float) / RELEASE_SCALE
        ss_o = (f[f"{prefix}rel_ss_{ch}"] - f[f"rel_ss_{ch}"]).to_numpy(
            dtype=float
        ) / RELEASE_SCALE**2
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_o = s_o / n_o
            var_o = (ss_o - s_o**2 / n_o) / (n_o - 1)
            mean_p = f[f"rel_s_{ch}"].to_numpy(dtype=float) / RELEASE_SCALE / n_p
            z = (mean_o - mean_p) / np.sqrt(var_o / n_p + var_o / n_o)
        ok = (n_p >= 3) & (n_o >= 10) & (var_o > 0)
        z = np.where(ok, z, 0.0)
        weighted += np.where(ok, np.sqrt(n_p) * z, 0.0)
        weights += np.where(ok, n_p, 0.0)
        pair_s += np.where(ok, n_p * np.nan_to_num(mean_p), 0.0)
        other_s += np.where(ok, n_p * np.nan_to_num(mean_o), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(
            weights >= 5, np.clip(weighted / np.sqrt(weights), -stats.Z_MAX, stats.Z_MAX), np.nan
        )
        return z, np.expm1(pair_s / weights), np.expm1(other_s / weights)


def _release_component(f: pd.DataFrame) -> Component:
    by_officer = _release_against(f, "tot_")
    by_declarant = _release_against(f, "dtot_")
    return Component(
        np.fmin(by_officer[0], by_declarant[0]), by_officer[1], by_officer[2], by_declarant[2]
    )


def collusion_signature(prep: Prepared, settings: Settings) -> pd.DataFrame:
    """Combine the pooled pair excess with how the pair's declarations differ from the officer's."""
    f = signature_inputs(prep, settings)
    if f.empty:
        return rows(entity_kind=[])
    p_excess = _poisson_midp(
        f["n"].to_numpy(), f["expected"].to_numpy(), settings.signature_min_count
    )
    parts: dict[str, Component] = {}
    m = 5
    if "high" in f:
        parts["risk"] = _binomial_component(f, "high", "n", upper=True, minimum=m)
    if "insp_off" in f:
        parts["offence"] = _binomial_component(f, "insp_off", "insp", upper=False, minimum=m)
    if "rel_n_red" in f:
        parts["release"] = _release_component(f)
    if "down" in f:
        parts["downgrade"] = _binomial_component(f, "down", "high", upper=True, minimum=m)
    z_excess = stats.z_from_p(p_excess)
    z_parts = np.column_stack([z_excess, *[v.z for v in parts.values()]])
    combined = np.clip(stats.stouffer(z_parts), -stats.Z_MAX, stats.Z_MAX)
    f["z"] = combined
    f["p_value"] = stats.p_from_z(combined)
    f = with_q(f, settings.alpha)
    text = _signature_text(f, parts)
    return rows(
        entity_kind="pair",
        entity_id=f["officer_id"] + "|" + f["declarant_id"],
        office_id=f["office_id"],
        indicator=SIGNATURE.name,
        value=f["z"],
        expected=0.0,
        p_value=f["p_value"],
        q_value=f["q_value"],
        flagged=f["flagged"],
        **columns(text),
        n=f["n"],
        z=f["z"],
    )


def _poisson_midp(observed: np.ndarray, expected: np.ndarray, at_least: int) -> np.ndarray:
    """Mid-p version of the conditional Poisson upper tail, so that z-scores centre on 0."""
    expected = np.maximum(expected.astype(float), 1e-12)
    upper = stats.poisson_midp_upper(observed, expected)
    at_least_p = stats.poisson_upper(np.full_like(expected, at_least), expected)
    return np.clip(upper / at_least_p, 1e-300, 1.0)


def _phrase(name: str, part: Component) -> Text:
    size = len(part.z)
    if name == "release":
        said = phrase(
            "signature.release", size, pair_hours=part.pair, officer_hours=part.officer,
            declarant_hours=part.declarant,
        )  # fmt: skip
    else:
        said = phrase(
            f"signature.{name}", size, pair_rate=part.pair, officer_rate=part.officer,
            declarant_rate=part.declarant,
        )  # fmt: skip
    return where(np.isfinite(part.z), said, nothing(size))


def _signature_text(f: pd.DataFrame, parts: dict[str, Component]) -> Text:
    def opening(g: pd.DataFrame) -> Text:
        return phrase(
            "signature.opening", len(g), n=g["n"], declarant=g["declarant_id"],
            officer=g["officer_id"], office=g["office_id"],
        )  # fmt: skip

    def ratio(g: pd.DataFrame) -> pd.Series:
        return g["n"] / g["expected"].clip(lower=1e-9)

    def detail(at: np.ndarray) -> Text:
        g = f.iloc[at]
        said = [_phrase(name, Component(*(a[at] for a in part))) for name, part in parts.items()]
        outcomes = join(*said) if said else nothing(len(g))
        none = phrase("signature.no_outcomes", len(g))
        closing = phrase(
            "signature.closing", len(g), ratio=ratio(g), expected=g["expected"], z=g["z"],
            q=g["q_value"],
        )  # fmt: skip
        return join(opening(g), where(outcomes.english != "", outcomes, none), closing)

    short = join(
        opening(f),
        phrase(
            "signature.short", len(f), ratio=ratio(f), expected=f["expected"], z=f["z"],
            q=f["q_value"],
        ),
    )  # fmt: skip
    return detailed(f["q_value"], short, detail)
