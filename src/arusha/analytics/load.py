"""From a source table to canonical, typed columns, with the row checks validation runs on them.

Each canonical column gets a value expression that the analysis reads and, where parsing can
fail, the source text it came from; checks compare the two. The value expressions are kept
cheap (no validity tests in them) because every scan of the data evaluates them again; validity
is tested once, by validation, before any analysis.
"""

from __future__ import annotations

import datetime as pydt
import functools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeAlias

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from arusha.analytics import schema
from arusha.analytics.engine import PADDED, ROW, Reject
from arusha.analytics.errors import MappingError
from arusha.analytics.mapping import ColumnSpec, Mapping

TRUE_WORDS = ("true", "t", "yes", "y", "1", "1.0")
FALSE_WORDS = ("false", "f", "no", "n", "0", "0.0")
EARLIEST = pydt.datetime(1950, 1, 1)
# Whole numbers are read through a float, which holds every integer of up to 15 digits exactly;
# anything longer is no item number, and casting it could overflow.
LARGEST_WHOLE = 10**15 - 1
FLOAT_CODE = r"^[0-9]+[.]0$"  # a whole number written by a float: "850440.0"
HS_PATTERN = r"^[0-9]{6,}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"


@ibis.udf.scalar.builtin(name="try_strptime")
def _strptime_duckdb(value: str, fmt: list[str]) -> pydt.datetime:  # type: ignore[empty-body]
    """DuckDB's strptime with formats tried in turn, NULL when none fits (Ibis's as_timestamp
    fails instead)."""


def _order_formats(order: str) -> list[str]:
    """Day-first or month-first dates with any of the usual separators, with or without a time;
    ISO dates are unambiguous, so they are read too."""
    day = "%d{0}%m{0}%Y" if order == "dmy" else "%m{0}%d{0}%Y"
    dates = [day.format(sep) for sep in "/-."] + ["%Y-%m-%d"]
    return [f"{d}{time}" for d in dates for time in (" %H:%M:%S", " %H:%M", "")]


ORDER_WORDS = {"dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY"}

Strptime: TypeAlias = Callable[[ir.Value, list[str]], ir.Value]


# What `strptime_portable` reads of a format: each directive's pattern (as DuckDB's strptime
# reads it: one or two digits, a year of up to four) and the ISO field it fills.
DIRECTIVES = {
    "d": (r"(\d{1,2})", "day"),
    "m": (r"(\d{1,2})", "month"),
    "Y": (r"(\d{1,4})", "year"),
    "y": (r"(\d{1,2})", "year2"),
    "H": (r"([01]?\d|2[0-3])", "hour"),
    "M": (r"(\d{1,2})", "minute"),
    "S": (r"(\d{1,2})", "second"),
}
ISO_DEFAULTS = {"month": "01", "day": "01", "hour": "00", "minute": "00", "second": "00"}


def _format_pattern(fmt: str) -> tuple[str, list[str]]:
    """A strptime format as an anchored regular expression and the fields of its groups."""
    pattern, fields, i = [r"^\s*"], [], 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and i + 1 < len(fmt) and fmt[i + 1] != "%":
            directive = fmt[i + 1]
            if directive not in DIRECTIVES:
                raise MappingError(
                    f"The date format {fmt!r} uses %{directive}, which only the DuckDB engine "
                    "reads; on other engines a format may use %d %m %Y %y %H %M %S."
                )
            part, name = DIRECTIVES[directive]
            pattern.append(part)
            fields.append(name)
            i += 2
            continue
        if char == "%":  # %% is a percent sign
            i += 1
        pattern.append(r"\s+" if char.isspace() else re.escape(char))
        i += 1
    pattern.append(r"\s*$")
    return "".join(pattern), fields


