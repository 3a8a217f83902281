"""How a CSV file is written: its encoding, field delimiter and decimal mark, given or detected.

Exports from Latin America and Europe are often Latin-1 or Windows-1252 text, with fields
separated by semicolons and a decimal comma ("1.234,50"). Each setting can be given; what is not
given is detected from the start of the file: UTF-8 if the sample is valid UTF-8, else
Windows-1252 (Latin-1 for the few bytes it leaves undefined); the delimiter among `,` `;` tab and
`|` that splits the header into the most fields and every sample line into as many; a decimal
comma when the delimiter is not a comma and numbers in the sample are written with one; dates
written day first (26/02/2024) or month first (02/26/2024) when the sample has a day above 12 in
one place and none in the other. A sample where every such date could be read both ways is an
error that asks for the order: guessing would move a declaration into another month unseen.
A UTF-16 file (Excel's "Unicode text") is known by its byte-order mark. A spreadsheet workbook or
another binary file is refused with a message that says what to do.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from arusha.analytics.errors import SourceError

SAMPLE_BYTES = 1 << 20
SAMPLE_LINES = 200
DELIMITERS = (",", ";", "\t", "|")
DECIMALS = (".", ",")
DATE_ORDERS = ("ymd", "dmy", "mdy")  # year first (ISO, the default), day first, month first
AUTO_ENCODINGS = ("cp1252", "latin-1")  # tried in turn when the text is not UTF-8
DUCKDB_ENCODINGS = ("utf-8",)  # other encodings are converted to UTF-8 first
CHUNK = 16 << 20
COMMA_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)$")
DOT_NUMBER = re.compile(r"^[+-]?\d+\.\d+$")
DAY_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}(?:[ T]|$)")
ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]|$)")
# The first bytes of files that are not text: Office Open XML and OpenDocument workbooks are
# ZIP archives; older Excel workbooks are OLE compound files.
SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class CsvFormat:
    """What the person said about the file; None means detect it."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_order: str | None = None  # one of DATE_ORDERS
    # An Excel workbook's sheet, by name; None: the first visible sheet with the required
    # columns (see workbook.workbook_to_csv).
    sheet: str | None = None

    def __post_init__(self) -> None:
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise SourceError(
                    "unknown_encoding",
                    f"Unknown encoding '{self.encoding}': use utf-8, latin-1 or cp1252.",
                    value=self.encoding,
                ) from None
        if self.delimiter is not None and self.delimiter not in DELIMITERS:
            raise SourceError(
                "bad_delimiter",
                "The delimiter must be a comma, a semicolon, a tab or a vertical bar.",
                value=self.delimiter,
            )
        if self.decimal is not None and self.decimal not in DECIMALS:
            raise SourceError(
                "bad_decimal", "The decimal mark must be '.' or ','.", value=self.decimal
            )
        if self.date_order is not None and self.date_order not in DATE_ORDERS:
            raise SourceError(
                "bad_date_order",
                "The date order must be ymd (2024-02-26), dmy (26/02/2024) or mdy (02/26/2024).",
                value=self.date_order,
            )

    def filled(self, other: CsvFormat) -> CsvFormat:
        """This format, with what it leaves open taken from `other`."""
        return CsvFormat(
            encoding=self.encoding or other.encoding,
            delimiter=self.delimiter or other.delimiter,
            decimal=self.decimal or other.decimal,
            date_order=self.date_order or other.date_order,
            sheet=self.sheet or other.sheet,
        )


@dataclass(frozen=True)
class Dialect:
    """The settings the file is read with, and its header."""

    encoding: str
    delimiter: str
    decimal: str
    header: tuple[str, ...]
    encoding_given: bool = False
    date_order: str = "ymd"


def delimiter_option(value: str) -> str:
    """A delimiter as people type it on a command line ("tab", "\\t", ";")."""
    return "\t" if value.lower() in ("tab", "\\t") else value


