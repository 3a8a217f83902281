"""Named exceptions of the analytics library; the CLI and the web app turn them into messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arusha.analytics.validation import ValidationReport


class AnalyticsError(Exception):
    """Base class: something about the input stops the analysis."""


class SourceError(AnalyticsError):
    """The data file cannot be found or read."""


class MappingError(AnalyticsError):
    """A mapping file is missing, is not valid YAML, or does not describe a valid mapping."""


class ValidationFailed(AnalyticsError):
    """The data failed validation; `report` lists every problem found. Nothing was analysed."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(report.summary())