def strptime_portable(text: ir.StringValue, formats: list[str]) -> ir.TimestampValue:
    """DuckDB's `try_strptime(text, formats)` in operations every Ibis backend compiles, for
    other engines (PySpark): each format is a regular expression whose groups are put back
    together as ISO text and cast, so a date that does not exist (31/02) is NULL; the first
    format that gives a date wins. A test compares the two on DuckDB."""
    found = []
    for fmt in formats:
        pattern, fields = _format_pattern(fmt)
        parts = {name: text.re_extract(pattern, i + 1) for i, name in enumerate(fields)}
        if "year2" in parts:
            two = parts.pop("year2").lpad(2, "0")
            parts["year"] = ibis.ifelse(two >= "69", "19", "20") + two
        if "year" not in parts:
            parts["year"] = ibis.literal("1900")
        pieces = {
            name: parts[name].lpad(2, "0") if name in parts else ibis.literal(default)
            for name, default in ISO_DEFAULTS.items()
        }
        day = ibis.literal("-").join([parts["year"].lpad(4, "0"), pieces["month"], pieces["day"]])
        time = ibis.literal(":").join([pieces["hour"], pieces["minute"], pieces["second"]])
        timestamp = (day + " " + time).try_cast(dt.Timestamp())
        found.append(ibis.ifelse(text.re_search(pattern), timestamp, ibis.null(dt.Timestamp())))
    return ibis.coalesce(*found) if len(found) > 1 else found[0]


Condition = Callable[[ir.Table], ir.BooleanValue]
# Whether text values are trimmed: never, always, or on the rows where a condition holds.
Trim: TypeAlias = bool | ir.BooleanValue


@dataclass(frozen=True)
class Check:
    """A row-level condition that makes a row invalid, and how to describe it."""

    column: str
    kind: str  # missing_value, unparsable, impossible
    condition: Condition
    message: str
    # The condition depends on the column's value alone: test each distinct source value once.
    per_value: bool = False
    source: str | None = None  # the <column>__src helper holding the source value
    transform: Callable[[ir.Value], ir.Value] | None = None  # source value -> canonical value
    detail: str = ""  # what exactly is wrong, a key the web app words in the reader's language
    params: dict[str, str] = field(default_factory=dict)  # what the wording needs besides


@dataclass
class Parsed:
    value: ir.Value
    text: ir.Value | None = None  # the source text, when parsing it can fail
    checks: list[Check] = field(default_factory=list)
    transform: Callable[[ir.Value], ir.Value] | None = None  # for per-value checks


@dataclass(frozen=True)
class Missing:
    """A required column the source lacks, or a column the mapping names and the file lacks."""

    column: str
    message: str
    detail: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Staged:
    """Canonical columns computed from the source, and what validation must check on them."""

    wide: ir.Table  # _row, each present canonical column, and <column>__text helpers
    present: frozenset[str]
    missing: list[Missing] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    rejected: list[Reject] = field(default_factory=list)  # CSV rows that do not fit the header
    stored: bool = False  # `wide` is a stored table (a CSV file read once), not a query
    # Row numbers are the file's own; not so for a CSV copy numbered by its position
    # (Engine.store_rows), which the analysis may use but a validation report may not.
    exact_rows: bool = True
    # How a CSV file was read in the end (encoding, delimiter, decimal, date_order); empty for
    # typed sources.
    read_as: dict[str, str] = field(default_factory=dict)

    @property
    def canonical(self) -> ir.Table:
        # Present columns a CSV file read for the analysis alone does not keep are left out.
        names = [c for c in schema.NAMES if c in self.present and c in self.wide.columns]
        return self.wide.select(ROW, *names)