def detect(
    path: Path,
    wanted: CsvFormat,
    numeric: Iterable[str] = (),
    dates: Iterable[str] = (),
    names: Iterable[str] = (),
) -> Dialect:
    """Resolve every setting of `wanted` left open, from the first lines of the file.

    `numeric` names the source columns that hold numbers (for the decimal mark), `dates` those
    that hold dates in no format a mapping gives (for the date order), `names` every source
    column that is read: a header name that differs from one of them only in case is read as
    it (see `header_names`)."""
    sample = _sample(path)
    if not sample.strip():
        raise SourceError("empty_file", "The file is empty: it has no header line.")
    _check_text(sample)
    encoding = wanted.encoding or _encoding(sample)
    text = _decode(sample, encoding)
    every = text.lstrip("\ufeff").splitlines()
    if not any(line.strip() for line in every):  # a byte-order mark and blanks: no header
        raise SourceError("empty_file", "The file is empty: it has no header line.")
    if len(sample) == SAMPLE_BYTES and len(every) > 1:
        every = every[:-1]  # the sample may end inside the last line
    lines = every[:SAMPLE_LINES]
    try:
        delimiter = wanted.delimiter or _delimiter(lines)
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        if wanted.delimiter and rows and len(rows[0]) == 1:
            _check_given_delimiter(wanted.delimiter, lines)
        if not rows or not any(h.strip() for h in rows[0]):
            raise SourceError(
                "no_header",
                "The first line of the file has no column names: the header must be the first "
                "line.",
            )
        header = header_names([h.strip() for h in rows[0]], names)
        _check_header(header)
        decimal = wanted.decimal or _decimal(delimiter, header, rows[1:], set(numeric))
        date_order = wanted.date_order or _date_order(delimiter, header, every[1:], set(dates))
    except csv.Error as exc:  # a field longer than the reader allows: not text in this form
        raise SourceError(
            "unreadable",
            "The start of the file cannot be read as CSV text: check its encoding and delimiter.",
        ) from exc
    return Dialect(
        encoding, delimiter, decimal, header, wanted.encoding is not None, date_order=date_order
    )


def _check_text(sample: bytes) -> None:
    """Refuse a workbook or other binary file with a message that says what it is."""
    if sample.startswith(SPREADSHEET_MAGIC):
        raise SourceError(
            "spreadsheet",
            "This is a spreadsheet workbook (or another ZIP file), not a CSV file: if it is an "
            "Excel workbook, give it a name ending in .xlsx; otherwise open it in the "
            "spreadsheet program and save it as CSV.",
        )
    if b"\x00" in sample and not sample.startswith(UTF16_BOMS):
        line = _line_of(sample, sample.index(b"\x00")) + 1
        raise SourceError(
            "binary",
            f"Line {line} of the file holds a NUL byte, which CSV text never has: is it a CSV "
            "file?",
            value=str(line),
        )


GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: Path) -> bool:
    """Whether the file is gzip-compressed, whatever its name says."""
    with path.open("rb") as f:
        return f.read(2) == GZIP_MAGIC


def _open(path: Path) -> BinaryIO:
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _sample(path: Path) -> bytes:
    try:
        with _open(path) as f:
            return f.read(SAMPLE_BYTES)
    except DAMAGED_GZIP as exc:
        raise damaged() from exc
    except OSError as exc:
        raise SourceError("unreadable", "The file cannot be read as CSV.") from exc


# What reading a damaged or cut gzip file raises (zlib's error is not an OSError).
DAMAGED_GZIP = (gzip.BadGzipFile, EOFError, zlib.error)


def gzip_damaged(path: Path) -> bool:
    """Whether `path` is a gzip file that does not decompress to its end."""
    if not is_gzip(path):
        return False
    try:
        with gzip.open(path, "rb") as f:
            while f.read(CHUNK):
                pass
    except DAMAGED_GZIP:
        return True
    return False


def damaged() -> SourceError:
    return SourceError(
        "damaged",
        "Part of the file's data cannot be read: the file is damaged (perhaps cut short or "
        "altered while being copied). Export or copy it again.",
    )


def _encoding(sample: bytes) -> str:
    if sample.startswith(UTF16_BOMS):
        return "utf-16"  # the codec reads the byte-order mark and drops it
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=len(sample) < SAMPLE_BYTES)  # a cut character is fine
    except UnicodeDecodeError:
        return next_encoding("utf-8") or "latin-1"
    return "utf-8"


def next_encoding(encoding: str) -> str | None:
    """The encoding to try when detected `encoding` fails further into the file."""
    order = ("utf-8", *AUTO_ENCODINGS)
    position = order.index(encoding) if encoding in order else len(order) - 1
    return order[position + 1] if position + 1 < len(order) else None


def _decode(sample: bytes, encoding: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample)
    except UnicodeDecodeError:
        # Enough to split the header; the full read names the row (and column) at fault.
        return sample.decode("latin-1")
    except UnicodeError:  # UTF-16 without a byte-order mark: not that encoding at all
        raise encoding_error(encoding, 1) from None


def _line_of(data: bytes, position: int) -> int:
    """The data row (the header is row 0) holding byte `position`."""
    return data.count(b"\n", 0, position)


