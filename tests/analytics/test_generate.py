"""The synthetic data generator: reproducible, well-formed, with its planted corruption recorded."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest

from arusha.analytics import GeneratorConfig, GroundTruth, generate_table, validate, write_dataset
from arusha.analytics.cli import main

SMALL = GeneratorConfig(rows=20_000, seed=5, offices=3, officers=24, declarants=40)


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    first, truth = generate_table(SMALL)
    again, _ = generate_table(SMALL)
    other, _ = generate_table(GeneratorConfig(**{**SMALL.__dict__, "seed": 6}))
    assert first.equals(again)
    assert not first.equals(other)
    assert truth.config["seed"] == 5


def test_rows_keys_and_cardinalities_are_as_asked() -> None:
    table, truth = generate_table(SMALL)
    assert table.num_rows == 20_000
    keys = pc.binary_join_element_wise(
        table["declaration_id"], table["item_no"].cast("string"), "|"
    )
    assert pc.count_distinct(keys).as_py() == 20_000
    assert len(set(table["office_id"].to_pylist())) == 3
    assert len(set(table["officer_id"].to_pylist())) == 24
    assert len(truth.pairs) == SMALL.resolved().strong_pairs + SMALL.resolved().weak_pairs
    assert {p.strength for p in truth.pairs} == {"strong", "weak"}


def test_planted_pairs_are_in_the_data_and_clean_data_plants_nothing() -> None:
    table, truth = generate_table(SMALL)
    pairs = set(
        zip(table["officer_id"].to_pylist(), table["declarant_id"].to_pylist(), strict=True)
    )
    assert all((p.officer_id, p.declarant_id) in pairs for p in truth.pairs)
    _, clean_truth = generate_table(GeneratorConfig(**{**SMALL.__dict__, "clean": True}))
    assert clean_truth.pairs == [] and clean_truth.benford_declarants == []


def test_files_are_written_with_their_ground_truth_and_pass_validation(tmp_path: Path) -> None:
    for name in ("data.parquet", "data.csv"):
        truth = write_dataset(GeneratorConfig(rows=3_000, seed=1), tmp_path / name)
        assert validate(tmp_path / name).ok
        stored = GroundTruth.from_json((tmp_path / "data.truth.json").read_text(encoding="utf-8"))
        assert stored.pairs == truth.pairs


ROTATION = GeneratorConfig(
    rows=60_000, seed=2, offices=4, officers=60, declarants=200, scenario="rotation"
)


def test_the_rotation_scenario_moves_officers_within_a_quarter_and_has_seasonal_declarants() -> (
    None
):
    table, truth = generate_table(ROTATION)
    frame = table.select(["item_no", "lodged_at", "office_id", "officer_id", "declarant_id"])
    d = frame.to_pandas()
    d = d[d["item_no"] == 1]
    d["quarter"] = d["lodged_at"].dt.quarter
    offices_per_quarter = d.groupby(["officer_id", "quarter"])["office_id"].nunique()
    assert (offices_per_quarter >= 2).mean() > 0.3  # many officers work at two offices a quarter
    months = d.groupby("declarant_id")["lodged_at"].agg(lambda t: t.dt.month.nunique())
    assert ((months <= 4) & (months >= 1)).sum() >= 40  # seasonal declarants
    assert len(truth.pairs) == 14
    assert len(truth.downgrading_officers) == 5
    assert truth.config["scenario"] == "rotation"


def test_the_standard_scenario_plants_no_downgrading_officer() -> None:
    _, truth = generate_table(SMALL)
    assert truth.downgrading_officers == []
    assert truth.config["scenario"] == "standard"


def test_the_rotation_scenario_is_reachable_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "rotation.csv"
    assert main(["generate", "--rows", "5000", "--scenario", "rotation", "--out", str(out)]) == 0
    stored = GroundTruth.from_json((tmp_path / "rotation.truth.json").read_text(encoding="utf-8"))
    assert stored.config["scenario"] == "rotation"
    assert len(stored.downgrading_officers) == 5
    assert validate(out).ok


def test_an_unknown_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="scenario must be one of standard, rotation"):
        GeneratorConfig(scenario="holiday")
