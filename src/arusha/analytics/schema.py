"""The canonical declaration schema: one row per declaration item, as every indicator reads it."""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("green", "yellow", "red")


@dataclass(frozen=True)
class Column:
    """One canonical column: its logical type, whether it is required, and what it means."""

    name: str
    kind: str  # id, int, datetime, hs, country, money, number, percent, channel, bool
    required: bool
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("declaration_id", "id", True, "Declaration number, unique with item_no."),
    Column("item_no", "int", False, "Item number within the declaration (default 1)."),
    Column("lodged_at", "datetime", True, "Date or date and time the declaration was lodged."),
    Column("released_at", "datetime", False, "Date and time the goods were released."),
    Column("office_id", "id", True, "Customs office where the declaration was lodged."),
    Column("declarant_id", "id", True, "Customs broker or declarant who lodged it."),
    Column("importer_id", "id", True, "Importer of record."),
    Column("officer_id", "id", False, "Officer who assessed or inspected the declaration."),
    Column("hs_code", "hs", True, "Tariff code, at least 6 digits."),
    Column("origin_country", "country", False, "Country of origin, ISO 3166 alpha-2."),
    Column("customs_value", "money", True, "Customs value in national currency."),
    Column("net_mass_kg", "number", False, "Net mass in kilograms."),
    Column("duty_rate", "percent", False, "Duty rate in percent."),
    Column("duty_paid", "money", False, "Duties and taxes paid, national currency."),
    Column("channel_assigned", "channel", False, "Channel the risk engine assigned."),
    Column("channel_final", "channel", False, "Channel after any manual change."),
    Column("inspected", "bool", False, "Whether the item was checked (documents or goods)."),
    Column("offence_found", "bool", False, "Whether an offence was found."),
    Column("revenue_recovered", "money", False, "Additional duties and fines recovered."),
)

BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
# Columns every indicator leaves aside: validated like the others and read by read_canonical,
# but a CSV file read for the analysis keeps only the outcome of their checks.
UNREAD_BY_INDICATORS = frozenset({"importer_id", "duty_rate", "duty_paid"})
