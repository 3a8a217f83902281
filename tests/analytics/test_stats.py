"""The statistical building blocks against values worked out by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from arusha.analytics import stats


def test_bh_qvalues_match_the_step_up_procedure_worked_by_hand() -> None:
    # sorted p: 0.01 (x4/1 = 0.04), 0.03 (x4/2 = 0.06), 0.04 (x4/3 = 0.0533), 0.20 (x4/4 = 0.20);
    # then the running minimum from the largest down.
    q = stats.bh_qvalues(np.array([0.01, 0.04, 0.03, 0.20]))
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_bh_leaves_untested_entries_out_of_the_count() -> None:
    q = stats.bh_qvalues(np.array([np.nan, 0.01, 0.02]))
    assert np.isnan(q[0])
    assert q[1:] == pytest.approx([0.02, 0.02])


def _poisson_tail(k: int, mean: float) -> float:
    """P(X >= k) by summing the probability mass function."""
    return 1.0 - sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k))


def test_pair_excess_p_is_the_poisson_tail_conditional_on_the_minimum_count() -> None:
    # P(X >= 5) / P(X >= 3) with X ~ Poisson(2): (1 - 7e^-2) / (1 - 5e^-2) = 0.16285
    p = stats.poisson_excess_p(np.array([5]), np.array([2.0]), at_least=3)
    assert p[0] == pytest.approx(_poisson_tail(5, 2.0) / _poisson_tail(3, 2.0))
    assert p[0] == pytest.approx(0.16285, abs=1e-5)


def test_pair_excess_p_without_conditioning_is_the_plain_upper_tail() -> None:
    p = stats.poisson_excess_p(np.array([12]), np.array([7.5]), at_least=0)
    assert p[0] == pytest.approx(_poisson_tail(12, 7.5))


def test_binomial_mid_p_values_by_hand() -> None:
    # X ~ Binomial(2, 0.5): P(X=0)=0.25, P(X=1)=0.5, P(X=2)=0.25
    upper = stats.binomial_midp(
        np.array([1, 2]), np.array([2, 2]), np.array([0.5, 0.5]), upper=True
    )
    lower = stats.binomial_midp(
        np.array([0, 1]), np.array([2, 2]), np.array([0.5, 0.5]), upper=False
    )
    assert upper == pytest.approx([0.25 + 0.25, 0.125])
    assert lower == pytest.approx([0.125, 0.25 + 0.25])


def test_z_and_p_are_inverse_and_clipped() -> None:
    assert stats.z_from_p(np.array([0.025]))[0] == pytest.approx(1.959964, abs=1e-6)
    assert stats.p_from_z(np.array([1.959964]))[0] == pytest.approx(0.025, abs=1e-6)
    assert stats.z_from_p(np.array([1e-300]))[0] == stats.Z_MAX


def test_stouffer_ignores_missing_components() -> None:
    combined = stats.stouffer(np.array([[1.0, 1.0, np.nan], [np.nan, np.nan, np.nan]]))
    assert combined[0] == pytest.approx(2 / math.sqrt(2))
    assert np.isnan(combined[1])


def test_herfindahl_moments_match_exact_enumeration_of_the_multinomial() -> None:
    n, q = 10, (0.5, 0.3, 0.2)
    mean = var = 0.0
    outcomes = [
        (a, b, n - a - b) for a, b in itertools.product(range(n + 1), repeat=2) if a + b <= n
    ]
    moments = []
    for counts in outcomes:
        prob = math.factorial(n) / math.prod(math.factorial(c) for c in counts)
        prob *= math.prod(p**c for p, c in zip(q, counts, strict=True))
        moments.append((prob, sum((c / n) ** 2 for c in counts)))
    mean = sum(p * h for p, h in moments)
    var = sum(p * (h - mean) ** 2 for p, h in moments)
    s2, s3 = sum(p**2 for p in q), sum(p**3 for p in q)
    got_mean, got_sd = stats.hhi_moments(np.array([n]), np.array([s2]), np.array([s3]))
    assert got_mean[0] == pytest.approx(mean) == pytest.approx(0.442)
    assert got_sd[0] ** 2 == pytest.approx(var)


def test_between_unit_variance_from_winsorised_z_scores_by_hand() -> None:
    # z = (-1, 0, 1, 4); 10 %/90 % quantiles -0.7 and 3.1; winsorised squares sum to 11.1;
    # phi = 11.1 / 4 / 0.67865; tau2 = (4 phi - 3) / (4 - 4/4) with unit standard errors.
    y = np.array([-1.0, 0.0, 1.0, 4.0])
    tau2 = stats.overdispersion_tau2(y, np.zeros(4), np.ones(4))
    phi = 11.1 / 4 / stats.winsorised_second_moment(0.1)
    assert stats.winsorised_second_moment(0.1) == pytest.approx(0.67865, abs=1e-5)
    assert tau2 == pytest.approx((4 * phi - 3) / 3)


def test_peer_z_only_estimates_overdispersion_with_enough_units() -> None:
    y = np.array([-1.0, 0.0, 1.0, 4.0])
    z_few, tau_few = stats.peer_z(y, np.zeros(4), np.ones(4), +1, min_units=10)
    z_many, tau_many = stats.peer_z(y, np.zeros(4), np.ones(4), -1, min_units=3)
    assert tau_few == 0.0
    assert z_few == pytest.approx(y)
    assert z_many == pytest.approx(-y / math.sqrt(1 + tau_many))


def test_benford_counts_conform_and_uniform_digits_do_not() -> None:
    benford_counts = np.round(stats.BENFORD * 100_000)
    uniform = np.full(9, 1000.0)
    p, mad, expected = stats.benford_test(np.vstack([benford_counts, uniform]))
    assert mad[0] < 0.0001
    assert p[0] > 0.99
    assert mad[1] == pytest.approx(np.abs(1 / 9 - stats.BENFORD).mean())
    assert p[1] < 1e-100
    assert expected[1] == pytest.approx(
        np.sqrt(2 * stats.BENFORD * (1 - stats.BENFORD) / (np.pi * 9000)).mean()
    )