def stage(
    raw: ir.Table,
    mapping: Mapping,
    *,
    text_source: bool = False,
    decimal: str = ".",
    once: bool = False,
    portable: bool = False,
    stored: frozenset[str] | None = None,
) -> Staged:
    """Parse every canonical column the mapping or the source provides; note what is missing.

    `text_source` (CSV) trims surrounding blanks from identifiers; typed sources are taken as is.
    `decimal` is the decimal mark of numbers written as text. `once`: the wide table will be
    computed once and stored (a CSV file read into a typed table), so it keeps the source text
    only where parsing failed, and checks on a value's form read the stored value itself.
    `portable`: for engines other than DuckDB, dates in a format are parsed without DuckDB's
    own `strptime`. `stored` (with `once`): the canonical columns the wide table keeps; a column
    the source has and the caller does not read (no indicator reads the importer or the duties)
    is checked as the file is read, and only the outcome of each of its checks is stored.
    """
    parsers = PORTABLE_PARSERS if portable else PARSERS
    trim: Trim = text_source
    if once and text_source:
        raw, trim = _padded_rows(raw)
    # A CSV file read once is numbered when stored (Engine.store_rows); every other source now.
    columns: dict[str, ir.Value] = {ROW: raw[ROW]} if ROW in raw.columns else {}
    staged = Staged(wide=raw, present=frozenset())
    present: set[str] = set()
    for col in schema.COLUMNS:
        value = _source_value(raw, mapping, col, staged)
        if value is None:
            continue
        spec = mapping.columns.get(col.name, ColumnSpec(column=col.name))
        parsed = parsers[col.kind](col.name, value, spec, trim, decimal)
        columns[col.name] = parsed.value
        if parsed.text is not None:
            # Stored once, the text is kept only where it did not parse: that is all checks read.
            text = ibis.ifelse(parsed.value.isnull(), parsed.text, ibis.null("string"))
            columns[f"{col.name}__text"] = text if once else parsed.text
        source = _source_name(raw, mapping, col)
        if source is not None and not once:
            columns[f"{col.name}__src"] = raw[source]  # read only by the checks that need it
        checks = [_with_source(c, col.name, source, parsed, once) for c in parsed.checks]
        if col.required:
            condition = _missing(
                col.name,
                parsed,
                source is not None and not once and not text_source and value.type().is_string(),
            )
            checks.insert(
                0,
                Check(col.name, "missing_value", condition, f"{col.name} is empty", detail="empty"),
            )
        named = {"source": source} if source and source != col.name else {}
        staged.checks += [replace(c, params={**c.params, **named}) for c in checks]
        present.add(col.name)
    staged.wide = raw.select(**columns)
    staged.present = frozenset(present)
    staged.checks += _cross_checks(present)
    if once and stored is not None:
        _store_outcomes(staged, present - stored)
    return staged


def _store_outcomes(staged: Staged, unread: set[str]) -> None:
    """Keep the columns of `unread` out of the wide table: each of their checks becomes a
    boolean column computed as the file is read (`__check<i>`), which the check then reads.

    Storing an identifier and two amounts nobody reads again cost about a tenth of reading
    the file (5 million rows: 0.7 s of 7); a few booleans cost next to nothing."""
    if not unread:
        return
    full = staged.wide
    outcomes: dict[str, ir.BooleanValue] = {}
    checks = []
    for i, check in enumerate(staged.checks):
        if check.column not in unread:
            checks.append(check)
            continue
        name = f"__check{i}"
        outcomes[name] = check.condition(full).fill_null(False)
        checks.append(
            replace(check, condition=_stored(name), per_value=False, source=None, transform=None)
        )
    helpers = {f"{c}__text" for c in unread}
    kept = [c for c in full.columns if c not in unread and c not in helpers]
    staged.wide = full.select(*kept, **outcomes)
    staged.checks = checks


def _stored(name: str) -> Condition:
    """A check whose outcome was stored as column `name`."""
    return lambda t: t[name]


def without_empty_rows(raw: ir.Table) -> ir.Table:
    """A CSV source without its rows whose every field is empty: what a spreadsheet writes for a
    row that was once used and then cleared (",,,,"), as it would a blank line, which the
    readers skip. Rows keep their numbers in the file. Nearly every row has its first field, so
    the engine tests the others on the few that do not."""
    fields = [raw[name].isnull() for name in raw.columns if name not in (ROW, PADDED)]
    if not fields:
        return raw
    return raw.filter(~functools.reduce(operator.and_, fields))


def _padded_rows(raw: ir.Table) -> tuple[ir.Table, Trim]:
    """The source and the trim condition of its text values: the `_padded` column of a CSV view
    from `Engine.open_csv`, true on the rows where a value that is read may start or end with a
    blank (one test of a row's values run together costs far less than one per value; a value is
    still tested on its own, and trimmed, on the rows it selects); without it, every value is
    tested on its own."""
    if PADDED in raw.columns:
        return raw, raw[PADDED]
    return raw, True


