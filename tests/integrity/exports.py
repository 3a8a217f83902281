"""Declarations as Customs administrations export them, for the upload and import tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def european(declarations_csv: Path, encoding: str = "cp1252") -> bytes:
    """The generated declarations as a European or Latin American export: semicolons, decimal
    commas, Windows-1252, an accented office name."""
    rows = list(csv.reader(declarations_csv.read_text("utf-8").splitlines()))
    header, body = rows[0], rows[1:]
    office = header.index("office_id")
    numbers = ("customs_value", "net_mass_kg", "duty_rate", "duty_paid", "revenue_recovered")
    numeric = [header.index(c) for c in numbers]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for row in body:
        row[office] = row[office].replace("OF", "Aduana Bogotá ")
        for i in numeric:
            row[i] = row[i].replace(".", ",")
        writer.writerow(row)
    return out.getvalue().encode(encoding)
