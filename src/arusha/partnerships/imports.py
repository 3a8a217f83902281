"""Import an action plan from an XLSX workbook: every row is checked first, and the rows are
saved together or not at all.

The first sheet's first row holds the headings (those of the action export; others are
ignored). Each further row is one action, with at most one indicator.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Annotated, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from pydantic import BaseModel, BeforeValidator, Field, ValidationError, field_validator

from arusha.core import audit
from arusha.core.models import Organisation, User
from arusha.partnerships.models import Action, ActionPlan, Indicator

MAX_ROWS = 2000
REQUIRED = ["Title", "Customs owner"]
COLUMNS = {
    "Title": "title",
    "Commitments": "commitments",
    "Customs owner": "customs_owner",
    "Private-sector owner": "private_owner",
    "Start": "start_date",
    "Due": "due_date",
    "Status": "status",
    "Progress %": "progress",
    "Indicator": "indicator",
    "Unit": "unit",
    "Baseline": "baseline",
    "Target": "target",
    "Measured": "measured",
}


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
    """The workbook has problems; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, datetime):
        return value.date()
    return value


def _status(value: Any) -> str:
    text = str(value or "planned").strip().lower()
    for code, label in Action.Status.choices:
        if text in {code, str(label).lower(), code.replace("_", " ")}:
            return code
    raise ValueError("unknown status")


def _numbers(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, int | float):
        return [int(value)]
    parts = str(value).replace(";", ",").split(",")
    return [int(p.strip()) for p in parts if p.strip()]


Blankable = BeforeValidator(_blank_to_none)


class ActionRow(BaseModel):
    title: Annotated[str, BeforeValidator(lambda v: str(v).strip() if v is not None else v)] = (
        Field(min_length=1, max_length=250)
    )
    commitments: Annotated[list[int], BeforeValidator(_numbers)] = []
    customs_owner: Annotated[str, Blankable] = Field(min_length=1, max_length=150)
    private_owner: Annotated[str | None, Blankable] = None
    start_date: Annotated[date | None, Blankable] = None
    due_date: Annotated[date | None, Blankable] = None
    status: Annotated[str, BeforeValidator(_status)] = "planned"
    progress: Annotated[int, Blankable] = Field(default=0, ge=0, le=100)
    indicator: Annotated[str | None, Blankable] = Field(default=None, max_length=200)
    unit: Annotated[str | None, Blankable] = Field(default=None, max_length=40)
    baseline: Annotated[Decimal | None, Blankable] = None
    target: Annotated[Decimal | None, Blankable] = None
    measured: Annotated[Decimal | None, Blankable] = None

    @field_validator("progress", mode="before")
    @classmethod
    def _progress_default(cls, value: Any) -> Any:
        return 0 if value is None else value


_MESSAGES = {
    "missing": "required",
    "string_too_short": "required",
    "string_type": "required",
    "string_too_long": "too long",
    "date_from_datetime_parsing": "not a date (use YYYY-MM-DD)",
    "date_parsing": "not a date (use YYYY-MM-DD)",
    "date_type": "not a date (use YYYY-MM-DD)",
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number",
    "less_than_equal": "must be between 0 and 100",
    "greater_than_equal": "must be between 0 and 100",
    "decimal_parsing": "not a number",
}


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "value_error" and "status" in str(error.get("msg", "")):
        return _("unknown status; use one of: %(choices)s") % {
            "choices": ", ".join(str(label) for _code, label in Action.Status.choices)
        }
    if kind == "value_error":
        return _("not a list of commitment numbers such as 1, 3")
    messages = {
        "required": _("required"),
        "too long": _("too long"),
        "not a date (use YYYY-MM-DD)": _("not a date (use YYYY-MM-DD)"),
        "not a whole number": _("not a whole number"),
        "must be between 0 and 100": _("must be between 0 and 100"),
        "not a number": _("not a number"),
    }
    return messages.get(_MESSAGES.get(kind, ""), str(error.get("msg", "")))


# What openpyxl raises on a file that is not a workbook, or a broken one (ParseError is a
# SyntaxError).
_UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError)


def _read_rows(file: IO[bytes]) -> tuple[list[str], list[tuple[int, tuple[Any, ...]]]]:
    try:
        return _rows_of(file)
    except _UNREADABLE as error:
        raise ImportRejected([RowError(0, "", _("This is not an XLSX workbook."))]) from error


