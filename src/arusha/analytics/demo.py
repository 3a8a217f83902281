"""The demo data set: generated declarations with planted corruption, analysed, ready to load.

The web app calls `build_demo` (or the CLI `arusha analytics demo`) and stores what it returns;
`evaluate` measures how much of the planted corruption the indicators found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from arusha.analytics.generate import GeneratorConfig, GroundTruth, write_dataset
from arusha.analytics.integrity import IntegrityResult, ProgressFn, run_integrity, write_outputs

DEMO_CONFIG = GeneratorConfig(
    rows=200_000, seed=2024, offices=6, officers=60, declarants=240, strong_pairs=3, weak_pairs=3
)


@dataclass
class Demo:
    data_path: Path
    truth_path: Path
    truth: GroundTruth
    result: IntegrityResult
    results_dir: Path


def build_demo(
    out_dir: str | Path, config: GeneratorConfig = DEMO_CONFIG, progress: ProgressFn | None = None
) -> Demo:
    """Generate the demo declarations into `out_dir`, analyse them and write the results."""
    out = Path(out_dir)
    data_path, truth_path = out / "declarations.parquet", out / "declarations.truth.json"
    truth = write_dataset(config, data_path, truth_path)
    result = run_integrity(data_path, progress=progress)
    result.summary["evaluation"] = evaluate(result, truth)
    results_dir = out / "results"
    write_outputs(result, results_dir)
    return Demo(data_path, truth_path, truth, result, results_dir)


def evaluate(result: IntegrityResult, truth: GroundTruth) -> dict[str, dict[str, float]]:
    """Planted pairs flagged (recall) and other pairs flagged, per pair indicator and strength."""
    out: dict[str, dict[str, float]] = {}
    pairs = result.indicators[result.indicators["entity_kind"] == "pair"]
    for indicator, rows in pairs.groupby("indicator"):
        flagged = set(rows.loc[rows["flagged"], "entity_id"])
        for strength in ("strong", "weak"):
            planted = {
                f"{p.officer_id}|{p.declarant_id}" for p in truth.pairs if p.strength == strength
            }
            if planted:
                out.setdefault(str(indicator), {})[f"recall_{strength}"] = len(
                    planted & flagged
                ) / len(planted)
        out.setdefault(str(indicator), {})["other_pairs_flagged"] = float(
            len(flagged - truth.pair_ids)
        )
    return out
