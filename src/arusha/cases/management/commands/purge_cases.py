"""Delete closed cases whose retention period is over, for good."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from arusha.cases import retention


class Command(BaseCommand):
    help = (
        "Delete closed cases past their outcome's retention period (not those on legal hold), "
        "with their messages, files and keys; only the fact of each deletion is kept. "
        "Run from cron. Example: arusha manage purge_cases --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = retention.expired_cases()
        for item in expired:
            self.stdout.write(
                f"{'would delete' if options['dry_run'] else 'deleting'} case {item.case.code} "
                f"({item.case.outcome}, kept until {item.delete_after})"
            )
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {len(expired)} case(s) would be deleted.")
            return
        count = retention.purge(expired)
        self.stdout.write(self.style.SUCCESS(f"{count} case(s) deleted."))
