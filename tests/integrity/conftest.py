"""Fixtures of the integrity analytics tests: a small generated declarations file, and a run of it
analysed for Ecuador by Alice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arusha.analytics import GeneratorConfig, write_dataset

SMALL = GeneratorConfig(rows=3000, seed=7, offices=3, officers=15, declarants=40)


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over() -> None:
    """The API counts uploads per user in the cache, which outlives a test's database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def declarations_csv(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("integrity") / "declarations.csv"
    write_dataset(SMALL, path)
    return path


@pytest.fixture
def run(declarations_csv: Path, ecuador: Any, alice: Any) -> Any:
    from arusha.integrity.storing import analyse_file

    return analyse_file(
        declarations_csv, organisation=ecuador, user=alice, source_name="declarations.csv"
    )