def encoding_error(encoding: str, row: int) -> SourceError:
    return SourceError(
        "encoding",
        f"Row {row} is not valid {encoding} text: give the file's encoding "
        "(for example latin-1 or cp1252).",
        row=row,
        value=encoding,
    )


def _delimiter(lines: list[str]) -> str:
    def score(delimiter: str) -> tuple[int, int]:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        width = len(rows[0]) if rows else 0
        steady = all(len(r) == width for r in rows[1:] if r)
        return (int(steady and width > 1), width)

    return max(DELIMITERS, key=score)  # ties go to the earlier, more common delimiter


DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}


def _check_given_delimiter(given: str, lines: list[str]) -> None:
    """A delimiter given that leaves the header in one piece, where the file's own splits it:
    refused with the one the file seems to use, rather than a list of every column missing."""
    found = _delimiter(lines)
    header = next(csv.reader([lines[0]], delimiter=found), [])
    if found != given and len(header) > 1:
        shown = DELIMITER_NAMES.get(found, found)
        raise SourceError(
            "wrong_delimiter",
            f"The header has no {DELIMITER_NAMES.get(given, given)} between its names: the file's "
            f"fields seem to be separated by {shown}. Give that delimiter, or leave it to be "
            "detected.",
            value=found,
        )


UNNAMED = "_unnamed_{}"  # a trailing column with no name, as spreadsheets leave them


def header_names(header: list[str], names: Iterable[str]) -> tuple[str, ...]:
    """The header as it is read: a name that differs from a wanted one (`names`) only in case
    takes the wanted spelling, unless the file has that spelling too or two of its names would
    take it (DECLARATION_ID reads as declaration_id); columns with no name after the last named
    one, which spreadsheets write when a cell out to the right was ever used, get a name of
    their own and are not read."""
    spelling = spellings(header, names)
    named = max((i for i, name in enumerate(header) if name), default=-1) + 1
    return tuple(
        [spelling.get(name, name) for name in header[:named]]
        + [UNNAMED.format(i) for i in range(named + 1, len(header) + 1)]
    )


def spellings(columns: Iterable[str], names: Iterable[str]) -> dict[str, str]:
    """The columns to read under a wanted name (`names`) they match but for case: where the
    file lacks that exact name, has exactly one column that matches it, and reads that column
    under no name of its own."""
    columns, wanted = list(columns), set(names)
    folded: dict[str, list[str]] = {}
    for name in columns:
        folded.setdefault(name.casefold(), []).append(name)
    found = {}
    for name in wanted - set(columns):
        matches = folded.get(name.casefold(), [])
        if len(matches) == 1 and matches[0] not in wanted:
            found[matches[0]] = name
    return found


def _check_header(header: tuple[str, ...]) -> None:
    seen: dict[str, str] = {}  # by the name in lower case: SQL names ignore case
    for position, name in enumerate(header, start=1):
        earlier = seen.get(name.casefold())
        if earlier == name:
            raise SourceError(
                "duplicate_header",
                f"Column '{name}' appears twice in the header: give each column its own name.",
                column=name,
            )
        if earlier is not None:
            raise SourceError(
                "duplicate_header",
                f"Columns '{earlier}' and '{name}' differ only in capitals, which the engine does "
                "not tell apart: give each column its own name.",
                column=name,
            )
        if not name:
            raise SourceError(
                "blank_header",
                f"Column {position} of the header has no name.",
                value=str(position),
            )
        seen[name.casefold()] = name


def _decimal(
    delimiter: str, header: tuple[str, ...], rows: list[list[str]], numeric: set[str]
) -> str:
    if delimiter == ",":
        return "."
    positions = [i for i, name in enumerate(header) if name in numeric]
    values = [r[i].strip() for r in rows for i in positions if i < len(r)]
    commas = sum(bool(COMMA_NUMBER.match(v)) for v in values)
    dots = sum(bool(DOT_NUMBER.match(v)) for v in values)
    return "," if commas > dots else "."


