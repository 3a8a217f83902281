"""Survey statistics, free of Django: distributions, means with confidence intervals, shares of
unfavourable answers, breakdowns with small-group suppression, and comparisons of campaigns.

Formulas (n answers x₁..xₙ on the 0..100 favourability scale, confidence 95 %):

- share p = k / n with the Wilson score interval (shown only when k and n − k are both zero or at
  least the minimum, since p · n gives k back)
  (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964.
- mean x̄ = Σxᵢ / n; sample standard deviation s = √(Σ(xᵢ − x̄)² / (n − 1)). The interval is the
  Wilson score interval of the proportion p = x̄/100 with the effective sample size
  n* = p(1 − p) / (s²/100²/n) · (z / t)², t the 0.975 quantile of Student's t with n − 1 degrees
  of freedom (scipy.stats.t.ppf): n* is the number of yes/no answers whose share would have the
  mean's standard error, and the factor (z/t)² makes small samples as cautious as the t
  interval (Korn and Graubard, 1998, use the same effective size for survey proportions). For
  large n and a mean away from the ends it is the familiar x̄ ± t·s/√n; near 0 or 100 it bends
  inwards and, unlike x̄ ± t·s/√n, never leaves the scale ("75 (42–108)" cannot happen). When
  every answer is the same (s = 0) the sample says nothing about the spread, and n* = n · (z/t)²,
  the yes/no bound: five answers all at 100 give 100 (39–100), not a certainty. No interval for
  n < 2.
- difference of two means (campaign B − campaign A) with Welch's interval:
  d ± t · √(s_a²/n_a + s_b²/n_b), t with the Welch–Satterthwaite degrees of freedom, cut to
  −100..100 (two means on the scale cannot be further apart).

Every count, mean and share shown for a group passes through core.suppression first.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from arusha.core.suppression import MIN_GROUP, suppress_counts

K = TypeVar("K", bound=Hashable)
CONFIDENCE = 0.95
SCALE = 100.0  # means and their intervals are on 0..SCALE


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float
    low: float | None
    high: float | None
    sd: float | None


@dataclass(frozen=True)
class Share:
    k: int
    n: int
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class Difference:
    difference: float
    low: float | None
    high: float | None


@lru_cache(maxsize=1024)
def _t_quantile(confidence: float, df: float) -> float:
    from scipy.stats import t  # scipy is slow to import; only results pages need it

    return float(t.ppf((1 + confidence) / 2, df))


@lru_cache(maxsize=16)
def _z_quantile(confidence: float) -> float:
    from scipy.stats import norm  # scipy is slow to import; only results pages need it

    return float(norm.ppf((1 + confidence) / 2))


def _wilson_bounds(p: float, n: float, z: float) -> tuple[float, float]:
    """The Wilson score interval of a share p of n (n may be fractional), within 0..1."""
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def distribution(values: Iterable[str], options: Sequence[str]) -> dict[str, int]:
    """How many answers chose each option, in the order of the options (zero included)."""
    counted = Counter(values)
    return {option: counted.get(option, 0) for option in options}


def mean_ci(values: Sequence[float], confidence: float = CONFIDENCE) -> MeanCI | None:
    """The mean of values on 0..SCALE with its interval, which stays on the scale (see the
    module docstring); None without values."""
    n = len(values)
    if n == 0:
        return None
    mean = math.fsum(values) / n
    if n < 2:
        return MeanCI(n, mean, None, None, None)
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in values) / (n - 1))
    low, high = _bounded_interval(mean / SCALE, sd / SCALE, n, confidence)
    return MeanCI(n, mean, SCALE * low, SCALE * high, sd)


def _bounded_interval(p: float, sd: float, n: int, confidence: float) -> tuple[float, float]:
    """Wilson's interval for a mean p of n values on 0..1 with standard deviation sd."""
    p = min(1.0, max(0.0, p))
    z, t = _z_quantile(confidence), _t_quantile(confidence, n - 1)
    # Identical answers say nothing about the spread: fall back to the yes/no bound.
    effective = n if sd == 0 else p * (1 - p) / (sd * sd / n)
    return _wilson_bounds(p, effective * (z / t) ** 2, z)


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> Share | None:
    """The share k/n with its Wilson score interval; None when n is 0."""
    if n == 0:
        return None
    low, high = _wilson_bounds(k / n, n, _z_quantile(confidence))
    return Share(k, n, k / n, low, high)


def welch_difference(
    a: Sequence[float], b: Sequence[float], confidence: float = CONFIDENCE
) -> Difference | None:
    """Mean of b minus mean of a, with Welch's interval when both have two values or more, cut
    to -SCALE..SCALE."""
    if not a or not b:
        return None
    ma, mb = math.fsum(a) / len(a), math.fsum(b) / len(b)
    if len(a) < 2 or len(b) < 2:
        return Difference(mb - ma, None, None)
    va = math.fsum((x - ma) ** 2 for x in a) / (len(a) - 1) / len(a)
    vb = math.fsum((x - mb) ** 2 for x in b) / (len(b) - 1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return Difference(mb - ma, mb - ma, mb - ma)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = _t_quantile(confidence, df) * se
    return Difference(mb - ma, max(-SCALE, mb - ma - half), min(SCALE, mb - ma + half))


def guarded_share(flags: Sequence[bool], minimum: int = MIN_GROUP) -> Share | None:
    """The unfavourable share with its interval, or None when either the unfavourable or the
    other answers number fewer than the minimum: the share times the number of answers would
    give that small count back."""
    k, n = sum(flags), len(flags)
    shown = suppress_counts({"unfavourable": k, "other": n - k}, minimum)
    if n < minimum or None in shown.values():
        return None
    return wilson(k, n)


@dataclass(frozen=True)
class Cell:
    """One group of a breakdown: its size, or None when suppressed, with its statistics."""

    key: Hashable
    n: int | None
    mean: MeanCI | None = None
    unfavourable: Share | None = None

    @property
    def suppressed(self) -> bool:
        return self.n is None


def breakdown(
    scores: Mapping[K, Sequence[float]],
    flags: Mapping[K, Sequence[bool]],
    minimum: int = MIN_GROUP,
) -> list[Cell]:
    """Mean score and unfavourable share per group, suppressed together: a group below the
    minimum is hidden, and so is the next smallest one when it alone would be, because the
    total minus the groups shown would give it away. Group sizes count answers that enter
    either statistic."""
    keys = list(dict.fromkeys([*scores, *flags]))
    sizes = {key: max(len(scores.get(key, ())), len(flags.get(key, ()))) for key in keys}
    shown = suppress_counts(sizes, minimum)
    cells = []
    for key in keys:
        if shown[key] is None:
            cells.append(Cell(key, None))
            continue
        marks = flags.get(key, ())
        cells.append(
            Cell(
                key,
                sizes[key],
                mean_ci(scores.get(key, ())),
                guarded_share(marks, minimum),
            )
        )
    return cells


def suppressed_distribution(
    counts: Mapping[str, int], minimum: int = MIN_GROUP
) -> tuple[dict[str, int | None], int | None]:
    """Option counts with small cells hidden (and their complement), and the total, hidden
    when below the minimum, in which case every cell is hidden too."""
    total = sum(counts.values())
    if 0 < total < minimum:
        return dict.fromkeys(counts), None
    return suppress_counts(counts, minimum), total
