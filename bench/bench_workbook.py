"""Benchmark of Excel workbooks as input: reading a sheet with calamine (what the analysis uses)
against openpyxl's read-only mode (the baseline, what the platform's small imports use), then
the whole analysis from the workbook against the same rows as CSV, in the same run.

The rows are the first N of the generated data (`arusha.analytics.generate`), written once as a
workbook with openpyxl (minutes for a million rows) and as CSV, cached in the temporary
directory. Prints every figure and the ratios; asserts nothing.

    .venv/bin/python bench/bench_workbook.py                  # 100,000 rows
    .venv/bin/python bench/bench_workbook.py --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pyarrow.csv as pacsv
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from arusha.analytics import GeneratorConfig, run_integrity
from arusha.analytics.generate import generate_table, plain
from arusha.analytics.workbook import workbook_to_csv


def _data(rows: int, cache: Path) -> tuple[Path, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    book, text = cache / f"declarations-{rows}.xlsx", cache / f"declarations-{rows}.csv"
    if book.exists() and text.exists():
        return book, text
    table = plain(generate_table(GeneratorConfig(rows=rows, seed=1))[0])
    pacsv.write_csv(table, text)
    started = time.perf_counter()
    out = Workbook(write_only=True)
    sheet = out.create_sheet("Declarations")
    sheet.append(table.column_names)
    for batch in table.to_batches(50_000):
        for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
            sheet.append([v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row])
    out.save(book)
    print(f"wrote {book.name} ({book.stat().st_size / 1e6:.0f} MB) in {_s(started)}")
    return book, text


def _s(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def _timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "arusha-bench")
    args = parser.parse_args()
    book, text = _data(args.rows, args.cache)

    def openpyxl_rows() -> None:
        workbook = load_workbook(book, read_only=True, data_only=True)
        for _row in workbook.worksheets[0].iter_rows(values_only=True):
            pass
        workbook.close()

    def calamine_rows() -> None:
        workbook = CalamineWorkbook.from_path(str(book))
        for _row in workbook.get_sheet_by_index(0).iter_rows():
            pass
        workbook.close()

    with tempfile.TemporaryDirectory() as tmp:
        copy = _timed(lambda: workbook_to_csv(book, Path(tmp) / "copy.csv"))
    calamine = _timed(calamine_rows)
    baseline = _timed(openpyxl_rows)
    from_csv = _timed(lambda: run_integrity(text))
    from_book = _timed(lambda: run_integrity(book))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"{args.rows:,} rows, {book.stat().st_size / 1e6:.0f} MB workbook")
    print(f"  reading the sheet: calamine {calamine:.1f} s, openpyxl {baseline:.1f} s "
          f"({baseline / calamine:.1f}x slower)")  # fmt: skip
    print(f"  copying the sheet to CSV (calamine and writing): {copy:.1f} s")
    print(f"  whole analysis: from the workbook {from_book:.1f} s, from CSV {from_csv:.1f} s "
          f"({from_book / from_csv:.1f}x)")  # fmt: skip
    print(f"  peak memory of the process: {peak:.2f} GB")


if __name__ == "__main__":
    main()
