"""Statistical building blocks of the indicators, on small NumPy arrays (one value per entity)."""

from __future__ import annotations

import numpy as np
from scipy import special, stats

Z_MAX = 8.0  # z-scores are clipped here: beyond it p-values stop meaning anything in practice
BENFORD = np.log10(1.0 + 1.0 / np.arange(1, 10))


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN entries are not tests and stay NaN.

    q_(k) = min over j >= k of p_(j) * m / j, with m the number of tests (Benjamini and
    Hochberg, JRSS B 57, 1995). Flagging q <= alpha keeps the expected share of false flags
    among all flags at or below alpha.
    """
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = len(tested)
    if m == 0:
        return q
    order = tested[np.argsort(p[tested], kind="stable")]
    ranked = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return q


def poisson_excess_p(observed: np.ndarray, expected: np.ndarray, at_least: int = 1) -> np.ndarray:
    """One-sided Poisson upper tail, conditional on the count having reached `at_least`.

    p = P(X >= O | X >= k) = P(X >= O) / P(X >= k), X ~ Poisson(E). Pairs are only tested once
    they have k declarations; conditioning on that keeps the test valid despite the selection.
    """
    observed = np.asarray(observed, dtype=float)
    expected = np.maximum(np.asarray(expected, dtype=float), 1e-12)
    with np.errstate(invalid="ignore", divide="ignore"):
        threshold = np.full_like(observed, float(at_least))
        p = poisson_upper(observed, expected) / poisson_upper(threshold, expected)
    return np.clip(np.nan_to_num(p, nan=1.0), 0.0, 1.0)


def poisson_upper(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """P(X >= k), X ~ Poisson(mean); scipy.special directly, as the stats wrappers are slow."""
    k = np.asarray(k, dtype=float)
    return np.where(k <= 0, 1.0, special.pdtrc(np.maximum(k - 1, 0), mean))


def poisson_midp_upper(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """P(X > k) + P(X = k) / 2, X ~ Poisson(mean)."""
    k = np.asarray(k, dtype=float)
    below = np.where(k <= 0, 0.0, special.pdtr(np.maximum(k - 1, 0), mean))
    at_most = special.pdtr(k, mean)
    return (1.0 - at_most) + 0.5 * (at_most - below)


def binomial_midp(k: np.ndarray, n: np.ndarray, rate: np.ndarray, upper: bool) -> np.ndarray:
    """Mid-p binomial tail: P(X > k) + P(X = k)/2 (upper) or P(X < k) + P(X = k)/2 (lower).

    Mid-p values centre on 1/2 under the null, so their z-scores can be added (Lancaster 1961).
    """
    k = np.asarray(k, dtype=float).astype(np.int64)
    n = np.asarray(n, dtype=float).astype(np.int64)
    rate = np.clip(np.asarray(rate, dtype=float), 1e-12, 1 - 1e-12)
    with np.errstate(invalid="ignore"):
        at_most = np.where(k >= n, 1.0, special.bdtr(np.minimum(k, n), n, rate))
        below = np.where(k <= 0, 0.0, special.bdtr(np.maximum(k - 1, 0), n, rate))
    half = 0.5 * (at_most - below)
    return (1.0 - at_most) + half if upper else below + half


def z_from_p(p: np.ndarray) -> np.ndarray:
    """The standard normal deviate with upper tail p, clipped to +-Z_MAX."""
    return np.clip(-special.ndtri(np.asarray(p, dtype=float)), -Z_MAX, Z_MAX)


def p_from_z(z: np.ndarray) -> np.ndarray:
    """Upper tail of the standard normal."""
    return special.ndtr(-np.asarray(z, dtype=float))


def stouffer(z: np.ndarray) -> np.ndarray:
    """Row-wise Stouffer combination sum(z) / sqrt(k) of the non-missing z-scores of each row."""
    z = np.atleast_2d(np.asarray(z, dtype=float))
    k = (~np.isnan(z)).sum(axis=1)
    total = np.nansum(z, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(k > 0, total / np.sqrt(np.maximum(k, 1)), np.nan)


def winsorised_second_moment(winsor: float) -> float:
    """E[W^2] for W a standard normal winsorised at its `winsor` and 1 - `winsor` quantiles."""
    a = float(stats.norm.isf(winsor))
    return (1 - 2 * winsor) - 2 * a * float(stats.norm.pdf(a)) + 2 * winsor * a * a


def overdispersion_tau2(
    y: np.ndarray, theta: np.ndarray, se: np.ndarray, winsor: float = 0.1
) -> float:
    """Between-unit variance tau^2 of an additive random-effects model, from winsorised z-scores.

    z_i = (y_i - theta_i) / s_i are winsorised at the `winsor` and 1 - `winsor` quantiles;
    phi = mean(z^2) / c, c = E[W^2] of a winsorised standard normal (0.679 at 10 %), so that phi
    is not biased down when no unit is an outlier; tau^2 = max(0, (I*phi - (I-1)) /
    (sum(w) - sum(w^2)/sum(w))), w = 1/s^2 (DerSimonian-Laird form, as in Spiegelhalter,
    "Funnel plots for comparing institutional performance", Stat Med 24, 2005). It absorbs
    ordinary differences between officers so that only outlying ones stand out.
    """
    ok = np.isfinite(y) & np.isfinite(theta) & np.isfinite(se) & (se > 0)
    z = (y[ok] - theta[ok]) / se[ok]
    units = len(z)
    if units < 3:
        return 0.0
    low, high = np.quantile(z, [winsor, 1 - winsor])
    phi = float(np.mean(np.clip(z, low, high) ** 2)) / winsorised_second_moment(winsor)
    w = 1.0 / se[ok] ** 2
    denominator = w.sum() - (w**2).sum() / w.sum()
    if units * phi <= units - 1 or denominator <= 0:
        return 0.0
    return float((units * phi - (units - 1)) / denominator)


def peer_z(
    y: np.ndarray, theta: np.ndarray, se: np.ndarray, direction: int, min_units: int = 10
) -> tuple[np.ndarray, float]:
    """z-scores of units against their peers, allowing for ordinary variation between units.

    direction +1 when high values are suspicious, -1 when low ones are. tau^2 is estimated only
    from at least `min_units` units, otherwise taken as 0 (pure sampling variation).
    """
    y, theta, se = (np.asarray(a, dtype=float) for a in (y, theta, se))
    units = int(np.sum(np.isfinite(y) & np.isfinite(se) & (se > 0)))
    tau2 = overdispersion_tau2(y, theta, se) if units >= min_units else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = direction * (y - theta) / np.sqrt(se**2 + tau2)
    return np.clip(z, -Z_MAX, Z_MAX), tau2


def hhi_moments(n: np.ndarray, s2: np.ndarray, s3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of a Herfindahl index H = sum_j (X_j / n)^2 under random draws.

    X ~ Multinomial(n, q) with S2 = sum q_j^2 and S3 = sum q_j^3. Writing sum X_j^2 = n + 2P with
    P the number of pairs of draws landing on the same declarant: E[P] = C(n,2) S2 and
    Var(P) = C(n,2) S2 (1 - S2) + n (n-1) (n-2) (S3 - S2^2), so that
    E[H] = (1 + (n-1) S2) / n and Var(H) = 4 Var(P) / n^4.
    """
    n = np.asarray(n, dtype=float)
    pairs = n * (n - 1) / 2
    var_p = pairs * s2 * (1 - s2) + n * (n - 1) * (n - 2) * np.maximum(s3 - s2**2, 0.0)
    mean = (1 + (n - 1) * s2) / n
    return mean, np.sqrt(np.maximum(4 * var_p / n**4, 0.0))


def benford_test(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row of first-digit counts (digits 1-9): chi-square p-value, MAD and expected MAD.

    MAD = mean_d |O_d/n - P_d| (Nigrini, "Benford's Law", Wiley 2012: above 0.015 is
    nonconformity for first digits). Expected MAD under Benford:
    mean_d sqrt(2 P_d (1-P_d) / (pi n)).
    """
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    n = counts.sum(axis=1, keepdims=True)
    expected = n * BENFORD
    chi2 = ((counts - expected) ** 2 / expected).sum(axis=1)
    p = stats.chi2.sf(chi2, df=8)
    mad = np.abs(counts / n - BENFORD).mean(axis=1)
    expected_mad = np.sqrt(2 * BENFORD * (1 - BENFORD) / (np.pi * n)).mean(axis=1)
    return p, mad, expected_mad
