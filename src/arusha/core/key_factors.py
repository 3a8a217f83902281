"""The ten key factors of the Revised Arusha Declaration, shared by every app that tags its work."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyFactor(models.IntegerChoices):
    LEADERSHIP = 1, _("Leadership and commitment")
    REGULATORY_FRAMEWORK = 2, _("Regulatory framework")
    TRANSPARENCY = 3, _("Transparency")
    AUTOMATION = 4, _("Automation")
    REFORM = 5, _("Reform and modernisation")
    AUDIT = 6, _("Audit and investigation")
    CODE_OF_CONDUCT = 7, _("Code of conduct")
    HUMAN_RESOURCES = 8, _("Human resource management")
    MORALE = 9, _("Morale and organisational culture")
    PRIVATE_SECTOR = 10, _("Relationship with the private sector")
