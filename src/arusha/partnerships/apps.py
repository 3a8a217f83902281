"""Configuration of the partnerships app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "arusha.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships")
