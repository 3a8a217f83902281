"""Officers rotating between offices within a quarter and declarants active only in some months:
random assignment is judged where both were at the office, so innocent pairs are not flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from arusha.analytics import (
    GeneratorConfig,
    GroundTruth,
    IntegrityResult,
    Settings,
    generate_table,
    run_integrity,
    stats,
)

# The size of the hold-out in the issue: 400,000 lines, 8 offices, 120 officers, 200 declarants,
# 14 colluding pairs and 5 downgrading officers (the scenario's defaults).
ROTATION = GeneratorConfig(rows=400_000, seed=1, scenario="rotation")


@pytest.fixture(scope="module")
def data() -> tuple[pa.Table, GroundTruth]:
    return generate_table(ROTATION)


@pytest.fixture(scope="module")
def rotation(data: tuple[pa.Table, GroundTruth]) -> tuple[IntegrityResult, GroundTruth]:
    table, truth = data
    return run_integrity(table), truth


def flagged_pairs(result: IntegrityResult) -> set[str]:
    f = result.indicators
    return set(f.loc[(f["entity_kind"] == "pair") & f["flagged"], "entity_id"])


def test_the_scenario_plants_fourteen_pairs_and_five_downgrading_officers(
    rotation: tuple[IntegrityResult, GroundTruth],
) -> None:
    _, truth = rotation
    assert len(truth.pairs) == 14
    assert len(truth.downgrading_officers) == 5
    assert not truth.officer_ids & set(truth.downgrading_officers)


def test_every_planted_pair_is_found(rotation: tuple[IntegrityResult, GroundTruth]) -> None:
    result, truth = rotation
    f = result.indicators
    excess = set(f.loc[(f["indicator"] == "pair_excess") & f["flagged"], "entity_id"])
    signature = set(f.loc[(f["indicator"] == "collusion_signature") & f["flagged"], "entity_id"])
    assert truth.pair_ids <= excess
    assert truth.pair_ids <= signature


def test_at_most_one_other_pair_is_flagged_by_any_pair_indicator(
    rotation: tuple[IntegrityResult, GroundTruth],
) -> None:
    result, truth = rotation
    f = result.indicators
    others = f[(f["entity_kind"] == "pair") & f["flagged"] & ~f["entity_id"].isin(truth.pair_ids)]
    assert len(flagged_pairs(result) - truth.pair_ids) <= 1, others[
        ["indicator", "entity_id", "office_id", "period", "value", "expected", "q_value"]
    ]


def test_every_downgrading_officer_is_found(
    rotation: tuple[IntegrityResult, GroundTruth],
) -> None:
    result, truth = rotation
    f = result.indicators
    officers = f[(f["indicator"] == "downgrades") & (f["entity_kind"] == "officer")]
    assert set(truth.downgrading_officers) <= set(officers.loc[officers["flagged"], "entity_id"])


def test_quarterly_strata_would_flag_many_innocent_pairs_on_the_same_data(
    data: tuple[pa.Table, GroundTruth],
) -> None:
    """The scenario really is the trap of the issue: judged within office x quarter, an officer
    posted for a few weeks and a declarant busy in those weeks look like a colluding pair."""
    table, truth = data
    quarterly = run_integrity(table, settings=Settings(exposure="quarter"))
    assert len(flagged_pairs(quarterly) - truth.pair_ids) >= 20


def test_weekly_pair_cells_add_up_to_the_quarter(
    rotation: tuple[IntegrityResult, GroundTruth],
) -> None:
    """pair_cells keeps one row per quarter: its expected count is the sum over the weeks of
    the quarter, never more than the quarterly margins allow."""
    result, _ = rotation
    cells = result.pair_cells
    assert cells["period"].str.fullmatch(r"\d{4}Q[1-4]").all()
    assert (cells["expected"] > 0).all()
    assert (cells["expected"] <= cells[["n_i", "n_j"]].min(axis=1) + 1e-9).all()


def _weekly(table: pa.Table) -> pd.DataFrame:
    """Declarations with an officer per (office, quarter, week, officer, declarant), straight
    from the lines: weeks from Monday, a week straddling two quarters split in two."""
    d = table.select(["item_no", "lodged_at", "office_id", "officer_id", "declarant_id"])
    d = d.to_pandas()
    d = d[(d["item_no"] == 1) & d["officer_id"].notna()]
    for column in ("office_id", "officer_id", "declarant_id"):
        d[column] = d[column].astype(str)
    d["period"] = d["lodged_at"].dt.to_period("Q").astype(str)
    d["week"] = d["lodged_at"].dt.to_period("W-SUN").astype(str)
    return d.groupby(["office_id", "period", "week", "officer_id", "declarant_id"]).size()


def _by_hand(x: pd.Series, pairs: pd.DataFrame, aside: pd.DataFrame | None) -> pd.Series:
    """sum over the weeks of s_i x s_j / s_t for each (office, quarter, officer, declarant) of
    `pairs`; with `aside` (office, period, declarant), the declarants' declarations leave the
    officer's and office's counts in that office and quarter, except the pair's own."""
    block, week = ["office_id", "period"], ["office_id", "period", "week"]
    frame = x.rename("x").reset_index()
    s_i = frame.groupby([*week, "officer_id"])["x"].sum().rename("s_i").reset_index()
    s_j = frame.groupby([*week, "declarant_id"])["x"].sum().rename("s_j").reset_index()
    s_t = frame.groupby(week)["x"].sum().rename("s_t").reset_index()
    terms = pairs.merge(s_i, on=[*block, "officer_id"]).merge(s_j, on=[*week, "declarant_id"])
    terms = terms.merge(s_t, on=week).merge(
        frame.rename(columns={"x": "own"}), on=[*week, "officer_id", "declarant_id"], how="left"
    )
    terms["own"] = terms["own"].fillna(0)
    terms["set_aside"] = False
    if aside is not None:
        gone = frame.merge(aside, on=[*block, "declarant_id"])
        gone_i = gone.groupby([*week, "officer_id"])["x"].sum().rename("gone_i").reset_index()
        gone_t = gone.groupby(week)["x"].sum().rename("gone_t").reset_index()
        terms = terms.merge(gone_i, on=[*week, "officer_id"], how="left")
        terms = terms.merge(gone_t, on=week, how="left").fillna({"gone_i": 0, "gone_t": 0})
        flagged = aside.assign(flag=True)
        terms = terms.merge(flagged, on=[*block, "declarant_id"], how="left")
        terms["set_aside"] = terms["flag"].fillna(False).astype(bool)
        terms["s_i"] -= terms["gone_i"] - terms["own"].where(terms["set_aside"], 0)
        terms["s_t"] -= terms["gone_t"] - terms["s_j"].where(terms["set_aside"], 0)
    terms["e"] = terms["s_i"] * terms["s_j"] / terms["s_t"]
    return terms.groupby(["office_id", "period", "officer_id", "declarant_id"])["e"].sum()