def _date_order(delimiter: str, header: tuple[str, ...], lines: list[str], dates: set[str]) -> str:
    """Day first or month first when most of the sample's dates are written that way and those
    with a number above 12 say which; else year first (ISO), which validation checks. Raises
    SourceError when every such date could be either."""
    positions = [i for i, name in enumerate(header) if name in dates]
    if not positions:
        return "ymd"
    rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    days_first = months_first = either = iso = 0
    example = ""
    for row in rows:
        for i in positions:
            value = row[i].strip() if i < len(row) else ""
            found = DAY_MONTH.match(value)
            if found is None:
                iso += bool(ISO_DATE.match(value))
                continue
            first, second = int(found[1]), int(found[2])
            if first > 12 >= second:
                days_first += 1
            elif second > 12 >= first:
                months_first += 1
            else:
                either += 1
                example = example or row[i].strip()
    if iso >= days_first + months_first + either:
        return "ymd"  # mostly ISO: validation names the rows written otherwise
    if days_first or months_first:
        # Both at once: the rows in the minority order fail validation, which names them.
        return "dmy" if days_first >= months_first else "mdy"
    if either:
        raise SourceError(
            "ambiguous_dates",
            f"Dates such as {example} can be read day first or month first: give the date order "
            "(dmy for 26/02/2024, mdy for 02/26/2024).",
            value=example,
        )
    return "ymd"


def _texts(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """The file decoded from `encoding` in large pieces, each with the data row it starts in
    (the header is row 0); a CR at the end of a piece is held for the next, so that a CR LF is
    never cut in two. A byte the encoding does not define raises SourceError naming its row."""
    decoder = codecs.getincrementaldecoder(encoding)()
    carried, lines = "", 0
    with _open(path) as source:
        while True:
            try:
                chunk = source.read(CHUNK)
            except DAMAGED_GZIP as exc:
                raise damaged() from exc
            try:
                text = carried + decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise encoding_error(encoding, lines + _line_of(chunk, exc.start)) from None
            except UnicodeError:  # no byte-order mark where the encoding needs one
                raise encoding_error(encoding, lines + 1) from None
            carried = "\r" if chunk and text.endswith("\r") else ""
            text = text[: len(text) - len(carried)]
            yield lines, text
            lines += text.count("\n")
            if not chunk:
                return


def to_utf8(path: Path, encoding: str, target: Path) -> Path:
    """Copy a text file in `encoding` to UTF-8 (the engine reads UTF-8 only); a byte the
    encoding does not define raises SourceError naming its row."""
    with target.open("wb") as out:
        for _row, text in _texts(path, encoding):
            out.write(text.encode("utf-8"))
    return target


def single_newlines(path: Path, encoding: str, target: Path) -> bool:
    """Copy a text file in `encoding` to UTF-8 with every CR LF line end made LF; whether there
    was any. DuckDB's strict reader stops on a file whose lines end both ways (files from
    Windows and elsewhere put together), where either way alone reads."""
    found = False
    with target.open("wb") as out:
        for _row, text in _texts(path, encoding):
            found = found or "\r\n" in text
            out.write(text.replace("\r\n", "\n").encode("utf-8"))
    return found


def lone_carriage_return(path: Path, encoding: str) -> int | None:
    """The data row (the header is row 0) of the first carriage return that ends no line (a CR
    not followed by LF), which DuckDB's strict reader cannot read past; None if there is none."""
    try:
        for row, text in _texts(path, encoding):
            if found := re.search("\r(?!\n)", text):
                return row + text.count("\n", 0, found.start())
    except SourceError as error:
        if error.kind == "damaged":
            raise
        return None  # not text in this encoding: the read that follows names the row
    return None


def hidden_gzip(path: Path) -> bool:
    """A gzip file whose name does not say so (the engines tell compression by the name)."""
    return is_gzip(path) and not path.name.lower().endswith(".gz")


def with_encoding(dialect: Dialect, encoding: str) -> Dialect:
    return replace(dialect, encoding=encoding)


DATE_ORDER_TEXT = {
    "ymd": "year first (2024-02-26)",
    "dmy": "day first (26/02/2024)",
    "mdy": "month first (02/26/2024)",
    "format": "in the formats of the mapping file",
}


def read_as_text(read_as: dict[str, str]) -> str:
    """How a CSV file (or a workbook's sheet) was read (a run summary's `read_as`), for a
    command's output: so that a wrong guess shows (give the setting to correct it)."""
    if "sheet" in read_as:
        return (
            f"Read from the workbook's sheet {read_as['sheet']!r}: text amounts with decimal "
            f"mark {read_as['decimal']!r}, text dates "
            f"{DATE_ORDER_TEXT.get(read_as['date_order'], '')}"
        )
    delimiter = "tab" if read_as["delimiter"] == "\t" else repr(read_as["delimiter"])
    return (
        f"Read as CSV: encoding {read_as['encoding']}, delimiter {delimiter}, decimal mark "
        f"{read_as['decimal']!r}, dates {DATE_ORDER_TEXT.get(read_as['date_order'], '')}"
    )