def padded_columns(columns: Sequence[str], mapping: Mapping) -> list[str]:
    """Those of `columns` (a source's text columns) that the mapping takes a canonical column
    from: the columns whose values are trimmed."""
    read = {mapping.source_for(c.name) for c in schema.COLUMNS if c.name not in mapping.constants}
    return [name for name in columns if name in read]


def _source_name(raw: ir.Table, mapping: Mapping, col: schema.Column) -> str | None:
    if col.name in mapping.constants:
        return None
    spec = mapping.columns.get(col.name)
    name = spec.column if spec else col.name
    return name if name in raw.columns else None


def _with_source(check: Check, name: str, source: str | None, parsed: Parsed, once: bool) -> Check:
    if not check.per_value:
        return check
    if source is None or parsed.transform is None:
        return replace(check, per_value=False)  # a constant: nothing to gain
    if once:  # the stored value is what the condition reads: test its distinct values
        return replace(check, source=name, transform=lambda v: v)
    return replace(check, source=f"{name}__src", transform=parsed.transform)


def _source_value(
    raw: ir.Table, mapping: Mapping, col: schema.Column, staged: Staged
) -> ir.Value | None:
    if col.name in mapping.constants:
        return ibis.literal(mapping.constants[col.name])
    spec = mapping.columns.get(col.name)
    if spec is not None:
        if spec.column in raw.columns:
            return raw[spec.column]
        message = f"The mapping takes {col.name} from column '{spec.column}', absent from the file."
        staged.missing.append(Missing(col.name, message, "mapping_absent", {"source": spec.column}))
        return None
    if col.name in raw.columns:
        return raw[col.name]
    if col.name == "item_no":
        return ibis.literal(1)
    if col.required:
        message = f"Required column {col.name} is missing ({col.description})"
        staged.missing.append(Missing(col.name, message, "required"))
    return None


def _missing(name: str, parsed: Parsed, raw_text: bool) -> Condition:
    if raw_text:
        # On the source column itself, so that the engine can skip blocks by their statistics.
        return lambda t: t[f"{name}__src"].isnull() | (t[f"{name}__src"] == "")
    if parsed.text is None:
        return lambda t: t[name].isnull()
    return lambda t: t[name].isnull() & t[f"{name}__text"].isnull()


def _number_as_text(value: ir.Value) -> ir.StringValue:
    """A value as text; a whole number kept as a float without its ".0" (an identifier, a code
    or a channel number that a spreadsheet or pandas stored as a float: 850440.0 is 850440)."""
    if not value.type().is_floating():
        return value.cast("string")
    return ibis.coalesce(_whole(value).cast("string"), value.cast("string"))


def _whole(number: ir.FloatingValue) -> ir.IntegerValue:
    """The number as an integer where it is a whole number of at most 15 digits, else NULL.
    Bounded first: Ibis floors a float into an integer, which a huge value would overflow."""
    bounded = ibis.ifelse(number.abs() <= LARGEST_WHOLE, number, ibis.null("float64"))
    return ibis.ifelse(bounded == bounded.floor(), bounded.cast("int64"), ibis.null("int64"))


def _text(value: ir.Value, trim: Trim) -> ir.StringValue:
    """The value as text, empty as NULL; trimmed of surrounding blanks unless `trim` is False
    (a condition limits the test to the rows where it holds)."""
    text = value if value.type().is_string() else _number_as_text(value)
    if trim is not False:
        # Trimming copies every value; testing the ends first is cheaper on millions of rows.
        ends = text.re_search(r"^\s|\s$")
        if not isinstance(trim, bool):
            ends = trim & ends
        text = ibis.ifelse(ends, text.strip(), text)
    return text.nullif("")


def _always(trim: Trim) -> Trim:
    """Text that must be read as a number, date or truth value is trimmed whatever the source."""
    return True if trim is False else trim


def _failed(name: str, expected: str, detail: str, **params: str) -> Check:
    """Unparsable: there was source text, but no value came out of it."""
    return Check(
        name,
        "unparsable",
        lambda t: t[name].isnull() & t[f"{name}__text"].notnull(),
        f"{name} is not {expected}",
        detail=detail,
        params=params,
    )


