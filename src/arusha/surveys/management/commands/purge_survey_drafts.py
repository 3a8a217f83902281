"""Delete the drafts of campaigns that have closed: they can no longer be submitted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from arusha.surveys.answering import purge_closed_drafts


class Command(BaseCommand):
    help = (
        "Delete saved, unsubmitted answers of survey campaigns that have closed. "
        "Example: arusha manage purge_survey_drafts --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = purge_closed_drafts(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(f"{verb} {count} drafts of closed campaigns")
