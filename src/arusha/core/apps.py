"""Configuration of the core app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "arusha.core"
    label = "core"
    verbose_name = _("Arusha core")

    def ready(self) -> None:
        from arusha.core import signals  # noqa: F401 - connects the receivers