def _invalid(
    name: str, expected: str, detail: str, valid: Callable[[ir.Value], ir.BooleanValue]
) -> Check:
    """Unparsable: the value does not have the required form."""
    return Check(
        name,
        "unparsable",
        lambda t: t[name].notnull() & ~valid(t[name]),
        f"{name} is not {expected}",
        per_value=True,
        detail=detail,
    )


def _impossible(name: str, condition: Condition, message: str, detail: str) -> Check:
    return Check(name, "impossible", condition, message, detail=detail)


def _parse_id(name: str, value: ir.Value, spec: ColumnSpec, trim: Trim, decimal: str) -> Parsed:
    if value.type().is_string() and trim is False:
        return Parsed(value)  # validation rejects empty strings, so no need to turn them into NULL
    return Parsed(_text(value, trim))


def _parse_int(name: str, value: ir.Value, spec: ColumnSpec, trim: Trim, decimal: str) -> Parsed:
    below = _impossible(name, lambda t: t[name] < 1, f"{name} is below 1", "below_1")
    expected = "a whole number of at most 15 digits"
    if value.type().is_integer():
        large = _impossible(
            name, lambda t: t[name] > LARGEST_WHOLE, f"{name} is not {expected}", "not_whole_number"
        )
        return Parsed(value.cast("int64"), checks=[below, large])
    # Casting "2.5" to an integer rounds it in DuckDB: go through a float and demand a whole number.
    text = _text(value, _always(trim))
    number = _number_text(text, decimal).try_cast("float64")
    typed = _whole(number)
    return Parsed(typed, text, [_failed(name, expected, "not_whole_number"), below])


def _parse_datetime(
    name: str,
    value: ir.Value,
    spec: ColumnSpec,
    trim: Trim,
    decimal: str,
    strptime: Strptime = _strptime_duckdb,
) -> Parsed:
    checks = [
        _impossible(
            name,
            lambda t: t[name] < ibis.literal(EARLIEST),
            f"{name} is before 1950",
            "before_1950",
        ),
        _impossible(
            name,
            lambda t: t[name] > ibis.literal(pydt.datetime.now() + pydt.timedelta(days=1)),
            f"{name} is in the future",
            "in_future",
        ),
    ]
    if value.type().is_timestamp() or value.type().is_date():
        return Parsed(value.cast(dt.Timestamp()), checks=checks)
    text = _text(value, _always(trim))
    if spec.format:
        typed = strptime(text, [spec.format])
        wanted = f"a date in the format {spec.format}"
        failed = _failed(name, wanted, "not_date_format", format=spec.format)
    elif spec.order in ORDER_WORDS:
        typed = strptime(text, _order_formats(spec.order))
        words = ORDER_WORDS[spec.order]
        failed = _failed(name, f"a date ({words} or {words} HH:MM:SS)", f"not_date_{spec.order}")
    else:
        typed = text.try_cast(dt.Timestamp())
        failed = _failed(name, "a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)", "not_date")
    return Parsed(typed, text, [failed, *checks])


def _parse_hs(name: str, value: ir.Value, spec: ColumnSpec, trim: Trim, decimal: str) -> Parsed:
    numeric = value.type().is_numeric()

    def transform(v: ir.Value) -> ir.Value:
        # A code kept as a float reads as its whole number (850440.0 is 850440, where its text
        # "850440.0" without the point read as 8504400), whether the file has it as a number
        # or, in a CSV file, as the text a spreadsheet wrote; a fraction keeps its text, no code.
        # Plain tests first: the regular expression and the copies are for the few rows that
        # need them (a third of the cost of this column on 5 million rows).
        text = _text(v, trim)
        float_code = text.endswith(".0") & text.re_search(FLOAT_CODE)
        text = ibis.ifelse(float_code, text.substr(0, text.length() - 2), text)
        text = ibis.ifelse(
            text.contains(".") | text.contains(" "), text.replace(".", "").replace(" ", ""), text
        ).nullif("")
        if spec.pad:
            text = ibis.ifelse(text.length() < spec.pad, text.lpad(spec.pad, "0"), text)
        return text

    wanted, detail = "a tariff code of at least 6 digits", "not_tariff_code"
    if numeric and not spec.pad:
        wanted += " (kept as a number, it has lost any leading zero)"
        detail = "not_tariff_code_number"
    check = _invalid(name, wanted, detail, lambda v: v.re_search(HS_PATTERN))
    return Parsed(transform(value), checks=[check], transform=transform)


