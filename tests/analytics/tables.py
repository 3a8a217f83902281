"""Small tables built by hand, and where the test data lives."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa

from arusha.analytics.generate import GeneratorConfig

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
KCS_TRAIN = SHARED / "data" / "kcs-customs-declarations" / "train.csv"

# Enough declarations for officer indicators, small enough to keep the module quick.
PLANTED = GeneratorConfig(
    rows=80_000, seed=11, offices=3, officers=30, declarants=60, strong_pairs=3, weak_pairs=3
)
CLEAN = GeneratorConfig(rows=80_000, seed=12, offices=3, officers=30, declarants=60, clean=True)


def declarations(rows: list[dict[str, object]]) -> pa.Table:
    """A canonical table from a few hand-written rows; unspecified fields get neutral values."""
    start = datetime(2024, 4, 2, 9, 0)
    full = []
    for i, row in enumerate(rows):
        base: dict[str, object] = {
            "declaration_id": f"D{i:05d}",
            "item_no": 1,
            "lodged_at": start,
            "released_at": start + timedelta(hours=2),
            "office_id": "OF1",
            "declarant_id": "DC1",
            "importer_id": "IM1",
            "officer_id": "OA",
            "hs_code": "850440",
            "origin_country": "CN",
            "customs_value": 1000.0,
            "net_mass_kg": 10.0,
            "duty_rate": 10.0,
            "duty_paid": 100.0,
            "channel_assigned": "green",
            "channel_final": "green",
            "inspected": False,
            "offence_found": False,
            "revenue_recovered": 0.0,
        }
        base.update(row)
        full.append(base)
    return pa.Table.from_pylist(full)


def repeat(count: int, **fields: object) -> list[dict[str, object]]:
    return [dict(fields) for _ in range(count)]