def test_expected_counts_are_the_sums_over_the_weeks_after_setting_aside_flagged_flows(
    data: tuple[pa.Table, GroundTruth], rotation: tuple[IntegrityResult, GroundTruth]
) -> None:
    """Every tested cell's expected count, worked out directly from the lines in pandas: the
    first test against all declarations, then the second with the flagged declarants' flows
    set aside in the offices and quarters where they were flagged."""
    table, _ = data
    cells = rotation[0].pair_cells
    keys = ["office_id", "period", "officer_id", "declarant_id"]
    weekly = _weekly(table)
    first = _by_hand(weekly, cells[keys], None).reindex(pd.MultiIndex.from_frame(cells[keys]))
    p = stats.poisson_excess_p(cells["n"], first.to_numpy(), Settings().pair_min_count)
    flagged = stats.bh_qvalues(p) <= Settings().alpha
    aside = cells.loc[flagged, ["office_id", "period", "declarant_id"]].drop_duplicates()
    assert 14 <= len(aside) < len(cells)
    second = _by_hand(weekly, cells[keys], aside).reindex(pd.MultiIndex.from_frame(cells[keys]))
    assert np.allclose(cells["expected"].to_numpy(), second.to_numpy(), rtol=0, atol=1e-6)
    assert not np.allclose(first.to_numpy(), second.to_numpy(), rtol=0, atol=1e-3)
