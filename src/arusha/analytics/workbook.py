"""Excel workbooks (XLSX) as input: a worksheet (the one named, else the first visible one with
the required columns), copied to a UTF-8 CSV file that the analysis then reads like any other,
so that a workbook is validated and analysed exactly as the same data saved as CSV would be.

Cells keep their meaning, not their look: a number is written in full with a decimal point
(an integer without one: `1`, not `1.0`), a date as ISO (`2024-02-26 13:49:36`), true and false
as words; text is copied as it is, so dates or amounts typed as text are read as in a CSV file
(day-first dates, decimal commas). A cell holding an error (`#N/A`) is read as empty. The rows
above the header (the first row with anything in it) are not copied; every row below it is, and
validation reports name the sheet's own rows (`Sheet.row`).

The workbook is read by calamine (python-calamine), which parses a sheet about ten times faster
than openpyxl (100,000 rows of 19 columns: 1.3 s against 13.8 s). Before anything is parsed the
ZIP archive's directory is checked: a workbook that would unpack to more than `max_unpacked`
bytes, or one of whose parts is packed hundreds of times smaller than it unpacks (a ZIP bomb),
is refused.
"""

from __future__ import annotations

import csv
import datetime as pydt
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from arusha.analytics.errors import SourceError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# A sheet of Excel's 1,048,576 rows and 19 columns unpacks to about 0.9 GB and takes 1.8 GB of
# memory to read (calamine holds the sheet): 2 GB allows some 40 columns and bounds the memory.
MAX_UNPACKED = 2 * 1024**3
# Spreadsheet XML packs ten to twenty times smaller; a large part packed hundreds of times smaller
# is padding made to unpack big.
MAX_PACKING_RATIO = 200
PACKING_CHECKED_FROM = 1024 * 1024
LARGEST_EXACT_INTEGER = 2**53


def copy_delimiter(decimal: str) -> str:
    """The delimiter of a sheet's CSV copy: a comma, or a semicolon beside a decimal comma."""
    return "," if decimal == "." else ";"


def is_workbook(source: object) -> bool:
    """Whether the source is an Excel workbook, by its name."""
    return isinstance(source, str | Path) and str(source).lower().endswith(WORKBOOK_SUFFIXES)


@dataclass(frozen=True)
class Sheet:
    """The sheet a workbook was read from: its name, and the row of its header (from 1)."""

    name: str
    header_row: int

    def row(self, data_row: int) -> int:
        """The sheet's row of the CSV copy's data row `data_row` (from 1)."""
        return self.header_row + data_row


def workbook_to_csv(
    path: Path,
    target: Path,
    *,
    decimal: str = ".",
    sheet: str | None = None,
    wanted: Collection[str] = (),
    max_unpacked: int = MAX_UNPACKED,
) -> Sheet:
    """Copy a worksheet of the workbook to `target` as UTF-8 CSV; returns the sheet's name and
    the row of its header. The sheet is the one named `sheet` (its name as written, or the one
    name that matches it but for case and blanks); else the first visible worksheet whose
    header holds every column of `wanted` (but for case), or the first visible worksheet when
    none does (its validation report then lists what it lacks). Numbers are written with
    `decimal` as their decimal mark, fields separated by commas (semicolons with a decimal
    comma).

    Raises SourceError: `not_workbook` (not a ZIP archive), `workbook_too_large` (`value`: the
    limit in MB), `workbook_packed` (a part packed too tightly), `no_sheet` (no visible
    worksheet), `no_such_sheet` (`value`: the name given, `column`: the workbook's worksheets,
    comma-separated), `workbook_unreadable` (calamine cannot read it) or `empty_sheet`
    (`value`: the sheet's name)."""
    _check_archive(path, max_unpacked)
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            names = [_named(book, sheet)] if sheet else _visible_sheets(book)
            chosen = _fitting(book, names, wanted)
            header = _write_csv(chosen.iter_rows(), target, decimal)
        finally:
            book.close()
    except (CalamineError, OSError, ValueError) as exc:  # calamine's text is not shown
        raise SourceError(
            "workbook_unreadable",
            "The workbook cannot be read: open it in the spreadsheet program, save it again as "
            "XLSX (or as CSV) and use that copy.",
        ) from exc
    name = str(chosen.name)
    if not header:
        raise SourceError(
            "empty_sheet", f"The sheet {name!r} of the workbook is empty.", value=name
        )
    return Sheet(name, header)


