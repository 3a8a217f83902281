"""Each indicator on a small table, against values worked out by hand."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from arusha.analytics import Settings, run_integrity, stats
from tests.analytics.tables import declarations, repeat

LOOSE = Settings(
    pair_min_count=3,
    pair_min_officer=1,
    pair_min_declarant=1,
    concentration_min=1,
    downgrade_min=5,
    detection_min=5,
    release_min=3,
    uv_min=1,
    benford_min=1000,
)


def row(result: pd.DataFrame, indicator: str, entity_id: str) -> pd.Series:
    found = result[(result["indicator"] == indicator) & (result["entity_id"] == entity_id)]
    assert len(found) == 1, f"{indicator} for {entity_id}: {len(found)} rows"
    return found.iloc[0]


def _tail(k: int, mean: float) -> float:
    return 1.0 - sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k))


def test_pair_excess_compares_counts_with_random_assignment() -> None:
    cells = {
        ("OA", "D1"): 12,
        ("OA", "D2"): 3,
        ("OB", "D1"): 3,
        ("OB", "D2"): 12,
        ("OC", "D1"): 5,
        ("OC", "D2"): 5,
    }
    rows = [r for (o, d), n in cells.items() for r in repeat(n, officer_id=o, declarant_id=d)]
    result = run_integrity(declarations(rows), settings=LOOSE).indicators

    # officers OA, OB handle 15 each, OC 10; declarants 20 each; 40 in all
    expected = {pair: (15 if pair[0] != "OC" else 10) * 20 / 40 for pair in cells}
    p = {pair: _tail(cells[pair], expected[pair]) / _tail(3, expected[pair]) for pair in cells}
    order = sorted(p, key=p.get)
    q_sorted = np.minimum.accumulate([p[k] * 6 / (i + 1) for i, k in enumerate(order)][::-1])[::-1]
    q = dict(zip(order, q_sorted, strict=True))
    got = row(result, "pair_excess", "OA|D1")
    assert got["expected"] == pytest.approx(7.5)
    assert got["value"] == 12
    assert got["p_value"] == pytest.approx(p[("OA", "D1")])
    assert got["q_value"] == pytest.approx(q[("OA", "D1")])
    assert row(result, "pair_excess", "OC|D2")["p_value"] == pytest.approx(p[("OC", "D2")])
    assert got["explanation"].startswith(
        "OA handled 12 declarations of D1 at office OF1 in 2024Q2, 1.6 times the 7.5 expected "
        "under random assignment"
    )


def test_pair_excess_expects_pairings_only_in_the_weeks_both_were_at_the_office() -> None:
    week1, week2 = pd.Timestamp("2024-04-02 09:00"), pd.Timestamp("2024-04-09 09:00")
    cells = {  # (officer, declarant, week): declarations; OA and D1 are there in week 1 only
        ("OA", "D1", week1): 6,
        ("OA", "D2", week1): 4,
        ("OB", "D1", week1): 4,
        ("OB", "D2", week1): 6,
        ("OB", "D2", week2): 20,
        ("OC", "D2", week2): 20,
    }
    rows = [
        r
        for (o, d, when), n in cells.items()
        for r in repeat(
            n, officer_id=o, declarant_id=d, lodged_at=when, released_at=when + timedelta(hours=2)
        )
    ]
    weekly = run_integrity(declarations(rows), settings=LOOSE).indicators
    # week 1 only: OA 10 of the office's 20 declarations, D1 10
    assert row(weekly, "pair_excess", "OA|D1")["expected"] == pytest.approx(10 * 10 / 20)
    assert (
        "5.0 expected under random assignment in the weeks both were there"
        in row(weekly, "pair_excess", "OA|D1")["explanation"]
    )
    quarterly = replace(LOOSE, exposure="quarter")
    quarter = run_integrity(declarations(rows), settings=quarterly).indicators
    # the whole quarter: OA 10 of 60, D1 10, as if OA and D1 could have met in week 2
    assert row(quarter, "pair_excess", "OA|D1")["expected"] == pytest.approx(10 * 10 / 60)


def test_a_flagged_pair_is_set_aside_when_the_other_pairs_are_tested_again() -> None:
    """OA takes all 60 declarations of D1: against the office's whole flow every other officer
    would seem to get too much of D2 and D3. Once D1's flow is set aside, they do not."""
    rows = repeat(60, officer_id="OA", declarant_id="D1")
    for declarant in ("D2", "D3"):
        for officer in ("OA", "OB", "OC"):
            rows += repeat(10, officer_id=officer, declarant_id=declarant)
    result = run_integrity(declarations(rows), settings=LOOSE).indicators
    colluding = row(result, "pair_excess", "OA|D1")
    assert colluding["flagged"]
    assert colluding["expected"] == pytest.approx(80 * 60 / 120)  # first test, whole flow
    other = row(result, "pair_excess", "OB|D2")
    assert other["expected"] == pytest.approx(20 * 30 / 60)  # without D1: 10, not 20 x 30 / 120
    assert not other["flagged"]
    # OA's other work, without D1: 20 of the 60 remaining declarations
    assert row(result, "pair_excess", "OA|D2")["expected"] == pytest.approx(20 * 30 / 60)


