"""Integrity risk analytics on customs declaration data. Never imports Django.

Declarations in (CSV, an Excel workbook or Parquet, in the canonical schema or another layout
with a mapping), indicators and scores out. The indicators are leads for review, not proof.

    from arusha.analytics import run_integrity, write_outputs
    result = run_integrity("declarations.parquet")
    write_outputs(result, "results/")
"""

from __future__ import annotations

from arusha.analytics.demo import Demo, build_demo, evaluate
from arusha.analytics.engine import Engine
from arusha.analytics.errors import AnalyticsError, MappingError, SourceError, ValidationFailed
from arusha.analytics.generate import GeneratorConfig, GroundTruth, generate_table, write_dataset
from arusha.analytics.indicators.base import INDICATOR_COLUMNS, REGISTRY, IndicatorInfo, Settings
from arusha.analytics.integrity import (
    NOTICE,
    IntegrityResult,
    read_canonical,
    run_integrity,
    validate,
    write_outputs,
)
from arusha.analytics.mapping import Mapping, load_mapping
from arusha.analytics.validation import PROBLEM_KINDS, Problem, ValidationReport

__all__ = [
    "INDICATOR_COLUMNS",
    "NOTICE",
    "PROBLEM_KINDS",
    "REGISTRY",
    "AnalyticsError",
    "Demo",
    "Engine",
    "GeneratorConfig",
    "GroundTruth",
    "IndicatorInfo",
    "IntegrityResult",
    "Mapping",
    "MappingError",
    "Problem",
    "Settings",
    "SourceError",
    "ValidationFailed",
    "ValidationReport",
    "build_demo",
    "evaluate",
    "generate_table",
    "load_mapping",
    "read_canonical",
    "run_integrity",
    "validate",
    "write_dataset",
    "write_outputs",
]
