"""From a source table to canonical, typed columns, with the row checks validation runs on them.

Each canonical column gets a value expression that the analysis reads and, where parsing can
fail, the source text it came from; checks compare the two. The value expressions are kept
cheap (no validity tests in them) because every scan of the data evaluates them again; validity
is tested once, by validation, before any analysis.
"""

from __future__ import annotations

import datetime as pydt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from arusha.analytics import schema
from arusha.analytics.engine import ROW
from arusha.analytics.mapping import ColumnSpec, Mapping

TRUE_WORDS = ("true", "t", "yes", "y", "1", "1.0")
FALSE_WORDS = ("false", "f", "no", "n", "0", "0.0")
EARLIEST = pydt.datetime(1950, 1, 1)
HS_PATTERN = r"^[0-9]{6,}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"


@ibis.udf.scalar.builtin(name="try_strptime")
def _try_strptime(value: str, fmt: str) -> pydt.datetime:  # type: ignore[empty-body]
    """DuckDB's strptime that returns NULL instead of failing (Ibis's as_timestamp fails)."""


Condition = Callable[[ir.Table], ir.BooleanValue]


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


@dataclass
class Parsed:
    value: ir.Value
    text: ir.Value | None = None  # the source text, when parsing it can fail
    checks: list[Check] = field(default_factory=list)
    transform: Callable[[ir.Value], ir.Value] | None = None  # for per-value checks


@dataclass
class Staged:
    """Canonical columns computed from the source, and what validation must check on them."""

    wide: ir.Table  # _row, each present canonical column, and <column>__text helpers
    present: frozenset[str]
    missing: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    checks: list[Check] = field(default_factory=list)

    @property
    def canonical(self) -> ir.Table:
        return self.wide.select(ROW, *[c for c in schema.NAMES if c in self.present])


def stage(raw: ir.Table, mapping: Mapping, *, text_source: bool = False) -> Staged:
    """Parse every canonical column the mapping or the source provides; note what is missing.

    `text_source` (CSV) trims surrounding blanks from identifiers; typed sources are taken as is.
    """
    columns: dict[str, ir.Value] = {ROW: raw[ROW]}
    staged = Staged(wide=raw, present=frozenset())
    present: set[str] = set()
    for col in schema.COLUMNS:
        value = _source_value(raw, mapping, col, staged)
        if value is None:
            continue
        spec = mapping.columns.get(col.name, ColumnSpec(column=col.name))
        parsed = PARSERS[col.kind](col.name, value, spec, text_source)
        columns[col.name] = parsed.value
        if parsed.text is not None:
            columns[f"{col.name}__text"] = parsed.text
        source = _source_name(raw, mapping, col)
        if source is not None:
            columns[f"{col.name}__src"] = raw[source]  # read only by the checks that need it
        if col.required:
            condition = _missing(
                col.name,
                parsed,
                source is not None and not text_source and value.type().is_string(),
            )
            staged.checks.append(
                Check(col.name, "missing_value", condition, f"{col.name} is empty")
            )
        staged.checks += [_with_source(c, col.name, source, parsed) for c in parsed.checks]
        present.add(col.name)
    staged.wide = raw.select(**columns)
    staged.present = frozenset(present)
    staged.checks += _cross_checks(present)
    return staged


def _source_name(raw: ir.Table, mapping: Mapping, col: schema.Column) -> str | None:
    if col.name in mapping.constants:
        return None
    spec = mapping.columns.get(col.name)
    name = spec.column if spec else col.name
    return name if name in raw.columns else None


def _with_source(check: Check, name: str, source: str | None, parsed: Parsed) -> Check:
    if not check.per_value:
        return check
    if source is None or parsed.transform is None:
        return replace(check, per_value=False)  # a constant: nothing to gain
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
        staged.missing.append((col.name, message))
        return None
    if col.name in raw.columns:
        return raw[col.name]
    if col.name == "item_no":
        return ibis.literal(1)
    if col.required:
        staged.missing.append(
            (col.name, f"Required column {col.name} is missing ({col.description})")
        )
    return None


def _missing(name: str, parsed: Parsed, raw_text: bool) -> Condition:
    if raw_text:
        # On the source column itself, so that the engine can skip blocks by their statistics.
        return lambda t: t[f"{name}__src"].isnull() | (t[f"{name}__src"] == "")
    if parsed.text is None:
        return lambda t: t[name].isnull()
    return lambda t: t[name].isnull() & t[f"{name}__text"].isnull()


def _text(value: ir.Value, trim: bool) -> ir.StringValue:
    text = value if value.type().is_string() else value.cast("string")
    return (text.strip() if trim else text).nullif("")


def _failed(name: str, expected: str) -> Check:
    """Unparsable: there was source text, but no value came out of it."""
    return Check(
        name,
        "unparsable",
        lambda t: t[name].isnull() & t[f"{name}__text"].notnull(),
        f"{name} is not {expected}",
    )


