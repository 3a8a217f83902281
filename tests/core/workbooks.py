"""Hostile XLSX files for the upload limits, built in a fraction of a second: a small workbook whose
shared strings or sheet unpack to tens of megabytes of blank space, and sheets that claim or hold a
million rows."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def plain(*rows: list[object]) -> bytes:
    book = Workbook()
    for row in rows or (["Title", "Customs owner"], ["A text", "Ops"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rebuild(
    content: bytes,
    edits: dict[str, bytes],
    streamed: tuple[str, bytes, bytes, int, bytes] | None = None,
) -> bytes:
    """The workbook with the parts in `edits` replaced, and one part written as a head, a block
    repeated n times and a tail (so that it never sits whole in memory)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if streamed is None or member.filename != streamed[0]:
                target.writestr(member.filename, edits.get(member.filename, source.read(member)))
        if streamed is not None:
            name, head, block, times, tail = streamed
            with target.open(name, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(times):
                    part.write(block)
                part.write(tail)
    return buffer.getvalue()


def shared_strings_bomb(megabytes: int = 64) -> bytes:
    """A workbook of under 100 KB whose one shared string, in cell A2, is `megabytes` of blank
    space: openpyxl reads every shared string when it opens a workbook, even read-only."""
    content = plain(["Title", "Customs owner"], ["x", "y"])
    source = zipfile.ZipFile(io.BytesIO(content))
    types = source.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    sheet = source.read(SHEET).replace(
        b'<c r="A2" t="inlineStr"><is><t>x</t></is></c>', b'<c r="A2" t="s"><v>0</v></c>'
    )
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    head += b'uniqueCount="1"><si><t xml:space="preserve">'
    return _rebuild(
        content,
        {"[Content_Types].xml": types, SHEET: sheet},
        (STRINGS, head, b" " * MB, megabytes, b"</t></si></sst>"),
    )


def sheet_padding_bomb(megabytes: int = 8) -> bytes:
    """A workbook whose sheet is padded with `megabytes` of blank space between two tags."""
    content = plain()
    sheet = zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    start, end = sheet.split(b"<sheetData>")
    return _rebuild(content, {}, (SHEET, start, b" " * MB, megabytes, b"<sheetData>" + end))


def claimed_rows(rows: int = 1_048_576, last_column: str = "Q") -> bytes:
    """Two rows written, with a dimension that says the sheet reaches row `rows`."""
    content = plain(["Title", "Customs owner"], ["x", "y"])
    return with_dimension(content, f"A1:{last_column}{rows}")


def with_dimension(content: bytes, dimension: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    sheet = re.sub(
        rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), source.read(SHEET)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = sheet if member.filename == SHEET else source.read(member)
            target.writestr(member.filename, data)
    return buffer.getvalue()


def million_blank_rows(dimension: bool = True) -> bytes:
    """A sheet that really holds 1,048,576 formatted empty rows, as after formatting a column."""
    content = plain(["Title", "Customs owner"], ["x", "y"])
    sheet = zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    start, _rows = sheet.split(b"<sheetData>")
    if dimension:
        start = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:Q1048576"/>', start)
    else:
        start = re.sub(rb'<dimension ref="[^"]*"/>', b"", start)
    rows = b"".join(b'<row r="%d" spans="1:17"/>' % n for n in range(1, 1_048_577))
    return _rebuild(
        content, {}, (SHEET, start + b"<sheetData>", rows, 1, b"</sheetData></worksheet>")
    )