def _profile(
    n: int,
    officer: str,
    declarant: str,
    red: int,
    fast: bool = False,
    found: int = 0,
    down: int = 0,
) -> list:
    out = []
    for i in range(n):
        is_red = i < red
        hours = (1 if fast else 10 + i % 5) if is_red else 3 + i % 3
        out.append(
            {
                "officer_id": officer,
                "declarant_id": declarant,
                "channel_assigned": "red" if is_red else "green",
                "channel_final": "green" if is_red and i < down else ("red" if is_red else "green"),
                "inspected": is_red and i >= down,
                "offence_found": is_red and down <= i < down + found,
                "released_at": pd.Timestamp("2024-04-02 09:00") + timedelta(hours=hours),
            }
        )
    return out


def test_collusion_signature_separates_a_colluding_pair_from_a_specialised_one() -> None:
    rows = []
    for officer in ("OA", "OB", "OC", "OD"):
        for declarant in ("D3", "D4", "D5", "D6"):
            rows += _profile(20, officer, declarant, red=5, found=2)
    rows += _profile(24, "OA", "D1", red=20, fast=True, found=0, down=10)  # colluding
    rows += _profile(24, "OB", "D2", red=6, found=2)  # specialised: many, but ordinary ones
    for officer in ("OB", "OC", "OD"):
        rows += _profile(6, officer, "D1", red=2, found=1)
    for officer in ("OA", "OC", "OD"):
        rows += _profile(6, officer, "D2", red=2, found=1)
    result = run_integrity(declarations(rows), settings=LOOSE).indicators

    colluding = row(result, "collusion_signature", "OA|D1")
    specialised = row(result, "collusion_signature", "OB|D2")
    assert colluding["flagged"]
    assert not specialised["flagged"]
    # the specialised pair's excess alone is stronger evidence than its whole signature
    assert row(result, "pair_excess", "OB|D2")["z"] > specialised["z"]
    # the officer's other declarations: 22 of 86 red, smoothed (22 + 0.5) / (86 + 1) = 26 %
    assert (
        "83 % yellow or red against 26 % for the officer's other declarations"
        in colluding["explanation"]
    )


def test_declarant_concentration_has_the_multinomial_mean_and_spread() -> None:
    rows = repeat(10, officer_id="OA", declarant_id="D1") + repeat(
        10, officer_id="OB", declarant_id="D2"
    )
    result = run_integrity(declarations(rows), settings=LOOSE).indicators
    got = row(result, "declarant_concentration", "OA")
    # office shares 1/2, 1/2: S2 = 0.5, S3 = 0.25; E[H] = (1 + 9 x 0.5)/10 = 0.55;
    # Var(P) = 45 x 0.25 + 720 x 0 = 11.25, Var(H) = 4 x 11.25 / 10^4
    assert got["value"] == pytest.approx(1.0)
    assert got["expected"] == pytest.approx(0.55)
    assert got["z"] == pytest.approx(0.45 / math.sqrt(0.0045))


def test_downgrades_compare_an_officer_with_the_other_officers_of_the_office() -> None:
    rows = []
    for officer, downgraded in (("OA", 5), ("OB", 1), ("OC", 0)):
        rows += repeat(
            downgraded, officer_id=officer, channel_assigned="red", channel_final="green"
        )
        rows += repeat(
            10 - downgraded, officer_id=officer, channel_assigned="red", channel_final="red"
        )
    result = run_integrity(declarations(rows), settings=LOOSE).indicators
    got = row(result, "downgrades", "OA")
    theta = (1 + 0 + 0.5) / (20 + 1)
    se = math.sqrt(theta * (1 - theta) * (1 / 10 + 1 / 20))
    assert got["value"] == pytest.approx(0.5)
    assert got["expected"] == pytest.approx(theta)
    assert got["z"] == pytest.approx((0.5 - theta) / se)
    assert (
        "moved 5 of 10 yellow or red declarations to a lower channel (50 %), against 7.1 %"
        in got["explanation"]
    )


