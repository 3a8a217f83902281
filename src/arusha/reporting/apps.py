"""Configuration of the reporting app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "arusha.reporting"
    label = "reporting"
    verbose_name = _("Reporting channel")

    def ready(self) -> None:
        from arusha.reporting import checks, signals  # noqa: F401 - registers checks and receivers
