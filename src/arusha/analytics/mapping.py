"""Mapping files: how another file layout becomes the canonical declaration schema.

A mapping is YAML with a `columns` section (canonical name: source column, or a small spec) and an
optional `constants` section (canonical name: value for every row). Spec keys:

- `column`: the source column;
- `format`: strftime codes for a date or datetime column ("%y-%m-%d");
- `values`: a table of source values to canonical ones (channel codes, "R": red);
- `pad`: left-pad codes with zeros to this width (tariff codes stored as numbers lose them);
- `anonymised`: true when the layout replaces country codes by opaque ones (accept any code).

An optional `csv` section fixes `delimiter`, `encoding`, `decimal` or `date_order` (ymd, dmy,
mdy) for the layout's CSV files; what it leaves out is detected (see csvformat).

Mappings shipped with Arusha (`kcs`, `bacuda`) are package data and can be named instead of a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from arusha.analytics import schema
from arusha.analytics.csvformat import CsvFormat, delimiter_option
from arusha.analytics.errors import MappingError, SourceError

SPEC_KEYS = {"column", "format", "values", "pad", "anonymised"}
CSV_KEYS = {"delimiter", "encoding", "decimal", "date_order"}
BUILTIN = ("kcs", "bacuda")


@dataclass(frozen=True)
class ColumnSpec:
    """Where one canonical column comes from in the source layout."""

    column: str
    format: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    pad: int | None = None
    anonymised: bool = False
    # Dates written day first ("dmy") or month first ("mdy"): a CSV file's date order, set by
    # the reader (csvformat), never by a mapping file.
    order: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A named adaptation of one source layout to the canonical schema."""

    name: str
    description: str = ""
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    # What the layout fixes about its CSV files; the rest is detected.
    csv: CsvFormat = field(default_factory=CsvFormat)

    def source_for(self, canonical: str) -> str:
        """The source column feeding a canonical column, for messages."""
        spec = self.columns.get(canonical)
        return spec.column if spec else canonical


def load_mapping(ref: str | Path) -> Mapping:
    """Load a mapping from a YAML file, or a shipped one by name ("kcs", "bacuda")."""
    if isinstance(ref, str) and ref in BUILTIN:
        text = (
            resources.files("arusha.analytics")
            .joinpath("mappings", f"{ref}.yaml")
            .read_text("utf-8")
        )
        return parse_mapping(text, origin=f"built-in mapping {ref}")
    path = Path(ref)
    return parse_mapping(read_mapping_text(path), origin=str(path))


def read_mapping_text(path: Path) -> str:
    """A mapping file's text; MappingError when it cannot be read or is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"Cannot read mapping file {path}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path} is not UTF-8 text: save the mapping as UTF-8.") from exc


def parse_mapping(text: str, origin: str = "mapping") -> Mapping:
    """Parse and check mapping YAML; every mistake names the key at fault."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date that does not exist
        raise MappingError(f"{origin} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"{origin} must be a YAML mapping with a 'columns' section.")
    unknown = set(data) - {"name", "description", "columns", "constants", "csv"}
    if unknown:
        raise MappingError(f"{origin}: unknown top-level keys {sorted(unknown)}.")
    columns = {name: _spec(origin, name, raw) for name, raw in (data.get("columns") or {}).items()}
    constants = dict(data.get("constants") or {})
    for name in [*columns, *constants]:
        if name not in schema.BY_NAME:
            raise MappingError(
                f"{origin}: '{name}' is not a canonical column ({', '.join(schema.NAMES)})."
            )
    both = set(columns) & set(constants)
    if both:
        raise MappingError(f"{origin}: {sorted(both)} given both as a column and as a constant.")
    return Mapping(
        name=str(data.get("name") or origin),
        description=str(data.get("description") or ""),
        columns=columns,
        constants=constants,
        csv=_csv(origin, data.get("csv") or {}),
    )


def _csv(origin: str, raw: object) -> CsvFormat:
    if not isinstance(raw, dict) or set(raw) - CSV_KEYS:
        raise MappingError(f"{origin}: 'csv' takes only {', '.join(sorted(CSV_KEYS))}.")
    try:
        return CsvFormat(**{k: delimiter_option(str(v)) for k, v in raw.items()})
    except SourceError as exc:
        raise MappingError(f"{origin}: csv: {exc}") from None


def _spec(origin: str, name: str, raw: object) -> ColumnSpec:
    if isinstance(raw, bool):
        # YAML reads unquoted no, yes, on, off as booleans; the column name is lost.
        raise MappingError(
            f"{origin}: '{name}' was read as {str(raw).lower()}; put the column name in quotes."
        )
    if isinstance(raw, str | int | float):
        return ColumnSpec(column=str(raw))
    if not isinstance(raw, dict) or "column" not in raw:
        raise MappingError(
            f"{origin}: '{name}' must be a source column name or have a 'column' key."
        )
    unknown = set(raw) - SPEC_KEYS
    if unknown:
        raise MappingError(f"{origin}: '{name}' has unknown keys {sorted(unknown)}.")
    pad = raw.get("pad")
    if pad is not None and (not isinstance(pad, int) or pad < 1):
        raise MappingError(f"{origin}: '{name}'.pad must be a positive whole number.")
    values = raw.get("values") or {}
    if not isinstance(values, dict):
        raise MappingError(
            f"{origin}: '{name}'.values must be a table of source value: canonical value."
        )
    date_format = raw.get("format")
    if date_format is not None:
        _check_format(origin, name, date_format)
    return ColumnSpec(
        column=str(raw["column"]),
        format=date_format,
        values={str(k): str(v) for k, v in values.items()},
        pad=pad,
        anonymised=bool(raw.get("anonymised", False)),
    )


def _check_format(origin: str, name: str, date_format: object) -> None:
    """A date format DuckDB's strptime accepts (which would otherwise stop the read of the
    whole file with its own error)."""
    import duckdb

    wrong = f"{origin}: '{name}'.format"
    if not isinstance(date_format, str) or not date_format:
        raise MappingError(f"{wrong} must be text such as '%d/%m/%Y'.")
    try:
        duckdb.execute("SELECT try_strptime('', ?)", [date_format])
    except duckdb.Error:
        raise MappingError(
            f"{wrong} {date_format!r} is not a date format: each % is followed by a directive "
            "such as %d (day), %m (month), %Y (year), %H (hour), %M (minute) or %S (second)."
        ) from None


IDENTITY = Mapping(name="canonical", description="The canonical layout itself.")
