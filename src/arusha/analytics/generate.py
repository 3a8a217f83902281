"""Synthetic declarations with planted, documented corruption, for tests, benchmarks and the demo.

`GeneratorConfig` says what to generate; `generate_table` returns a small data set in memory,
`write_dataset` streams a large one to Parquet or CSV; both come with a `GroundTruth` of what
was planted. How the data is drawn is in `synthetic.py` and docs/analytics.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from arusha.analytics.synthetic import (
    SCENARIOS,
    GeneratorConfig,
    PlantedPair,
    build_world,
    draw_chunk,
    plant,
)

__all__ = [
    "SCENARIOS",
    "GeneratorConfig",
    "GroundTruth",
    "PlantedPair",
    "generate_batches",
    "generate_table",
    "write_dataset",
]


@dataclass
class GroundTruth:
    """What was planted, so that tests and the demo can measure recall and false flags."""

    config: dict[str, object]
    pairs: list[PlantedPair] = field(default_factory=list)
    benford_declarants: list[str] = field(default_factory=list)
    downgrading_officers: list[str] = field(default_factory=list)

    @property
    def pair_ids(self) -> set[str]:
        return {f"{p.officer_id}|{p.declarant_id}" for p in self.pairs}

    @property
    def officer_ids(self) -> set[str]:
        return {p.officer_id for p in self.pairs}

    def to_json(self) -> str:
        data = {
            "description": "Planted corruption; see docs/analytics.md, 'Synthetic data'.",
            "config": self.config,
            "pairs": [asdict(p) for p in self.pairs],
            "benford_declarants": self.benford_declarants,
            "downgrading_officers": self.downgrading_officers,
        }
        return json.dumps(data, indent=2, default=str)

    @classmethod
    def from_json(cls, text: str) -> GroundTruth:
        data = json.loads(text)
        pairs = [PlantedPair(**p) for p in data["pairs"]]
        return cls(
            config=data["config"],
            pairs=pairs,
            benford_declarants=data["benford_declarants"],
            downgrading_officers=data.get("downgrading_officers", []),  # absent before rotation
        )


def generate_batches(config: GeneratorConfig) -> tuple[GroundTruth, Iterator[pa.Table]]:
    """The ground truth and a lazy stream of tables of at most `chunk_rows` rows each."""
    cfg = config.resolved()
    seeds = np.random.SeedSequence(cfg.seed)
    world_seed, plant_seed, chunk_seed = seeds.spawn(3)
    world = build_world(cfg, np.random.default_rng(world_seed))
    pairs = plant(world, np.random.default_rng(plant_seed))
    truth = GroundTruth(
        config={k: str(v) if isinstance(v, date) else v for k, v in asdict(cfg).items()},
        pairs=pairs,
        benford_declarants=[str(x) for x in world.declarant_ids[world.benford]],
        downgrading_officers=[str(x) for x in world.officer_ids[world.downgraders]],
    )

    def stream() -> Iterator[pa.Table]:
        done, first_decl = 0, 0
        chunk_seeds = chunk_seed.spawn(math.ceil(cfg.rows / cfg.chunk_rows))
        for s in chunk_seeds:
            rows = min(cfg.chunk_rows, cfg.rows - done)
            table = draw_chunk(world, np.random.default_rng(s), first_decl, rows)
            done += rows
            first_decl += _n_decls(table)
            yield table

    return truth, stream()


def _n_decls(table: pa.Table) -> int:
    return int(np.count_nonzero(table.column("item_no").to_numpy() == 1))


def generate_table(config: GeneratorConfig) -> tuple[pa.Table, GroundTruth]:
    """Small data sets in memory (tests, the demo)."""
    truth, batches = generate_batches(config)
    return pa.concat_tables(list(batches)), truth


def write_dataset(
    config: GeneratorConfig,
    out: Path,
    truth_out: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> GroundTruth:
    """Write the data (Parquet, or CSV if `out` ends in .csv) and its ground truth (JSON)."""
    truth, batches = generate_batches(config)
    out.parent.mkdir(parents=True, exist_ok=True)
    total, done = config.rows, 0
    if out.suffix.lower() == ".csv":
        _write_csv(batches, out, lambda n: progress and progress("generate", n, total))
    else:
        writer: pq.ParquetWriter | None = None
        for table in batches:
            writer = writer or pq.ParquetWriter(out, table.schema, compression="zstd")
            writer.write_table(table)
            done += table.num_rows
            if progress:
                progress("generate", done, total)
        if writer:
            writer.close()
    (truth_out or truth_path_for(out)).write_text(truth.to_json(), encoding="utf-8")
    return truth


def _write_csv(batches: Iterator[pa.Table], out: Path, report: Callable[[int], object]) -> None:
    writer: pacsv.CSVWriter | None = None
    done = 0
    for table in batches:
        texts = plain(table)
        writer = writer or pacsv.CSVWriter(out, texts.schema)
        writer.write_table(texts)
        done += texts.num_rows
        report(done)
    if writer:
        writer.close()


def plain(table: pa.Table) -> pa.Table:
    """The generator's dictionary-encoded texts as plain texts (for CSV files and workbooks)."""
    return pa.table(
        {
            n: c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c
            for n, c in zip(table.column_names, table.columns, strict=True)
        }
    )


def truth_path_for(out: Path) -> Path:
    """Where the ground truth of a generated file goes by default: beside it."""
    return out.with_name(out.name.split(".")[0] + ".truth.json")