def _invalid(name: str, expected: str, valid: Callable[[ir.Value], ir.BooleanValue]) -> Check:
    """Unparsable: the value does not have the required form."""
    return Check(
        name,
        "unparsable",
        lambda t: t[name].notnull() & ~valid(t[name]),
        f"{name} is not {expected}",
        per_value=True,
    )


def _parse_id(name: str, value: ir.Value, spec: ColumnSpec, trim: bool) -> Parsed:
    if value.type().is_string() and not trim:
        return Parsed(value)  # validation rejects empty strings, so no need to turn them into NULL
    return Parsed(_text(value, trim))


def _parse_int(name: str, value: ir.Value, spec: ColumnSpec, trim: bool) -> Parsed:
    below = Check(name, "impossible", lambda t: t[name] < 1, f"{name} is below 1")
    if value.type().is_integer():
        return Parsed(value.cast("int64"), checks=[below])
    # Casting "2.5" to an integer rounds it in DuckDB: go through a float and demand a whole number.
    text = _text(value, True)
    number = text.try_cast("float64")
    typed = ibis.ifelse(number == number.floor(), number.cast("int64"), ibis.null("int64"))
    return Parsed(typed, text, [_failed(name, "a whole number"), below])


def _parse_datetime(name: str, value: ir.Value, spec: ColumnSpec, trim: bool) -> Parsed:
    checks = [
        Check(
            name, "impossible", lambda t: t[name] < ibis.literal(EARLIEST), f"{name} is before 1950"
        ),
        Check(
            name,
            "impossible",
            lambda t: t[name] > ibis.literal(pydt.datetime.now() + pydt.timedelta(days=1)),
            f"{name} is in the future",
        ),
    ]
    if value.type().is_timestamp() or value.type().is_date():
        return Parsed(value.cast(dt.Timestamp()), checks=checks)
    text = _text(value, True)
    typed = _try_strptime(text, spec.format) if spec.format else text.try_cast(dt.Timestamp())
    wanted = (
        f"a date in the format {spec.format}"
        if spec.format
        else "a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"
    )
    return Parsed(typed, text, [_failed(name, wanted), *checks])


def _parse_hs(name: str, value: ir.Value, spec: ColumnSpec, trim: bool) -> Parsed:
    def transform(v: ir.Value) -> ir.Value:
        text = _text(v, trim).replace(".", "").replace(" ", "").nullif("")
        if spec.pad:
            text = ibis.ifelse(text.length() < spec.pad, text.lpad(spec.pad, "0"), text)
        return text

    check = _invalid(name, "a tariff code of at least 6 digits", lambda v: v.re_search(HS_PATTERN))
    return Parsed(transform(value), checks=[check], transform=transform)


def _parse_country(name: str, value: ir.Value, spec: ColumnSpec, trim: bool) -> Parsed:
    def transform(v: ir.Value) -> ir.Value:
        return _text(v, trim).upper()

    if spec.anonymised:
        return Parsed(transform(value))
    wanted = "a two-letter ISO 3166 country code"
    check = _invalid(name, wanted, lambda v: v.re_search(COUNTRY_PATTERN))
    return Parsed(transform(value), checks=[check], transform=transform)


def _parse_number(name: str, value: ir.Value, spec: ColumnSpec, trim: bool) -> Parsed:
    negative = Check(name, "impossible", lambda t: t[name] < 0, f"{name} is negative")
    if value.type().is_numeric():
        return Parsed(value.cast("float64"), checks=[negative])
    text = _text(value, True)
    return Parsed(text.try_cast("float64"), text, [_failed(name, "a number"), negative])


def _parse_channel(name: str, value: ir.Value, spec: ColumnSpec, trim: bool) -> Parsed:
    def transform(v: ir.Value) -> ir.Value:
        text = _text(v, trim)
        if spec.values:
            text = text.substitute(spec.values, else_=text)
        return text.lower()

    check = _invalid(name, "green, yellow or red", lambda v: v.isin(schema.CHANNELS))
    return Parsed(transform(value), checks=[check], transform=transform)


def _parse_bool(name: str, value: ir.Value, spec: ColumnSpec, trim: bool) -> Parsed:
    if value.type().is_boolean():
        return Parsed(value)
    text = _text(value, True).lower()
    typed = ibis.cases(
        (text.isin(TRUE_WORDS), True), (text.isin(FALSE_WORDS), False), else_=ibis.null("boolean")
    )
    return Parsed(typed, text, [_failed(name, "true or false (or 1/0, yes/no)")])


PARSERS: dict[str, Callable[[str, ir.Value, ColumnSpec, bool], Parsed]] = {
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


def _cross_checks(present: set[str]) -> list[Check]:
    if not {"lodged_at", "released_at"} <= present:
        return []
    message = "released_at is before lodged_at"
    return [Check("released_at", "impossible", lambda t: t.released_at < t.lodged_at, message)]
