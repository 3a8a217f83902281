"""Agreements, commitments and action plans as CSV and XLSX tables, the way integrity units report.

Headings, sheet names and action statuses are in the reader's language. The Actions sheet is also
the import template: its last column holds each action's code, so that a workbook exported in any
language can be edited and imported again to update the same actions (see ``imports``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from arusha.core.spreadsheets import safe_cell
from arusha.partnerships.models import Action, Agreement, Commitment

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

AGREEMENT_COLUMNS = [
    gettext_lazy("Code"),
    gettext_lazy("Kind"),
    gettext_lazy("Title"),
    gettext_lazy("Scope"),
    gettext_lazy("Region"),
    gettext_lazy("Administration"),
    gettext_lazy("Status"),
    gettext_lazy("Signed"),
    gettext_lazy("In force"),
    gettext_lazy("Signatories"),
]
COMMITMENT_COLUMNS = [
    gettext_lazy("Agreement"),
    gettext_lazy("Number"),
    gettext_lazy("Commitment"),
    gettext_lazy("Binds"),
    gettext_lazy("Key factors"),
]
# Each column of the Actions sheet by the key the import knows it by, in the order of the sheet.
ACTION_HEADINGS: dict[str, StrOrPromise] = {
    "agreement": gettext_lazy("Agreement"),
    "administration": gettext_lazy("Administration"),
    "number": gettext_lazy("Number"),
    "title": gettext_lazy("Title"),
    "commitments": gettext_lazy("Commitments"),
    "customs_owner": gettext_lazy("Customs owner"),
    "private_owner": gettext_lazy("Private-sector owner"),
    "start_date": gettext_lazy("Start"),
    "due_date": gettext_lazy("Due"),
    "status": gettext_lazy("Status"),
    "progress": gettext_lazy("Progress %"),
    "overdue": gettext_lazy("Overdue"),
    "indicator": gettext_lazy("Indicator"),
    "unit": gettext_lazy("Unit"),
    "baseline": gettext_lazy("Baseline"),
    "target": gettext_lazy("Target"),
    "measured": gettext_lazy("Measured"),
    "code": gettext_lazy("Code"),
}
ACTION_COLUMNS = list(ACTION_HEADINGS.values())
# A table's name (its key in ?table=) and the sheet name it is shown under.
SHEET_NAMES: dict[str, StrOrPromise] = {
    "Agreements": gettext_lazy("Agreements"),
    "Commitments": gettext_lazy("Commitments"),
    "Actions": gettext_lazy("Actions"),
}
Table = tuple[str, Sequence["StrOrPromise"], Iterable[Sequence[Any]]]


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
            a.get_status_display(),
            a.progress,
            _("yes") if a.is_overdue else "",
            *_indicator_columns(a),
            str(a.code),
        ]


def to_csv(table: Table) -> bytes:
    _title, header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    # A byte-order mark lets spreadsheet programs open the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(tables: Sequence[Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(str(SHEET_NAMES.get(title, title))[:31])
        sheet.append([str(h) for h in header])
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