def _rows_of(file: IO[bytes]) -> tuple[list[str], list[tuple[int, tuple[Any, ...]]]]:
    workbook = load_workbook(file, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    body = []
    for number, row in enumerate(rows, start=2):
        if any(v is not None and str(v).strip() for v in row):
            body.append((number, row))
        if len(body) > MAX_ROWS:
            break  # enough to refuse the file; reading on would only use memory
    workbook.close()
    return header, body


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRejected(
            [RowError(1, name, _("this column is missing from the first row")) for name in missing]
        )


def _private_owner(name: str) -> Organisation | None:
    matches = Organisation.objects.private_sector().filter(
        Q(name__iexact=name) | Q(short_name__iexact=name)
    )
    return matches.first() if matches.count() == 1 else None


def _check_row(
    plan: ActionPlan, number: int, values: dict[str, Any]
) -> tuple[ActionRow | None, Organisation | None, list[RowError]]:
    try:
        row = ActionRow.model_validate(values)
    except ValidationError as error:
        labels = {v: k for k, v in COLUMNS.items()}
        return (
            None,
            None,
            [
                RowError(number, labels.get(str(e["loc"][0]), str(e["loc"][0])), _message(e))
                for e in error.errors()
            ],
        )
    errors = []
    known = set(plan.agreement.commitments.values_list("number", flat=True))
    for n in row.commitments:
        if n not in known:
            errors.append(
                RowError(
                    number, "Commitments", _("the agreement has no commitment %(n)s") % {"n": n}
                )
            )
    owner = None
    if row.private_owner:
        owner = _private_owner(row.private_owner)
        if owner is None:
            errors.append(
                RowError(
                    number,
                    "Private-sector owner",
                    _("no private-sector organisation is called “%(name)s”")
                    % {"name": row.private_owner},
                )
            )
    if row.start_date and row.due_date and row.due_date < row.start_date:
        errors.append(RowError(number, "Due", _("the due date is before the start date")))
    return row, owner, errors


def check_workbook(
    plan: ActionPlan, file: IO[bytes]
) -> list[tuple[ActionRow, Organisation | None]]:
    """Every row of the workbook, checked; raises ImportRejected listing all problems."""
    header, body = _read_rows(file)
    _check_header(header)
    if not body:
        raise ImportRejected([RowError(0, "", _("The workbook has no rows below the headings."))])
    if len(body) > MAX_ROWS:
        raise ImportRejected(
            [RowError(0, "", _("Import at most %(n)s rows at a time.") % {"n": MAX_ROWS})]
        )
    checked, errors = [], []
    for number, cells in body:
        values = {COLUMNS[h]: v for h, v in zip(header, cells, strict=False) if h in COLUMNS}
        row, owner, row_errors = _check_row(plan, number, values)
        errors.extend(row_errors)
        if row is not None:
            checked.append((row, owner))
    if errors:
        raise ImportRejected(errors)
    return checked


@transaction.atomic
def import_action_plan(plan: ActionPlan, file: IO[bytes], user: User) -> list[Action]:
    """Add the workbook's actions to the plan, all or none; return the new actions."""
    rows = check_workbook(plan, file)
    commitments = {c.number: c for c in plan.agreement.commitments.all()}
    number = Action.next_number(plan)
    created = []
    for offset, (row, owner) in enumerate(rows):
        action = Action.objects.create(
            plan=plan,
            number=number + offset,
            title=row.title,
            customs_owner=row.customs_owner,
            private_owner=owner,
            start_date=row.start_date,
            due_date=row.due_date,
            status=row.status,
            progress=100 if row.status == Action.Status.DONE else row.progress,
        )
        action.commitments.set([commitments[n] for n in row.commitments])
        if row.indicator:
            Indicator.objects.create(
                action=action,
                name=row.indicator,
                unit=row.unit or "",
                baseline=row.baseline,
                target=row.target,
                measured=row.measured,
            )
        created.append(action)
    audit.record(
        user,
        "partnerships.plan_imported",
        plan,
        organisation=plan.administration,
        details={"actions": [str(a.code) for a in created]},
    )
    return created
