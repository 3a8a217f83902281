"""Cells exported to CSV and XLSX never run as spreadsheet formulas."""

from __future__ import annotations

import pytest

from arusha.core.spreadsheets import safe_cell, safe_row


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_text_that_would_run_as_a_formula_becomes_plain_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_ordinary_values_pass_unchanged() -> None:
    assert safe_row(["Guayaquil", -3, 2.5, None, ""]) == ["Guayaquil", -3, 2.5, None, ""]
