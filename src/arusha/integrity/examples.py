"""Example files for a new user to try the upload with: generated declarations (invented
people, a few planted collusive pairs), in Arusha's own layout (as CSV and as an Excel workbook)
and as an administration's own export with the mapping file that reads it. The same seed gives
the same files every time; every layout holds the same declarations, so they give the same
results."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.csv as pacsv
from openpyxl import Workbook

from arusha.analytics import GeneratorConfig
from arusha.analytics.generate import generate_table, plain

CONFIG = GeneratorConfig(
    rows=20_000, seed=2028, offices=3, officers=24, declarants=60, strong_pairs=2, weak_pairs=1
)

# The example export's own column names, as a Spanish-speaking administration might write them.
EXPORT_COLUMNS = {
    "declaration_id": "NUMERO_DAU",
    "item_no": "ITEM",
    "lodged_at": "FECHA_PRESENTACION",
    "released_at": "FECHA_LEVANTE",
    "office_id": "DISTRITO",
    "declarant_id": "AGENTE_ADUANA",
    "importer_id": "IMPORTADOR",
    "officer_id": "FUNCIONARIO",
    "hs_code": "SUBPARTIDA",
    "origin_country": "PAIS_ORIGEN",
    "customs_value": "VALOR_ADUANA",
    "net_mass_kg": "PESO_NETO_KG",
    "duty_rate": "TASA_ARANCEL",
    "duty_paid": "DERECHOS_PAGADOS",
    "channel_assigned": "CANAL_ASIGNADO",
    "channel_final": "CANAL_FINAL",
    "inspected": "AFORO_FISICO",
    "offence_found": "INFRACCION",
    "revenue_recovered": "VALOR_RECUPERADO",
}
CHANNEL_CODES = {"green": "V", "yellow": "A", "red": "R"}
DATE_FORMAT = "%d/%m/%Y %H:%M:%S"

EXPORT_MAPPING = """\
# How Arusha reads its example export: the export's own column names, semicolons between
# fields, decimal commas, dates day first, channels as letters, tariff codes without their
# leading zeros (a spreadsheet kept them as numbers).
name: Example export
csv:
  delimiter: ";"
  decimal: ","
columns:
  declaration_id: NUMERO_DAU
  item_no: ITEM
  lodged_at: {column: FECHA_PRESENTACION, format: "%d/%m/%Y %H:%M:%S"}
  released_at: {column: FECHA_LEVANTE, format: "%d/%m/%Y %H:%M:%S"}
  office_id: DISTRITO
  declarant_id: AGENTE_ADUANA
  importer_id: IMPORTADOR
  officer_id: FUNCIONARIO
  hs_code: {column: SUBPARTIDA, pad: 6}
  origin_country: PAIS_ORIGEN
  customs_value: VALOR_ADUANA
  net_mass_kg: PESO_NETO_KG
  duty_rate: TASA_ARANCEL
  duty_paid: DERECHOS_PAGADOS
  channel_assigned: {column: CANAL_ASIGNADO, values: {V: green, A: yellow, R: red}}
  channel_final: {column: CANAL_FINAL, values: {V: green, A: yellow, R: red}}
  inspected: AFORO_FISICO
  offence_found: INFRACCION
  revenue_recovered: VALOR_RECUPERADO
"""
# The name the demo saves the mapping under, as a layout of its administration.
LAYOUT_NAME = "Example export"


@dataclass(frozen=True)
class Example:
    filename: str
    content_type: str
    content: bytes


NAMES = ("declarations.csv", "declarations.xlsx", "export.csv", "export-mapping.yaml")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def example(name: str) -> Example | None:
    """One of the example files by its short name (see NAMES); None for any other name."""
    if name not in NAMES:
        return None
    return _examples()[name]


@functools.cache
def _examples() -> dict[str, Example]:
    table = plain(generate_table(CONFIG)[0])
    return {
        "declarations.csv": Example(
            "arusha-example-declarations.csv", "text/csv; charset=utf-8", _canonical_csv(table)
        ),
        "declarations.xlsx": Example(
            "arusha-example-declarations.xlsx", XLSX, _canonical_workbook(table)
        ),
        "export.csv": Example(
            "arusha-example-export.csv", "text/csv; charset=utf-8", _export_csv(table)
        ),
        "export-mapping.yaml": Example(
            "arusha-example-export-mapping.yaml",
            "application/yaml; charset=utf-8",
            EXPORT_MAPPING.encode(),
        ),
    }


def _canonical_csv(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pacsv.write_csv(table, out, pacsv.WriteOptions(quoting_style="needed"))
    return out.getvalue()


def _canonical_workbook(table: pa.Table) -> bytes:
    """The declarations as an Excel workbook, one sheet, each cell of its type: numbers,
    dates and times, true or false, text (identifiers and tariff codes keep their zeros)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Declarations")
    sheet.append(table.column_names)
    for row in zip(*(column.to_pylist() for column in table.columns), strict=True):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _export_csv(table: pa.Table) -> bytes:
    """The declarations as the example export writes them (see EXPORT_MAPPING)."""
    frame = table.to_pandas()
    for column in ("lodged_at", "released_at"):
        frame[column] = frame[column].dt.strftime(DATE_FORMAT)
    for column in ("channel_assigned", "channel_final"):
        frame[column] = frame[column].map(CHANNEL_CODES)
    frame["hs_code"] = frame["hs_code"].str.lstrip("0")
    for column in ("inspected", "offence_found"):
        frame[column] = frame[column].astype(int)
    frame = frame.rename(columns=EXPORT_COLUMNS)
    text = frame.to_csv(sep=";", decimal=",", index=False)
    return text.encode("utf-8")
