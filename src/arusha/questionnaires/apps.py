"""Configuration of the questionnaires app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "arusha.questionnaires"
    label = "questionnaires"
    verbose_name = _("Questionnaires")
