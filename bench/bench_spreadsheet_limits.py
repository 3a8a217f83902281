"""Benchmark of the upload limits on XLSX workbooks (arusha.core.spreadsheets). Prints figures;
asserts nothing on time.

    .venv/bin/python bench/bench_spreadsheet_limits.py

For each hostile workbook (a shared-strings zip bomb, a sheet padded with blank space, a sheet
of 1,048,576 formatted empty rows with and without its stated size) and an ordinary 2,000-row
export: the file size, then the time and peak traced memory of openpyxl opening and reading it
as the imports used to, against the checked path (``open_workbook`` + ``sheet_rows``), and the
ratio between them.
"""

from __future__ import annotations

import io
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the hostile workbooks are built by the tests' helper
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arusha.settings")

import django  # noqa: E402

django.setup()

from openpyxl import load_workbook  # noqa: E402

from arusha.core import spreadsheets  # noqa: E402
from tests.core import workbooks  # noqa: E402


def _unchecked(content: bytes) -> int:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def _checked(content: bytes) -> int:
    try:
        with spreadsheets.open_workbook(io.BytesIO(content)) as book:
            return sum(1 for _row in spreadsheets.sheet_rows(spreadsheets.first_sheet(book)))
    except spreadsheets.SpreadsheetRejected as refused:
        return -len(refused.code)  # refused: no row count


def _measure(read: Callable[[bytes], int], content: bytes) -> tuple[float, float, Any]:
    tracemalloc.start()
    start = time.perf_counter()
    outcome = read(content)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / workbooks.MB
    tracemalloc.stop()
    return seconds, peak, outcome


def _ordinary() -> bytes:
    rows = [["Title", "Customs owner", "Status", "Progress %"]]
    rows += [[f"Action {n}", "Integrity unit", "In progress", n % 100] for n in range(2000)]
    return workbooks.plain(*rows)


CASES = {
    "shared strings bomb (64 MB of blanks)": lambda: workbooks.shared_strings_bomb(64),
    "sheet padded with 8 MB of blanks": lambda: workbooks.sheet_padding_bomb(8),
    "1,048,576 empty rows, size stated": lambda: workbooks.million_blank_rows(dimension=True),
    "1,048,576 empty rows, size not stated": lambda: workbooks.million_blank_rows(dimension=False),
    "ordinary export, 2,000 rows": _ordinary,
}


def main() -> None:
    print(
        f"{'workbook':40} {'file KB':>8} {'openpyxl s':>10} {'MB':>7} {'checked s':>9} "
        f"{'MB':>6} {'time ratio':>10}  outcome"
    )
    for name, build in CASES.items():
        content = build()
        before = _measure(_unchecked, content)
        after = _measure(_checked, content)
        outcome = f"{after[2]} rows read" if after[2] >= 0 else "refused"
        print(
            f"{name:40} {len(content) / 1024:8.0f} {before[0]:10.2f} {before[1]:7.1f} "
            f"{after[0]:9.3f} {after[1]:6.1f} {before[0] / max(after[0], 1e-6):9.0f}x  {outcome}"
        )


if __name__ == "__main__":
    main()