def _parse_country(
    name: str, value: ir.Value, spec: ColumnSpec, trim: Trim, decimal: str
) -> Parsed:
    def transform(v: ir.Value) -> ir.Value:
        return _text(v, trim).upper()

    if spec.anonymised:
        return Parsed(transform(value))
    wanted = "a two-letter ISO 3166 country code"
    check = _invalid(name, wanted, "not_country", lambda v: v.re_search(COUNTRY_PATTERN))
    return Parsed(transform(value), checks=[check], transform=transform)


def _parse_number(name: str, value: ir.Value, spec: ColumnSpec, trim: Trim, decimal: str) -> Parsed:
    negative = _impossible(name, lambda t: t[name] < 0, f"{name} is negative", "negative")
    # Infinity and NaN are floats, and "inf", "nan" and "1e400" read as them: no amount is either.
    infinite = _impossible(
        name,
        lambda t: t[name].isinf() | t[name].isnan(),
        f"{name} is not a finite number",
        "not_finite",
    )
    if value.type().is_numeric():
        return Parsed(value.cast("float64"), checks=[negative, infinite])
    text = _text(value, _always(trim))
    number = _number_text(text, decimal).try_cast("float64")
    if decimal == ",":
        failed = _failed(name, "a number with a decimal comma", "not_number_comma")
    else:
        failed = _failed(name, "a number", "not_number")
    return Parsed(number, text, [failed, negative, infinite])


def _number_text(text: ir.StringValue, decimal: str) -> ir.StringValue:
    """With a decimal comma, "1.234,5" and "1234,5" read as 1234.5; a point anywhere but
    between groups of three digits makes the value unreadable rather than ten times off."""
    if decimal != ",":
        return text
    grouped = text.re_search(r"^[+-]?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]*)?$")
    plain = ibis.ifelse(text.contains("."), ibis.null("string"), text)
    return ibis.ifelse(grouped, text.replace(".", ""), plain).replace(",", ".")


def _parse_channel(
    name: str, value: ir.Value, spec: ColumnSpec, trim: Trim, decimal: str
) -> Parsed:
    def transform(v: ir.Value) -> ir.Value:
        text = _text(v, trim)
        if spec.values:
            text = text.substitute(spec.values, else_=text)
        return text.lower()

    check = _invalid(name, "green, yellow or red", "not_channel", lambda v: v.isin(schema.CHANNELS))
    return Parsed(transform(value), checks=[check], transform=transform)


def _parse_bool(name: str, value: ir.Value, spec: ColumnSpec, trim: Trim, decimal: str) -> Parsed:
    if value.type().is_boolean():
        return Parsed(value)
    text = _text(value, _always(trim)).lower()
    typed = ibis.cases(
        (text.isin(TRUE_WORDS), True), (text.isin(FALSE_WORDS), False), else_=ibis.null("boolean")
    )
    return Parsed(typed, text, [_failed(name, "true or false (or 1/0, yes/no)", "not_boolean")])


Parser: TypeAlias = Callable[[str, ir.Value, ColumnSpec, Trim, str], Parsed]
PARSERS: dict[str, Parser] = {
    "id": _parse_id,
    "int": _parse_int,
    "datetime": _parse_datetime,
    "hs": _parse_hs,
    "country": _parse_country,
    "money": _parse_number,
    "number": _parse_number,
    "percent": _parse_number,
    "channel": _parse_channel,
    "bool": _parse_bool,
}
# Engines other than DuckDB parse dates in a format without DuckDB's own strptime.
PORTABLE_PARSERS: dict[str, Parser] = {
    **PARSERS,
    "datetime": functools.partial(_parse_datetime, strptime=strptime_portable),
}


def _cross_checks(present: set[str]) -> list[Check]:
    if not {"lodged_at", "released_at"} <= present:
        return []
    message = "released_at is before lodged_at"
    condition: Condition = lambda t: t.released_at < t.lodged_at  # noqa: E731 (named for the check)
    return [_impossible("released_at", condition, message, "released_before_lodged")]
