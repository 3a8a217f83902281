"""The statistics module against values computed by hand, and its suppression rules."""

from __future__ import annotations

import math

import pytest

from arusha.surveys import stats


def test_the_mean_interval_matches_a_hand_computation() -> None:
    # x = 20, 40, 60, 80, 100: mean 60, s² = (1600+400+0+400+1600)/4 = 1000, s = 31.6228.
    # On 0..1: p = 0.6, s²/n = 0.1/5 = 0.02, so n* = 0.24 / 0.02 = 12; t(0.975, 4) = 2.776445,
    # z = 1.959964, n* (z/t)² = 12 × 0.498331 = 5.97997. Wilson with n = 5.97997:
    # z²/n = 0.642380, centre (0.6 + 0.321190) / 1.642380 = 0.560888,
    # spread 1.959964 × √(0.24/5.97997 + 3.841459/143.0402) / 1.642380 = 0.308874.
    result = stats.mean_ci([20, 40, 60, 80, 100])
    assert result is not None
    assert result.n == 5
    assert result.mean == 60
    assert result.sd == pytest.approx(math.sqrt(1000))
    assert result.low == pytest.approx(25.2016, abs=1e-3)
    assert result.high == pytest.approx(86.9758, abs=1e-3)


def test_a_larger_sample_uses_the_t_quantile_for_its_degrees_of_freedom() -> None:
    # Ten answers 0,25,...: mean 50, s² = 12500/9; on 0..1 s²/n = 0.0138889, n* = 0.25 / that
    # = 18, t(0.975, 9) = 2.262157, n* (z/t)² = 18 × 0.750673 = 13.51211. Wilson at p = 0.5:
    # spread 1.959964 × √(0.25/13.51211 + 3.841459/730.3085) / (1 + 3.841459/13.51211)
    # = 0.235247.
    result = stats.mean_ci([0, 25, 50, 75, 100] * 2)
    assert result is not None
    assert result.low == pytest.approx(50 - 23.5247, abs=1e-3)
    assert result.high == pytest.approx(50 + 23.5247, abs=1e-3)


def test_a_large_sample_away_from_the_ends_agrees_with_the_t_interval() -> None:
    values = [25.0, 50.0, 75.0, 100.0, 50.0] * 200
    result = stats.mean_ci(values)
    assert result is not None and result.sd is not None and result.low is not None
    half = 1.962 * result.sd / math.sqrt(len(values))  # t(0.975, 999) = 1.962341
    assert result.low == pytest.approx(result.mean - half, abs=0.1)
    assert result.high == pytest.approx(result.mean + half, abs=0.1)


@pytest.mark.parametrize(
    "values",
    [
        [75, 75, 100, 100, 100],  # t interval 73.0 to 107.0
        [0, 0, 25, 25, 0],  # t interval -5.1 to 25.1
        [100, 100, 100, 100, 100],
        [0, 0, 0, 0, 0],
        [0, 100],
        [100, 100, 100, 100, 100, 100, 0],
    ],
)
def test_the_mean_interval_never_leaves_the_scale(values: list[float]) -> None:
    result = stats.mean_ci(values)
    assert result is not None and result.low is not None and result.high is not None
    assert 0 <= result.low <= result.mean <= result.high <= 100


def test_answers_all_at_the_top_still_leave_room_below_with_few_respondents() -> None:
    # n* = 5 × (z/t)² = 2.491656; Wilson at p = 1: 1 / (1 + z²/n*) = 0.393433.
    result = stats.mean_ci([100] * 5)
    assert result is not None and result.mean == 100
    assert result.high == 100
    assert result.low == pytest.approx(39.3433, abs=1e-3)
    bottom = stats.mean_ci([0] * 5)
    assert bottom is not None and bottom.low == 0
    assert bottom.high == pytest.approx(100 - 39.3433, abs=1e-3)


def test_identical_answers_inside_the_scale_still_have_an_interval() -> None:
    # n* = 6 × (z / t(0.975, 5))² = 6 × (1.959964 / 2.570582)² = 3.488049; Wilson at p = 0.5:
    # spread 1.959964 × √(0.25/3.488049 + 3.841459/48.66626) / (1 + 3.841459/3.488049) = 0.36198.
    result = stats.mean_ci([50] * 6)
    assert result is not None
    assert result.low == pytest.approx(50 - 36.198, abs=1e-2)
    assert result.high == pytest.approx(50 + 36.198, abs=1e-2)


