"""Import an action plan from an XLSX workbook: every row is checked first, every problem is
listed at once, and the rows are saved together or not at all.

The workbook may be the agreement's export as it is, its Actions sheet alone, or the empty
template: the first sheet whose first row holds the action headings (in any language) is read.
A row with an action's code updates that action; a row without a code adds one; a row with the
code of another administration's action in the same agreement is left alone. Each row holds at
most one indicator.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Annotated, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from arusha.core import audit, spreadsheets
from arusha.core.models import Organisation, User
from arusha.partnerships.exports import ACTION_HEADINGS
from arusha.partnerships.models import Action, ActionPlan, Commitment, Indicator

MAX_ROWS = 2000
REQUIRED = ("title", "customs_owner")
IMPORTED = (
    "code",
    "title",
    "commitments",
    "customs_owner",
    "private_owner",
    "start_date",
    "due_date",
    "status",
    "progress",
    "indicator",
    "unit",
    "baseline",
    "target",
    "measured",
)
INDICATOR_FIELDS = ("unit", "baseline", "target", "measured")
# An indicator's amounts are stored with 14 digits, 2 of them after the point.
AMOUNT_LIMIT = 10**12


def heading(key: str) -> str:
    """The column's heading in the reader's language."""
    return str(ACTION_HEADINGS[key])


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


def _numbers(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, int | float):
        return [int(value)]
    parts = str(value).replace(";", ",").split(",")
    return [int(p.strip()) for p in parts if p.strip()]


Blankable = BeforeValidator(_blank_to_none)
Amount = Annotated[Annotated[Decimal, Field(gt=-AMOUNT_LIMIT, lt=AMOUNT_LIMIT)] | None, Blankable]


class ActionRow(BaseModel):
    title: Annotated[str, BeforeValidator(lambda v: str(v).strip() if v is not None else v)] = (
        Field(min_length=1, max_length=250)
    )
    commitments: Annotated[list[int], BeforeValidator(_numbers)] = []
    customs_owner: Annotated[str, Blankable] = Field(min_length=1, max_length=150)
    private_owner: Annotated[str | None, Blankable] = None
    start_date: Annotated[date | None, Blankable] = None
    due_date: Annotated[date | None, Blankable] = None
    status: Annotated[str, BeforeValidator(lambda v: v or Action.Status.PLANNED)] = (
        Action.Status.PLANNED
    )
    progress: Annotated[int, BeforeValidator(lambda v: _blank_to_none(v) or 0)] = Field(
        default=0, ge=0, le=100
    )
    indicator: Annotated[str | None, Blankable] = Field(default=None, max_length=200)
    unit: Annotated[str | None, Blankable] = Field(default=None, max_length=40)
    baseline: Amount = None
    target: Amount = None
    measured: Amount = None


def _messages() -> dict[str, str]:
    date_hint = _("not a date (use YYYY-MM-DD)")
    whole = _("not a whole number")
    between = _("must be between 0 and 100")
    return {
        "missing": _("required"),
        "string_too_short": _("required"),
        "string_type": _("required"),
        "string_too_long": _("too long"),
        "date_from_datetime_parsing": date_hint,
        "date_from_datetime_inexact": date_hint,
        "date_parsing": date_hint,
        "date_type": date_hint,
        "int_parsing": whole,
        "int_from_float": whole,
        "int_type": whole,
        "less_than_equal": between,
        "greater_than_equal": between,
        "less_than": _("too large a number"),
        "greater_than": _("too large a number"),
        "decimal_parsing": _("not a number"),
        "decimal_type": _("not a number"),
        "finite_number": _("not a number"),
        "value_error": _("not a list of commitment numbers such as 1, 3"),
    }


def _fold(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _in_every_language(pairs: Any) -> dict[str, str]:
    """Each (key, label) pair's label, folded, in every language, to its key; English first."""
    lookup: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for key, label in pairs():
                lookup.setdefault(_fold(label), key)
    return lookup


def _heading_lookup() -> dict[str, str]:
    return _in_every_language(lambda: ACTION_HEADINGS.items())


def _status_lookup() -> dict[str, str]:
    codes = {_fold(c): c for c in Action.Status.values}
    spaced = {_fold(c.replace("_", " ")): c for c in Action.Status.values}
    return codes | spaced | _in_every_language(lambda: Action.Status.choices)


