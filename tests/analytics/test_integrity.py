"""The whole analysis on generated data: few false flags on clean data, recall on planted data,
and the output files the web app and reviewers read."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from arusha.analytics import (
    INDICATOR_COLUMNS,
    NOTICE,
    GroundTruth,
    IntegrityResult,
    evaluate,
    schema,
    write_outputs,
)

SPEC_COLUMNS = [
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
]


def flagged(result: IntegrityResult, indicator: str) -> set[str]:
    f = result.indicators
    return set(f.loc[(f["indicator"] == indicator) & f["flagged"], "entity_id"])


def test_clean_data_raises_few_flags(clean: IntegrityResult) -> None:
    f = clean.indicators
    assert not flagged(clean, "pair_excess")
    assert not flagged(clean, "collusion_signature")
    assert not flagged(clean, "benford")
    assert f["flagged"].sum() <= 3, f[f["flagged"]][["entity_kind", "entity_id", "indicator"]]
    assert (f["entity_kind"] == "pair").sum() > 100  # many pairs were tested


def test_planted_pairs_are_found_and_no_other_pair_is_flagged(
    planted: tuple[IntegrityResult, GroundTruth],
) -> None:
    result, truth = planted
    scores = evaluate(result, truth)
    assert scores["pair_excess"]["recall_strong"] == 1.0
    assert scores["collusion_signature"]["recall_strong"] == 1.0
    assert scores["pair_excess"]["other_pairs_flagged"] == 0
    assert scores["collusion_signature"]["other_pairs_flagged"] == 0


def test_the_signature_finds_weak_collusion_the_pair_excess_misses(
    planted: tuple[IntegrityResult, GroundTruth],
) -> None:
    result, truth = planted
    scores = evaluate(result, truth)
    assert scores["collusion_signature"]["recall_weak"] >= 2 / 3
    assert scores["collusion_signature"]["recall_weak"] > scores["pair_excess"]["recall_weak"]


def test_colluding_officers_lead_the_officer_ranking(
    planted: tuple[IntegrityResult, GroundTruth],
) -> None:
    result, truth = planted
    officers = result.entities[result.entities["entity_kind"] == "officer"]
    strong = {p.officer_id for p in truth.pairs if p.strength == "strong"}
    assert set(officers["entity_id"].head(len(strong))) == strong
    assert list(officers["rank"].head(3)) == [1, 2, 3]


def test_benford_fabricators_are_flagged(planted: tuple[IntegrityResult, GroundTruth]) -> None:
    result, truth = planted
    assert flagged(result, "benford") == set(truth.benford_declarants)


def test_explanations_give_the_numbers_in_plain_words(
    planted: tuple[IntegrityResult, GroundTruth],
) -> None:
    result, truth = planted
    strong = next(p for p in truth.pairs if p.strength == "strong")
    f = result.indicators
    text = f.loc[
        (f["indicator"] == "pair_excess")
        & (f["entity_id"] == f"{strong.officer_id}|{strong.declarant_id}"),
        "explanation",
    ].iloc[0]
    assert text.startswith(f"{strong.officer_id} handled ")
    assert f"declarations of {strong.declarant_id} at office {strong.office_id} in 2024Q" in text
    assert "times the" in text and "expected under random assignment" in text and "q " in text


def test_outputs_have_the_documented_columns(
    planted: tuple[IntegrityResult, GroundTruth], tmp_path: Path
) -> None:
    result, _ = planted
    paths = write_outputs(result, tmp_path)
    assert [p.name for p in paths] == [
        "indicators.csv",
        "entities.csv",
        "pair_cells.csv",
        "summary.json",
    ]
    with paths[0].open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[: len(SPEC_COLUMNS)] == SPEC_COLUMNS
    assert header == list(INDICATOR_COLUMNS)
    kinds = set(result.indicators["entity_kind"])
    assert kinds == {"officer", "declarant", "pair", "office"}
    pairs = result.indicators[result.indicators["entity_kind"] == "pair"]
    assert pairs["entity_id"].str.fullmatch(r"[^|]+\|[^|]+").all()
    entities = result.entities
    assert list(entities.columns[:7]) == [
        "entity_kind",
        "entity_id",
        "office_id",
        "score",
        "rank",
        "flags",
        "indicators",
    ]
    assert entities.groupby("entity_kind")["rank"].min().eq(1).all()
    summary = json.loads(paths[3].read_text(encoding="utf-8"))
    assert summary["notice"] == NOTICE
    assert "not proof" in NOTICE


def test_the_written_csv_files_read_back_as_the_results(
    planted: tuple[IntegrityResult, GroundTruth], tmp_path: Path
) -> None:
    """Every number is written to the last digit, every flag and text as it is: reading a file
    back gives the result it was written from."""
    result, _ = planted
    paths = write_outputs(result, tmp_path)
    frames = (result.indicators, result.entities, result.pair_cells)
    for frame, path in zip(frames, paths[:3], strict=True):
        back = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str)
        assert list(back.columns) == list(frame.columns), path.name
        assert len(back) == len(frame) > 0, path.name
        for column in frame.columns:
            mine, read = frame[column], back[column]
            if pd.api.types.is_bool_dtype(mine):
                assert read.str.lower().eq(mine.map({True: "true", False: "false"})).all()
            elif pd.api.types.is_numeric_dtype(mine):
                numbers = pd.to_numeric(read)
                assert numbers.isna().equals(mine.isna()), (path.name, column)
                assert (numbers[mine.notna()] == mine[mine.notna()]).all(), (path.name, column)
            else:
                text = mine.astype("string").fillna("")
                assert read.fillna("").eq(text).all(), (path.name, column)
    assert result.indicators["flagged"].any() and result.entities["pair_excess"].isna().any()


@pytest.mark.parametrize("kind", ["officer", "declarant", "pair", "office"])
def test_every_entity_kind_is_scored(
    planted: tuple[IntegrityResult, GroundTruth], kind: str
) -> None:
    result, _ = planted
    scored = result.entities[result.entities["entity_kind"] == kind]
    assert len(scored) > 0
    assert (scored["score"] >= 0).all()
    assert scored["score"].is_monotonic_decreasing


def test_results_do_not_depend_on_row_order_or_threads(
    planted: tuple[IntegrityResult, GroundTruth],
) -> None:
    """The same declarations in another order, on four threads, give byte-identical outputs:
    sums are exact integers, results are read in key order, and ties have a fixed order."""
    import numpy as np

    from arusha.analytics import Engine, run_integrity
    from arusha.analytics.generate import generate_table
    from tests.analytics.tables import PLANTED

    table, _ = generate_table(PLANTED)
    shuffled = table.take(np.random.default_rng(5).permutation(table.num_rows))
    with Engine(threads=4) as engine:
        again = run_integrity(shuffled, engine=engine)
    first = planted[0]
    assert first.indicators["flagged"].any()
    for name in ("indicators", "entities", "pair_cells"):
        mine, theirs = getattr(first, name), getattr(again, name)
        assert mine.to_csv(index=False) == theirs.to_csv(index=False), name


def test_sampled_unit_values_do_not_depend_on_row_order(
    planted: tuple[IntegrityResult, GroundTruth],
) -> None:
    """Above `uv_sample` lines the unit-value medians come from a sample: drawn from what each
    line is (its declaration and item), the sample and every result are the same whatever the
    order of the rows (a sample of every k-th row in file order was not)."""
    import numpy as np

    from arusha.analytics import Settings, run_integrity
    from arusha.analytics.generate import generate_table
    from tests.analytics.tables import PLANTED

    def undervaluation(result: IntegrityResult) -> pd.Series:
        f = result.indicators
        return f.loc[f["indicator"] == "undervaluation", "value"].reset_index(drop=True)

    table, _ = generate_table(PLANTED)
    settings = Settings(uv_sample=table.num_rows // 3)
    shuffled = table.take(np.random.default_rng(7).permutation(table.num_rows))
    first = run_integrity(table, settings=settings)
    again = run_integrity(shuffled, settings=settings)
    sampled = undervaluation(first)
    assert sampled.notna().sum() > 10
    # the sample is a sample: its medians, and so some z-scores, differ from all lines'
    assert not sampled.equals(undervaluation(planted[0]))
    for name in ("indicators", "entities", "pair_cells"):
        mine, theirs = getattr(first, name), getattr(again, name)
        assert mine.to_csv(index=False) == theirs.to_csv(index=False), name


def test_no_cell_of_the_written_csv_files_runs_as_a_formula(tmp_path: Path) -> None:
    """Identifiers come from the analysed file: an officer ID such as "=1+2" must reach a
    spreadsheet as text (a leading apostrophe, as the web app's exports write it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from arusha.analytics import GeneratorConfig, run_integrity
    from arusha.analytics.generate import generate_table

    table, _ = generate_table(GeneratorConfig(rows=30_000, seed=5))
    officer = table.column("officer_id").cast(pa.string())
    declarant = table.column("declarant_id").cast(pa.string())
    first_officer, first_declarant = officer[0].as_py(), declarant[0].as_py()
    officer = pc.if_else(pc.equal(officer, first_officer), "=1+2", officer)
    declarant = pc.if_else(pc.equal(declarant, first_declarant), "@SUM(A1)", declarant)
    table = table.set_column(table.schema.get_field_index("officer_id"), "officer_id", officer)
    table = table.set_column(
        table.schema.get_field_index("declarant_id"), "declarant_id", declarant
    )
    paths = write_outputs(run_integrity(table), tmp_path)
    seen: set[str] = set()
    for path in paths[:3]:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                assert not [cell for cell in row if cell.startswith(("=", "+", "@", "\t", "\r"))]
                assert not [c for c in row if c.startswith("-") and not _number(c)]
                seen.update(cell for cell in row if cell.startswith("'"))
    assert any(cell.startswith("'=1+2") for cell in seen)
    assert any(cell.startswith("'@SUM(A1)") for cell in seen)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    "absent", [c.name for c in schema.COLUMNS if not c.required and c.name != "item_no"]
)
def test_the_analysis_runs_without_any_one_optional_column(absent: str) -> None:
    """Each optional column may be missing: the indicators that need it are left out, the rest
    are computed. Without channel_final the downgrade indicator stopped the run (KeyError)."""
    from arusha.analytics import REGISTRY, GeneratorConfig, run_integrity
    from arusha.analytics.generate import generate_table

    table, _ = generate_table(GeneratorConfig(rows=6_000, seed=3, offices=2, officers=10))
    result = run_integrity(table.drop_columns([absent]))
    assert absent in result.summary["columns_absent"]  # type: ignore[operator]
    computed = set(result.indicators["indicator"])
    assert computed and computed <= set(REGISTRY)
    if absent == "channel_final":
        assert "downgrades" not in computed
        assert "red_detection" in computed


def test_a_column_of_mixed_objects_is_written_as_text(tmp_path: Path) -> None:
    """Arrow takes no column mixing numbers and texts; such a column is written as pandas
    would write it, missing values empty, formulas defused."""
    from arusha.analytics.integrity import write_csv

    frame = pd.DataFrame(
        {"entity_id": ["OF1", 7, None, "=1+2"], "score": [1.5, float("nan"), 2.0, 0.25]}
    )
    path = tmp_path / "mixed.csv"
    write_csv(frame, path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["entity_id", "score"],
        ["OF1", "1.5"],
        ["7", ""],
        ["", "2"],
        ["'=1+2", "0.25"],
    ]