def test_a_difference_of_two_means_stays_within_the_scale() -> None:
    difference = stats.welch_difference([0, 0, 100], [100, 100, 100, 0])
    assert difference is not None and difference.low is not None and difference.high is not None
    assert difference.low >= -100 and difference.high <= 100


def test_one_value_has_a_mean_but_no_interval_and_none_has_nothing() -> None:
    one = stats.mean_ci([75])
    assert one is not None and one.mean == 75 and one.low is None
    assert stats.mean_ci([]) is None


def test_the_wilson_interval_matches_a_hand_computation() -> None:
    # k = 3, n = 10, z = 1.959964: centre (0.3 + 0.192073) / 1.384146 = 0.355505,
    # spread 1.959964 * sqrt(0.021 + 0.009604) / 1.384146 = 0.247710.
    share = stats.wilson(3, 10)
    assert share is not None
    assert share.share == 0.3
    assert share.low == pytest.approx(0.1078, abs=1e-4)
    assert share.high == pytest.approx(0.6032, abs=1e-4)


def test_the_welch_difference_matches_a_hand_computation() -> None:
    # a = 1,2,3 (mean 2, var 1), b = 2,4,6,8 (mean 5, var 20/3): se² = 1/3 + 5/3 = 2,
    # df = 4 / ((1/3)²/2 + (5/3)²/3) = 4 / 0.98148 = 4.0755; t(0.975, 4.0755) ≈ 2.757, from the
    # tables (2.7764 at 4, 2.5706 at 5) interpolated in 1/df.
    difference = stats.welch_difference([1, 2, 3], [2, 4, 6, 8])
    assert difference is not None
    assert difference.difference == 3
    assert difference.low == pytest.approx(3 - 2.757 * math.sqrt(2), abs=5e-3)
    assert difference.high == pytest.approx(3 + 2.757 * math.sqrt(2), abs=5e-3)


def test_a_distribution_counts_every_option_in_order() -> None:
    counts = stats.distribution(["agree", "agree", "disagree"], ["disagree", "neutral", "agree"])
    assert counts == {"disagree": 1, "neutral": 0, "agree": 2}


def test_a_small_group_is_hidden_and_so_is_the_one_that_would_give_it_away() -> None:
    # Brokers (3) are below five. Hiding them alone would let anyone subtract importers from
    # the total; the next smallest group (exporters) is hidden with them.
    cells = stats.breakdown(
        {"importer": [50.0] * 20, "exporter": [75.0] * 8, "broker": [0.0] * 3},
        {"importer": [False] * 20, "exporter": [False] * 8, "broker": [True] * 3},
    )
    shown = {cell.key: cell for cell in cells}
    assert shown["broker"].suppressed and shown["broker"].mean is None
    assert shown["exporter"].suppressed and shown["exporter"].unfavourable is None
    assert shown["importer"].n == 20
    assert shown["importer"].mean is not None and shown["importer"].mean.mean == 50


def test_two_small_groups_hide_each_other_and_leave_the_rest() -> None:
    cells = stats.breakdown({"a": [1.0] * 2, "b": [1.0] * 3, "c": [1.0] * 9}, {})
    shown = {cell.key: cell.n for cell in cells}
    assert shown == {"a": None, "b": None, "c": 9}


def test_a_distribution_with_a_small_cell_hides_it_and_its_complement() -> None:
    counts, total = stats.suppressed_distribution({"agree": 12, "neutral": 7, "disagree": 2})
    assert total == 21
    assert counts == {"agree": 12, "neutral": None, "disagree": None}


def test_a_distribution_below_five_answers_hides_everything() -> None:
    counts, total = stats.suppressed_distribution({"agree": 3, "disagree": 1})
    assert total is None
    assert counts == {"agree": None, "disagree": None}


def test_a_share_that_would_give_back_a_small_count_is_hidden() -> None:
    # 1 unfavourable answer in 24: "4 %" times 24 is that one person.
    assert stats.guarded_share([True] + [False] * 23) is None
    assert stats.guarded_share([True] * 21 + [False] * 3) is None
    shown = stats.guarded_share([True] * 6 + [False] * 18)
    assert shown is not None and shown.share == 0.25
    nobody = stats.guarded_share([False] * 8)
    assert nobody is not None and nobody.share == 0
