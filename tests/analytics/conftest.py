"""Generated data sets shared by the tests of the analytics library (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arusha.analytics.generate import GroundTruth, generate_table
from arusha.analytics.integrity import IntegrityResult, run_integrity
from tests.analytics.tables import CLEAN, KCS_TRAIN, PLANTED


@pytest.fixture(scope="session")
def planted() -> tuple[IntegrityResult, GroundTruth]:
    table, truth = generate_table(PLANTED)
    return run_integrity(table), truth


@pytest.fixture(scope="session")
def clean() -> IntegrityResult:
    table, _ = generate_table(CLEAN)
    return run_integrity(table)


@pytest.fixture
def kcs_train() -> Path:
    if not KCS_TRAIN.exists():
        pytest.skip(f"the shared KCS data is not at {KCS_TRAIN} (it sits beside the repository)")
    return KCS_TRAIN
