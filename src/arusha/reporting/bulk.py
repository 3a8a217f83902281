"""Bulk upload of non-attributable incidents by a private-sector association, after MACN.

The association collects incidents from its members and uploads them as a spreadsheet made from
``template_workbook``. Every row is checked first; the rows are saved together, or not at all.
Each row becomes a ``CoarseRecord`` that feeds the same statistics as consented reports, linked
to its upload batch and never to a report or a member.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from arusha.core import audit, spreadsheets
from arusha.core.models import Organisation, User
from arusha.reporting import taxonomy
from arusha.reporting.models import BulkUpload, Channel, CoarseRecord, Office

MAX_ROWS = 5000
EARLIEST = date(2000, 1, 1)
# (key, heading, required, choices or None)
COLUMNS: tuple[tuple[str, Any, bool, type[models.TextChoices] | None], ...] = (
    ("office", gettext_lazy("Office code"), True, None),
    ("month", gettext_lazy("Month (YYYY-MM)"), True, None),
    ("stage", gettext_lazy("Procedure stage"), True, taxonomy.Stage),
    ("demand", gettext_lazy("What was demanded"), True, taxonomy.DemandKind),
    ("by_whom", gettext_lazy("Demanded by"), True, taxonomy.ByWhom),
    ("amount_band", gettext_lazy("Amount"), False, taxonomy.AmountBand),
    ("consequence", gettext_lazy("Consequence of refusing"), False, taxonomy.Consequence),
    ("paid", gettext_lazy("Paid"), False, taxonomy.Paid),
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("Row %(row)s") % {"row": self.row} if self.row else _("File")
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class ImportRejected(Exception):
    """The workbook has problems; nothing was imported. ``errors`` lists them all."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