def test_red_detection_rate_is_low_when_inspections_find_nothing() -> None:
    rows = []
    for officer, found in (("OA", 0), ("OB", 5), ("OC", 4)):
        common = {
            "officer_id": officer,
            "channel_assigned": "red",
            "channel_final": "red",
            "inspected": True,
        }
        rows += repeat(found, offence_found=True, **common) + repeat(10 - found, **common)
    result = run_integrity(declarations(rows), settings=LOOSE).indicators
    got = row(result, "red_detection", "OA")
    theta = (9 + 0.5) / (20 + 1)
    assert got["value"] == 0
    assert got["expected"] == pytest.approx(theta)
    assert got["z"] == pytest.approx(theta / math.sqrt(theta * (1 - theta) * (1 / 10 + 1 / 20)))


def test_fast_release_uses_log_hours_against_peers() -> None:
    start = pd.Timestamp("2024-04-02 09:00")
    hours = {"OA": [5, 6, 7, 6, 5], "OB": [8, 9, 10, 11, 12], "OC": [9, 10, 11, 12, 13]}
    rows = [
        {
            "officer_id": o,
            "channel_assigned": "red",
            "channel_final": "red",
            "released_at": start + timedelta(hours=h),
        }
        for o, hs in hours.items()
        for h in hs
    ]
    result = run_integrity(declarations(rows), settings=LOOSE).indicators
    got = row(result, "fast_release_red", "OA")
    # log(1 + hours) is kept to 4 decimals (summed as exact integers)
    own, peers = (np.round(np.log1p(h), 4) for h in (hours["OA"], hours["OB"] + hours["OC"]))
    assert not np.array_equal(own, np.log1p(hours["OA"]))  # the rounding is really exercised
    se = math.sqrt(peers.var(ddof=1) * (1 / 5 + 1 / 10))
    assert got["value"] == pytest.approx(math.expm1(own.mean()))
    assert got["expected"] == pytest.approx(math.expm1(peers.mean()))
    assert got["z"] == pytest.approx((peers.mean() - own.mean()) / se)


def test_undervaluation_counts_lines_far_below_the_group_median_cleared_as_declared() -> None:
    rng = np.random.default_rng(1)
    values = 1000 * np.exp(0.2 * rng.standard_normal(40))
    rows = [{"officer_id": "OB", "customs_value": float(v)} for v in values]
    rows += [
        {"officer_id": "OA", "customs_value": 10.0},
        {"officer_id": "OA", "customs_value": 12.0, "offence_found": True},
    ]
    rows += repeat(8, officer_id="OA", customs_value=1000.0)
    result = run_integrity(declarations(rows), settings=LOOSE).indicators

    log_uv = np.log(np.array([r["customs_value"] for r in rows]) / 10.0)
    median = np.median(log_uv)
    z = (log_uv - median) / (1.4826 * np.median(np.abs(log_uv - median)))
    assert z[40] < -3 and z[41] < -3  # both OA's cheap lines are outliers
    got = row(result, "undervaluation", "OA")
    assert got["value"] == pytest.approx(1 / 10)  # one of ten cleared without adjustment
    assert got["n"] == 10


def test_benford_flags_invented_values_only_with_enough_of_them() -> None:
    uniform = [
        {"declarant_id": "DA", "customs_value": float(d * 100 + 7)}
        for d in range(1, 10)
        for _ in range(120)
    ]
    counts = np.round(stats.BENFORD * 1200).astype(int)
    natural = [
        {"declarant_id": "DB", "customs_value": float(d * 1000 + 3)}
        for d in range(1, 10)
        for _ in range(counts[d - 1])
    ]
    few = [{"declarant_id": "DC", "customs_value": 500.0} for _ in range(999)]
    result = run_integrity(declarations(uniform + natural + few), settings=LOOSE).indicators
    invented = row(result, "benford", "DA")
    assert invented["value"] == pytest.approx(np.abs(1 / 9 - stats.BENFORD).mean())
    assert invented["flagged"]
    assert not row(result, "benford", "DB")["flagged"]
    assert result[(result["indicator"] == "benford") & (result["entity_id"] == "DC")].empty


def test_an_officer_below_the_minimum_gets_a_row_that_says_so() -> None:
    rows = repeat(3, officer_id="OA", channel_assigned="red", channel_final="green")
    rows += repeat(40, officer_id="OB", channel_assigned="red", channel_final="red")
    result = run_integrity(declarations(rows)).indicators  # default minimum: 30
    got = row(result, "downgrades", "OA")
    assert np.isnan(got["value"]) and not got["flagged"]
    assert (
        got["explanation"] == "Not computed: 3 yellow or red declarations, below the minimum of 30."
    )
