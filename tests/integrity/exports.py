"""Declarations as Customs administrations export them, for the upload and import tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def european(declarations_csv: Path, encoding: str = "cp1252") -> bytes:
    """The generated declarations as a European or Latin American export: semicolons, decimal
    commas, dates day first (26/02/2024 12:28:40), Windows-1252, an accented office name."""
    rows = list(csv.reader(declarations_csv.read_text("utf-8").splitlines()))
    header, body = rows[0], rows[1:]
    office = header.index("office_id")
    dates = [header.index(c) for c in ("lodged_at", "released_at")]
    numbers = ("customs_value", "net_mass_kg", "duty_rate", "duty_paid", "revenue_recovered")
    numeric = [header.index(c) for c in numbers]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for row in body:
        row[office] = row[office].replace("OF", "Aduana Bogotá ")
        for i in numeric:
            row[i] = row[i].replace(".", ",")
        for i in dates:
            if row[i]:
                day, time = row[i][:10], row[i][10:]
                row[i] = f"{day[8:10]}/{day[5:7]}/{day[:4]}{time}"
        writer.writerow(row)
    return out.getvalue().encode(encoding)
