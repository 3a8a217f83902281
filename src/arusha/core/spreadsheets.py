"""Spreadsheets in and out: cells bound for CSV and XLSX files that people open in a spreadsheet
program, and uploaded XLSX workbooks read within limits, so that a small file can take neither the
server's memory nor minutes of a request.

An XLSX file is a ZIP archive. Its directory says how big each part unpacks to, and each sheet says
how many rows and columns it spans; both are checked before anything is parsed, and the rows are
counted again while they are read, since a sheet may understate its size.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

# Spreadsheet programs run cells that start with these as formulas (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Spreadsheet XML packs ten to twenty times smaller; a large part packed hundreds of times smaller
# is padding (blank space, one string repeated) made to unpack big.
MAX_PACKING_RATIO = 200
PACKING_CHECKED_FROM = 1024 * 1024
# Row and cell tags, with or without a namespace prefix (<row r="1">, <x:c r="A1">).
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?(row|c)[\s/>]")
_TAG_ROOM = 32
_SCAN_CHUNK = 1024 * 1024

# What openpyxl raises on a file that is not a workbook, or a broken one (ParseError is a
# SyntaxError; a missing part is a KeyError).
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
    EOFError,
)


def safe_cell(value: Any) -> Any:
    """The value, with a text that would run as a formula turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Any) -> list[Any]:
    return [safe_cell(value) for value in row]


def plain_cell(value: Any) -> Any:
    """A value read back from an exported file, without the quote that ``safe_cell`` added."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class SpreadsheetRejected(Exception):
    """The upload is not a workbook that can be read within the limits; ``message`` says why in
    the reader's language, and ``code`` names the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _not_a_workbook() -> SpreadsheetRejected:
    return SpreadsheetRejected("not_xlsx", _("This is not an XLSX workbook."))


def file_size(file: IO[bytes]) -> int:
    """The upload's size in bytes, from Django's ``size`` or by seeking to its end."""
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    end = file.seek(0, 2)
    file.seek(position)
    return end


def check_file_size(file: IO[bytes], limit: int) -> None:
    if file_size(file) > limit:
        raise SpreadsheetRejected(
            "too_large",
            _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)},
        )


def _packed_too_tightly(member: zipfile.ZipInfo) -> bool:
    if member.file_size < PACKING_CHECKED_FROM:
        return False
    return member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1)


def check_archive(file: IO[bytes]) -> None:
    """Refuse a workbook that would unpack too big (from the ZIP directory alone), or whose sheets
    hold too many rows or cells (by counting their tags, without parsing them)."""
    check_file_size(file, settings.SPREADSHEET_MAX_BYTES)
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            _check_members(archive.infolist())
            for member in archive.infolist():
                if _is_sheet(member.filename):
                    _check_tags(archive, member)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as error:
        raise _not_a_workbook() from error
    finally:
        file.seek(0)


def _is_sheet(name: str) -> bool:
    return "worksheets/" in name and name.endswith(".xml")


def _check_tags(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Count the sheet's row and cell tags in its unpacked text, a megabyte at a time.

    openpyxl parses a whole sheet as it opens the workbook when the sheet does not state its
    size, so the count must come first."""
    max_rows, max_cells = settings.SPREADSHEET_MAX_ROWS, settings.SPREADSHEET_MAX_CELLS
    rows = cells = 0
    carry = b""
    with archive.open(member) as part:
        while chunk := part.read(_SCAN_CHUNK):
            data = carry + chunk
            # A tag that starts in the last bytes may be cut: count it with the next chunk.
            cut = max(len(data) - _TAG_ROOM, 0)
            for match in _ROW_OR_CELL.finditer(data, 0, cut + _TAG_ROOM):
                if match.start() < cut:
                    rows, cells = (rows + 1, cells) if match[1] == b"row" else (rows, cells + 1)
            carry = data[cut:]
            if rows > max_rows or cells > max_cells:
                raise _too_big(None)
    for match in _ROW_OR_CELL.finditer(carry):
        rows, cells = (rows + 1, cells) if match[1] == b"row" else (rows, cells + 1)
    if rows > max_rows or cells > max_cells:
        raise _too_big(None)


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    limit = settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES
    if sum(m.file_size for m in members) > limit:
        raise SpreadsheetRejected(
            "unpacks_too_large",
            _(
                "The workbook unpacks to more than %(size)s. Remove unused sheets, formatting "
                "or text, or split it into smaller workbooks."
            )
            % {"size": filesizeformat(limit)},
        )
    if any(_packed_too_tightly(m) for m in members):
        raise SpreadsheetRejected(
            "packed_too_tightly",
            _(
                "The workbook is packed in an unusual way and cannot be read safely. Open it in "
                "your spreadsheet program, save it again as XLSX and upload that copy."
            ),
        )


@contextmanager
def open_workbook(file: IO[bytes]) -> Iterator[Workbook]:
    """The uploaded workbook, opened to be read row by row once its archive passed the checks."""
    check_archive(file)
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except UNREADABLE as error:
        raise _not_a_workbook() from error
    try:
        yield book
    finally:
        book.close()


def _too_big(sheet: str | None) -> SpreadsheetRejected:
    numbers = {
        "sheet": sheet,
        "rows": number_format(settings.SPREADSHEET_MAX_ROWS, force_grouping=True),
        "cells": number_format(settings.SPREADSHEET_MAX_CELLS, force_grouping=True),
    }
    if sheet is None:
        message = _(
            "A sheet of the workbook has more than %(rows)s rows or %(cells)s cells. Delete the "
            "empty rows and columns at its end, or split it into smaller workbooks."
        )
    else:
        message = _(
            "The sheet “%(sheet)s” has more than %(rows)s rows or %(cells)s cells. Delete the "
            "empty rows and columns at its end, or split it into smaller workbooks."
        )
    return SpreadsheetRejected("too_many_rows", message % numbers)


def first_row(sheet: Any) -> tuple[Any, ...]:
    """The sheet's first row (its headings), read without going further."""
    try:
        return next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    except UNREADABLE as error:
        raise _not_a_workbook() from error


def sheet_rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows from the first, as tuples of values; raises ``SpreadsheetRejected`` before
    reading a sheet whose stated size is over the limits, or on reaching them."""
    max_rows, max_cells = settings.SPREADSHEET_MAX_ROWS, settings.SPREADSHEET_MAX_CELLS
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > max_rows or rows * columns > max_cells:
        raise _too_big(sheet.title)
    # The stated size may be short as well: openpyxl would silently stop there, so count instead.
    sheet.reset_dimensions()
    cells = 0
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells += len(row)
            if number > max_rows or cells > max_cells:
                raise _too_big(sheet.title)
            yield row
    except UNREADABLE as error:
        raise _not_a_workbook() from error


def first_sheet(book: Workbook) -> Any:
    """The workbook's first worksheet (chart sheets aside)."""
    if not book.worksheets:
        raise _not_a_workbook()
    return book.worksheets[0]
