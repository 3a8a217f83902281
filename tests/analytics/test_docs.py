"""docs/analytics.md stays honest: every indicator, command example and shipped mapping is in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from arusha.analytics import REGISTRY, Settings
from arusha.analytics.cli import EXAMPLES
from arusha.analytics.mapping import BUILTIN

DOC = Path(__file__).resolve().parents[2] / "docs" / "analytics.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_indicator_is_documented_with_its_minimum(doc: str, name: str) -> None:
    assert f"`{name}`" in doc
    assert f"| `{name}`" in doc or f", `{name}`" in doc


def test_every_command_example_is_in_the_docs(doc: str) -> None:
    for example in EXAMPLES.values():
        assert example in doc


def test_the_shipped_mappings_and_the_notice_are_described(doc: str) -> None:
    for name in BUILTIN:
        assert f"`{name}`" in doc
    assert "indicators for review, not proof" in doc


def test_the_documented_minimums_match_the_settings(doc: str) -> None:
    s = Settings()
    assert f"pair ≥ {s.pair_min_count}" in doc
    assert f"pair ≥ {s.signature_min_count} declarations" in doc
    assert f"{s.downgrade_min} yellow or red declarations" in doc
    assert f"{s.detection_min} inspected red-channel declarations" in doc
    assert f"{s.benford_min:,} positive declared values" in doc
    assert f"{s.uv_min} priced lines" in doc
