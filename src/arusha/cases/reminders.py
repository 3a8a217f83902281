"""Deadline reminders by e-mail: at most one a day per case, naming no content at all, to the
assigned handler (or, when nobody is assigned, every handler who holds the report key)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.mail import send_mail

from arusha.cases import deadlines
from arusha.cases.handling import assignable_handlers
from arusha.cases.models import Case
from arusha.core import audit
from arusha.core.models import User


@dataclass(frozen=True)
class Flag:
    case: Case
    state: str  # deadlines.OVERDUE or deadlines.DUE_SOON


def flags(case: Case) -> list[str]:
    """The clocks of an open case that are overdue or due soon."""
    if case.is_closed:
        return []
    today, soon = case.today(), case.policy().due_soon_days
    ack, feedback = case.clocks()
    clocks = [ack] if case.acknowledged_on is None else [feedback]
    return [
        state
        for state in (c.state(today, soon) for c in clocks)
        if state in (deadlines.OVERDUE, deadlines.DUE_SOON)
    ]


def pending() -> list[Flag]:
    found = []
    for case in Case.objects.open().select_related("report__channel__organisation", "assignee"):
        states = flags(case)
        if states and case.reminded_on != case.today():
            found.append(Flag(case, states[0]))
    return found


def send(found: list[Flag]) -> int:
    """One e-mail per person listing how many of their cases are overdue or due soon."""
    per_user: dict[User, list[Flag]] = defaultdict(list)
    for flag in found:
        people = [flag.case.assignee] if flag.case.assignee else assignable_handlers(flag.case)
        for person in people:
            if person is not None and person.email:
                per_user[person].append(flag)
    for person, items in per_user.items():
        overdue = sum(1 for f in items if f.state == deadlines.OVERDUE)
        body = (
            f"{overdue} of your cases are overdue and {len(items) - overdue} are due soon.\n"
            "Sign in to Arusha and open Cases (/cases/) to see which.\n"
        )
        send_mail("Arusha: case deadlines", body, None, [person.email])
    for flag in found:
        Case.objects.filter(pk=flag.case.pk).update(reminded_on=flag.case.today())
    audit.record(
        None, "cases.reminders_sent", details={"cases": len(found), "people": len(per_user)}
    )
    return len(per_user)
