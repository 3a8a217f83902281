"""E-mail handlers about overdue and nearly due cases."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from arusha.cases import reminders


class Command(BaseCommand):
    help = (
        "E-mail each handler how many of their cases are overdue or due soon (at most once a "
        "day per case; no case content). Run daily from cron. "
        "Example: arusha manage send_case_reminders"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = reminders.pending()
        people = reminders.send(found)
        self.stdout.write(f"{len(found)} case(s) flagged; {people} person(s) reminded.")
