"""Check the audit trail's hash chain from the first entry to the head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from arusha.core.audit import AuditEntry, verify_chain


class Command(BaseCommand):
    help = (
        "Verify that no audit entry was edited, deleted or reordered. "
        "Example: arusha manage verify_audit"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem}")
            raise CommandError(f"The audit trail is not intact: {len(problems)} problem(s) found.")
        count = AuditEntry.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"The audit trail is intact: {count} entries checked.")
        )