def template_workbook(channel: Channel, language: str) -> bytes:
    """An empty incident sheet with translated headings, and a sheet of the allowed codes."""
    with translation.override(language):
        book = Workbook()
        sheet = book.worksheets[0]
        sheet.title = _("Incidents")
        sheet.append([str(heading) for _key, heading, _req, _choices in COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        codes = book.create_sheet(_("Allowed codes"))
        codes.append([_("Column"), _("Code"), _("Meaning")])
        for office in Office.objects.filter(organisation=channel.organisation, is_active=True):
            codes.append([str(COLUMNS[0][1]), office.code, office.name])
        for _key, heading, _req, choices in COLUMNS:
            for value, label in choices.choices if choices else []:
                codes.append([str(heading), value, str(label)])
        buffer = io.BytesIO()
        book.save(buffer)
    return buffer.getvalue()


def _fold(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _heading_lookup() -> dict[str, str]:
    """Any language's heading, or the column key itself, to the column key."""
    lookup: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup |= {_fold(heading): key for key, heading, _req, _choices in COLUMNS}
    return lookup | {key: key for key, *_rest in COLUMNS}


def _value_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """A code, or its label in any language, to the code."""
    lookup = {_fold(value): value for value in choices.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup |= {_fold(label): value for value, label in choices.choices}
    return lookup


def _month(value: Any) -> date | None:
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    text = str(value).strip()
    try:
        parsed = datetime.strptime(text[:7], "%Y-%m")
    except ValueError:
        return None
    return date(parsed.year, parsed.month, 1) if len(text) in (7, 10) else None


def _check_row(
    cells: dict[str, Any],
    offices: dict[str, Office],
    lookups: dict[str, dict[str, str]],
    number: int,
) -> tuple[dict[str, Any], list[RowError]]:
    clean: dict[str, Any] = {}
    errors = []
    this_month = timezone.localdate().replace(day=1)
    for key, heading, required, choices in COLUMNS:
        raw = cells.get(key)
        empty = raw is None or str(raw).strip() == ""
        if empty:
            if required:
                errors.append(RowError(number, str(heading), _("a value is required")))
            clean[key] = None if key in ("office", "month") else ""
            continue
        if key == "office":
            clean[key] = offices.get(_fold(raw))
            if clean[key] is None:
                errors.append(
                    RowError(
                        number,
                        str(heading),
                        _("%(value)s is not an office code of this administration")
                        % {"value": raw},
                    )
                )
        elif key == "month":
            clean[key] = _month(raw)
            if clean[key] is None or not EARLIEST <= clean[key] <= this_month:
                errors.append(
                    RowError(
                        number,
                        str(heading),
                        _("%(value)s is not a past month written as YYYY-MM") % {"value": raw},
                    )
                )
        elif choices is not None:
            clean[key] = lookups[key].get(_fold(raw), "")
            if not clean[key]:
                errors.append(
                    RowError(
                        number,
                        str(heading),
                        _("%(value)s is not one of the allowed codes") % {"value": raw},
                    )
                )
    return clean, errors


def _rejected(error: spreadsheets.SpreadsheetRejected) -> ImportRejected:
    message = _("this is not an .xlsx workbook") if error.code == "not_xlsx" else error.message
    return ImportRejected([RowError(0, "", message)])


def read_rows(channel: Channel, file: IO[bytes]) -> list[dict[str, Any]]:
    """Every row of the workbook, checked; raises ``ImportRejected`` listing all problems.

    The file is refused over ``INCIDENT_UPLOAD_MAX_BYTES``, and the workbook over the shared
    spreadsheet limits, before anything is parsed."""
    try:
        spreadsheets.check_file_size(file, settings.INCIDENT_UPLOAD_MAX_BYTES)
        with spreadsheets.open_workbook(file) as book:
            return _checked_rows(channel, spreadsheets.sheet_rows(spreadsheets.first_sheet(book)))
    except spreadsheets.SpreadsheetRejected as error:
        raise _rejected(error) from None


def _checked_rows(channel: Channel, rows: Iterator[tuple[Any, ...]]) -> list[dict[str, Any]]:
    header = next(rows, None) or ()
    headings = _heading_lookup()
    positions = {headings[_fold(h)]: i for i, h in enumerate(header) if h and _fold(h) in headings}
    missing = [str(heading) for key, heading, req, _c in COLUMNS if req and key not in positions]
    if missing:
        message = _("columns missing: %(names)s") % {"names": ", ".join(missing)}
        raise ImportRejected([RowError(1, "", message)])
    offices = {_fold(o.code): o for o in Office.objects.filter(organisation=channel.organisation)}
    lookups = {key: _value_lookup(choices) for key, _h, _r, choices in COLUMNS if choices}
    clean_rows, errors = [], []
    for number, values in enumerate(rows, start=2):
        cells = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        clean, row_errors = _check_row(cells, offices, lookups, number)
        clean_rows.append(clean)
        errors.extend(row_errors)
        if len(clean_rows) > MAX_ROWS:
            raise ImportRejected(
                [RowError(number, "", _("more than %(max)s rows") % {"max": MAX_ROWS})]
            )
    if not clean_rows and not errors:
        errors.append(RowError(0, "", _("the workbook has no incidents")))
    if errors:
        raise ImportRejected(errors)
    return clean_rows


def import_incidents(
    channel: Channel, association: Organisation, user: User | None, file: IO[bytes]
) -> BulkUpload:
    """Check every row, then save them all in one transaction; raises ``ImportRejected``."""
    rows = read_rows(channel, file)
    with transaction.atomic():
        batch = BulkUpload.objects.create(
            association=association, channel=channel, uploaded_by=user, row_count=len(rows)
        )
        CoarseRecord.objects.bulk_create(
            CoarseRecord(channel=channel, source=CoarseRecord.Source.BULK, batch=batch, **row)
            for row in rows
        )
        audit.record(
            user,
            "reporting.incidents_uploaded",
            batch,
            organisation=association,
            details={"rows": len(rows), "channel": str(channel.code)},
        )
    return batch
