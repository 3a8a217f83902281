"""Configuration of the assessments app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "arusha.assessments"
    label = "assessments"
    verbose_name = _("Integrity self-assessments")
