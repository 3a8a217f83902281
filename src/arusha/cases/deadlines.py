"""Legal deadlines of a case as pure date arithmetic: acknowledge within N days of receipt, give
feedback within M months of acknowledgement (EU Directive 2019/1937, articles 9 and 11).

Django-free. Every date is a calendar day in the channel's time zone. Adding months clamps to the
end of a shorter month: acknowledged 31 January + 3 months is due 30 April (never 1 May), and
30 November + 3 months is 28 or 29 February. When a report is never acknowledged, the feedback
clock runs from the end of the acknowledgement period, as the Directive says.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MET, LATE, OVERDUE, DUE_SOON, RUNNING = "met", "late", "overdue", "due_soon", "running"


@dataclass(frozen=True)
class Policy:
    acknowledge_days: int = 7
    feedback_months: int = 3
    due_soon_days: int = 3
    time_zone: str = "UTC"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_day(moment: datetime, time_zone: str) -> date:
    """The calendar day of an aware moment in the channel's time zone."""
    return moment.astimezone(ZoneInfo(time_zone)).date()


def acknowledge_due(received_on: date, policy: Policy) -> date:
    return received_on + timedelta(days=policy.acknowledge_days)


def feedback_due(received_on: date, acknowledged_on: date | None, policy: Policy) -> date:
    start = acknowledged_on or acknowledge_due(received_on, policy)
    return add_months(start, policy.feedback_months)


@dataclass(frozen=True)
class Deadline:
    """One clock: it runs until ``due`` and stops on ``done_on``."""

    due: date
    done_on: date | None

    def state(self, today: date, due_soon_days: int) -> str:
        if self.done_on is not None:
            return MET if self.done_on <= self.due else LATE
        if today > self.due:
            return OVERDUE
        if (self.due - today).days <= due_soon_days:
            return DUE_SOON
        return RUNNING

    def days_left(self, today: date) -> int:
        return (self.due - today).days


def deadlines(
    received_on: date,
    acknowledged_on: date | None,
    feedback_on: date | None,
    policy: Policy,
) -> tuple[Deadline, Deadline]:
    """The acknowledgement and feedback clocks of one case."""
    return (
        Deadline(acknowledge_due(received_on, policy), acknowledged_on),
        Deadline(feedback_due(received_on, acknowledged_on, policy), feedback_on),
    )