# Reading the workbook.


def _positions(header: tuple[Any, ...], lookup: dict[str, str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        if text is not None and _fold(text) in lookup:
            positions.setdefault(lookup[_fold(text)], index)
    return positions


def _action_sheet(book: Any) -> tuple[Any, dict[str, int]]:
    """The first sheet whose first row has the required headings, and where each column is."""
    lookup = _heading_lookup()
    for sheet in book.worksheets:
        positions = _positions(spreadsheets.first_row(sheet), lookup)
        if all(key in positions for key in REQUIRED):
            return sheet, positions
    if len(book.worksheets) == 1:
        missing = [key for key in REQUIRED if key not in positions]
        raise ImportRejected(
            [
                RowError(1, heading(k), _("this column is missing from the first row"))
                for k in missing
            ]
        )
    names = ", ".join(f"“{heading(key)}”" for key in REQUIRED)
    message = _("No sheet of the workbook has the columns %(names)s in its first row.")
    raise ImportRejected([RowError(0, "", message % {"names": names})])


def _body(sheet: Any) -> list[tuple[int, tuple[Any, ...]]]:
    rows = spreadsheets.sheet_rows(sheet)
    next(rows, None)  # the headings
    body = []
    for number, row in enumerate(rows, start=2):
        if any(v is not None and str(v).strip() for v in row):
            body.append((number, row))
        if len(body) > MAX_ROWS:
            message = _("Import at most %(n)s rows at a time.") % {"n": MAX_ROWS}
            raise ImportRejected([RowError(0, "", message)])
    return body


def _read(file: IO[bytes]) -> tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]]:
    try:
        with spreadsheets.open_workbook(file) as book:
            sheet, positions = _action_sheet(book)
            return positions, _body(sheet)
    except spreadsheets.SpreadsheetRejected as rejected:
        raise ImportRejected([RowError(0, "", rejected.message)]) from None


# Checking the rows.


@dataclass
class CheckedRow:
    number: int
    row: ActionRow
    owner: Organisation | None
    action: Action | None  # the action the row updates; None for a new one
    # The workbook's columns: an update leaves the fields of missing columns as they are.
    columns: frozenset[str] = frozenset(IMPORTED)


