"""Publish the questionnaire files as frozen versions (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arusha.questionnaires.loading import load_files
from arusha.questionnaires.schema import QuestionnaireError


class Command(BaseCommand):
    help = (
        "Publish the shipped questionnaires (or the files given) as frozen versions; a file whose "
        "content hash is already published is left alone. "
        "Example: arusha manage load_questionnaires"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="YAML files (default: shipped)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = load_files(options["files"] or None)
        except QuestionnaireError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Cannot read {exc.filename}: {exc.strerror}") from None
        for result in results:
            version = result.version
            state = "published" if result.created else "already published"
            self.stdout.write(
                f"{version.slug} {version.version} {version.content_hash[:12]}: {state}"
            )
