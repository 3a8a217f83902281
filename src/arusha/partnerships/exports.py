"""Agreements, commitments and action plans as CSV and XLSX tables, the way integrity units report.

Column headings are fixed English keys so that a workbook exported in one language can be
imported in another; the import template uses the same headings as the action export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from arusha.core.spreadsheets import safe_cell
from arusha.partnerships.models import Action, Agreement, Commitment

AGREEMENT_COLUMNS = [
    "Code",
    "Kind",
    "Title",
    "Scope",
    "Region",
    "Administration",
    "Status",
    "Signed",
    "In force",
    "Signatories",
]
COMMITMENT_COLUMNS = ["Agreement", "Number", "Commitment", "Binds", "Key factors"]
ACTION_COLUMNS = [
    "Agreement",
    "Administration",
    "Number",
    "Title",
    "Commitments",
    "Customs owner",
    "Private-sector owner",
    "Start",
    "Due",
    "Status",
    "Progress %",
    "Overdue",
    "Indicator",
    "Unit",
    "Baseline",
    "Target",
    "Measured",
]
Table = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def _safe(value: Any) -> Any:
    return "" if value is None else safe_cell(value)


def agreement_rows(agreements: Iterable[Agreement]) -> Iterable[list[Any]]:
    for a in agreements:
        names = "; ".join(s.organisation.label for s in a.signatories.all())
        yield [
            str(a.code),
            a.kind,
            a.title,
            a.scope,
            a.wco_region,
            a.administration.label,
            a.status,
            a.date_signed,
            a.date_in_force,
            names,
        ]


def commitment_rows(commitments: Iterable[Commitment]) -> Iterable[list[Any]]:
    for c in commitments:
        factors = ", ".join(str(f) for f in c.key_factors)
        yield [c.agreement.title, c.number, c.text, c.binds, factors]


def _indicator_columns(action: Action) -> list[Any]:
    indicators = list(action.indicators.all())
    if len(indicators) == 1:
        i = indicators[0]
        return [i.name, i.unit, i.baseline, i.target, i.measured]
    names = "; ".join(i.name for i in indicators)
    return [names, "", None, None, None]


def action_rows(actions: Iterable[Action]) -> Iterable[list[Any]]:
    for a in actions:
        numbers = ", ".join(str(c.number) for c in a.commitments.all())
        yield [
            a.plan.agreement.title,
            a.plan.administration.label,
            a.number,
            a.title,
            numbers,
            a.customs_owner,
            a.private_owner.label if a.private_owner else "",
            a.start_date,
            a.due_date,
            a.status,
            a.progress,
            "yes" if a.is_overdue else "",
            *_indicator_columns(a),
        ]


def to_csv(table: Table) -> bytes:
    _title, header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    # A byte-order mark lets spreadsheet programs open the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(tables: Sequence[Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe(v) for v in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def agreement_tables(agreements: Sequence[Agreement], actions: Iterable[Action]) -> list[Table]:
    commitments = Commitment.objects.filter(agreement__in=agreements).select_related("agreement")
    return [
        ("Agreements", AGREEMENT_COLUMNS, agreement_rows(agreements)),
        ("Commitments", COMMITMENT_COLUMNS, commitment_rows(commitments)),
        ("Actions", ACTION_COLUMNS, action_rows(actions)),
    ]