@dataclass
class _Checker:
    plan: ActionPlan
    messages: dict[str, str] = field(default_factory=_messages)
    statuses: dict[str, str] = field(default_factory=_status_lookup)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    seen: dict[uuid.UUID, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        actions = self.plan.actions.prefetch_related("indicators", "commitments")
        self.actions = {a.code: a for a in actions}
        self.titles = {_fold(a.title) for a in self.actions.values()}
        self.elsewhere = set(
            Action.objects.filter(plan__agreement=self.plan.agreement)
            .exclude(plan=self.plan)
            .values_list("code", flat=True)
        )
        self.commitments = set(self.plan.agreement.commitments.values_list("number", flat=True))

    def error(self, number: int, key: str, message: str) -> None:
        self.errors.append(RowError(number, heading(key) if key else "", message))

    def action_for(self, number: int, raw: Any) -> tuple[bool, Action | None]:
        """Whether the row is this plan's, and the action its code names (None for a new one)."""
        if raw is None or not str(raw).strip():
            return True, None
        try:
            code = uuid.UUID(str(raw).strip())
        except ValueError:
            self.error(number, "code", _("not an action code; leave it empty for a new action"))
            return True, None
        if code in self.elsewhere:
            return False, None
        if code in self.seen:
            message = _("the same code is on row %(row)s") % {"row": self.seen[code]}
            self.error(number, "code", message)
        self.seen.setdefault(code, number)
        if code not in self.actions:
            self.error(number, "code", _("no action of this agreement has this code"))
        return True, self.actions.get(code)

    def status(self, number: int, values: dict[str, Any]) -> None:
        raw = values.get("status")
        if raw is None or not str(raw).strip():
            values["status"] = None
            return
        values["status"] = self.statuses.get(_fold(raw))
        if values["status"] is None:
            labels = ", ".join(str(label) for _code, label in Action.Status.choices)
            self.error(
                number, "status", _("unknown status; use one of: %(choices)s") % {"choices": labels}
            )

    def validated(self, number: int, values: dict[str, Any]) -> ActionRow | None:
        try:
            return ActionRow.model_validate(values)
        except ValidationError as invalid:
            for e in invalid.errors():
                message = self.messages.get(e["type"], str(e.get("msg", "")))
                self.error(number, str(e["loc"][0]), message)
            return None

    def check(self, number: int, values: dict[str, Any]) -> CheckedRow | None:
        columns = frozenset(values)
        mine, action = self.action_for(number, values.pop("code", None))
        if not mine:
            self.skipped += 1
            return None
        self.status(number, values)
        row = self.validated(number, values)
        if row is None:
            return None
        owner = self.links(number, row)
        if action is None and _fold(row.title) in self.titles:
            self.error(
                number,
                "title",
                _(
                    "the plan already has an action with this title; to update it, import a fresh "
                    "export of the agreement, which holds each action's code"
                ),
            )
        if action is not None and "indicator" in columns:
            self.indicator_kept(number, action, row)
        return CheckedRow(number, row, owner, action, columns)

    def links(self, number: int, row: ActionRow) -> Organisation | None:
        for n in row.commitments:
            if n not in self.commitments:
                self.error(
                    number, "commitments", _("the agreement has no commitment %(n)s") % {"n": n}
                )
        if row.start_date and row.due_date and row.due_date < row.start_date:
            self.error(number, "due_date", _("the due date is before the start date"))
        if not row.private_owner:
            return None
        owner = _private_owner(row.private_owner)
        if owner is None:
            message = _("no private-sector organisation is called “%(name)s”")
            self.error(number, "private_owner", message % {"name": row.private_owner})
        return owner

    def indicator_kept(self, number: int, action: Action, row: ActionRow) -> None:
        """An import changes an action's one indicator, but neither removes one nor changes
        several (the export lists their names only)."""
        indicators = list(action.indicators.all())
        if len(indicators) > 1:
            listed = "; ".join(i.name for i in indicators)
            others = any(getattr(row, f) is not None for f in INDICATOR_FIELDS)
            if row.indicator != listed or others:
                self.error(
                    number,
                    "indicator",
                    _("this action has several indicators; change them on the action's page"),
                )
        elif indicators and not row.indicator:
            self.error(
                number,
                "indicator",
                _("an import cannot remove an indicator; keep its name in this column"),
            )


def _private_owner(name: str) -> Organisation | None:
    matches = Organisation.objects.private_sector().filter(
        Q(name__iexact=name) | Q(short_name__iexact=name)
    )
    return matches.first() if matches.count() == 1 else None


@dataclass
class Checked:
    rows: list[CheckedRow]
    skipped: int  # rows of other administrations' plans in the same agreement


def check_workbook(plan: ActionPlan, file: IO[bytes]) -> Checked:
    """Every row of the workbook, checked; raises ImportRejected listing all problems."""
    positions, body = _read(file)
    if not body:
        raise ImportRejected([RowError(0, "", _("The workbook has no rows below the headings."))])
    checker = _Checker(plan)
    checked = []
    for number, cells in body:
        values = {
            key: spreadsheets.plain_cell(cells[i]) if i < len(cells) else None
            for key, i in positions.items()
            if key in IMPORTED
        }
        row = checker.check(number, values)
        if row is not None:
            checked.append(row)
    if checker.errors:
        raise ImportRejected(checker.errors)
    return Checked(checked, checker.skipped)


# Saving.


@dataclass
class ImportResult:
    created: list[Action]
    updated: list[Action]
    unchanged: int
    skipped: int

    @property
    def message(self) -> str:
        parts = [
            ngettext("%(n)s action was added", "%(n)s actions were added", len(self.created))
            % {"n": len(self.created)},
            ngettext("%(n)s updated", "%(n)s updated", len(self.updated))
            % {"n": len(self.updated)},
            ngettext("%(n)s unchanged", "%(n)s unchanged", self.unchanged) % {"n": self.unchanged},
        ]
        text = _("%(added)s, %(updated)s and %(unchanged)s.") % dict(
            zip(("added", "updated", "unchanged"), parts, strict=True)
        )
        if self.skipped:
            text += " " + ngettext(
                "%(n)s row of another administration's plan was left alone.",
                "%(n)s rows of other administrations' plans were left alone.",
                self.skipped,
            ) % {"n": self.skipped}
        return text


def _create(
    plan: ActionPlan, checked: CheckedRow, number: int, commitments: dict[int, Commitment]
) -> Action:
    row = checked.row
    action = Action.objects.create(
        plan=plan,
        number=number,
        title=row.title,
        customs_owner=row.customs_owner,
        private_owner=checked.owner,
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
            measured_on=timezone.localdate() if row.measured is not None else None,
        )
    return action


def _update_fields(action: Action, checked: CheckedRow) -> list[str]:
    row = checked.row
    wanted = {
        "title": row.title,
        "customs_owner": row.customs_owner,
        "private_owner_id": checked.owner.pk if checked.owner else None,
        "start_date": row.start_date,
        "due_date": row.due_date,
    }
    wanted = {k: v for k, v in wanted.items() if k.removesuffix("_id") in checked.columns}
    changed = [name for name, value in wanted.items() if getattr(action, name) != value]
    for name in changed:
        setattr(action, name, wanted[name])
    if changed:
        action.save(update_fields=[*changed, "updated_at"])
    return [name.removesuffix("_id") for name in changed]


def _update_commitments(
    action: Action, checked: CheckedRow, commitments: dict[int, Commitment]
) -> list[str]:
    numbers = checked.row.commitments
    if "commitments" not in checked.columns:
        return []
    if sorted(c.number for c in action.commitments.all()) == sorted(set(numbers)):
        return []
    action.commitments.set([commitments[n] for n in numbers])
    return ["commitments"]


def _update_status(action: Action, checked: CheckedRow, user: User) -> list[str]:
    row, columns = checked.row, checked.columns
    status = row.status if "status" in columns else action.status
    progress = row.progress if "progress" in columns else action.progress
    progress = 100 if status == Action.Status.DONE else progress
    if (action.status, action.progress) == (status, progress):
        return []
    # Through the action's history, like a change on its page, with a note that says where from.
    action.change_status(user, status, progress, _("Changed by importing a workbook."))
    return ["status"]


def _update_indicator(action: Action, checked: CheckedRow) -> list[str]:
    row, columns = checked.row, checked.columns
    indicators = list(action.indicators.all())
    if len(indicators) > 1 or not row.indicator or "indicator" not in columns:
        return []  # several are left as they are (checked); a blank row has none to add
    indicator = indicators[0] if indicators else Indicator(action=action)
    wanted = {
        "name": row.indicator,
        "unit": row.unit or "",
        "baseline": row.baseline,
        "target": row.target,
        "measured": row.measured,
    }
    wanted = {k: v for k, v in wanted.items() if k == "name" or k in columns}
    changed = [name for name, value in wanted.items() if getattr(indicator, name) != value]
    if not changed and indicator.pk:
        return []
    for name in changed:
        setattr(indicator, name, wanted[name])
    if "measured" in changed:
        indicator.measured_on = timezone.localdate() if row.measured is not None else None
    indicator.save()
    return ["indicator"]


def _update(
    action: Action, checked: CheckedRow, user: User, commitments: dict[int, Commitment]
) -> list[str]:
    changed = _update_fields(action, checked)
    changed += _update_commitments(action, checked, commitments)
    changed += _update_status(action, checked, user)
    changed += _update_indicator(action, checked)
    if changed:
        audit.record(
            user,
            "partnerships.action_changed",
            action,
            organisation=action.plan.administration,
            details={"fields": changed, "by": "import", "row": checked.number},
        )
    return changed


@transaction.atomic
def import_action_plan(plan: ActionPlan, file: IO[bytes], user: User) -> ImportResult:
    """Update the plan's actions named by code and add the others, all or none."""
    checked = check_workbook(plan, file)
    commitments = {c.number: c for c in plan.agreement.commitments.all()}
    number = Action.next_number(plan)
    result = ImportResult([], [], 0, checked.skipped)
    for row in checked.rows:
        if row.action is None:
            result.created.append(_create(plan, row, number + len(result.created), commitments))
        elif _update(row.action, row, user, commitments):
            result.updated.append(row.action)
        else:
            result.unchanged += 1
    audit.record(
        user,
        "partnerships.plan_imported",
        plan,
        organisation=plan.administration,
        details={
            "actions": [str(a.code) for a in result.created],
            "updated": [str(a.code) for a in result.updated],
            "unchanged": result.unchanged,
            "skipped": result.skipped,
        },
    )
    return result
