"""Configuration of the case-handling app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "arusha.cases"
    label = "cases"
    verbose_name = _("Case handling")

    def ready(self) -> None:
        from arusha.cases import conflicts, signals  # noqa: F401 - signals registers receivers
        from arusha.reporting import submission

        if conflicts.excluded_for_submission not in submission.GRANT_EXCLUSIONS:
            submission.GRANT_EXCLUSIONS.append(conflicts.excluded_for_submission)