def _fitting(book: CalamineWorkbook, names: list[str], wanted: Collection[str]) -> CalamineSheet:
    """The first of the sheets whose header has every wanted column, else the first. Each
    candidate is parsed once, whole (calamine reads a sheet at once); the first is kept while
    the others are tried, so that it need not be parsed again when none fits."""
    first = book.get_sheet_by_name(names[0])
    folded = {name.casefold() for name in wanted}
    if len(names) == 1 or not folded:
        return first
    others = (book.get_sheet_by_name(name) for name in names[1:])  # one at a time
    for sheet in chain([first], others):
        if folded <= {str(cell).strip().casefold() for cell in _header(sheet.iter_rows())}:
            return sheet
    return first


def _header(rows: Iterable[Sequence[object]]) -> Sequence[object]:
    return next((row for row in rows if any(_text(cell) for cell in row)), ())


def _named(book: CalamineWorkbook, name: str) -> str:
    """The worksheet called `name`: as written, else the one matching it but for case and the
    blanks around it."""
    sheets = [s.name for s in book.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
    if name in sheets:
        return name
    matches = [s for s in sheets if s.strip().casefold() == name.strip().casefold()]
    if len(matches) == 1:
        return matches[0]
    listed = ", ".join(sheets)
    raise SourceError(
        "no_such_sheet",
        f"The workbook has no sheet named {name!r}; its sheets: {listed}.",
        value=name,
        column=listed,
    )


def _check_archive(path: Path, max_unpacked: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SourceError(
            "not_workbook",
            "This is not an XLSX workbook, although its name says so: save it again as XLSX "
            "(or as CSV), or give it the name of what it is.",
        ) from exc
    if sum(m.file_size for m in members) > max_unpacked:
        megabytes = f"{max_unpacked // 1024**2:,}"
        raise SourceError(
            "workbook_too_large",
            f"The workbook unpacks to more than {megabytes} MB: save its declarations as CSV "
            "instead.",
            value=megabytes,
        )
    if any(_packed_too_tightly(m) for m in members):
        raise SourceError(
            "workbook_packed",
            "The workbook is packed in an unusual way and cannot be read safely: open it in the "
            "spreadsheet program and save it again as XLSX (or as CSV).",
        )


def _packed_too_tightly(member: zipfile.ZipInfo) -> bool:
    if member.file_size < PACKING_CHECKED_FROM:
        return False
    return member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1)


def _visible_sheets(book: CalamineWorkbook) -> list[str]:
    names = [
        str(sheet.name)
        for sheet in book.sheets_metadata
        if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible
    ]
    if not names:
        raise SourceError("no_sheet", "The workbook has no visible worksheet.")
    return names


def _write_csv(rows: Iterable[Sequence[object]], target: Path, decimal: str) -> int:
    """Write the rows from the header on (calamine gives a sheet's rows from its first); the
    header's row in the sheet, counted from 1 (0: the sheet is empty)."""
    header = 0
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=copy_delimiter(decimal), lineterminator="\n")
        for number, row in enumerate(rows, start=1):
            cells = [_text(value, decimal) for value in row]
            if not header and not any(cells):
                continue  # above the header
            header = header or number
            writer.writerow(cells)
    return header


def _text(value: object, decimal: str = ".") -> str:
    """A cell as a CSV file would hold it."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is float:
        number: float = value  # type: ignore[assignment]
        if number.is_integer() and abs(number) < LARGEST_EXACT_INTEGER:
            return str(int(number))
        return repr(number) if decimal == "." else repr(number).replace(".", decimal)
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, pydt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, pydt.date | pydt.time):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)  # an integer, a duration
