"""Named exceptions of the analytics library; the CLI and the web app turn them into messages.

Each carries a machine-readable `kind` and, where it applies, the `row` (data rows counted from
1), `column` and `value` at fault, so that the web app can say the same in the reader's language.
The English message is built by the library alone: it never holds an engine's own error text,
a query or a temporary path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arusha.analytics.validation import ValidationReport


class AnalyticsError(Exception):
    """Base class: something about the input stops the analysis."""


class SourceError(AnalyticsError):
    """The data file cannot be found or read.

    Kinds: not_found, unknown_format, unreadable, empty_file, encoding, unknown_encoding,
    bad_delimiter, wrong_delimiter, bad_decimal, bad_date_order, ambiguous_dates,
    duplicate_header, blank_header, no_header, spreadsheet, binary, carriage_return,
    damaged; for a workbook (see `workbook`): not_workbook, workbook_too_large,
    workbook_packed, no_sheet, no_such_sheet, workbook_unreadable, empty_sheet."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.kind, self.row, self.column, self.value = kind, row, column, value
        super().__init__(message)


class MappingError(AnalyticsError):
    """A mapping file is missing, is not valid YAML, or does not describe a valid mapping."""


class ValidationFailed(AnalyticsError):
    """The data failed validation; `report` lists every problem found. Nothing was analysed."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(report.summary())
