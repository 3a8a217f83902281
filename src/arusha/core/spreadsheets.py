"""Cells bound for CSV and XLSX files that people open in a spreadsheet program."""

from __future__ import annotations

from typing import Any

# Spreadsheet programs run cells that start with these as formulas (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with a text that would run as a formula turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Any) -> list[Any]:
    return [safe_cell(value) for value in row]
