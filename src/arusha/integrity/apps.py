"""Configuration of the integrity analytics app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "arusha.integrity"
    label = "integrity"
    verbose_name = _("Integrity risk analytics")
